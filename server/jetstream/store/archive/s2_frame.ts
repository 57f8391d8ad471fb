/**
 * @module
 * The Snappy/S2 framing format that wraps a snapshot archive (nats-server 2.9.10 streams its
 * tar through Go's `s2.NewWriter`; restore reads it with `s2.NewReader`): a stream identifier
 * chunk, then data chunks of a type byte, a 3-byte little-endian length and a masked CRC-32C of
 * the uncompressed data. The writer emits S2's identifier (`S2sTwO`) and uncompressed chunks,
 * which every S2 reader accepts; the reader takes both identifiers, uncompressed and
 * Snappy-compressed chunks, and skips padding and skippable chunks. Errors carry the Go `s2`
 * texts. PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { maskedCrc32c } from "./crc32c.ts";
import { ArchiveError, CORRUPT, decodeSnappyBlock, UNSUPPORTED } from "./snappy_block.ts";

const COMPRESSED = 0x00;
const UNCOMPRESSED = 0x01;
const PADDING = 0xfe;
const IDENTIFIER = 0xff;
const S2_MAGIC = "S2sTwO";
const SNAPPY_MAGIC = "sNaPpY";
/** Go s2 ErrCRC. */
export const CRC_MISMATCH = "s2: corrupt input, crc mismatch";
/** Snappy's block limit (64 KiB): the writer's chunks stay within it. */
export const SNAPPY_BLOCK = 65536;
/** S2's largest block (s2 maxBlockSize). */
const S2_MAX_BLOCK = 4 << 20;

function header(out: Uint8Array, at: number, type: number, length: number): void {
  out[at] = type;
  out[at + 1] = length & 0xff;
  out[at + 2] = (length >>> 8) & 0xff;
  out[at + 3] = (length >>> 16) & 0xff;
}

/**
 * Frames `data` as an S2 stream of uncompressed chunks of at most `blockSize` bytes.
 *
 * @example
 * ```ts
 * import { s2Frame, s2Unframe } from "./s2_frame.ts";
 * const data = new TextEncoder().encode("hello");
 * const framed = s2Frame(data);
 * if (new TextDecoder().decode(s2Unframe(framed)) !== "hello") throw new Error();
 * ```
 */
export function s2Frame(data: Uint8Array, blockSize = SNAPPY_BLOCK): Uint8Array {
  const chunks = Math.ceil(data.length / blockSize);
  const out = new Uint8Array(10 + chunks * 8 + data.length);
  header(out, 0, IDENTIFIER, 6);
  for (let i = 0; i < 6; i++) out[4 + i] = S2_MAGIC.charCodeAt(i);
  let at = 10;
  for (let from = 0; from < data.length; from += blockSize) {
    const part = data.subarray(from, Math.min(from + blockSize, data.length));
    header(out, at, UNCOMPRESSED, part.length + 4);
    new DataView(out.buffer, out.byteOffset).setUint32(at + 4, maskedCrc32c(part), true);
    out.set(part, at + 8);
    at += 8 + part.length;
  }
  return out;
}

/**
 * Reads a framed stream back to its data; throws {@link ArchiveError} with the Go `s2` text for
 * a stream that is not one, truncated, or fails a checksum. An empty input is empty data.
 */
export function s2Unframe(framed: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let sawIdentifier = false;
  const view = new DataView(framed.buffer, framed.byteOffset, framed.byteLength);
  for (let at = 0; at < framed.length;) {
    if (at + 4 > framed.length) throw new ArchiveError(CORRUPT);
    const type = framed[at];
    const length = framed[at + 1] | (framed[at + 2] << 8) | (framed[at + 3] << 16);
    const body = at + 4;
    if (body + length > framed.length) throw new ArchiveError(CORRUPT);
    at = body + length;
    if (!sawIdentifier && type !== IDENTIFIER) throw new ArchiveError(CORRUPT);
    if (type === IDENTIFIER) {
      if (length !== 6) throw new ArchiveError(CORRUPT);
      const magic = String.fromCharCode(...framed.subarray(body, body + 6));
      if (magic !== S2_MAGIC && magic !== SNAPPY_MAGIC) throw new ArchiveError(CORRUPT);
      sawIdentifier = true;
      continue;
    }
    if (type === COMPRESSED || type === UNCOMPRESSED) {
      if (length < 4) throw new ArchiveError(CORRUPT);
      const crc = view.getUint32(body, true);
      const payload = framed.subarray(body + 4, body + length);
      let data: Uint8Array;
      if (type === UNCOMPRESSED) {
        if (payload.length > S2_MAX_BLOCK) throw new ArchiveError(CORRUPT);
        data = payload;
      } else {
        data = decodeSnappyBlock(payload, S2_MAX_BLOCK);
      }
      if (maskedCrc32c(data) !== crc) throw new ArchiveError(CRC_MISMATCH);
      parts.push(data);
      total += data.length;
      continue;
    }
    if (type === PADDING || type >= 0x80) continue; // skippable
    throw new ArchiveError(UNSUPPORTED); // reserved unskippable 0x02-0x7f
  }
  const out = new Uint8Array(total);
  let d = 0;
  for (const p of parts) {
    out.set(p, d);
    d += p.length;
  }
  return out;
}
