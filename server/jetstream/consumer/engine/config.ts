/**
 * @module
 * The consumer settings the engine runs on: a ConsumerConfig (JSON names, durations in ns, as
 * nats-server 2.9.10 marshals it and `api/consumer_config.ts` decodes it) turned into one
 * normalized, typed record with bigint durations.
 * PURE: no Deno APIs, timers or console output.
 */

/** Deliver policies (store.go). */
export type DeliverPolicy =
  | "all"
  | "last"
  | "new"
  | "by_start_sequence"
  | "by_start_time"
  | "last_per_subject";
export type AckPolicy = "none" | "all" | "explicit";
export type ReplayPolicy = "instant" | "original";

/** The ConsumerConfig fields the engine reads (a structural subset of the API type). */
export interface ConsumerConfigLike {
  durable_name?: string;
  name?: string;
  deliver_policy: DeliverPolicy;
  opt_start_seq?: number;
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
}

/** Normalized engine settings. Durations and times are ns (bigint). */
export interface EngineConfig {
  stream: string;
  name: string;
  durable: boolean;
  deliverPolicy: DeliverPolicy;
  optStartSeq: number;
  /** 0n when unset. */
  optStartTime: bigint;
  ackPolicy: AckPolicy;
  ackWait: bigint;
  /** <= 0: unlimited. */
  maxDeliver: number;
  backoff: bigint[];
  filterSubject: string;
  filterWildcard: boolean;
  replayPolicy: ReplayPolicy;
  rateLimitBps: number;
  /** Percent of acks sampled (0..100). */
  sampleFreq: number;
  maxWaiting: number;
  /** <= 0: unlimited. */
  maxAckPending: number;
  heartbeat: bigint;
  flowControl: boolean;
  headersOnly: boolean;
  maxBatch: number;
  maxExpires: bigint;
  maxBytes: number;
  deliverSubject: string;
  deliverGroup: string;
  inactiveThreshold: bigint;
}

/** nats-server JsAckWaitDefault (30s) and JsWaitQueueDefaultMax. */
export const DEFAULT_ACK_WAIT = 30_000_000_000n;
export const DEFAULT_MAX_WAITING = 512;

/** RFC 3339 text to ns since the epoch (nanosecond fractions kept); 0n when empty/invalid. */
export function rfc3339ToNanos(text: string | undefined): bigint {
  if (text === undefined || text === "") return 0n;
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (m === null) return 0n;
  const ms = Date.parse(m[1] + m[3]);
  if (Number.isNaN(ms)) return 0n;
  const frac = (m[2] ?? "").padEnd(9, "0").slice(0, 9);
  return BigInt(ms) * 1_000_000n + BigInt(frac === "" ? 0 : Number(frac));
}

/** ns since the epoch to Go's RFC 3339 UTC text (`time.Time` JSON, trailing zeros trimmed). */
export function nanosToRfc3339(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return `${base}${frac === "" ? "" : "." + frac}Z`;
}

/**
 * Normalizes a (defaulted, checked) ConsumerConfig for the engine.
 *
 * @example
 * ```ts
 * import { engineConfig } from "./config.ts";
 * const c = engineConfig("S", "C", { deliver_policy: "all", ack_policy: "explicit", replay_policy: "instant" });
 * if (c.ackWait !== 30_000_000_000n || c.maxWaiting !== 512) throw new Error();
 * ```
 */
export function engineConfig(stream: string, name: string, c: ConsumerConfigLike): EngineConfig {
  const filter = c.filter_subject ?? "";
  const deliverSubject = c.deliver_subject ?? "";
  return {
    stream,
    name,
    durable: (c.durable_name ?? "") !== "",
    deliverPolicy: c.deliver_policy,
    optStartSeq: c.opt_start_seq ?? 0,
    optStartTime: rfc3339ToNanos(c.opt_start_time),
    ackPolicy: c.ack_policy,
    ackWait: c.ack_wait !== undefined && c.ack_wait > 0 ? BigInt(c.ack_wait) : DEFAULT_ACK_WAIT,
    maxDeliver: c.max_deliver ?? -1,
    backoff: (c.backoff ?? []).map((d) => BigInt(d)),
    filterSubject: filter,
    filterWildcard: filter.split(".").some((t) => t === "*" || t === ">"),
    replayPolicy: c.replay_policy,
    rateLimitBps: c.rate_limit_bps ?? 0,
    sampleFreq: Number.parseInt((c.sample_freq ?? "").replace(/%$/, ""), 10) || 0,
    maxWaiting: deliverSubject === "" ? (c.max_waiting || DEFAULT_MAX_WAITING) : 0,
    maxAckPending: c.max_ack_pending ?? 0,
    heartbeat: BigInt(c.idle_heartbeat ?? 0),
    flowControl: c.flow_control ?? false,
    headersOnly: c.headers_only ?? false,
    maxBatch: c.max_batch ?? 0,
    maxExpires: BigInt(c.max_expires ?? 0),
    maxBytes: c.max_bytes ?? 0,
    deliverSubject,
    deliverGroup: c.deliver_group ?? "",
    inactiveThreshold: BigInt(c.inactive_threshold ?? 0),
  };
}
