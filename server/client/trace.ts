/**
 * @module
 * Client protocol tracing (`-V`/`trace: true`), in nats-server 2.9.10's shapes (client.go
 * traceInOp, traceOutOp, traceMsg, removePassFromTrace; parser.go):
 * `<ip>:<port> - cid:<n> - <<- [PUB foo 5]`, `<<- MSG_PAYLOAD: ["hello"]`,
 * `->> [MSG foo 1 5]`, `->> [PONG]`, `->> [-ERR text]`, `<-> [DELSUB 1]`.
 * Callers check `logger.traceEnabled` first, so the hot path pays one boolean test.
 * Runs wherever connections are owned.
 */
import { deliveryHeaderLength, encodeDeliveryHeader } from "../protocol/encode.ts";
import type { MsgOp } from "../protocol/sink.ts";
import type { Logger } from "../log/logger.ts";

const dec = new TextDecoder();

/** The connection side of a trace line. */
export interface Traced {
  readonly logPrefix: string;
  readonly ctx: { readonly logger: Logger; readonly options: { readonly maxTracedMsgLen: number } };
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

function isPrintable(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp >= 0x80 && cp < 0xa0) return false;
  if (cp === 0xad || cp === 0xfeff || cp === 0x2028 || cp === 0x2029) return false;
  if (cp >= 0xe000 && cp <= 0xf8ff) return false;
  return true;
}

const ESCAPES: Record<number, string> = {
  0x07: "\\a",
  0x08: "\\b",
  0x0c: "\\f",
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
  0x0b: "\\v",
  0x22: '\\"',
  0x5c: "\\\\",
};

/** Length of the UTF-8 sequence starting at `b[i]` and its code point, or null if invalid. */
function utf8At(b: Uint8Array, i: number): [number, number] | null {
  const x = b[i];
  let n: number, cp: number, min: number;
  if (x >= 0xc2 && x <= 0xdf) [n, cp, min] = [2, x & 0x1f, 0x80];
  else if (x >= 0xe0 && x <= 0xef) [n, cp, min] = [3, x & 0x0f, 0x800];
  else if (x >= 0xf0 && x <= 0xf4) [n, cp, min] = [4, x & 0x07, 0x10000];
  else return null;
  if (i + n > b.length) return null;
  for (let k = 1; k < n; k++) {
    const y = b[i + k];
    if ((y & 0xc0) !== 0x80) return null;
    cp = (cp << 6) | (y & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
  return [n, cp];
}

/**
 * Go's `%q` of a byte slice (strconv.Quote): printable UTF-8 kept, `"` and `\` escaped, control
 * characters as `\n`-style or `\x..` escapes, invalid bytes as `\x..`.
 *
 * @example
 * ```ts
 * import { goQuote } from "./trace.ts";
 * goQuote(new TextEncoder().encode('hi\r\n"x"')); // '"hi\\r\\n\\"x\\""'
 * ```
 */
export function goQuote(b: Uint8Array): string {
  let out = '"';
  for (let i = 0; i < b.length;) {
    const x = b[i];
    if (x < 0x80) {
      const esc = ESCAPES[x];
      if (esc) out += esc;
      else if (x < 0x20 || x === 0x7f) out += `\\x${hex(x, 2)}`;
      else out += String.fromCharCode(x);
      i++;
      continue;
    }
    const r = utf8At(b, i);
    if (r === null) {
      out += `\\x${hex(x, 2)}`;
      i++;
      continue;
    }
    const [n, cp] = r;
    if (isPrintable(cp)) out += String.fromCodePoint(cp);
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
    i += n;
  }
  return out + '"';
}

/** client.go passPat: the first password value in a CONNECT is replaced by `[REDACTED]`. */
const PASS_PATTERN = /"?\s*pass\S*?"?\s*[:=]\s*"?(([^",\r\n}])*)/d;

/** client.go removePassFromTrace. */
export function redactPassword(connectArg: string): string {
  if (!connectArg.includes("pass")) return connectArg;
  const m = PASS_PATTERN.exec(connectArg);
  const span = m?.indices?.[1];
  if (!span) return connectArg;
  return connectArg.slice(0, span[0]) + "[REDACTED]" + connectArg.slice(span[1]);
}

/** `<<- [OP arg]`: an op received from the client. */
export function traceIn(c: Traced, op: string, arg?: string): void {
  c.ctx.logger.trace(`${c.logPrefix} - <<- [${arg === undefined ? op : `${op} ${arg}`}]`);
}

/** `->> [OP arg]`: an op sent to the client. */
export function traceOut(c: Traced, op: string, arg?: string): void {
  c.ctx.logger.trace(`${c.logPrefix} - ->> [${arg === undefined ? op : `${op} ${arg}`}]`);
}

/** `<-> [DELSUB sid]`: a subscription removed. */
export function traceDelSub(c: Traced, sid: string): void {
  c.ctx.logger.trace(`${c.logPrefix} - <-> [DELSUB ${sid}]`);
}

/** `<<- [PUB ...]`/`<<- [HPUB ...]` then `<<- MSG_PAYLOAD: [...]` for a received message. */
export function tracePub(c: Traced, op: MsgOp): void {
  const name = op.headerSize >= 0 ? "HPUB" : "PUB";
  traceIn(c, name, dec.decode(op.argBuf.subarray(op.subjectStart, op.sizeEnd)));
  const payload = op.payloadBuf.subarray(op.payloadStart, op.payloadEnd);
  const max = c.ctx.options.maxTracedMsgLen;
  let text: string;
  if (max > 0 && payload.length > max) {
    text = `"${goQuote(payload.subarray(0, max)).slice(1, max + 1)}..."`;
  } else {
    text = goQuote(payload);
  }
  c.ctx.logger.trace(`${c.logPrefix} - <<- MSG_PAYLOAD: [${text}]`);
}

/** `->> [MSG subject sid [reply] size]` (or HMSG) for a delivery to `c`. */
export function traceDelivery(c: Traced, op: MsgOp, sid: Uint8Array, headers: boolean): void {
  const ss = op.subjectStart, se = op.subjectEnd, rs = op.replyStart, re = op.replyEnd;
  const line = new Uint8Array(deliveryHeaderLength(op, se - ss, sid.length, re - rs, headers));
  const end = encodeDeliveryHeader(line, 0, op, op.argBuf, ss, se, sid, op.argBuf, rs, re, headers);
  traceOut(c, dec.decode(line.subarray(0, end - 2)));
}
