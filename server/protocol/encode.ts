/**
 * @module
 * Encoders for what a server writes: MSG/HMSG headers built from byte ranges, decimal
 * integers without strings, INFO, and the fixed PING/PONG/+OK lines. Writers take
 * `(out, offset, ...)`, return the new offset, and never check capacity: size the buffer
 * with the matching `*Length` function first.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

import { copyBytes } from "./copy.ts";
import { utf8Bytes, utf8Length, writeUtf8 } from "./chars.ts";
import type { MsgOp } from "./sink.ts";

/** `PING\r\n` */
export const PING: Uint8Array = utf8Bytes("PING\r\n");
/** `PONG\r\n` */
export const PONG: Uint8Array = utf8Bytes("PONG\r\n");
/** `+OK\r\n` */
export const OK: Uint8Array = utf8Bytes("+OK\r\n");
/** `\r\n` */
export const CRLF: Uint8Array = utf8Bytes("\r\n");

const M = 0x4d;
const S = 0x53;
const G = 0x47;
const H = 0x48;
const SP = 0x20;

/**
 * Number of decimal digits of a non-negative integer.
 *
 * @example
 * ```ts
 * import { decimalLength } from "./encode.ts";
 * if (decimalLength(0) !== 1 || decimalLength(1000) !== 4) throw new Error();
 * ```
 */
export function decimalLength(n: number): number {
  let len = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    len++;
  }
  return len;
}

/**
 * Writes a non-negative integer in decimal, without allocating.
 *
 * @example
 * ```ts
 * import { writeDecimal } from "./encode.ts";
 * const out = new Uint8Array(8);
 * if (writeDecimal(out, 0, 1024) !== 4 || out[0] !== 0x31 || out[3] !== 0x34) throw new Error();
 * ```
 */
export function writeDecimal(out: Uint8Array, offset: number, n: number): number {
  const end = offset + decimalLength(n);
  let o = end;
  do {
    const q = Math.floor(n / 10);
    out[--o] = 0x30 + (n - q * 10);
    n = q;
  } while (n > 0);
  return end;
}

/** Copies `src[start..end)` to `out` at `offset`; returns the new offset ({@link copyBytes}). */
export const writeBytes: (
  out: Uint8Array,
  offset: number,
  src: Uint8Array,
  start: number,
  end: number,
) => number = copyBytes;

/** Bytes of `MSG <subject> <sid> [reply] <size>\r\n` (sid and reply omitted when empty). */
export function msgHeaderLength(
  subjectLength: number,
  sidLength: number,
  replyLength: number,
  size: number,
): number {
  return 4 + subjectLength + 1 + (sidLength > 0 ? sidLength + 1 : 0) +
    (replyLength > 0 ? replyLength + 1 : 0) + decimalLength(size) + 2;
}

/**
 * Writes `MSG <subject> <sid> [reply] <size>\r\n` (client.go msgHeader layout).
 *
 * @example
 * ```ts
 * import { encodeMsgHeader, msgHeaderLength } from "./encode.ts";
 * const subj = new TextEncoder().encode("foo");
 * const sid = new TextEncoder().encode("1");
 * const out = new Uint8Array(msgHeaderLength(3, 1, 0, 16));
 * encodeMsgHeader(out, 0, subj, 0, 3, sid, subj, 0, 0, 16);
 * if (new TextDecoder().decode(out) !== "MSG foo 1 16\r\n") throw new Error();
 * ```
 */
export function encodeMsgHeader(
  out: Uint8Array,
  offset: number,
  subject: Uint8Array,
  subjectStart: number,
  subjectEnd: number,
  sid: Uint8Array,
  reply: Uint8Array,
  replyStart: number,
  replyEnd: number,
  size: number,
): number {
  let o = offset;
  out[o++] = M;
  out[o++] = S;
  out[o++] = G;
  out[o++] = SP;
  o = writeRouting(out, o, subject, subjectStart, subjectEnd, sid, reply, replyStart, replyEnd);
  o = writeDecimal(out, o, size);
  out[o++] = 0x0d;
  out[o++] = 0x0a;
  return o;
}

/**
 * Bytes of the delivery header {@link encodeDeliveryHeader} writes for `op`.
 * `headers` is whether the receiving client supports headers.
 */
export function deliveryHeaderLength(
  op: MsgOp,
  subjectLength: number,
  sidLength: number,
  replyLength: number,
  headers: boolean,
): number {
  const routing = subjectLength + 1 + (sidLength > 0 ? sidLength + 1 : 0) +
    (replyLength > 0 ? replyLength + 1 : 0);
  if (op.headerSize > 0) {
    if (headers) {
      return 5 + routing + (op.headerSizeEnd - op.headerSizeStart) + 1 +
        (op.sizeEnd - op.sizeStart) + 2;
    }
    return 4 + routing + decimalLength(op.size - op.headerSize) + 2;
  }
  return 4 + routing + (op.sizeEnd - op.sizeStart) + 2;
}

/**
 * Writes the MSG/HMSG line for delivering `op` exactly as nats-server's client.go msgHeader:
 * HMSG only when the message has headers (header size > 0, so `HPUB s 0 n` goes out as MSG)
 * and the receiver supports them; sizes are the digits the publisher sent (leading zeros
 * kept); a receiver without headers gets `MSG` with the decimal payload size (total - hdr),
 * and the caller then sends only the payload part. Subject and reply are passed separately
 * so mapped subjects and rewritten replies can be used.
 *
 * @example
 * ```ts
 * import { deliveryHeaderLength, encodeDeliveryHeader } from "./encode.ts";
 * import type { MsgOp } from "./sink.ts";
 * const arg = new TextEncoder().encode("foo 007");
 * const op = {
 *   argBuf: arg, subjectStart: 0, subjectEnd: 3, replyStart: 3, replyEnd: 3, headerSize: -1,
 *   size: 7, sizeStart: 4, sizeEnd: 7, headerSizeStart: 4, headerSizeEnd: 4,
 * } as MsgOp;
 * const sid = new TextEncoder().encode("9");
 * const out = new Uint8Array(deliveryHeaderLength(op, 3, 1, 0, true));
 * encodeDeliveryHeader(out, 0, op, arg, 0, 3, sid, arg, 3, 3, true);
 * if (new TextDecoder().decode(out) !== "MSG foo 9 007\r\n") throw new Error();
 * ```
 */
export function encodeDeliveryHeader(
  out: Uint8Array,
  offset: number,
  op: MsgOp,
  subject: Uint8Array,
  subjectStart: number,
  subjectEnd: number,
  sid: Uint8Array,
  reply: Uint8Array,
  replyStart: number,
  replyEnd: number,
  headers: boolean,
): number {
  let o = offset;
  const hasHeader = op.headerSize > 0;
  if (hasHeader && headers) out[o++] = H;
  out[o++] = M;
  out[o++] = S;
  out[o++] = G;
  out[o++] = SP;
  o = writeRouting(out, o, subject, subjectStart, subjectEnd, sid, reply, replyStart, replyEnd);
  if (hasHeader) {
    if (headers) {
      o = writeBytes(out, o, op.argBuf, op.headerSizeStart, op.headerSizeEnd);
      out[o++] = SP;
      o = writeBytes(out, o, op.argBuf, op.sizeStart, op.sizeEnd);
    } else o = writeDecimal(out, o, op.size - op.headerSize);
  } else o = writeBytes(out, o, op.argBuf, op.sizeStart, op.sizeEnd);
  out[o++] = 0x0d;
  out[o++] = 0x0a;
  return o;
}

/** `<subject> [<sid> ][<reply> ]` */
function writeRouting(
  out: Uint8Array,
  offset: number,
  subject: Uint8Array,
  subjectStart: number,
  subjectEnd: number,
  sid: Uint8Array,
  reply: Uint8Array,
  replyStart: number,
  replyEnd: number,
): number {
  let o = writeBytes(out, offset, subject, subjectStart, subjectEnd);
  out[o++] = SP;
  if (sid.length > 0) {
    o = writeBytes(out, o, sid, 0, sid.length);
    out[o++] = SP;
  }
  if (replyEnd > replyStart) {
    o = writeBytes(out, o, reply, replyStart, replyEnd);
    out[o++] = SP;
  }
  return o;
}

/**
 * `INFO <json> \r\n`. nats-server joins "INFO", the JSON and CRLF with spaces
 * (client.go generateClientInfoJSON, server.go generateRouteInfoJSON), so there is a space
 * before the CRLF; keep it for byte-identical output.
 *
 * @example
 * ```ts
 * import { encodeInfo } from "./encode.ts";
 * if (new TextDecoder().decode(encodeInfo('{"a":1}')) !== 'INFO {"a":1} \r\n') throw new Error();
 * ```
 */
export function encodeInfo(json: string): Uint8Array {
  const out = new Uint8Array(utf8Length(json) + 8);
  out[0] = 0x49; // I
  out[1] = 0x4e; // N
  out[2] = 0x46; // F
  out[3] = 0x4f; // O
  out[4] = SP;
  let o = writeUtf8(out, 5, json);
  out[o++] = SP;
  out[o++] = 0x0d;
  out[o++] = 0x0a;
  return out;
}
