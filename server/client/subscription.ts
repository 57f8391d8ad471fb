/**
 * @module
 * A client subscription as stored in an account's sublist.
 */
import type { SubscriptionLike } from "../sublist/sublist.ts";
import type { ClientConnection } from "./client.ts";

/** One SUB of one connection. */
export class Subscription implements SubscriptionLike {
  readonly subject: string;
  readonly queue: string | null;
  /** sid bytes as sent by the client (copied). */
  readonly sid: Uint8Array;
  readonly sidText: string;
  /** Set only when the subject bytes are not valid UTF-8 (see SubscriptionLike). */
  subjectBytes?: Uint8Array;
  readonly owner: ClientConnection;
  /** Auto-unsubscribe limit; 0 = none. */
  max = 0;
  /** Messages delivered so far. */
  delivered = 0;
  closed = false;

  constructor(
    owner: ClientConnection,
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
