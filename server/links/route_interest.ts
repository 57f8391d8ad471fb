/**
 * @module
 * Interest bookkeeping for routes, both ways (nats-server route.go):
 * - {@link LocalInterest}: this server's own subscriptions aggregated per account, subject and
 *   queue (`acc.rm`), deciding when an RS+/RS- goes to every route (`updateRouteSubscriptionMap`:
 *   plain interest on 0->1 and 1->0, queue groups on every weight change) and replaying all of
 *   it to a route that just registered (`sendSubsToRoute`).
 * - {@link RemoteSub}: one entry of a route's interest in an account's sublist, owned by the
 *   route (`processRemoteSub`; a queue entry's weight is its member count on the remote).
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import type { Account } from "../accounts/account.ts";
import type { ClientPermissions } from "../client/permissions.ts";
import type { Receiver, SublistEntry } from "../client/subscription.ts";
import type { RouteSubArgs } from "./route_protocol.ts";

const enc = new TextEncoder();

/** One aggregated local interest. */
export interface LocalInterestEntry {
  readonly account: string;
  readonly subject: string;
  readonly subjectBytes?: Uint8Array;
  readonly queue: string | null;
  /** Local subscriptions (plain) or queue members. */
  count: number;
}

/** What one local change means for the routes. */
export const InterestUpdate = {
  /** Nothing to send. */
  None: 0,
  /** Send `RS+` (for a queue, with the entry's new count as weight). */
  Sub: 1,
  /** Send `RS-`. */
  Unsub: 2,
} as const;
export type InterestUpdate = typeof InterestUpdate[keyof typeof InterestUpdate];

/**
 * This server's interest, as routes must learn it.
 *
 * @example
 * ```ts
 * import { InterestUpdate, LocalInterest } from "./route_interest.ts";
 * const local = new LocalInterest();
 * if (local.change("$G", "foo", null, 1).update !== InterestUpdate.Sub) throw new Error();
 * if (local.change("$G", "foo", null, 1).update !== InterestUpdate.None) throw new Error();
 * const q = local.change("$G", "bar", "q", 1);
 * if (q.update !== InterestUpdate.Sub || q.entry.count !== 1) throw new Error();
 * ```
 */
export class LocalInterest {
  readonly #entries = new Map<string, LocalInterestEntry>();

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
  ): { update: InterestUpdate; entry: LocalInterestEntry } {
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

  /** Every entry (the full interest sent to a new route). */
  entries(): IterableIterator<LocalInterestEntry> {
    return this.#entries.values();
  }
}

/** A route's interest in one subject (and queue group) of one account. */
export class RemoteSub implements SublistEntry {
  readonly subject: string;
  readonly subjectBytes?: Uint8Array;
  readonly queue: string | null;
  /** The queue name as bytes (the RMSG queue list), empty for plain interest. */
  readonly queueBytes: Uint8Array;
  readonly owner: Receiver;
  readonly account: string;
  /** `<account> <subject>[ <queue>]`. */
  readonly key: string;
  weight: number;

  constructor(
    owner: Receiver,
    account: string,
    subject: string,
    subjectBytes: Uint8Array | undefined,
    queue: string | null,
    weight: number,
    key: string,
  ) {
    this.owner = owner;
    this.account = account;
    this.subject = subject;
    this.subjectBytes = subjectBytes;
    this.queue = queue;
    this.queueBytes = queue === null ? new Uint8Array(0) : enc.encode(queue);
    this.weight = weight;
    this.key = key;
  }
}

/**
 * The weight a route's interest stands for in the worker mesh of a sharded server: 1 for plain
 * interest, the remote member count (at least 1) for a queue group.
 */
export function meshWeight(
  sub: { readonly queue: string | null; readonly weight: number },
): number {
  return sub.queue === null ? 1 : Math.max(1, sub.weight);
}

/** Told of every change of a route's interest (`delta`: signed {@link meshWeight} change). */
export type RemoteInterestListener = (account: Account, sub: RemoteSub, delta: number) => void;

/** Why an RS+ was not recorded (route.go processRemoteSub). */
export const RemoteSubRefusal = {
  /** The account does not exist here: logged, the route stays. */
  UnknownAccount: "unknown_account",
  /** Cluster `permissions.export` does not allow the subject: ignored. */
  NotExported: "not_exported",
} as const;
export type RemoteSubRefusal = typeof RemoteSubRefusal[keyof typeof RemoteSubRefusal];

/**
 * One route's interest: its RS+ entries in the account sublists, by `<account> <subject>[
 * <queue>]` (route.go keeps remote subs by that key; RS- names it; RS+ again updates a queue
 * weight, as `UpdateRemoteQSub`).
 */
export class RemoteInterest {
  readonly #owner: Receiver;
  readonly #account: (name: string) => Account | null;
  readonly #permissions: ClientPermissions | null;
  readonly #subs = new Map<string, RemoteSub>();
  readonly #listener: RemoteInterestListener | null;

  constructor(
    owner: Receiver,
    account: (name: string) => Account | null,
    permissions: ClientPermissions | null,
    listener: RemoteInterestListener | null = null,
  ) {
    this.#owner = owner;
    this.#account = account;
    this.#permissions = permissions;
    this.#listener = listener;
  }

  get size(): number {
    return this.#subs.size;
  }

  values(): IterableIterator<RemoteSub> {
    return this.#subs.values();
  }

  /** Records an RS+. Throws when the sublist rejects the subject (then nothing is held). */
  add(r: RouteSubArgs): RemoteSubRefusal | null {
    const acc = this.#account(r.account);
    if (acc === null) return RemoteSubRefusal.UnknownAccount;
    if (this.#permissions !== null && !this.#permissions.canSubscribe(r.subject, null)) {
      return RemoteSubRefusal.NotExported;
    }
    const weight = Math.max(0, r.weight);
    const held = this.#subs.get(r.key);
    if (held !== undefined) {
      if (r.queue !== null) {
        const before = meshWeight(held);
        held.weight = weight;
        const after = meshWeight(held);
        if (after !== before) this.#listener?.(acc, held, after - before);
      }
      return null;
    }
    const sub = new RemoteSub(
      this.#owner,
      r.account,
      r.subject,
      r.subjectBytes,
      r.queue,
      weight,
      r.key,
    );
    acc.sublist.insert(sub);
    this.#subs.set(r.key, sub);
    this.#listener?.(acc, sub, meshWeight(sub));
    return null;
  }

  /** Drops the entry an RS- names, if held. */
  remove(key: string): void {
    const sub = this.#subs.get(key);
    if (sub === undefined) return;
    this.#subs.delete(key);
    const acc = this.#account(sub.account);
    acc?.sublist.remove(sub);
    if (acc) this.#listener?.(acc, sub, -meshWeight(sub));
  }

  /** Drops everything (the route closed); returns the count removed per account. */
  clear(): Map<string, number> {
    const byAccount = new Map<string, RemoteSub[]>();
    for (const sub of this.#subs.values()) {
      let list = byAccount.get(sub.account);
      if (list === undefined) byAccount.set(sub.account, list = []);
      list.push(sub);
    }
    this.#subs.clear();
    const counts = new Map<string, number>();
    for (const [name, list] of byAccount) {
      const acc = this.#account(name);
      acc?.sublist.removeBatch(list);
      if (acc && this.#listener) {
        for (const sub of list) this.#listener(acc, sub, -meshWeight(sub));
      }
      counts.set(name, list.length);
    }
    return counts;
  }
}
