/**
 * @module
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320): slicing-by-8 in TypeScript (about 4x the
 * byte-at-a-time table loop) for short inputs, and once {@link loadNativeCrc32} loaded it, the
 * runtime's zlib `crc32` (node:zlib, native) from {@link NATIVE_MIN} bytes on, where its fixed
 * call cost is paid back (a 170-byte record: about half the time; a whole file: a tenth). The
 * native one is loaded after start-up (loading node:zlib costs about 30 ms and 2 MB, which a
 * restart should not wait for). Checksums every file-store record and the consumer state file.
 * PURE: no Deno APIs, timers or console output.
 */

/** The native checksum once loaded (null: the TypeScript one for every input). */
let zlibCrc32: ((data: Uint8Array, value?: number) => number) | null = null;

/** Loads the native checksum (the results do not change, only their cost). */
export async function loadNativeCrc32(): Promise<void> {
  zlibCrc32 ??= (await import("node:zlib")).crc32;
}

/** Inputs from this many bytes on go to the native zlib checksum. */
export const NATIVE_MIN = 128;

/** Eight 256-entry tables in one array: table k at offset 256 * k. */
const TABLES = (() => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[256 * k + n] = c;
    }
  }
  return t;
})();

/**
 * The CRC-32 of `buf[start..end)`; with `prev`, of the bytes that gave `prev` followed by these
 * (a file checksummed in chunks).
 *
 * @example
 * ```ts
 * import { crc32 } from "./crc32.ts";
 * import assert from "node:assert";
 * assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
 * ```
 */
export function crc32(buf: Uint8Array, start = 0, end = buf.length, prev = 0): number {
  if (zlibCrc32 !== null && end - start >= NATIVE_MIN) {
    return zlibCrc32(buf.subarray(start, end), prev);
  }
  const t = TABLES;
  let c = ~prev;
  let i = start;
  for (const stop = end - 8; i <= stop; i += 8) {
    c ^= buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
    c = t[1792 + (c & 0xff)] ^ t[1536 + ((c >>> 8) & 0xff)] ^ t[1280 + ((c >>> 16) & 0xff)] ^
      t[1024 + (c >>> 24)] ^ t[768 + buf[i + 4]] ^ t[512 + buf[i + 5]] ^ t[256 + buf[i + 6]] ^
      t[buf[i + 7]];
  }
  for (; i < end; i++) c = t[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
