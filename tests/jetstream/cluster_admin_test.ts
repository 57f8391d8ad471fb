/**
 * @module
 * Clustered JetStream with accounts and a system account (three real `bin/denats`
 * processes): `/healthz` is ok on every server once the meta group formed (also with
 * `js-server-only`); a system user's `$JS.API.META.LEADER.STEPDOWN` hands the meta group to
 * another server (`meta_leader_stepdown_response` with `success`); `/jsz?leader-only=true`
 * answers on the meta leader only; an account user's step-down works too (nats-server 2.9.10
 * takes it through the account's `$JS.API.>` import); an R3 stream in the JetStream account
 * works; stream and consumer leader step-downs (404 10014 for a missing consumer); a replica
 * moved off a server (`STREAM.PEER.REMOVE`: with no server to take it, 10075)
 * and `SERVER.REMOVE` of an unknown server (10044); with two servers gone the last one reports
 * `JetStream has not established contact with a meta leader`.
 * `JS_CLUSTER_BIN=/usr/sbin/nats-server` runs the same checks on the reference.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { waitFor } from "../helpers/poll.ts";
import { Cluster, FAILOVER_MS, type Json, SYS_APP_ACCOUNTS } from "./_js_cluster.ts";

async function healthz(c: Cluster, name: string, query = ""): Promise<Json> {
  const res = await fetch(`${c.node(name).up.monitorUrl}/healthz${query}`);
  return await res.json();
}

Deno.test("clustered JetStream: healthz, the meta leader step-down, an account's R3 stream", async () => {
  await using c = await Cluster.start(SYS_APP_ACCOUNTS);
  const { leader } = await c.metaLeader();
  for (const n of c.nodes) {
    assert.deepEqual(await healthz(c, n.name), { status: "ok" }, n.name);
    assert.deepEqual(await healthz(c, n.name, "?js-server-only=true"), { status: "ok" });
  }

  const sys = await connect({ port: c.node(leader).up.port, user: "sys", pass: "sys" });
  try {
    const r = (await sys.request("$JS.API.META.LEADER.STEPDOWN", "", { timeout: 5000 }))
      .json<Json>();
    assert.deepEqual(r, {
      type: "io.nats.jetstream.api.v1.meta_leader_stepdown_response",
      success: true,
    });
  } finally {
    await sys.close();
  }
  const after = await waitFor(
    async () => {
      const m = await c.metaLeader();
      return m.leader !== leader ? m.leader : null;
    },
    FAILOVER_MS,
    "another meta leader",
  );
  assert.notEqual(after, leader);

  // `/jsz?leader-only=true` is answered by the meta leader only.
  for (const n of c.nodes) {
    const res = await fetch(`${n.up.monitorUrl}/jsz?leader-only=true`);
    const text = await res.text();
    if (n.name === after) {
      assert.equal(res.status, 200, text);
      assert.equal(JSON.parse(text).meta_cluster.leader, after);
    } else {
      assert.notEqual(res.status, 200, `${n.name}: ${text}`);
    }
  }

  // An account's request does the same (2.9.10 lets it through).
  const r2 = (await (await c.client(after)).request("$JS.API.META.LEADER.STEPDOWN", "", {
    timeout: 5000,
  })).json<Json>();
  assert.equal(r2.success, true, JSON.stringify(r2));
  const third = await waitFor(
    async () => {
      const m = await c.metaLeader();
      return m.leader !== after ? m.leader : null;
    },
    FAILOVER_MS,
    "a third meta leader",
  );

  // The JetStream account's streams work under the new meta leader.
  const jsm = await c.jsm(third);
  const si = await waitFor(
    () => jsm.streams.add({ name: "ADM", subjects: ["adm.>"], num_replicas: 3 }).catch(() => null),
    FAILOVER_MS,
    "R3 stream created",
  );
  assert.equal(si.config.num_replicas, 3);
  const ack = await (await c.js(third)).publish("adm.1", "x");
  assert.equal(ack.seq, 1);

  // Stream and consumer leader step-downs hand the stream to another member.
  const app3 = await c.client(third);
  const stepInfo = (await app3.request("$JS.API.STREAM.INFO.ADM", "", { timeout: 5000 }))
    .json<Json>();
  const sd = (await app3.request("$JS.API.STREAM.LEADER.STEPDOWN.ADM", "", { timeout: 5000 }))
    .json<Json>();
  assert.deepEqual(sd, {
    type: "io.nats.jetstream.api.v1.stream_leader_stepdown_response",
    success: true,
  });
  await waitFor(
    async () => {
      const i = (await app3.request("$JS.API.STREAM.INFO.ADM", "", { timeout: 2000 })
        .catch(() => null))?.json<Json>();
      return i?.cluster?.leader && i.cluster.leader !== stepInfo.cluster.leader;
    },
    FAILOVER_MS,
    "another leader of ADM",
  );
  await jsm.consumers.add("ADM", { durable_name: "C", ack_policy: "explicit" as never });
  // Answered by the stream's leader (retried while a new one settles).
  const missing = await waitFor(
    () =>
      app3.request("$JS.API.CONSUMER.LEADER.STEPDOWN.ADM.NOPE", "", { timeout: 2000 })
        .then((m) => m.json<Json>()).catch(() => null),
    FAILOVER_MS,
    "an answer for a missing consumer",
  );
  assert.equal(missing.error?.err_code, 10014, JSON.stringify(missing));
  const csd = await waitFor(
    () =>
      app3.request("$JS.API.CONSUMER.LEADER.STEPDOWN.ADM.C", "", { timeout: 2000 })
        .then((m) => m.json<Json>()).catch(() => null),
    FAILOVER_MS,
    "a consumer step-down answer",
  );
  assert.deepEqual(csd, {
    type: "io.nats.jetstream.api.v1.consumer_leader_stepdown_response",
    success: true,
  });

  // A stream's replica moved off a server: with no fourth server to take it, the group shrinks
  // and the answer says the remap failed (nats-server 10075); that server drops its copy.
  // (A request sent in the moment between two leaders goes unanswered, as with nats-server.)
  const info = await waitFor(
    async () => {
      const i = (await app3.request("$JS.API.STREAM.INFO.ADM", "", { timeout: 2000 })
        .catch(() => null))?.json<Json>();
      return i?.cluster?.leader ? i : null;
    },
    FAILOVER_MS,
    "a leader of ADM after the consumer step-down",
  );
  const gone = (info.cluster.replicas as Json[])[0].name as string;
  const moved = (await (await c.client(third)).request(
    "$JS.API.STREAM.PEER.REMOVE.ADM",
    JSON.stringify({ peer: gone }),
    { timeout: 5000 },
  )).json<Json>();
  assert.deepEqual(moved, {
    type: "io.nats.jetstream.api.v1.stream_remove_peer_response",
    error: { code: 503, err_code: 10075, description: "peer remap failed" },
  });
  await waitFor(
    async () => (await c.node(gone).localStream("ADM")) === undefined,
    FAILOVER_MS,
    `${gone} drops its copy`,
  );
  const notMember = (await (await c.client(third)).request(
    "$JS.API.STREAM.PEER.REMOVE.ADM",
    JSON.stringify({ peer: gone }),
    { timeout: 5000 },
  )).json<Json>();
  assert.equal(notMember.error?.err_code, 10040, JSON.stringify(notMember));
  const sys2 = await connect({ port: c.node(third).up.port, user: "sys", pass: "sys" });
  try {
    const r = (await sys2.request("$JS.API.SERVER.REMOVE", JSON.stringify({ peer: "nobody" }), {
      timeout: 5000,
    })).json<Json>();
    assert.deepEqual(r, {
      type: "io.nats.jetstream.api.v1.meta_server_remove_response",
      error: { code: 400, err_code: 10044, description: "server is not a member of the cluster" },
    });
  } finally {
    await sys2.close();
  }

  // Two servers gone: the last one first hears nothing from its meta leader, then (after an
  // election it cannot win) knows none.
  const last = c.nodes.find((n) => n.name !== third)!;
  for (const n of c.nodes) if (n !== last) await n.kill();
  const seen = new Set<string>();
  await waitFor(
    async () => {
      const h = await healthz(c, last.name);
      if (h.status !== "ok") seen.add(`${h.status}: ${h.error}`);
      return h.error === "JetStream has not established contact with a meta leader";
    },
    FAILOVER_MS,
    "unavailable without a meta leader",
  );
  for (const s of seen) {
    assert.match(
      s,
      /^unavailable: JetStream (is not current with|has not established contact with) a meta leader$|^unavailable: JetStream is not current with the meta leader$/,
    );
  }
});
