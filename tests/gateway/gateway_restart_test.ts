/**
 * @module
 * A super-cluster whose gateways require credentials (both clusters, the dialers put them in
 * the URLs: accepted), with one server run as a process (`bin/denats`, or nats-server among
 * denats servers): SIGKILLed, it disappears from the other cluster; started again on the same
 * file, its gateways come back both ways (the other cluster registers its new server id) and
 * its clients' interest reaches the other cluster again.
 */
import assert from "node:assert/strict";
import { haveNatsServer } from "../process/_proc.ts";
import { checkFanout, checkRequestReply, client, closeAll } from "../cluster/_traffic.ts";
import type { NatsConnection } from "../cluster/_traffic.ts";
import {
  DenatsNode,
  gatewayConf,
  type GatewayExtra,
  type GatewayNode,
  ProcessNode,
  TempDir,
  twoClusters,
  waitFor,
  waitForGateways,
} from "./_gateway.ts";

/** Server ids of the inbound gateway connections from `name` on `node`. */
async function inboundIds(node: GatewayNode, name: string): Promise<string[]> {
  const gz = await node.gatewayz();
  return (gz.inbound_gateways[name] ?? []).map((g) => String(g.connection?.name ?? ""));
}

async function killAndRestart(kind: "denats" | "nats-server"): Promise<void> {
  await using dir = await TempDir.create();
  const configs = twoClusters();
  const auth: GatewayExtra = {
    user: "gw",
    password: "s3cret",
    dialUser: "gw",
    dialPassword: "s3cret",
  };
  const nodes: GatewayNode[] = [];
  const conns: NatsConnection[] = [];
  try {
    for (const c of configs) {
      const conf = gatewayConf(c, configs, auth);
      nodes.push(
        c.name !== "b1"
          ? await DenatsNode.start(dir, c, conf)
          : kind === "denats"
          ? await ProcessNode.denats(dir, c, conf)
          : await ProcessNode.start(dir, c, conf),
      );
    }
    const [a1, a2, b1] = nodes;
    const killed = b1 as ProcessNode;
    await waitForGateways(nodes);
    const oldId = (await b1.gatewayz()).server_id;
    await waitFor(
      async () => (await inboundIds(a1, "B")).length + (await inboundIds(a2, "B")).length === 2,
      10_000,
      "both B servers accepted by A",
    );
    killed.proc.signal("SIGKILL");
    await killed.proc.waitExit(10_000);
    await waitFor(
      async () => ![...await inboundIds(a1, "B"), ...await inboundIds(a2, "B")].includes(oldId),
      15_000,
      "the killed server's gateway gone from A",
    );
    await killed.restart();
    await waitForGateways(nodes);
    const newId = (await b1.gatewayz()).server_id;
    assert.notEqual(newId, oldId);
    await waitFor(
      async () => [...await inboundIds(a1, "B"), ...await inboundIds(a2, "B")].includes(newId),
      15_000,
      "the restarted server registered on A",
    );
    const [ca1, ca2, cb1, cb2] = await Promise.all(nodes.map((n) => client(n.url)));
    conns.push(ca1, ca2, cb1, cb2);
    // Its clients' interest is known in A again, and its publishes reach A.
    await checkFanout(ca1, [cb1, cb2], "rejoin.ab");
    await checkFanout(cb1, [ca1, ca2], "rejoin.ba");
    await checkRequestReply(ca2, cb1, "rejoin.svc.ab");
    await checkRequestReply(cb1, ca1, "rejoin.svc.ba");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
}

Deno.test("gateways: with credentials accepted both ways, a SIGKILLed server restarts and rejoins", () =>
  killAndRestart("denats"));

Deno.test({
  name: "mixed gateways: a SIGKILLed nats-server of the other cluster restarts and rejoins",
  ignore: !haveNatsServer("the nats-server restart test"),
  fn: () => killAndRestart("nats-server"),
});
