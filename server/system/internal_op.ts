/**
 * @module
 * A {@link MsgOp} built from scratch for messages the server publishes itself (system events,
 * request replies), so they go through the same router as a client's PUB (nats-server
 * events.go internalSendLoop fills `c.pa` and calls processInboundClientMsg). Runs in the
 * isolate that owns the connections.
 */
import { OpFields } from "../protocol/sink.ts";

const enc = new TextEncoder();

/**
 * One reusable op: subject, reply and size digits live in `argBuf`; the payload is the caller's
 * buffer. Plain PUB (no headers).
 *
 * @example
 * ```ts
 * import { InternalOp } from "./internal_op.ts";
 * const op = new InternalOp().set("$SYS.SERVER.X.STATSZ", "", new TextEncoder().encode("{}"));
 * if (op.size !== 2 || op.subjectEnd !== 20) throw new Error("unexpected op");
 * ```
 */
export class InternalOp extends OpFields {
  override argBuf: Uint8Array = new Uint8Array(128);

  /** Points the op at `subject`, `reply` ("" for none) and `payload`. */
  set(subject: string, reply: string, payload: Uint8Array): this {
    const subj = enc.encode(subject);
    const rep = enc.encode(reply);
    const digits = enc.encode(String(payload.length));
    const need = subj.length + rep.length + digits.length;
    if (this.argBuf.length < need) this.argBuf = new Uint8Array(need * 2);
    const buf = this.argBuf;
    buf.set(subj, 0);
    this.subjectStart = 0;
    this.subjectEnd = subj.length;
    buf.set(rep, this.subjectEnd);
    this.replyStart = this.subjectEnd;
    this.replyEnd = this.replyStart + rep.length;
    buf.set(digits, this.replyEnd);
    this.sizeStart = this.replyEnd;
    this.sizeEnd = this.sizeStart + digits.length;
    this.headerSizeStart = this.headerSizeEnd = 0;
    this.headerSize = -1;
    this.size = payload.length;
    this.payloadBuf = payload;
    this.payloadStart = 0;
    this.payloadEnd = payload.length;
    return this;
  }
}
