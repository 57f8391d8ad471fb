/**
 * @module
 * The system account's stream moves (nats-server 2.9.10 `$JS.API.ACCOUNT.STREAM.MOVE.<acc>.<stream>`
 * and `CANCEL_MOVE`): a system user moves an account's R1 stream off the server it names, the
 * stream ends on another server with its messages and the old copy is gone; the errors for a
 * missing stream, a server that is not a member, one that does not hold the stream, and a
 * cancel with no move running. Three real `bin/denats` processes (the same checks pass on
 * nats-server 2.9.10 with `JS_CLUSTER_BIN`).
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { waitFor } from "../helpers/poll.ts";
import {
  api,
  API_TIMEOUT_MS,
  Cluster,
  FAILOVER_MS,
  type Json,
  streamInfo,
  SYS_APP_ACCOUNTS,
} from "./_js_cluster.ts";

Deno.test("clustered JetStream: the system account moves a stream off a server", async () => {
  await using c = await Cluster.start(SYS_APP_ACCOUNTS);
  await c.metaLeader();
  const app = await c.client("n2");
  const made = await api(app, "$JS.API.STREAM.CREATE.MV", { name: "MV", subjects: ["mv.>"] });
  assert.equal(made.error, undefined, JSON.stringify(made));
  const from = made.cluster.leader as string;
  const js = jetstream(app, { timeout: API_TIMEOUT_MS });
  for (let i = 0; i < 10; i++) await js.publish("mv.x", `m${i}`);

  const sys = await connect({ port: c.node("n1").up.port, user: "sys", pass: "sys" });
  try {
    const ask = (op: string, stream: string, body: Json) =>
      api(sys, `$JS.API.ACCOUNT.STREAM.${op}.APP.${stream}`, body);
    const notMoving = await ask("CANCEL_MOVE", "MV", {});
    assert.equal(notMoving.error?.err_code, 10129, JSON.stringify(notMoving));
    const missing = await ask("MOVE", "NOPE", { server: from });
    assert.equal(missing.error?.err_code, 10059, JSON.stringify(missing));
    const stranger = await ask("MOVE", "MV", { server: "zz" });
    assert.equal(stranger.error?.err_code, 10044, JSON.stringify(stranger));
    const other = c.nodes.find((n) => n.name !== from)!.name;
    const notHolding = await ask("MOVE", "MV", { server: other });
    assert.equal(notHolding.error?.err_code, 10040, JSON.stringify(notHolding));

    const moved = await ask("MOVE", "MV", { server: from });
    assert.equal(moved.error, undefined, JSON.stringify(moved));
    assert.equal(moved.type, "io.nats.jetstream.api.v1.stream_update_response");
  } finally {
    await sys.close();
  }
  const info = await waitFor(
    async () => {
      const i = await streamInfo(app, "MV");
      return i?.cluster?.leader && i.cluster.leader !== from && !i.cluster.replicas?.length
        ? i
        : null;
    },
    FAILOVER_MS,
    `MV off ${from}`,
  );
  assert.equal(info.state.messages, 10);
  assert.equal(info.config.num_replicas, 1);
  await waitFor(
    async () => (await c.node(from).localStream("MV")) === undefined,
    FAILOVER_MS,
    `${from} without MV`,
  );
  assert.equal((await js.publish("mv.x", "after")).seq, 11);
});
