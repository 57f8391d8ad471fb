import assert from "node:assert/strict";
import { Harness } from "./_harness.ts";
import { MemoryConsumerStore } from "../../store/memory_store.ts";

const S = 1_000_000_000;

Deno.test("a pull batch takes up to batch messages and waits for more", async () => {
  const h = new Harness();
  h.open({});
  await h.publish("a", 2);
  h.pull("r1", { batch: 3, expires: 5 * S });
  assert.equal(h.messagesTo("r1").length, 2);
  assert.equal(h.engine.info(h.now).num_waiting, 1);
  await h.publish("a");
  assert.equal(h.messagesTo("r1").length, 3);
  assert.equal(h.engine.info(h.now).num_waiting, 0);
});

Deno.test("a plain pull request (empty body or a number) asks for that many", async () => {
  const h = new Harness();
  h.open({});
  await h.publish("a", 5);
  h.pull("r1", "");
  assert.equal(h.messagesTo("r1").length, 1);
  h.pull("r2", "3");
  assert.equal(h.messagesTo("r2").length, 3);
});

Deno.test("no_wait with nothing pending answers 404 No Messages", () => {
  const h = new Harness();
  h.open({});
  h.pull("r1", { batch: 5, no_wait: true });
  assert.deepEqual(h.statusesTo("r1"), ["NATS/1.0 404 No Messages\r\n\r\n"]);
});

Deno.test("no_wait ends the batch early with 408 Request Timeout and what was left", async () => {
  const h = new Harness();
  h.open({});
  await h.publish("a", 2);
  h.pull("r1", { batch: 5, no_wait: true });
  assert.equal(h.messagesTo("r1").length, 2);
  assert.deepEqual(h.statusesTo("r1"), [
    "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 3\r\nNats-Pending-Bytes: 0\r\n\r\n",
  ]);
});

Deno.test("an expiring request ends with 408 Request Timeout at its expiry", () => {
  const h = new Harness();
  h.open({});
  h.pull("r1", { batch: 4, expires: 2 * S, max_bytes: 100 });
  h.advance(1_900);
  assert.deepEqual(h.statusesTo("r1"), []);
  h.advance(200);
  assert.deepEqual(h.statusesTo("r1"), [
    "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 4\r\nNats-Pending-Bytes: 100\r\n\r\n",
  ]);
  assert.equal(h.engine.info(h.now).num_waiting, 0);
});

Deno.test("max_bytes too small for the next message answers 409 Message Size Exceeds MaxBytes", async () => {
  const h = new Harness();
  h.open({});
  await h.publish("a", 1);
  h.pull("r1", { batch: 2, max_bytes: 10, expires: S });
  assert.deepEqual(h.statusesTo("r1"), [
    "NATS/1.0 409 Message Size Exceeds MaxBytes\r\nNats-Pending-Messages: 2\r\nNats-Pending-Bytes: 10\r\n\r\n",
  ]);
  // The message stays for the next request.
  h.pull("r2", { batch: 1 });
  assert.equal(h.messagesTo("r2").length, 1);
});

Deno.test("max_waiting full answers 409 Exceeded MaxWaiting", () => {
  const h = new Harness();
  h.open({ max_waiting: 1 });
  h.pull("r1", { batch: 1, expires: 10 * S });
  h.pull("r2", { batch: 1, expires: 10 * S });
  assert.deepEqual(h.statusesTo("r2"), ["NATS/1.0 409 Exceeded MaxWaiting\r\n\r\n"]);
});

Deno.test("request limits answer nats-server's 409 texts", () => {
  const h = new Harness();
  h.open({ max_batch: 2, max_expires: 1 * S, max_bytes: 50 });
  h.pull("r1", { batch: 3 });
  h.pull("r2", { batch: 1, expires: 2 * S });
  h.pull("r3", { batch: 1, max_bytes: 51 });
  h.pull("r4", { batch: 1, expires: 1 * S, idle_heartbeat: S });
  h.pull("r5", '{"batch": "x"}');
  assert.deepEqual(h.statusesTo("r1"), ["NATS/1.0 409 Exceeded MaxRequestBatch of 2\r\n\r\n"]);
  assert.deepEqual(h.statusesTo("r2"), ["NATS/1.0 409 Exceeded MaxRequestExpires of 1s\r\n\r\n"]);
  assert.deepEqual(h.statusesTo("r3"), ["NATS/1.0 409 Exceeded MaxRequestMaxBytes of 50\r\n\r\n"]);
  assert.deepEqual(h.statusesTo("r4"), [
    "NATS/1.0 400 Bad Request - heartbeat value too large\r\n\r\n",
  ]);
  assert.match(h.statusesTo("r5")[0], /^NATS\/1\.0 400 Bad Request - /);
});

Deno.test("a pull request to a push consumer answers 409 Consumer is push based", () => {
  const h = new Harness();
  h.open({ deliver_subject: "d" });
  h.pull("r1");
  assert.deepEqual(h.statusesTo("r1"), ["NATS/1.0 409 Consumer is push based\r\n\r\n"]);
});

Deno.test("pull requests get idle heartbeats while they wait", () => {
  const h = new Harness();
  h.open({});
  h.pull("r1", { batch: 1, expires: 10 * S, idle_heartbeat: 2 * S });
  h.advance(2_100);
  assert.deepEqual(h.statusesTo("r1"), [
    "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 0\r\nNats-Last-Stream: 0\r\n\r\n",
  ]);
  h.advance(2_100);
  assert.equal(h.statusesTo("r1").length, 2);
});

Deno.test("requests whose reply lost interest are dropped without a status", async () => {
  const h = new Harness();
  h.open({});
  h.pull("r1", { batch: 1, expires: 10 * S });
  h.interest.delete("r1");
  await h.publish("a");
  assert.equal(h.sent.filter((s) => s.subject === "r1").length, 0);
  assert.equal(h.engine.info(h.now).num_waiting, 0);
});

Deno.test("requests are served round robin, one message each", async () => {
  const h = new Harness();
  h.open({});
  h.pull("r1", { batch: 2, expires: 10 * S });
  h.pull("r2", { batch: 2, expires: 10 * S });
  await h.publish("a", 3);
  assert.deepEqual(
    h.sent.filter((s) => s.reply.startsWith("$JS.ACK")).map((s) => s.subject),
    ["r1", "r2", "r1"],
  );
});

Deno.test("+NXT acks and asks for the next message on the ack's reply", async () => {
  const h = new Harness();
  h.open({});
  await h.publish("a", 3);
  h.pull("r1", "");
  const [m] = h.messagesTo("r1");
  h.interest.add("r9");
  h.ack(m, "+NXT 2", "r9");
  assert.equal(h.messagesTo("r9").length, 2);
  assert.equal(h.engine.info(h.now).ack_floor.stream_seq, 1);
});

Deno.test("deleting the consumer answers waiting requests 409 Consumer Deleted", () => {
  const h = new Harness();
  h.open({});
  h.pull("r1", { batch: 1, expires: 10 * S });
  h.apply({ type: "delete" });
  assert.deepEqual(h.statusesTo("r1"), ["NATS/1.0 409 Consumer Deleted\r\n\r\n"]);
});

Deno.test("an idle ephemeral pull consumer reports inactive after its threshold", () => {
  const h = new Harness();
  h.open({ inactive_threshold: 2 * S });
  h.advance(2_050);
  assert.equal(h.inactive, false);
  h.advance(200);
  assert.equal(h.inactive, true);
});

Deno.test("a push consumer without interest reports inactive after its threshold", () => {
  const h = new Harness();
  h.open({ deliver_subject: "d", inactive_threshold: 1 * S });
  h.apply({ type: "interest", active: false });
  h.advance(1_100);
  assert.equal(h.inactive, true);
});

Deno.test("durable state survives: a restarted engine resumes from the consumer store", async () => {
  const h = new Harness();
  h.interest.add("d");
  h.open({ deliver_subject: "d", durable_name: "C" });
  await h.publish("a", 3);
  h.ack(h.messagesTo("d")[0]);
  const cs = h.engine.deps.consumerStore!;
  const state = cs.state();
  assert.deepEqual(state.delivered, { consumerSeq: 3, streamSeq: 3 });
  assert.deepEqual(state.ackFloor, { consumerSeq: 1, streamSeq: 1 });
  assert.equal(state.pending.size, 2);
  // A new engine over a store that has this state resumes where the first stopped.
  const restored = new (class extends MemoryConsumerStore {
    override hasState() {
      return true;
    }
  })({ ackPolicy: "explicit" }, () => {});
  restored.update(state);
  h.open({ deliver_subject: "d", durable_name: "C" }, { consumerStore: restored });
  const info = h.engine.info(h.now);
  assert.deepEqual([info.delivered.consumer_seq, info.ack_floor.stream_seq], [3, 1]);
  assert.equal(info.num_ack_pending, 2);
  await h.publish("a");
  const last = h.messagesTo("d").at(-1)!;
  assert.deepEqual(last.reply.split(".").slice(4, 7), ["1", "4", "4"]);
});

Deno.test("a pull request field of the wrong type answers Go's unmarshal text", () => {
  const h = new Harness();
  h.open({});
  h.pull("r1", '{"batch":"x"}');
  h.pull("r2", '{"no_wait":1}');
  h.pull("r3", '{"batch":1.5}');
  const prefix = "NATS/1.0 400 Bad Request - json: cannot unmarshal";
  const field = "into Go struct field JSApiConsumerGetNextRequest";
  assert.deepEqual(h.statusesTo("r1"), [`${prefix} string ${field}.batch of type int\r\n\r\n`]);
  assert.deepEqual(h.statusesTo("r2"), [`${prefix} number ${field}.no_wait of type bool\r\n\r\n`]);
  assert.deepEqual(h.statusesTo("r3"), [`${prefix} number 1.5 ${field}.batch of type int\r\n\r\n`]);
});
