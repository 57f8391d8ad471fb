/**
 * @module
 * The server's own clients in account sublists (nats-server's internal `SYSTEM` client and the
 * per-account internal clients that hold the system service imports): an
 * {@link InternalClient} is a Receiver with no socket whose subscriptions call handlers, and a
 * Publisher that routes messages through the same router as a client's PUB. Received messages
 * are copied and handled after the current fan-out (the caller queues them), so a handler may
 * publish without nesting inside another route. Runs in the isolate that owns the connections.
 */
import type { Account } from "../accounts/account.ts";
import type { Publisher } from "../routing/fan_out.ts";
import { Kind, type Receiver, type SublistEntry } from "../routing/receiver.ts";
import type { MsgOp } from "../protocol/sink.ts";

const dec = new TextDecoder();

/** A message delivered to an internal subscription, copied out of the router's buffers. */
export interface InternalMsg {
  subject: string;
  reply: string;
  /** The payload without headers, as text. */
  body: string;
}

/** Handles one message of an internal subscription. */
export type InternalHandler = (msg: InternalMsg) => void;

/** One internal subscription: listed by `/subsz` like a client's (sid, msgs, cid, account). */
export class InternalSub implements SublistEntry {
  readonly subject: string;
  readonly queue = null;
  readonly owner: InternalClient;
  readonly sidText: string;
  readonly handler: InternalHandler;
  weight = 1;
  delivered = 0;
  readonly max = 0;

  constructor(owner: InternalClient, subject: string, sid: string, handler: InternalHandler) {
    this.owner = owner;
    this.subject = subject;
    this.sidText = sid;
    this.handler = handler;
  }
}

/** Where an internal client hands the messages it received (processed after the fan-out). */
export type InternalInbox = (sub: InternalSub, msg: InternalMsg) => void;

/** A client of the server itself, bound to one account. */
export class InternalClient implements Receiver, Publisher {
  readonly cid: number;
  readonly account: Account;
  closed = false;
  /** An internal connection (DELIVERY rules: messages from routes reach it too). */
  readonly kind = Kind.Internal;
  readonly #subs: InternalSub[] = [];
  readonly #inbox: InternalInbox;
  #nextSid = 1;

  constructor(cid: number, account: Account, inbox: InternalInbox) {
    this.cid = cid;
    this.account = account;
    this.#inbox = inbox;
  }

  /** Publisher: the server does not hear its own messages (echo off). */
  get echoSkip(): Receiver {
    return this;
  }

  /** Publisher: nothing to tell when a reply reached nobody. */
  noResponders(_op: MsgOp): void {}

  /** Subscribes `subject` in this client's account. */
  subscribe(subject: string, handler: InternalHandler): InternalSub {
    const sub = new InternalSub(this, subject, String(this.#nextSid++), handler);
    this.account.sublist.insert(sub);
    this.#subs.push(sub);
    return sub;
  }

  /** Receiver: copies the message for the handler, which runs after the fan-out. */
  receive(entry: SublistEntry, op: MsgOp): boolean {
    if (this.closed) return false;
    const sub = entry as InternalSub;
    sub.delivered++;
    const header = op.headerSize > 0 ? op.headerSize : 0;
    this.#inbox(sub, {
      subject: dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd)),
      reply: dec.decode(op.argBuf.subarray(op.replyStart, op.replyEnd)),
      body: dec.decode(op.payloadBuf.subarray(op.payloadStart + header, op.payloadEnd)),
    });
    return true;
  }

  /** Removes every subscription of this client. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const sub of this.#subs) this.account.sublist.remove(sub);
    this.#subs.length = 0;
  }
}
