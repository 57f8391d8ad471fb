/**
 * @module
 * Sublist statistics: raw counters that add up across sublists (accounts, workers), and the
 * JSON shape of nats-server's `SublistStats` (`server/sublist.go`, as served in `/subsz`).
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

/** Sublist statistics with nats-server's JSON names (`SublistStats`, as in `/subsz`). */
export interface SublistStats {
  num_subscriptions: number;
  num_cache: number;
  num_inserts: number;
  num_removes: number;
  num_matches: number;
  cache_hit_rate: number;
  max_fanout: number;
  avg_fanout: number;
}

/** Raw counters of one sublist; they add up across sublists (accounts, workers). */
export interface SublistCounters {
  subscriptions: number;
  cacheEntries: number;
  inserts: number;
  removes: number;
  matches: number;
  cacheHits: number;
  /** Sum over cache entries of (plain subs + queue groups). */
  totalFanout: number;
  maxFanout: number;
}

/**
 * Sums two sets of counters (`maxFanout` takes the larger), as nats-server's `SublistStats.add`.
 *
 * @example Aggregate two accounts' sublists for `/subsz`
 * ```ts
 * import { addSublistCounters, sublistStats } from "./sublist_stats.ts";
 * import { Sublist } from "./sublist.ts";
 * import assert from "node:assert";
 * const a = new Sublist<{ subject: string; queue: string | null }>();
 * const b = new Sublist<{ subject: string; queue: string | null }>();
 * const json = sublistStats(addSublistCounters(a.counters(), b.counters()));
 * assert.equal(json.num_subscriptions, 0);
 * ```
 */
export function addSublistCounters(a: SublistCounters, b: SublistCounters): SublistCounters {
  return {
    subscriptions: a.subscriptions + b.subscriptions,
    cacheEntries: a.cacheEntries + b.cacheEntries,
    inserts: a.inserts + b.inserts,
    removes: a.removes + b.removes,
    matches: a.matches + b.matches,
    cacheHits: a.cacheHits + b.cacheHits,
    totalFanout: a.totalFanout + b.totalFanout,
    maxFanout: Math.max(a.maxFanout, b.maxFanout),
  };
}

/** Derives the JSON statistics from counters, as nats-server's `SublistStats.add`/`Stats`. */
export function sublistStats(counters: SublistCounters): SublistStats {
  return {
    num_subscriptions: counters.subscriptions,
    num_cache: counters.cacheEntries,
    num_inserts: counters.inserts,
    num_removes: counters.removes,
    num_matches: counters.matches,
    cache_hit_rate: counters.matches > 0 ? counters.cacheHits / counters.matches : 0,
    max_fanout: counters.maxFanout,
    avg_fanout: counters.totalFanout > 0 ? counters.totalFanout / counters.cacheEntries : 0,
  };
}
