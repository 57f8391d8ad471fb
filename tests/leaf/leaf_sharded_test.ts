/**
 * @module
 * Leaf nodes of a sharded server (`shards: 2`): its route worker runs them as the link worker
 * of the ring mesh. A sharded denats hub with an unsharded denats leaf and, when installed, a
 * nats-server leaf: messages in order and request/reply both ways between clients on each
 * shard and clients of each leaf, a queue group preferring the publisher's side and failing
 * over across the leafnode link and back, `/leafz` and the leafnode part of `/varz` answered
 * from the link worker's data, and a failed link worker restarted with its leafs back. A
 * sharded hub routed to an unsharded one, each with a leaf: leaf to leaf, hub and shards across
 * the route. Then a sharded denats as the leaf (remotes) of an unsharded denats or nats-server
 * hub: the same traffic from both of its shards.
 */
import assert from "node:assert/strict";
import { startServer } from "../../mod.ts";
import type { ServerHandle } from "../../server/start.ts";
import {
  checkFanout,
  checkRequestReply,
  client,
  closeAll,
  type NatsConnection,
} from "../cluster/_traffic.ts";
import { checkQueueFailover } from "../gateway/_geo.ts";
import { workerOf } from "../helpers/shard_placement.ts";
import {
  connect,
  DenatsNode,
  freePort,
  haveReference,
  leafConf,
  type LeafNodeSpec,
  type LeafTestNode,
  NatsServerNode,
  startNode,
  TempDir,
  waitFor,
  waitLeafs,
} from "./_leaf.ts";

/** Workers sharing the connection id sequence: 2 shards and the link worker. */
const WORKERS = 3;

/** A sharded denats (2 shards) from a `.conf` file, with monitoring on `httpPort`. */
class ShardedNode implements LeafTestNode {
  readonly kind = "denats" as const;
  readonly name: string;
  readonly handle: ServerHandle;
  readonly httpPort: number;

  private constructor(name: string, handle: ServerHandle, httpPort: number) {
    this.name = name;
    this.handle = handle;
    this.httpPort = httpPort;
  }

  static async start(dir: TempDir, spec: LeafNodeSpec): Promise<ShardedNode> {
    const httpPort = freePort();
    const conf = leafConf({
      port: -1,
      ...spec,
      extra: [...(spec.extra ?? []), `http: "127.0.0.1:${httpPort}"`],
    });
    const file = dir.write(`${spec.name}.conf`, conf);
    const handle = await startServer({ config: file, quiet: true, shards: 2 });
    return new ShardedNode(spec.name, handle, httpPort);
  }

  get clientPort(): number {
    return this.handle.port;
  }

  // deno-lint-ignore no-explicit-any
  async monitor(path: string): Promise<any> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}${path}`);
    return await res.json();
  }

  async leafCount(): Promise<number> {
    return (await this.monitor("/leafz")).leafnodes as number;
  }

  lines(): string[] {
    return [];
  }

  stop(): Promise<void> {
    return this.handle.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** Connections to a sharded node until there is one on each shard. */
async function onEachShard(port: number, spare: NatsConnection[]): Promise<NatsConnection[]> {
  const byShard: (NatsConnection | null)[] = [null, null];
  for (let i = 0; i < 64 && byShard.includes(null); i++) {
    const nc = await client(`127.0.0.1:${port}`, `shard-${i}`);
    const shard = workerOf(nc.info?.client_id ?? 1, WORKERS);
    if (shard < 2 && byShard[shard] === null) byShard[shard] = nc;
    else spare.push(nc);
  }
  assert.ok(!byShard.includes(null), "a connection on each shard");
  return byShard as NatsConnection[];
}

/** Fan-out and request/reply both ways between each shard client and each other client. */
async function checkBothWays(
  shards: NatsConnection[],
  others: NatsConnection[],
  tag: string,
): Promise<void> {
  for (const [j, other] of others.entries()) {
    await checkFanout(other, shards, `${tag}.in.${j}`);
    for (const [i, shard] of shards.entries()) {
      await checkFanout(shard, [other], `${tag}.out.${j}.${i}`);
      await checkRequestReply(shard, other, `${tag}.svc.out.${j}.${i}`);
      await checkRequestReply(other, shard, `${tag}.svc.in.${j}.${i}`);
    }
  }
}

Deno.test("leafnodes: a sharded hub with denats and nats-server leafs", async () => {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  const hub = await ShardedNode.start(dir, {
    name: "hub",
    leafPort,
    extra: [`accounts: { A: { users: [{ user: a, password: a }] } }`, `no_auth_user: a`],
  });
  const leafs: LeafTestNode[] = [];
  const conns: NatsConnection[] = [];
  try {
    const remote = `url: "nats-leaf://a:a@127.0.0.1:${leafPort}"`;
    leafs.push(await DenatsNode.start(dir, { name: "leaf-denats", remotes: [remote] }));
    if (haveReference()) {
      leafs.push(await NatsServerNode.start(dir, { name: "leaf-ns", remotes: [remote] }));
    }
    await waitLeafs(hub, leafs.length, 15_000);
    for (const l of leafs) await waitLeafs(l, 1, 15_000);
    // `/leafz` from the link worker's data, with the filters of an unsharded server.
    const lz = await hub.monitor("/leafz?subs=1");
    assert.equal(lz.leafnodes, leafs.length);
    assert.deepEqual(lz.leafs.map((l: { account: string }) => l.account), leafs.map(() => "A"));
    assert.ok(lz.leafs.every((l: { subscriptions_list?: string[] }) => l.subscriptions_list));
    assert.equal((await hub.monitor("/leafz")).leafs[0].subscriptions_list, undefined);
    assert.equal((await hub.monitor("/leafz?acc=B")).leafs, null);
    const varz = await hub.monitor("/varz");
    assert.equal(varz.leafnodes, leafs.length);
    assert.equal(varz.leaf.port, leafPort);

    const shards = await onEachShard(hub.clientPort, conns);
    conns.push(...shards);
    const leafClients: NatsConnection[] = [];
    for (const l of leafs) leafClients.push(await client(`127.0.0.1:${l.clientPort}`, l.name));
    conns.push(...leafClients);
    await checkBothWays(shards, leafClients, "sh.leaf");
    // Queue groups: the hub's member (on the other shard) first, else a leaf's; back again.
    await checkQueueFailover(shards[1], shards[0], leafClients);
    // From a leaf: its own member first, else one on the hub's shards.
    await checkQueueFailover(leafClients[0], leafClients[0], shards);
    // The link worker fails and is restarted: the leafs reconnect, interest and traffic return.
    const sharded = hub.handle.sharded!;
    sharded.failWorker(2, "test");
    await waitFor(() => sharded.restarts === 1 && sharded.liveWorkers === 3, 10_000, "restart");
    await waitLeafs(hub, leafs.length, 15_000);
    await checkFanout(leafClients[0], shards, "sh.leaf.after.in");
    await checkFanout(shards[1], leafClients, "sh.leaf.after.out");
    await checkRequestReply(shards[0], leafClients[leafClients.length - 1], "sh.leaf.after.svc");
  } finally {
    await closeAll(conns);
    for (const l of leafs.reverse()) await l[Symbol.asyncDispose]();
    await hub.stop();
  }
});

Deno.test("leafnodes: a sharded hub in a cluster, leafs on both hub servers", async () => {
  await using dir = await TempDir.create();
  const [route1, route2, leaf1Port, leaf2Port] = [freePort(), freePort(), freePort(), freePort()];
  const cluster = (own: number, other: number) =>
    `cluster { name: H, listen: "127.0.0.1:${own}", routes: ["nats-route://127.0.0.1:${other}"] }`;
  const hub1 = await ShardedNode.start(dir, {
    name: "hub1",
    leafPort: leaf1Port,
    extra: [cluster(route1, route2)],
  });
  const nodes: LeafTestNode[] = [];
  const conns: NatsConnection[] = [];
  try {
    const hub2 = await DenatsNode.start(dir, {
      name: "hub2",
      leafPort: leaf2Port,
      extra: [cluster(route2, route1)],
    });
    nodes.push(hub2);
    for (const [name, port] of [["leaf1", leaf1Port], ["leaf2", leaf2Port]] as const) {
      nodes.push(
        await DenatsNode.start(dir, { name, remotes: [`url: "nats-leaf://127.0.0.1:${port}"`] }),
      );
    }
    await waitLeafs(hub1, 1, 15_000);
    await waitLeafs(hub2, 1, 15_000);
    const shards = await onEachShard(hub1.clientPort, conns);
    conns.push(...shards);
    const [h2, l1, l2] = await Promise.all(
      nodes.map((n) => client(`127.0.0.1:${n.clientPort}`, n.name)),
    );
    conns.push(h2, l1, l2);
    // A leaf of the sharded hub and one of the other server: through routes both ways.
    await checkFanout(l1, [h2, l2, ...shards], "cl.leaf1");
    await checkFanout(l2, [l1, ...shards], "cl.leaf2");
    await checkFanout(h2, [l1], "cl.hub2");
    await checkRequestReply(l1, l2, "cl.svc.12");
    await checkRequestReply(l2, l1, "cl.svc.21");
    await checkRequestReply(h2, l1, "cl.svc.h1");
    await checkBothWays(shards, [l2], "cl.sh");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
    await hub1.stop();
  }
});

Deno.test("leafnodes: a sharded leaf answers requests that crossed its hub's gateways", async () => {
  await using dir = await TempDir.create();
  const [gwA, gwB, leafPort] = [freePort(), freePort(), freePort()];
  const accounts = [
    "accounts {",
    "  SYS { users: [{ user: sys, password: sys }] }",
    "  A { users: [{ user: a, password: a }] }",
    "}",
    "system_account: SYS",
  ];
  const gateway = (name: string, own: number, other: string, port: number) =>
    `gateway { name: ${name}, listen: "127.0.0.1:${own}", gateways: [` +
    `{ name: ${other}, url: "nats://127.0.0.1:${port}" }] }`;
  const nodes: LeafTestNode[] = [];
  const conns: NatsConnection[] = [];
  let leaf: ShardedNode | null = null;
  try {
    nodes.push(
      await DenatsNode.start(dir, {
        name: "a1",
        leafPort,
        extra: [...accounts, gateway("A", gwA, "B", gwB)],
      }),
      await DenatsNode.start(dir, {
        name: "b1",
        extra: [...accounts, gateway("B", gwB, "A", gwA)],
      }),
    );
    leaf = await ShardedNode.start(dir, {
      name: "leaf-sharded",
      remotes: [`url: "nats-leaf://a:a@127.0.0.1:${leafPort}"`],
    });
    await waitLeafs(nodes[0], 1, 15_000);
    const shards = await onEachShard(leaf.clientPort, conns);
    conns.push(...shards);
    const b = await connect({ port: nodes[1].clientPort, user: "a", pass: "a" });
    conns.push(b);
    // The request reaches a shard's client with its `_GR_.` reply hidden; the response goes
    // back through the link worker, the hub and its gateway.
    for (const [i, shard] of shards.entries()) {
      await checkRequestReply(b, shard, `gw.leaf.svc.${i}`);
    }
  } finally {
    await closeAll(conns);
    await leaf?.stop();
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});

for (const hubKind of ["denats", "nats-server"] as const) {
  Deno.test(`leafnodes: a sharded leaf of an unsharded ${hubKind} hub`, async () => {
    if (hubKind === "nats-server" && !haveReference()) return;
    await using dir = await TempDir.create();
    const leafPort = freePort();
    const spec = { name: "hub", leafPort };
    const hub = await startNode(hubKind, dir, spec);
    const conns: NatsConnection[] = [];
    let leaf: ShardedNode | null = null;
    try {
      leaf = await ShardedNode.start(dir, {
        name: "leaf-sharded",
        remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}"`],
      });
      await waitLeafs(hub, 1, 15_000);
      await waitFor(async () => (await leaf!.leafCount()) === 1, 15_000, "leaf registered");
      const shards = await onEachShard(leaf.clientPort, conns);
      conns.push(...shards);
      const hubClient = await client(`127.0.0.1:${hub.clientPort}`, "hub");
      conns.push(hubClient);
      await checkBothWays(shards, [hubClient], `leaf.sh.${hubKind}`);
      // The leaf's own members (on its other shard) first, else the hub's; back again.
      await checkQueueFailover(shards[1], shards[0], [hubClient]);
      // From the hub: its member first, else one on the leaf's shards.
      await checkQueueFailover(hubClient, hubClient, shards);
    } finally {
      await closeAll(conns);
      await leaf?.stop();
      await hub.stop();
    }
  });
}
