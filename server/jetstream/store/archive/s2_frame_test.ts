/**
 * @module
 * The S2/Snappy framing: round trips over several chunks, Snappy-compressed chunks and the
 * Snappy identifier, skippable chunks, and every way a stream can be bad (Go s2 texts).
 */
import assert from "node:assert/strict";
import { CRC_MISMATCH, s2Frame, s2Unframe, SNAPPY_BLOCK } from "./s2_frame.ts";
import { maskedCrc32c } from "./crc32c.ts";
import { ArchiveError, CORRUPT, decodeSnappyBlock, UNSUPPORTED } from "./snappy_block.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function chunk(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[0] = type;
  out[1] = body.length & 0xff;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length >>> 16;
  out.set(body, 4);
  return out;
}

function dataChunk(type: number, data: Uint8Array, payload: Uint8Array): Uint8Array {
  const body = new Uint8Array(4 + payload.length);
  new DataView(body.buffer).setUint32(0, maskedCrc32c(data), true);
  body.set(payload, 4);
  return chunk(type, body);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const S2_ID = chunk(0xff, enc.encode("S2sTwO"));
const SNAPPY_ID = chunk(0xff, enc.encode("sNaPpY"));

function fails(framed: Uint8Array, text: string): void {
  assert.throws(() => s2Unframe(framed), (e) => e instanceof ArchiveError && e.message === text);
}

Deno.test("s2 frame: round trip over several chunks, S2 identifier first", () => {
  const data = new Uint8Array(SNAPPY_BLOCK * 2 + 1234);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
  const framed = s2Frame(data);
  assert.deepEqual(framed.subarray(0, 10), S2_ID);
  assert.equal(framed[10], 0x01);
  assert.equal(framed.length, 10 + 3 * 8 + data.length);
  assert.deepEqual(s2Unframe(framed), data);
  assert.deepEqual(s2Unframe(s2Frame(data, 1000)), data);
});

Deno.test("s2 frame: empty data is the identifier alone; empty input is empty", () => {
  assert.deepEqual(s2Frame(new Uint8Array(0)), S2_ID);
  assert.equal(s2Unframe(S2_ID).length, 0);
  assert.equal(s2Unframe(new Uint8Array(0)).length, 0);
});

Deno.test("s2 frame: Snappy-compressed chunks, Snappy identifier, skippable chunks", () => {
  const plain = enc.encode("abcdabcdabcd");
  const block = new Uint8Array([12, 3 << 2, 97, 98, 99, 100, 1 | (4 << 2), 4]);
  const framed = concat(
    SNAPPY_ID,
    chunk(0xfe, new Uint8Array(3)),
    dataChunk(0x00, plain, block),
    chunk(0x99, enc.encode("index")),
    dataChunk(0x01, enc.encode("!"), enc.encode("!")),
  );
  assert.equal(dec.decode(s2Unframe(framed)), "abcdabcdabcd!");
});

Deno.test("s2 frame: bad streams give the Go s2 errors", () => {
  const good = s2Frame(enc.encode("hello world"));
  fails(good.subarray(0, good.length - 1), CORRUPT); // truncated chunk
  fails(good.subarray(0, 12), CORRUPT); // truncated chunk header
  fails(good.subarray(10), CORRUPT); // no identifier
  fails(concat(chunk(0xff, enc.encode("nOtOnE")), good.subarray(10)), CORRUPT);
  const flipped = good.slice();
  flipped[flipped.length - 1] ^= 1;
  fails(flipped, CRC_MISMATCH);
  fails(concat(S2_ID, chunk(0x02, new Uint8Array(4))), UNSUPPORTED);
  fails(concat(S2_ID, chunk(0x01, new Uint8Array(2))), CORRUPT);
});

Deno.test("snappy block: literals of every length form, copies, bad blocks", () => {
  const long = new Uint8Array(300).fill(120);
  // Literal of 300 bytes: tag 61 (2 length bytes), value 299.
  const lit = concat(new Uint8Array([0xac, 0x02, 61 << 2, 299 & 0xff, 299 >> 8]), long);
  assert.deepEqual(decodeSnappyBlock(lit, 1000), long);
  // "ab" then copy2 (length 6, offset 2) and copy4 (length 2, offset 1).
  const copies = new Uint8Array([10, 1 << 2, 97, 98, 2 | (5 << 2), 2, 0, 3 | (1 << 2), 1, 0, 0, 0]);
  assert.equal(dec.decode(decodeSnappyBlock(copies, 100)), "ababababbb");
  const bad = (b: number[], text: string) =>
    assert.throws(() => decodeSnappyBlock(new Uint8Array(b), 100), { message: text });
  bad([4, 1 | (0 << 2), 9], CORRUPT); // copy before any output
  bad([4, 0, 97, 1, 0], CORRUPT); // an S2 repeat before any copy
  // S2 repeats: "abc", copy (offset 3, length 4), repeat (length 4), repeat (code 5: 8 + 2).
  const repeats = new Uint8Array([21, 2 << 2, 97, 98, 99, 1, 3, 1, 0, 1 | (5 << 2), 0, 2]);
  assert.equal(dec.decode(decodeSnappyBlock(repeats, 100)), "abcabcabcabcabcabcabc");
  bad([200, 1], CORRUPT); // length above the limit
  bad([3, 0, 97], CORRUPT); // fewer bytes than announced
  bad([1, 4, 97], CORRUPT); // literal past its end
});
