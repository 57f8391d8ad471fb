/**
 * @module
 * One SUB of a local client: its entry in the account's sublist, owned by the client connection
 * (a {@link Receiver}, see `server/routing/receiver.ts`).
 */
import type { Receiver, SublistEntry } from "../routing/receiver.ts";

export type { Receiver, SublistEntry } from "../routing/receiver.ts";

const enc = new TextEncoder();

/** One SUB of one local client connection. */
export class Subscription implements SublistEntry {
  readonly subject: string;
  readonly queue: string | null;
  readonly sidText: string;
  /** sid bytes as sent, when they are not ASCII (else made from {@link sidText} when needed). */
  #sid: Uint8Array | undefined;
  /** Set only when the subject bytes are not valid UTF-8 (see SubscriptionLike). */
  subjectBytes?: Uint8Array;
  readonly owner: Receiver;
  weight = 1;
  /** Auto-unsubscribe limit; 0 = none. */
  max = 0;
  /** Messages delivered so far. */
  delivered = 0;
  closed = false;

  /**
   * `sidBytes` only when the sid is not ASCII: a SUB allocates no buffer for its sid until a
   * message is delivered to it (many subscriptions never get one; a copy per SUB was a fifth of
   * the server's time under a SUB flood).
   */
  constructor(
    owner: Receiver,
    subject: string,
    queue: string | null,
    sidText: string,
    sidBytes?: Uint8Array,
  ) {
    this.owner = owner;
    this.subject = subject;
    this.queue = queue;
    this.sidText = sidText;
    this.#sid = sidBytes;
  }

  /** The sid bytes as the client sent them. */
  get sid(): Uint8Array {
    return this.#sid ??= enc.encode(this.sidText);
  }
}
