/**
 * @module
 * The meta group's log is compacted: after more than 256 meta entries (a stream updated 280
 * times, another created and deleted) every server's meta log holds a snapshot, and the whole
 * cluster stopped with SIGTERM and started again comes back from it with the stream's latest
 * config and its messages, the deleted stream gone (no directory recreated). Three real
 * `bin/denats` processes.
 */
import assert from "node:assert/strict";
import { waitFor } from "../helpers/poll.ts";
import { api, Cluster, FAILOVER_MS, streamInfo } from "./_js_cluster.ts";

const UPDATES = 280;

function snapshots(storeDir: string): string[] {
  try {
    return [...Deno.readDirSync(`${storeDir}/jetstream/$SYS/_js_/_meta_/snapshots`)].map((e) =>
      e.name
    );
  } catch {
    return [];
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("clustered JetStream: the meta log is compacted and a restart comes back from it", async () => {
  await using c = await Cluster.start();
  await c.metaLeader();
  const jsm = await c.jsm("n1");
  const js = await c.js("n1");
  await jsm.streams.add({ name: "MS", subjects: ["ms.>"], num_replicas: 3 });
  for (let i = 0; i < 5; i++) await js.publish("ms.x", `v${i}`);
  for (let i = 0; i < UPDATES; i++) {
    const si = await jsm.streams.update("MS", { description: `d${i}` });
    assert.equal(si.config.description, `d${i}`);
  }
  await jsm.streams.add({ name: "GONE", subjects: ["gone.>"], num_replicas: 3 });
  assert.equal(await jsm.streams.delete("GONE"), true);
  await waitFor(
    () => c.nodes.every((n) => snapshots(n.storeDir).length > 0),
    FAILOVER_MS,
    "a meta snapshot on every server",
  );

  for (const n of c.nodes) await c.dropClient(n.name);
  for (const n of c.nodes) await n.kill("SIGTERM");
  await Promise.all(c.nodes.map((n) => n.start()));
  await c.metaLeader();

  const nc = await c.client("n2");
  const info = await waitFor(
    async () => {
      const i = await streamInfo(nc, "MS");
      return i?.cluster?.leader ? i : null;
    },
    FAILOVER_MS,
    "MS led again",
  );
  assert.equal(info.config.description, `d${UPDATES - 1}`);
  assert.equal(info.state.messages, 5);
  const names = await api(nc, "$JS.API.STREAM.NAMES", {});
  assert.deepEqual(names.streams, ["MS"]);
  for (const n of c.nodes) {
    assert.equal(exists(`${n.storeDir}/jetstream/$G/streams/GONE`), false, n.name);
    assert.ok(await n.localStream("MS"), `${n.name} holds MS`);
  }
  assert.equal((await (await c.js("n3")).publish("ms.x", "after")).seq, 6);
});
