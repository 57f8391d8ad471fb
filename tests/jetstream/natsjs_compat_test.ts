/**
 * @module
 * Regression tests for behaviours the official nats.js JetStream, KV and object-store test
 * suites depend on (run with the natsjs harness against nats-server 2.9.10), each checked with
 * the official client against an in-process denats.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { eventually, JsTestDir } from "./_js_server.ts";

const CROSS_ACCOUNT = `
accounts {
  A: {
    jetstream: enabled
    users: [{ user: a, password: a }]
    exports: [{ service: "$JS.API.>" }, { stream: "forb.>" }]
  }
  B: {
    users: [{ user: b, password: b }]
    imports: [
      { service: { subject: "$JS.API.>", account: A }, to: "froma.>" }
      { stream: { subject: "forb.>", account: A } }
    ]
  }
}
`;

Deno.test("natsjs compat: push consumer delivering through a stream import", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start(CROSS_ACCOUNT);
  const nca = await connect({ port: srv.port, user: "a", pass: "a" });
  const ncb = await connect({ port: srv.port, user: "b", pass: "b", inboxPrefix: "forb" });
  try {
    const jsma = await jetstreamManager(nca);
    await jsma.streams.add({ name: "S", subjects: ["s.>"] });
    await jetstream(nca).publish("s.one", "1");
    const jsmb = await jetstreamManager(ncb, { apiPrefix: "froma" });
    const ci = await jsmb.consumers.add("S", {
      name: "c",
      ack_policy: AckPolicy.None,
      deliver_subject: "forb.deliver",
    });
    // The import alone is no subscriber: nats-server has no shadow subscription yet.
    assert.equal(ci.push_bound, undefined);
    assert.equal((await jsma.consumers.info("S", "c")).push_bound, undefined);

    const got: string[] = [];
    const sub = ncb.subscribe("forb.deliver", {
      callback: (_e, m) => {
        got.push(m.subject);
      },
    });
    await eventually(() => got.length === 1);
    // The importer sees the stored subject, like a subscriber in the stream's own account.
    assert.deepEqual(got, ["s.one"]);
    await eventually(async () => (await jsma.consumers.info("S", "c")).push_bound === true);
    sub.unsubscribe();
    await ncb.flush();
    await eventually(async () => (await jsma.consumers.info("S", "c")).push_bound !== true);
  } finally {
    await nca.close();
    await ncb.close();
  }
});

const EXPORTED_API = `
no_auth_user: a
accounts {
  JS: {
    jetstream: enabled
    users: [{ user: js, password: js }]
    exports: [
      { service: "$JS.API.>", response_type: stream }
      { service: "$JS.ACK.>", response_type: stream }
    ]
  }
  A: {
    users: [{ user: a, password: a }]
    imports: [
      { service: { subject: "$JS.API.>", account: JS }, to: "IPA.>" }
      { service: { subject: "$JS.ACK.>", account: JS } }
    ]
  }
}
`;

Deno.test("natsjs compat: pull requests through a service import get the stored messages", async () => {
  using dir = new JsTestDir();
  await using srv = await dir.start(EXPORTED_API);
  const admin = await connect({ port: srv.port, user: "js", pass: "js" });
  const nc = await connect({ port: srv.port, user: "a", pass: "a" });
  try {
    const jsm = await jetstreamManager(admin);
    await jsm.streams.add({ name: "S", subjects: ["s.>"] });
    const js = jetstream(admin);
    await js.publish("s.one", "1");
    await js.publish("s.two", "2");
    await jsm.consumers.add("S", { durable_name: "me", ack_policy: AckPolicy.Explicit });

    const c = await jetstream(nc, { apiPrefix: "IPA" }).consumers.get("S", "me");
    const first = await c.next({ expires: 2000 });
    assert.ok(first, "a message through the service import");
    // The response keeps the stored subject (nats-server processServiceImport keeps pa.deliver).
    assert.equal(first.subject, "s.one");
    assert.equal(first.seq, 1);
    assert.equal(await first.ackAck(), true);
    const second = await c.next({ expires: 2000 });
    assert.equal(second?.subject, "s.two");
    second?.ack();
    assert.equal(await c.next({ expires: 1000 }), null);
    await eventually(async () => (await jsm.consumers.info("S", "me")).num_ack_pending === 0);
  } finally {
    await admin.close();
    await nc.close();
  }
});
