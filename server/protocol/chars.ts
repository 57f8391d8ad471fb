/**
 * @module
 * Byte constants and allocation-light byte/string helpers shared by the protocol files:
 * ASCII/UTF-8 encoding without `TextEncoder`, byte-range comparison, decimal digits.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

/** `\t` */
export const TAB = 0x09;
/** `\n` */
export const LF = 0x0a;
/** `\f` */
export const FF = 0x0c;
/** `\r` */
export const CR = 0x0d;
/** ` ` */
export const SPACE = 0x20;
/** `*`, the single-token wildcard. */
export const STAR = 0x2a;
/** `.`, the token separator. */
export const DOT = 0x2e;
/** `>`, the full (tail) wildcard. */
export const GT = 0x3e;
/** `0` */
export const DIGIT_0 = 0x30;
/** `9` */
export const DIGIT_9 = 0x39;

/** A shared empty array; never written to. */
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/**
 * Number of bytes `s` takes in UTF-8 (lone surrogates count as U+FFFD, 3 bytes).
 *
 * @example
 * ```ts
 * import { utf8Length } from "./chars.ts";
 * if (utf8Length("héllo") !== 6) throw new Error();
 * ```
 */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * Writes `s` as UTF-8 into `out` at `offset`; returns the new offset. The caller guarantees
 * room for {@link utf8Length}`(s)` bytes.
 *
 * @example
 * ```ts
 * import { writeUtf8 } from "./chars.ts";
 * const out = new Uint8Array(4);
 * if (writeUtf8(out, 1, "ab") !== 3 || out[1] !== 0x61) throw new Error();
 * ```
 */
export function writeUtf8(out: Uint8Array, offset: number, s: string): number {
  let o = offset;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out[o++] = 0xf0 | (c >> 18);
        out[o++] = 0x80 | ((c >> 12) & 0x3f);
        out[o++] = 0x80 | ((c >> 6) & 0x3f);
        out[o++] = 0x80 | (c & 0x3f);
        continue;
      }
      c = 0xfffd;
    }
    out[o++] = 0xe0 | (c >> 12);
    out[o++] = 0x80 | ((c >> 6) & 0x3f);
    out[o++] = 0x80 | (c & 0x3f);
  }
  return o;
}

/**
 * Encodes a string as a new UTF-8 `Uint8Array` (for constants and cold paths).
 *
 * @example
 * ```ts
 * import { utf8Bytes } from "./chars.ts";
 * if (utf8Bytes("PING\r\n").length !== 6) throw new Error();
 * ```
 */
export function utf8Bytes(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  writeUtf8(out, 0, s);
  return out;
}

/**
 * Decodes bytes as Latin-1 (one char per byte). For logs and tests, never the hot path.
 *
 * @example
 * ```ts
 * import { latin1 } from "./chars.ts";
 * if (latin1(new Uint8Array([0x6f, 0x6b]), 0, 2) !== "ok") throw new Error();
 * ```
 */
export function latin1(buf: Uint8Array, start = 0, end = buf.length): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
}

/**
 * Decodes UTF-8 bytes to a string, replacing invalid sequences with U+FFFD (cold paths).
 *
 * @example
 * ```ts
 * import { utf8Bytes, utf8String } from "./chars.ts";
 * if (utf8String(utf8Bytes("héllo")) !== "héllo") throw new Error();
 * ```
 */
export function utf8String(buf: Uint8Array, start = 0, end = buf.length): string {
  let s = "";
  let i = start;
  while (i < end) {
    const r = decodeRune(buf, i, end);
    s += String.fromCodePoint(r < 0 ? 0xfffd : r);
    i += runeWidth(buf, i, end);
  }
  return s;
}

/**
 * Decodes the UTF-8 rune at `i` with Go's `utf8.DecodeRune` rules (no overlongs, no
 * surrogates, max U+10FFFF). Returns -1 for an invalid byte; see {@link runeWidth}.
 */
export function decodeRune(buf: Uint8Array, i: number, end: number): number {
  const b0 = buf[i];
  if (b0 < 0x80) return b0;
  const w = runeWidth(buf, i, end);
  if (w === 1) return -1;
  if (w === 2) return ((b0 & 0x1f) << 6) | (buf[i + 1] & 0x3f);
  if (w === 3) return ((b0 & 0x0f) << 12) | ((buf[i + 1] & 0x3f) << 6) | (buf[i + 2] & 0x3f);
  return ((b0 & 0x07) << 18) | ((buf[i + 1] & 0x3f) << 12) | ((buf[i + 2] & 0x3f) << 6) |
    (buf[i + 3] & 0x3f);
}

/** Width of the UTF-8 sequence at `i`: 1 for ASCII and for any invalid byte (Go rules). */
export function runeWidth(buf: Uint8Array, i: number, end: number): number {
  const b0 = buf[i];
  if (b0 < 0xc2 || b0 > 0xf4) return 1;
  if (b0 < 0xe0) return isCont(buf, i + 1, end, 0x80, 0xbf) ? 2 : 1;
  if (b0 < 0xf0) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return isCont(buf, i + 1, end, lo, hi) && isCont(buf, i + 2, end, 0x80, 0xbf) ? 3 : 1;
  }
  const lo = b0 === 0xf0 ? 0x90 : 0x80;
  const hi = b0 === 0xf4 ? 0x8f : 0xbf;
  return isCont(buf, i + 1, end, lo, hi) && isCont(buf, i + 2, end, 0x80, 0xbf) &&
      isCont(buf, i + 3, end, 0x80, 0xbf)
    ? 4
    : 1;
}

function isCont(buf: Uint8Array, k: number, end: number, lo: number, hi: number): boolean {
  return k < end && buf[k] >= lo && buf[k] <= hi;
}

/**
 * True when `a[aStart..aEnd)` and `b[bStart..bEnd)` hold the same bytes.
 *
 * @example
 * ```ts
 * import { bytesEqual } from "./chars.ts";
 * const x = new Uint8Array([1, 2, 3]);
 * if (!bytesEqual(x, 1, 3, new Uint8Array([2, 3]), 0, 2)) throw new Error();
 * ```
 */
export function bytesEqual(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): boolean {
  const n = aEnd - aStart;
  if (n !== bEnd - bStart) return false;
  for (let k = 0; k < n; k++) if (a[aStart + k] !== b[bStart + k]) return false;
  return true;
}

/**
 * Parses a size like nats-server `parseSize` (util.go): 1 to 9 ASCII digits, else -1.
 * Leading zeros are allowed. The result always fits a small integer.
 *
 * @example
 * ```ts
 * import { parseSize, utf8Bytes } from "./chars.ts";
 * const b = utf8Bytes("x 0042");
 * if (parseSize(b, 2, 6) !== 42 || parseSize(b, 0, 1) !== -1) throw new Error();
 * ```
 */
export function parseSize(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len === 0 || len > 9) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i] - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
