/**
 * @module
 * The record format: round trips of every kind, truncation at every byte, checksum failures,
 * impossible lengths, and erasing in place.
 */

import assert from "node:assert/strict";
import {
  DecodeFailure,
  decodeRecord,
  encodeRecord,
  eraseRecordInPlace,
  floorBytes,
  readFloor,
  RecordKind,
  recordLength,
  RecordScanner,
} from "./record_codec.ts";

const enc = new TextEncoder();

function record(
  kind: RecordKind,
  seq: number,
  ts: bigint,
  subject: string,
  header: string | null,
  data: string,
): Uint8Array {
  const s = enc.encode(subject),
    h = header === null ? null : enc.encode(header),
    d = enc.encode(data);
  const buf = new Uint8Array(recordLength(s.length, h?.length ?? 0, d.length));
  assert.equal(encodeRecord(buf, 0, kind, seq, ts, s, h, d), buf.length);
  return buf;
}

Deno.test("record codec round trips a message with subject, header, data, big seq and negative ts", () => {
  const buf = record(RecordKind.Msg, 2 ** 40 + 3, -5n, "orders.ü", "NATS/1.0\r\n\r\n", "payload");
  const r = decodeRecord(buf, 0, buf.length);
  assert.ok(typeof r === "object");
  assert.equal(r.kind, RecordKind.Msg);
  assert.equal(r.seq, 2 ** 40 + 3);
  assert.equal(r.ts, -5n);
  assert.equal(
    new TextDecoder().decode(buf.subarray(r.subjectStart, r.subjectStart + r.subjectLength)),
    "orders.ü",
  );
  assert.equal(new TextDecoder().decode(r.header!), "NATS/1.0\r\n\r\n");
  assert.equal(new TextDecoder().decode(r.data), "payload");
  assert.equal(r.length, buf.length);
});

Deno.test("record codec: a message without header decodes a null header and empty data", () => {
  const buf = record(RecordKind.Msg, 1, 1n, "a", null, "");
  const r = decodeRecord(buf, 0, buf.length);
  assert.ok(typeof r === "object");
  assert.equal(r.header, null);
  assert.equal(r.data.length, 0);
  assert.equal(buf.length, 31 + 1);
});

Deno.test("record codec: every strict prefix of a record is Truncated", () => {
  const buf = record(RecordKind.Msg, 9, 9n, "sub.ject", "H", "data bytes");
  for (let cut = 0; cut < buf.length; cut++) {
    assert.equal(decodeRecord(buf, 0, cut), DecodeFailure.Truncated, `cut ${cut}`);
  }
});

Deno.test("record codec: any flipped byte is Corrupt or changes nothing it checks", () => {
  const original = record(RecordKind.Msg, 7, 70n, "x.y", null, "0123456789");
  for (let i = 0; i < original.length; i++) {
    const buf = original.slice();
    buf[i] ^= 0x40;
    const r = decodeRecord(buf, 0, buf.length);
    assert.ok(typeof r === "string", `byte ${i} flipped must not decode`);
  }
});

Deno.test("record codec: impossible lengths and kinds are Corrupt", () => {
  const buf = record(RecordKind.Skip, 3, 3n, "", null, "");
  const tiny = buf.slice();
  new DataView(tiny.buffer).setUint32(0, 5, true);
  assert.equal(decodeRecord(tiny, 0, tiny.length), DecodeFailure.Corrupt);
  const huge = buf.slice();
  new DataView(huge.buffer).setUint32(0, 0xffffffff, true);
  assert.equal(decodeRecord(huge, 0, huge.length), DecodeFailure.Corrupt);
  const kind = buf.slice();
  kind[4] = 99;
  assert.equal(decodeRecord(kind, 0, kind.length), DecodeFailure.Corrupt);
});

Deno.test("record scanner walks consecutive records of every kind", () => {
  const parts = [
    (() => {
      const b = new Uint8Array(recordLength(0, 0, 8));
      encodeRecord(b, 0, RecordKind.Base, 10, 100n, null, null, floorBytes(4));
      return b;
    })(),
    record(RecordKind.Msg, 11, 101n, "m", null, "v"),
    record(RecordKind.Delete, 5, 0n, "", null, ""),
    record(RecordKind.Skip, 12, 102n, "", null, ""),
    record(RecordKind.Floor, 11, 0n, "", null, ""),
  ];
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const scanner = new RecordScanner(all);
  const seen: [number, number][] = [];
  for (let pos = 0; pos < all.length;) {
    const n = scanner.read(pos, all.length);
    assert.ok(typeof n === "number");
    seen.push([scanner.kind, scanner.seq]);
    if (scanner.kind === RecordKind.Base) {
      assert.equal(
        readFloor(all.subarray(scanner.dataStart, scanner.dataStart + scanner.dataLength)),
        4,
      );
      assert.equal(scanner.ts(), 100n);
    }
    pos += n;
  }
  assert.deepEqual(seen, [[5, 10], [1, 11], [2, 5], [3, 12], [6, 11]]);
});

Deno.test("record codec: erasing in place keeps length and seq, zeroes contents, stays valid", () => {
  const buf = record(RecordKind.Msg, 42, 1n, "secret.subject", "hdr", "secret data");
  eraseRecordInPlace(buf, 0);
  const r = decodeRecord(buf, 0, buf.length);
  assert.ok(typeof r === "object");
  assert.equal(r.kind, RecordKind.Erased);
  assert.equal(r.seq, 42);
  assert.equal(r.length, buf.length);
  assert.ok(!new TextDecoder().decode(buf).includes("secret"));
});
