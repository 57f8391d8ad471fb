/**
 * @module
 * Replicated interest: for one account, which other workers of the mesh (shards and link
 * workers) have subscriptions on which subjects, with counts, built from the SUB/UNSUB records
 * they send (`frames.ts`). A publisher's shard matches a subject once against this table and
 * learns which workers need ONE copy of the message, and which of them must serve which queue
 * group (a weighted random choice over local and remote members, as nats-server picks among
 * local and route queue subscriptions in client.go processMsgResults).
 * PURE: no Deno APIs, timers or console output. Runs in every mesh worker.
 */

import { FrameKind, type InterestRecord } from "./frames.ts";
import { type MatchResult, Sublist, type SubscriptionLike } from "../sublist/sublist.ts";

/** One peer's interest in one subject (and queue group): a sublist entry with a weight. */
export interface InterestEntry extends SubscriptionLike {
  /** The worker id of the peer that has the interest. */
  readonly peer: number;
  readonly subject: string;
  readonly queue: string | null;
  readonly subjectBytes?: Uint8Array;
  /** The queue group's name as bytes (empty for plain interest), for PUB records. */
  readonly queueBytes: Uint8Array;
  /** Subscriptions (plain) or queue members the peer has; always at least 1 while held. */
  weight: number;
  /** Who receives for this entry in a shared sublist (set by the table's `ownerOf`). */
  owner?: unknown;
}

/** What an interest change did to the table. */
export const InterestChange = {
  /** Only a weight changed (or nothing: removing absent interest). */
  Weight: 0,
  /** The peer's first interest in this subject and queue: an entry was added. */
  Added: 1,
  /** The peer's last interest in this subject and queue: the entry was removed. */
  Removed: -1,
} as const;
export type InterestChange = typeof InterestChange[keyof typeof InterestChange];

/**
 * Where one message must go outside the publisher's shard, filled by
 * {@link InterestTable.plan}: one copy to each of `peers[0..peerCount)`, each with the queue
 * groups it must serve. Reused from message to message: read it before the next plan.
 */
export class DeliveryPlan {
  /** Peers that get one copy, in the order found. */
  readonly peers: number[] = [];
  peerCount = 0;
  /** `queues[i][0..queueCounts[i])`: names of the queue groups `peers[i]` must serve. */
  readonly queues: Uint8Array[][] = [];
  readonly queueCounts: number[] = [];
  /**
   * For each queue group of the local match result passed to the plan (by index): 1 when a
   * remote peer won the group, so the publisher's shard must not deliver to it.
   */
  localRemote: Uint8Array = new Uint8Array(8);
}

const EMPTY_BYTES = new Uint8Array(0);
const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });
const lenientDecoder = new TextDecoder();

/** One char per byte: an exact, reversible key for any byte string. */
function byteKey(buf: Uint8Array, start: number, end: number): string {
  let key = "";
  for (let i = start; i < end; i++) key += String.fromCharCode(buf[i]);
  return key;
}

/** Whether `buf[start..end)` is ASCII (then its byte key is its text). */
function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) return false;
  return true;
}

/**
 * The interest of every other mesh worker in one account's subjects.
 *
 * @example
 * ```ts
 * import { InterestTable } from "./interest.ts";
 * const table = new InterestTable();
 * table.add(1, "orders.*");
 * table.add(2, "orders.new", "workers", 3);
 * const subject = new TextEncoder().encode("orders.new");
 * const plan = table.plan(subject, 0, subject.length, null, Math.random);
 * // Worker 1 gets a copy for its plain subscription, worker 2 one for its queue group.
 * if (plan.peerCount !== 2) throw new Error();
 * ```
 */
export class InterestTable {
  readonly #sublist: Sublist<InterestEntry>;
  readonly #ownerOf: ((peer: number) => unknown) | null;
  readonly #byPeer = new Map<number, Map<string, InterestEntry>>();
  readonly #plan = new DeliveryPlan();
  /** Per peer id: the plan slot it got in the current plan, valid when its stamp is current. */
  #slotOfPeer = new Int32Array(16);
  #stampOfPeer = new Int32Array(16);
  #epoch = 0;
  #count = 0;

  /**
   * With no arguments the table keeps its own sublist. A shard passes its account's sublist and
   * an `ownerOf` giving each entry its receiver, so one match finds local and remote interest.
   */
  constructor(sublist?: Sublist<InterestEntry>, ownerOf?: (peer: number) => unknown) {
    this.#sublist = sublist ?? new Sublist<InterestEntry>();
    this.#ownerOf = ownerOf ?? null;
  }

  /** Number of entries (distinct peer, subject, queue). */
  get count(): number {
    return this.#count;
  }

  /** Applies a decoded SUB/UNSUB record from `peer`. */
  apply(peer: number, interest: InterestRecord): InterestChange {
    const subjectBuf = interest.subjectBuf;
    const queueBuf = interest.queueBuf;
    const ss = interest.subjectStart, se = interest.subjectEnd;
    const qs = interest.queueStart, qe = interest.queueEnd;
    const key = byteKey(subjectBuf, ss, se) + " " + byteKey(queueBuf, qs, qe);
    const delta = interest.kind === FrameKind.Sub ? interest.weight : -interest.weight;
    const held = this.#byPeer.get(peer)?.get(key);
    if (held !== undefined || delta <= 0) return this.#change(peer, key, held, null, delta);
    // A new entry: only now turn the bytes into strings.
    let subject: string;
    let subjectBytes: Uint8Array | undefined;
    if (isAscii(subjectBuf, ss, se)) subject = key.substring(0, se - ss);
    else {
      try {
        subject = strictDecoder.decode(subjectBuf.subarray(ss, se));
      } catch {
        subject = lenientDecoder.decode(subjectBuf.subarray(ss, se));
        subjectBytes = subjectBuf.slice(ss, se);
      }
    }
    const queue = qe > qs ? lenientDecoder.decode(queueBuf.subarray(qs, qe)) : null;
    const entry: InterestEntry = {
      peer,
      subject,
      queue,
      subjectBytes,
      queueBytes: qe > qs ? queueBuf.slice(qs, qe) : EMPTY_BYTES,
      weight: 0,
    };
    return this.#change(peer, key, undefined, entry, delta);
  }

  /** Adds `weight` subscriptions of `peer` on `subject` (in queue group `queue`). */
  add(peer: number, subject: string, queue: string | null = null, weight = 1): InterestChange {
    return this.#changeText(peer, subject, queue, weight);
  }

  /** Removes `weight` subscriptions of `peer` on `subject` (in queue group `queue`). */
  remove(peer: number, subject: string, queue: string | null = null, weight = 1): InterestChange {
    return this.#changeText(peer, subject, queue, -weight);
  }

  #changeText(peer: number, subject: string, queue: string | null, delta: number): InterestChange {
    const subjectBytes = encoder.encode(subject);
    const queueBytes = queue === null ? EMPTY_BYTES : encoder.encode(queue);
    const key = byteKey(subjectBytes, 0, subjectBytes.length) + " " +
      byteKey(queueBytes, 0, queueBytes.length);
    const held = this.#byPeer.get(peer)?.get(key);
    const entry = held === undefined && delta > 0
      ? { peer, subject, queue, queueBytes, weight: 0 }
      : null;
    return this.#change(peer, key, held, entry, delta);
  }

  #change(
    peer: number,
    key: string,
    held: InterestEntry | undefined,
    fresh: InterestEntry | null,
    delta: number,
  ): InterestChange {
    if (held === undefined) {
      if (fresh === null || delta <= 0) return InterestChange.Weight;
      fresh.weight = delta;
      if (this.#ownerOf !== null) fresh.owner = this.#ownerOf(peer);
      this.#sublist.insert(fresh); // throws on an invalid subject: nothing recorded
      let entries = this.#byPeer.get(peer);
      if (entries === undefined) {
        entries = new Map();
        this.#byPeer.set(peer, entries);
      }
      entries.set(key, fresh);
      this.#count++;
      return InterestChange.Added;
    }
    held.weight += delta;
    if (held.weight > 0) return InterestChange.Weight;
    this.#sublist.remove(held);
    const entries = this.#byPeer.get(peer)!;
    entries.delete(key);
    if (entries.size === 0) this.#byPeer.delete(peer);
    this.#count--;
    return InterestChange.Removed;
  }

  /** Drops all interest of `peer` (it died or left the mesh); returns the entries removed. */
  removePeer(peer: number): number {
    const entries = this.#byPeer.get(peer);
    if (entries === undefined) return 0;
    this.#byPeer.delete(peer);
    const removed = this.#sublist.removeBatch([...entries.values()]);
    this.#count -= entries.size;
    return removed;
  }

  /** The weight `peer` holds on `subject` in `queue` (0 when none). */
  weightOf(peer: number, subject: string, queue: string | null = null): number {
    const subjectBytes = encoder.encode(subject);
    const queueBytes = queue === null ? EMPTY_BYTES : encoder.encode(queue);
    const key = byteKey(subjectBytes, 0, subjectBytes.length) + " " +
      byteKey(queueBytes, 0, queueBytes.length);
    return this.#byPeer.get(peer)?.get(key)?.weight ?? 0;
  }

  /** Every entry, or those of one peer (monitoring, replay to a new peer). */
  entries(peer?: number): InterestEntry[] {
    if (peer !== undefined) return [...(this.#byPeer.get(peer)?.values() ?? [])];
    const all: InterestEntry[] = [];
    for (const entries of this.#byPeer.values()) {
      for (const entry of entries.values()) all.push(entry);
    }
    return all;
  }

  /** Entries matching the literal subject `buf[start..end)`. Never mutate the result. */
  match(buf: Uint8Array, start: number, end: number): MatchResult<InterestEntry> {
    return this.#sublist.match(buf, start, end);
  }

  /**
   * Plans the delivery of a message on the literal subject `buf[start..end)` to other workers,
   * with one match: each peer with plain interest gets one copy; each queue group goes to one
   * member chosen at random over the local members (the groups of `local`, the publisher
   * shard's own match result, weight 1 each) and the peers' members (their weights). `random`
   * returns a number in [0, 1) (e.g. `Math.random`). The plan is reused by the next call.
   */
  plan(
    buf: Uint8Array,
    start: number,
    end: number,
    local: MatchResult<SubscriptionLike> | null,
    random: () => number,
  ): DeliveryPlan {
    const plan = this.#plan;
    plan.peerCount = 0;
    const localGroups = local === null ? 0 : local.qsubs.length;
    if (plan.localRemote.length < localGroups) plan.localRemote = new Uint8Array(localGroups * 2);
    else plan.localRemote.fill(0, 0, localGroups);
    if (this.#count === 0) return plan;
    const result = this.#sublist.match(buf, start, end);
    const psubs = result.psubs;
    const qsubs = result.qsubs;
    if (psubs.length === 0 && qsubs.length === 0) return plan;
    this.#epoch = (this.#epoch + 1) | 0;
    if (this.#epoch === 0) {
      this.#stampOfPeer.fill(0);
      this.#epoch = 1;
    }
    for (let i = 0; i < psubs.length; i++) this.#slotFor(psubs[i].peer);
    for (let g = 0; g < qsubs.length; g++) {
      const group = qsubs[g];
      const name = group[0].queue;
      let localIndex = -1;
      let localWeight = 0;
      for (let k = 0; k < localGroups; k++) {
        const members = local!.qsubs[k];
        if (members[0].queue === name) {
          localIndex = k;
          localWeight = members.length;
          break;
        }
      }
      let total = localWeight;
      for (let i = 0; i < group.length; i++) total += group[i].weight;
      let pick = random() * total - localWeight;
      if (pick < 0) continue; // a local member serves this group
      let chosen = group[group.length - 1];
      for (let i = 0; i < group.length; i++) {
        if (pick < group[i].weight) {
          chosen = group[i];
          break;
        }
        pick -= group[i].weight;
      }
      if (localIndex >= 0) plan.localRemote[localIndex] = 1;
      const slot = this.#slotFor(chosen.peer);
      plan.queues[slot][plan.queueCounts[slot]++] = chosen.queueBytes;
    }
    return plan;
  }

  /** The plan slot of `peer`, adding it to the current plan on first sight. */
  #slotFor(peer: number): number {
    if (peer >= this.#stampOfPeer.length) this.#growPeers(peer);
    if (this.#stampOfPeer[peer] === this.#epoch) return this.#slotOfPeer[peer];
    const plan = this.#plan;
    const slot = plan.peerCount++;
    this.#stampOfPeer[peer] = this.#epoch;
    this.#slotOfPeer[peer] = slot;
    plan.peers[slot] = peer;
    if (slot === plan.queues.length) plan.queues.push([]);
    plan.queueCounts[slot] = 0;
    return slot;
  }

  #growPeers(peer: number): void {
    let size = this.#stampOfPeer.length;
    while (size <= peer) size *= 2;
    const stamps = new Int32Array(size);
    stamps.set(this.#stampOfPeer);
    const slots = new Int32Array(size);
    slots.set(this.#slotOfPeer);
    this.#stampOfPeer = stamps;
    this.#slotOfPeer = slots;
  }
}
