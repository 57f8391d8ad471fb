/**
 * @module
 * Mixed clusters: denats and the reference nats-server 2.9.10 in one cluster, in every role —
 * a nats-server seed, denats seeded by it, a nats-server seeded by denats, a denats that learns
 * the rest by gossip from a nats-server — with fan-out, queue groups exactly once (members on
 * both kinds), request/reply both ways and no-responders; then a nats-server leaving (SIGKILL)
 * and rejoining, and a denats leaving and rejoining. Skipped, visibly, without nats-server.
 */
import assert from "node:assert/strict";
import {
  type ClusterNode,
  disposeAll,
  freePort,
  haveReference,
  InProcessNode,
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
import { RawClient } from "../helpers/raw_client.ts";

function denatsOptions(c: NodeConfig) {
  return {
    port: c.port,
    cluster: {
      name: c.clusterName,
      listen: `127.0.0.1:${c.clusterPort}`,
      routes: c.routes ?? [],
    },
  };
}

Deno.test({
  name:
    "mixed cluster: nats-server and denats seed each other, gossip to a full mesh, route traffic",
  ignore: !haveReference(),
  fn: async () => {
    await using dir = await TempDir.create();
    const cfg = (name: string, routes: string[] = []): NodeConfig => ({
      name,
      port: freePort(),
      clusterPort: freePort(),
      clusterName: "mixed",
      routes,
    });
    const n1c = cfg("n1");
    const d1c = cfg("d1", [`nats://127.0.0.1:${n1c.clusterPort}`]);
    const n2c = cfg("n2", [`nats-route://127.0.0.1:${d1c.clusterPort}`]);
    const d2c = cfg("d2", [`nats://127.0.0.1:${n2c.clusterPort}`]);
    const nodes: (ClusterNode | null)[] = [null, null, null, null];
    const conns: NatsConnection[] = [];
    try {
      nodes[0] = await ProcessNode.start("nats-server", dir, n1c);
      nodes[1] = await InProcessNode.start("d1", denatsOptions(d1c));
      nodes[2] = await ProcessNode.start("nats-server", dir, n2c);
      nodes[3] = await InProcessNode.start("d2", denatsOptions(d2c));
      const [n1, d1, n2, d2] = nodes as ClusterNode[];
      await waitForMesh([n1, d1, n2, d2]);

      // Every server's client INFO ends the same way and lists every member's client URL.
      const everyUrl = [n1, d1, n2, d2].map((n) => `127.0.0.1:${n.clientPort}`).sort();
      for (const n of [n1, d1, n2, d2]) {
        await using raw = await RawClient.dial({ host: "127.0.0.1", port: n.clientPort });
        const info = await raw.readInfo();
        assert.deepEqual(Object.keys(info).slice(-4), [
          "client_id",
          "client_ip",
          "cluster",
          "connect_urls",
        ], n.kind);
        assert.equal(info.cluster, "mixed");
        assert.deepEqual((info.connect_urls as string[]).slice().sort(), everyUrl, n.kind);
      }

      const [cn1, cd1, cn2, cd2] = await Promise.all(
        [n1, d1, n2, d2].map((n) => client(n.url, n.name)),
      );
      conns.push(cn1, cd1, cn2, cd2);
      const all = [cn1, cd1, cn2, cd2];
      await checkFanout(cd2, all, "mixed.fan");
      await checkFanout(cn1, all, "mixed.fan2");
      const spread = await checkQueueExactlyOnce([cn1, cd1, cd2], all, "mixed.jobs", 400);
      // nats-server picks among all members (route members weighted) for client messages.
      assert.ok(spread.every((n) => n > 0), `every server served some: ${spread}`);
      await checkRequestReply(cd1, cn2, "mixed.svc.ns");
      await checkRequestReply(cn1, cd2, "mixed.svc.denats");
      await checkNoResponders(cd1, "mixed.nobody");
      await checkNoResponders(cn2, "mixed.nobody");

      // The nats-server seed dies; a client of it fails over; the rest stay meshed.
      const mover = await client([n1.url, d2.url], "mover");
      conns.push(mover);
      const got: string[] = [];
      mover.subscribe("mixed.after", { callback: (_e, m) => void got.push(m.string()) });
      await mover.flush();
      await n1.stop();
      nodes[0] = null;
      await waitForMesh([d1, n2, d2]);
      await waitFor(() => mover.getServer() === `127.0.0.1:${d2.clientPort}`, 10_000, "failover");
      await waitForInterest(cn2, [mover]);
      cn2.publish("mixed.after", "x");
      await waitFor(() => got.length === 1, 5000, "traffic after failover");

      // It comes back (new id, same ports): d1's configured route reconnects, gossip does the rest.
      nodes[0] = await ProcessNode.start("nats-server", dir, n1c);
      await waitForMesh(nodes as ClusterNode[], 20_000);

      // A denats leaves and rejoins on the same ports.
      await d2.stop();
      await waitFor(
        () => mover.getServer() !== `127.0.0.1:${d2.clientPort}`,
        10_000,
        "2nd failover",
      );
      await waitForMesh([nodes[0]!, d1, n2]);
      nodes[3] = await InProcessNode.start("d2", denatsOptions(d2c));
      await waitForMesh(nodes as ClusterNode[], 20_000);
      const cd2b = await client(nodes[3]!.url, "d2b");
      const cn1b = await client(nodes[0]!.url, "n1b");
      conns.push(cd2b, cn1b);
      await checkQueueExactlyOnce([cn1b, cd2b], [cn1b, cd1, cn2, cd2b], "mixed.jobs2", 200);
      await checkRequestReply(cn1b, cd2b, "mixed.svc.back");
    } finally {
      await closeAll(conns);
      await disposeAll(nodes);
    }
  },
});
