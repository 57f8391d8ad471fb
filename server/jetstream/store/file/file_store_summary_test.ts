/**
 * @module
 * File-store block summaries and index pages: an open after a clean stop replays no block and
 * loads no page; pages load on first use and stay few; missing, damaged or stale summaries (from
 * before later removals, purges and compaction, or lost by a crash between sealing a block and
 * writing its summary) give the same state as a full replay.
 */

import assert from "node:assert/strict";
import { FileStore } from "./file_store.ts";
import { snapshot } from "../_store_conformance.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function tempDir(): string {
  return Deno.makeTempDirSync({ prefix: "jstore_sum_" });
}

/** The summary files of the store in `dir` with their contents. */
function summaries(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const e of Deno.readDirSync(`${dir}/blk`)) {
    if (e.name.endsWith(".sum")) out.set(e.name, Deno.readFileSync(`${dir}/blk/${e.name}`));
  }
  return out;
}

/** Replaces the summary files of `dir` with `files` (those not in it are removed). */
function restoreSummaries(dir: string, files: Map<string, Uint8Array>): void {
  for (const name of summaries(dir).keys()) {
    if (!files.has(name)) Deno.removeSync(`${dir}/blk/${name}`);
  }
  for (const [name, bytes] of files) Deno.writeFileSync(`${dir}/blk/${name}`, bytes);
}

/** The state of the store in `dir` reopened with every block replayed (no summary). */
async function replayed(dir: string): Promise<unknown> {
  const copy = tempDir();
  Deno.mkdirSync(`${copy}/blk`);
  for (const e of Deno.readDirSync(`${dir}/blk`)) {
    if (e.name.endsWith(".blk")) Deno.copyFileSync(`${dir}/blk/${e.name}`, `${copy}/blk/${e.name}`);
  }
  Deno.copyFileSync(`${dir}/meta.json`, `${copy}/meta.json`);
  const s = FileStore.open({ dir: copy, blockSize: 512 });
  const snap = snapshot(s);
  await s.delete();
  return snap;
}

/** A store with several blocks of messages on 5 subjects. */
async function filled(dir: string, n = 120): Promise<FileStore> {
  const s = FileStore.open({ dir, blockSize: 512, loadedIndexPages: 2 });
  for (let i = 1; i <= n; i++) {
    const header = i % 9 === 0 ? enc.encode("NATS/1.0\r\nNats-Msg-Id: m\r\n\r\n") : null;
    await s.storeMsg(`s.${i % 5}`, header, enc.encode(`payload-${i}`), BigInt(i));
  }
  return s;
}

Deno.test("file store: after a clean stop an open loads no index page; pages load on use and stay few", async () => {
  const dir = tempDir();
  let s = await filled(dir, 200);
  const before = snapshot(s);
  assert.ok(s.blockIds().length > 6, "several blocks");
  await s.stop();
  s = FileStore.open({ dir, blockSize: 512, loadedIndexPages: 2 });
  const pages = s.indexPages();
  assert.equal(pages.pages, s.blockIds().length - 1, "every sealed block is a page");
  assert.equal(pages.loaded, 0, "no page loaded by the open");
  assert.equal(s.state().msgs, 200);
  assert.equal(dec.decode(s.loadMsg(3).data), "payload-3");
  assert.equal(s.indexPages().loaded, 1);
  assert.deepEqual(snapshot(s), before);
  assert.ok(s.indexPages().loaded <= 2, "at most loadedIndexPages pages loaded");
  await s.delete();
});

Deno.test("file store: missing or damaged summaries fall back to replaying those blocks", async () => {
  const dir = tempDir();
  const s = await filled(dir);
  s.removeMsg(7);
  s.removeMsg(64);
  const expected = snapshot(s);
  await s.stop();
  const files = summaries(dir);
  const names = [...files.keys()].sort();
  const damage = (name: string, at: (b: Uint8Array) => number) => {
    const b = files.get(name)!.slice();
    b[at(b)] ^= 0x5a;
    return b;
  };
  const cases: [string, Map<string, Uint8Array>][] = [
    ["none", new Map()],
    ["middle one missing", new Map([...files].filter(([n]) => n !== names[2]))],
    ["header damaged", new Map([...files, [names[1], damage(names[1], () => 30)]])],
    ["columns damaged", new Map([...files, [names[3], damage(names[3], (b) => b.length - 9)]])],
    ["truncated", new Map([...files, [names[0], files.get(names[0])!.subarray(0, 20)]])],
    ["another block's", new Map([...files, [names[2], files.get(names[4])!]])],
  ];
  for (const [label, set] of cases) {
    restoreSummaries(dir, set);
    const r = FileStore.open({ dir, blockSize: 512, loadedIndexPages: 1 });
    assert.deepEqual(snapshot(r), expected, label);
    for (let seq = 1; seq <= 120; seq++) {
      if (seq === 7 || seq === 64) continue;
      assert.equal(dec.decode(r.loadMsg(seq).data), `payload-${seq}`, `${label}: ${seq}`);
    }
    await r.stop();
  }
  await FileStore.open({ dir }).delete();
});

Deno.test("file store: summaries from before later removals, purges and compaction (a crash) give the same state", async () => {
  const dir = tempDir();
  const s = await filled(dir, 150);
  await s.flush();
  const early = summaries(dir);
  for (let seq = 20; seq <= 45; seq++) s.removeMsg(seq); // compacts the blocks they were in
  s.purgeEx("s.3", 0, 0);
  s.compact(10);
  for (let i = 151; i <= 170; i++) {
    await s.storeMsg("s.9", null, enc.encode(`late-${i}`), BigInt(i));
  }
  s.eraseMsg(100);
  await s.flush();
  const expected = snapshot(s);
  await s.stop();
  // As after a crash: the summaries written before the removals, none for what came after.
  restoreSummaries(dir, early);
  let r = FileStore.open({ dir, blockSize: 512, loadedIndexPages: 1 });
  assert.deepEqual(snapshot(r), expected);
  assert.deepEqual(snapshot(r), await replayed(dir));
  await r.stop();
  r = FileStore.open({ dir, blockSize: 512 });
  assert.deepEqual(snapshot(r), expected, "and again after the clean stop that followed");
  await r.delete();
});

Deno.test("file store: a crash after sealing a block and before writing its summary loses nothing", async () => {
  const dir = tempDir();
  const s = await filled(dir, 80);
  s.removeMsg(2);
  await s.flush();
  const expected = snapshot(s);
  const ids = s.blockIds();
  await s.stop();
  // The last sealed block and the active one without summaries, as if killed right after the roll.
  for (const id of ids.slice(-2)) Deno.removeSync(s.blockPath(id).replace(/\.blk$/, ".sum"));
  const r = FileStore.open({ dir, blockSize: 512 });
  assert.deepEqual(snapshot(r), expected);
  // The replayed sealed block got its summary back at once.
  assert.ok(Deno.statSync(s.blockPath(ids.at(-2)!).replace(/\.blk$/, ".sum")).isFile);
  await r.delete();
});

Deno.test("file store: truncate into a sealed block and compaction keep pages consistent across restarts", async () => {
  const dir = tempDir();
  let s = await filled(dir, 150);
  const ids = s.blockIds();
  assert.ok(ids.length > 5);
  s.truncate(60);
  for (let i = 0; i < 40; i++) {
    await s.storeMsg("t.x", null, enc.encode(`after-${i}`), 1000n + BigInt(i));
  }
  for (let seq = 5; seq <= 40; seq++) if (seq % 3 !== 0) s.removeMsg(seq);
  await s.flush();
  const expected = snapshot(s);
  await s.stop();
  s = FileStore.open({ dir, blockSize: 512, loadedIndexPages: 1 });
  assert.deepEqual(snapshot(s), expected);
  assert.deepEqual(await replayed(dir), expected);
  assert.equal(dec.decode(s.loadMsg(61).data), "after-0");
  await s.delete();
});

Deno.test("file store: blocks larger than the replay chunk replay the same, a torn record across a chunk is cut", async () => {
  const dir = tempDir();
  const s = FileStore.open({ dir, blockSize: 4 * 1024 * 1024 });
  const sizes = [300_000, 700_000, 1_500_000, 90_000, 650_000, 1_100_000, 400_000, 800_000, 5];
  for (let i = 0; i < sizes.length; i++) {
    await s.storeMsg(`big.${i % 3}`, null, new Uint8Array(sizes[i]).fill(i + 1), BigInt(i + 1));
  }
  s.removeMsg(4);
  const expected = snapshot(s);
  const ids = s.blockIds();
  assert.ok(ids.length >= 2, "two blocks");
  await s.stop();
  restoreSummaries(dir, new Map());
  let r = FileStore.open({ dir, blockSize: 4 * 1024 * 1024 });
  assert.deepEqual(snapshot(r), expected);
  for (let i = 0; i < sizes.length; i++) {
    if (i + 1 === 4) continue;
    const m = r.loadMsg(i + 1);
    assert.deepEqual([m.data.length, m.data[0], m.data.at(-1)], [sizes[i], i + 1, i + 1]);
  }
  await r.stop();
  // Cut the last block inside its large record that crosses the first 1 MiB chunk boundary.
  const last = s.blockPath(ids.at(-1)!);
  restoreSummaries(dir, new Map());
  const bytes = Deno.readFileSync(last);
  Deno.writeFileSync(last, bytes.subarray(0, 1_300_000));
  r = FileStore.open({ dir, blockSize: 4 * 1024 * 1024 });
  const st = r.state();
  assert.ok(st.lastSeq < sizes.length, `torn tail dropped (last ${st.lastSeq})`);
  assert.ok(Deno.statSync(last).size <= 1_300_000);
  assert.equal(r.loadMsg(st.lastSeq).data.length, sizes[st.lastSeq - 1]);
  await r.delete();
});
