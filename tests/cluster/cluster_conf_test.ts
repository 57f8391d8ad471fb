/**
 * @module
 * A 3-node cluster of `bin/denats -c <file>.conf` processes, two of them seeded only with the
 * first one's route: full mesh, traffic across servers, then a SIGKILLed server whose clients
 * fail over to the others while traffic continues, and its restart rejoining the mesh.
 */
import assert from "node:assert/strict";
import {
  disposeAll,
  freePort,
  type NodeConfig,
  ProcessNode,
  TempDir,
  waitForMesh,
} from "./_cluster.ts";
import {
  checkFanout,
  checkNoResponders,
  checkQueueExactlyOnce,
  checkRequestReply,
  client,
  closeAll,
  type NatsConnection,
  waitForInterest,
} from "./_traffic.ts";
import { waitFor } from "../helpers/poll.ts";

Deno.test("3 denats processes from .conf: seed-only mesh, traffic, failover and rejoin", async () => {
  await using dir = await TempDir.create();
  const configs: NodeConfig[] = ["a", "b", "c"].map((name) => ({
    name,
    port: freePort(),
    clusterPort: freePort(),
    httpPort: freePort(),
    clusterName: "conf-cluster",
  }));
  const seed = `nats://127.0.0.1:${configs[0].clusterPort}`;
  configs[1].routes = [seed];
  configs[2].routes = [seed];
  const nodes: (ProcessNode | null)[] = [];
  const conns: NatsConnection[] = [];
  try {
    for (const c of configs) nodes.push(await ProcessNode.start("denats-process", dir, c));
    const [a, b, c] = nodes as ProcessNode[];
    await waitForMesh([a, b, c]);
    const ca = await client(a.url, "ca");
    const cb = await client(b.url, "cb");
    const cc = await client(c.url, "cc");
    conns.push(ca, cb, cc);
    await checkFanout(ca, [ca, cb, cc], "conf.fan");
    await checkQueueExactlyOnce([ca, cc], [ca, cb, cc], "conf.jobs", 150);
    await checkRequestReply(cc, cb, "conf.svc");
    await checkNoResponders(ca, "conf.nobody");

    // A client of b that knows every server fails over when b dies.
    const urls = [b.url, a.url, c.url];
    const mover = await client(urls, "mover");
    conns.push(mover);
    const got: string[] = [];
    mover.subscribe("after.kill", { callback: (_e, m) => void got.push(m.string()) });
    await mover.flush();
    assert.equal(mover.getServer(), `127.0.0.1:${b.clientPort}`);
    await b.stop();
    nodes[1] = null;
    await waitFor(() => mover.getServer() !== `127.0.0.1:${b.clientPort}`, 10_000, "failover");
    await waitForInterest(ca, [mover]);
    ca.publish("after.kill", "1");
    cc.publish("after.kill", "2");
    await waitFor(() => got.length === 2, 5000, "traffic after failover");
    await waitForMesh([a, c]);

    // The restarted b (a new server id) rejoins: routes to a (configured) and c (gossip).
    nodes[1] = await ProcessNode.start("denats-process", dir, configs[1]);
    await waitForMesh(nodes as ProcessNode[]);
    const cb2 = await client(nodes[1]!.url, "cb2");
    conns.push(cb2);
    await checkFanout(cc, [ca, cb2, cc, mover], "conf.rejoined");
  } finally {
    await closeAll(conns);
    await disposeAll(nodes);
  }
});
