/**
 * @module
 * Measures reopening (recovering) a file store of N messages (default 1,000,000): fills a fresh
 * store in a temporary directory, stops it, then times `FileStore.open` after the clean stop
 * (block summaries: sealed blocks become index pages, the last block is checked by its
 * checksum), as after a crash (the last block's summary removed: that block replayed), and with
 * no summary at all (every block replayed), checking the recovered state each time. Prints the
 * fill time, the reopen times and the store's size on disk.
 *
 * Usage: deno run -A bench/js_store_reopen.ts [--n 1000000] [--size 128] [--subjects 100]
 */

import { FileStore } from "../server/jetstream/store/file/file_store.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const n = arg("n", 1_000_000), size = arg("size", 128), subjects = arg("subjects", 100);
const dir = Deno.makeTempDirSync({ prefix: "js_store_reopen_" });
try {
  const payload = new Uint8Array(size).fill(7);
  const names = Array.from({ length: subjects }, (_, i) => `bench.subject.${i}`);
  let store = FileStore.open({ dir });
  const t = performance.now();
  let pending: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    pending.push(store.storeMsg(names[i % subjects], null, payload, BigInt(i + 1)));
    if (pending.length === 1000) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  await store.stop();
  const fill = performance.now() - t;
  let bytes = 0;
  for (const e of Deno.readDirSync(`${dir}/blk`)) {
    bytes += Deno.statSync(`${dir}/blk/${e.name}`).size;
  }
  const reopen = async (): Promise<number> => {
    const t = performance.now();
    store = FileStore.open({ dir });
    const ms = performance.now() - t;
    const st = store.state();
    if (st.msgs !== n || st.lastSeq !== n || st.numSubjects !== Math.min(subjects, n)) {
      throw new Error(`recovered state is wrong: ${st.msgs} msgs, last ${st.lastSeq}`);
    }
    await store.stop();
    return ms;
  };
  const sums = () => [...Deno.readDirSync(`${dir}/blk`)].filter((e) => e.name.endsWith(".sum"));
  // After a clean stop, as after a crash (the last block without its summary), with none at all.
  const clean = await reopen();
  Deno.removeSync(`${dir}/blk/${sums().map((e) => e.name).sort().at(-1)}`);
  const crash = await reopen();
  for (const e of sums()) Deno.removeSync(`${dir}/blk/${e.name}`);
  const replay = await reopen();
  const mem = Deno.memoryUsage();
  console.log(
    `file store, ${n} messages of ${size} bytes on ${subjects} subjects (${
      (bytes / 1e6).toFixed(1)
    } MB in ` +
      `${store.blockIds().length} blocks): fill ${(fill / 1000).toFixed(2)} s ` +
      `(${Math.round(n / (fill / 1000))} msgs/s); reopen after a clean stop ` +
      `${(clean / 1000).toFixed(2)} s, after a crash ${(crash / 1000).toFixed(2)} s, ` +
      `without summaries (every block replayed) ${(replay / 1000).toFixed(2)} s; ` +
      `rss ${(mem.rss / 1e6).toFixed(0)} MB`,
  );
} finally {
  Deno.removeSync(dir, { recursive: true });
}
