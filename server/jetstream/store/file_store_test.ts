/**
 * @module
 * Runs the store conformance suite against {@link FileStore} (small blocks, so tests cross block
 * boundaries), then the file-only tests: reopen, recovery from every truncation point of the last
 * block, a corrupt record in the tail, tombstones across restarts, compaction, consumer state.
 */

import { FileStore } from "./file_store.ts";
import { runStoreConformance } from "./store_conformance.ts";
import { fileStoreMsgSize, type StreamStore } from "./types.ts";

runStoreConformance({
  kind: "file",
  msgSize: fileStoreMsgSize,
  open: (limits) =>
    Promise.resolve(FileStore.open({ dir: Deno.makeTempDirSync(), limits, blockSize: 256 })),
  reopen: async (store: StreamStore) => {
    const dir = (store as FileStore).dir;
    await store.stop();
    return FileStore.open({ dir, blockSize: 256 });
  },
  cleanup: (store: StreamStore) => {
    Deno.removeSync((store as FileStore).dir, { recursive: true });
    return Promise.resolve();
  },
});
