/**
 * @module
 * One SUB of a local client: its entry in the account's sublist, owned by the client connection
 * (a {@link Receiver}, see `server/routing/receiver.ts`).
 */
import type { Receiver, SublistEntry } from "../routing/receiver.ts";

export type { Receiver, SublistEntry } from "../routing/receiver.ts";

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
