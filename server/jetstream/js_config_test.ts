import assert from "node:assert/strict";
import { friendlyBytes, jetStreamBanner, resolveJetStream } from "./js_config.ts";
import { defaultJetStreamConfig } from "../config/jetstream_block.ts";

const probe = { tmpDir: "/tmp", systemMemory: 25_275_490_304, diskAvailable: () => 1000 };

Deno.test("friendlyBytes matches nats-server's", () => {
  assert.deepEqual(friendlyBytes(0), "0 B");
  assert.deepEqual(friendlyBytes(1023), "1023 B");
  assert.deepEqual(friendlyBytes(1024), "1.00 KB");
  assert.deepEqual(friendlyBytes(18_957_118_464), "17.66 GB");
  assert.deepEqual(friendlyBytes(63_530_388_480), "59.17 GB");
  assert.deepEqual(friendlyBytes(1024 ** 4), "1.00 TB");
});

Deno.test("resolveJetStream: dynamic limits and store directories", () => {
  const base = { ...defaultJetStreamConfig(), enabled: true };
  const dyn = resolveJetStream(base, probe);
  assert.deepEqual(dyn.storeDir, "/tmp/nats/jetstream");
  assert.deepEqual(dyn.maxMemory, 18_956_617_728);
  assert.deepEqual(dyn.maxStore, 1000);
  const set = resolveJetStream({ ...base, maxMemory: 10, maxStore: 20, storeDir: "/d/" }, probe);
  assert.deepEqual([set.storeDir, set.maxMemory, set.maxStore], ["/d/jetstream", 10, 20]);
  const noDir = resolveJetStream({ ...base, maxMemory: 10, maxStore: 20 }, probe);
  assert.deepEqual(noDir.storeDir, "/tmp/jetstream");
  const memOnly = resolveJetStream({ ...base, maxMemory: 10, storeDir: "/d" }, probe);
  assert.deepEqual([memOnly.maxMemory, memOnly.maxStore], [10, 1000]);
  const unknownMem = resolveJetStream(base, { ...probe, systemMemory: 0 });
  assert.deepEqual(unknownMem.maxMemory, 256 * 1024 * 1024);
});

Deno.test("resolveJetStream: compress_ok only when both limits are configured", () => {
  const base = { ...defaultJetStreamConfig(), enabled: true };
  assert.equal(resolveJetStream({ ...base, maxMemory: 10, maxStore: 20 }, probe).compressOk, true);
  assert.notEqual(resolveJetStream({ ...base, maxMemory: 10 }, probe).compressOk, true);
  assert.notEqual(resolveJetStream(base, probe).compressOk, true);
});

Deno.test("jetStreamBanner: nats-server's lines, domain when set", () => {
  const lines = jetStreamBanner({
    storeDir: "/x/jetstream",
    maxMemory: 1024,
    maxStore: 2048,
    domain: "hub",
    cipher: "",
  });
  assert.deepEqual(lines[8], "  Max Memory:      1.00 KB");
  assert.deepEqual(lines[10], '  Store Directory: "/x/jetstream"');
  assert.deepEqual(lines[11], "  Domain:          hub");
  assert.deepEqual(lines.at(-1), "-------------------------------------------");
});
