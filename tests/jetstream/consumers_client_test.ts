/**
 * @module
 * Consumers end to end with the official JetStream client (`@nats-io/jetstream` 3.4.0 over
 * `@nats-io/transport-node`) against an in-process denats with real streams: consumer
 * create/info/list/delete, fetch, consume, push consumers, acks/nak/term, an ordered consumer,
 * work-queue and interest retention, and a durable consumer across a restart.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { eventually, JsTestDir } from "./_js_server.ts";
import { startServer } from "../../mod.ts";

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("jetstream client: consumer create, info, names, list, delete", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    await (await jetstreamManager(nc)).streams.add({ name: "S", subjects: ["s.>"] });
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    const js = jetstream(nc);
    for (let i = 0; i < 5; i++) await js.publish(`s.${i % 2}`, `m${i}`);
    const ci = await jsm.consumers.add("S", {
      durable_name: "d1",
      ack_policy: AckPolicy.Explicit,
      filter_subject: "s.1",
    });
    assert.equal(ci.name, "d1");
    assert.equal(ci.num_pending, 2);
    assert.equal(ci.config.ack_wait, 30_000_000_000);
    const again = await jsm.consumers.info("S", "d1");
    assert.equal(again.stream_name, "S");
    await jsm.consumers.add("S", { name: "e1", ack_policy: AckPolicy.None });
    const names: string[] = [];
    for await (const n of jsm.consumers.list("S")) names.push(n.name);
    assert.deepEqual(names.sort(), ["d1", "e1"]);
    assert.equal(await jsm.consumers.delete("S", "e1"), true);
    await assert.rejects(() => jsm.consumers.info("S", "e1"), /consumer not found/);
    await assert.rejects(() => jsm.consumers.info("NOPE", "d1"), /stream not found/);
  } finally {
    await nc.close();
  }
});

Deno.test("jetstream client: fetch, ack, nak redelivery, term", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    await (await jetstreamManager(nc)).streams.add({ name: "S", subjects: ["s.>"] });
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    const js = jetstream(nc);
    for (let i = 0; i < 3; i++) await js.publish("s.a", `m${i}`);
    await jsm.consumers.add("S", { durable_name: "p", ack_policy: AckPolicy.Explicit });
    const c = await js.consumers.get("S", "p");
    const got: string[] = [];
    const iter = await c.fetch({ max_messages: 3, expires: 2000 });
    for await (const m of iter) {
      got.push(m.string());
      if (m.seq === 1) await m.ackAck();
      else if (m.seq === 2) m.nak();
      else m.term();
    }
    assert.deepEqual(got, ["m0", "m1", "m2"]);
    const again = await c.fetch({ max_messages: 1, expires: 2000 });
    const redelivered: number[] = [];
    for await (const m of again) {
      redelivered.push(m.seq, m.info.deliveryCount);
      m.ack();
    }
    assert.deepEqual(redelivered, [2, 2]);
    await until(async () => (await c.info()).num_ack_pending === 0, "acks");
    const info = await c.info();
    assert.equal(info.delivered.consumer_seq, 4);
    assert.equal(info.ack_floor.stream_seq, 3);
    // No messages left: a no_wait style fetch comes back empty.
    const empty = await c.fetch({ max_messages: 2, expires: 1000 });
    let n = 0;
    for await (const _ of empty) n++;
    assert.equal(n, 0);
  } finally {
    await nc.close();
  }
});

Deno.test("jetstream client: consume keeps pulling as messages arrive", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    await (await jetstreamManager(nc)).streams.add({ name: "S", subjects: ["s.>"] });
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    const js = jetstream(nc);
    await jsm.consumers.add("S", { durable_name: "c", ack_policy: AckPolicy.Explicit });
    const c = await js.consumers.get("S", "c");
    const seen: string[] = [];
    const messages = await c.consume({ max_messages: 10, idle_heartbeat: 1000, expires: 5000 });
    const done = (async () => {
      for await (const m of messages) {
        seen.push(m.string());
        m.ack();
        if (seen.length === 25) break;
      }
    })();
    for (let i = 0; i < 25; i++) await js.publish("s.x", `n${i}`);
    await done;
    assert.equal(seen.length, 25);
    assert.equal(seen[24], "n24");
  } finally {
    await nc.close();
  }
});

Deno.test("jetstream client: an ordered consumer reads the stream in order", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    await (await jetstreamManager(nc)).streams.add({ name: "S", subjects: ["s.>"] });
    const js = jetstream(nc);
    for (let i = 0; i < 10; i++) await js.publish("s.o", `o${i}`);
    const c = await js.consumers.get("S", { deliver_policy: DeliverPolicy.All });
    const iter = await c.fetch({ max_messages: 10, expires: 2000 });
    const got: number[] = [];
    for await (const m of iter) got.push(m.seq);
    assert.deepEqual(got, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  } finally {
    await nc.close();
  }
});

Deno.test("push consumer: delivers to its deliver subject with ack replies and heartbeats", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    await (await jetstreamManager(nc)).streams.add({ name: "S", subjects: ["s.>"] });
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    const js = jetstream(nc);
    for (let i = 0; i < 3; i++) await js.publish("s.p", `p${i}`, { headers: undefined });
    const sub = nc.subscribe("deliver.here");
    await nc.flush();
    await jsm.consumers.add("S", {
      durable_name: "push",
      deliver_subject: "deliver.here",
      ack_policy: AckPolicy.Explicit,
      idle_heartbeat: 500_000_000,
      flow_control: true,
    });
    const got: string[] = [];
    let heartbeat = "";
    let bound: boolean | undefined;
    for await (const m of sub) {
      if (m.headers?.code === 100) {
        heartbeat = m.headers.description;
        if (got.length === 3) {
          bound = (await jsm.consumers.info("S", "push")).push_bound;
          break;
        }
        continue;
      }
      assert.equal(m.subject, "s.p");
      assert.match(m.reply!, /^\$JS\.ACK\.S\.push\.1\.\d+\.\d+\.\d+\.\d+$/);
      got.push(new TextDecoder().decode(m.data));
      m.respond();
    }
    assert.deepEqual(got, ["p0", "p1", "p2"]);
    assert.equal(heartbeat, "Idle Heartbeat");
    // Bound while subscribed; no longer once the subscription is gone.
    assert.equal(bound, true);
    await eventually(async () => !(await jsm.consumers.info("S", "push")).push_bound);
    assert.equal((await jsm.consumers.info("S", "push")).num_ack_pending, 0);
  } finally {
    await nc.close();
  }
});

Deno.test("a durable consumer keeps its config and ack state across a restart", async () => {
  using dir = new JsTestDir();
  {
    await using srv = await dir.start();
    const nc = await connect({ port: srv.port });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "S", subjects: ["s.>"] });
      const js = jetstream(nc);
      for (let i = 0; i < 5; i++) await js.publish("s.r", `r${i}`);
      await jsm.consumers.add("S", {
        durable_name: "dur",
        ack_policy: AckPolicy.Explicit,
        ack_wait: 1_000_000_000,
      });
      const c = await js.consumers.get("S", "dur");
      const iter = await c.fetch({ max_messages: 2, expires: 2000 });
      for await (const m of iter) if (m.seq === 1) await m.ackAck();
      const info = await c.info();
      assert.deepEqual([info.delivered.stream_seq, info.ack_floor.stream_seq], [2, 1]);
    } finally {
      await nc.close();
    }
  }
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info("S", "dur");
    assert.equal(info.config.ack_wait, 1_000_000_000);
    assert.deepEqual([info.delivered.stream_seq, info.ack_floor.stream_seq], [2, 1]);
    assert.equal(info.num_ack_pending, 1);
    assert.equal(info.num_pending, 3);
    // The rest arrives, and the unacknowledged 2 comes back after its ack wait.
    const c = await jetstream(nc).consumers.get("S", "dur");
    const seen = new Set<number>();
    const end = Date.now() + 8000;
    while (seen.size < 4 && Date.now() < end) {
      const iter = await c.fetch({ max_messages: 4, expires: 1000 });
      for await (const m of iter) {
        seen.add(m.seq);
        m.ack();
      }
    }
    assert.deepEqual([...seen].sort(), [2, 3, 4, 5]);
  } finally {
    await nc.close();
  }
});

Deno.test("work-queue and interest streams drop what their consumers acknowledged", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "WQ", subjects: ["wq"], retention: "workqueue" as never });
    await jsm.streams.add({ name: "IN", subjects: ["in"], retention: "interest" as never });
    const js = jetstream(nc);
    await jsm.consumers.add("WQ", { durable_name: "w", ack_policy: AckPolicy.Explicit });
    await jsm.consumers.add("IN", { durable_name: "a", ack_policy: AckPolicy.Explicit });
    await jsm.consumers.add("IN", { durable_name: "b", ack_policy: AckPolicy.Explicit });
    for (let i = 0; i < 3; i++) {
      await js.publish("wq", "x");
      await js.publish("in", "y");
    }
    for (const [stream, name] of [["WQ", "w"], ["IN", "a"]]) {
      const iter = await (await js.consumers.get(stream, name)).fetch({
        max_messages: 3,
        expires: 2000,
      });
      for await (const m of iter) await m.ackAck();
    }
    assert.equal((await jsm.streams.info("WQ")).state.messages, 0);
    // Consumer b has not acknowledged: the interest stream keeps them.
    assert.equal((await jsm.streams.info("IN")).state.messages, 3);
    const iter = await (await js.consumers.get("IN", "b")).fetch({
      max_messages: 3,
      expires: 2000,
    });
    for await (const m of iter) await m.ackAck();
    assert.equal((await jsm.streams.info("IN")).state.messages, 0);
  } finally {
    await nc.close();
  }
});

Deno.test("push consumer with flow control: the client answers and all 2.5 MB arrive", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "S", subjects: ["s.>"], storage: "memory" as never });
    const js = jetstream(nc);
    const chunk = new Uint8Array(64 * 1024).fill(7);
    for (let i = 0; i < 40; i++) await js.publish("s.big", chunk);
    await jsm.consumers.add("S", {
      durable_name: "fc",
      deliver_subject: "fc.deliver",
      ack_policy: AckPolicy.None,
      flow_control: true,
      idle_heartbeat: 1_000_000_000,
    });
    const c = await js.consumers.getPushConsumer("S", "fc");
    const messages = await c.consume();
    let n = 0;
    let flowControls = 0;
    const status = (async () => {
      for await (const s of messages.status()) if (s.type === "flow_control") flowControls++;
    })();
    for await (const m of messages) {
      assert.equal(m.data.length, 64 * 1024);
      if (++n === 40) break;
    }
    assert.equal(n, 40);
    await messages.close();
    await status;
    assert.ok(flowControls >= 1, "a flow control request was answered");
  } finally {
    await nc.close();
  }
});

Deno.test("an idle ephemeral consumer is removed after its inactive threshold", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "S", subjects: ["s.>"] });
    const deleted = nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.DELETED.S.eph", { max: 1 });
    await jsm.consumers.add("S", {
      name: "eph",
      ack_policy: AckPolicy.Explicit,
      inactive_threshold: 500_000_000,
    });
    await eventually(async () => {
      try {
        await jsm.consumers.info("S", "eph");
        return false;
      } catch {
        return true;
      }
    }, 5000);
    for await (const m of deleted) {
      const advisory = m.json<Record<string, unknown>>();
      assert.equal(advisory.type, "io.nats.jetstream.advisory.v1.consumer_action");
      assert.equal(advisory.action, "delete");
    }
  } finally {
    await nc.close();
  }
});

Deno.test("a push consumer with a deliver group gives each message to one member", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "S", subjects: ["s.>"], storage: "memory" as never });
    const got: string[] = [];
    const subs = [1, 2].map((i) =>
      nc.subscribe("grp.deliver", {
        queue: "workers",
        callback: (_e, m) => {
          got.push(`${i}:${m.string()}`);
        },
      })
    );
    await nc.flush();
    await jsm.consumers.add("S", {
      durable_name: "g",
      deliver_subject: "grp.deliver",
      deliver_group: "workers",
      ack_policy: AckPolicy.None,
    });
    const js = jetstream(nc);
    for (let i = 0; i < 20; i++) await js.publish("s.g", `${i}`);
    await eventually(() => got.length >= 20);
    const bodies = got.map((g) => g.split(":")[1]).sort((a, b) => Number(a) - Number(b));
    assert.deepEqual(bodies, Array.from({ length: 20 }, (_, i) => `${i}`));
    for (const s of subs) s.unsubscribe();
  } finally {
    await nc.close();
  }
});

Deno.test("an ephemeral consumer is recovered after a restart and removed once inactive", async () => {
  using dir = new JsTestDir();
  {
    await using srv = await dir.start();
    const nc = await connect({ port: srv.port });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "S", subjects: ["s.>"] });
      await jsm.consumers.add("S", {
        name: "eph",
        ack_policy: AckPolicy.Explicit,
        inactive_threshold: 2_000_000_000,
      });
    } finally {
      await nc.close();
    }
  }
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    const jsm = await jetstreamManager(nc);
    assert.equal((await jsm.consumers.info("S", "eph")).config.inactive_threshold, 2_000_000_000);
    await eventually(async () => {
      try {
        await jsm.consumers.info("S", "eph");
        return false;
      } catch {
        return true;
      }
    }, 6000);
  } finally {
    await nc.close();
  }
});

Deno.test("with a JetStream domain, pulls through $JS.<domain>.API reach the consumer", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "denats_jscd_" });
  const conf = `${dir}/server.conf`;
  Deno.writeTextFileSync(
    conf,
    `jetstream { store_dir: ${JSON.stringify(`${dir}/js`)}, domain: hub }\n`,
  );
  try {
    await using srv = await startServer({ config: conf, port: -1, quiet: true });
    const nc = await connect({ port: srv.port });
    try {
      const jsm = await jetstreamManager(nc, { domain: "hub" });
      await jsm.streams.add({ name: "S", subjects: ["s.>"] });
      const js = jetstream(nc, { domain: "hub" });
      for (let i = 0; i < 3; i++) await js.publish("s.d", `d${i}`);
      await jsm.consumers.add("S", { durable_name: "dd", ack_policy: AckPolicy.Explicit });
      const c = await js.consumers.get("S", "dd");
      const got: string[] = [];
      for await (const m of await c.fetch({ max_messages: 3, expires: 2000 })) {
        got.push(m.string());
        m.ack();
      }
      assert.deepEqual(got, ["d0", "d1", "d2"]);
    } finally {
      await nc.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("deleting the last interested consumer drops what nobody else needs", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "IN", subjects: ["in"], retention: "interest" as never });
    await jsm.consumers.add("IN", { durable_name: "a", ack_policy: AckPolicy.Explicit });
    await jsm.consumers.add("IN", { durable_name: "b", ack_policy: AckPolicy.Explicit });
    const js = jetstream(nc);
    for (let i = 0; i < 3; i++) await js.publish("in", "y");
    const iter = await (await js.consumers.get("IN", "a")).fetch({
      max_messages: 3,
      expires: 2000,
    });
    for await (const m of iter) await m.ackAck();
    assert.equal((await jsm.streams.info("IN")).state.messages, 3);
    await jsm.consumers.delete("IN", "b");
    assert.equal((await jsm.streams.info("IN")).state.messages, 0);
  } finally {
    await nc.close();
  }
});
