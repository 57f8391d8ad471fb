/**
 * @module
 * Replicated interest: for one account, which other workers of the mesh (shards and link
 * workers) have subscriptions on which subjects, with weights, built from the SUB/UNSUB records
 * they send (`ipc/frames.ts`). The entries live in a {@link RemoteInterest}, in the account's
 * sublist, owned by each peer's receiver: a publisher's shard matches a subject once and the
 * fan-out gives each peer ONE copy naming the queue groups it won (weighted by member counts, as
 * nats-server picks among local and route queue subscriptions in client.go processMsgResults).
 * The mesh's own part is here: record decoding (keys from the raw bytes, strings made only for a
 * new entry) and the queue-name bytes a PUB record carries.
 * PURE: no Deno APIs, timers or console output. Runs in every mesh worker.
 */
import type { Account } from "../accounts/account.ts";
import { FrameKind, type InterestRecord } from "../ipc/frames.ts";
import { InterestChange, type RemoteEntry, RemoteInterest } from "../interest/remote_interest.ts";
import type { Receiver } from "../routing/receiver.ts";

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

/** The key of a subject and queue given as text. */
function textKey(subject: string, queue: string | null): string {
  const subjectBytes = encoder.encode(subject);
  const queueBytes = queue === null ? EMPTY_BYTES : encoder.encode(queue);
  return byteKey(subjectBytes, 0, subjectBytes.length) + " " +
    byteKey(queueBytes, 0, queueBytes.length);
}

/**
 * The interest of every other mesh worker in one account's subjects, each peer's entries owned
 * by its receiver.
 *
 * @example
 * ```ts
 * import { Account } from "../accounts/account.ts";
 * import { Kind } from "../routing/receiver.ts";
 * import { MeshInterest } from "./mesh_interest.ts";
 * const account = new Account("$G");
 * const peer = { cid: -2, closed: false, kind: Kind.Peer, receive: () => true };
 * const interest = new MeshInterest(account);
 * interest.add(peer, "orders.*");
 * interest.add(peer, "orders.new", "workers", 3);
 * const subject = new TextEncoder().encode("orders.new");
 * const found = account.sublist.match(subject, 0, subject.length);
 * if (found.psubs.length !== 1 || found.qsubs[0][0].weight !== 3) throw new Error();
 * ```
 */
export class MeshInterest {
  readonly #account: Account;
  readonly #table = new RemoteInterest();

  constructor(account: Account) {
    this.#account = account;
  }

  /** Number of entries (distinct peer, subject, queue). */
  get count(): number {
    return this.#table.size;
  }

  /** Applies a decoded SUB/UNSUB record from the peer `owner` stands for. */
  apply(owner: Receiver, interest: InterestRecord): InterestChange {
    const subjectBuf = interest.subjectBuf;
    const queueBuf = interest.queueBuf;
    const ss = interest.subjectStart, se = interest.subjectEnd;
    const qs = interest.queueStart, qe = interest.queueEnd;
    const key = byteKey(subjectBuf, ss, se) + " " + byteKey(queueBuf, qs, qe);
    const delta = interest.kind === FrameKind.Sub ? interest.weight : -interest.weight;
    const held = this.#table.get(owner, key);
    if (held !== undefined) return this.#table.addWeight(held, delta);
    if (delta <= 0) return InterestChange.Weight;
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
    const queueBytes = qe > qs ? queueBuf.slice(qs, qe) : undefined;
    this.#table.add(owner, this.#account, key, subject, subjectBytes, queue, queueBytes, delta);
    return InterestChange.Added;
  }

  /** Adds `weight` subscriptions of `owner`'s peer on `subject` (in queue group `queue`). */
  add(owner: Receiver, subject: string, queue: string | null = null, weight = 1): InterestChange {
    const key = textKey(subject, queue);
    const held = this.#table.get(owner, key);
    if (held !== undefined) return this.#table.addWeight(held, weight);
    if (weight <= 0) return InterestChange.Weight;
    const queueBytes = queue === null ? undefined : encoder.encode(queue);
    this.#table.add(owner, this.#account, key, subject, undefined, queue, queueBytes, weight);
    return InterestChange.Added;
  }

  /** Removes `weight` subscriptions of `owner`'s peer on `subject` (in queue group `queue`). */
  remove(
    owner: Receiver,
    subject: string,
    queue: string | null = null,
    weight = 1,
  ): InterestChange {
    const held = this.#table.get(owner, textKey(subject, queue));
    return held === undefined ? InterestChange.Weight : this.#table.addWeight(held, -weight);
  }

  /** The weight `owner`'s peer holds on `subject` in `queue` (0 when none). */
  weightOf(owner: Receiver, subject: string, queue: string | null = null): number {
    return this.#table.get(owner, textKey(subject, queue))?.weight ?? 0;
  }

  /** Every entry, or those of one peer (monitoring, relaying a leaving peer's interest). */
  entries(owner?: Receiver): RemoteEntry[] {
    return [...this.#table.entries(owner)];
  }

  /** Drops all interest of `owner`'s peer (it died or left the mesh); returns what went. */
  removeOwner(owner: Receiver): RemoteEntry[] {
    return this.#table.removeOwner(owner);
  }
}
