/**
 * @module
 * A whole JetStream cluster restarted: three real `bin/denats` processes stopped with SIGTERM
 * and started again on their store directories come back with the meta group's assignments
 * (from its log), every stream's messages (an R3 file stream, an R1 file stream, an R3 KV
 * bucket), a durable consumer at its ack floor, and publishing goes on after the last sequence.
 * `JS_CLUSTER_BIN=/usr/sbin/nats-server` runs the same checks on the reference.
 */
import assert from "node:assert/strict";
import { AckPolicy } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { waitFor } from "../helpers/poll.ts";
import { Cluster, FAILOVER_MS, publishRetrying, streamInfo } from "./_js_cluster.ts";

Deno.test("clustered JetStream: the whole cluster restarted keeps streams, consumers and KV", async () => {
  await using c = await Cluster.start();
  await c.metaLeader();
  const jsm = await c.jsm("n1");
  const js = await c.js("n2");
  await jsm.streams.add({ name: "R3S", subjects: ["r3.>"], num_replicas: 3 });
  await jsm.streams.add({ name: "R1S", subjects: ["r1.>"], num_replicas: 1 });
  // n2 learns of the new streams' subjects a moment after the creates' answers (no responders
  // until then): the first message of each is retried until acknowledged.
  await publishRetrying(js, "r3.x", "a0", "a0");
  await publishRetrying(js, "r1.x", "b0", "b0");
  for (let i = 1; i < 40; i++) {
    await js.publish("r3.x", `a${i}`);
    await js.publish("r1.x", `b${i}`);
  }
  await jsm.consumers.add("R3S", { durable_name: "D", ack_policy: AckPolicy.Explicit });
  const consumer = await js.consumers.get("R3S", "D");
  const batch = await consumer.fetch({ max_messages: 15, expires: 5000 });
  for await (const m of batch) assert.equal(await m.ackAck(), true);
  const kv = await new Kvm(js).create("cfg", { replicas: 3 });
  await kv.put("k", "v1");
  await kv.put("k", "v2");
  // The consumer's state reaches the other replicas within a second: wait for their copies.
  const leader = (await streamInfo(await c.client("n1"), "R3S"))?.cluster?.leader;
  await waitFor(
    () =>
      c.nodes.filter((n) => n.name !== leader).every((n) => {
        // denats keeps it in obs/D.state, nats-server in obs/D/o.dat.
        const obs = `${n.storeDir}/jetstream/$G/streams/R3S/obs`;
        return [`${obs}/D.state`, `${obs}/D/o.dat`].some((f) => {
          try {
            return Deno.statSync(f).size > 0;
          } catch {
            return false;
          }
        });
      }),
    10_000,
    "the consumer state on the followers",
  );

  for (const n of c.nodes) await c.dropClient(n.name);
  for (const n of c.nodes) await n.kill("SIGTERM");
  await Promise.all(c.nodes.map((n) => n.start()));
  await c.metaLeader();

  const nc = await c.client("n3");
  for (const [name, msgs] of [["R3S", 40], ["R1S", 40]] as const) {
    const info = await waitFor(
      async () => {
        const i = await streamInfo(nc, name);
        return i?.cluster?.leader ? i : null;
      },
      FAILOVER_MS,
      `${name} led again`,
    );
    assert.equal(info.state.messages, msgs, name);
    assert.equal(info.state.last_seq, msgs, name);
  }
  const jsm2 = await c.jsm("n3");
  const ci = await waitFor(
    () => jsm2.consumers.info("R3S", "D").catch(() => null),
    FAILOVER_MS,
    "the durable consumer back",
  );
  assert.equal(ci.ack_floor.stream_seq, 15);
  const next = await (await c.js("n1")).consumers.get("R3S", "D");
  // (nats-server may still be electing the consumer's leader: a pull can go unanswered.)
  const m = await waitFor(
    () => next.next({ expires: 2000 }).catch(() => null),
    FAILOVER_MS,
    "the next message of the consumer",
  );
  assert.equal(m?.seq, 16);
  assert.equal(m?.string(), "a15");
  const js2 = await c.js("n1");
  assert.equal((await js2.publish("r3.x", "after")).seq, 41);
  assert.equal((await js2.publish("r1.x", "after")).seq, 41);
  const kv2 = await new Kvm(js2).open("cfg");
  assert.equal((await kv2.get("k"))?.string(), "v2");
  assert.equal((await kv2.get("k"))?.revision, 2);
});
