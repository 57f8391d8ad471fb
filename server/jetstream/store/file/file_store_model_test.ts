/**
 * @module
 * Randomized model check: the same seeded sequence of operations (stores with and without headers,
 * removes, erases, skips, subject purges, compacts, truncates, limit changes, expiry) is applied to
 * a MemoryStore (the model) and to a FileStore with tiny blocks; after every step both must agree
 * on sequences, counts, deleted lists, subjects and message contents. Every few steps the file
 * store is reopened (alternately from its block summaries and by replaying every block) and a
 * copy of its files taken while it is open (as after a crash: the summaries written when blocks
 * were sealed or compacted, none for the last block) is opened: both must come back identical.
 */

import assert from "node:assert/strict";
import { FileStore } from "./file_store.ts";
import { MemoryStore } from "../memory_store.ts";
import { snapshot } from "../_store_conformance.ts";
import { defaultLimits, type StoreLimits, type StreamStore } from "../types.ts";

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy of the store directory `dir` (blocks, meta, consumer states). */
function copyDir(dir: string): string {
  const copy = Deno.makeTempDirSync({ prefix: "jstore_crash_" });
  const walk = (from: string, to: string) => {
    for (const e of Deno.readDirSync(from)) {
      if (e.isDirectory) {
        Deno.mkdirSync(`${to}/${e.name}`);
        walk(`${from}/${e.name}`, `${to}/${e.name}`);
      } else Deno.copyFileSync(`${from}/${e.name}`, `${to}/${e.name}`);
    }
  };
  walk(dir, copy);
  return copy;
}

/** What both stores must agree on (bytes differ: the two size functions differ by design). */
function comparable(s: StreamStore): unknown {
  const snap = snapshot(s) as { state: Record<string, unknown> };
  const { bytes: _, ...state } = snap.state;
  return { ...snap, state };
}

/** Runs `fn`, returning its result or the error's message. */
function outcome(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

for (const seed of [1, 2, 3, 4, 119]) {
  Deno.test(`file store: agrees with the memory store over 600 random operations (seed ${seed})`, async () => {
    const rand = prng(seed);
    const int = (n: number) => Math.floor(rand() * n);
    const dir = Deno.makeTempDirSync({ prefix: "jstore_model_" });
    const memory = new MemoryStore();
    let file = FileStore.open({ dir, blockSize: 200 + int(400), loadedIndexPages: 1 + int(3) });
    let ts = 0n;
    const hdr = new TextEncoder().encode("NATS/1.0\r\nX: 1\r\n\r\n");
    for (let step = 0; step < 600; step++) {
      const op = int(100);
      const last = memory.state().lastSeq;
      const seq = 1 + int(Math.max(last, 1));
      ts += BigInt(1 + int(3));
      let a: unknown, b: unknown;
      if (op < 55 || (op >= 96 && op < 99)) {
        const subject = `m.${int(6)}.${int(2) ? "x" : "y"}`;
        const data = new Uint8Array(int(30)).fill(step & 0xff);
        const h = int(4) === 0 ? hdr : null;
        a = await memory.storeMsg(subject, h, data, ts).catch((e) => `error: ${e.message}`);
        b = await file.storeMsg(subject, h, data, ts).catch((e) => `error: ${e.message}`);
      } else if (op < 70) {
        a = outcome(() => memory.removeMsg(seq));
        b = outcome(() => file.removeMsg(seq));
      } else if (op < 74) {
        a = outcome(() => memory.eraseMsg(seq));
        b = outcome(() => file.eraseMsg(seq));
      } else if (op < 78) {
        a = memory.skipMsg(ts);
        b = file.skipMsg(ts);
      } else if (op < 83) {
        const subject = int(2) ? `m.${int(6)}.*` : `m.${int(6)}.x`;
        const keep = int(3) === 0 ? int(3) : 0;
        const upTo = keep === 0 && int(2) ? seq : 0;
        a = outcome(() => memory.purgeEx(subject, upTo, keep));
        b = outcome(() => file.purgeEx(subject, upTo, keep));
      } else if (op < 86) {
        const to = seq + (int(10) === 0 ? 50 : 0);
        a = outcome(() => memory.compact(to));
        b = outcome(() => file.compact(to));
      } else if (op < 89) {
        a = outcome(() => memory.truncate(seq));
        b = outcome(() => file.truncate(seq));
      } else if (op < 93) {
        const limits: StoreLimits = {
          ...defaultLimits(),
          maxMsgs: int(3) === 0 ? 5 + int(30) : -1,
          maxMsgsPerSubject: int(3) === 0 ? 1 + int(4) : -1,
          maxAge: int(4) === 0 ? 40n : 0n,
        };
        memory.updateConfig(limits);
        file.updateConfig(limits);
      } else if (op < 96) {
        a = memory.expireMsgs(ts);
        b = file.expireMsgs(ts);
      } else {
        a = outcome(() => memory.purge());
        b = outcome(() => file.purge());
      }
      assert.deepEqual(b, a, `step ${step} op ${op}: result`);
      assert.deepEqual(comparable(file), comparable(memory), `step ${step} op ${op}: content`);
      if (step % 25 === 12) {
        // As after a crash: a copy of the files of the open store (no clean stop).
        await file.flush();
        const copy = copyDir(dir);
        const crashed = FileStore.open({ dir: copy, blockSize: 300, loadedIndexPages: 1 });
        assert.deepEqual(snapshot(crashed), snapshot(file), `step ${step}: crash copy`);
        await crashed.delete();
      }
      if (step % 25 === 24) {
        const before = snapshot(file);
        await file.stop();
        // Every other reopen is without summaries: every block replayed.
        if (step % 50 === 49) {
          for (const e of Deno.readDirSync(`${dir}/blk`)) {
            if (e.name.endsWith(".sum")) Deno.removeSync(`${dir}/blk/${e.name}`);
          }
        }
        file = FileStore.open({ dir, blockSize: 300, loadedIndexPages: 2 });
        assert.deepEqual(snapshot(file), before, `step ${step}: reopen`);
      }
    }
    await file.delete();
  });
}
