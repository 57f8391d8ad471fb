import assert from "node:assert/strict";
import {
  API_OPS,
  apiSubject,
  jsDomainMappings,
  mapJsDomainSubject,
  parseApiSubject,
  responseType,
} from "./api_subjects.ts";

Deno.test("every operation's own subject routes back to it", () => {
  for (const op of Object.keys(API_OPS) as (keyof typeof API_OPS)[]) {
    const subject = apiSubject(op, "A", "B", "c.d");
    assert.equal(parseApiSubject(subject)?.op, op, subject);
  }
});

/** Subjects and what they parse to. */
const PARSED: [string, ReturnType<typeof parseApiSubject>][] = [
  ["$JS.API.STREAM.CREATE.ORDERS", { op: "STREAM.CREATE", stream: "ORDERS" }],
  ["$JS.API.STREAM.MSG.GET.ORDERS", { op: "STREAM.MSG.GET", stream: "ORDERS" }],
  ["$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.d1", {
    op: "CONSUMER.DURABLE.CREATE",
    stream: "ORDERS",
    consumer: "d1",
  }],
  ["$JS.API.CONSUMER.CREATE.ORDERS.c1.orders.*.new", {
    op: "CONSUMER.CREATE.NAMED",
    stream: "ORDERS",
    consumer: "c1",
    filter: "orders.*.new",
  }],
  ["$JS.API.CONSUMER.CREATE.ORDERS.c1", {
    op: "CONSUMER.CREATE.NAMED",
    stream: "ORDERS",
    consumer: "c1",
  }],
  ["$JS.API.CONSUMER.MSG.NEXT.ORDERS.c1", {
    op: "CONSUMER.MSG.NEXT",
    stream: "ORDERS",
    consumer: "c1",
  }],
  ["$JS.API.DIRECT.GET.KV_b.$KV.b.key", {
    op: "DIRECT.GET.LAST",
    stream: "KV_b",
    subject: "$KV.b.key",
  }],
  ["$JS.API.ACCOUNT.STREAM.MOVE.ACC.S", { op: "ACCOUNT.STREAM.MOVE", account: "ACC", stream: "S" }],
  ["$JS.API.STREAM.TEMPLATE.INFO.t", { op: "STREAM.TEMPLATE.INFO", template: "t" }],
];

Deno.test("stream and consumer names come from the right tokens", () => {
  for (const [subject, want] of PARSED) assert.deepEqual(parseApiSubject(subject), want, subject);
});

Deno.test("subjects no 2.9.10 subscription takes route nowhere", () => {
  for (
    const s of [
      "$JS.API.CONSUMER.DURABLE.CREATE.S",
      "$JS.API.STREAM.CREATE",
      "$JS.API.STREAM.CREATE.a.b",
      "$JS.API.INFO.x",
      "$JS.API.STREAM.NAMES.x",
      "$JS.API.CONSUMER.INFO.S",
      "$JS.API.STREAM.CREATE.",
      "$JS.API.NOPE",
    ]
  ) {
    assert.equal(parseApiSubject(s), null, s);
  }
});

Deno.test("response types are nats-server's io.nats.jetstream.api.v1 names", () => {
  assert.equal(responseType("INFO"), "io.nats.jetstream.api.v1.account_info_response");
  assert.equal(
    responseType("STREAM.MSG.DELETE"),
    "io.nats.jetstream.api.v1.stream_msg_delete_response",
  );
  assert.equal(
    responseType("SERVER.REMOVE"),
    "io.nats.jetstream.api.v1.meta_server_remove_response",
  );
  assert.equal(responseType("CONSUMER.DURABLE.CREATE"), responseType("CONSUMER.CREATE"));
  assert.equal(responseType("DIRECT.GET"), null);
});

Deno.test("a domain maps $JS.<domain>.API subjects onto $JS.API", () => {
  assert.equal(jsDomainMappings("hub").length, 9);
  assert.deepEqual(jsDomainMappings("hub")[0], { from: "$JS.hub.API.INFO", to: "$JS.API.INFO" });
  assert.equal(mapJsDomainSubject("$JS.hub.API.INFO", "hub"), "$JS.API.INFO");
  assert.equal(
    mapJsDomainSubject("$JS.hub.API.CONSUMER.CREATE.S.c", "hub"),
    "$JS.API.CONSUMER.CREATE.S.c",
  );
  assert.equal(mapJsDomainSubject("$JS.hub.API.$KV.b.k", "hub"), "$KV.b.k");
  assert.equal(mapJsDomainSubject("$JS.hub.API.INFO.x", "hub"), null);
  assert.equal(mapJsDomainSubject("$JS.hub.API.STREAM", "hub"), null);
  assert.equal(mapJsDomainSubject("$JS.other.API.INFO", "hub"), null);
});
