/**
 * @module
 * `/subsz` (alias `/subscriptionsz`): sublist statistics summed over accounts, optionally with
 * the subscriptions themselves, filtered by account and by a literal test subject, and paged
 * (nats-server monitor.go `Subsz`; note `total` is the size of the returned page, as there).
 * Runs in the isolate that owns the sublists.
 */
import { isValidLiteralSubject } from "../protocol/subject.ts";
import {
  addSublistCounters,
  type SublistCounters,
  type SublistStats,
  sublistStats,
} from "../sublist/sublist.ts";
import { subjectMatches } from "../sublist/subject_match.ts";
import { type SubDetail, subDetail } from "./conn_info.ts";
import { goTime, preciseNow } from "./format.ts";
import { QueryError } from "./query.ts";
import { isClientSub, type MonitoredServer } from "./types.ts";

/** nats-server `DefaultSubListSize`. */
export const DEFAULT_SUB_LIST_SIZE = 1024;

/** nats-server `SubszOptions`. */
export interface SubszOptions {
  offset?: number;
  limit?: number;
  /** Include `subscriptions_list`. */
  subscriptions?: boolean;
  /** Only this account. */
  account?: string;
  /** Only subscriptions a message published to this literal subject would reach. */
  test?: string;
}

/** nats-server `Subsz`: identity, the embedded `SublistStats`, then paging and the list. */
export interface Subsz extends SublistStats {
  server_id: string;
  now: string;
  total: number;
  offset: number;
  limit: number;
  subscriptions_list?: SubDetail[];
}

const ZERO: SublistCounters = {
  subscriptions: 0,
  cacheEntries: 0,
  inserts: 0,
  removes: 0,
  matches: 0,
  cacheHits: 0,
  totalFanout: 0,
  maxFanout: 0,
};

/**
 * Subscription statistics, as nats-server's `Server.Subsz`. Throws {@link QueryError} when
 * `test` is not a valid literal subject.
 */
export function subsz(server: MonitoredServer, opts: SubszOptions = {}): Subsz {
  const offset = Math.max(0, opts.offset ?? 0);
  const limit = (opts.limit ?? 0) <= 0 ? DEFAULT_SUB_LIST_SIZE : opts.limit!;
  const test = opts.test ?? "";
  if (test !== "" && !isValidLiteralSubject(test)) {
    throw new QueryError(`invalid test subject, must be valid publish subject: ${test}`);
  }
  const filter = opts.account ?? "";
  let counters = ZERO;
  const details: SubDetail[] = [];
  for (const acc of server.accounts()) {
    if (filter !== "" && acc.name !== filter) continue;
    counters = addSublistCounters(counters, acc.sublist.counters());
    if (!opts.subscriptions) continue;
    for (const sub of acc.sublist.all()) {
      if (!isClientSub(sub)) continue;
      if (test !== "" && !subjectMatches(sub.subject, test)) continue;
      details.push(subDetail(sub, sub.owner.cid, sub.owner.account.name));
    }
  }
  const stats = sublistStats(counters);
  const result: Subsz = {
    server_id: server.id,
    now: goTime(preciseNow()),
    ...stats,
    total: 0,
    offset,
    limit,
  };
  if (opts.subscriptions) {
    const start = Math.min(offset, details.length);
    const end = Math.min(offset + limit, details.length);
    const page = details.slice(start, end);
    result.total = page.length;
    if (page.length > 0) result.subscriptions_list = page;
  }
  return result;
}

/**
 * What the HTTP handler writes: the whole {@link Subsz} when it lists subscriptions, else only
 * the statistics (nats-server marshals `st.SublistStats` when the list is empty).
 */
export function subszBody(result: Subsz): Subsz | SublistStats {
  if (result.subscriptions_list?.length) return result;
  return {
    num_subscriptions: result.num_subscriptions,
    num_cache: result.num_cache,
    num_inserts: result.num_inserts,
    num_removes: result.num_removes,
    num_matches: result.num_matches,
    cache_hit_rate: result.cache_hit_rate,
    max_fanout: result.max_fanout,
    avg_fanout: result.avg_fanout,
  };
}
