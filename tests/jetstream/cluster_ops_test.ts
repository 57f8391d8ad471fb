/**
 * @module
 * The changes a stream's leader makes besides storing messages reach its replicas: a purge
 * keeping the last messages of one subject, a message delete, a config update, work-queue
 * acknowledgements removing messages, and a memory stream's messages; each replica's own
 * `/jsz` copy ends equal to the leader's (count, bytes, first and last sequence, deletes), and
 * two identical creates sent at once are both answered with one stream made, and
 * the memory stream keeps its messages and consumers (durable at its ack floor, ephemeral)
 * through a step-down and a killed leader (acks confirmed just before the kill included). Three real `bin/denats`
 * processes (the same checks pass on nats-server 2.9.10 with `JS_CLUSTER_BIN`).
 */
import assert from "node:assert/strict";
import { AckPolicy } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { waitFor } from "../helpers/poll.ts";
import { api, API_TIMEOUT_MS, Cluster, FAILOVER_MS, type Json, streamInfo } from "./_js_cluster.ts";

/** Every replica's copy of `stream`, once all of them equal `expect` (the leader's state). */
async function replicasEqual(c: Cluster, stream: string, expect: Json): Promise<void> {
  const fields = ["messages", "bytes", "first_seq", "last_seq", "num_deleted"];
  const want = fields.map((f) => expect[f] ?? 0);
  let last: unknown[] = [];
  await waitFor(
    async () => {
      for (const n of c.nodes) {
        const s = (await n.localStream(stream))?.state ?? {};
        last = [n.name, ...fields.map((f) => s[f] ?? 0)];
        if (JSON.stringify(last.slice(1)) !== JSON.stringify(want)) return false;
      }
      return true;
    },
    10_000,
    `every replica of ${stream} at ${JSON.stringify(want)}`,
  ).catch((err) => {
    throw new Error(`${err.message}; last seen ${JSON.stringify(last)}`);
  });
}

Deno.test("clustered JetStream: purge, delete, update, work-queue acks and a memory stream replicate", async (t) => {
  await using c = await Cluster.start();
  await c.metaLeader();
  const jsm = await c.jsm("n2");
  // Publishes and fetches through the server the changes are made on (another server may
  // learn of a new stream's or consumer's subjects a moment after the answer).
  const js = await c.js("n2");
  const nc = await c.client("n1");

  await t.step("purge keeping 5 of a subject, then a message delete", async () => {
    await jsm.streams.add({ name: "OPS", subjects: ["ops.*"], num_replicas: 3 });
    for (let i = 0; i < 90; i++) await js.publish(`ops.${["a", "b", "c"][i % 3]}`, `m${i}`);
    const purged = await jsm.streams.purge("OPS", { filter: "ops.a", keep: 5 });
    assert.equal(purged.purged, 25);
    assert.equal(await jsm.streams.deleteMessage("OPS", 50), true);
    const info = await waitFor(() => streamInfo(nc, "OPS"), API_TIMEOUT_MS, "OPS info");
    assert.equal(info?.state.messages, 64);
    await replicasEqual(c, "OPS", info!.state);
  });

  await t.step("a config update reaches every replica", async () => {
    const si = await jsm.streams.update("OPS", { subjects: ["ops.*", "more.>"], max_msgs: 50 });
    assert.deepEqual(si.config.subjects, ["ops.*", "more.>"]);
    assert.equal((await js.publish("more.x", "new")).stream, "OPS");
    const info = await waitFor(() => streamInfo(nc, "OPS"), API_TIMEOUT_MS, "OPS info");
    assert.equal(info?.state.messages, 50);
    await replicasEqual(c, "OPS", info!.state);
    for (const n of c.nodes) {
      const jsz = await n.jsz("?streams=true&config=true");
      const s = (jsz.account_details?.[0]?.stream_detail as Json[]).find((x) => x.name === "OPS");
      assert.equal(s?.config?.max_msgs, 50, n.name);
    }
  });

  await t.step("work-queue acks remove the messages on every replica", async () => {
    await jsm.streams.add({
      name: "WQ",
      subjects: ["wq.>"],
      retention: "workqueue" as never,
      num_replicas: 3,
    });
    for (let i = 0; i < 20; i++) await js.publish("wq.job", `j${i}`);
    await jsm.consumers.add("WQ", { durable_name: "W", ack_policy: AckPolicy.Explicit });
    const consumer = await js.consumers.get("WQ", "W");
    const batch = await consumer.fetch({ max_messages: 12, expires: 5000 });
    for await (const m of batch) assert.equal(await m.ackAck(), true);
    const info = await waitFor(
      async () => {
        const i = await streamInfo(nc, "WQ");
        return i?.state.messages === 8 ? i : null;
      },
      10_000,
      "eight jobs left",
    );
    assert.equal(info.state.first_seq, 13);
    await replicasEqual(c, "WQ", info.state);
  });

  await t.step("a placement tag update moves a stream to the tagged server", async () => {
    const cfg = { name: "TAGM", subjects: ["tagm.>"], placement: { tags: ["az:a"] } };
    const made = await api(nc, "$JS.API.STREAM.CREATE.TAGM", cfg);
    assert.equal(made.cluster?.leader, "n1", JSON.stringify(made));
    for (let i = 0; i < 10; i++) await js.publish("tagm.x", `t${i}`);
    const up = await api(nc, "$JS.API.STREAM.UPDATE.TAGM", {
      ...made.config,
      placement: { tags: ["az:b"] },
    });
    assert.equal(up.error, undefined, JSON.stringify(up));
    const moved = await waitFor(
      async () => {
        const i = await streamInfo(nc, "TAGM");
        return i?.cluster?.leader === "n2" && (i.cluster.replicas ?? []).length === 0 ? i : null;
      },
      FAILOVER_MS,
      "TAGM on n2 alone",
    );
    assert.equal(moved.state.messages, 10);
    await waitFor(
      async () => (await c.node("n1").localStream("TAGM")) === undefined,
      FAILOVER_MS,
      "n1 without TAGM",
    );
  });

  await t.step("two identical creates at once: both answered, one stream", async () => {
    const cfg = JSON.stringify({ name: "TWICE", subjects: ["twice.>"], num_replicas: 3 });
    const [a, b] = await Promise.all([
      nc.request("$JS.API.STREAM.CREATE.TWICE", cfg, { timeout: 10_000 }),
      nc.request("$JS.API.STREAM.CREATE.TWICE", cfg, { timeout: 10_000 }),
    ]);
    for (const r of [a.json<Json>(), b.json<Json>()]) {
      assert.equal(r.error, undefined, JSON.stringify(r));
      assert.equal(r.config.name, "TWICE");
      assert.equal(r.type, "io.nats.jetstream.api.v1.stream_create_response");
    }
    const names = await api(nc, "$JS.API.STREAM.NAMES", {});
    assert.equal((names.streams as string[]).filter((n) => n === "TWICE").length, 1);
  });

  await t.step(
    "a memory stream keeps its messages and consumers when its leader changes",
    async () => {
      const si = await jsm.streams.add({
        name: "MEM",
        subjects: ["mem.>"],
        storage: "memory" as never,
        num_replicas: 3,
      });
      for (let i = 0; i < 30; i++) await js.publish("mem.x", `v${i}`);
      const before = await waitFor(() => streamInfo(nc, "MEM"), API_TIMEOUT_MS, "MEM info");
      await replicasEqual(c, "MEM", before!.state);
      // A durable with 10 acks, and an ephemeral (kept a while without a client).
      await jsm.consumers.add("MEM", { durable_name: "MD", ack_policy: AckPolicy.Explicit });
      const eph = await jsm.consumers.add("MEM", {
        ack_policy: AckPolicy.Explicit,
        inactive_threshold: 120_000_000_000,
      });
      const batch = await (await js.consumers.get("MEM", "MD")).fetch({
        max_messages: 10,
        expires: 5000,
      });
      for await (const m of batch) assert.equal(await m.ackAck(), true);

      // A step-down hands the consumers' latest states over first: MD resumes at exactly 10.
      const first = si.cluster?.leader ?? "";
      const sd = await api(nc, "$JS.API.STREAM.LEADER.STEPDOWN.MEM");
      assert.equal(sd.success, true, JSON.stringify(sd));
      const second = (await newLeader(nc, "MEM", first)).cluster.leader as string;
      const md = await consumerInfo(nc, "MEM", "MD");
      assert.equal(md.ack_floor?.stream_seq, 10, JSON.stringify(md));
      assert.equal(md.num_pending, 20);
      assert.equal((await consumerInfo(nc, "MEM", eph.name)).name, eph.name);

      // Five more acks confirmed on the new leader (a confirmed ack is replicated: nats-server
      // commits it in the consumer's group first), then that leader killed at once.
      const more = await (await js.consumers.get("MEM", "MD")).fetch({
        max_messages: 5,
        expires: 5000,
      });
      for await (const m of more) assert.equal(await m.ackAck(), true);

      // The new leader killed: messages and the durable's ack floor survive on the others.
      const other = c.nodes.find((n) => n.name !== second)!.name;
      await c.dropClient(second);
      await c.node(second).kill();
      const survivor = await c.client(other);
      const after = await newLeader(survivor, "MEM", second);
      assert.equal(after.state.messages, 30);
      assert.equal(after.state.last_seq, 30);
      // Read through the stream's leader (the meta group may still be electing: the killed
      // server may have led it too, and a JetStream manager asks the meta leader first).
      const m = await api(survivor, "$JS.API.STREAM.MSG.GET.MEM", { seq: 17 });
      assert.equal(atob(m.message?.data ?? ""), "v16", JSON.stringify(m));
      const md2 = await consumerInfo(survivor, "MEM", "MD");
      assert.equal(md2.ack_floor?.stream_seq, 15, JSON.stringify(md2));
      // (no mux: the message comes with its own subject, not the request's inbox)
      const next = await survivor.request("$JS.API.CONSUMER.MSG.NEXT.MEM.MD", "", {
        timeout: 5000,
        noMux: true,
      });
      assert.equal(next.string(), "v15");
    },
  );
});

/** Stream info once a leader other than `old` answers. */
function newLeader(nc: NatsConnection, stream: string, old: string): Promise<Json> {
  return waitFor(
    async () => {
      const i = await streamInfo(nc, stream);
      return i?.cluster?.leader && i.cluster.leader !== old ? i : null;
    },
    FAILOVER_MS,
    `a leader of ${stream} other than ${old}`,
  );
}

/** Consumer info answered by the stream's leader (retried while the leader settles). */
function consumerInfo(nc: NatsConnection, stream: string, name: string): Promise<Json> {
  return waitFor(
    async () => {
      const r = await api(nc, `$JS.API.CONSUMER.INFO.${stream}.${name}`, undefined, 2000).catch(
        () => null,
      );
      return r && !r.error ? r : null;
    },
    FAILOVER_MS,
    `consumer ${stream} > ${name}`,
  );
}
