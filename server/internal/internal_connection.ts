/**
 * @module
 * Connections without a socket (nats-server's internal clients of kind SYSTEM, JETSTREAM and
 * ACCOUNT, server.go createInternalClient): the API the system account service uses today and
 * JetStream will use for its API handlers, consumers and RAFT. An {@link InternalConnection}
 * is bound to one account; its subscriptions are entries of that account's sublist, announced
 * through the same `interestChanged` path as a client's SUB/UNSUB (so routes send RS+/RS-, other
 * shards learn it through the mesh), queue subscriptions join queue groups like a client's, and
 * its publishes go through the same router as a client's PUB/HPUB. Messages are copied when the
 * router hands them over and handlers run after the current fan-out (a microtask), never inside
 * it. Runs in the isolate that owns the connections (a single-isolate server or a shard).
 */
import type { Account } from "../accounts/account.ts";
import type { Logger } from "../log/logger.ts";
import type { FanOut, Publisher } from "../routing/fan_out.ts";
import { Kind, type Receiver, type SublistEntry } from "../routing/receiver.ts";
import { Subscription } from "../client/subscription.ts";
import type { MsgOp } from "../protocol/sink.ts";
import { InternalOp } from "./internal_op.ts";
import {
  headerBytes,
  type HeadersInit,
  InternalMsg,
  MsgSlab,
  type PublishOptions,
  type Responder,
} from "./internal_msg.ts";
import { RequestInbox } from "./request_inbox.ts";
import { deliverAs } from "./deliver_as.ts";

export { type HeadersInit, InternalMsg, type PublishOptions } from "./internal_msg.ts";
export { RequestError, RequestErrorCode } from "./request_inbox.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** nats-server's kinds of internal client (client.go `SYSTEM`, `JETSTREAM`, `ACCOUNT`). */
export const InternalKind = {
  System: "SYSTEM",
  JetStream: "JETSTREAM",
  Account: "ACCOUNT",
} as const;
export type InternalKind = typeof InternalKind[keyof typeof InternalKind];

/**
 * What an internal connection needs of its server (`Server` in server.ts satisfies it; a test
 * may pass its own).
 */
export interface InternalContext {
  readonly logger: Pick<Logger, "warn">;
  /** The isolate's fan-out: publishes go through it like a client's PUB. */
  readonly fanOut: FanOut;
  /** A connection id from the server-wide sequence (shared with clients and routes). */
  allocateConnectionId(): number;
  /** The same hook a client's SUB/UNSUB calls: routes, other shards and links learn it. */
  interestChanged(account: Account, sub: Subscription, delta: 1 | -1): void;
  /** Optional registry of open internal connections (interest replay, shutdown). */
  internalOpened?(c: InternalConnection): void;
  internalClosed?(c: InternalConnection): void;
}

/** Handles one message; may return a promise (its rejection is reported like a throw). */
export type InternalHandler = (msg: InternalMsg) => void | Promise<void>;

/** Options of {@link InternalConnection.subscribe}. */
export interface SubscribeOptions {
  /** Queue group: one member of the group (across clients, routes, shards) gets each message. */
  queue?: string;
  /** Unsubscribe after this many messages (0 or absent: never). */
  max?: number;
  /**
   * Interest stays on this server: not announced to routes or other shards (nats-server's
   * `sysSubscribeInternal`, and the subscriptions of service imports).
   */
  local?: boolean;
}

/** Options of {@link InternalConnection.request}. */
export interface RequestOptions {
  /** Milliseconds to wait for the reply (default 5000). */
  timeoutMs?: number;
  headers?: HeadersInit;
}

/** Options of the {@link InternalConnection} constructor. */
export interface InternalConnectionOptions {
  /** Default {@link InternalKind.System}. */
  kind?: InternalKind;
  /** A name for logs and monitoring. */
  name?: string;
  /** Receive its own publishes (nats-server internal clients have echo off: default false). */
  echo?: boolean;
  /** Called when a handler throws or rejects; the default logs a warning. */
  onError?: (err: unknown, msg: InternalMsg) => void;
}

/**
 * One subscription of an internal connection: a sublist entry (a {@link Subscription}, so the
 * interest hooks, `/subsz` and `/connz` see it like a client's) that calls a handler.
 */
export class InternalSubscription extends Subscription {
  override readonly owner: InternalConnection;
  readonly handler: InternalHandler;
  /** Not announced to routes or other shards. */
  readonly local: boolean;
  /** Set by {@link unsubscribe}: queued messages are dropped too. */
  cancelled = false;

  constructor(
    owner: InternalConnection,
    subject: string,
    queue: string | null,
    sid: string,
    handler: InternalHandler,
    local: boolean,
  ) {
    super(owner, subject, queue, sid);
    this.owner = owner;
    this.handler = handler;
    this.local = local;
  }

  /** Removes the interest (routes/shards see it go) and drops messages not yet handled. */
  unsubscribe(): void {
    this.cancelled = true;
    this.owner.unsubscribe(this);
  }
}

interface Delivery {
  sub: InternalSubscription;
  msg: InternalMsg;
}

/**
 * A connection without a socket, bound to one account: the in-process API JetStream uses for
 * its API handlers, consumers and RAFT, and the system account service for `$SYS` requests and
 * events. It is a {@link Receiver} for the router (its subscriptions live in the account's
 * sublist) and a {@link Publisher} (its publishes are routed like a client's PUB/HPUB, to local
 * clients, queue groups, routes and other shards).
 *
 * @example
 * ```ts
 * import { startServer } from "../../mod.ts";
 * import { InternalConnection } from "./internal_connection.ts";
 *
 * await using handle = await startServer({ port: -1, quiet: true });
 * const server = handle.server;
 * const service = new InternalConnection(server, server.account()!);
 * service.subscribe("svc.upper", { queue: "workers" }, (m) => {
 *   m.respond(m.string().toUpperCase(), { headers: { "X-Served-By": "doc" } });
 * });
 * const caller = new InternalConnection(server, server.account()!);
 * const reply = await caller.request("svc.upper", "hello", { timeoutMs: 2000 });
 * if (reply.string() !== "HELLO" || reply.header("X-Served-By") !== "doc") {
 *   throw new Error("unexpected reply");
 * }
 * caller.close();
 * service.close();
 * ```
 */
export class InternalConnection implements Receiver, Publisher, Responder {
  /** Connection id from the server sequence. */
  readonly cid: number;
  /** SYSTEM, JETSTREAM or ACCOUNT (nats-server's internal client kinds). */
  readonly internalKind: InternalKind;
  readonly name: string;
  readonly account: Account;
  /** Receiver and publisher kind: messages from routes and other shards reach it. */
  readonly kind = Kind.Internal;
  closed = false;
  /** Messages this connection published (nats-server counts them as the client's `in`). */
  inMsgs = 0;
  inBytes = 0;
  /** Messages delivered to its subscriptions. */
  outMsgs = 0;
  outBytes = 0;
  readonly #ctx: InternalContext;
  readonly #echo: boolean;
  readonly #onError: (err: unknown, msg: InternalMsg) => void;
  readonly #subs = new Map<string, InternalSubscription>();
  readonly #op = new InternalOp();
  #nextSid = 1;
  #queue: Delivery[] = [];
  #scheduled = false;
  #requests: RequestInbox | null = null;
  /** The last message received (lends its decoded subject to the next one). */
  #lastMsg: InternalMsg | null = null;
  /** Where small received messages are copied. */
  readonly #slab = new MsgSlab();

  /** Opens a connection in `account`, taking a connection id from `ctx`. */
  constructor(ctx: InternalContext, account: Account, opts: InternalConnectionOptions = {}) {
    this.#ctx = ctx;
    this.account = account;
    this.cid = ctx.allocateConnectionId();
    this.internalKind = opts.kind ?? InternalKind.System;
    this.name = opts.name ?? `${this.internalKind.toLowerCase()}-${this.cid}`;
    this.#echo = opts.echo ?? false;
    this.#onError = opts.onError ??
      ((err, msg) =>
        ctx.logger.warn(`Error handling internal message on "${msg.subject}": ${err}`));
    ctx.internalOpened?.(this);
  }

  /** Publisher: with echo off its own subscriptions are skipped. */
  get echoSkip(): Receiver | null {
    return this.#echo ? null : this;
  }

  /** The open subscriptions (interest replay, monitoring). */
  subscriptions(): IterableIterator<InternalSubscription> {
    return this.#subs.values();
  }

  /**
   * Subscribes `subject` (wildcards allowed) in this connection's account; `handler` gets each
   * message after the fan-out that delivered it. Throws on an invalid subject or a closed
   * connection.
   */
  subscribe(subject: string, handler: InternalHandler): InternalSubscription;
  subscribe(
    subject: string,
    opts: SubscribeOptions,
    handler: InternalHandler,
  ): InternalSubscription;
  subscribe(
    subject: string,
    optsOrHandler: SubscribeOptions | InternalHandler,
    maybeHandler?: InternalHandler,
  ): InternalSubscription {
    if (this.closed) throw new Error("internal connection is closed");
    const opts = typeof optsOrHandler === "function" ? {} : optsOrHandler;
    const handler = typeof optsOrHandler === "function" ? optsOrHandler : maybeHandler;
    if (handler === undefined) throw new Error("subscribe needs a handler");
    const queue = opts.queue !== undefined && opts.queue !== "" ? opts.queue : null;
    const sid = String(this.#nextSid++);
    const sub = new InternalSubscription(this, subject, queue, sid, handler, opts.local === true);
    if (opts.max !== undefined && opts.max > 0) sub.max = opts.max;
    this.account.sublist.insert(sub);
    this.#subs.set(sid, sub);
    if (!sub.local) this.#ctx.interestChanged(this.account, sub, 1);
    return sub;
  }

  /** Removes `sub` (no-op when already gone); other servers and shards see the interest go. */
  unsubscribe(sub: InternalSubscription): void {
    if (sub.owner !== this) return;
    sub.cancelled = true;
    this.#remove(sub);
  }

  #remove(sub: InternalSubscription): void {
    if (sub.closed) return;
    sub.closed = true;
    this.#subs.delete(sub.sidText);
    this.account.sublist.remove(sub);
    if (!sub.local) this.#ctx.interestChanged(this.account, sub, -1);
  }

  /**
   * Publishes `data` (bytes, or text sent as UTF-8) to `subject`, with an optional reply
   * subject and headers, through the router (local subscribers, queue groups, routes, shards).
   * Returns true when anything received it.
   */
  publish(
    subject: string,
    data: Uint8Array | string = EMPTY,
    opts: PublishOptions = {},
  ): boolean {
    if (this.closed) throw new Error("internal connection is closed");
    const payload = typeof data === "string" ? enc.encode(data) : data;
    const headers = headerBytes(opts.headers);
    const reply = opts.reply ?? "";
    let op = this.#op.set(subject, reply, payload, headers);
    this.inMsgs++;
    this.inBytes += op.size;
    const deliver = opts.deliverTo;
    if (deliver !== undefined && deliver !== subject) {
      const done = deliverAs(this.account, deliver, op, this.echoSkip);
      if (done !== null) return done;
      // Routes, gateways and leafs carry the shown subject as `reply@shown` (client.go
      // processMsgResults); fan_out shows it again to local subscribers.
      const text = String(reply);
      op = this.#op.set(deliver, text === "" ? "" : `${text}@${subject}`, payload, headers);
    }
    return this.#ctx.fanOut.publish(this, op);
  }

  /**
   * Sends a request and resolves with the first reply; rejects with a `RequestError` whose
   * `code` is `TIMEOUT` after `timeoutMs` (default 5000), `NO_RESPONDERS` when nothing received
   * the request, or `CLOSED` when the connection closes first. Replies come to one inbox
   * subscription per connection (`_INBOX.<id>.*`), announced like any other.
   */
  request(
    subject: string,
    data: Uint8Array | string = EMPTY,
    opts: RequestOptions = {},
  ): Promise<InternalMsg> {
    if (this.closed) return Promise.reject(new Error("internal connection is closed"));
    let inbox = this.#requests;
    if (inbox === null) {
      const created = new RequestInbox();
      this.subscribe(`${created.prefix}*`, (m) => created.deliver(m));
      inbox = this.#requests = created;
    }
    const { reply, done } = inbox.open(subject, opts.timeoutMs ?? 5000);
    this.publish(subject, data, { reply, headers: opts.headers });
    return done;
  }

  /** Publisher: nothing received a request this connection sent. */
  noResponders(op: MsgOp): void {
    const inbox = this.#requests;
    if (inbox === null) return;
    inbox.noResponders(dec.decode(op.argBuf.subarray(op.replyStart, op.replyEnd)));
  }

  /**
   * Receiver: counts and copies the message for the subscription's handler, which runs after
   * the current fan-out. Declines when closed or past the auto-unsubscribe limit (a queue group
   * then tries another member).
   */
  receive(entry: SublistEntry, op: MsgOp): boolean {
    const sub = entry as InternalSubscription;
    if (this.closed || sub.closed) return false;
    if (sub.max > 0 && sub.delivered >= sub.max) return false;
    sub.delivered++;
    this.outMsgs++;
    this.outBytes += op.size;
    const msg = new InternalMsg(op, this, this.#lastMsg, this.#slab);
    this.#lastMsg = msg;
    this.#queue.push({ sub, msg });
    if (sub.max > 0 && sub.delivered >= sub.max) this.#remove(sub);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#drain());
    }
    return true;
  }

  /** Runs the handlers of the messages received so far, in order. */
  #drain(): void {
    this.#scheduled = false;
    while (this.#queue.length > 0 && !this.closed) {
      const batch = this.#queue;
      this.#queue = [];
      for (let i = 0; i < batch.length && !this.closed; i++) {
        const { sub, msg } = batch[i];
        if (sub.cancelled) continue;
        try {
          const r = sub.handler(msg);
          if (r instanceof Promise) r.catch((err) => this.#onError(err, msg));
        } catch (err) {
          this.#onError(err, msg);
        }
      }
    }
  }

  /**
   * Removes every subscription (the interest goes everywhere it was announced), drops messages
   * not yet handled and fails open requests. Idempotent.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const sub of [...this.#subs.values()]) this.unsubscribe(sub);
    this.#queue = [];
    this.#lastMsg = null;
    this.#requests?.closeAll();
    this.#ctx.internalClosed?.(this);
  }
}
