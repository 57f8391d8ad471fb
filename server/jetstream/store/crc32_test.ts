/**
 * @module
 * CRC-32 against known vectors and against a bitwise reference at every length and offset.
 */

import assert from "node:assert/strict";
import { crc32, loadNativeCrc32, NATIVE_MIN } from "./crc32.ts";

/** Bit-at-a-time reference CRC-32. */
function reference(buf: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) {
    c ^= buf[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

Deno.test("crc32 matches the IEEE check values", () => {
  const enc = new TextEncoder();
  assert.equal(crc32(enc.encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(enc.encode("The quick brown fox jumps over the lazy dog")), 0x414fa339);
});

Deno.test("crc32 equals a bitwise reference for every length and offset up to 40 bytes", () => {
  const buf = new Uint8Array(48);
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 131 + 7) & 0xff;
  for (let start = 0; start < 8; start++) {
    for (let end = start; end <= 40 + start; end++) {
      assert.equal(crc32(buf, start, end), reference(buf, start, end), `${start}..${end}`);
    }
  }
});

Deno.test("crc32 above the native threshold equals the reference, chained or not", async () => {
  // Before the native checksum is loaded (the TypeScript one), then after.
  for (const native of [false, true]) {
    if (native) await loadNativeCrc32();
    checkAboveThreshold();
  }
});

function checkAboveThreshold(): void {
  const buf = new Uint8Array(4 * NATIVE_MIN + 9);
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 197 + 11) & 0xff;
  for (const len of [NATIVE_MIN - 1, NATIVE_MIN, NATIVE_MIN + 1, 170, 3 * NATIVE_MIN + 5]) {
    for (const start of [0, 1, 3, 8]) {
      assert.equal(crc32(buf, start, start + len), reference(buf, start, start + len), `${len}`);
    }
  }
  // A checksum continued over chunks on both sides of the threshold.
  const cut = 37;
  const whole = reference(buf, 0, buf.length);
  assert.equal(crc32(buf, cut, buf.length, crc32(buf, 0, cut)), whole);
  assert.equal(crc32(buf, buf.length - cut, buf.length, crc32(buf, 0, buf.length - cut)), whole);
}
