/**
 * @module
 * CRC-32C against the Castagnoli check values and the framing format's mask.
 */
import assert from "node:assert/strict";
import { crc32c, maskedCrc32c } from "./crc32c.ts";

const enc = new TextEncoder();

Deno.test("crc32c: the Castagnoli check values", () => {
  assert.equal(crc32c(enc.encode("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
});

Deno.test("crc32c: masked form of the framing format", () => {
  const c = crc32c(enc.encode("abc"));
  const expect = ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
  assert.equal(maskedCrc32c(enc.encode("abc")), expect);
  assert.equal(maskedCrc32c(new Uint8Array(0)), 0xa282ead8);
});
