/**
 * @module
 * A {@link MsgOp} built from scratch for messages the server publishes itself (system events,
 * request replies, internal connections), so they go through the same router as a client's
 * PUB/HPUB (nats-server events.go internalSendLoop fills `c.pa` and calls
 * processInboundClientMsg). Runs in the isolate that owns the connections.
 */
import { writeUtf8 } from "../protocol/chars.ts";
import { OpFields } from "../protocol/sink.ts";

/**
 * A reply subject that writes its own UTF-8 bytes (a consumer's ack reply, made of a prefix and
 * numbers): the op is filled without building and encoding the string per message.
 * `toString()` gives the same text (for the forms that need a string).
 */
export interface ReplyBytes {
  /** The bytes {@link write} writes. */
  readonly byteLength: number;
  /** Writes the subject's UTF-8 bytes at `at`; returns the end. */
  write(buf: Uint8Array, at: number): number;
  toString(): string;
}

/**
 * One reusable op: subject, reply and size digits live in `argBuf`; the payload is the caller's
 * buffer (or, with headers, one buffer holding the header block then the payload, as HPUB).
 *
 * @example
 * ```ts
 * import { InternalOp } from "./internal_op.ts";
 * const op = new InternalOp().set("$SYS.SERVER.X.STATSZ", "", new TextEncoder().encode("{}"));
 * if (op.size !== 2 || op.subjectEnd !== 20 || op.headerSize !== -1) throw new Error("op");
 * const h = new TextEncoder().encode("NATS/1.0\r\nA: 1\r\n\r\n");
 * op.set("s", "r", new Uint8Array(3), h);
 * if (op.headerSize !== h.length || op.size !== h.length + 3) throw new Error("hpub");
 * ```
 */
export class InternalOp extends OpFields {
  override argBuf: Uint8Array = new Uint8Array(128);

  /**
   * Points the op at `subject`, `reply` ("" for none; text or {@link ReplyBytes}) and `payload`; with a non-empty `headers`
   * block the op is an HPUB (`headerSize` = block length, `size` = block + payload).
   */
  set(
    subject: string,
    reply: string | ReplyBytes,
    payload: Uint8Array,
    headers?: Uint8Array | null,
  ): this {
    const hasHeaders = headers !== undefined && headers !== null && headers.length > 0;
    const total = hasHeaders ? headers.length + payload.length : payload.length;
    const hdrLen = hasHeaders ? headers.length : -1;
    // Written in place (no TextEncoder call or temporary array per publish): at most 20 digits
    // for each size. A UTF-16 unit takes at most 3 bytes (a surrogate pair, 2 units, takes 4),
    // so the bound needs no pass over the strings.
    const literal = typeof reply === "string";
    const need = subject.length * 3 + (literal ? reply.length * 3 : reply.byteLength) + 40;
    if (this.argBuf.length < need) this.argBuf = new Uint8Array(need * 2);
    const buf = this.argBuf;
    this.subjectStart = 0;
    this.subjectEnd = writeUtf8(buf, 0, subject);
    this.replyStart = this.subjectEnd;
    this.replyEnd = literal
      ? writeUtf8(buf, this.replyStart, reply)
      : reply.write(buf, this.replyStart);
    let at = this.replyEnd;
    if (hasHeaders) {
      this.headerSizeStart = at;
      at = this.headerSizeEnd = writeDigits(buf, at, hdrLen);
    } else {
      this.headerSizeStart = this.headerSizeEnd = 0;
    }
    this.sizeStart = at;
    this.sizeEnd = writeDigits(buf, at, total);
    this.size = total;
    if (hasHeaders) {
      const body = new Uint8Array(total);
      body.set(headers, 0);
      body.set(payload, headers.length);
      this.headerSize = hdrLen;
      this.payloadBuf = body;
    } else {
      this.headerSize = -1;
      this.payloadBuf = payload;
    }
    this.payloadStart = 0;
    this.payloadEnd = total;
    return this;
  }
}

/** Writes the decimal digits of `n` (a non-negative integer) at `at`; returns the end. */
function writeDigits(buf: Uint8Array, at: number, n: number): number {
  if (n < 10) {
    buf[at] = 48 + n;
    return at + 1;
  }
  let digits = 0;
  for (let v = n; v > 0; v = Math.floor(v / 10)) digits++;
  for (let v = n, i = at + digits - 1; v > 0; v = Math.floor(v / 10), i--) buf[i] = 48 + (v % 10);
  return at + digits;
}
