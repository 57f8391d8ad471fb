/**
 * @module
 * Messages rewritten for gateway routing: the same message with a mapped reply
 * (`_GR_.<cluster>.<server>.<reply>`), or on another subject (a routed reply's plain subject),
 * built as fresh {@link MsgOp}s pointing at the original payload.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { OpFields } from "../../protocol/sink.ts";
import type { MsgOp } from "../../protocol/sink.ts";

const enc = new TextEncoder();

/**
 * `op` with `subject` and `reply` replaced (null keeps the original), in a new argument buffer
 * holding subject, reply, size and header-size digits.
 *
 * @example
 * ```ts
 * import { rewriteOp } from "./gateway_ops.ts";
 * import { OpFields } from "../../protocol/sink.ts";
 * const op = new OpFields();
 * op.argBuf = new TextEncoder().encode("foo 2");
 * op.subjectEnd = 3; op.sizeStart = 4; op.sizeEnd = 5;
 * const r = rewriteOp(op, null, "_GR_.x.y.r");
 * const d = new TextDecoder();
 * if (d.decode(r.argBuf.subarray(r.replyStart, r.replyEnd)) !== "_GR_.x.y.r") throw new Error();
 * if (d.decode(r.argBuf.subarray(r.subjectStart, r.subjectEnd)) !== "foo") throw new Error();
 * ```
 */
export function rewriteOp(op: MsgOp, subject: string | null, reply: string | null): MsgOp {
  const a = op.argBuf;
  const s = subject === null ? a.subarray(op.subjectStart, op.subjectEnd) : enc.encode(subject);
  const r = reply === null ? a.subarray(op.replyStart, op.replyEnd) : enc.encode(reply);
  const size = a.subarray(op.sizeStart, op.sizeEnd);
  const hsize = a.subarray(op.headerSizeStart, op.headerSizeEnd);
  const buf = new Uint8Array(s.length + r.length + size.length + hsize.length);
  let p = 0;
  const out = new OpFields();
  buf.set(s, p);
  out.subjectStart = p;
  out.subjectEnd = p += s.length;
  buf.set(r, p);
  out.replyStart = p;
  out.replyEnd = p += r.length;
  buf.set(size, p);
  out.sizeStart = p;
  out.sizeEnd = p += size.length;
  buf.set(hsize, p);
  out.headerSizeStart = p;
  out.headerSizeEnd = p += hsize.length;
  out.argBuf = buf;
  out.headerSize = op.headerSize;
  out.size = op.size;
  out.payloadBuf = op.payloadBuf;
  out.payloadStart = op.payloadStart;
  out.payloadEnd = op.payloadEnd;
  return out;
}
