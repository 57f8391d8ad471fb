/**
 * @module
 * Runs the store conformance suite against {@link FileStore} (small blocks, so tests cross block
 * boundaries, and one sealed block's index page in memory at a time) three times: reopening after a clean stop (every block from its summary), as after
 * a crash (the last block without a summary: scanned, the others from the summaries written when
 * they were sealed or compacted), and with no summary at all (every block replayed record by
 * record). File-only tests are in file_store_recovery_test.ts and file_store_model_test.ts.
 */

import { FileStore } from "./file_store.ts";
import { runStoreConformance } from "../_store_conformance.ts";
import { fileStoreMsgSize, type StreamStore } from "../types.ts";

/** Small blocks (tests cross block boundaries), one index page loaded at a time (evictions). */
const OPTIONS = { blockSize: 256, loadedIndexPages: 1 };

/** How a test reopens the store. */
const Reopen = { Clean: "clean", Crash: "crash", Replay: "replay" } as const;
type Reopen = typeof Reopen[keyof typeof Reopen];

/** The summary files of the store in `dir`, with their contents. */
function summaries(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const e of Deno.readDirSync(`${dir}/blk`)) {
    if (e.name.endsWith(".sum")) out.set(e.name, Deno.readFileSync(`${dir}/blk/${e.name}`));
  }
  return out;
}

/**
 * Stops `store` as a reopen of kind `how` needs: a crash keeps the records written but none of
 * the summaries a clean stop writes (the files are put back as they were before the stop).
 */
async function stopFor(store: FileStore, how: Reopen): Promise<void> {
  const dir = store.dir;
  let before: Map<string, Uint8Array> | null = null;
  if (how === Reopen.Crash) {
    await store.flush();
    before = summaries(dir);
  }
  await store.stop();
  for (const name of summaries(dir).keys()) {
    const kept = before?.get(name);
    if (kept) Deno.writeFileSync(`${dir}/blk/${name}`, kept);
    else if (how !== Reopen.Clean) Deno.removeSync(`${dir}/blk/${name}`);
  }
}

for (const how of [Reopen.Clean, Reopen.Crash, Reopen.Replay]) {
  runStoreConformance({
    kind: how === Reopen.Clean ? "file" : `file (reopened: ${how})`,
    msgSize: fileStoreMsgSize,
    open: (limits) =>
      Promise.resolve(FileStore.open({ dir: Deno.makeTempDirSync(), limits, ...OPTIONS })),
    reopen: async (store: StreamStore) => {
      await stopFor(store as FileStore, how);
      return FileStore.open({ dir: (store as FileStore).dir, ...OPTIONS });
    },
    cleanup: (store: StreamStore) => {
      Deno.removeSync((store as FileStore).dir, { recursive: true });
      return Promise.resolve();
    },
  });
}
