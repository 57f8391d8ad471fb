/**
 * @module
 * A stream leader cut off from its followers (both stopped with SIGSTOP) takes publishes it
 * cannot commit: none is acknowledged, and once it steps down (lost quorum) it drops what it
 * stored of them. With the followers back, whichever server leads, the three replicas hold the
 * same messages: the same last sequence, count and bytes, and a new publish is acknowledged
 * after them. Three real `bin/denats` processes.
 */
import assert from "node:assert/strict";
import { waitFor } from "../helpers/poll.ts";
import { Cluster, FAILOVER_MS, type Json, streamInfo } from "./_js_cluster.ts";

Deno.test("clustered JetStream: a cut-off leader drops what its group did not commit", async () => {
  await using c = await Cluster.start();
  await c.metaLeader();
  const created = await (await c.jsm("n1")).streams.add({
    name: "RB",
    subjects: ["rb.>"],
    num_replicas: 3,
  });
  const leader = c.node(created.cluster?.leader ?? "");
  const followers = c.nodes.filter((n) => n !== leader);
  const js = await c.js(leader.name);
  for (let i = 1; i <= 10; i++) assert.equal((await js.publish("rb.ok", `ok-${i}`)).seq, i);
  // Both followers have the ten.
  await waitFor(
    async () => {
      for (const f of followers) {
        if ((await f.localStream("RB"))?.state?.last_seq !== 10) return false;
      }
      return true;
    },
    10_000,
    "the followers hold the ten",
  );

  for (const f of followers) Deno.kill(f.up.pid, "SIGSTOP");
  try {
    const lost = await Promise.allSettled(
      Array.from(
        { length: 5 },
        (_, i) => js.publish("rb.lost", `never-acked-${"x".repeat(100)}-${i}`, { timeout: 1500 }),
      ),
    );
    assert.ok(lost.every((r) => r.status === "rejected"), "no PubAck without a quorum");
    await waitFor(
      () => leader.logs().includes("did not commit"),
      FAILOVER_MS,
      "the cut-off leader drops its uncommitted messages",
    );
    const mine = await leader.localStream("RB");
    assert.equal(mine?.state?.last_seq, 10);
    assert.equal(mine?.state?.messages, 10);
  } finally {
    for (const f of followers) Deno.kill(f.up.pid, "SIGCONT");
  }

  // A leader again (any of the three); a new publish comes after what the group committed.
  const nc = await c.client(followers[0].name);
  await waitFor(
    async () => (await streamInfo(nc, "RB"))?.cluster?.leader ? true : null,
    FAILOVER_MS,
    "a stream leader",
  );
  const ack = await waitFor(
    () =>
      c.js(followers[0].name).then((j) => j.publish("rb.ok", "after", { timeout: 2000 })).catch(
        () => null,
      ),
    FAILOVER_MS,
    "a PubAck after the partition",
  );
  assert.ok(ack.seq === 11 || ack.seq === 16, `seq ${ack.seq}`);
  const states = await waitFor(
    async () => {
      const all: Json[] = [];
      for (const n of c.nodes) {
        const s = await n.localStream("RB");
        if (s?.state?.last_seq !== ack.seq) return null;
        all.push(s.state);
      }
      return all;
    },
    FAILOVER_MS,
    "every replica at the new message",
  );
  for (const s of states) {
    assert.deepEqual(
      [s.messages, s.bytes, s.first_seq, s.last_seq],
      [states[0].messages, states[0].bytes, states[0].first_seq, states[0].last_seq],
    );
  }
});
