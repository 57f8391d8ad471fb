/**
 * @module
 * A denats cluster gateway-connected to a nats-server 2.9.10 cluster (2 servers each, from
 * `.conf`): messages and request/reply both directions (the reply mapping `_GR_.<cluster
 * hash>.<server hash>.` must match nats-server's hashes for responses to come back), queue
 * groups served once; and three single-server clusters where denats and nats-server each
 * play the configured and the implicit side, with queue members on both. Skipped, visibly,
 * without nats-server.
 */
import assert from "node:assert/strict";
import { haveNatsServer } from "../process/_proc.ts";
import {
  checkFanout,
  checkRequestReply,
  client,
  closeAll,
  type NatsConnection,
} from "../cluster/_traffic.ts";
import {
  type GatewayNode,
  nodeConfig,
  startGatewayNodes,
  TempDir,
  twoClusters,
  waitFor,
  waitForGateways,
} from "./_gateway.ts";
import { checkEveryPair, checkQueueFailover } from "./_geo.ts";

Deno.test({
  name: "mixed gateways: a denats cluster and a nats-server cluster exchange messages and requests",
  ignore: !haveNatsServer("mixed gateway tests skipped"),
  fn: async () => {
    await using dir = await TempDir.create();
    const configs = twoClusters();
    const nodes: GatewayNode[] = [];
    const conns: NatsConnection[] = [];
    try {
      await startGatewayNodes(
        dir,
        configs,
        (c) => c.cluster === "A" ? "denats" : "nats-server",
        nodes,
      );
      await waitForGateways(nodes);
      // nats-server sees denats as a regular gateway: registered both ways (each A server
      // connects to one of B's servers, at random).
      assert.equal((await nodes[2].gatewayz()).outbound_gateways.A?.configured, true);
      await waitFor(
        async () => {
          let inbound = 0;
          for (const b of nodes.slice(2)) {
            inbound += ((await b.gatewayz()).inbound_gateways.A ?? []).length;
          }
          return inbound === 2;
        },
        10_000,
        "A's servers registered on B",
      );
      // `/gatewayz` filters the same way on both: an unknown gw_name gives null outbounds.
      for (const n of [nodes[0], nodes[2]]) {
        const other = n.config.cluster === "A" ? "B" : "A";
        assert.equal((await n.gatewayz("gw_name=Z")).outbound_gateways, null);
        assert.deepEqual(Object.keys((await n.gatewayz(`gw_name=${other}`)).outbound_gateways), [
          other,
        ]);
        const accs = (await n.gatewayz(`acc_name=$G`)).outbound_gateways[other].accounts;
        assert.deepEqual(accs?.map((a) => [a.name, a.interest_mode]), [["$G", "Interest-Only"]]);
      }
      const [a1, a2, b1, b2] = await Promise.all(nodes.map((n) => client(n.url)));
      conns.push(a1, a2, b1, b2);
      await checkFanout(a1, [b1, b2, a2], "mix.fan.ab");
      await checkFanout(b1, [a1, a2, b2], "mix.fan.ba");
      await checkRequestReply(a2, b2, "mix.svc.ab");
      await checkRequestReply(b1, a1, "mix.svc.ba");
      // A request from B answered on A, where the responder's server did not get it directly
      // (B's gateway connects to either A server): replies cross back on `_GR_.` subjects.
      await checkRequestReply(b2, a2, "mix.svc.ba2");
    } finally {
      await closeAll(conns);
      for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
    }
  },
});

Deno.test({
  name:
    "mixed gateways: denats and nats-server each as configured and implicit side, queue members on both",
  ignore: !haveNatsServer("mixed gateway tests skipped"),
  fn: async () => {
    await using dir = await TempDir.create();
    // A (denats) lists B; B (nats-server) lists C; C (denats) lists none: B learns A from its
    // inbound link (implicit), C learns B the same way, A and C learn each other by gossip.
    const configs = [nodeConfig("a1", "A"), nodeConfig("b1", "B"), nodeConfig("c1", "C")];
    const only: Record<string, string[]> = { A: ["B"], B: ["C"], C: [] };
    const nodes: GatewayNode[] = [];
    const conns = new Map<string, NatsConnection>();
    try {
      await startGatewayNodes(
        dir,
        configs,
        (c) => c.cluster === "B" ? "nats-server" : "denats",
        nodes,
        (c) => ({ only: only[c.cluster] }),
      );
      await waitForGateways(nodes, 20_000);
      const configured = async (n: GatewayNode) => {
        const out = (await n.gatewayz()).outbound_gateways;
        return Object.keys(out).sort().map((k) => `${k}:${out[k].configured}`);
      };
      assert.deepEqual(await configured(nodes[0]), ["B:true", "C:false"]);
      assert.deepEqual(await configured(nodes[1]), ["A:false", "C:true"]);
      assert.deepEqual(await configured(nodes[2]), ["A:false", "B:false"]);
      for (const n of nodes) conns.set(n.config.name, await client(n.url, n.config.name));
      await checkEveryPair(conns, ["A", "B", "C"], 1);
      const [a, b, c] = ["a1", "b1", "c1"].map((k) => conns.get(k)!);
      // Publisher on denats: remote members on nats-server (B) and denats (C).
      await checkQueueFailover(a, a, [b, c]);
      // Publisher on nats-server: remote members on both denats clusters.
      await checkQueueFailover(b, b, [a, c]);
    } finally {
      await closeAll([...conns.values()]);
      for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
    }
  },
});
