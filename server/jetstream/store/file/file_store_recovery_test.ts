/**
 * @module
 * File-store-only tests: reopening recovers the same state, recovery from every truncation point
 * of the last block, a corrupt record in the middle of the tail, tombstones across restarts,
 * truncate across blocks, block compaction, secure erase on disk, and group-committed writes.
 */

import assert from "node:assert/strict";
import { FileStore } from "./file_store.ts";
import { decodeRecord, RecordKind } from "../record_codec.ts";
import { snapshot } from "../_store_conformance.ts";
import { defaultLimits, isStoreError, StoreErrorCode } from "../types.ts";

const enc = new TextEncoder();

function tempDir(): string {
  return Deno.makeTempDirSync({ prefix: "jstore_" });
}

/** Reopens the store in `dir` and checks it reports exactly `before`. */
async function reopenSame(store: FileStore, blockSize = 512): Promise<FileStore> {
  const before = snapshot(store);
  await store.stop();
  const again = FileStore.open({ dir: store.dir, blockSize });
  assert.deepEqual(snapshot(again), before);
  return again;
}

/** MSG record ends in `buf` (the offsets where a cut leaves whole messages). */
function recordEnds(buf: Uint8Array): { end: number; kind: number; seq: number }[] {
  const out = [];
  for (let at = 0; at < buf.length;) {
    const r = decodeRecord(buf, at, buf.length);
    if (typeof r === "string") break;
    at += r.length;
    out.push({ end: at, kind: r.kind, seq: r.seq });
  }
  return out;
}

Deno.test("file store: reopen recovers the same state across blocks, removes and skips", async () => {
  const dir = tempDir();
  let s = FileStore.open({ dir, blockSize: 300 });
  for (let i = 1; i <= 60; i++) {
    await s.storeMsg(`r.${i % 7}`, null, enc.encode(`msg-${i}`), BigInt(i));
  }
  for (const seq of [1, 5, 17, 33, 34, 59]) s.removeMsg(seq);
  s.skipMsg(61n);
  await s.storeMsg("r.last", enc.encode("NATS/1.0\r\n\r\n"), enc.encode("end"), 62n);
  assert.ok(s.blockIds().length > 3);
  s = await reopenSame(s, 300);
  assert.deepEqual(s.state().lastSeq, 62);
  assert.equal(s.state().numDeleted, 6); // 5, 17, 33, 34, 59 and the skipped 61
  await s.storeMsg("r.more", null, enc.encode("x"), 63n);
  s = await reopenSame(s, 300);
  await s.delete();
});

Deno.test("file store: recovery from every truncation point of the last block", async () => {
  const dir = tempDir();
  const s = FileStore.open({ dir, blockSize: 400 });
  for (let i = 1; i <= 25; i++) {
    await s.storeMsg(
      `t.${i % 3}`,
      i % 4 === 0 ? enc.encode("NATS/1.0\r\nK: v\r\n\r\n") : null,
      enc.encode(`payload-${i}`),
      BigInt(i),
    );
  }
  const ids = s.blockIds();
  assert.ok(ids.length >= 3, "several blocks");
  const lastPath = s.blockPath(ids.at(-1)!);
  await s.stop();
  const original = Deno.readFileSync(lastPath);
  const ends = recordEnds(original);
  const firstInLast = ends.find((e) => e.kind === RecordKind.Msg)!.seq;
  for (let cut = 0; cut <= original.length; cut++) {
    Deno.writeFileSync(lastPath, original.subarray(0, cut));
    const whole = ends.filter((e) => e.kind === RecordKind.Msg && e.end <= cut);
    const expectedLast = whole.length > 0 ? whole.at(-1)!.seq : firstInLast - 1;
    const r = FileStore.open({ dir, blockSize: 400 });
    const st = r.state();
    assert.equal(st.lastSeq, expectedLast, `cut ${cut}: last seq`);
    assert.equal(st.msgs, expectedLast, `cut ${cut}: msgs`);
    assert.equal(new TextDecoder().decode(r.loadMsg(expectedLast).data), `payload-${expectedLast}`);
    const boundary = [0, ...ends.map((e) => e.end)].filter((e) => e <= cut).at(-1)!;
    await r.stop();
    // The torn bytes were cut off (a fresh BASE is written when nothing valid was left).
    const size = Deno.statSync(lastPath).size;
    assert.ok(size === boundary || (boundary === 0 && size > 0), `cut ${cut}: file size ${size}`);
  }
  Deno.writeFileSync(lastPath, original.subarray(0, ends.at(-1)!.end - 3));
  const r = FileStore.open({ dir, blockSize: 400 });
  assert.equal((await r.storeMsg("t.next", null, enc.encode("n"), 99n)).seq, 25);
  await r.delete();
});

Deno.test("file store: a corrupt checksum in the middle of the tail drops it and what follows", async () => {
  const dir = tempDir();
  const s = FileStore.open({ dir, blockSize: 100_000 });
  for (let i = 1; i <= 10; i++) await s.storeMsg("c", null, enc.encode(`body-${i}`), BigInt(i));
  const path = s.blockPath(s.blockIds()[0]);
  await s.stop();
  const bytes = Deno.readFileSync(path);
  const ends = recordEnds(bytes);
  const sixth = ends.findIndex((e) => e.seq === 6 && e.kind === RecordKind.Msg);
  bytes[ends[sixth].end - 6] ^= 0xff; // inside message 6's data
  Deno.writeFileSync(path, bytes);
  const r = FileStore.open({ dir });
  assert.deepEqual([r.state().msgs, r.state().lastSeq], [5, 5]);
  assert.equal(Deno.statSync(path).size, ends[sixth - 1].end);
  assert.equal((await r.storeMsg("c", null, enc.encode("again"), 11n)).seq, 6);
  const again = await reopenSame(r, 100_000);
  assert.equal(new TextDecoder().decode(again.loadMsg(6).data), "again");
  await again.delete();
});

Deno.test("file store: tombstones survive restarts", async () => {
  const dir = tempDir();
  let s = FileStore.open({ dir, blockSize: 256 });
  for (let i = 1; i <= 30; i++) await s.storeMsg("d", null, enc.encode(`v${i}`), BigInt(i));
  s.removeMsg(2);
  s.removeMsg(15);
  s.eraseMsg(16);
  s = await reopenSame(s, 256);
  for (const seq of [2, 15, 16]) {
    assert.throws(() => s.loadMsg(seq), (e) => isStoreError(e, StoreErrorCode.MsgNotFound));
  }
  for (let i = 31; i <= 45; i++) await s.storeMsg("d", null, enc.encode(`v${i}`), BigInt(i));
  s.removeMsg(3);
  s = await reopenSame(s, 256);
  assert.deepEqual(s.state(true).deleted, [2, 3, 15, 16]);
  await s.delete();
});

Deno.test("file store: truncate across blocks keeps earlier tombstones after a restart", async () => {
  const dir = tempDir();
  let s = FileStore.open({ dir, blockSize: 256 });
  for (let i = 1; i <= 40; i++) await s.storeMsg("u", null, enc.encode(`v${i}`), BigInt(i));
  s.removeMsg(3); // its tombstone lands in the last block, which truncate drops
  s.truncate(12);
  assert.deepEqual([s.state().msgs, s.state().lastSeq], [11, 12]);
  s = await reopenSame(s, 256);
  assert.deepEqual(s.state(true).deleted, [3]);
  assert.equal((await s.storeMsg("u", null, enc.encode("n"), 50n)).seq, 13);
  s = await reopenSame(s, 256);
  await s.delete();
});

Deno.test("file store: mostly deleted blocks are compacted and empty first blocks deleted", async () => {
  const dir = tempDir();
  let s = FileStore.open({ dir, blockSize: 1024 });
  for (let i = 1; i <= 100; i++) await s.storeMsg("k", null, new Uint8Array(40).fill(i), BigInt(i));
  const ids = s.blockIds();
  const second = ids[1];
  const sizeBefore = Deno.statSync(s.blockPath(second)).size;
  const seqsIn = (id: number) =>
    recordEnds(Deno.readFileSync(s.blockPath(id))).filter((e) => e.kind === RecordKind.Msg)
      .map((e) => e.seq);
  const firstSeqs = seqsIn(ids[0]), secondSeqs = seqsIn(second);
  // Remove every message of the first block and all but the last of the second.
  for (const seq of firstSeqs) s.removeMsg(seq);
  for (const seq of secondSeqs.slice(0, -1)) s.removeMsg(seq);
  await s.flush();
  assert.ok(!s.blockIds().includes(ids[0]), "first block deleted");
  const sizeAfter = Deno.statSync(s.blockPath(second)).size;
  assert.ok(sizeAfter * 2 < sizeBefore, `second block compacted: ${sizeBefore} -> ${sizeAfter}`);
  const kept = secondSeqs.at(-1)!;
  assert.equal(s.loadMsg(kept).data[0], kept);
  assert.equal(s.state().firstSeq, kept);
  s = await reopenSame(s, 1024);
  await s.delete();
});

Deno.test("file store: a secure erase overwrites the message bytes on disk", async () => {
  const dir = tempDir();
  const s = FileStore.open({ dir, blockSize: 200 });
  await s.storeMsg("e", null, enc.encode("SECRET-ONE"), 1n);
  for (let i = 2; i <= 10; i++) await s.storeMsg("e", null, enc.encode(`plain-${i}`), BigInt(i));
  await s.storeMsg("e", null, enc.encode("SECRET-TWO"), 11n);
  s.eraseMsg(1);
  s.eraseMsg(11);
  await s.flush(true);
  const text = s.blockIds().map((id) =>
    new TextDecoder().decode(Deno.readFileSync(s.blockPath(id)))
  )
    .join("");
  assert.ok(!text.includes("SECRET"), "erased payloads are gone from the files");
  const again = await reopenSame(s, 200);
  assert.equal(again.state().msgs, 9);
  await again.delete();
});

Deno.test("file store: storeMsg resolves once the record reached the file", async () => {
  const dir = tempDir();
  const s = FileStore.open({ dir, syncInterval: "always" });
  const path = s.blockPath(s.blockIds()[0]);
  const before = Deno.statSync(path).size;
  assert.ok(before > 0, "the block's BASE record is written on open");
  const acks = [];
  for (let i = 0; i < 50; i++) acks.push(s.storeMsg("g", null, enc.encode("x"), BigInt(i + 1)));
  assert.equal(Deno.statSync(path).size, before, "nothing written before the group write");
  const done = await Promise.all(acks);
  assert.deepEqual(done.map((a) => a.seq), Array.from({ length: 50 }, (_, i) => i + 1));
  assert.equal(Deno.statSync(path).size, before + 50 * (31 + 1 + 1));
  await s.delete();
});

Deno.test("file store: consumer state round trip through the state file", async () => {
  const dir = tempDir();
  let s = FileStore.open({ dir });
  let c = s.consumerStore("work", { ackPolicy: "explicit" });
  assert.equal(c.hasState(), false);
  c.updateDelivered(1, 5, 1, 1_000n);
  c.updateDelivered(2, 6, 1, 2_000n);
  c.updateDelivered(3, 7, 1, 3_000n);
  c.updateDelivered(4, 6, 3, 4_000n);
  c.updateAcks(1, 5);
  const state = c.state();
  await s.stop();
  s = FileStore.open({ dir });
  c = s.consumerStore("work", { ackPolicy: "explicit" });
  assert.equal(c.hasState(), true);
  assert.deepEqual(c.state(), state);
  assert.deepEqual(c.state().redelivered, new Map([[6, 2]]));
  c.stop();
  // A damaged state file is ignored.
  const path = `${dir}/obs/work.state`;
  const bytes = Deno.readFileSync(path);
  bytes[3] ^= 0x55;
  Deno.writeFileSync(path, bytes);
  const fresh = s.consumerStore("work", { ackPolicy: "explicit" });
  assert.equal(fresh.hasState(), false);
  assert.equal(fresh.state().delivered.consumerSeq, 0);
  fresh.delete();
  await s.delete();
});

Deno.test("file store: limits are saved in meta.json and used when reopened without limits", async () => {
  const dir = tempDir();
  const limits = { ...defaultLimits(), maxMsgs: 3, maxAge: 5_000_000_000n };
  let s = FileStore.open({ dir, limits });
  for (let i = 1; i <= 5; i++) await s.storeMsg("l", null, enc.encode("x"), BigInt(i));
  await s.stop();
  s = FileStore.open({ dir });
  await s.storeMsg("l", null, enc.encode("x"), 6n);
  assert.deepEqual([s.state().msgs, s.state().firstSeq], [3, 4]);
  assert.equal(s.nextExpiry(), 4n + 5_000_000_000n);
  await s.delete();
});

Deno.test("file store: block summaries are written at a clean stop and ignored when a block changed", async () => {
  const dir = tempDir();
  let s = FileStore.open({ dir, blockSize: 256 });
  for (let i = 1; i <= 20; i++) await s.storeMsg("p", null, enc.encode(`v${i}`), BigInt(i));
  const ids = s.blockIds();
  const last = s.blockPath(ids.at(-1)!);
  const sum = (path: string) => path.replace(/\.blk$/, ".sum");
  await s.stop();
  for (const id of ids) assert.ok(Deno.statSync(sum(s.blockPath(id))).isFile, `summary of ${id}`);
  s = FileStore.open({ dir, blockSize: 256 });
  // The last block is active again: its summary is gone until the next seal or clean stop.
  assert.throws(() => Deno.statSync(sum(last)), Deno.errors.NotFound);
  assert.equal(s.state().msgs, 20);
  await s.stop();
  // A torn append after the clean stop: the size differs, so the block is replayed and cut.
  const f = Deno.openSync(last, { append: true });
  f.writeSync(new Uint8Array([60, 0, 0, 0, 1, 2, 3]));
  f.close();
  s = FileStore.open({ dir, blockSize: 256 });
  assert.deepEqual([s.state().msgs, s.state().lastSeq], [20, 20]);
  await s.stop();
  // A damaged record in the last block with the same size: its summary is not trusted either.
  const bytes = Deno.readFileSync(last);
  bytes[bytes.length - 6] ^= 0xff;
  Deno.writeFileSync(last, bytes);
  s = FileStore.open({ dir, blockSize: 256 });
  assert.deepEqual([s.state().msgs, s.state().lastSeq], [19, 19]);
  await s.delete();
});
