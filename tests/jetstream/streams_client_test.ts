/**
 * @module
 * Streams driven by the official client (`@nats-io/jetstream` 3.4.0 over
 * `@nats-io/transport-node`) against an in-process denats: stream management, publishes with
 * every expectation and dedupe, rollups, discard new per subject, max_age expiry, message
 * get/delete, direct get, republish, retention on acks, account info and the `/varz`
 * numbers.
 */
import assert from "node:assert/strict";
import { connect, headers } from "@nats-io/transport-node";
import { jetstream, JetStreamApiError, jetstreamManager } from "@nats-io/jetstream";
import { eventually, JsTestDir } from "./_js_server.ts";
import type { ConsumerHandle } from "../../server/jetstream/stream_view.ts";

async function apiCode(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof JetStreamApiError) return err.code;
    throw err;
  }
  throw new Error("expected an API error");
}

Deno.test("official client: create, info, update, names/list with filter, purge and delete", async () => {
  using dir = new JsTestDir();
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  try {
    const jsm = await jetstreamManager(nc);
    const created = await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"] });
    assert.equal(created.config.storage, "file");
    assert.equal(created.state.messages, 0);
    await jsm.streams.add({ name: "MEM", subjects: ["mem"], storage: "memory" as never });
    const js = jetstream(nc);
    for (const s of ["orders.a", "orders.a", "orders.b", "orders.c"]) await js.publish(s, "x");
    const info = await jsm.streams.info("ORDERS", { subjects_filter: "orders.*" });
    assert.equal(info.state.messages, 4);
    assert.deepEqual(info.state.subjects, { "orders.a": 2, "orders.b": 1, "orders.c": 1 });
    const updated = await jsm.streams.update("ORDERS", { subjects: ["orders.>", "more"] });
    assert.deepEqual(updated.config.subjects, ["orders.>", "more"]);
    assert.equal((await js.publish("more", "y")).seq, 5);
    assert.deepEqual(await jsm.streams.names("more").next(), ["ORDERS"]);
    const all = await jsm.streams.list().next();
    assert.deepEqual(all.map((s) => s.config.name), ["MEM", "ORDERS"]);
    assert.equal((await jsm.streams.purge("ORDERS", { filter: "orders.a", keep: 1 })).purged, 1);
    // Left: 2 (orders.a), 3, 4, 5; everything below 4 goes.
    assert.equal((await jsm.streams.purge("ORDERS", { seq: 4 })).purged, 2);
    assert.equal((await jsm.streams.info("ORDERS")).state.messages, 2);
    assert.equal((await jsm.streams.purge("ORDERS")).purged, 2);
    assert.equal(await jsm.streams.delete("ORDERS"), true);
    assert.equal(await apiCode(jsm.streams.info("ORDERS")), 10059);
    assert.equal(await apiCode(jsm.streams.add({ name: "BAD", subjects: ["mem"] })), 10065);
  } finally {
    await nc.close();
  }
});

Deno.test("official client: expectations, dedupe, rollup and discard new per subject", async () => {
  using dir = new JsTestDir();
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: "KV",
      subjects: ["kv.>"],
      allow_rollup_hdrs: true,
      max_msgs_per_subject: 2,
      discard: "new" as never,
      discard_new_per_subject: true,
    });
    const js = jetstream(nc);
    const first = await js.publish("kv.a", "1", { msgID: "one" });
    assert.deepEqual([first.seq, first.duplicate], [1, false]);
    const dup = await js.publish("kv.a", "1", { msgID: "one" });
    assert.deepEqual([dup.seq, dup.duplicate], [1, true]);
    assert.equal(await apiCode(js.publish("kv.a", "x", { expect: { streamName: "X" } })), 10060);
    assert.equal(await apiCode(js.publish("kv.a", "x", { expect: { lastSequence: 7 } })), 10071);
    assert.equal(
      await apiCode(js.publish("kv.a", "x", { expect: { lastSubjectSequence: 0 } })),
      10071,
    );
    assert.equal(await apiCode(js.publish("kv.a", "x", { expect: { lastMsgID: "two" } })), 10070);
    const ok = await js.publish("kv.a", "2", {
      expect: { lastSequence: 1, lastSubjectSequence: 1, lastMsgID: "one", streamName: "KV" },
    });
    assert.equal(ok.seq, 2);
    // max_msgs_per_subject 2 with discard new per subject: the third kv.a is refused.
    assert.equal(await apiCode(js.publish("kv.a", "3")), 10077);
    await js.publish("kv.b", "b");
    // A rollup is stored first (and may be refused like any message), then purges the rest.
    const h = headers();
    h.set("Nats-Rollup", "sub");
    assert.equal(await apiCode(js.publish("kv.a", "r", { headers: h })), 10077);
    assert.equal((await js.publish("kv.b", "r", { headers: h })).seq, 4);
    const info = await jsm.streams.info("KV", { subjects_filter: ">" });
    assert.deepEqual(info.state.subjects, { "kv.a": 2, "kv.b": 1 });
    h.set("Nats-Rollup", "all");
    await js.publish("kv.c", "all", { headers: h });
    assert.equal((await jsm.streams.info("KV")).state.messages, 1);
  } finally {
    await nc.close();
  }
});

Deno.test("official client: message get/delete, direct get and max_age expiry", async () => {
  using dir = new JsTestDir();
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: "D",
      subjects: ["d.*"],
      allow_direct: true,
      storage: "memory" as never,
    });
    const js = jetstream(nc);
    await js.publish("d.a", "one");
    await js.publish("d.b", "two");
    await js.publish("d.a", "three");
    const m = await jsm.streams.getMessage("D", { last_by_subj: "d.a" });
    assert.equal(m?.seq, 3);
    assert.equal(m?.string(), "three");
    const direct = await jsm.direct.getMessage("D", { seq: 2 });
    assert.equal(direct?.subject, "d.b");
    assert.equal(direct?.string(), "two");
    assert.equal(direct?.header.get("Nats-Stream"), "D");
    assert.equal(await jsm.direct.getMessage("D", { seq: 99 }), null);
    assert.equal(await jsm.streams.deleteMessage("D", 1, false), true);
    assert.equal(await jsm.streams.getMessage("D", { seq: 1 }), null);
    await jsm.streams.add({ name: "AGE", subjects: ["age"], max_age: 300_000_000 });
    await js.publish("age", "old");
    assert.equal((await jsm.streams.info("AGE")).state.messages, 1);
    await eventually(async () => (await jsm.streams.info("AGE")).state.messages === 0);
  } finally {
    await nc.close();
  }
});

Deno.test("a message id is a duplicate only within the duplicate window", async () => {
  using dir = new JsTestDir();
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: "W",
      subjects: ["w"],
      storage: "memory" as never,
      duplicate_window: 200_000_000,
    });
    const js = jetstream(nc);
    assert.equal((await js.publish("w", "1", { msgID: "id" })).seq, 1);
    assert.equal((await js.publish("w", "1", { msgID: "id" })).duplicate, true);
    // The window's timer forgets the id; the same id is then stored again.
    await eventually(async () => !(await js.publish("w", "x", { msgID: "id" })).duplicate);
    assert.equal((await jsm.streams.info("W")).state.messages, 2);
  } finally {
    await nc.close();
  }
});

Deno.test("republish sends stored messages with their stream headers", async () => {
  using dir = new JsTestDir();
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: "R",
      subjects: ["r.>"],
      storage: "memory" as never,
      republish: { src: "r.>", dest: "rp.>" },
    });
    const sub = nc.subscribe("rp.>", { max: 2 });
    await nc.flush();
    const js = jetstream(nc);
    await js.publish("r.x", "1");
    await js.publish("r.x", "2");
    const got = [];
    for await (const m of sub) got.push(m);
    assert.deepEqual(got.map((m) => m.subject), ["rp.x", "rp.x"]);
    assert.equal(got[1].headers?.get("Nats-Sequence"), "2");
    assert.equal(got[1].headers?.get("Nats-Last-Sequence"), "1");
    assert.equal(got[1].headers?.get("Nats-Stream"), "R");
    assert.equal(got[1].string(), "2");
  } finally {
    await nc.close();
  }
});

/** A consumer as the stream sees it, needing the sequences in `pending`. */
function fakeConsumer(name: string, pending: Set<number>): ConsumerHandle {
  return {
    name,
    filterSubject: "",
    needsAck: (seq) => pending.has(seq),
    stop() {},
    delete() {},
  };
}

Deno.test("work-queue and interest retention remove acked messages through StreamView.acked", async () => {
  using dir = new JsTestDir();
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "WQ", subjects: ["wq"], retention: "workqueue" as never });
    await jsm.streams.add({ name: "IN", subjects: ["in"], retention: "interest" as never });
    const js = jetstream(nc);
    const registry = server.server.jetstream!.streams!;
    const wq = registry.stream("$G", "WQ")!;
    const a = fakeConsumer("a", new Set([1]));
    wq.attachConsumer(a);
    await js.publish("wq", "1");
    await js.publish("wq", "2");
    wq.acked(a, 1);
    assert.equal((await jsm.streams.info("WQ")).state.messages, 1);
    assert.equal((await jsm.streams.info("WQ")).state.consumer_count, 1);
    const interest = registry.stream("$G", "IN")!;
    // Without consumers an interest stream stores nothing.
    assert.equal((await js.publish("in", "skipped")).seq, 1);
    assert.equal((await jsm.streams.info("IN")).state.messages, 0);
    const x = fakeConsumer("x", new Set()), y = fakeConsumer("y", new Set([2]));
    interest.attachConsumer(x);
    interest.attachConsumer(y);
    await js.publish("in", "kept");
    interest.acked(x, 2);
    assert.equal((await jsm.streams.info("IN")).state.messages, 1);
    interest.detachConsumer("y");
    interest.acked(x, 2);
    assert.equal((await jsm.streams.info("IN")).state.messages, 0);
    // A purge tells the consumers where the stream now starts (consumer.go purge).
    const purges: [number, number][] = [];
    wq.attachConsumer({ ...fakeConsumer("p", new Set()), purged: (f, l) => purges.push([f, l]) });
    await js.publish("wq", "3");
    await jsm.streams.purge("WQ");
    assert.deepEqual(purges, [[4, 3]]);
    assert.match(wq.consumerDir ?? "", /\/\$G\/streams\/WQ\/obs$/);
  } finally {
    await nc.close();
  }
});

Deno.test("account info, account limits and /varz report real usage", async () => {
  using dir = new JsTestDir();
  await using server = await dir.start(`
accounts {
  A: { jetstream: { max_mem: 1000, max_file: 2000, max_streams: 2 }, users: [{user: a, password: a}] }
}`);
  const nc = await connect({ port: server.port, user: "a", pass: "a" });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: "M",
      subjects: ["m"],
      storage: "memory" as never,
      max_bytes: 600,
    });
    // 600 of 1000 reserved: another 600 does not fit (nats-server's 10028).
    assert.equal(
      await apiCode(
        jsm.streams.add({
          name: "M2",
          subjects: ["m2"],
          storage: "memory" as never,
          max_bytes: 600,
        }),
      ),
      10028,
    );
    await jsm.streams.add({ name: "F", subjects: ["f"] });
    assert.equal(await apiCode(jsm.streams.add({ name: "G", subjects: ["g"] })), 10027);
    const js = jetstream(nc);
    await js.publish("m", "12345");
    await js.publish("f", "12345");
    const info = await jsm.getAccountInfo();
    assert.equal(info.streams, 2);
    assert.equal(info.memory, 1 + 5 + 16);
    assert.equal(info.storage, 22 + 1 + 5 + 8);
    // max_file 2000: a 3000-byte message pushes the account over and is taken back (10002).
    assert.equal(await apiCode(js.publish("f", new Uint8Array(3000))), 10002);
    const totals = server.server.jetstream!.totals();
    assert.deepEqual(totals, { streams: 2, consumers: 0, messages: 2, bytes: 22 + 36 });
    const stats = server.server.jetstream!.stats();
    assert.equal(stats.memory, 22);
    assert.equal(stats.reserved_memory, 600);
    // Deleting a stream gives its bytes back (the file store's delete reports none itself).
    await jsm.streams.delete("F");
    await jsm.streams.purge("M");
    const after = await jsm.getAccountInfo();
    assert.deepEqual([after.streams, after.memory, after.storage], [1, 0, 0]);
  } finally {
    await nc.close();
  }
});
