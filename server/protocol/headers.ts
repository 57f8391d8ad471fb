/**
 * @module
 * NATS header blocks (`NATS/1.0[ <status>[ <description>]]\r\n<Key>: <value>\r\n...\r\n`):
 * the no-responders status message exactly as nats-server 2.9.10 sends it, a Go-identical
 * single-header lookup, and a small parser/builder for non-hot paths.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

import { CR, LF, SPACE, utf8Bytes, utf8String } from "./chars.ts";
import { writeBytes } from "./encode.ts";

/** `NATS/1.0\r\n` (client.go `hdrLine`). */
export const HEADER_LINE: Uint8Array = utf8Bytes("NATS/1.0\r\n");
/** `NATS/1.0\r\n\r\n` (client.go `emptyHdrLine`). */
export const EMPTY_HEADER: Uint8Array = utf8Bytes("NATS/1.0\r\n\r\n");

/**
 * The 16-byte header block of a no-responders reply: `NATS/1.0 503\r\n\r\n`. nats-server
 * 2.9.10 sends no description and no `Nats-Subject` header (client.go
 * processInboundClientMsg: `"HMSG %s %s 16 16\r\nNATS/1.0 503\r\n\r\n\r\n"`).
 */
export const NO_RESPONDERS_HEADER: Uint8Array = utf8Bytes("NATS/1.0 503\r\n\r\n");

const HMSG_PREFIX = utf8Bytes("HMSG ");
const NO_RESPONDERS_TAIL = utf8Bytes(" 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");

/** Bytes of the whole no-responders message for a reply subject and sid of these lengths. */
export function noRespondersLength(replyLength: number, sidLength: number): number {
  return HMSG_PREFIX.length + replyLength + 1 + sidLength + NO_RESPONDERS_TAIL.length;
}

/**
 * Writes `HMSG <reply> <sid> 16 16\r\nNATS/1.0 503\r\n\r\n\r\n`, sent to the requester's own
 * subscription matching the reply subject when a request found no receivers and the client
 * set `no_responders` (and `headers`). Returns the new offset.
 *
 * @example
 * ```ts
 * import { encodeNoResponders, noRespondersLength } from "./headers.ts";
 * const reply = new TextEncoder().encode("_INBOX.a");
 * const sid = new TextEncoder().encode("3");
 * const out = new Uint8Array(noRespondersLength(reply.length, sid.length));
 * encodeNoResponders(out, 0, reply, 0, reply.length, sid);
 * const text = new TextDecoder().decode(out);
 * if (text !== "HMSG _INBOX.a 3 16 16\r\nNATS/1.0 503\r\n\r\n\r\n") throw new Error(text);
 * ```
 */
export function encodeNoResponders(
  out: Uint8Array,
  offset: number,
  reply: Uint8Array,
  replyStart: number,
  replyEnd: number,
  sid: Uint8Array,
): number {
  let o = writeBytes(out, offset, HMSG_PREFIX, 0, HMSG_PREFIX.length);
  o = writeBytes(out, o, reply, replyStart, replyEnd);
  out[o++] = SPACE;
  o = writeBytes(out, o, sid, 0, sid.length);
  return writeBytes(out, o, NO_RESPONDERS_TAIL, 0, NO_RESPONDERS_TAIL.length);
}

/**
 * The value of header `key` in `hdr[start..end)`, exactly like nats-server client.go
 * `getHeader`: case-sensitive; only the FIRST occurrence of the key bytes anywhere in the
 * block is considered, and it must follow a CRLF and be followed by `:`; leading spaces of
 * the value are skipped; the value runs to the next CRLF (or the end). Returns a view, or
 * null.
 *
 * @example
 * ```ts
 * import { getHeader } from "./headers.ts";
 * const h = new TextEncoder().encode("NATS/1.0\r\nNats-Msg-Id:  x1\r\n\r\n");
 * const v = getHeader("Nats-Msg-Id", h, 0, h.length);
 * if (v === null || new TextDecoder().decode(v) !== "x1") throw new Error();
 * ```
 */
export function getHeader(
  key: string | Uint8Array,
  hdr: Uint8Array,
  start: number,
  end: number,
): Uint8Array | null {
  if (end <= start) return null;
  const k = typeof key === "string" ? utf8Bytes(key) : key;
  const at = indexOf(hdr, start, end, k);
  if (at < 0) return null;
  if (at - start < 2 || hdr[at - 1] !== LF || hdr[at - 2] !== CR) return null;
  let i = at + k.length;
  if (i >= end || hdr[i] !== 0x3a) return null;
  i++;
  while (i < end && hdr[i] === SPACE) i++;
  let j = i;
  while (j < end && !(hdr[j] === CR && j < end - 1 && hdr[j + 1] === LF)) j++;
  return hdr.subarray(i, j);
}

function indexOf(buf: Uint8Array, start: number, end: number, needle: Uint8Array): number {
  const n = needle.length;
  if (n === 0) return start;
  outer: for (let i = start; i + n <= end; i++) {
    for (let k = 0; k < n; k++) if (buf[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

/** A parsed header block. */
export interface HeaderBlock {
  /** Status code from the first line (`NATS/1.0 503`), or 0 when absent. */
  status: number;
  /** Text after the status code, or "". */
  description: string;
  /** Key/value pairs in order, keys and values as sent (values trimmed of spaces and tabs). */
  entries: Array<[string, string]>;
}

/**
 * Parses `NATS/1.0[ status[ description]]\r\n(Key: value\r\n)*\r\n` from `buf[start..end)`
 * (for cold paths: JetStream API, tests). Returns null when the block does not start with
 * `NATS/1.0`. Lines without `:` are skipped; parsing stops at the first empty line.
 *
 * @example
 * ```ts
 * import { parseHeaders } from "./headers.ts";
 * const b = new TextEncoder().encode("NATS/1.0 503 No Responders\r\nA: 1\r\n\r\n");
 * const h = parseHeaders(b, 0, b.length);
 * if (h?.status !== 503 || h.description !== "No Responders" || h.entries[0][1] !== "1") {
 *   throw new Error();
 * }
 * ```
 */
export function parseHeaders(buf: Uint8Array, start: number, end: number): HeaderBlock | null {
  const version = HEADER_LINE.length - 2;
  for (let k = 0; k < version; k++) {
    if (start + k >= end || buf[start + k] !== HEADER_LINE[k]) return null;
  }
  let lineEnd = findCrlf(buf, start, end);
  const first = utf8String(buf, start + version, lineEnd).trim();
  let status = 0;
  let description = "";
  if (first.length > 0) {
    const space = first.indexOf(" ");
    const code = space < 0 ? first : first.slice(0, space);
    if (/^\d{3}$/.test(code)) {
      status = Number(code);
      description = space < 0 ? "" : first.slice(space + 1).trim();
    }
  }
  const entries: Array<[string, string]> = [];
  let i = lineEnd + 2;
  while (i < end) {
    lineEnd = findCrlf(buf, i, end);
    if (lineEnd === i) break;
    let colon = i;
    while (colon < lineEnd && buf[colon] !== 0x3a) colon++;
    if (colon < lineEnd) {
      entries.push([
        utf8String(buf, i, colon).trim(),
        utf8String(buf, colon + 1, lineEnd).replace(/^[ \t]+|[ \t]+$/g, ""),
      ]);
    }
    i = lineEnd + 2;
  }
  return { status, description, entries };
}

function findCrlf(buf: Uint8Array, start: number, end: number): number {
  for (let i = start; i + 1 < end; i++) if (buf[i] === CR && buf[i + 1] === LF) return i;
  return end;
}

/**
 * Builds a header block: `NATS/1.0[ <status>[ <description>]]\r\n`, each `Key: value\r\n`,
 * then `\r\n`. Keys are written as given (nats-server's genHeader canonicalizes with Go's
 * MIME rules; do that before calling when mirroring it).
 *
 * @example
 * ```ts
 * import { buildHeaders } from "./headers.ts";
 * const b = buildHeaders([["A", "1"]]);
 * if (new TextDecoder().decode(b) !== "NATS/1.0\r\nA: 1\r\n\r\n") throw new Error();
 * ```
 */
export function buildHeaders(
  entries: ReadonlyArray<readonly [string, string]>,
  status = 0,
  description = "",
): Uint8Array {
  let text = "NATS/1.0";
  if (status > 0) text += ` ${status}` + (description ? ` ${description}` : "");
  text += "\r\n";
  for (const [k, v] of entries) text += `${k}: ${v}\r\n`;
  return utf8Bytes(text + "\r\n");
}
