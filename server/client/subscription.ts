/**
 * @module
 * Entries of an account's sublist. A {@link Subscription} is one SUB of a local client; a
 * {@link Receiver} is whatever gets the messages: a client connection appends MSG/HMSG, a mesh
 * peer (another shard worker, later a route) forwards one copy per message. The router only
 * talks to this interface, so it needs no per-kind switches.
 */
import type { MsgOp } from "../protocol/sink.ts";
import type { SubscriptionLike } from "../sublist/sublist.ts";

/** Something that receives messages for its sublist entries. */
export interface Receiver {
  readonly cid: number;
  readonly closed: boolean;
  /**
   * True for receivers outside this worker (mesh peers, routes): a message that arrived from
   * another worker or server is delivered to local receivers only, never forwarded again.
   */
  readonly remote: boolean;
  /**
   * Takes one message for `entry` (already matched). Returns false when it declined
   * (closed, max reached, filtered), so a queue group can try another member.
   */
  receive(entry: SublistEntry, op: MsgOp): boolean;
}

/** What the router needs of every sublist entry. */
export interface SublistEntry extends SubscriptionLike {
  readonly owner: Receiver;
  /**
   * Members this entry stands for in a queue group: 1 for a local subscription, the peer's
   * member count for a remote-interest entry (nats-server route queue weight).
   */
  weight: number;
}

/** One SUB of one local client connection. */
export class Subscription implements SublistEntry {
  readonly subject: string;
  readonly queue: string | null;
  /** sid bytes as sent by the client (copied). */
  readonly sid: Uint8Array;
  readonly sidText: string;
  /** Set only when the subject bytes are not valid UTF-8 (see SubscriptionLike). */
  subjectBytes?: Uint8Array;
  readonly owner: Receiver;
  weight = 1;
  /** Auto-unsubscribe limit; 0 = none. */
  max = 0;
  /** Messages delivered so far. */
  delivered = 0;
  closed = false;

  constructor(
    owner: Receiver,
    subject: string,
    queue: string | null,
    sid: Uint8Array,
    sidText: string,
  ) {
    this.owner = owner;
    this.subject = subject;
    this.queue = queue;
    this.sid = sid;
    this.sidText = sidText;
  }
}
