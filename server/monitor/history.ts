/**
 * @module
 * The dashboard's short history (`/dashboard/history`, denats only): one sample a second of the
 * server's cumulative message/byte counters, connections, and subscriptions counted apart for
 * clients and for the system account, the last ten minutes kept in a ring, so a freshly opened
 * dashboard draws its charts at once. Pure: time arrives as an argument; the monitoring listener
 * (http.ts) drives {@link recordSample} from a timer in the main isolate.
 */
import type { MonitoredServer } from "./types.ts";

/** One sample: cumulative counters at time `t` (ms since the epoch). */
export interface HistorySample {
  t: number;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  connections: number;
  /** Subscriptions of client connections. */
  subscriptions: number;
  /** The server's own: the system account's services and their imports into accounts. */
  system_subscriptions: number;
}

/** The JSON served at `/dashboard/history`. */
export interface HistoryJson {
  interval_ms: number;
  samples: HistorySample[];
}

/** Samples kept: ten minutes at one a second. */
export const HISTORY_CAPACITY = 600;
/** Sampling period. */
export const HISTORY_INTERVAL_MS = 1000;

/**
 * Subscriptions split into those of client connections and the rest: the server's own services
 * (the system account's subscriptions and their service imports into other accounts), which
 * nats-server's `/varz` `subscriptions` also counts.
 */
export function subscriptionCounts(server: MonitoredServer): { client: number; system: number } {
  let total = 0;
  for (const acc of server.accounts()) total += acc.sublist.count;
  let client = 0;
  for (const c of server.clients.values()) client += c.subs.size;
  return { client, system: Math.max(0, total - client) };
}

/** A sample of `server` now. */
export function sampleOf(server: MonitoredServer, nowMs: number): HistorySample {
  const subs = subscriptionCounts(server);
  return {
    t: nowMs,
    in_msgs: server.stats.inMsgs,
    out_msgs: server.stats.outMsgs,
    in_bytes: server.stats.inBytes,
    out_bytes: server.stats.outBytes,
    connections: server.clients.size,
    subscriptions: subs.client,
    system_subscriptions: subs.system,
  };
}

/**
 * A bounded ring of samples, oldest first. A sample closer than `minGapMs` to the previous one
 * is dropped (two monitoring listeners, http and https, share one history).
 *
 * @example
 * ```ts
 * import { ThroughputHistory } from "./history.ts";
 * const h = new ThroughputHistory(2);
 * const s = { in_msgs: 0, out_msgs: 0, in_bytes: 0, out_bytes: 0, connections: 0,
 *   subscriptions: 0, system_subscriptions: 0 };
 * for (const t of [0, 1000, 2000]) h.record({ ...s, t });
 * console.log(h.toJSON().samples.map((x) => x.t)); // [1000, 2000]
 * ```
 */
export class ThroughputHistory {
  readonly capacity: number;
  readonly #minGapMs: number;
  #samples: HistorySample[] = [];

  constructor(capacity = HISTORY_CAPACITY, minGapMs = HISTORY_INTERVAL_MS * 0.9) {
    this.capacity = capacity;
    this.#minGapMs = minGapMs;
  }

  /** Adds a sample; false when it came too soon after the previous one. */
  record(sample: HistorySample): boolean {
    const last = this.#samples.at(-1);
    if (last !== undefined && sample.t - last.t < this.#minGapMs) return false;
    this.#samples.push(sample);
    if (this.#samples.length > this.capacity) this.#samples.shift();
    return true;
  }

  get size(): number {
    return this.#samples.length;
  }

  /** The samples taken after `sinceMs` (all by default), oldest first. */
  toJSON(sinceMs = 0): HistoryJson {
    const from = this.#samples.findIndex((x) => x.t > sinceMs);
    return { interval_ms: HISTORY_INTERVAL_MS, samples: from < 0 ? [] : this.#samples.slice(from) };
  }
}

/** Records a sample of `server` into its monitor state's history. */
export function recordSample(server: MonitoredServer, nowMs: number): boolean {
  return server.monitor.history.record(sampleOf(server, nowMs));
}
