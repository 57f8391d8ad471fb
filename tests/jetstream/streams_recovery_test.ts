/**
 * @module
 * Restart recovery: file streams come back with their config, created time, messages,
 * duplicate ids within the window and next sequence before the server is ready; memory
 * streams and deleted streams do not (as with nats-server 2.9.10). In-process denats on one
 * store directory, restarted.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstream, JetStreamApiError, jetstreamManager } from "@nats-io/jetstream";
import { JsTestDir } from "./_js_server.ts";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";

Deno.test("a restarted server recovers its file streams with messages and dedupe ids", async () => {
  using dir = new JsTestDir();
  let created = "";
  {
    await using server = await dir.start();
    const nc = await connect({ port: server.port });
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.add({ name: "F", subjects: ["f.>"], max_msgs_per_subject: 5 });
    created = info.created;
    await jsm.streams.add({ name: "M", subjects: ["m"], storage: "memory" as never });
    await jsm.streams.add({ name: "GONE", subjects: ["gone"] });
    const js = jetstream(nc);
    await js.publish("f.a", "one");
    await js.publish("f.b", "two", { msgID: "k" });
    await js.publish("f.a", "three");
    await js.publish("m", "mem");
    await jsm.streams.deleteMessage("F", 1);
    await jsm.streams.delete("GONE");
    await nc.close();
  }
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  try {
    const jsm = await jetstreamManager(nc);
    assert.deepEqual(await jsm.streams.names().next(), ["F"]);
    const info = await jsm.streams.info("F");
    assert.equal(info.created, created);
    assert.equal(info.config.max_msgs_per_subject, 5);
    assert.deepEqual(
      [info.state.messages, info.state.first_seq, info.state.last_seq],
      [2, 2, 3],
    );
    const js = jetstream(nc);
    const dup = await js.publish("f.b", "again", { msgID: "k" });
    assert.deepEqual([dup.seq, dup.duplicate], [2, true]);
    assert.equal((await js.publish("f.c", "four")).seq, 4);
    assert.equal((await jsm.streams.getMessage("F", { seq: 3 }))?.string(), "three");
    const missing = await jsm.streams.info("M").catch((e) => e);
    assert.ok(missing instanceof JetStreamApiError && missing.code === 10059);
    const account = await jsm.getAccountInfo();
    assert.equal(account.streams, 1);
    assert.ok(account.storage > 0);
  } finally {
    await nc.close();
  }
});

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn("tests/jetstream/streams_recovery_test.ts: nats-server not found; denats alone");
}

/** The restore lines a binary logs when it restarts on a store with stream F of 2 messages. */
async function restoreLog(binary: string): Promise<string[]> {
  const store = await Deno.makeTempDir({ prefix: "denats_jsr_" });
  const conf = `jetstream { store_dir: ${JSON.stringify(store)} }`;
  try {
    {
      await using first = await spawnFromConf(binary, conf, { timeoutMs: 10_000 });
      const nc = await connect({ port: first.port });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "F", subjects: ["f"] });
      await jsm.streams.add({ name: "M", subjects: ["m"], storage: "memory" as never });
      const js = jetstream(nc);
      await js.publish("f", "1");
      await js.publish("f", "2");
      await nc.close();
      await first.close("SIGTERM");
    }
    await using second = await spawnFromConf(binary, conf, { timeoutMs: 10_000 });
    const nc = await connect({ port: second.port });
    const names = await (await jetstreamManager(nc)).streams.names().next();
    await nc.close();
    const lines = second.logs().split("\n").filter((l) => /restore|Restored/.test(l));
    return [...lines.map((l) => l.replace(/^.*?\[INF\] /, "")), `names: ${names}`];
  } finally {
    await Deno.remove(store, { recursive: true }).catch(() => {});
  }
}

Deno.test("restart logs the restore of each file stream as nats-server does", async () => {
  const ours = await restoreLog(DENATS);
  assert.deepEqual(ours, [
    "  Starting restore for stream '$G > F'",
    "  Restored 2 messages for stream '$G > F'",
    "names: F",
  ]);
  if (HAVE_NATS_SERVER) assert.deepEqual(await restoreLog(natsServerBinary()), ours);
});
