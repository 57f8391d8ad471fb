/**
 * @module
 * The file store with encryption at rest (option `keys`, store_crypt.ts), for both ciphers: the
 * store conformance suite reopening after a clean stop (sealed summaries) and with no summary at
 * all (every encrypted block replayed); no marker written in a subject, header or payload is
 * found in clear in any file of the store; messages and consumer state survive a reopen; a
 * rewritten (compacted, truncated, securely erased) block still reads back; a compacted block
 * is encrypted with a new keystream generation (store_crypt.ts).
 */

import assert from "node:assert/strict";
import { FileStore } from "./file_store.ts";
import { keyEncryptionKey, type StoreCipherName, StreamKeys } from "./store_cipher.ts";
import { runStoreConformance } from "../_store_conformance.ts";
import { AckPolicy, fileStoreMsgSize, type StreamStore } from "../types.ts";
import { RecordKind, RecordScanner } from "../record_codec.ts";

const CIPHERS: StoreCipherName[] = ["chacha", "aes"];
const enc = new TextEncoder();
const OPTIONS = { blockSize: 256, loadedIndexPages: 1 };

/** The keys of one test store. */
function keysFor(cipher: StoreCipherName): StreamKeys {
  return StreamKeys.create(cipher, keyEncryptionKey("s3cr3t", "$G:TEST")).keys;
}

/** Every file under `dir` with its bytes. */
function allFiles(dir: string, out = new Map<string, Uint8Array>()): Map<string, Uint8Array> {
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) allFiles(p, out);
    else if (e.isFile) out.set(p, Deno.readFileSync(p));
  }
  return out;
}

/** Whether `hay` contains `needle`. */
function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

for (const cipher of CIPHERS) {
  for (const replay of [false, true]) {
    const keys = keysFor(cipher);
    runStoreConformance({
      kind: `file encrypted ${cipher}${replay ? " (reopened: replay)" : ""}`,
      msgSize: fileStoreMsgSize,
      open: (limits) =>
        Promise.resolve(FileStore.open({ dir: Deno.makeTempDirSync(), limits, keys, ...OPTIONS })),
      reopen: async (store: StreamStore) => {
        const dir = (store as FileStore).dir;
        await store.stop();
        if (replay) {
          for (const e of Deno.readDirSync(`${dir}/blk`)) {
            if (e.name.endsWith(".sum")) Deno.removeSync(`${dir}/blk/${e.name}`);
          }
        }
        return FileStore.open({ dir, keys, ...OPTIONS });
      },
      cleanup: (store: StreamStore) => {
        Deno.removeSync((store as FileStore).dir, { recursive: true });
        return Promise.resolve();
      },
    });
  }

  Deno.test(`file store encrypted (${cipher}): no marker in clear on disk, all back on reopen`, async () => {
    const dir = Deno.makeTempDirSync();
    const keys = keysFor(cipher);
    const markers = ["SUBJMARKER", "HDRMARKER", "PAYLOADMARKER"].map((m) => enc.encode(m));
    let store = FileStore.open({ dir, keys, ...OPTIONS });
    const hdr = enc.encode("NATS/1.0\r\nX-Secret: HDRMARKER\r\n\r\n");
    for (let i = 0; i < 40; i++) {
      await store.storeMsg(`orders.SUBJMARKER.${i}`, hdr, enc.encode(`PAYLOADMARKER ${i}`), 1n);
    }
    store.removeMsg(3);
    store.eraseMsg(5);
    const c = store.consumerStore("SUBJMARKER-durable", {
      ackPolicy: AckPolicy.Explicit,
    });
    c.updateDelivered(1, 1, 1, 1n);
    await store.flush(true);
    c.flush();
    await store.stop();
    // The rewritten blocks: a compaction happens as messages of sealed blocks go.
    store = FileStore.open({ dir, keys, ...OPTIONS });
    for (let seq = 6; seq <= 20; seq++) store.removeMsg(seq);
    await store.stop();
    const files = allFiles(dir);
    assert.ok([...files.keys()].some((p) => p.endsWith(".blk")));
    assert.ok([...files.keys()].some((p) => p.endsWith(".sum")));
    assert.ok([...files.keys()].some((p) => p.endsWith(".state")));
    for (const [path, bytes] of files) {
      for (const m of markers) {
        assert.ok(!contains(bytes, m), `${path} holds ${new TextDecoder().decode(m)} in clear`);
      }
    }
    store = FileStore.open({ dir, keys, ...OPTIONS });
    const st = store.state();
    assert.equal(st.msgs, 40 - 1 - 1 - 15);
    assert.equal(st.lastSeq, 40);
    const m = store.loadMsg(40);
    assert.equal(m.subject, "orders.SUBJMARKER.39");
    assert.deepEqual(m.data, enc.encode("PAYLOADMARKER 39"));
    assert.deepEqual(m.header, hdr);
    const again = store.consumerStore("SUBJMARKER-durable", {
      ackPolicy: AckPolicy.Explicit,
    });
    assert.equal(again.state().delivered.consumerSeq, 1);
    again.stop();
    await store.delete();
  });
}

/** The generation nonce in the BASE of block file `path` of block `id` (decrypted). */
function baseNonce(path: string, id: number, keys: StreamKeys): string {
  const buf = Deno.readFileSync(path);
  const ks = keys.block(id, 0);
  const len = buf.slice(0, 4);
  ks.xorAt(len, 0);
  const n = new DataView(len.buffer).getUint32(0, true);
  const record = buf.slice(0, n);
  ks.xorAt(record, 0);
  const r = new RecordScanner(record);
  assert.equal(r.read(0, n), n);
  assert.equal(r.kind, RecordKind.Base);
  const data = record.subarray(r.dataStart, r.dataStart + r.dataLength);
  assert.equal(data.length, 24);
  return Array.from(data.subarray(8), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("file store encrypted: a compacted block gets a new keystream generation", async () => {
  const dir = Deno.makeTempDirSync();
  const keys = keysFor("chacha");
  try {
    let store = FileStore.open({ dir, keys, blockSize: 1024 });
    const data = new Uint8Array(100).fill(65);
    for (let i = 0; i < 30; i++) await store.storeMsg(`s.${i}`, null, data, 1n);
    const first = store.blockIds()[0];
    const path = store.blockPath(first);
    const before = baseNonce(path, first, keys);
    const sizeBefore = Deno.statSync(path).size;
    for (let seq = 2; seq <= 6; seq++) store.removeMsg(seq);
    await store.flush(true);
    assert.ok(Deno.statSync(path).size < sizeBefore, "block 1 compacted");
    const after = baseNonce(path, first, keys);
    assert.notEqual(after, before);
    assert.deepEqual(store.loadMsg(1).data, data);
    await store.stop();
    store = FileStore.open({ dir, keys, blockSize: 1024 });
    assert.deepEqual([store.state().msgs, store.loadMsg(1).subject], [25, "s.0"]);
    await store.delete();
  } finally {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* deleted by the store */ }
  }
});
