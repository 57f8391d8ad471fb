/**
 * @module
 * The wire vocabulary of mirrors and sources (nats-server 2.9.10 stream.go `setupMirrorConsumer`,
 * `setSourceConsumer`, `genSourceHeader`, `streamAndSeq`, `isControlMsg`, `setIndexName`;
 * jetstream_cluster.go `syncSubject`): the consumer create request a mirroring stream sends to
 * its origin (an ephemeral, direct push consumer with flow control and a 1s heartbeat), its
 * subject (with an external API prefix), the deliver and reply inboxes, the index name of a
 * source and the `Nats-Stream-Source` header. PURE: no Deno APIs, timers or console output.
 */
import { hashSize } from "../../protocol/sha256.ts";
import { BASE62_DIGITS as DIGITS } from "../../protocol/base62.ts";
import type { StreamSource } from "../api/stream_config.ts";
import { goTimeNs } from "../js_time.ts";

/** nats-server JSStreamSource. */
export const STREAM_SOURCE_HDR = "Nats-Stream-Source";
/** sourceHealthCheckInterval: the consumer heartbeat and the stall check period. */
export const HEALTH_CHECK_MS = 1000;
/** sourceConsumerRetryThreshold: consumer creates are at least this far apart. */
export const RETRY_THRESHOLD_MS = 2000;
/** How long a consumer create waits for its answer before retrying. */
export const CREATE_TIMEOUT_MS = 5000;
/** dgetCaughtUpThresh: mirror direct gets start once fewer messages are pending. */
export const DIRECT_CAUGHT_UP = 10;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** events.go getHash: the 8 base-62 digits picked by the first bytes of SHA-256. */
export function hash8(name: string): string {
  return hashSize(name, 8);
}

/**
 * StreamSource.setIndexName: the stream name, or `<name>:<hash of the API prefix>` for an
 * external source (two external sources may share a name).
 *
 * @example
 * ```ts
 * import { indexName } from "./source_proto.ts";
 * if (indexName({ name: "O" }) !== "O") throw new Error();
 * if (!indexName({ name: "O", external: { api: "$JS.L.API", deliver: "" } }).startsWith("O:")) {
 *   throw new Error();
 * }
 * ```
 */
export function indexName(src: StreamSource): string {
  return src.external ? `${src.name}:${hash8(src.external.api ?? "")}` : src.name;
}

/** syncSubject: `<pre>.` and 8 base-62 digits. */
export function syncSubject(pre: string, random: () => number): string {
  let s = `${pre}.`;
  for (let i = 0; i < 8; i++) s += DIGITS[Math.floor(random() * 62)];
  return s;
}

/** The deliver inbox of a mirror (`M`) or source (`S`) consumer, under an external prefix. */
export function deliverSubjectFor(
  src: StreamSource,
  kind: "M" | "S",
  random: () => number,
): string {
  const prefix = src.external?.deliver ?? "";
  if (prefix !== "") return syncSubject(`${prefix}.${kind}`, random).replaceAll("..", ".");
  return syncSubject(`$JS.${kind}`, random);
}

/** The reply inbox of a consumer create request (infoReplySubject). */
export function createReplySubject(random: () => number): string {
  return syncSubject("$JSC.R", random);
}

/**
 * The create subject: `$JS.API.CONSUMER.CREATE.<origin>`, or with a filter the named form
 * `...CREATE.<origin>.<name>.<filter>`; an external API prefix replaces `$JS.API`.
 */
export function createSubjectFor(src: StreamSource, consumerName: string): string {
  const filter = src.filter_subject ?? "";
  let subject = filter !== ""
    ? `$JS.API.CONSUMER.CREATE.${src.name}.${consumerName}.${filter}`
    : `$JS.API.CONSUMER.CREATE.${src.name}`;
  if (src.external) {
    subject = subject.replace("$JS.API", src.external.api ?? "").replaceAll("..", ".");
  }
  return subject;
}

/** The consumer config part of a mirror or source consumer (Go field order). */
export interface UpstreamRequest {
  /** `mirror-<hash>` / `src-<hash>` when filtered, else "". */
  name: string;
  deliverPolicy: "all" | "by_start_sequence" | "by_start_time";
  optStartSeq: number;
  optStartTime: string;
  filterSubject: string;
  deliverSubject: string;
}

/** The JSON body of the create request (CreateConsumerRequest marshaled by Go). */
export function createRequestBody(stream: string, r: UpstreamRequest): string {
  const c: Record<string, unknown> = {};
  if (r.name !== "") c.name = r.name;
  c.deliver_policy = r.deliverPolicy;
  if (r.optStartSeq > 0) c.opt_start_seq = r.optStartSeq;
  if (r.optStartTime !== "") c.opt_start_time = r.optStartTime;
  c.ack_policy = "none";
  c.ack_wait = 22 * 3600 * 1_000_000_000;
  c.max_deliver = 1;
  if (r.filterSubject !== "") c.filter_subject = r.filterSubject;
  c.replay_policy = "instant";
  c.idle_heartbeat = HEALTH_CHECK_MS * 1_000_000;
  c.flow_control = true;
  c.deliver_subject = r.deliverSubject;
  c.num_replicas = 0;
  c.direct = true;
  return JSON.stringify({ stream_name: stream, config: c });
}

/**
 * setupMirrorConsumer's request: from the mirror's last sequence + 1, or on first start the
 * configured opt_start_seq / opt_start_time, else everything.
 */
export function mirrorRequest(
  src: StreamSource,
  state: { msgs: number; lastSeq: number },
  deliverSubject: string,
  name: string,
): UpstreamRequest {
  const r: UpstreamRequest = {
    name: (src.filter_subject ?? "") !== "" ? name : "",
    deliverPolicy: "by_start_sequence",
    optStartSeq: state.lastSeq + 1,
    optStartTime: "",
    filterSubject: src.filter_subject ?? "",
    deliverSubject,
  };
  // Only a mirror that never stored anything uses the configured start.
  if (state.msgs === 0 && state.lastSeq === 0) {
    r.optStartSeq = 0;
    if ((src.opt_start_seq ?? 0) > 0) r.optStartSeq = src.opt_start_seq!;
    else if (src.opt_start_time) {
      r.optStartTime = src.opt_start_time;
      r.deliverPolicy = "by_start_time";
    }
  }
  if (r.optStartSeq === 0 && r.optStartTime === "") r.deliverPolicy = "all";
  return r;
}

/**
 * setSourceConsumer's request for the next sequence `seq`: a start time (a filter changed
 * without overlap), the configured start on first start (a configured start time never before
 * `start`, the stream's last message time), else from `seq`.
 */
export function sourceRequest(
  src: StreamSource,
  seq: number,
  startTime: bigint,
  start: bigint,
  deliverSubject: string,
  name: string,
): UpstreamRequest {
  const r: UpstreamRequest = {
    name: (src.filter_subject ?? "") !== "" ? name : "",
    deliverPolicy: "all",
    optStartSeq: 0,
    optStartTime: "",
    filterSubject: src.filter_subject ?? "",
    deliverSubject,
  };
  if (startTime !== 0n && seq > 1) {
    r.optStartTime = goTimeNs(startTime);
    r.deliverPolicy = "by_start_time";
  } else if (seq <= 1) {
    if ((src.opt_start_seq ?? 0) > 0) {
      r.optStartSeq = src.opt_start_seq!;
      r.deliverPolicy = "by_start_sequence";
    } else if (src.opt_start_time) {
      const configured = Date.parse(src.opt_start_time);
      const startMs = Number(start / 1_000_000n);
      r.optStartTime = start !== 0n && configured < startMs ? goTimeNs(start) : src.opt_start_time;
      r.deliverPolicy = "by_start_time";
    } else if (start !== 0n) {
      r.optStartTime = goTimeNs(start);
      r.deliverPolicy = "by_start_time";
    }
  } else {
    r.optStartSeq = seq;
    r.deliverPolicy = "by_start_sequence";
  }
  return r;
}

/** A flow control request or idle heartbeat: no payload, a `NATS/1.0 100 ` status header. */
export function isControlMsg(header: Uint8Array | null, data: Uint8Array): boolean {
  if (data.length !== 0 || header === null || header.length < 13) return false;
  return dec.decode(header.subarray(0, 13)) === "NATS/1.0 100 ";
}

/** The consumer name of a `$JS.ACK.<stream>.<consumer>...` reply, "" for anything else. */
export function ackReplyConsumer(reply: string): string {
  if (!reply.startsWith("$JS.ACK.")) return "";
  return reply.split(".")[3] ?? "";
}

/** genSourceHeader: `<index name> <stream sequence of the ack reply>` ("1" when not one). */
export function sourceHeaderValue(iname: string, reply: string): string {
  const t = reply.split(".");
  const seq = t.length === 9 && t[0] === "$JS" && t[1] === "ACK" ? t[5] : "1";
  return `${iname} ${seq}`;
}

/** Go parseAckReplyNum: digits only, else -1. */
function parseNum(s: string): number {
  return /^[0-9]+$/.test(s) ? Number(s) : -1;
}

/**
 * streamAndSeq: the index name and sequence of a `Nats-Stream-Source` value (the new form
 * `<iname> <seq>`, or the old form, an ack reply).
 *
 * @example
 * ```ts
 * import { streamAndSeq } from "./source_proto.ts";
 * const r = streamAndSeq("ORDERS 12");
 * if (r.iname !== "ORDERS" || r.seq !== 12) throw new Error();
 * ```
 */
export function streamAndSeq(value: string): { iname: string; seq: number } {
  if (value.startsWith("$JS.ACK.")) {
    const t = value.split(".");
    if (t.length !== 9) return { iname: "", seq: 0 };
    return { iname: t[2], seq: Math.max(parseNum(t[5]), 0) };
  }
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 2) return { iname: "", seq: 0 };
  return { iname: fields[0], seq: Math.max(parseNum(fields[1]), 0) };
}

/**
 * The header block of a sourced message: an existing `Nats-Stream-Source` (daisy chains) is
 * removed (removeHeaderIfPresent), then the new one appended (genHeader).
 */
export function sourcedHeader(header: Uint8Array | null, value: string): Uint8Array {
  let text = header !== null && header.length > 0 ? dec.decode(header) : "";
  if (text !== "") text = removeHeader(text, STREAM_SOURCE_HDR);
  const head = text.length > 2 ? text.slice(0, text.length - 2) : "NATS/1.0\r\n";
  return enc.encode(`${head}${STREAM_SOURCE_HDR}: ${value}\r\n\r\n`);
}

/** removeHeaderIfPresent: the first `key:` line after a line break goes. */
function removeHeader(text: string, key: string): string {
  const start = text.indexOf(key);
  if (start < 1 || text[start - 1] !== "\n") return text;
  if (text[start + key.length] !== ":") return text;
  const end = text.indexOf("\r\n", start);
  if (end < 0) return text;
  const out = text.slice(0, start) + text.slice(end + 2);
  return out.length <= "NATS/1.0\r\n\r\n".length ? "" : out;
}
