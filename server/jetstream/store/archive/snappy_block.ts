/**
 * @module
 * Decoding one Snappy-compressed block (the body of a framing-format chunk of type 0x00): a
 * varint length, then literals and copies with 1, 2 or 4 byte offsets, and S2's extension: a
 * 1-byte-offset copy with offset 0 repeats the last copy's offset, its length read from the tag's
 * 3 bits (0-4: 4-8, 5: 8 + one byte, 6: 260 + two bytes, 7: 65540 + three bytes, little-endian,
 * after the offset byte). Errors carry the texts of
 * the Go `s2` package (`s2: corrupt input`, `s2: unsupported input`). PURE: no Deno APIs, timers
 * or console output. Runs in any isolate.
 */

/** An archive that cannot be decoded; `message` is the Go text nats-server would report. */
export class ArchiveError extends Error {}

/** Go s2 ErrCorrupt. */
export const CORRUPT = "s2: corrupt input";
/** Go s2 ErrUnsupported. */
export const UNSUPPORTED = "s2: unsupported input";

/** Reads the varint uncompressed length at the start of `block`: [value, bytes used]. */
function readLength(block: Uint8Array): [number, number] {
  let value = 0;
  for (let i = 0, shift = 1; i < 5 && i < block.length; i++, shift *= 128) {
    const b = block[i];
    value += (b & 0x7f) * shift;
    if (b < 0x80) return [value, i + 1];
  }
  throw new ArchiveError(CORRUPT);
}

/**
 * Decodes a Snappy block of at most `maxLength` uncompressed bytes.
 *
 * @example
 * ```ts
 * import { decodeSnappyBlock } from "./snappy_block.ts";
 * // 12 bytes: literal "abcd", then a copy of 8 bytes from offset 4.
 * const block = new Uint8Array([12, 3 << 2, 97, 98, 99, 100, 1 | (4 << 2), 4]);
 * if (new TextDecoder().decode(decodeSnappyBlock(block, 100)) !== "abcdabcdabcd") throw new Error();
 * ```
 */
export function decodeSnappyBlock(block: Uint8Array, maxLength: number): Uint8Array {
  const [length, start] = readLength(block);
  if (length > maxLength) throw new ArchiveError(CORRUPT);
  const out = new Uint8Array(length);
  let s = start, d = 0, lastOffset = 0;
  const need = (n: number) => {
    if (s + n > block.length) throw new ArchiveError(CORRUPT);
  };
  while (s < block.length) {
    const tag = block[s];
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >>> 2;
      s++;
      if (n >= 60) {
        const bytes = n - 59;
        need(bytes);
        n = 0;
        for (let i = 0, f = 1; i < bytes; i++, f *= 256) n += block[s + i] * f;
        s += bytes;
      }
      n += 1;
      need(n);
      if (d + n > length) throw new ArchiveError(CORRUPT);
      out.set(block.subarray(s, s + n), d);
      s += n;
      d += n;
      continue;
    }
    let n: number, offset: number;
    if (kind === 1) {
      need(2);
      n = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | block[s + 1];
      s += 2;
      if (offset === 0) {
        // S2's repeat: the last copy's offset again, the length from the tag's 3 bits.
        if (lastOffset === 0) throw new ArchiveError(CORRUPT);
        offset = lastOffset;
        const code = (tag >>> 2) & 7;
        if (code === 5) {
          need(1);
          n = 8 + block[s];
          s += 1;
        } else if (code === 6) {
          need(2);
          n = 260 + (block[s] | (block[s + 1] << 8));
          s += 2;
        } else if (code === 7) {
          need(3);
          n = 65540 + (block[s] | (block[s + 1] << 8) | (block[s + 2] << 16));
          s += 3;
        }
      }
    } else if (kind === 2) {
      need(3);
      n = 1 + (tag >>> 2);
      offset = block[s + 1] | (block[s + 2] << 8);
      s += 3;
    } else {
      need(5);
      n = 1 + (tag >>> 2);
      offset = (block[s + 1] | (block[s + 2] << 8) | (block[s + 3] << 16)) +
        block[s + 4] * 0x1000000;
      s += 5;
    }
    if (offset === 0) throw new ArchiveError(CORRUPT);
    if (offset > d || d + n > length) throw new ArchiveError(CORRUPT);
    lastOffset = offset;
    for (let i = 0; i < n; i++, d++) out[d] = out[d - offset];
  }
  if (d !== length) throw new ArchiveError(CORRUPT);
  return out;
}

/**
 * A Snappy block of `data` as literals only (no compression): what any Snappy or S2 decoder
 * reads back, for the few places that must write a block (a meta snapshot).
 *
 * @example
 * ```ts
 * import { decodeSnappyBlock, encodeSnappyLiterals } from "./snappy_block.ts";
 * const data = new TextEncoder().encode("hello, hello");
 * const back = decodeSnappyBlock(encodeSnappyLiterals(data), 100);
 * if (new TextDecoder().decode(back) !== "hello, hello") throw new Error();
 * ```
 */
export function encodeSnappyLiterals(data: Uint8Array): Uint8Array {
  const CHUNK = 65536;
  const parts: number[] = [];
  for (let n = data.length;; n = Math.floor(n / 128)) {
    if (n < 0x80) {
      parts.push(n);
      break;
    }
    parts.push((n & 0x7f) | 0x80);
  }
  const chunks = Math.ceil(data.length / CHUNK);
  const out = new Uint8Array(parts.length + chunks * 3 + data.length);
  out.set(parts, 0);
  let d = parts.length;
  for (let s = 0; s < data.length; s += CHUNK) {
    const n = Math.min(CHUNK, data.length - s);
    // Tag 61: a literal whose length - 1 follows in two bytes, little-endian.
    out[d++] = 61 << 2;
    out[d++] = (n - 1) & 0xff;
    out[d++] = (n - 1) >>> 8;
    out.set(data.subarray(s, s + n), d);
    d += n;
  }
  return out;
}
