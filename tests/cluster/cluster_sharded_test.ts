/**
 * @module
 * Routes of a sharded server (`shards: 2` with `cluster {}`): the route worker joins the ring
 * mesh and runs the routes. A 2-node cluster where node A is sharded and node B is a plain
 * denats (and, when installed, the reference nats-server): fan-out both ways with publishers
 * and subscribers on different servers (and on different shards of A), a queue group with
 * members on both servers served exactly once cluster-wide, request/reply across the route and
 * no-responders. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { startServer } from "../../mod.ts";
import {
  type ClusterNode,
  freePort,
  haveReference,
  InProcessNode,
  ProcessNode,
  TempDir,
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
import { waitFor } from "../helpers/poll.ts";
import { RawClient } from "../helpers/raw_client.ts";

/** Connections to A: two on each shard. */
const A_CONNS = 4;
/** Workers of A sharing the connection id sequence: 2 shards and the route worker. */
const A_WORKERS = 3;

/**
 * Connects to A until two connections sit on each shard (a shard's client ids are
 * `k * A_WORKERS + shard + 1`), closing the extra ones; ordered shard 0, 1, 0, 1.
 */
async function connectSpread(url: string): Promise<NatsConnection[]> {
  const byShard: NatsConnection[][] = [[], []];
  const extra: NatsConnection[] = [];
  for (let i = 0; i < 64 && (byShard[0].length < 2 || byShard[1].length < 2); i++) {
    const nc = await client(url, `a${i}`);
    const shard = ((nc.info?.client_id ?? 1) - 1) % A_WORKERS;
    assert.ok(shard < 2, `a client on a shard, not the route worker: ${nc.info?.client_id}`);
    if (byShard[shard].length < 2) byShard[shard].push(nc);
    else extra.push(nc);
  }
  await closeAll(extra);
  assert.ok(byShard.every((l) => l.length === 2), "connections on both shards");
  return [byShard[0][0], byShard[1][0], byShard[0][1], byShard[1][1]];
}

async function startShardedA(clusterPort: number) {
  return await startServer({
    host: "127.0.0.1",
    port: -1,
    httpPort: -1,
    quiet: true,
    serverName: "A",
    shards: 2,
    cluster: { name: "sharded", listen: `127.0.0.1:${clusterPort}` },
  });
}

async function exercise(aUrl: string, b: ClusterNode): Promise<void> {
  const conns: NatsConnection[] = [];
  try {
    conns.push(...await connectSpread(aUrl));
    const cb = await client(b.url, "b");
    conns.push(cb);
    const as = conns.slice(0, A_CONNS);
    // B -> A (every shard) and B itself; then A -> B and the other connections of A.
    await checkFanout(cb, [...as, cb], "sh.fan.b");
    await checkFanout(as[0], [...as.slice(1), cb], "sh.fan.a");
    await checkFanout(as[3], [cb], "sh.fan.a2");
    // A queue group with members on both servers (and both shards), publishers on both.
    const spread = await checkQueueExactlyOnce([as[0], cb, as[1]], [...as, cb], "sh.jobs", 300);
    const onA = spread.slice(0, A_CONNS).reduce((x, y) => x + y, 0);
    assert.ok(onA > 0 && spread[A_CONNS] > 0, `both servers served some: ${spread}`);
    // Request/reply across the route, both ways, and no-responders.
    await checkRequestReply(cb, as[1], "sh.svc.a");
    await checkRequestReply(as[2], cb, "sh.svc.b");
    await checkNoResponders(as[0], "sh.nobody");
    await checkNoResponders(cb, "sh.nobody");
    // An unsubscribe on A reaches B: B's requests get no-responders again.
    const sub = as[1].subscribe("sh.gone", { callback: (_e, m) => void m.respond("x") });
    await as[1].flush();
    await waitFor(
      async () => {
        try {
          await cb.request("sh.gone", "", { timeout: 500 });
          return true;
        } catch {
          return false;
        }
      },
      10_000,
      "interest of A on B",
    );
    sub.unsubscribe();
    await as[1].flush();
    await waitFor(
      async () => {
        try {
          await cb.request("sh.gone", "", { timeout: 500 });
          return false;
        } catch (e) {
          return /no responders/i.test((e as Error).message) ||
            /503/.test(String((e as { code?: string }).code));
        }
      },
      10_000,
      "interest removed on B",
    );
  } finally {
    await closeAll(conns);
  }
}

Deno.test("a sharded server routes to a denats: fan-out, queue groups, request/reply", async () => {
  const aCluster = freePort();
  await using a = await startShardedA(aCluster);
  assert.equal(a.sharded?.clusterPort, aCluster);
  await using b = await InProcessNode.start("B", {
    port: -1,
    cluster: {
      name: "sharded",
      listen: "127.0.0.1:-1",
      routes: [`nats-route://127.0.0.1:${aCluster}`],
    },
  });
  // One route, to the one server id every worker of A shares.
  await waitFor(async () => (await b.routeIds()).join() === a.serverId, 10_000, "route to A");
  // A's monitoring shows the route (from the route worker); its clients learn B's URL.
  const get = async (path: string) => await (await fetch(`${a.monitorUrl}/${path}`)).json();
  await waitFor(async () => (await get("routez")).num_routes === 1, 10_000, "A's /routez");
  const routez = await get("routez");
  assert.equal(routez.routes[0].remote_id, await b.serverId());
  const varz = await get("varz");
  assert.equal(varz.cluster.cluster_port, aCluster);
  assert.deepEqual(
    varz.connect_urls?.slice().sort(),
    [
      `127.0.0.1:${a.port}`,
      `127.0.0.1:${b.clientPort}`,
    ].sort(),
  );
  await using raw = await RawClient.dial({ host: "127.0.0.1", port: a.port });
  const info = await raw.readInfo();
  assert.equal(info.cluster, "sharded");
  assert.ok((info.connect_urls as string[]).includes(`127.0.0.1:${b.clientPort}`));
  // B's interest shows on A's /routez with subscriptions.
  const cb = await client(b.url, "b-routez");
  try {
    cb.subscribe("sh.routez.check");
    await cb.flush();
    await waitFor(
      async () => {
        const rs = await get("routez?subs=1");
        return (rs.routes[0]?.subscriptions_list ?? []).includes("sh.routez.check");
      },
      10_000,
      "B's interest in A's /routez",
    );
  } finally {
    await cb.close();
  }
  await exercise(a.clientUrl, b);
});

Deno.test({
  name: "a sharded server routes to nats-server: fan-out, queue groups, request/reply",
  ignore: !haveReference(),
  fn: async () => {
    await using dir = await TempDir.create();
    const aCluster = freePort();
    await using a = await startShardedA(aCluster);
    await using b = await ProcessNode.start("nats-server", dir, {
      name: "N",
      port: freePort(),
      clusterPort: freePort(),
      clusterName: "sharded",
      routes: [`nats-route://127.0.0.1:${aCluster}`],
    });
    await waitFor(async () => (await b.routeIds()).join() === a.serverId, 10_000, "route to A");
    await exercise(a.clientUrl, b);
  },
});

Deno.test("a sharded server's route worker that fails is restarted and the routes come back", async () => {
  const aCluster = freePort();
  await using a = await startShardedA(aCluster);
  await using b = await InProcessNode.start("B", {
    port: -1,
    cluster: {
      name: "sharded",
      listen: "127.0.0.1:-1",
      routes: [`nats-route://127.0.0.1:${aCluster}`],
    },
  });
  await waitFor(async () => (await b.routeIds()).join() === a.serverId, 10_000, "route to A");
  const conns: NatsConnection[] = [];
  try {
    conns.push(...await connectSpread(a.clientUrl));
    const cb = await client(b.url, "b");
    conns.push(cb);
    const sharded = a.sharded!;
    sharded.failWorker(2, "test");
    await waitFor(() => sharded.restarts === 1 && sharded.liveWorkers === 3, 10_000, "restart");
    await waitFor(async () => (await b.routeIds()).join() === a.serverId, 15_000, "route back");
    // Interest replays both ways: the shards' subscriptions to B, B's to the shards.
    await checkFanout(cb, conns.slice(0, A_CONNS), "sh.after.b");
    await checkFanout(conns[1], [cb], "sh.after.a");
  } finally {
    await closeAll(conns);
  }
});
