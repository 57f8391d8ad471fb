/**
 * @module
 * Runs the store conformance suite against {@link FileStore} (small blocks, so tests cross block
 * boundaries) twice: reopening through the index snapshot of a clean stop, and reopening as after
 * a crash (the snapshot removed, every block replayed). File-only tests are in
 * file_store_recovery_test.ts and file_store_model_test.ts.
 */

import { FileStore } from "./file_store.ts";
import { runStoreConformance } from "../_store_conformance.ts";
import { fileStoreMsgSize, type StreamStore } from "../types.ts";

for (const replay of [false, true]) {
  runStoreConformance({
    kind: replay ? "file (reopened by replay)" : "file",
    msgSize: fileStoreMsgSize,
    open: (limits) =>
      Promise.resolve(FileStore.open({ dir: Deno.makeTempDirSync(), limits, blockSize: 256 })),
    reopen: async (store: StreamStore) => {
      const dir = (store as FileStore).dir;
      await store.stop();
      if (replay) Deno.removeSync(`${dir}/index.snap`);
      return FileStore.open({ dir, blockSize: 256 });
    },
    cleanup: (store: StreamStore) => {
      Deno.removeSync((store as FileStore).dir, { recursive: true });
      return Promise.resolve();
    },
  });
}
