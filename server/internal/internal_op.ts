/**
 * @module
 * A {@link MsgOp} built from scratch for messages the server publishes itself (system events,
 * request replies, internal connections), so they go through the same router as a client's
 * PUB/HPUB (nats-server events.go internalSendLoop fills `c.pa` and calls
 * processInboundClientMsg). Runs in the isolate that owns the connections.
 */
import { OpFields } from "../protocol/sink.ts";

const enc = new TextEncoder();

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
   * Points the op at `subject`, `reply` ("" for none) and `payload`; with a non-empty `headers`
   * block the op is an HPUB (`headerSize` = block length, `size` = block + payload).
   */
  set(subject: string, reply: string, payload: Uint8Array, headers?: Uint8Array | null): this {
    const hasHeaders = headers !== undefined && headers !== null && headers.length > 0;
    const total = hasHeaders ? headers.length + payload.length : payload.length;
    const subj = enc.encode(subject);
    const rep = enc.encode(reply);
    const digits = enc.encode(String(total));
    const hdrDigits = hasHeaders ? enc.encode(String(headers.length)) : null;
    const need = subj.length + rep.length + digits.length + (hdrDigits?.length ?? 0);
    if (this.argBuf.length < need) this.argBuf = new Uint8Array(need * 2);
    const buf = this.argBuf;
    buf.set(subj, 0);
    this.subjectStart = 0;
    this.subjectEnd = subj.length;
    buf.set(rep, this.subjectEnd);
    this.replyStart = this.subjectEnd;
    this.replyEnd = this.replyStart + rep.length;
    let at = this.replyEnd;
    if (hdrDigits !== null) {
      buf.set(hdrDigits, at);
      this.headerSizeStart = at;
      this.headerSizeEnd = at + hdrDigits.length;
      at = this.headerSizeEnd;
    } else {
      this.headerSizeStart = this.headerSizeEnd = 0;
    }
    buf.set(digits, at);
    this.sizeStart = at;
    this.sizeEnd = at + digits.length;
    this.size = total;
    if (hasHeaders) {
      const body = new Uint8Array(total);
      body.set(headers, 0);
      body.set(payload, headers.length);
      this.headerSize = headers.length;
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
