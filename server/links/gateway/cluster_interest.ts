/**
 * @module
 * This cluster's interest as the gateways must learn it (nats-server 2.9.10 gateway.go `pasi`,
 * `gatewayUpdateSubInterest`): local subscriptions and those learned from routes, counted per
 * account, subject and queue group. A change matters to the inbound gateway links on the first
 * and on the last subscription of an entry.
 * PURE: no Deno APIs, timers or console output. Runs in the isolate owning the gateway links.
 */

/** One counted entry. */
export interface ClusterInterestEntry {
  readonly subject: string;
  readonly queue: string | null;
  count: number;
}

/** What a change did to its entry. */
export const TallyChange = { None: 0, First: 1, Last: 2 } as const;
export type TallyChange = typeof TallyChange[keyof typeof TallyChange];

/**
 * Subscriptions of the cluster, counted.
 *
 * @example
 * ```ts
 * import { ClusterInterest, TallyChange } from "./cluster_interest.ts";
 * const t = new ClusterInterest();
 * if (t.change("$G", "foo", null, 1) !== TallyChange.First) throw new Error();
 * if (t.change("$G", "foo", null, 1) !== TallyChange.None) throw new Error();
 * t.change("$G", "foo", null, -1);
 * if (t.change("$G", "foo", null, -1) !== TallyChange.Last) throw new Error();
 * ```
 */
export class ClusterInterest {
  readonly #accounts = new Map<string, Map<string, ClusterInterestEntry>>();

  /** Applies `delta` subscriptions (or queue weight) to an entry. */
  change(account: string, subject: string, queue: string | null, delta: number): TallyChange {
    if (delta === 0) return TallyChange.None;
    let entries = this.#accounts.get(account);
    if (entries === undefined) {
      if (delta < 0) return TallyChange.None;
      this.#accounts.set(account, entries = new Map());
    }
    const key = queue === null ? subject : `${subject} ${queue}`;
    const e = entries.get(key);
    if (e === undefined) {
      if (delta < 0) return TallyChange.None;
      entries.set(key, { subject, queue, count: delta });
      return TallyChange.First;
    }
    e.count += delta;
    if (e.count > 0) return TallyChange.None;
    entries.delete(key);
    if (entries.size === 0) this.#accounts.delete(account);
    return TallyChange.Last;
  }

  /** Whether `account` has an entry for `subject` (and `queue`). */
  has(account: string, subject: string, queue: string | null): boolean {
    return this.#accounts.get(account)?.has(queue === null ? subject : `${subject} ${queue}`) ??
      false;
  }

  /** Whether `account` has any entry. */
  hasAccount(account: string): boolean {
    return this.#accounts.has(account);
  }

  /** The entries of `account` (plain ones, or queue ones). */
  *entries(account: string, queues: boolean): IterableIterator<ClusterInterestEntry> {
    const entries = this.#accounts.get(account);
    if (entries === undefined) return;
    for (const e of entries.values()) if ((e.queue !== null) === queues) yield e;
  }

  /** Accounts with entries. */
  accounts(): IterableIterator<string> {
    return this.#accounts.keys();
  }
}
