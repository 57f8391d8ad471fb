/**
 * @module
 * This server's own interest aggregated per account, subject and queue group, as the servers it
 * links to must learn it (nats-server `acc.rm` and route.go `updateRouteSubscriptionMap`): plain
 * interest is announced on 0->1 and withdrawn on 1->0, a queue group on every change of its
 * member count (the weight the remote uses to pick among queue members). Routes use it for
 * RS+/RS-, with a full replay to a route that just registered (`sendSubsToRoute`); gateways and
 * leaf nodes follow the same rules.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

/** One aggregated local interest. */
export interface CountedInterest {
  readonly account: string;
  readonly subject: string;
  readonly subjectBytes?: Uint8Array;
  readonly queue: string | null;
  /** Local subscriptions (plain) or queue members. */
  count: number;
}

/** What one local change means for the linked servers. */
export const InterestUpdate = {
  /** Nothing to send. */
  None: 0,
  /** Announce the interest (for a queue, with the entry's new count as weight). */
  Sub: 1,
  /** Withdraw the interest. */
  Unsub: 2,
} as const;
export type InterestUpdate = typeof InterestUpdate[keyof typeof InterestUpdate];

/**
 * This server's interest, counted.
 *
 * @example
 * ```ts
 * import { InterestCounter, InterestUpdate } from "./interest_counter.ts";
 * const local = new InterestCounter();
 * if (local.change("$G", "foo", null, 1).update !== InterestUpdate.Sub) throw new Error();
 * if (local.change("$G", "foo", null, 1).update !== InterestUpdate.None) throw new Error();
 * const q = local.change("$G", "bar", "q", 1);
 * if (q.update !== InterestUpdate.Sub || q.entry.count !== 1) throw new Error();
 * ```
 */
export class InterestCounter {
  readonly #entries = new Map<string, CountedInterest>();

  /** Number of distinct (account, subject, queue) entries. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Applies `delta` local subscriptions; returns the update to send and the entry (whose
   * `count` is the weight to announce for a queue).
   */
  change(
    account: string,
    subject: string,
    queue: string | null,
    delta: number,
    subjectBytes?: Uint8Array,
  ): { update: InterestUpdate; entry: CountedInterest } {
    const key = queue === null ? `${account} ${subject}` : `${account} ${subject} ${queue}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { account, subject, subjectBytes, queue, count: 0 };
      if (delta <= 0) return { update: InterestUpdate.None, entry };
      entry.count = delta;
      this.#entries.set(key, entry);
      return { update: InterestUpdate.Sub, entry };
    }
    entry.count += delta;
    if (entry.count <= 0) {
      entry.count = 0;
      this.#entries.delete(key);
      return { update: InterestUpdate.Unsub, entry };
    }
    return { update: queue === null ? InterestUpdate.None : InterestUpdate.Sub, entry };
  }

  /** Every entry (the full interest sent to a newly linked server). */
  entries(): IterableIterator<CountedInterest> {
    return this.#entries.values();
  }
}
