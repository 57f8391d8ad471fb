/**
 * @module
 * A replica that missed more than its group kept: with one follower of an R3 file stream
 * stopped, 10,000 acknowledged publishes make the other two compact the stream group's log
 * (a snapshot every 8,192 applied entries); restarted, the follower gets the leader's snapshot
 * instead of the entries, fetches the messages it lacks from the leader and ends with every
 * message, in order, with its own log compacted too. Three real `bin/denats` processes.
 */
import assert from "node:assert/strict";
import { waitFor } from "../helpers/poll.ts";
import { Cluster, FAILOVER_MS, type Json, publishRetrying, streamInfo } from "./_js_cluster.ts";

const TOTAL = 10_000;

/** The snapshot files of the stream groups under a server's store dir. */
function groupSnapshots(storeDir: string): string[] {
  const root = `${storeDir}/jetstream/$SYS/_js_`;
  const out: string[] = [];
  for (const g of Deno.readDirSync(root)) {
    if (!g.name.startsWith("S-")) continue;
    try {
      for (const f of Deno.readDirSync(`${root}/${g.name}/snapshots`)) out.push(f.name);
    } catch { /* no snapshot directory yet */ }
  }
  return out;
}

Deno.test("clustered JetStream: a follower behind the compacted log catches up from a snapshot", async () => {
  await using c = await Cluster.start();
  await c.metaLeader();
  const jsm = await c.jsm("n1");
  const created = await jsm.streams.add({ name: "CU", subjects: ["cu.>"], num_replicas: 3 });
  const leader = created.cluster?.leader ?? "";
  const follower = c.nodes.find((n) => n.name !== leader)!;
  const writer = c.nodes.find((n) => n.name !== leader && n !== follower)!;
  await follower.kill();

  const js = await c.js(writer.name);
  // The writer learns of the new stream's subjects a moment after the create's answer (no
  // responders until then): the first message is retried until acknowledged (its msg id makes
  // a stored retry a duplicate).
  assert.equal((await publishRetrying(js, "cu.0", "m0", "cu-m0")).seq, 1);
  for (let i = 0; i < TOTAL; i += 500) {
    const acks = [];
    for (let j = Math.max(i, 1); j < i + 500; j++) acks.push(js.publish(`cu.${j % 7}`, `m${j}`));
    const done = await Promise.all(acks);
    assert.equal(done.at(-1)?.seq, i + 500);
  }
  // The two running members compacted the group's log.
  await waitFor(
    () => groupSnapshots(c.node(leader).storeDir).length > 0,
    10_000,
    "the leader's group log compacted",
  );

  await follower.start();
  const local = await waitFor(
    async () => {
      const s = await follower.localStream("CU").catch(() => undefined) as Json | undefined;
      return s?.state?.last_seq === TOTAL && s.state.messages === TOTAL ? s : null;
    },
    FAILOVER_MS,
    "the restarted follower holds every message",
  );
  assert.equal(local.state.first_seq, 1);
  // It was brought up by the snapshot (its own log starts from one), not by every entry.
  assert.ok(groupSnapshots(follower.storeDir).length > 0, "the follower's log has a snapshot");

  // Its copy is the same: make it the leader and read a few messages through it.
  const nc = await c.client(writer.name);
  await waitFor(
    async () => {
      const info = await streamInfo(nc, "CU");
      if (info?.cluster?.leader === follower.name) return true;
      await nc.request("$JS.API.STREAM.LEADER.STEPDOWN.CU", "", { timeout: 2000 }).catch(() => {});
      return false;
    },
    FAILOVER_MS,
    "the caught-up follower leads",
  );
  const reader = await c.jsm(writer.name);
  for (const seq of [1, 4321, TOTAL]) {
    const m = await reader.streams.getMessage("CU", { seq });
    assert.ok(m, `message ${seq}`);
    assert.equal(m.string(), `m${seq - 1}`);
    assert.equal(m.subject, `cu.${(seq - 1) % 7}`);
  }
});
