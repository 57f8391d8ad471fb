/**
 * @module
 * JetStream message storage: one `StreamStore` interface (and `ConsumerStore`) with a memory and a
 * file implementation that behave identically (one conformance suite, _store_conformance.ts), after
 * nats-server 2.9.10 `server/store.go`, `memstore.go` and `filestore.go`.
 *
 * - types.ts: the interfaces, state shapes, limits, errors (nats-server texts), size functions.
 * - stream_core.ts: the shared semantics (sequences, limits, discard, purge/compact/truncate,
 *   filtered and per-subject state, expiry with the time passed in).
 * - memory_store.ts / file_store.ts: the two stores; record_codec.ts documents the file format,
 *   block_summary.ts the per-block summaries a restart reads instead of the blocks.
 * - seq_index.ts / index_pages.ts: the per-sequence index; the file store keeps sealed blocks as
 *   pages loaded on demand, so its memory does not grow with the stream.
 * - stream_recovery.ts: applying what the file store reads back at open.
 * - consumer_state.ts / file_consumer_store.ts: consumer state, its encoding and state file.
 *
 * Time is always an argument (ns since the epoch as `bigint`); no store reads a clock.
 *
 * @example
 * ```ts
 * import { FileStore, MemoryStore } from "./mod.ts";
 * import assert from "node:assert";
 * for (const store of [new MemoryStore(), FileStore.open({ dir: Deno.makeTempDirSync() })]) {
 *   await store.storeMsg("kv.a", null, new TextEncoder().encode("1"), 1n);
 *   await store.storeMsg("kv.b", null, new TextEncoder().encode("2"), 2n);
 *   assert.equal(store.loadLastMsg("kv.*").seq, 2);
 *   assert.equal(store.numPending(1, "kv.a", false), 1);
 *   await store.delete();
 * }
 * ```
 */

export * from "./types.ts";
export { MemoryConsumerStore, MemoryStore } from "./memory_store.ts";
export { FileStore, type FileStoreOptions } from "./file/file_store.ts";
export { FileConsumerStore } from "./file/file_consumer_store.ts";
export {
  copyConsumerState,
  decodeConsumerState,
  emptyConsumerState,
  encodeConsumerState,
} from "./consumer_state.ts";
