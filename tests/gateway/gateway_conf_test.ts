/**
 * @module
 * Two clusters of two denats servers each, gateway-connected, from `.conf` files: one outbound
 * gateway per server, pub/sub and request/reply both ways with messages in order.
 */
import assert from "node:assert/strict";
import {
  checkFanout,
  checkRequestReply,
  client,
  closeAll,
  type NatsConnection,
} from "../cluster/_traffic.ts";
import {
  DenatsNode,
  gatewayConf,
  type GatewayNode,
  nodeConfig,
  TempDir,
  waitForGateways,
} from "./_gateway.ts";

/** Starts A1, A2 (cluster A) and B1, B2 (cluster B), all denats. */
async function superCluster(dir: TempDir): Promise<DenatsNode[]> {
  const configs = [
    nodeConfig("a1", "A"),
    nodeConfig("a2", "A"),
    nodeConfig("b1", "B"),
    nodeConfig("b2", "B"),
  ];
  const nodes: DenatsNode[] = [];
  for (const c of configs) nodes.push(await DenatsNode.start(dir, c, gatewayConf(c, configs)));
  return nodes;
}

Deno.test("gateways: two denats clusters exchange pub/sub and request/reply both ways", async () => {
  await using dir = await TempDir.create();
  const nodes = await superCluster(dir);
  const conns: NatsConnection[] = [];
  try {
    await waitForGateways(nodes as GatewayNode[]);
    // One outbound per remote cluster on every server; inbound ones from the other cluster.
    for (const n of nodes) {
      const gz = await n.gatewayz();
      assert.equal(gz.name, n.config.cluster);
      assert.deepEqual(Object.keys(gz.outbound_gateways), [n.config.cluster === "A" ? "B" : "A"]);
      assert.equal(gz.outbound_gateways[n.config.cluster === "A" ? "B" : "A"].configured, true);
    }
    const [a1, a2, b1, b2] = await Promise.all(nodes.map((n) => client(n.url)));
    conns.push(a1, a2, b1, b2);
    await checkFanout(a1, [b1, b2, a2], "gw.fan.ab");
    await checkFanout(b2, [a1, a2, b1], "gw.fan.ba");
    await checkRequestReply(a1, b2, "gw.svc.ab");
    await checkRequestReply(b1, a2, "gw.svc.ba");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});
