/**
 * @module
 * Clustered JetStream end to end: three real `bin/denats` processes (`server_name` n1..n3,
 * cluster C1 over fixed route ports, each with its own store dir and server tag) driven by the
 * official clients (`@nats-io/transport-node`, `@nats-io/jetstream`, `@nats-io/kv` 3.4.0),
 * one client per server. In one shared cluster: the meta group's formation (`/jsz`
 * meta_cluster and the log), an R3 stream created, published to and read from different
 * servers, a durable pull consumer, the stream leader SIGKILLed (publishing goes on under a new
 * leader, nothing acknowledged is lost, the consumer survives), the killed server restarted on
 * its store (it catches up), placement by server tags (and nats-server's error when nobody has
 * the tag), scaling R3 -> R1 -> R3, a delete seen by every server, and an R3 KV bucket.
 * Fail-overs wait for nats-server's election timeouts (4-9 s), so the polls have 30 s deadlines.
 * `JS_CLUSTER_BIN=/usr/sbin/nats-server` runs the same checks on the reference (they pass there).
 */
import assert from "node:assert/strict";
import { AckPolicy } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { waitFor } from "../helpers/poll.ts";
import {
  api,
  Cluster,
  FAILOVER_MS,
  goHash,
  type Json,
  NAMES,
  publishRetrying,
  replicaNames,
  streamInfo,
  TAG,
} from "./_js_cluster.ts";

/** A replica saved consumer `name`'s state (file streams keep it in `obs/<name>.state`). */
function stateSaved(storeDir: string, stream: string, name: string): boolean {
  try {
    return Deno.statSync(`${storeDir}/jetstream/$G/streams/${stream}/obs/${name}.state`).size > 0;
  } catch {
    return false;
  }
}

Deno.test("clustered JetStream: three denats processes", async (t) => {
  await using c = await Cluster.start();
  /** The R3 stream's leader at the time of the fail-over. */
  let killed = "";

  await t.step("1 formation: one meta leader, /jsz meta_cluster, the log", async () => {
    const { leader, views } = await c.metaLeader();
    assert.ok(NAMES.includes(leader), leader);
    const peer = await goHash(leader);
    for (const [name, meta] of views) {
      assert.equal(meta.name, "C1", name);
      assert.equal(meta.leader, leader, name);
      assert.equal(meta.cluster_size, 3, name);
      assert.equal(meta.peer, peer, `${name}: peer is the leader's node id`);
      if (name !== leader) {
        assert.equal(meta.replicas, undefined, `${name}: replicas only on the leader`);
      }
    }
    // The leader lists the two others, current once they answered its heartbeats.
    const others = NAMES.filter((n) => n !== leader);
    const replicas = await waitFor(
      async () => {
        const meta = (await c.node(leader).jsz()).meta_cluster as Json;
        const r = (meta.replicas ?? []) as Json[];
        return r.length === 2 && r.every((x) => x.current === true) ? r : null;
      },
      FAILOVER_MS,
      "current meta replicas",
    );
    assert.deepEqual(replicas.map((r) => r.name).sort(), others);
    for (const r of replicas) assert.equal(r.peer, await goHash(r.name));
    await waitFor(
      () => c.node(leader).logs().includes("Self is new JetStream cluster metadata leader"),
      5000,
      "leader's log line",
    );
    for (const name of others) {
      const line = await waitFor(
        () => {
          const lines = c.node(name).logs().split("\n");
          return lines.findLast((l) => l.includes("JetStream cluster new metadata leader: "));
        },
        5000,
        `${name}'s new metadata leader line`,
      );
      assert.ok(line.endsWith(`new metadata leader: ${leader}/C1`), line);
      const log = c.node(name).logs();
      assert.ok(log.includes("JetStream cluster bootstrapping"), name);
    }
  });

  await t.step(
    "2 R3 stream: create, 200 PubAcks, info/names/list elsewhere, re-create",
    async () => {
      const jsm2 = await c.jsm("n2");
      const created = await jsm2.streams.add({
        name: "ORDERS",
        subjects: ["orders.>"],
        num_replicas: 3,
      }) as unknown as Json;
      assert.equal(created.did_create, true);
      assert.equal(created.config.num_replicas, 3);
      assert.equal(created.cluster.name, "C1");
      const leader = created.cluster.leader as string;
      assert.ok(NAMES.includes(leader), `leader ${leader}`);
      assert.deepEqual(replicaNames(created.cluster), NAMES.filter((n) => n !== leader));

      const js3 = await c.js("n3");
      // n3 learns of the new stream's subjects a moment after the create's answer (no
      // responders until then): the first message is retried until acknowledged.
      const first = await publishRetrying(js3, "orders.0", "m0", "o-0");
      assert.equal(first.seq, 1);
      for (let i = 1; i < 200; i++) {
        const ack = await js3.publish(`orders.${i % 7}`, `m${i}`, { msgID: `o-${i}` });
        assert.equal(ack.stream, "ORDERS");
        assert.equal(ack.seq, i + 1);
        assert.equal(ack.duplicate, false);
      }
      const jsm1 = await c.jsm("n1");
      const info = await jsm1.streams.info("ORDERS");
      assert.equal(info.state.messages, 200);
      assert.equal(info.state.first_seq, 1);
      assert.equal(info.state.last_seq, 200);
      assert.equal(info.cluster?.leader, leader);
      assert.equal(info.config.num_replicas, 3);

      const names: string[] = [];
      for await (const n of jsm1.streams.names()) names.push(n);
      assert.deepEqual(names, ["ORDERS"]);
      const listed: Json[] = [];
      for await (const si of (await c.jsm("n3")).streams.list()) listed.push(si);
      assert.equal(listed.length, 1);
      assert.equal(listed[0].config.name, "ORDERS");
      assert.equal(listed[0].state.messages, 200);
      assert.equal(listed[0].cluster?.leader, leader);

      // The same config again: the stream's info, no error, nothing created.
      const nc1 = await c.client("n1");
      const cfg = { name: "ORDERS", subjects: ["orders.>"], num_replicas: 3 };
      const again = await api(nc1, "$JS.API.STREAM.CREATE.ORDERS", cfg);
      assert.equal(again.error, undefined, JSON.stringify(again.error));
      assert.equal(again.did_create, undefined);
      assert.equal(again.config.name, "ORDERS");
      assert.equal(again.state.messages, 200);
      const clash = await api(nc1, "$JS.API.STREAM.CREATE.ORDERS", {
        ...cfg,
        subjects: ["other.>"],
      });
      assert.equal(clash.error?.code, 400, JSON.stringify(clash));
      assert.equal(clash.error?.err_code, 10058);
    },
  );

  await t.step("3 durable pull consumer: fetch and ack 50", async () => {
    const ci = await (await c.jsm("n1")).consumers.add("ORDERS", {
      durable_name: "DUR",
      ack_policy: AckPolicy.Explicit,
    });
    assert.equal(ci.name, "DUR");
    assert.equal(ci.cluster?.name, "C1");
    assert.ok(NAMES.includes(ci.cluster?.leader ?? ""), JSON.stringify(ci.cluster));
    const consumer = await (await c.js("n3")).consumers.get("ORDERS", "DUR");
    const got: string[] = [];
    const seqs: number[] = [];
    const batch = await consumer.fetch({ max_messages: 50, expires: 10_000 });
    for await (const m of batch) {
      got.push(m.string());
      seqs.push(m.seq);
      assert.equal(await m.ackAck(), true);
    }
    assert.deepEqual(seqs, Array.from({ length: 50 }, (_, i) => i + 1));
    assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => `m${i}`));
    const info = await (await c.jsm("n2")).consumers.info("ORDERS", "DUR");
    assert.equal(info.num_ack_pending, 0);
    assert.equal(info.ack_floor.stream_seq, 50);
    assert.equal(info.num_pending, 150);
    assert.equal(info.cluster?.name, "C1");
    assert.ok(info.cluster?.leader);
    // The leader hands the consumer's state to the other replicas (within a second).
    const followers = NAMES.filter((n) => n !== info.cluster?.leader);
    await waitFor(
      () => followers.every((n) => stateSaved(c.node(n).storeDir, "ORDERS", "DUR")),
      10_000,
      "the consumer state on both followers",
    );
  });

  await t.step("4 fail-over: SIGKILL the stream leader, publish on, nothing lost", async () => {
    const before = await waitFor(() => c.client("n1").then((nc) => streamInfo(nc, "ORDERS")));
    killed = before.cluster.leader;
    const survivors = NAMES.filter((n) => n !== killed);
    await c.dropClient(killed);
    await c.node(killed).kill();

    const js = await c.js(survivors[0]);
    for (let i = 0; i < 50; i++) {
      const ack = await publishRetrying(js, `orders.f`, `f${i}`, `f-${i}`);
      assert.equal(ack.stream, "ORDERS");
      assert.equal(ack.seq, 201 + i, `f-${i}`);
    }
    const nc = await c.client(survivors[1]);
    const info = await waitFor(
      async () => {
        const i = await streamInfo(nc, "ORDERS");
        return i?.cluster?.leader ? i : null;
      },
      FAILOVER_MS,
      "stream info after the fail-over",
    );
    assert.ok(survivors.includes(info.cluster.leader), `new leader ${info.cluster.leader}`);
    assert.equal(info.state.messages, 250);
    assert.equal(info.state.first_seq, 1);
    assert.equal(info.state.last_seq, 250);
    assert.equal((info.cluster.replicas as Json[]).length, 2);
    const jsm = await c.jsm(survivors[1]);
    for (const [seq, data] of [[1, "m0"], [200, "m199"], [201, "f0"], [250, "f49"]] as const) {
      const m = await jsm.streams.getMessage("ORDERS", { seq });
      assert.equal(m?.string(), data, `seq ${seq}`);
    }

    // The durable consumer's config and state were replicated: the new leader resumes it
    // after the 50 acknowledged messages.
    const ci = await jsm.consumers.info("ORDERS", "DUR");
    assert.equal(ci.config.durable_name, "DUR");
    assert.equal(ci.ack_floor.stream_seq, 50);
    assert.equal(ci.delivered.stream_seq, 50);
    assert.equal(ci.config.ack_policy, AckPolicy.Explicit);
    assert.ok(survivors.includes(ci.cluster?.leader ?? ""), JSON.stringify(ci.cluster));
    const consumer = await (await c.js(survivors[0])).consumers.get("ORDERS", "DUR");
    const batch = await consumer.fetch({ max_messages: 5, expires: 5000 });
    const seqs: number[] = [];
    for await (const m of batch) {
      seqs.push(m.seq);
      m.ack();
    }
    assert.deepEqual(seqs, [51, 52, 53, 54, 55], "the durable consumer goes on after 50");
  });

  await t.step("5 restart: the killed server rejoins and catches up", async () => {
    assert.ok(killed, "a server was killed");
    const node = c.node(killed);
    await node.start();
    await waitFor(() => node.logs().includes("JetStream cluster recovering state"), 5000, "log");
    await c.metaLeader();
    const nc = await c.client(NAMES.find((n) => n !== killed)!);
    // The leader sees the restarted member current again, with no lag.
    const info = await waitFor(
      async () => {
        const i = await streamInfo(nc, "ORDERS");
        const r = ((i?.cluster?.replicas ?? []) as Json[]).find((x) => x.name === killed);
        return r?.current === true && r.lag === undefined && !r.offline ? i : null;
      },
      FAILOVER_MS,
      `${killed} current in the stream's cluster info`,
    );
    assert.notEqual(info.cluster.leader, killed);
    // Its own copy holds every message.
    const local = await waitFor(
      async () => {
        const s = await node.localStream("ORDERS");
        return s?.state?.last_seq === 250 ? s : null;
      },
      FAILOVER_MS,
      `${killed}'s copy at seq 250`,
    );
    assert.equal(local.state.messages, 250);
    assert.equal(local.state.first_seq, 1);

    // A leader step-down hands the stream to another member, which has everything.
    const old = info.cluster.leader as string;
    const down = await api(nc, "$JS.API.STREAM.LEADER.STEPDOWN.ORDERS");
    assert.equal(down.success, true, JSON.stringify(down));
    const next = await waitFor(
      async () => {
        const i = await streamInfo(nc, "ORDERS");
        return i?.cluster?.leader && i.cluster.leader !== old ? i : null;
      },
      FAILOVER_MS,
      "a new leader after the step-down",
    );
    assert.equal(next.state.messages, 250);
    assert.equal(next.state.last_seq, 250);
    const ack = await publishRetrying(await c.js(killed), "orders.r", "r0", "r-0");
    assert.equal(ack.seq, 251);
  });

  await t.step("6 placement: tags pick the server, an unknown tag is refused", async () => {
    const jsm = await c.jsm("n1");
    const si = await jsm.streams.add({
      name: "TAGGED",
      subjects: ["tagged.>"],
      num_replicas: 1,
      placement: { cluster: "C1", tags: [TAG.n2] },
    });
    assert.equal(si.cluster?.leader, "n2");
    assert.equal(si.cluster?.replicas, undefined);
    assert.ok(await c.node("n2").localStream("TAGGED"), "n2 holds TAGGED");
    assert.equal(await c.node("n1").localStream("TAGGED"), undefined);
    assert.equal(await c.node("n3").localStream("TAGGED"), undefined);
    const ack = await (await c.js("n3")).publish("tagged.x", "t");
    assert.equal(ack.stream, "TAGGED");
    assert.equal(ack.seq, 1);

    const refused = await api(await c.client("n3"), "$JS.API.STREAM.CREATE.NOWHERE", {
      name: "NOWHERE",
      subjects: ["nowhere.>"],
      num_replicas: 1,
      placement: { tags: ["az:z"] },
    });
    assert.equal(refused.error?.code, 400, JSON.stringify(refused));
    assert.equal(refused.error?.err_code, 10005);
    const text = refused.error?.description as string;
    assert.ok(text.startsWith("no suitable peers for placement"), text);
    assert.ok(text.includes("az:z"), text);
    const names: string[] = [];
    for await (const n of jsm.streams.names()) names.push(n);
    assert.deepEqual(names.sort(), ["ORDERS", "TAGGED"]);
  });

  await t.step("7 scale R3 -> R1 -> R3 answers the new replicas; delete seen by all", async () => {
    const jsm = await c.jsm("n3");
    await jsm.streams.add({ name: "SCALE", subjects: ["scale.>"], num_replicas: 3 });
    const js = await c.js("n1");
    for (let i = 0; i < 10; i++) assert.equal((await js.publish("scale.x", `s${i}`)).seq, i + 1);
    /** The servers holding a copy of SCALE with all 10 messages. */
    const holders = async () => {
      const copies = await Promise.all(c.nodes.map((n) => n.localStream("SCALE")));
      return NAMES.filter((_, i) => copies[i]?.state?.messages === 10);
    };
    const down = await jsm.streams.update("SCALE", { num_replicas: 1 });
    assert.equal(down.config.num_replicas, 1);
    // One copy left (the leader's), and the group is just the leader.
    await waitFor(async () => (await holders()).length === 1, FAILOVER_MS, "SCALE on one server");
    const at1 = await jsm.streams.info("SCALE");
    assert.deepEqual([at1.cluster?.leader, at1.cluster?.replicas], [...await holders(), undefined]);
    const up = await jsm.streams.update("SCALE", { num_replicas: 3 });
    assert.equal(up.config.num_replicas, 3);
    // The two new members catch up: every server holds the 10 messages.
    await waitFor(async () => (await holders()).length === 3, FAILOVER_MS, "SCALE on all three");
    const info = await waitFor(
      async () => {
        const i = await jsm.streams.info("SCALE");
        const r = i.cluster?.replicas ?? [];
        return r.length === 2 && r.every((x) => x.current) ? i : null;
      },
      FAILOVER_MS,
      "SCALE with two current replicas",
    );
    assert.equal(info.config.num_replicas, 3);
    assert.equal(info.state.messages, 10);

    assert.equal(await jsm.streams.delete("SCALE"), true);
    for (const name of NAMES) {
      const jsmN = await c.jsm(name);
      const names: string[] = [];
      for await (const n of jsmN.streams.names()) names.push(n);
      assert.ok(!names.includes("SCALE"), `${name}: ${names}`);
      await waitFor(
        async () => (await c.node(name).localStream("SCALE")) === undefined,
        FAILOVER_MS,
        `${name} dropped its copy of SCALE`,
      );
    }
    await assert.rejects(() => jsm.streams.info("SCALE"), /stream not found/);
  });

  await t.step("8 KV bucket R3: put/get/history from different servers", async () => {
    const kv1 = await new Kvm(await c.client("n1")).create("CFG", { replicas: 3, history: 5 });
    const status = await kv1.status();
    assert.equal(status.replicas, 3);
    assert.equal(await kv1.put("k", "v1"), 1);
    const kv2 = await new Kvm(await c.client("n2")).open("CFG");
    assert.equal(await kv2.put("k", "v2"), 2);
    const kv3 = await new Kvm(await c.client("n3")).open("CFG");
    const e = await waitFor(
      async () => {
        const got = await kv3.get("k");
        return got?.revision === 2 ? got : null;
      },
      5000,
      "k at revision 2 from n3",
    );
    assert.equal(e.string(), "v2");
    assert.equal(await kv3.put("k", "v3"), 3);
    const history: string[] = [];
    for await (const h of await kv2.history({ key: "k" })) {
      history.push(`${h.revision}:${h.string()}`);
    }
    assert.deepEqual(history, ["1:v1", "2:v2", "3:v3"]);
    const si = await (await c.jsm("n2")).streams.info("KV_CFG");
    assert.equal(si.config.num_replicas, 3);
    assert.equal(replicaNames(si.cluster ?? {}).length, 2);
  });
});
