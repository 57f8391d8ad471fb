/**
 * @module
 * Stream and service imports on the data path (nats-server accounts.go addServiceImportSub,
 * addStreamImport, the `_R_.` response mappings): receivers placed in account sublists that
 * route a message again, into the importing (streams) or exporting (services) account, with its
 * subject mapped. Service requests get a `_R_.` reply that a response router maps back to the
 * requester's inbox. Runs where connections are owned (every shard wires the same imports;
 * only the worker a message was published on acts on it).
 */
import type { Account } from "./account.ts";
import type { AccountImports, ResolvedServiceImport, ResolvedStreamImport } from "./imports.ts";
import { ResponseType } from "./account_config.ts";
import type { DeferredRoute, FanOut, Publisher } from "../routing/fan_out.ts";
import { Kind, type Receiver, type SublistEntry } from "../routing/receiver.ts";
import { type MsgOp, OpFields } from "../protocol/sink.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
/** nats-server's default response threshold for service imports. */
const DEFAULT_RESPONSE_MS = 2 * 60_000;

/** A scratch copy of an op with another subject (and optionally reply). */
export class RewrittenOp extends OpFields {
  override argBuf: Uint8Array = new Uint8Array(256);

  /** Copies `op` with `subject` and `reply` (null keeps the op's reply). */
  set(op: MsgOp, subject: Uint8Array, reply: Uint8Array | null): this {
    const replyLen = reply ? reply.length : op.replyEnd - op.replyStart;
    const sizeLen = op.sizeEnd - op.sizeStart;
    const hdrLen = op.headerSizeEnd - op.headerSizeStart;
    const need = subject.length + replyLen + sizeLen + hdrLen;
    if (this.argBuf.length < need) this.argBuf = new Uint8Array(need * 2);
    const buf = this.argBuf;
    let p = 0;
    buf.set(subject, p);
    this.subjectStart = p;
    p += subject.length;
    this.subjectEnd = p;
    this.replyStart = p;
    if (reply) buf.set(reply, p);
    else buf.set(op.argBuf.subarray(op.replyStart, op.replyEnd), p);
    p += replyLen;
    this.replyEnd = p;
    buf.set(op.argBuf.subarray(op.sizeStart, op.sizeEnd), p);
    this.sizeStart = p;
    p += sizeLen;
    this.sizeEnd = p;
    buf.set(op.argBuf.subarray(op.headerSizeStart, op.headerSizeEnd), p);
    this.headerSizeStart = p;
    p += hdrLen;
    this.headerSizeEnd = p;
    this.headerSize = op.headerSize;
    this.size = op.size;
    this.payloadBuf = op.payloadBuf;
    this.payloadStart = op.payloadStart;
    this.payloadEnd = op.payloadEnd;
    return this;
  }
}

/** Publishing into another account on behalf of an import (a local publish: client rules). */
function publisherIn(account: Account): Publisher {
  return { account, kind: Kind.Client, echoSkip: null, noResponders() {} };
}

function subjectOf(op: MsgOp): string {
  return dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd));
}

/**
 * Maps a published subject through an import: unchanged when `usePub`, the pattern's own
 * subject when it is literal, `prefix.<subject>` for a prefix import, else wildcard tokens of
 * `to` filled from the published subject in order (nats-server subject transforms, simple form).
 */
export function mapSubject(published: string, from: string, to: string, usePub: boolean): string {
  if (usePub || from === to) return published;
  if (!to.includes("*") && !to.includes(">")) return to;
  if (to.endsWith("." + from)) return to.slice(0, to.length - from.length) + published;
  const pub = published.split(".");
  const src = from.split(".");
  const wild: string[] = [];
  for (let i = 0; i < src.length && i < pub.length; i++) {
    if (src[i] === "*") wild.push(pub[i]);
    else if (src[i] === ">") {
      wild.push(pub.slice(i).join("."));
      break;
    }
  }
  let k = 0;
  return to.split(".").map((t) => (t === "*" || t === ">") ? (wild[k++] ?? t) : t).join(".");
}

/** Base of the receivers imports place in sublists. */
abstract class ImportEntry implements SublistEntry, Receiver, DeferredRoute {
  readonly subject: string;
  readonly queue = null;
  readonly owner: Receiver = this;
  weight = 1;
  readonly cid = 0;
  readonly closed = false;
  /** Acted on only where the message was published (never for routed or mesh deliveries). */
  readonly kind = Kind.Import;
  protected readonly fanOut: FanOut;

  constructor(subject: string, fanOut: FanOut) {
    this.subject = subject;
    this.fanOut = fanOut;
  }

  receive(_entry: SublistEntry, _op: MsgOp): boolean {
    this.fanOut.defer(this);
    return true;
  }

  abstract run(op: MsgOp): void;
}

/** In the exporting account: messages on the exported subject go to the importer too. */
class StreamImportEntry extends ImportEntry {
  readonly #into: Publisher;
  readonly #imp: ResolvedStreamImport;
  readonly #op = new RewrittenOp();

  readonly #importer: Account;

  constructor(into: Account, imp: ResolvedStreamImport, fanOut: FanOut) {
    super(imp.subject, fanOut);
    this.#into = publisherIn(into);
    this.#importer = into;
    this.#imp = imp;
  }

  /** The importing account and what `subject` becomes there. */
  target(subject: string): ImportTarget {
    const imp = this.#imp;
    const local = mapSubject(subject, imp.subject, imp.localSubject, imp.usePub);
    return { account: this.#importer, subject: local };
  }

  run(op: MsgOp): void {
    const imp = this.#imp;
    const local = mapSubject(subjectOf(op), imp.subject, imp.localSubject, imp.usePub);
    this.fanOut.publish(this.#into, this.#op.set(op, enc.encode(local), null));
  }
}

/** Stream imports chained deeper than this count as no interest (an import cycle). */
export const MAX_IMPORT_DEPTH = 8;

/**
 * Whether a message published on the literal `subject` in `account` reaches a subscriber. Like
 * `account.sublist.hasInterest`, except that a stream import counts only when the importing
 * account has a subscriber for the mapped subject: nats-server places shadow subscriptions in the
 * exporting account only for the importer's matching subscriptions (accounts.go
 * addShadowSubscriptions), so a JetStream push consumer delivering across an import is active
 * (`push_bound`) only once the importer subscribes.
 */
export function hasSubscriberInterest(account: Account, subject: string, depth = 0): boolean {
  const sublist = account.sublist;
  if (!sublist.hasInterest(subject)) return false;
  if (!account.exportsStreams) return true;
  const result = sublist.matchString(subject);
  if (result.qsubs.length > 0) return true;
  for (const entry of result.psubs) {
    if (!(entry instanceof StreamImportEntry)) return true;
    if (depth >= MAX_IMPORT_DEPTH) continue;
    const to = entry.target(subject);
    if (hasSubscriberInterest(to.account, to.subject, depth + 1)) return true;
  }
  return false;
}

/** Where an import routes a message: the other account and the subject there. */
export interface ImportTarget {
  account: Account;
  subject: string;
}

/**
 * Where `entry` routes a message on `subject` when it is a stream import (placed in the
 * exporting account) or a response router (a service's `_R_.` replies, back to the requester's
 * inbox); null when such an entry routes it nowhere (no pending request); undefined for any
 * other entry. `take` consumes a singleton response's mapping, like delivering it does.
 */
export function importTarget(
  entry: SublistEntry,
  subject: string,
  take: boolean,
): ImportTarget | null | undefined {
  if (entry instanceof StreamImportEntry) return entry.target(subject);
  if (entry instanceof ResponseRouter) return entry.target(subject, take);
  return undefined;
}

interface PendingResponse {
  account: Account;
  reply: Uint8Array;
  singleton: boolean;
  expiresAt: number;
}

/**
 * In an exporting account: `_R_.<tag>.>` replies of its service responders, mapped back to the
 * requesting account's inbox. Delivered to it locally and from other workers.
 */
export class ResponseRouter implements SublistEntry, Receiver, DeferredRoute {
  readonly subject: string;
  readonly queue = null;
  readonly owner: Receiver = this;
  weight = 1;
  readonly cid = 0;
  readonly closed = false;
  /** Delivered to locally, from routes and from other workers (the reply may come from any). */
  readonly kind = Kind.Internal;
  /** The exporting account whose sublist holds this router. */
  readonly account: Account;
  readonly #fanOut: FanOut;
  readonly #prefix: string;
  readonly #pending = new Map<string, PendingResponse>();
  readonly #op = new RewrittenOp();
  #next = 0;

  constructor(account: Account, tag: string, fanOut: FanOut) {
    this.account = account;
    this.#fanOut = fanOut;
    this.#prefix = `_R_.${tag}.`;
    this.subject = `${this.#prefix}>`;
  }

  /** Number of requests waiting for responses. */
  get size(): number {
    return this.#pending.size;
  }

  /** A new reply subject standing for `reply` in `account`. */
  register(account: Account, reply: Uint8Array, type: string, now: number): Uint8Array {
    const token = (this.#next++).toString(36) + Math.random().toString(36).slice(2, 8);
    this.#pending.set(token, {
      account,
      reply: reply.slice(),
      singleton: type === ResponseType.Singleton,
      expiresAt: now + DEFAULT_RESPONSE_MS,
    });
    return enc.encode(this.#prefix + token);
  }

  receive(_entry: SublistEntry, _op: MsgOp): boolean {
    this.#fanOut.defer(this);
    return true;
  }

  run(op: MsgOp): void {
    const p = this.#take(subjectOf(op), true);
    if (p) this.#fanOut.publish(publisherIn(p.account), this.#op.set(op, p.reply, null));
  }

  /** The requester's account and inbox a response on `subject` goes to (null: none pending). */
  target(subject: string, take: boolean): ImportTarget | null {
    const p = this.#take(subject, take);
    return p ? { account: p.account, subject: dec.decode(p.reply) } : null;
  }

  #take(subject: string, take: boolean): PendingResponse | null {
    if (!subject.startsWith(this.#prefix)) return null;
    const token = subject.slice(this.#prefix.length);
    const p = this.#pending.get(token);
    if (!p) return null;
    if (take && p.singleton) this.#pending.delete(token);
    return p;
  }

  /** Drops mappings past their response threshold. */
  sweep(now: number): void {
    for (const [token, p] of this.#pending) if (p.expiresAt <= now) this.#pending.delete(token);
  }
}

/** In the importing account: requests on the local subject go to the exporter. */
class ServiceImportEntry extends ImportEntry {
  readonly #target: Account;
  readonly #into: Publisher;
  readonly #from: Account;
  readonly #imp: ResolvedServiceImport;
  readonly #responses: ResponseRouter;
  readonly #op = new RewrittenOp();
  readonly #now: () => number;

  constructor(
    from: Account,
    target: Account,
    imp: ResolvedServiceImport,
    responses: ResponseRouter,
    now: () => number,
    fanOut: FanOut,
  ) {
    super(imp.localSubject, fanOut);
    this.#from = from;
    this.#target = target;
    this.#into = publisherIn(target);
    this.#imp = imp;
    this.#responses = responses;
    this.#now = now;
  }

  run(op: MsgOp): void {
    const imp = this.#imp;
    const to = mapSubject(subjectOf(op), imp.localSubject, imp.subject, imp.usePub);
    // The exporter's own mappings apply to the request (nats-server processServiceImport).
    const subject = this.#target.mappings?.select(to) ?? to;
    let reply: Uint8Array | null = null;
    if (op.replyEnd > op.replyStart) {
      reply = this.#responses.register(
        this.#from,
        op.argBuf.subarray(op.replyStart, op.replyEnd),
        imp.responseType,
        this.#now(),
      );
    }
    this.fanOut.publish(
      this.#into,
      this.#op.set(op, enc.encode(subject), reply ?? new Uint8Array(0)),
    );
    void this.#target;
  }
}

/** What wiring imports left in the sublists (response routers need sweeping). */
export interface WiredImports {
  routers: ResponseRouter[];
}

/**
 * Places the receivers for every resolved import into the account sublists. `tag` makes this
 * worker's `_R_.` replies distinct from other workers'; `announce` tells other workers about
 * a response router's interest.
 */
export function wireImports(
  accounts: ReadonlyMap<string, Account>,
  imports: ReadonlyMap<string, AccountImports>,
  tag: string,
  now: () => number,
  announce: (account: Account, entry: SublistEntry) => void,
  fanOut: FanOut,
): WiredImports {
  const routers = new Map<Account, ResponseRouter>();
  const routerFor = (account: Account): ResponseRouter => {
    let r = routers.get(account);
    if (!r) {
      r = new ResponseRouter(account, tag, fanOut);
      routers.set(account, r);
      account.sublist.insert(r);
      announce(account, r);
    }
    return r;
  };
  for (const [name, imps] of imports) {
    const local = accounts.get(name);
    if (!local) continue;
    for (const s of imps.streams) {
      const exporter = accounts.get(s.account);
      if (!exporter) continue;
      exporter.sublist.insert(new StreamImportEntry(local, s, fanOut));
      exporter.exportsStreams = true;
    }
    for (const s of imps.services) {
      const exporter = accounts.get(s.account);
      if (!exporter) continue;
      const entry = new ServiceImportEntry(local, exporter, s, routerFor(exporter), now, fanOut);
      local.sublist.insert(entry);
    }
  }
  return { routers: [...routers.values()] };
}
