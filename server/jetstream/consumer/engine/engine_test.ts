import assert from "node:assert/strict";
import { Harness } from "./_harness.ts";

const MS = 1_000_000;
const S = 1_000 * MS;

function parts(reply: string): string[] {
  return reply.split(".");
}

Deno.test("push consumer delivers every message with nats-server's ack reply subject", async () => {
  const h = new Harness();
  await h.publish("foo", 3, "NATS/1.0\r\nX: 1\r\n\r\n");
  h.interest.add("d");
  h.open({ deliver_subject: "d" });
  const got = h.messagesTo("d");
  assert.equal(got.length, 3);
  const p = parts(got[0].reply);
  assert.deepEqual(p.slice(0, 7), ["$JS", "ACK", "S", "C", "1", "1", "1"]);
  assert.equal(p[8], "2");
  assert.equal(parts(got[2].reply)[8], "0");
  assert.equal(got[0].header, "NATS/1.0\r\nX: 1\r\n\r\n");
  assert.equal(got[0].shown, "foo");
  assert.equal(got[1].data, "m2");
  const info = h.engine.info(h.now);
  assert.deepEqual(info.delivered.consumer_seq, 3);
  assert.equal(info.num_ack_pending, 3);
  assert.equal(info.num_pending, 0);
  assert.equal(info.push_bound, true);
  h.ack(got[0]);
  h.ack(got[2]);
  const after = h.engine.info(h.now);
  assert.deepEqual(
    [after.ack_floor.consumer_seq, after.ack_floor.stream_seq, after.num_ack_pending],
    [1, 1, 1],
  );
  h.ack(got[1]);
  assert.equal(h.engine.info(h.now).ack_floor.consumer_seq, 3);
});

Deno.test("ack_wait expiry redelivers with the delivery count in the reply", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", ack_wait: 1 * S });
  await h.publish("foo", 2);
  const first = h.messagesTo("d");
  h.ack(first[0]);
  h.advance(900);
  assert.equal(h.messagesTo("d").length, 2);
  h.advance(200);
  const all = h.messagesTo("d");
  assert.equal(all.length, 3);
  assert.deepEqual(parts(all[2].reply).slice(4, 7), ["2", "2", "3"]);
  const info = h.engine.info(h.now);
  assert.equal(info.num_redelivered, 1);
  assert.equal(info.num_ack_pending, 1);
  assert.equal(info.delivered.consumer_seq, 3);
  // Acking the redelivery (consumer seq 3) clears it; the floor moves past the original.
  h.ack(all[2]);
  const done = h.engine.info(h.now);
  assert.deepEqual([done.num_ack_pending, done.num_redelivered], [0, 0]);
  assert.deepEqual([done.ack_floor.consumer_seq, done.ack_floor.stream_seq], [3, 2]);
});

Deno.test("max_deliver stops redelivery and sends one max_deliver advisory", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", ack_wait: 1 * S, max_deliver: 2 });
  await h.publish("foo");
  h.advance(5_000);
  assert.equal(h.messagesTo("d").length, 2);
  const adv = h.advisories.filter((a) =>
    a.body.type === "io.nats.jetstream.advisory.v1.max_deliver"
  );
  assert.equal(adv.length, 1);
  assert.equal(adv[0].subject, "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.S.C");
  assert.deepEqual([adv[0].body.stream_seq, adv[0].body.deliveries], [1, 2]);
  assert.equal(h.engine.info(h.now).num_ack_pending, 0);
});

Deno.test("backoff spaces redeliveries by its steps, the last step repeating", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", ack_wait: 1 * S, backoff: [1 * S, 3 * S], max_deliver: 5 });
  const t0 = h.now;
  await h.publish("foo");
  const times: bigint[] = [];
  for (let i = 0; i < 80; i++) {
    h.advance(100);
    const n = h.messagesTo("d").length;
    if (n > times.length + 1) times.push(h.now - t0);
  }
  // Deliveries 2, 3 come about 1s and then 3s after the previous one.
  assert.ok(times.length >= 2, `redeliveries at ${times}`);
  const gap1 = Number(times[0]) / MS;
  const gap2 = Number(times[1] - times[0]) / MS;
  assert.ok(gap1 >= 1000 && gap1 <= 1200, `first redelivery after ${gap1}ms`);
  assert.ok(gap2 >= 3000 && gap2 <= 3200, `second redelivery after ${gap2}ms`);
});

Deno.test("max_ack_pending holds deliveries until acks free room", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", max_ack_pending: 2 });
  await h.publish("foo", 5);
  assert.equal(h.messagesTo("d").length, 2);
  h.ack(h.messagesTo("d")[0]);
  assert.equal(h.messagesTo("d").length, 3);
  assert.equal(h.engine.info(h.now).num_pending, 2);
});

Deno.test("ack all acknowledges everything up to the acked message", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", ack_policy: "all" });
  await h.publish("foo", 4);
  h.ack(h.messagesTo("d")[2]);
  const info = h.engine.info(h.now);
  assert.deepEqual([info.num_ack_pending, info.ack_floor.stream_seq], [1, 3]);
});

Deno.test("ack none moves the floor on delivery", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", ack_policy: "none" });
  await h.publish("foo", 2);
  const info = h.engine.info(h.now);
  assert.deepEqual([info.ack_floor.consumer_seq, info.num_ack_pending], [2, 0]);
});

Deno.test("-NAK redelivers now, -NAK with a delay later, +TERM never; acks as requests are confirmed", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.interest.add("confirm");
  h.open({ deliver_subject: "d", ack_wait: 30 * S });
  await h.publish("foo", 3);
  const [m1, m2, m3] = h.messagesTo("d");
  h.ack(m1, "-NAK", "confirm");
  assert.equal(h.messagesTo("d").length, 4);
  assert.equal(h.sent.filter((s) => s.subject === "confirm").length, 1);
  h.ack(m2, '-NAK {"delay": 2000000000}');
  h.advance(1_000);
  assert.equal(h.messagesTo("d").length, 4);
  h.advance(1_100);
  assert.equal(h.messagesTo("d").length, 5);
  assert.equal(parts(h.messagesTo("d")[4].reply)[5], "2");
  h.ack(m3, "+TERM");
  const term = h.advisories.find((a) => a.body.type === "io.nats.jetstream.advisory.v1.terminated");
  assert.equal(term?.subject, "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.S.C");
  assert.ok(h.advisories.some((a) => a.subject === "$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.S.C"));
  h.advance(40_000);
  assert.ok(!h.messagesTo("d").slice(5).some((m) => parts(m.reply)[5] === "3"));
});

Deno.test("+WPI restarts the ack wait", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", ack_wait: 1 * S });
  await h.publish("foo");
  h.advance(800);
  h.ack(h.messagesTo("d")[0], "+WPI");
  h.advance(800);
  assert.equal(h.messagesTo("d").length, 1);
  h.advance(400);
  assert.equal(h.messagesTo("d").length, 2);
});

Deno.test("deliver policies pick nats-server's starting sequence", async () => {
  const cases: [Record<string, unknown>, number[]][] = [
    [{ deliver_policy: "all" }, [1, 2, 3, 4]],
    [{ deliver_policy: "last" }, [4]],
    [{ deliver_policy: "last", filter_subject: "a" }, [3]],
    [{ deliver_policy: "new" }, []],
    [{ deliver_policy: "by_start_sequence", opt_start_seq: 3 }, [3, 4]],
    [{ deliver_policy: "last_per_subject" }, [3, 4]],
    [{ filter_subject: "b" }, [2, 4]],
    [{ filter_subject: "*" }, [1, 2, 3, 4]],
  ];
  for (const [cfg, seqs] of cases) {
    const h = new Harness();
    await h.publish("a");
    await h.publish("b");
    await h.publish("a");
    await h.publish("b");
    h.interest.add("d");
    h.open({ deliver_subject: "d", ...cfg });
    const got = h.messagesTo("d").map((m) => Number(parts(m.reply)[5]));
    assert.deepEqual(got, seqs, JSON.stringify(cfg));
  }
});

Deno.test("deliver by_start_time starts at the first message at or after the time", async () => {
  const h = new Harness();
  await h.publish("a", 3);
  const ts = h.store.loadMsg(2).ts;
  const iso = new Date(Number(ts / 1_000_000n)).toISOString();
  h.interest.add("d");
  h.open({ deliver_subject: "d", deliver_policy: "by_start_time", opt_start_time: iso });
  assert.deepEqual(h.messagesTo("d").map((m) => parts(m.reply)[5]), ["2", "3"]);
});

Deno.test("headers_only sends Nats-Msg-Size and no payload", async () => {
  const h = new Harness();
  await h.publish("a");
  h.interest.add("d");
  h.open({ deliver_subject: "d", headers_only: true });
  const [m] = h.messagesTo("d");
  assert.equal(m.header, "NATS/1.0\r\nNats-Msg-Size: 2\r\n\r\n");
  assert.equal(m.data, "");
});

Deno.test("push consumer without interest waits, then delivers when interest comes", async () => {
  const h = new Harness();
  await h.publish("a", 2);
  h.open({ deliver_subject: "d" });
  // The first send found nobody: inactive.
  assert.equal(h.engine.info(h.now).push_bound, false);
  h.interest.add("d");
  h.apply({ type: "interest", active: true });
  assert.ok(h.messagesTo("d").length >= 2);
});

Deno.test("push idle heartbeats carry Nats-Last-Consumer and Nats-Last-Stream", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", idle_heartbeat: 1 * S });
  await h.publish("a", 2);
  h.advance(1_050);
  const hb = h.statusesTo("d");
  assert.deepEqual(hb, [
    "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 2\r\nNats-Last-Stream: 2\r\n\r\n",
  ]);
});

Deno.test("flow control asks for a reply and stalls until it comes", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", flow_control: true, idle_heartbeat: 5 * S }, {
    flowControlLimit: 1600,
  });
  await h.publish("a", 20);
  const fc = h.sent.find((s) => s.header === "NATS/1.0 100 FlowControl Request\r\n\r\n");
  assert.ok(fc);
  assert.match(fc.reply, /^\$JS\.FC\.S\.C\.[0-9a-zA-Z]{4}$/);
  const before = h.messagesTo("d").length;
  assert.ok(before < 20, `stalled after ${before}`);
  h.advance(5_000);
  assert.ok(h.statusesTo("d").some((s) => s.includes(`Nats-Consumer-Stalled: ${fc.reply}`)));
  h.apply({ type: "flow", subject: fc.reply });
  assert.ok(h.messagesTo("d").length > before);
});

Deno.test("replay original paces deliveries like the messages were stored", async () => {
  const h = new Harness();
  await h.publish("a");
  h.now += 500n * BigInt(MS);
  await h.publish("a");
  h.interest.add("d");
  h.open({ deliver_subject: "d", replay_policy: "original" });
  assert.equal(h.messagesTo("d").length, 1);
  h.advance(400);
  assert.equal(h.messagesTo("d").length, 1);
  h.advance(200);
  assert.equal(h.messagesTo("d").length, 2);
});

Deno.test("rate_limit_bps holds deliveries back", async () => {
  const h = new Harness();
  await h.publish("a", 3);
  h.interest.add("d");
  // 800 bits/s = 100 bytes/s with a 60 byte burst: one message at a time.
  h.open({ deliver_subject: "d", rate_limit_bps: 800 }, { rateBurst: 60 });
  const n0 = h.messagesTo("d").length;
  assert.ok(n0 < 3);
  h.advance(2_000);
  assert.equal(h.messagesTo("d").length, 3);
});

Deno.test("a purge drops pending messages and moves the floors past them", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d" });
  await h.publish("a", 3);
  h.store.purge();
  h.apply({ type: "purged", firstSeq: 0, lastSeq: 3 });
  const info = h.engine.info(h.now);
  assert.deepEqual(
    [info.num_ack_pending, info.ack_floor.stream_seq, info.ack_floor.consumer_seq],
    [0, 3, 3],
  );
  await h.publish("a");
  assert.equal(parts(h.messagesTo("d").at(-1)!.reply)[5], "4");
});

Deno.test("ack reply pending counts what is left, counting new messages as they are stored", async () => {
  const h = new Harness();
  h.open({});
  await h.publish("a", 2);
  h.pull("r1", { batch: 1, expires: 5 * S });
  assert.equal(parts(h.messagesTo("r1")[0].reply)[8], "1");
  await h.publish("b", 2);
  await h.publish("a");
  h.pull("r2", { batch: 4, expires: 5 * S });
  assert.deepEqual(h.messagesTo("r2").map((m) => parts(m.reply)[8]), ["3", "2", "1", "0"]);
  assert.equal(h.engine.info(h.now).num_pending, 0);
});

Deno.test("a pending message the stream removed is terminated, not redelivered", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", ack_wait: 1 * S });
  await h.publish("a", 2);
  h.store.removeMsg(1);
  h.apply({ type: "removed", seq: 1, subject: "a" });
  assert.ok(h.advisories.some((a) => a.body.type === "io.nats.jetstream.advisory.v1.terminated"));
  h.advance(1_500);
  const seqs = h.messagesTo("d").map((m) => parts(m.reply)[5]);
  assert.deepEqual(seqs, ["1", "2", "2"]);
});

Deno.test("sample_freq 100% sends a consumer_ack metric per ack", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", sample_freq: "100%" });
  await h.publish("a");
  h.now += 5_000_000n;
  h.ack(h.messagesTo("d")[0]);
  const m = h.advisories.find((a) => a.body.type === "io.nats.jetstream.metric.v1.consumer_ack");
  assert.equal(m?.subject, "$JS.EVENT.METRIC.CONSUMER.ACK.S.C");
  assert.deepEqual(
    [m?.body.stream_seq, m?.body.consumer_seq, m?.body.deliveries, m?.body.ack_time],
    [1, 1, 1, 5_000_000],
  );
});

Deno.test("a NAK with a bad delay is a plain NAK and logs nats-server's warning", async () => {
  const h = new Harness();
  h.interest.add("d");
  const warnings: string[] = [];
  h.open({ deliver_subject: "d", ack_wait: 30 * S });
  h.engine.deps.output.warn = (t) => warnings.push(t);
  await h.publish("a");
  h.ack(h.messagesTo("d")[0], "-NAK soon");
  assert.deepEqual(warnings, ['bad NAK delay value: "soon"']);
  assert.equal(h.messagesTo("d").length, 2);
});

Deno.test("acks applied together free room for one delivery pass in order", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", max_ack_pending: 2 });
  await h.publish("foo", 5);
  const [a, b] = h.messagesTo("d");
  const enc = new TextEncoder();
  h.engine.applyAcks(
    [a, b].map((m) => ({ subject: m.reply, reply: "", body: enc.encode("+ACK") })),
    h.now,
  );
  const got = h.messagesTo("d");
  assert.equal(got.length, 4);
  assert.deepEqual(got.map((m) => m.reply.split(".")[5]), ["1", "2", "3", "4"]);
  const info = h.engine.info(h.now);
  assert.deepEqual([info.num_ack_pending, info.ack_floor.stream_seq, info.num_pending], [2, 2, 1]);
});

Deno.test("a push pass stops at passLimit and goes on, in order, with each stored entry", async () => {
  const h = new Harness();
  await h.publish("foo", 5);
  h.interest.add("d");
  const e = h.open({ deliver_subject: "d" }, { passLimit: 2 });
  assert.equal(h.messagesTo("d").length, 2);
  assert.equal(e.more, true);
  h.apply({ type: "stored" });
  assert.equal(h.messagesTo("d").length, 4);
  assert.equal(e.more, true);
  h.apply({ type: "stored" });
  const got = h.messagesTo("d");
  assert.equal(got.length, 5);
  assert.equal(e.more, false);
  assert.deepEqual(got.map((m) => m.data), ["m1", "m2", "m3", "m4", "m5"]);
  assert.deepEqual(got.map((m) => parts(m.reply)[6]), ["1", "2", "3", "4", "5"]);
  // Pull consumers are bounded by their requests, not by the pass limit.
  const p = new Harness();
  await p.publish("foo", 5);
  const pe = p.open({}, { passLimit: 2 });
  p.pull("r", { batch: 5 });
  assert.equal(p.messagesTo("r").length, 5);
  assert.equal(pe.more, false);
});
