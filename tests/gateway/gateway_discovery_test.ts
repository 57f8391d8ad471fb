/**
 * @module
 * Gateway discovery: a gateway INFO lists every gateway URL of its cluster (learned over the
 * routes, `gateway_url` of the route INFO), the remote side learns them (`/varz` gateway urls);
 * and implicit gateways: a cluster configured with only one other cluster connects to the
 * whole super-cluster through the gossip INFOs (`gateway_cmd` 1), shown as not configured.
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/raw_client.ts";
import { varz } from "../../server/monitor/varz.ts";
import { checkFanout, client, closeAll, type NatsConnection } from "../cluster/_traffic.ts";
import {
  DenatsNode,
  gatewayConf,
  type GatewayNode,
  nodeConfig,
  TempDir,
  waitFor,
  waitForGateways,
} from "./_gateway.ts";

Deno.test("gateway INFO lists the cluster's gateway URLs; the remote learns them", async () => {
  await using dir = await TempDir.create();
  const configs = [nodeConfig("a1", "A"), nodeConfig("a2", "A"), nodeConfig("b1", "B")];
  const nodes: DenatsNode[] = [];
  try {
    // b1 knows only a1's gateway URL.
    for (const c of configs) {
      const known = c.cluster === "B" ? configs.filter((n) => n.name !== "a2") : configs;
      nodes.push(await DenatsNode.start(dir, c, gatewayConf(c, known)));
    }
    await waitForGateways(nodes);
    const urlOf = (n: DenatsNode) => `127.0.0.1:${n.config.gatewayPort}`;
    await waitFor(
      async () => {
        await using raw = await RawClient.dial({ host: "127.0.0.1", port: configs[0].gatewayPort });
        const m = await raw.expect(/^INFO (\{[^\r\n]*\})\r\n/);
        const urls = JSON.parse(m[1]).gateway_urls as string[];
        return urls.length === 2 && urls.includes(urlOf(nodes[1]));
      },
      10_000,
      "a1's INFO with a2's gateway URL",
    );
    await waitFor(
      () => {
        const v = varz(nodes[2].handle.server) as {
          gateway?: { gateways?: { urls?: string[] }[] };
        };
        return (v.gateway?.gateways?.[0]?.urls ?? []).includes(urlOf(nodes[1]));
      },
      10_000,
      "b1 learned a2's gateway URL",
    );
  } finally {
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});

Deno.test("implicit gateways: a cluster configured with one remote joins the whole super-cluster", async () => {
  await using dir = await TempDir.create();
  const a = nodeConfig("a1", "A");
  const b = nodeConfig("b1", "B");
  const c = nodeConfig("c1", "C");
  const nodes: DenatsNode[] = [];
  const conns: NatsConnection[] = [];
  try {
    nodes.push(await DenatsNode.start(dir, a, gatewayConf(a, [a, b])));
    nodes.push(await DenatsNode.start(dir, b, gatewayConf(b, [a, b])));
    await waitForGateways(nodes as GatewayNode[]);
    nodes.push(await DenatsNode.start(dir, c, gatewayConf(c, [a, c])));
    await waitForGateways(nodes as GatewayNode[]);
    const gzC = await nodes[2].gatewayz();
    assert.equal(gzC.outbound_gateways.A.configured, true);
    assert.equal(gzC.outbound_gateways.B.configured, false, "B learned by gossip");
    assert.equal((await nodes[1].gatewayz()).outbound_gateways.C.configured, false);
    const [ca, cb, cc] = await Promise.all(nodes.map((n) => client(n.url)));
    conns.push(ca, cb, cc);
    await checkFanout(cc, [ca, cb], "implicit.fan");
    await checkFanout(cb, [ca, cc], "implicit.fan2");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});

Deno.test("gateways: a restarted remote server is dialed again and traffic resumes", async () => {
  await using dir = await TempDir.create();
  const a = nodeConfig("a1", "A");
  const b = nodeConfig("b1", "B");
  const nodes: DenatsNode[] = [];
  const conns: NatsConnection[] = [];
  try {
    nodes.push(await DenatsNode.start(dir, a, gatewayConf(a, [a, b])));
    nodes.push(await DenatsNode.start(dir, b, gatewayConf(b, [a, b])));
    await waitForGateways(nodes);
    await nodes[1][Symbol.asyncDispose]();
    await waitFor(
      async () => (await nodes[0].gatewayz()).outbound_gateways.B === undefined,
      10_000,
      "a1 saw b1 go",
    );
    nodes[1] = await DenatsNode.start(dir, b, gatewayConf(b, [a, b]));
    await waitForGateways(nodes);
    const [ca, cb] = await Promise.all(nodes.map((n) => client(n.url)));
    conns.push(ca, cb);
    await checkFanout(ca, [cb], "restart.ab");
    await checkFanout(cb, [ca], "restart.ba");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]().catch(() => {});
  }
});
