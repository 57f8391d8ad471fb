import assert from "node:assert/strict";
import { Advisories } from "./advisories.ts";

const NOW = 1_796_644_500_405_085_281n;

function advisories(domain = "") {
  let n = 0;
  return new Advisories({ nextId: () => `id${++n}`, now: () => NOW, domain });
}

Deno.test("stream and consumer actions: nats-server's subjects and shapes", () => {
  const a = advisories();
  const created = a.streamAction("S", "create");
  assert.equal(created.subject, "$JS.EVENT.ADVISORY.STREAM.CREATED.S");
  assert.deepEqual(created.body, {
    type: "io.nats.jetstream.advisory.v1.stream_action",
    id: "id1",
    timestamp: "2026-12-07T11:55:00.405085281Z",
    stream: "S",
    action: "create",
  });
  assert.equal(a.streamAction("S", "modify").subject, "$JS.EVENT.ADVISORY.STREAM.UPDATED.S");
  assert.equal(a.streamAction("S", "delete").subject, "$JS.EVENT.ADVISORY.STREAM.DELETED.S");
  const deleted = a.consumerAction("S", "D", "delete");
  assert.equal(deleted.subject, "$JS.EVENT.ADVISORY.CONSUMER.DELETED.S.D");
  assert.deepEqual(Object.keys(deleted.body), [
    "type",
    "id",
    "timestamp",
    "stream",
    "consumer",
    "action",
  ]);
});

Deno.test("delivery advisories and the ack metric keep Go's field order; domain last", () => {
  const a = advisories("hub");
  const d = { stream: "S", consumer: "C", consumerSeq: 3, streamSeq: 9, deliveries: 2 };
  const metric = a.ackMetric(d, 1500n);
  assert.equal(metric.subject, "$JS.EVENT.METRIC.CONSUMER.ACK.S.C");
  assert.deepEqual(Object.keys(metric.body), [
    "type",
    "id",
    "timestamp",
    "stream",
    "consumer",
    "consumer_seq",
    "stream_seq",
    "ack_time",
    "deliveries",
    "domain",
  ]);
  assert.deepEqual(Object.keys(a.maxDeliveries(d).body).slice(3), [
    "stream",
    "consumer",
    "stream_seq",
    "deliveries",
    "domain",
  ]);
  assert.equal(a.nak(d).subject, "$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.S.C");
  assert.equal(a.terminated(d).body.type, "io.nats.jetstream.advisory.v1.terminated");
});

Deno.test("api audit: request left out when empty", () => {
  const a = advisories();
  const audit = a.apiAudit("SRV", { acc: "$G", server: "SRV" }, "$JS.API.INFO", "", "{}");
  assert.equal(audit.subject, "$JS.EVENT.ADVISORY.API");
  assert.deepEqual(Object.keys(audit.body).slice(3), ["server", "client", "subject", "response"]);
});

Deno.test("snapshot and restore advisories: subjects, types and Go's field order", () => {
  const a = advisories("hub");
  const client = { acc: "A", server: "S1" };
  const create = a.snapshotCreate("S", { messages: 1 }, client);
  assert.equal(create.subject, "$JS.EVENT.ADVISORY.STREAM.SNAPSHOT_CREATE.S");
  assert.deepEqual(Object.keys(create.body), [
    "type",
    "id",
    "timestamp",
    "stream",
    "state",
    "client",
    "domain",
  ]);
  assert.equal(create.body.type, "io.nats.jetstream.advisory.v1.snapshot_create");
  const done = a.snapshotComplete("S", NOW, NOW + 1n, client);
  assert.equal(done.subject, "$JS.EVENT.ADVISORY.STREAM.SNAPSHOT_COMPLETE.S");
  assert.equal(done.body.type, "io.nats.jetstream.advisory.v1.snapshot_complete");
  assert.equal(done.body.end, "2026-12-07T11:55:00.405085282Z");
  const restore = a.restoreCreate("S", client);
  assert.equal(restore.subject, "$JS.EVENT.ADVISORY.STREAM.RESTORE_CREATE.S");
  assert.deepEqual(Object.keys(restore.body), [
    "type",
    "id",
    "timestamp",
    "stream",
    "client",
    "domain",
  ]);
  const restored = a.restoreComplete("S", NOW, NOW, 42, client);
  assert.equal(restored.subject, "$JS.EVENT.ADVISORY.STREAM.RESTORE_COMPLETE.S");
  assert.equal(restored.body.type, "io.nats.jetstream.advisory.v1.restore_complete");
  assert.deepEqual(Object.keys(restored.body).slice(3), [
    "stream",
    "start",
    "end",
    "bytes",
    "client",
    "domain",
  ]);
  assert.equal(restored.body.bytes, 42);
});
