/**
 * @module
 * Micro-benchmarks for the JetStream stores: storeMsg (128-byte payloads, 100 subjects) awaited
 * one by one and in batches of 100 per turn (the file store's group commit), and loadMsg of a
 * random sequence, for the memory store and the file store (sync_interval default, and "always").
 * The file stores live in a temporary directory that is removed at unload.
 * Run with `deno bench --allow-all bench/js_store_bench.ts`.
 */

import { FileStore } from "../server/jetstream/store/file/file_store.ts";
import { MemoryStore } from "../server/jetstream/store/memory_store.ts";
import type { StreamStore } from "../server/jetstream/store/types.ts";

const payload = new Uint8Array(128).fill(42);
const subjects = Array.from({ length: 100 }, (_, i) => `bench.orders.${i}`);
const root = Deno.makeTempDirSync({ prefix: "js_store_bench_" });
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));

const stores: Record<string, StreamStore> = {
  memory: new MemoryStore(),
  file: FileStore.open({ dir: `${root}/file` }),
  "file always": FileStore.open({ dir: `${root}/always`, syncInterval: "always" }),
};
let ts = 0n;

for (const [name, store] of Object.entries(stores)) {
  Deno.bench(`${name} store: storeMsg, awaited one at a time`, { group: "store one" }, async () => {
    await store.storeMsg(subjects[Number(ts % 100n)], null, payload, ++ts);
  });

  Deno.bench(`${name} store: 100 storeMsg in one turn`, { group: "store 100" }, async () => {
    const acks = [];
    for (let i = 0; i < 100; i++) acks.push(store.storeMsg(subjects[i], null, payload, ++ts));
    await Promise.all(acks);
  });
}

const loadStores: Record<string, StreamStore> = {
  memory: new MemoryStore(),
  file: FileStore.open({ dir: `${root}/load` }),
};
for (const store of Object.values(loadStores)) {
  const acks = [];
  for (let i = 0; i < 200_000; i++) {
    acks.push(store.storeMsg(subjects[i % 100], null, payload, BigInt(i)));
  }
  await Promise.all(acks);
}
let x = 12345;
for (const [name, store] of Object.entries(loadStores)) {
  Deno.bench(`${name} store: loadMsg of a random sequence (200k stored)`, { group: "load" }, () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    store.loadMsg(1 + (x % 200_000));
  });
  Deno.bench(`${name} store: loadMsg of a recent sequence`, { group: "load recent" }, () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    store.loadMsg(200_000 - (x % 1000));
  });
}
