/**
 * @module
 * Runs the store conformance suite against {@link MemoryStore}.
 */

import { MemoryStore } from "./memory_store.ts";
import { runStoreConformance } from "./_store_conformance.ts";
import { memStoreMsgSize } from "./types.ts";

runStoreConformance({
  kind: "memory",
  msgSize: memStoreMsgSize,
  open: (limits) => Promise.resolve(new MemoryStore(limits)),
  cleanup: () => Promise.resolve(),
});
