/**
 * @module
 * The JetStream consumer configuration of nats-server 2.9.10 (`consumer.go` ConsumerConfig,
 * CreateConsumerRequest): the type with every field under its JSON name, decoding as Go's
 * json.Unmarshal does, marshalling in Go's order with `omitempty`, `setConsumerConfigDefaults`,
 * `checkConsumerCfg` and `checkNewConsumerConfig` (what an existing consumer may change), each
 * rule answering nats-server's exact API error. Durations are nanoseconds.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { goQuote } from "../../protocol/wire_errors.ts";
import { type ApiError, jsApiError } from "./errors.ts";
import { type GoKind, K, unmarshalStruct } from "./go_json.ts";
import {
  byteLength,
  deepEqual,
  isValidSubject,
  subjectHasWildcard,
  subjectIsLiteral,
  subjectIsSubsetMatch,
} from "./_subjects.ts";
import { JS_MAX_DESCRIPTION_LEN, type StreamConfig, type StreamSource } from "./stream_config.ts";

/** Deliver policies (store.go); `undefined` is read as `all`. */
export const DELIVER_POLICIES = [
  "all",
  "last",
  "new",
  "by_start_sequence",
  "by_start_time",
  "last_per_subject",
  "undefined",
] as const;
/** Ack policies (store.go). Go's zero value is `none`. */
export const ACK_POLICIES = ["none", "all", "explicit"] as const;
/** Replay policies (store.go). Go's zero value is `instant`. */
export const REPLAY_POLICIES = ["instant", "original"] as const;

export type DeliverPolicy = Exclude<typeof DELIVER_POLICIES[number], "undefined">;
export type AckPolicy = typeof ACK_POLICIES[number];
export type ReplayPolicy = typeof REPLAY_POLICIES[number];

/** ConsumerConfig with every 2.9.10 field in Go's order; absent optionals are Go zeros. */
export interface ConsumerConfig {
  durable_name?: string;
  name?: string;
  description?: string;
  deliver_policy: DeliverPolicy;
  opt_start_seq?: number;
  /** RFC 3339 text. */
  opt_start_time?: string;
  ack_policy: AckPolicy;
  ack_wait?: number;
  max_deliver?: number;
  backoff?: number[];
  filter_subject?: string;
  replay_policy: ReplayPolicy;
  rate_limit_bps?: number;
  sample_freq?: string;
  max_waiting?: number;
  max_ack_pending?: number;
  idle_heartbeat?: number;
  flow_control?: boolean;
  headers_only?: boolean;
  max_batch?: number;
  max_expires?: number;
  max_bytes?: number;
  deliver_subject?: string;
  deliver_group?: string;
  inactive_threshold?: number;
  num_replicas: number;
  mem_storage?: boolean;
  direct?: boolean;
}

/** Go decoding spec of ConsumerConfig. */
export const CONSUMER_CONFIG_FIELDS: Readonly<Record<string, GoKind>> = {
  durable_name: K.string,
  name: K.string,
  description: K.string,
  deliver_policy: K.enum(DELIVER_POLICIES),
  opt_start_seq: K.uint,
  opt_start_time: K.time,
  ack_policy: K.enum(ACK_POLICIES),
  ack_wait: K.duration,
  max_deliver: K.int,
  backoff: K.array(K.duration),
  filter_subject: K.string,
  replay_policy: K.enum(REPLAY_POLICIES),
  rate_limit_bps: K.uint,
  sample_freq: K.string,
  max_waiting: K.int,
  max_ack_pending: K.int,
  idle_heartbeat: K.duration,
  flow_control: K.bool,
  headers_only: K.bool,
  max_batch: K.int,
  max_expires: K.duration,
  max_bytes: K.int,
  deliver_subject: K.string,
  deliver_group: K.string,
  inactive_threshold: K.duration,
  num_replicas: K.int,
  mem_storage: K.bool,
  direct: K.bool,
};

/** The members whose Go zero is not the JSON-absent value. */
function zeroConsumerConfig(): ConsumerConfig {
  return { deliver_policy: "all", ack_policy: "none", replay_policy: "instant", num_replicas: 0 };
}

/** A CreateConsumerRequest body: `{stream_name, config}`. */
export interface CreateConsumerRequest {
  stream_name: string;
  config: ConsumerConfig;
}

/**
 * `json.Unmarshal(body, &CreateConsumerRequest{})`; failures answer `JSInvalidJSONErr`.
 *
 * @example
 * ```ts
 * import { parseCreateConsumerRequest } from "./consumer_config.ts";
 * const r = parseCreateConsumerRequest('{"stream_name":"S","config":{"durable_name":"d"}}');
 * if (!("request" in r) || r.request.config.ack_policy !== "none") throw new Error();
 * ```
 */
export function parseCreateConsumerRequest(
  body: string,
): { request: CreateConsumerRequest } | { error: ApiError } {
  try {
    const decoded = unmarshalStruct(
      { stream_name: K.string, config: K.struct(CONSUMER_CONFIG_FIELDS) },
      body,
    );
    const raw = (decoded.config ?? {}) as Record<string, unknown>;
    const config = { ...zeroConsumerConfig(), ...raw } as ConsumerConfig;
    if ((raw.deliver_policy as string) === "undefined") config.deliver_policy = "all";
    return {
      request: { stream_name: (decoded.stream_name as string | undefined) ?? "", config },
    };
  } catch {
    return { error: jsApiError("JSInvalidJSONErr") };
  }
}

/** The config as nats-server marshals it: Go's field order, zero `omitempty` fields left out. */
export function consumerConfigToJson(c: ConsumerConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const opt = (key: keyof ConsumerConfig) => {
    const v = c[key];
    if (v === undefined || v === "" || v === 0 || v === false) return;
    if (Array.isArray(v) && v.length === 0) return;
    out[key] = Array.isArray(v) ? [...v] : v;
  };
  opt("durable_name");
  opt("name");
  opt("description");
  out.deliver_policy = c.deliver_policy;
  opt("opt_start_seq");
  if (c.opt_start_time !== undefined) out.opt_start_time = c.opt_start_time;
  out.ack_policy = c.ack_policy;
  for (const k of ["ack_wait", "max_deliver", "backoff", "filter_subject"] as const) opt(k);
  out.replay_policy = c.replay_policy;
  for (
    const k of [
      "rate_limit_bps",
      "sample_freq",
      "max_waiting",
      "max_ack_pending",
      "idle_heartbeat",
      "flow_control",
      "headers_only",
      "max_batch",
      "max_expires",
      "max_bytes",
      "deliver_subject",
      "deliver_group",
      "inactive_threshold",
    ] as const
  ) opt(k);
  out.num_replicas = c.num_replicas;
  opt("mem_storage");
  opt("direct");
  return out;
}

/** consumer.go defaults. */
export const JS_ACK_WAIT_DEFAULT = 30_000_000_000;
export const JS_DEFAULT_MAX_ACK_PENDING = 1000;
export const JS_WAIT_QUEUE_DEFAULT_MAX = 512;
export const JS_DELETE_WAIT_TIME_DEFAULT = 5_000_000_000;

/** Server `jetstream.limits` (JSLimitOpts) and the account tier's max_ack_pending. */
export interface ConsumerLimits {
  serverMaxAckPending?: number;
  serverMaxRequestBatch?: number;
  accountMaxAckPending?: number;
}

/** consumer.go setConsumerConfigDefaults, on a copy. */
export function setConsumerConfigDefaults(
  config: ConsumerConfig,
  limits: ConsumerLimits = {},
): ConsumerConfig {
  const c = structuredClone(config);
  const push = !!c.deliver_subject;
  if (!push && !c.max_waiting) c.max_waiting = JS_WAIT_QUEUE_DEFAULT_MAX;
  const acks = c.ack_policy === "explicit" || c.ack_policy === "all";
  if (!c.ack_wait && acks) c.ack_wait = JS_ACK_WAIT_DEFAULT;
  if (!c.max_deliver) c.max_deliver = -1;
  if (c.backoff && c.backoff.length > 0) c.ack_wait = c.backoff[0];
  if (acks && !c.max_ack_pending) {
    let pending = JS_DEFAULT_MAX_ACK_PENDING;
    const srv = limits.serverMaxAckPending ?? 0;
    const acc = limits.accountMaxAckPending ?? 0;
    if (srv > 0 && srv < pending) pending = srv;
    if (acc > 0 && acc < pending) pending = acc;
    c.max_ack_pending = pending;
  }
  const batch = limits.serverMaxRequestBatch ?? 0;
  if (!push && !c.max_batch && batch > 0) c.max_batch = batch;
  return c;
}

/** Go strconv.Atoi's error text for `s`, or null when it parses. */
function atoiError(s: string): string | null {
  if (/^[+-]?[0-9]+$/.test(s)) {
    const v = BigInt(s);
    if (v > 9223372036854775807n || v < -9223372036854775808n) {
      return `strconv.Atoi: parsing ${goQuote(s)}: value out of range`;
    }
    return null;
  }
  return `strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`;
}

/** What checkConsumerCfg reads besides the config. */
export interface ConsumerCheckContext extends ConsumerLimits {
  /** The parent stream's (defaulted) config. */
  stream: StreamConfig;
  /** Other streams of the account, for subjects gathered through mirrors and sources. */
  lookupStream?(name: string): StreamConfig | undefined;
  isRecovering?: boolean;
}

/** stream.go gatherSourceMirrorSubjects / streamSourceSubjects on a single server. */
function sourceSubjects(
  ss: StreamSource,
  seen: Set<string>,
  lookup: ConsumerCheckContext["lookupStream"],
): { subjects: string[]; hasExt: boolean } {
  if (ss.external) return { subjects: [], hasExt: true };
  if (seen.has(ss.name)) return { subjects: [], hasExt: false };
  const cfg = lookup?.(ss.name);
  if (!cfg) return { subjects: [], hasExt: false };
  seen.add(ss.name);
  const subjects = [...(cfg.subjects ?? [])];
  let hasExt = false;
  const next = cfg.mirror ? [cfg.mirror] : cfg.sources ?? [];
  for (const s of next) {
    const r = sourceSubjects(s, seen, lookup);
    subjects.push(...r.subjects);
    if (r.hasExt) {
      hasExt = true;
      break;
    }
  }
  return { subjects, hasExt };
}

/** consumer.go validFilteredSubject. */
export function validFilteredSubject(filter: string, subjects: readonly string[]): boolean {
  if (!isValidSubject(filter)) return false;
  const wildcard = subjectHasWildcard(filter);
  return subjects.some((s) =>
    subjectIsSubsetMatch(filter, s) || (wildcard && subjectIsSubsetMatch(s, filter))
  );
}

/**
 * consumer.go checkConsumerCfg on a defaulted config: null when valid, else the API error.
 *
 * @example
 * ```ts
 * import { checkConsumerConfig, setConsumerConfigDefaults } from "./consumer_config.ts";
 * import { checkStreamConfig, zeroStreamConfig } from "./stream_config.ts";
 * const s = checkStreamConfig({ ...zeroStreamConfig(), name: "S" });
 * if (!("config" in s)) throw new Error();
 * const c = setConsumerConfigDefaults({
 *   deliver_policy: "all",
 *   ack_policy: "none",
 *   replay_policy: "instant",
 *   num_replicas: 0,
 *   idle_heartbeat: 1e9,
 * });
 * if (checkConsumerConfig(c, { stream: s.config })?.err_code !== 10088) throw new Error();
 * ```
 */
export function checkConsumerConfig(c: ConsumerConfig, ctx: ConsumerCheckContext): ApiError | null {
  const stream = ctx.stream;
  if (c.num_replicas > 0 && c.num_replicas > stream.num_replicas) {
    return jsApiError("JSConsumerReplicasExceedsStream");
  }
  if (c.num_replicas < 0) return jsApiError("JSReplicasCountCannotBeNegative");
  const backoff = c.backoff?.length ?? 0;
  if (backoff > 0 && (c.max_deliver ?? 0) <= backoff) {
    return jsApiError("JSConsumerMaxDeliverBackoffErr");
  }
  if (byteLength(c.description ?? "") > JS_MAX_DESCRIPTION_LEN) {
    return jsApiError("JSConsumerDescriptionTooLongErrF", { max: JS_MAX_DESCRIPTION_LEN });
  }
  const heartbeat = c.idle_heartbeat ?? 0;
  if (c.deliver_subject) {
    const dsubj = c.deliver_subject;
    if (!subjectIsLiteral(dsubj)) return jsApiError("JSConsumerDeliverToWildcardsErr");
    if (!isValidSubject(dsubj)) return jsApiError("JSConsumerInvalidDeliverSubject");
    if ((stream.subjects ?? []).some((s) => subjectIsSubsetMatch(dsubj, s))) {
      return jsApiError("JSConsumerDeliverCycleErr");
    }
    if (c.max_waiting) return jsApiError("JSConsumerPushMaxWaitingErr");
    if ((c.max_ack_pending ?? 0) > 0 && c.ack_policy === "none") {
      return jsApiError("JSConsumerMaxPendingAckPolicyRequiredErr");
    }
    if (heartbeat > 0 && heartbeat < 100_000_000) return jsApiError("JSConsumerSmallHeartbeatErr");
  } else {
    if (c.ack_policy === "none" && stream.retention === "workqueue") {
      return jsApiError("JSConsumerPullRequiresAckErr");
    }
    if ((c.rate_limit_bps ?? 0) > 0) return jsApiError("JSConsumerPullWithRateLimitErr");
    if ((c.max_waiting ?? 0) < 0) return jsApiError("JSConsumerMaxWaitingNegativeErr");
    if (heartbeat > 0) return jsApiError("JSConsumerHBRequiresPushErr");
    if (c.flow_control) return jsApiError("JSConsumerFCRequiresPushErr");
    if ((c.max_batch ?? 0) < 0) return jsApiError("JSConsumerMaxRequestBatchNegativeErr");
    const expires = c.max_expires ?? 0;
    if (expires !== 0 && expires < 1_000_000) {
      return jsApiError("JSConsumerMaxRequestExpiresToSmall");
    }
    const batchLimit = ctx.serverMaxRequestBatch ?? 0;
    if (batchLimit > 0 && (c.max_batch ?? 0) > batchLimit) {
      return jsApiError("JSConsumerMaxRequestBatchExceededF", { limit: batchLimit });
    }
  }
  const pending = c.max_ack_pending ?? 0;
  const srvPending = ctx.serverMaxAckPending ?? 0;
  if (srvPending > 0 && pending > srvPending) {
    return jsApiError("JSConsumerMaxPendingAckExcessErrF", { limit: srvPending });
  }
  const accPending = ctx.accountMaxAckPending ?? 0;
  if (accPending > 0 && pending > accPending) {
    return jsApiError("JSConsumerMaxPendingAckExcessErrF", { limit: accPending });
  }
  if (c.direct) {
    if (!c.deliver_subject) return jsApiError("JSConsumerDirectRequiresPushErr");
    if (c.durable_name) return jsApiError("JSConsumerDirectRequiresEphemeralErr");
  }
  if (c.filter_subject) {
    let subjects = [...(stream.subjects ?? [])];
    let hasExt = !!ctx.isRecovering;
    if (!ctx.isRecovering) {
      const origins = stream.mirror ? [stream.mirror] : stream.sources ?? [];
      const seen = new Set<string>();
      for (const o of origins) {
        const r = sourceSubjects(o, stream.mirror ? new Set() : seen, ctx.lookupStream);
        subjects = subjects.concat(r.subjects);
        if (r.hasExt) hasExt = true;
      }
    }
    if (!hasExt && !validFilteredSubject(c.filter_subject, subjects)) {
      return jsApiError("JSConsumerFilterNotSubsetErr");
    }
  }
  const policyError = checkDeliverPolicy(c);
  if (policyError) return policyError;
  if (c.sample_freq) {
    const s = c.sample_freq.endsWith("%") ? c.sample_freq.slice(0, -1) : c.sample_freq;
    const err = atoiError(s);
    if (err !== null || Number(s) < 0) return jsApiError("JSConsumerInvalidSamplingErrF", { err });
  }
  if (c.flow_control && heartbeat === 0) {
    return jsApiError("JSConsumerWithFlowControlNeedsHeartbeats");
  }
  if (c.durable_name && c.name && c.name !== c.durable_name) {
    return jsApiError("JSConsumerCreateDurableAndNameMismatch");
  }
  return null;
}

const POLICY_WORDS: Record<DeliverPolicy, string> = {
  all: "all",
  last: "last",
  last_per_subject: "last per subject",
  new: "new",
  by_start_sequence: "by start sequence",
  by_start_time: "by start time",
};

function checkDeliverPolicy(c: ConsumerConfig): ApiError | null {
  const dp = POLICY_WORDS[c.deliver_policy];
  const bad = (start: string) =>
    jsApiError("JSConsumerInvalidPolicyErrF", {
      err: `consumer delivery policy is deliver ${dp}, but optional start ${start} is also set`,
    });
  const notSet = (what: string) =>
    jsApiError("JSConsumerInvalidPolicyErrF", {
      err: `consumer delivery policy is deliver ${dp}, but optional ${what} is not set`,
    });
  const seq = c.opt_start_seq ?? 0;
  const time = c.opt_start_time !== undefined;
  switch (c.deliver_policy) {
    case "all":
    case "last":
    case "new":
    case "last_per_subject":
      if (seq > 0) return bad("sequence");
      if (time) return bad("time");
      if (c.deliver_policy === "last_per_subject" && !c.filter_subject) {
        return notSet("filter subject");
      }
      return null;
    case "by_start_sequence":
      if (seq === 0) return notSet("start sequence");
      if (time) return bad("time");
      return null;
    case "by_start_time":
      if (!time) return notSet("start time");
      if (seq !== 0) return bad("start sequence");
      return null;
  }
}

/**
 * consumer.go checkNewConsumerConfig: may an existing consumer with `old` take `next`?
 * An API error, a plain error text (nats-server wraps it in `JSConsumerCreateErrF`), or null.
 * `deliverSubjectHasInterest` says whether the old deliver subject still has subscribers.
 */
export function checkNewConsumerConfig(
  old: ConsumerConfig,
  next: ConsumerConfig,
  deliverSubjectHasInterest: (subject: string) => boolean = () => false,
): ApiError | string | null {
  if (deepEqual(old, next)) return null;
  if (old.deliver_policy !== next.deliver_policy) return "deliver policy can not be updated";
  if ((old.opt_start_seq ?? 0) !== (next.opt_start_seq ?? 0)) {
    return "start sequence can not be updated";
  }
  // Go compares the *time.Time pointers, so any start time given again differs.
  if (old.opt_start_time !== undefined || next.opt_start_time !== undefined) {
    return "start time can not be updated";
  }
  if (old.ack_policy !== next.ack_policy) return "ack policy can not be updated";
  if (old.replay_policy !== next.replay_policy) return "replay policy can not be updated";
  if ((old.idle_heartbeat ?? 0) !== (next.idle_heartbeat ?? 0)) {
    return "heart beats can not be updated";
  }
  if (!!old.flow_control !== !!next.flow_control) return "flow control can not be updated";
  if ((old.max_waiting ?? 0) !== (next.max_waiting ?? 0)) return "max waiting can not be updated";
  const oldDeliver = old.deliver_subject ?? "";
  const nextDeliver = next.deliver_subject ?? "";
  if (oldDeliver !== nextDeliver) {
    if (oldDeliver === "") return "can not update pull consumer to push based";
    if (nextDeliver === "") return "can not update push consumer to pull based";
    if (deliverSubjectHasInterest(oldDeliver)) return jsApiError("JSConsumerNameExistErr");
  }
  const backoff = next.backoff?.length ?? 0;
  if (backoff > 0 && (next.max_deliver ?? 0) <= backoff) {
    return jsApiError("JSConsumerMaxDeliverBackoffErr");
  }
  return null;
}
