/**
 * @module
 * The segment record format: layout, and scanning that stops at a short, corrupt or
 * out-of-order record at every possible cut and every flipped byte.
 */
import assert from "node:assert/strict";
import { getU32, getU64 } from "../wire.ts";
import { encodeRecord, RECORD_HEADER_LEN, scanRecords } from "./record.ts";

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("a record is length, CRC, index, term and the entry bytes", () => {
  const rec = encodeRecord(258, 7, new Uint8Array([1, 2, 3]));
  assert.equal(rec.length, RECORD_HEADER_LEN + 3);
  assert.equal(getU32(rec, 0), rec.length);
  assert.equal(getU64(rec, 8), 258);
  assert.equal(getU64(rec, 16), 7);
  assert.deepEqual([...rec.subarray(24)], [1, 2, 3]);
  const scan = scanRecords(rec, 257, 7);
  assert.deepEqual(scan.records, [{ index: 258, term: 7, offset: 0, length: 27 }]);
  assert.equal(scan.validEnd, 27);
  assert.equal(scan.problem, undefined);
});

Deno.test("a scan keeps the whole records before any cut", () => {
  const recs = [1, 2, 3].map((i) => encodeRecord(i, 1, new Uint8Array(i * 5).fill(i)));
  const buf = concat(recs);
  const ends = [0, recs[0].length, recs[0].length + recs[1].length, buf.length];
  for (let cut = 0; cut <= buf.length; cut++) {
    const scan = scanRecords(buf.subarray(0, cut), 0, 0);
    const whole = ends.filter((e) => e <= cut).length - 1;
    assert.equal(scan.records.length, whole, `cut ${cut}`);
    assert.equal(scan.validEnd, ends[whole]);
    assert.equal(scan.problem === undefined, ends.includes(cut), `cut ${cut}`);
  }
});

Deno.test("a flipped byte anywhere in a record stops the scan before it", () => {
  const first = encodeRecord(1, 1, new Uint8Array(10).fill(1));
  const second = encodeRecord(2, 1, new Uint8Array(10).fill(2));
  const buf = concat([first, second]);
  for (let at = first.length; at < buf.length; at++) {
    const bad = buf.slice();
    bad[at] ^= 0x40;
    const scan = scanRecords(bad, 0, 0);
    assert.equal(scan.records.length, 1, `byte ${at}`);
    assert.equal(scan.validEnd, first.length);
    assert.ok(scan.problem);
  }
});

Deno.test("records must follow with index + 1 and a term no lower", () => {
  const entry = new Uint8Array(1);
  assert.equal(scanRecords(encodeRecord(5, 3, entry), 0, 0).records.length, 1);
  assert.equal(scanRecords(encodeRecord(5, 3, entry), 4, 3).records.length, 1);
  assert.match(scanRecords(encodeRecord(6, 3, entry), 4, 3).problem!, /index 6 after 4/);
  assert.match(scanRecords(encodeRecord(5, 2, entry), 4, 3).problem!, /term 2 below 3/);
  const buf = concat([encodeRecord(1, 2, entry), encodeRecord(1, 2, entry)]);
  assert.equal(scanRecords(buf, 0, 0).records.length, 1);
});
