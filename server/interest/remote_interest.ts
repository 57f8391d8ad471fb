/**
 * @module
 * Remote interest, whatever it comes from: another worker of the ring mesh (its SUB/UNSUB
 * records), a route (RS+/RS-), later a gateway or a leaf node. Each entry is a sublist entry in
 * its account's sublist, owned by the {@link Receiver} that stands for the remote (the peer's
 * receiver, the route link), so one match of a subject finds local and remote interest and the
 * fan-out (`server/routing/fan_out.ts`) hands each remote one copy. An entry is kept per owner,
 * account, subject and queue group, with a weight: the queue members it stands for (nats-server
 * route.go keeps remote subs by `<account> <subject>[ <queue>]` with `UpdateRemoteQSub` weights).
 * Decoding the remote's protocol, permissions and relaying stay with each kind; this table says
 * what changed so the kind can relay it.
 * PURE: no Deno APIs, timers or console output. Runs in every isolate that holds remote interest.
 */
import type { Account } from "../accounts/account.ts";
import type { Receiver, SublistEntry } from "../routing/receiver.ts";

/**
 * One remote's interest in one subject (and queue group) of one account. A plain object, built
 * in one place ({@link RemoteInterest.add}) so every entry has the same shape: the fan-out reads
 * `owner`, `weight`, `queue` and `subject` of every match.
 */
export interface RemoteEntry extends SublistEntry {
  readonly owner: Receiver;
  /** Members this entry stands for: 1 for plain interest, the remote's queue member count. */
  weight: number;
  readonly subject: string;
  readonly queue: string | null;
  /** The subject's bytes when they are not valid UTF-8 (the sublist matches them opaquely). */
  readonly subjectBytes: Uint8Array | undefined;
  /** The queue group's name as bytes (empty for plain interest), for the forwarded message. */
  readonly queueBytes: Uint8Array;
  readonly account: Account;
  /** The owner's key for this entry, unique per owner (e.g. route.go `<account> <subject>[ <queue>]`). */
  readonly key: string;
}

/** What an interest change did to the table. */
export const InterestChange = {
  /** Only a weight changed (or nothing: removing absent interest). */
  Weight: 0,
  /** The owner's first interest in this subject and queue: an entry was added. */
  Added: 1,
  /** The owner's last interest in this subject and queue: the entry was removed. */
  Removed: -1,
} as const;
export type InterestChange = typeof InterestChange[keyof typeof InterestChange];

const EMPTY_BYTES = new Uint8Array(0);

/**
 * Remote interest by owner and key, its entries in the account sublists.
 *
 * @example
 * ```ts
 * import { Account } from "../accounts/account.ts";
 * import { Kind } from "../routing/receiver.ts";
 * import { InterestChange, RemoteInterest } from "./remote_interest.ts";
 * const account = new Account("$G");
 * const route = { cid: 1, closed: false, kind: Kind.Route, receive: () => true };
 * const table = new RemoteInterest();
 * const entry = table.add(route, account, "$G foo q", "foo", undefined, "q", undefined, 2);
 * const held = account.sublist.count;
 * if (table.addWeight(entry, -2) !== InterestChange.Removed) throw new Error();
 * if (held !== 1 || table.size !== 0 || account.sublist.count !== 0) throw new Error();
 * ```
 */
export class RemoteInterest {
  readonly #byOwner = new Map<Receiver, Map<string, RemoteEntry>>();
  #size = 0;

  /** Number of entries, all owners. */
  get size(): number {
    return this.#size;
  }

  /** Number of entries `owner` holds. */
  sizeOf(owner: Receiver): number {
    return this.#byOwner.get(owner)?.size ?? 0;
  }

  /** The entry `owner` holds under `key`, if any. */
  get(owner: Receiver, key: string): RemoteEntry | undefined {
    return this.#byOwner.get(owner)?.get(key);
  }

  /** Every entry (or those of `owner`), in the order they were added. */
  *entries(owner?: Receiver): IterableIterator<RemoteEntry> {
    if (owner !== undefined) {
      const entries = this.#byOwner.get(owner);
      if (entries !== undefined) yield* entries.values();
      return;
    }
    for (const entries of this.#byOwner.values()) yield* entries.values();
  }

  /**
   * Adds `owner`'s interest under `key` (which it must not hold yet) to the account's sublist
   * ({@link InterestChange.Added}). Throws when the sublist rejects the subject: nothing is held.
   */
  add(
    owner: Receiver,
    account: Account,
    key: string,
    subject: string,
    subjectBytes: Uint8Array | undefined,
    queue: string | null,
    queueBytes: Uint8Array | undefined,
    weight: number,
  ): RemoteEntry {
    const entry: RemoteEntry = {
      owner,
      weight,
      subject,
      queue,
      subjectBytes,
      queueBytes: queueBytes ?? EMPTY_BYTES,
      account,
      key,
    };
    account.sublist.insert(entry);
    let entries = this.#byOwner.get(owner);
    if (entries === undefined) this.#byOwner.set(owner, entries = new Map());
    entries.set(key, entry);
    this.#size++;
    return entry;
  }

  /** Sets a held entry's weight (a weight of 0 is held too); returns the previous weight. */
  setWeight(entry: RemoteEntry, weight: number): number {
    const before = entry.weight;
    entry.weight = weight;
    return before;
  }

  /**
   * Adds `delta` to a held entry's weight, removing the entry when it reaches 0 or less
   * ({@link InterestChange.Removed}; else {@link InterestChange.Weight}).
   */
  addWeight(entry: RemoteEntry, delta: number): InterestChange {
    entry.weight += delta;
    if (entry.weight > 0) return InterestChange.Weight;
    this.remove(entry);
    return InterestChange.Removed;
  }

  /** Removes a held entry from its sublist and the table; false when it was not held. */
  remove(entry: RemoteEntry): boolean {
    const entries = this.#byOwner.get(entry.owner);
    if (entries === undefined || entries.get(entry.key) !== entry) return false;
    entries.delete(entry.key);
    if (entries.size === 0) this.#byOwner.delete(entry.owner);
    this.#size--;
    entry.account.sublist.remove(entry);
    return true;
  }

  /**
   * Removes everything `owner` holds (the remote closed or left), one batch per account
   * sublist; returns the entries removed, in the order they were added.
   */
  removeOwner(owner: Receiver): RemoteEntry[] {
    const entries = this.#byOwner.get(owner);
    if (entries === undefined) return [];
    this.#byOwner.delete(owner);
    this.#size -= entries.size;
    const removed = [...entries.values()];
    const byAccount = new Map<Account, RemoteEntry[]>();
    for (const entry of removed) {
      const list = byAccount.get(entry.account);
      if (list === undefined) byAccount.set(entry.account, [entry]);
      else list.push(entry);
    }
    for (const [account, list] of byAccount) account.sublist.removeBatch(list);
    return removed;
  }
}
