/**
 * @module
 * Hot path: appends a MSG/HMSG frame to an outbound buffer by copying bytes (no strings).
 */
import type { Outbound } from "./outbound.ts";

const SP = 0x20, CR = 0x0d, LF = 0x0a;
const MSG = [0x4d, 0x53, 0x47, SP]; // "MSG "
const HMSG = [0x48, 0x4d, 0x53, 0x47, SP]; // "HMSG "

function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = (n / 10) | 0;
    d++;
  }
  return d;
}

function writeInt(buf: Uint8Array, pos: number, n: number): number {
  const d = digits(n);
  let p = pos + d - 1;
  do {
    buf[p--] = 0x30 + (n % 10);
    n = (n / 10) | 0;
  } while (n > 0);
  return pos + d;
}

function copy(dst: Uint8Array, pos: number, src: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n < 48) {
    for (let i = start; i < end; i++) dst[pos++] = src[i];
    return pos;
  }
  dst.set(src.subarray(start, end), pos);
  return pos + n;
}

/** A message as it is delivered: subject, optional reply, header size (-1 none), body. */
export interface OutMsg {
  subjectBuf: Uint8Array;
  subjectStart: number;
  subjectEnd: number;
  replyBuf: Uint8Array;
  replyStart: number;
  replyEnd: number;
  headerSize: number;
  payloadBuf: Uint8Array;
  payloadStart: number;
  payloadEnd: number;
}

/**
 * Appends the frame for `m` to `out` for subscription `sid`. With `headers` false a header
 * message is sent as MSG with the header block stripped (nats-server client.go msgHeader).
 * Returns the number of bytes appended.
 */
export function appendMsg(out: Outbound, m: OutMsg, sid: Uint8Array, headers: boolean): number {
  const hasHdr = m.headerSize >= 0 && headers;
  const bodyStart = m.headerSize > 0 && !headers ? m.payloadStart + m.headerSize : m.payloadStart;
  const total = m.payloadEnd - bodyStart;
  const replyLen = m.replyEnd - m.replyStart;
  const max = 5 + (m.subjectEnd - m.subjectStart) + 1 + sid.length + 1 + replyLen + 1 +
    22 + 2 + total + 2;
  out.ensure(max);
  const buf = out.buf;
  const start = out.len;
  let p = start;
  if (hasHdr) {
    for (let i = 0; i < 5; i++) buf[p++] = HMSG[i];
  } else {
    for (let i = 0; i < 4; i++) buf[p++] = MSG[i];
  }
  p = copy(buf, p, m.subjectBuf, m.subjectStart, m.subjectEnd);
  buf[p++] = SP;
  p = copy(buf, p, sid, 0, sid.length);
  buf[p++] = SP;
  if (replyLen > 0) {
    p = copy(buf, p, m.replyBuf, m.replyStart, m.replyEnd);
    buf[p++] = SP;
  }
  if (hasHdr) {
    p = writeInt(buf, p, m.headerSize);
    buf[p++] = SP;
  }
  p = writeInt(buf, p, total);
  buf[p++] = CR;
  buf[p++] = LF;
  p = copy(buf, p, m.payloadBuf, bodyStart, m.payloadEnd);
  buf[p++] = CR;
  buf[p++] = LF;
  out.len = p;
  return p - start;
}
