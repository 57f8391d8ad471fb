/**
 * @module
 * JetStream deliveries across routes, gateways and leafnodes (nats-server client.go
 * processMsgResults): a consumer's message is routed on its deliver subject but shown with the
 * stored subject; when it leaves the server the shown subject rides at the end of the `$JS.ACK.`
 * reply, `reply@shown`, and the receiving side's local subscribers get `shown` as the subject
 * and the reply without the suffix. Client publishes are never rewritten.
 * PURE: no Deno APIs, timers or console output.
 */
import { type MsgOp, OpFields } from "../protocol/sink.ts";

const JS_ACK = [0x24, 0x4a, 0x53, 0x2e, 0x41, 0x43, 0x4b, 0x2e]; // "$JS.ACK."
const AT = 0x40;

/**
 * The op local subscribers see when `op`'s reply is `$JS.ACK.<...>@<shown>`, else null. The
 * returned op shares `op`'s buffers (subject and reply are offsets into the same bytes).
 *
 * @example
 * ```ts
 * import { shownOp } from "./shown_subject.ts";
 * import { InternalOp } from "../internal/internal_op.ts";
 * const op = new InternalOp().set("dlv", "$JS.ACK.S.C.1.1.1.0.0@orders.new", new Uint8Array(0));
 * const s = shownOp(op)!;
 * const d = new TextDecoder();
 * d.decode(s.argBuf.subarray(s.subjectStart, s.subjectEnd)); // "orders.new"
 * d.decode(s.argBuf.subarray(s.replyStart, s.replyEnd)); // "$JS.ACK.S.C.1.1.1.0.0"
 * ```
 */
export function shownOp(op: MsgOp): MsgOp | null {
  const b = op.argBuf, rs = op.replyStart, re = op.replyEnd;
  if (re - rs <= JS_ACK.length || b[rs] !== 0x24) return null;
  for (let i = 1; i < JS_ACK.length; i++) if (b[rs + i] !== JS_ACK[i]) return null;
  let at = re - 2;
  while (at > rs && b[at] !== AT) at--;
  if (at <= rs) return null;
  const shown = new OpFields();
  Object.assign(shown, op);
  shown.subjectStart = at + 1;
  shown.subjectEnd = re;
  shown.replyEnd = at;
  return shown;
}
