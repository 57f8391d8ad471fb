/**
 * @module
 * Consumers end to end with the official JetStream client (`@nats-io/jetstream` 3.4.0) on
 * denats, over a stand-in stream (tests/jetstream/_fake_stream.ts): consumer create/info/list/
 * delete, fetch, consume, push consumers, acks/nak/term, an ordered consumer.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startConsumerServer } from "./_fake_stream.ts";

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("jetstream client: consumer create, info, names, list, delete", async () => {
  await using srv = await startConsumerServer();
  srv.addStream({ name: "S", subjects: ["s.>"] });
  const nc = await connect({ port: srv.port });
  try {
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
  await using srv = await startConsumerServer();
  srv.addStream({ name: "S", subjects: ["s.>"] });
  const nc = await connect({ port: srv.port });
  try {
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
  await using srv = await startConsumerServer();
  srv.addStream({ name: "S", subjects: ["s.>"] });
  const nc = await connect({ port: srv.port });
  try {
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
  await using srv = await startConsumerServer();
  srv.addStream({ name: "S", subjects: ["s.>"] });
  const nc = await connect({ port: srv.port });
  try {
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
  await using srv = await startConsumerServer();
  srv.addStream({ name: "S", subjects: ["s.>"] });
  const nc = await connect({ port: srv.port });
  try {
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
    for await (const m of sub) {
      if (m.headers?.code === 100) {
        heartbeat = m.headers.description;
        if (got.length === 3) break;
        continue;
      }
      assert.equal(m.subject, "s.p");
      assert.match(m.reply!, /^\$JS\.ACK\.S\.push\.1\.\d+\.\d+\.\d+\.\d+$/);
      got.push(new TextDecoder().decode(m.data));
      m.respond();
    }
    assert.deepEqual(got, ["p0", "p1", "p2"]);
    assert.equal(heartbeat, "Idle Heartbeat");
    const info = await jsm.consumers.info("S", "push");
    assert.equal(info.push_bound, true);
    assert.equal(info.num_ack_pending, 0);
  } finally {
    await nc.close();
  }
});
