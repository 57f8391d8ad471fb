/**
 * @module
 * Hot path: appends a delivery (MSG/HMSG line, body, CRLF) to an outbound buffer by copying
 * bytes, using the protocol encoders so the line is exactly nats-server's (size digits echoed
 * as the publisher sent them; headers stripped for receivers without header support).
 */
import { copyBytes } from "../protocol/copy.ts";
import { deliveryHeaderLength, encodeDeliveryHeader } from "../protocol/encode.ts";
import { encodeNoResponders, noRespondersLength } from "../protocol/headers.ts";
import type { MsgOp } from "../protocol/sink.ts";
import type { Outbound } from "./outbound.ts";

/**
 * Appends the delivery of `op` (subject and reply taken from `op.argBuf`) to subscription `sid`.
 * Returns the number of bytes appended.
 */
export function appendMsg(out: Outbound, op: MsgOp, sid: Uint8Array, headers: boolean): number {
  const buf0 = op.argBuf;
  const ss = op.subjectStart, se = op.subjectEnd, rs = op.replyStart, re = op.replyEnd;
  const strip = op.headerSize > 0 && !headers;
  const bodyStart = strip ? op.payloadStart + op.headerSize : op.payloadStart;
  const lineLen = deliveryHeaderLength(op, se - ss, sid.length, re - rs, headers);
  const n = lineLen + (op.payloadEnd - bodyStart) + 2;
  out.ensure(n);
  const buf = out.buf;
  let p = encodeDeliveryHeader(buf, out.len, op, buf0, ss, se, sid, buf0, rs, re, headers);
  p = copyBytes(buf, p, op.payloadBuf, bodyStart, op.payloadEnd);
  buf[p++] = 0x0d;
  buf[p++] = 0x0a;
  out.len = p;
  return n;
}

/** Appends the no-responders status (HMSG 503) for `reply` to subscription `sid`. */
export function appendNoResponders(
  out: Outbound,
  reply: Uint8Array,
  replyStart: number,
  replyEnd: number,
  sid: Uint8Array,
): number {
  const n = noRespondersLength(replyEnd - replyStart, sid.length);
  out.ensure(n);
  out.len = encodeNoResponders(out.buf, out.len, reply, replyStart, replyEnd, sid);
  return n;
}
