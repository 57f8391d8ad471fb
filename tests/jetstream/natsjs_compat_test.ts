/**
 * @module
 * Regression tests for behaviours the official nats.js JetStream, KV and object-store test
 * suites depend on (run with the natsjs harness against nats-server 2.9.10), each checked with
 * the official client against an in-process denats.
 */
import assert from "node:assert/strict";
import { connect, jwtAuthenticator } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { eventually, JsTestDir } from "./_js_server.ts";
import {
  createAccount,
  makeAccount,
  makeOperator,
  makeUser,
  UNLIMITED_ACCOUNT,
} from "../../server/accounts/_test_keys.ts";

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

Deno.test("natsjs compat: an account JWT's tiered JetStream limits (account info tiers)", async () => {
  const sys = createAccount();
  const op = await makeOperator({ system_account: sys.getPublicKey() });
  const sysJwt = await makeAccount(op.kp, {}, { kp: sys });
  const acc = await makeAccount(op.kp, {
    limits: {
      ...UNLIMITED_ACCOUNT,
      tiered_limits: { R1: { disk_storage: 1024 * 1024, consumer: -1, streams: -1 } },
    },
  });
  const user = await makeUser(acc.kp, { bearer_token: true });
  using dir = new JsTestDir();
  await using srv = await dir.start(`operator: ${op.jwt}
resolver: MEMORY
resolver_preload: {
  ${sys.getPublicKey()}: ${sysJwt.jwt}
  ${acc.pub}: ${acc.jwt}
}
`);
  const nc = await connect({ port: srv.port, authenticator: jwtAuthenticator(user.jwt) });
  try {
    const jsm = await jetstreamManager(nc);
    const unlimitedR1 = {
      max_memory: 0,
      max_storage: 1024 * 1024,
      max_streams: -1,
      max_consumers: -1,
      // nats-server toUnlimited: a limit the JWT leaves at 0 is no limit.
      max_ack_pending: -1,
      memory_max_stream_bytes: -1,
      storage_max_stream_bytes: -1,
      max_bytes_required: false,
    };
    const ai = await jsm.getAccountInfo();
    // nats-server JetStreamUsage with tiers: zero limits at the top level, the tier's below.
    assert.deepEqual(ai.limits, {
      max_memory: 0,
      max_storage: 0,
      max_streams: 0,
      max_consumers: 0,
      max_ack_pending: 0,
      memory_max_stream_bytes: 0,
      storage_max_stream_bytes: 0,
      max_bytes_required: false,
    });
    assert.deepEqual(ai.tiers, {
      R1: { memory: 0, storage: 0, streams: 0, consumers: 0, limits: unlimitedR1 },
    });
    await jsm.streams.add({ name: "S", subjects: ["s.>"] });
    await jsm.consumers.add("S", { durable_name: "d" });
    const after = await jsm.getAccountInfo();
    assert.equal(after.streams, 1);
    assert.equal(after.tiers?.R1?.streams, 1);
    assert.equal(after.tiers?.R1?.consumers, 1);
  } finally {
    await nc.close();
  }
});
