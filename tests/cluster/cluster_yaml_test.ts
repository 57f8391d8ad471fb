/**
 * @module
 * A 5-node denats cluster in this process, each node configured from a YAML file and seeded
 * only with the previous node's route: gossip (implicit routes) must give a full mesh. Then
 * fan-out, queue groups exactly once, request/reply and no-responders across servers, and the
 * async INFO with every member's `connect_urls` to a protocol-1 client.
 */
import assert from "node:assert/strict";
import { loadConfigFile, mergeOptions } from "../../server/config/mod.ts";
import { defaultOptions } from "../../server/options.ts";
import {
  disposeAll,
  freePort,
  InProcessNode,
  type NodeConfig,
  TempDir,
  waitFor,
  waitForMesh,
  yamlText,
} from "./_cluster.ts";
import {
  checkFanout,
  checkNoResponders,
  checkQueueExactlyOnce,
  checkRequestReply,
  client,
  closeAll,
  type NatsConnection,
} from "./_traffic.ts";

async function startFromYaml(dir: TempDir, c: NodeConfig): Promise<InProcessNode> {
  await loadYamlOnce();
  const path = dir.write(`${c.name}.yaml`, yamlText(c));
  const result = await loadConfigFile(path);
  assert.deepEqual(result.errors, [], "YAML config loads");
  const options = mergeOptions(defaultOptions(), result.options);
  return await InProcessNode.start(c.name, options);
}

let yamlReady: Promise<void> | null = null;
function loadYamlOnce(): Promise<void> {
  yamlReady ??= import("../../server/config/mod.ts").then((m) => m.loadYamlSupport());
  return yamlReady;
}

Deno.test("5 denats nodes from YAML, each seeded with one route, form a full mesh and route traffic", async () => {
  await using dir = await TempDir.create();
  const nodes: InProcessNode[] = [];
  const conns: NatsConnection[] = [];
  try {
    const configs: NodeConfig[] = [];
    for (let i = 0; i < 5; i++) {
      const clusterPort = freePort();
      configs.push({
        name: `y${i}`,
        port: freePort(),
        clusterPort,
        clusterName: "yaml-cluster",
        routes: i === 0 ? [] : [`nats://127.0.0.1:${configs[i - 1].clusterPort}`],
      });
    }
    nodes.push(await startFromYaml(dir, configs[0]));
    // A protocol-1 client of the first node learns every member through async INFO.
    const watcher = await client(nodes[0].url, "watcher");
    conns.push(watcher);
    for (let i = 1; i < 5; i++) nodes.push(await startFromYaml(dir, configs[i]));
    await waitForMesh(nodes);

    for (let i = 0; i < 5; i++) conns.push(await client(nodes[i].url, `c${i}`));
    const c = conns.slice(1);
    await checkFanout(c[0], c, "fan.out");
    await checkFanout(c[3], c, "fan.back");
    const perMember = await checkQueueExactlyOnce([c[0], c[2], c[4]], c, "jobs.x");
    assert.equal(perMember.filter((n) => n > 0).length >= 3, true, `spread ${perMember}`);
    await checkRequestReply(c[4], c[1], "svc.echo");
    await checkNoResponders(c[2], "svc.nobody");

    const want = nodes.map((n) => `127.0.0.1:${n.clientPort}`).sort();
    await waitFor(
      () => {
        const urls = (watcher.info?.connect_urls ?? []).slice().sort();
        return urls.length === want.length && urls.every((u, k) => u === want[k]);
      },
      5000,
      "connect_urls of all 5 members",
    );
    assert.equal(watcher.info?.cluster, "yaml-cluster");
  } finally {
    await closeAll(conns);
    await disposeAll(nodes);
  }
});
