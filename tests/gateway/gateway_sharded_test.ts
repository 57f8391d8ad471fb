/**
 * @module
 * Gateways of a sharded server (`shards: 2`): its route worker runs them as a link worker of
 * the ring mesh. Cluster A is a sharded denats (a1) routed to an unsharded one (a2); cluster B
 * is an unsharded denats and cluster C, when installed, a nats-server. Messages in order and
 * request/reply both ways between A's shards and the other clusters, replies routed back to
 * the shard of the requester, and a queue group preferring A's members, failing over to
 * another cluster when they go and back when one returns; a failed link worker is restarted and
 * its gateways and interest come back.
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
  DenatsNode,
  gatewayConf,
  type GatewayNode,
  NatsServerNode,
  nodeConfig,
  TempDir,
  waitFor,
  waitForGateways,
} from "./_gateway.ts";
import { checkQueueFailover } from "./_geo.ts";

/** Workers of a1 sharing the connection id sequence: 2 shards and the link worker. */
const A1_WORKERS = 3;

/** Connections to the sharded a1 until there is one on each shard. */
async function onEachShard(url: string): Promise<NatsConnection[]> {
  const byShard: (NatsConnection | null)[] = [null, null];
  const extra: NatsConnection[] = [];
  for (let i = 0; i < 64 && byShard.includes(null); i++) {
    const nc = await client(url, `a1-${i}`);
    const shard = ((nc.info?.client_id ?? 1) - 1) % A1_WORKERS;
    if (shard < 2 && byShard[shard] === null) byShard[shard] = nc;
    else extra.push(nc);
  }
  await closeAll(extra);
  assert.ok(!byShard.includes(null), "a connection on each shard");
  return byShard as NatsConnection[];
}

Deno.test("gateways: a sharded server in a super-cluster with unsharded denats and nats-server", async () => {
  await using dir = await TempDir.create();
  const withReference = haveNatsServer("the nats-server cluster of the sharded gateway test");
  const configs = [nodeConfig("a1", "A"), nodeConfig("a2", "A"), nodeConfig("b1", "B")];
  if (withReference) configs.push(nodeConfig("c1", "C"));
  const nodes: GatewayNode[] = [];
  const conns: NatsConnection[] = [];
  try {
    for (const c of configs) {
      const conf = gatewayConf(c, configs);
      nodes.push(
        c.name === "a1"
          ? await DenatsNode.start(dir, c, conf, "conf", 2)
          : c.name === "c1"
          ? await NatsServerNode.start(dir, c, conf)
          : await DenatsNode.start(dir, c, conf),
      );
    }
    await waitForGateways(nodes, 20_000);
    const others = configs.filter((c) => c.cluster !== "A").map((c) => c.cluster);
    const gz = await nodes[0].gatewayz("accs=1");
    assert.equal(gz.name, "A");
    assert.deepEqual(Object.keys(gz.outbound_gateways).sort(), others);
    // The main isolate answers from the link worker's data: filters as an unsharded server.
    const accs = (await nodes[0].gatewayz("acc_name=$G")).outbound_gateways.B.accounts;
    assert.deepEqual(accs?.map((a) => [a.name, a.interest_mode]), [["$G", "Interest-Only"]]);
    assert.equal((await nodes[0].gatewayz("gw_name=Z")).outbound_gateways, null);
    assert.equal((await nodes[0].gatewayz()).outbound_gateways.B.accounts, undefined);
    const varz = await (await fetch(`http://127.0.0.1:${configs[0].httpPort}/varz`)).json();
    assert.equal(varz.gateway.name, "A");
    assert.equal(varz.gateway.port, configs[0].gatewayPort);
    assert.deepEqual(
      varz.gateway.gateways.map((g: { name: string }) => g.name).sort(),
      others,
    );
    const shards = await onEachShard(nodes[0].url);
    conns.push(...shards);
    const [a2, ...rest] = await Promise.all(nodes.slice(1).map((n) => client(n.url)));
    conns.push(a2, ...rest);
    for (const remote of rest) {
      // Remote -> both shards of a1 and a2; each shard -> the remote.
      await checkFanout(remote, [...shards, a2], `sh.gw.in.${conns.indexOf(remote)}`);
      for (const [i, shard] of shards.entries()) {
        await checkFanout(shard, [remote, a2], `sh.gw.out.${conns.indexOf(remote)}.${i}`);
        await checkRequestReply(shard, remote, `sh.svc.out.${conns.indexOf(remote)}.${i}`);
        await checkRequestReply(remote, shard, `sh.svc.in.${conns.indexOf(remote)}.${i}`);
      }
    }
    // Queue geo-affinity: a member on a shard of a1 first, else another cluster's members.
    await checkQueueFailover(shards[0], shards[1], rest);
    // And from a remote cluster: its local member first, then a1's shards (one of them).
    await checkQueueFailover(rest[0], rest[0], shards);
    // The link worker fails and is restarted: its gateways and the interest come back.
    const sharded = (nodes[0] as DenatsNode).handle.sharded!;
    sharded.failWorker(2, "test");
    await waitFor(() => sharded.restarts === 1 && sharded.liveWorkers === 3, 10_000, "restart");
    await waitForGateways(nodes, 20_000);
    await checkFanout(rest[0], shards, "sh.gw.after.in");
    await checkFanout(shards[1], [rest[0]], "sh.gw.after.out");
    await checkRequestReply(rest[0], shards[0], "sh.svc.after");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});
