/**
 * @module
 * JetStream API request and response shapes of nats-server 2.9.10 (`jetstream_api.go`,
 * `stream.go` StreamInfo / PubAck / StoredMsg, `store.go` StreamState, `consumer.go`
 * ConsumerInfo, `jetstream.go` JetStreamAccountStats): builders that emit keys in Go's marshal
 * order with its `omitempty` rules (embedded structs flattened as Go does), names/list paging
 * (JSApiNamesLimit 1024, JSApiListLimit 256), and the small request bodies with their checks.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import type { ApiOp } from "./api_subjects.ts";
import { responseType } from "./api_subjects.ts";
import { type ConsumerConfig, consumerConfigToJson } from "./consumer_config.ts";
import { type ApiError, jsApiError } from "./errors.ts";
import { K, unmarshalStruct } from "./go_json.ts";
import type { JetStreamAccountLimits } from "./stream_requests.ts";
import { type StreamConfig, streamConfigToJson } from "./stream_config.ts";

/** jetstream_api.go JSApiNamesLimit / JSApiListLimit: page sizes of NAMES and LIST answers. */
export const JS_API_NAMES_LIMIT = 1024;
export const JS_API_LIST_LIMIT = 256;

/** Go's zero time.Time as JSON. */
export const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

type Json = Record<string, unknown>;

/** `{type, error?}` (ApiResponse) for an operation. */
export function apiResponse(op: ApiOp, error?: ApiError): Json {
  const out: Json = { type: responseType(op) };
  if (error) out.error = error;
  return out;
}

/** store.go StreamState. Times are RFC 3339 text (GO_ZERO_TIME when unset). */
export interface StreamState {
  messages: number;
  bytes: number;
  first_seq: number;
  first_ts: string;
  last_seq: number;
  last_ts: string;
  num_subjects?: number;
  subjects?: Record<string, number>;
  num_deleted?: number;
  deleted?: number[];
  lost?: { msgs: number[]; bytes: number };
  consumer_count: number;
}

/** An empty stream's state. */
export function emptyStreamState(): StreamState {
  return {
    messages: 0,
    bytes: 0,
    first_seq: 0,
    first_ts: GO_ZERO_TIME,
    last_seq: 0,
    last_ts: GO_ZERO_TIME,
    consumer_count: 0,
  };
}

/** StreamState in Go's order. */
export function streamStateJson(s: StreamState): Json {
  const out: Json = {
    messages: s.messages,
    bytes: s.bytes,
    first_seq: s.first_seq,
    first_ts: s.first_ts,
    last_seq: s.last_seq,
    last_ts: s.last_ts,
  };
  if (s.num_subjects) out.num_subjects = s.num_subjects;
  if (s.subjects && Object.keys(s.subjects).length > 0) out.subjects = s.subjects;
  if (s.num_deleted) out.num_deleted = s.num_deleted;
  if (s.deleted && s.deleted.length > 0) out.deleted = s.deleted;
  if (s.lost) out.lost = { msgs: s.lost.msgs, bytes: s.lost.bytes };
  out.consumer_count = s.consumer_count;
  return out;
}

/** StreamSourceInfo (mirror/sources in stream info). */
export interface StreamSourceInfo {
  name: string;
  external?: { api: string; deliver: string };
  lag: number;
  /** Nanoseconds since last activity (-1 when none). */
  active: number;
  error?: ApiError;
}

/** ClusterInfo (stream or consumer). */
export interface ClusterInfo {
  name?: string;
  leader?: string;
  replicas?: {
    name: string;
    current: boolean;
    offline?: boolean;
    active: number;
    lag?: number;
    peer: string;
  }[];
}

/** stream.go StreamInfo. */
export interface StreamInfo {
  config: StreamConfig;
  created: string;
  state: StreamState;
  domain?: string;
  cluster?: ClusterInfo;
  mirror?: StreamSourceInfo;
  sources?: StreamSourceInfo[];
  alternates?: { name: string; domain?: string; cluster: string }[];
}

function sourceInfoJson(s: StreamSourceInfo): Json {
  const out: Json = { name: s.name };
  if (s.external) out.external = s.external;
  out.lag = s.lag;
  out.active = s.active;
  if (s.error) out.error = s.error;
  return out;
}

/** StreamInfo members in Go's order (to be spread after `type`/`error`). */
export function streamInfoJson(info: StreamInfo): Json {
  const out: Json = {
    config: streamConfigToJson(info.config),
    created: info.created,
    state: streamStateJson(info.state),
  };
  if (info.domain) out.domain = info.domain;
  if (info.cluster) out.cluster = info.cluster;
  if (info.mirror) out.mirror = sourceInfoJson(info.mirror);
  if (info.sources && info.sources.length > 0) out.sources = info.sources.map(sourceInfoJson);
  if (info.alternates && info.alternates.length > 0) out.alternates = info.alternates;
  return out;
}

/** JSApiStreamCreateResponse: `{type, config, created, state, ..., did_create}`. */
export function streamCreateResponse(info: StreamInfo, didCreate: boolean): Json {
  const out = { ...apiResponse("STREAM.CREATE"), ...streamInfoJson(info) };
  if (didCreate) out.did_create = true;
  return out;
}

/** JSApiStreamUpdateResponse / JSApiStreamInfoResponse (the latter paged: total/offset/limit). */
export function streamInfoResponse(
  op: "STREAM.UPDATE" | "STREAM.INFO",
  info: StreamInfo,
  paged?: { total: number; offset: number; limit: number },
): Json {
  const out = apiResponse(op);
  if (op === "STREAM.INFO") {
    Object.assign(out, paged ?? { total: 0, offset: 0, limit: 0 });
  }
  return { ...out, ...streamInfoJson(info) };
}

/** consumer.go SequenceInfo. */
export interface SequenceInfo {
  consumer_seq: number;
  stream_seq: number;
  last_active?: string;
}

/** consumer.go ConsumerInfo. */
export interface ConsumerInfo {
  stream_name: string;
  name: string;
  created: string;
  config?: ConsumerConfig;
  delivered: SequenceInfo;
  ack_floor: SequenceInfo;
  num_ack_pending: number;
  num_redelivered: number;
  num_waiting: number;
  num_pending: number;
  cluster?: ClusterInfo;
  push_bound?: boolean;
}

function sequenceJson(s: SequenceInfo): Json {
  const out: Json = { consumer_seq: s.consumer_seq, stream_seq: s.stream_seq };
  if (s.last_active !== undefined) out.last_active = s.last_active;
  return out;
}

/** ConsumerInfo members in Go's order. */
export function consumerInfoJson(info: ConsumerInfo): Json {
  const out: Json = { stream_name: info.stream_name, name: info.name, created: info.created };
  if (info.config) out.config = consumerConfigToJson(info.config);
  out.delivered = sequenceJson(info.delivered);
  out.ack_floor = sequenceJson(info.ack_floor);
  out.num_ack_pending = info.num_ack_pending;
  out.num_redelivered = info.num_redelivered;
  out.num_waiting = info.num_waiting;
  out.num_pending = info.num_pending;
  if (info.cluster) out.cluster = info.cluster;
  if (info.push_bound) out.push_bound = true;
  return out;
}

/** JSApiConsumerCreateResponse / JSApiConsumerInfoResponse. */
export function consumerInfoResponse(
  op: "CONSUMER.CREATE" | "CONSUMER.INFO",
  info: ConsumerInfo,
): Json {
  return { ...apiResponse(op), ...consumerInfoJson(info) };
}

/** jetstream.go JetStreamAccountStats (one tier: the totals). */
export interface AccountStats {
  memory: number;
  storage: number;
  streams: number;
  consumers: number;
  limits: JetStreamAccountLimits;
  domain?: string;
  api: { total: number; errors: number; inflight?: number };
  tiers?: Record<string, unknown>;
}

/** `io.nats.jetstream.api.v1.account_info_response` in Go's order. */
export function accountInfoResponse(stats: AccountStats): Json {
  const l = stats.limits;
  const out: Json = {
    ...apiResponse("INFO"),
    memory: stats.memory,
    storage: stats.storage,
    streams: stats.streams,
    consumers: stats.consumers,
    limits: {
      max_memory: l.max_memory,
      max_storage: l.max_storage,
      max_streams: l.max_streams,
      max_consumers: l.max_consumers,
      max_ack_pending: l.max_ack_pending,
      memory_max_stream_bytes: l.memory_max_stream_bytes,
      storage_max_stream_bytes: l.storage_max_stream_bytes,
      max_bytes_required: l.max_bytes_required,
    },
  };
  if (stats.domain) out.domain = stats.domain;
  const api: Json = { total: stats.api.total, errors: stats.api.errors };
  if (stats.api.inflight) api.inflight = stats.api.inflight;
  out.api = api;
  if (stats.tiers && Object.keys(stats.tiers).length > 0) out.tiers = stats.tiers;
  return out;
}

/** One page of `items` from `offset` (clamped to the total), at most `limit` long. */
export function page<T>(
  items: readonly T[],
  offset: number,
  limit: number,
): { total: number; offset: number; limit: number; items: T[] } {
  const total = items.length;
  const from = Math.min(Math.max(0, offset), total);
  return { total, offset: from, limit, items: items.slice(from, from + limit) };
}

/**
 * JSApiStreamNamesResponse / JSApiConsumerNamesResponse: names sorted, paged by 1024. With no
 * names nats-server sends `"streams": null` (its slice is never made) but `"consumers": []`.
 */
export function namesResponse(
  op: "STREAM.NAMES" | "CONSUMER.NAMES",
  names: readonly string[],
  offset: number,
): Json {
  const p = page([...names].sort(), offset, JS_API_NAMES_LIMIT);
  const key = op === "STREAM.NAMES" ? "streams" : "consumers";
  const list = p.items.length === 0 && op === "STREAM.NAMES" ? null : p.items;
  return { ...apiResponse(op), total: p.total, offset: p.offset, limit: p.limit, [key]: list };
}

/** JSApiStreamListResponse: stream infos sorted by name, paged by 256, `missing` if any. */
export function streamListResponse(
  infos: readonly StreamInfo[],
  offset: number,
  missing: readonly string[] = [],
): Json {
  const sorted = [...infos].sort((a, b) => a.config.name < b.config.name ? -1 : 1);
  const p = page(sorted, offset, JS_API_LIST_LIMIT);
  const out: Json = {
    ...apiResponse("STREAM.LIST"),
    total: p.total,
    offset: p.offset,
    limit: p.limit,
    streams: p.items.map(streamInfoJson),
  };
  if (missing.length > 0) out.missing = [...missing];
  return out;
}

/** JSApiConsumerListResponse: consumer infos sorted by name, paged by 256. */
export function consumerListResponse(
  infos: readonly ConsumerInfo[],
  offset: number,
  missing: readonly string[] = [],
): Json {
  const sorted = [...infos].sort((a, b) => a.name < b.name ? -1 : 1);
  const p = page(sorted, offset, JS_API_LIST_LIMIT);
  const out: Json = {
    ...apiResponse("CONSUMER.LIST"),
    total: p.total,
    offset: p.offset,
    limit: p.limit,
    consumers: p.items.map(consumerInfoJson),
  };
  if (missing.length > 0) out.missing = [...missing];
  return out;
}

/** `{type, error?, success?}` of the delete/stepdown/remove answers. */
export function successResponse(op: ApiOp, success: boolean, error?: ApiError): Json {
  const out = apiResponse(op, error);
  if (success) out.success = true;
  return out;
}

/** JSApiStreamPurgeResponse: `{type, error?, success?, purged}`. */
export function purgeResponse(purged: number, error?: ApiError): Json {
  const out = apiResponse("STREAM.PURGE", error);
  if (!error) out.success = true;
  out.purged = purged;
  return out;
}

/** stream.go PubAck; the JSON answer to a publish into a stream (JSPubAckResponse). */
export interface PubAck {
  stream: string;
  seq: number;
  domain?: string;
  duplicate?: boolean;
}

/** JSPubAckResponse: `{error}` alone, or `{stream, seq, domain?, duplicate?}`. */
export function pubAckJson(ack: PubAck | { error: ApiError }): Json {
  if ("error" in ack) return { error: ack.error };
  const out: Json = { stream: ack.stream, seq: ack.seq };
  if (ack.domain) out.domain = ack.domain;
  if (ack.duplicate) out.duplicate = true;
  return out;
}

/** stream.go StoredMsg; header and data go out base64-encoded like Go's []byte. */
export interface StoredMsg {
  subject: string;
  seq: number;
  hdrs?: Uint8Array;
  data?: Uint8Array;
  time: string;
}

/** Standard base64 of `bytes` (message bodies and headers in API answers). */
export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** JSApiMsgGetResponse: `{type, error?, message?: {subject, seq, hdrs?, data?, time}}`. */
export function msgGetResponse(msg: StoredMsg | null, error?: ApiError): Json {
  const out = apiResponse("STREAM.MSG.GET", error);
  if (msg) {
    const m: Json = { subject: msg.subject, seq: msg.seq };
    if (msg.hdrs && msg.hdrs.length > 0) m.hdrs = base64(msg.hdrs);
    if (msg.data && msg.data.length > 0) m.data = base64(msg.data);
    m.time = msg.time;
    out.message = m;
  }
  return out;
}

/** jetstream_api.go isEmptyRequest: no bytes, `{}`, or a JSON object with no members. */
export function isEmptyRequest(body: string): boolean {
  if (body.length === 0 || body === "{}") return true;
  try {
    const v = JSON.parse(body);
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
  } catch {
    return false;
  }
}

type Parsed<T> = { request: T } | { error: ApiError };

function parse<T>(fields: Parameters<typeof unmarshalStruct>[0], body: string): Parsed<T> {
  try {
    return { request: unmarshalStruct(fields, body) as T };
  } catch {
    return { error: jsApiError("JSInvalidJSONErr") };
  }
}

/** JSApiStreamNamesRequest / JSApiStreamListRequest / JSApiConsumersRequest (empty = defaults). */
export function parsePagedRequest(body: string): Parsed<{ offset: number; subject: string }> {
  if (isEmptyRequest(body)) return { request: { offset: 0, subject: "" } };
  const r = parse<{ offset?: number; subject?: string }>(
    { offset: K.int, subject: K.string },
    body,
  );
  if ("error" in r) return r;
  return { request: { offset: r.request.offset ?? 0, subject: r.request.subject ?? "" } };
}

/** JSApiStreamInfoRequest. */
export function parseStreamInfoRequest(
  body: string,
): Parsed<{ offset: number; deleted_details: boolean; subjects_filter: string }> {
  const none = { offset: 0, deleted_details: false, subjects_filter: "" };
  if (isEmptyRequest(body)) return { request: none };
  const r = parse<Partial<typeof none>>(
    { offset: K.int, deleted_details: K.bool, subjects_filter: K.string },
    body,
  );
  if ("error" in r) return r;
  return { request: { ...none, ...r.request } };
}

/**
 * JSApiMsgGetRequest with jsMsgGetRequest's checks: an empty body, both `seq` and
 * `last_by_subj`, none of the three, or both `last_by_subj` and `next_by_subj` are a bad
 * request.
 */
export function parseMsgGetRequest(
  body: string,
): Parsed<{ seq: number; last_by_subj: string; next_by_subj: string }> {
  if (isEmptyRequest(body)) return { error: jsApiError("JSBadRequestErr") };
  const r = parse<{ seq?: number; last_by_subj?: string; next_by_subj?: string }>(
    { seq: K.uint, last_by_subj: K.string, next_by_subj: K.string },
    body,
  );
  if ("error" in r) return r;
  const req = {
    seq: r.request.seq ?? 0,
    last_by_subj: r.request.last_by_subj ?? "",
    next_by_subj: r.request.next_by_subj ?? "",
  };
  if (
    (req.seq > 0 && req.last_by_subj !== "") ||
    (req.seq === 0 && req.last_by_subj === "" && req.next_by_subj === "") ||
    (req.last_by_subj !== "" && req.next_by_subj !== "")
  ) {
    return { error: jsApiError("JSBadRequestErr") };
  }
  return { request: req };
}

/** JSApiStreamPurgeRequest (null for a whole purge); `seq` with `keep` is a bad request. */
export function parsePurgeRequest(
  body: string,
): Parsed<{ seq: number; filter: string; keep: number } | null> {
  if (isEmptyRequest(body)) return { request: null };
  const r = parse<{ seq?: number; filter?: string; keep?: number }>(
    { seq: K.uint, filter: K.string, keep: K.uint },
    body,
  );
  if ("error" in r) return r;
  const req = {
    seq: r.request.seq ?? 0,
    filter: r.request.filter ?? "",
    keep: r.request.keep ?? 0,
  };
  if (req.seq > 0 && req.keep > 0) return { error: jsApiError("JSBadRequestErr") };
  return { request: req };
}

/** JSApiMsgDeleteRequest `{seq, no_erase?}`. */
export function parseMsgDeleteRequest(body: string): Parsed<{ seq: number; no_erase: boolean }> {
  const r = parse<{ seq?: number; no_erase?: boolean }>({ seq: K.uint, no_erase: K.bool }, body);
  if ("error" in r) return r;
  return { request: { seq: r.request.seq ?? 0, no_erase: r.request.no_erase ?? false } };
}

/** JSApiConsumerGetNextRequest (durations in ns). */
export function parseNextRequest(
  body: string,
): Parsed<
  { expires: number; batch: number; max_bytes: number; no_wait: boolean; idle_heartbeat: number }
> {
  const r = parse<Record<string, number | boolean>>(
    {
      expires: K.duration,
      batch: K.int,
      max_bytes: K.int,
      no_wait: K.bool,
      idle_heartbeat: K.duration,
    },
    body,
  );
  if ("error" in r) return r;
  const q = r.request;
  return {
    request: {
      expires: (q.expires as number) ?? 0,
      batch: (q.batch as number) ?? 0,
      max_bytes: (q.max_bytes as number) ?? 0,
      no_wait: (q.no_wait as boolean) ?? false,
      idle_heartbeat: (q.idle_heartbeat as number) ?? 0,
    },
  };
}
