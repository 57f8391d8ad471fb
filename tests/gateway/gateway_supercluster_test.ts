/**
 * @module
 * Super-clusters of denats servers (in this process) from `.conf` and YAML: three clusters of
 * two servers exchange ordered pub/sub and request/reply between every pair of clusters; queue
 * geo-affinity fails over to exactly one remote cluster when the local members go away and
 * back when one returns; a 2x2 super-cluster from YAML grows to 3x2 when a third cluster
 * configured with the first two joins (the first two learn it by gossip, implicitly).
 */
import assert from "node:assert/strict";
import { client, closeAll, type NatsConnection } from "../cluster/_traffic.ts";
import { checkEveryPair, checkQueueFailover } from "./_geo.ts";
import {
  DenatsNode,
  gatewayConf,
  type GatewayNode,
  type GatewayNodeConfig,
  gatewayYaml,
  nodeConfig,
  TempDir,
  waitForGateways,
} from "./_gateway.ts";

/** `names` clusters of two servers each: `a1`, `a2`, `b1`, ... */
function configs(names: readonly string[]): GatewayNodeConfig[] {
  return names.flatMap((n) => [1, 2].map((i) => nodeConfig(`${n.toLowerCase()}${i}`, n)));
}

/** Starts a denats node for each of `list`, its file from `text`. */
async function startAll(
  dir: TempDir,
  list: GatewayNodeConfig[],
  text: (c: GatewayNodeConfig) => string,
  ext: "conf" | "yaml",
): Promise<DenatsNode[]> {
  const nodes: DenatsNode[] = [];
  try {
    for (const c of list) nodes.push(await DenatsNode.start(dir, c, text(c), ext));
  } catch (e) {
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
    throw e;
  }
  return nodes;
}

Deno.test("gateways: three clusters of two from .conf: every pair, queue fail-over and fail-back", async () => {
  await using dir = await TempDir.create();
  const all = configs(["A", "B", "C"]);
  const nodes = await startAll(dir, all, (c) => gatewayConf(c, all), "conf");
  const conns = new Map<string, NatsConnection>();
  try {
    await waitForGateways(nodes as GatewayNode[]);
    for (const n of nodes) {
      const gz = await n.gatewayz();
      assert.deepEqual(
        Object.keys(gz.outbound_gateways).sort(),
        ["A", "B", "C"].filter((c) => c !== n.config.cluster),
      );
    }
    for (const n of nodes) conns.set(n.config.name, await client(n.url, n.config.name));
    await checkEveryPair(conns, ["A", "B", "C"]);
    await checkQueueFailover(conns.get("a1")!, conns.get("a2")!, [
      conns.get("b1")!,
      conns.get("b2")!,
      conns.get("c2")!,
    ]);
  } finally {
    await closeAll([...conns.values()]);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});

Deno.test("gateways: a 2x2 super-cluster from YAML grows to 3x2 when a third cluster joins", async () => {
  await using dir = await TempDir.create();
  const all = configs(["A", "B", "C"]);
  // A and B list each other only; C lists both and is learned by A and B implicitly.
  const ab = all.filter((c) => c.cluster !== "C");
  const nodes = await startAll(dir, ab, (c) => gatewayYaml(c, ab), "yaml");
  const conns = new Map<string, NatsConnection>();
  try {
    await waitForGateways(nodes as GatewayNode[]);
    for (const n of nodes) conns.set(n.config.name, await client(n.url, n.config.name));
    await checkEveryPair(conns, ["A", "B"]);
    for (const c of all.filter((x) => x.cluster === "C")) {
      const node = await DenatsNode.start(dir, c, gatewayYaml(c, all), "yaml");
      nodes.push(node);
      conns.set(c.name, await client(node.url, c.name));
    }
    await waitForGateways(nodes as GatewayNode[]);
    const gz = await nodes[0].gatewayz();
    assert.equal(gz.outbound_gateways.B.configured, true);
    assert.equal(gz.outbound_gateways.C.configured, false, "C learned implicitly");
    await checkEveryPair(conns, ["A", "B", "C"]);
  } finally {
    await closeAll([...conns.values()]);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});
