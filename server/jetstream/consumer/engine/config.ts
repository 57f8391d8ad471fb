/**
 * @module
 * The consumer settings the engine runs on: a ConsumerConfig (JSON names, durations in ns, as
 * nats-server 2.9.10 marshals it and `api/consumer_config.ts` decodes it) turned into one
 * normalized, typed record with bigint durations.
 * PURE: no Deno APIs, timers or console output.
 */
import { parseGoTimeNs } from "../../js_time.ts";
import type {
  AckPolicy,
  ConsumerConfig,
  DeliverPolicy,
  ReplayPolicy,
} from "../../api/consumer_config.ts";

export type { AckPolicy, DeliverPolicy, ReplayPolicy } from "../../api/consumer_config.ts";

/** The ConsumerConfig fields the engine reads (the API type without the ones it ignores). */
export type ConsumerConfigLike = Omit<
  ConsumerConfig,
  "description" | "num_replicas" | "mem_storage" | "direct"
>;

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
  return parseGoTimeNs(text) ?? 0n;
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
