/**
 * @module
 * A message received by an internal connection ({@link InternalMsg}), copied out of the
 * router's reusable buffers in one allocation (subject, reply, header block and payload), with
 * strings decoded and the `NATS/1.0` header block parsed only when asked for; and the header
 * forms a publisher may pass ({@link HeadersInit}). Runs in the isolate that owns the
 * connections.
 */
import { buildHeaders, getHeader, type HeaderBlock, parseHeaders } from "../protocol/headers.ts";
import type { MsgOp } from "../protocol/sink.ts";
import type { ReplyBytes } from "./internal_op.ts";

const dec = new TextDecoder();

/**
 * Headers to publish: a raw header block (`NATS/1.0...\r\n\r\n`, sent as is, e.g. with a
 * status line), or key/value pairs (written in the given order).
 */
export type HeadersInit =
  | Uint8Array
  | ReadonlyArray<readonly [string, string]>
  | Readonly<Record<string, string>>;

/** Options of a reply or publish. */
export interface PublishOptions {
  /** Reply subject ("" or absent for none), as text or as bytes it writes itself. */
  reply?: string | ReplyBytes;
  headers?: HeadersInit;
  /**
   * Route by this subject instead (nats-server's `pa.deliver`): subscribers of `deliverTo`
   * receive the message showing the published subject. Used by JetStream consumers.
   */
  deliverTo?: string;
}

/** The raw header block for `h`, or null when there is none. */
export function headerBytes(h: HeadersInit | undefined): Uint8Array | null {
  if (h === undefined) return null;
  if (h instanceof Uint8Array) return h.length > 0 ? h : null;
  const entries = Array.isArray(h)
    ? h as ReadonlyArray<readonly [string, string]>
    : Object.entries(h as Record<string, string>);
  return buildHeaders(entries);
}

/** What a message needs of the connection that received it (to answer). */
export interface Responder {
  readonly closed: boolean;
  publish(subject: string, data?: Uint8Array | string, opts?: PublishOptions): boolean;
}

/** Messages up to this many bytes are copied into a shared slab. */
const SLAB_MSG_MAX = 512;
/** Bytes of one slab: small copies of one connection share it, so one allocation serves many. */
const SLAB_SIZE = 8 * 1024;

/**
 * Where a connection's small message copies go: consecutive views of one 8 KiB buffer instead of
 * one buffer each (a typed array allocation costs 0.4-0.8 us in Deno 2.9.6, a view of a slab
 * under 0.1 us; every JetStream ack is one such copy). A message kept after its handler keeps at
 * most its slab (8 KiB) alive; a larger message gets its own buffer.
 */
export class MsgSlab {
  #buf = new Uint8Array(0);
  #at = 0;

  /** `n` bytes for one message's copy. */
  take(n: number): Uint8Array {
    if (n > SLAB_MSG_MAX) return new Uint8Array(n);
    if (this.#at + n > this.#buf.length) {
      this.#buf = new Uint8Array(SLAB_SIZE);
      this.#at = 0;
    }
    const at = this.#at;
    this.#at = at + n;
    return this.#buf.subarray(at, at + n);
  }
}

/** One received message. Valid after the handler returns (it owns its bytes). */
export class InternalMsg {
  /** subject | reply | headers + payload, copied from the op. */
  readonly #bytes: Uint8Array;
  readonly #subjectEnd: number;
  readonly #replyEnd: number;
  /** Where the payload starts (after the header block, if any). */
  readonly #dataStart: number;
  readonly #responder: Responder;
  #subject: string | null = null;
  #reply: string | null = null;
  #headers: HeaderBlock | null | undefined = undefined;

  /**
   * Copies the routing and message bytes of `op` (the router reuses its buffers). `previous`,
   * the message the same connection received before, lends its decoded subject when the
   * subject bytes are the same (a stream's subscription sees one subject over and over).
   */
  constructor(
    op: MsgOp,
    responder: Responder,
    previous: InternalMsg | null = null,
    slab: MsgSlab | null = null,
  ) {
    const arg = op.argBuf;
    const subjectStart = op.subjectStart;
    const subjectLen = op.subjectEnd - subjectStart;
    const replyStart = op.replyStart;
    const replyLen = op.replyEnd - replyStart;
    const msgLen = op.payloadEnd - op.payloadStart;
    const size = subjectLen + replyLen + msgLen;
    const bytes = slab !== null ? slab.take(size) : new Uint8Array(size);
    // Subject and reply are short: a loop beats two subarray views and set calls.
    for (let i = 0; i < subjectLen; i++) bytes[i] = arg[subjectStart + i];
    for (let i = 0; i < replyLen; i++) bytes[subjectLen + i] = arg[replyStart + i];
    if (msgLen > 0) {
      bytes.set(op.payloadBuf.subarray(op.payloadStart, op.payloadEnd), subjectLen + replyLen);
    }
    this.#bytes = bytes;
    this.#subjectEnd = subjectLen;
    this.#replyEnd = subjectLen + replyLen;
    this.#dataStart = this.#replyEnd + (op.headerSize > 0 ? op.headerSize : 0);
    this.#responder = responder;
    if (previous !== null && previous.#sameSubject(bytes, subjectLen)) {
      this.#subject = previous.subject;
    }
  }

  /** True when this message's subject is `other[0, len)`. */
  #sameSubject(other: Uint8Array, len: number): boolean {
    if (this.#subjectEnd !== len) return false;
    const mine = this.#bytes;
    for (let i = 0; i < len; i++) if (mine[i] !== other[i]) return false;
    return true;
  }

  /** The subject it was published to. */
  get subject(): string {
    return this.#subject ??= dec.decode(this.#bytes.subarray(0, this.#subjectEnd));
  }

  /** The reply subject, "" when none. */
  get reply(): string {
    // Most messages have none: no decoder call for it.
    return this.#reply ??= this.#replyEnd === this.#subjectEnd
      ? ""
      : dec.decode(this.#bytes.subarray(this.#subjectEnd, this.#replyEnd));
  }

  /** The payload without headers (a view of this message's own copy). */
  get data(): Uint8Array {
    return this.#bytes.subarray(this.#dataStart);
  }

  /** The raw header block (`NATS/1.0...\r\n\r\n`), or null when the message has none. */
  get rawHeaders(): Uint8Array | null {
    return this.#dataStart > this.#replyEnd
      ? this.#bytes.subarray(this.#replyEnd, this.#dataStart)
      : null;
  }

  /** The parsed header block (status, description, entries), parsed on first use; or null. */
  get headers(): HeaderBlock | null {
    if (this.#headers === undefined) {
      this.#headers = this.#dataStart > this.#replyEnd
        ? parseHeaders(this.#bytes, this.#replyEnd, this.#dataStart)
        : null;
    }
    return this.#headers;
  }

  /**
   * The value of header `key` (first occurrence, case-sensitive, as nats-server's getHeader),
   * without parsing the whole block; null when absent.
   */
  header(key: string): string | null {
    if (this.#dataStart <= this.#replyEnd) return null;
    const v = getHeader(key, this.#bytes, this.#replyEnd, this.#dataStart);
    return v === null ? null : dec.decode(v);
  }

  /** The payload as UTF-8 text. */
  string(): string {
    return dec.decode(this.data);
  }

  /** The payload parsed as JSON. */
  json<T = unknown>(): T {
    return JSON.parse(this.string()) as T;
  }

  /**
   * Publishes `data` to this message's reply subject from the connection that received it.
   * Returns false when the message has no reply subject or that connection has closed (nothing
   * is sent), or when nobody got the reply.
   */
  respond(data?: Uint8Array | string, opts: { headers?: HeadersInit } = {}): boolean {
    if (this.#replyEnd === this.#subjectEnd || this.#responder.closed) return false;
    return this.#responder.publish(this.reply, data, { headers: opts.headers });
  }
}
