/**
 * @module
 * The sharded runtime end to end (`shards: 4`, workers sharing the client port): clients spread
 * over workers, per-publisher order across subjects and workers, queue groups exactly once,
 * request/reply and no-responders across workers, PONG after SUB, aggregated monitoring, and a
 * worker restart. A connection's worker is known from its cid: shard `i` of `n` hands out
 * cids `i + 1, i + 1 + n, ...`.
 */
import assert from "node:assert";
import { connect } from "@nats-io/transport-node";
import { startServer } from "../../mod.ts";
import type { ServerHandle } from "../../server/start.ts";
import { RawClient } from "../helpers/raw_client.ts";
import { pub, sub } from "../helpers/frames.ts";
import { waitFor } from "../helpers/poll.ts";
import {
  openElsewhere,
  openRaw,
  type Placed,
  workerOf as workerOfShard,
} from "../helpers/shard_placement.ts";

const SHARDS = 4;

const CONNECT_OPTS = { verbose: false, pedantic: false, headers: true, no_responders: true };

function workerOf(cid: number): number {
  return workerOfShard(cid, SHARDS);
}

/** Opens a raw client (CONNECT + PING/PONG done) and reports which worker owns it. */
function open(s: ServerHandle): Promise<Placed<RawClient>> {
  return openRaw(s, SHARDS, CONNECT_OPTS);
}

/** Opens clients until one lands on a worker other than those in `avoid`. */
function openAway(s: ServerHandle, avoid: number[], spare: RawClient[]) {
  return openElsewhere(() => open(s), avoid, spare);
}

async function closeAll(list: RawClient[]): Promise<void> {
  await Promise.all(list.map((c) => c.close()));
}

Deno.test("a sharded server spreads connections over its workers and reports one server id", async () => {
  await using s = await startServer({ port: -1, shards: SHARDS, quiet: true });
  const clients: RawClient[] = [];
  const ids = new Set<unknown>();
  const workers = new Set<number>();
  try {
    for (let i = 0; i < 24; i++) {
      const c = await RawClient.dial({ host: "127.0.0.1", port: s.port });
      clients.push(c);
      const info = await c.readInfo();
      ids.add(info.server_id);
      workers.add(workerOf(info.client_id as number));
    }
    assert.equal(ids.size, 1, "every worker announces the same server id");
    assert.ok(workers.size >= 2, `connections landed on ${workers.size} worker(s) only`);
  } finally {
    await closeAll(clients);
  }
});

Deno.test("one publisher's messages reach a subscriber on another worker in order, across subjects", async () => {
  await using s = await startServer({ port: -1, shards: SHARDS, quiet: true });
  const spare: RawClient[] = [];
  const subscriber = await open(s);
  const publisher = await openAway(s, [subscriber.worker], spare);
  try {
    await subscriber.client.send(sub(">", 1));
    await subscriber.client.flush();
    const n = 500;
    let batch = "";
    for (let i = 0; i < n; i++) batch += pub(i % 2 === 0 ? `a.${i}` : `b.${i}`, String(i));
    await publisher.client.send(batch);
    await publisher.client.flush();
    for (let i = 0; i < n; i++) {
      const m = await subscriber.client.expectMsg();
      assert.equal(m.payload, String(i));
      assert.equal(m.subject, i % 2 === 0 ? `a.${i}` : `b.${i}`);
    }
  } finally {
    await closeAll([subscriber.client, publisher.client, ...spare]);
  }
});

Deno.test("a queue group spread over workers gets each message exactly once", async () => {
  await using s = await startServer({ port: -1, shards: SHARDS, quiet: true });
  const spare: RawClient[] = [];
  const members: Placed<RawClient>[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      const m = await openAway(s, members.map((x) => x.worker).slice(0, 1), spare);
      members.push(m);
      await m.client.send(sub("work", 1, "q"));
      await m.client.flush();
    }
    const publisher = await open(s);
    spare.push(publisher.client);
    const n = 400;
    let batch = "";
    for (let i = 0; i < n; i++) batch += pub("work", String(i));
    await publisher.client.send(batch);
    await publisher.client.flush();
    const seen = new Map<string, number>();
    await waitFor(async () => {
      for (const m of members) {
        const text = await m.client.flush();
        for (const match of text.matchAll(/MSG work 1 \d+\r\n(\d+)\r\n/g)) {
          seen.set(match[1], (seen.get(match[1]) ?? 0) + 1);
        }
      }
      return seen.size >= n;
    }, 5000);
    assert.equal(seen.size, n);
    assert.ok([...seen.values()].every((count) => count === 1), "a message was delivered twice");
  } finally {
    await closeAll([...members.map((m) => m.client), ...spare]);
  }
});

Deno.test("a PONG after SUB means a publisher on any worker reaches the subscription", async () => {
  await using s = await startServer({ port: -1, shards: SHARDS, quiet: true });
  const spare: RawClient[] = [];
  const subscriber = await open(s);
  const publisher = await openAway(s, [subscriber.worker], spare);
  try {
    for (let i = 0; i < 50; i++) {
      await subscriber.client.send(sub(`fresh.${i}`, i + 1));
      await subscriber.client.flush(); // PONG: every worker has the subscription now
      await publisher.client.send(pub(`fresh.${i}`, `m${i}`));
      const m = await subscriber.client.expectMsg();
      assert.equal(m.subject, `fresh.${i}`);
      assert.equal(m.payload, `m${i}`);
    }
  } finally {
    await closeAll([subscriber.client, publisher.client, ...spare]);
  }
});

Deno.test("request/reply and no-responders work across workers with a real client", async () => {
  await using s = await startServer({ port: -1, shards: SHARDS, quiet: true });
  const nc1 = await connect({ servers: s.clientUrl });
  const nc2 = await connect({ servers: s.clientUrl });
  try {
    const service = nc1.subscribe("svc.echo", {
      callback: (_err, msg) => {
        msg.respond(new TextEncoder().encode(`re:${msg.string()}`));
      },
    });
    await nc1.flush();
    for (let i = 0; i < 20; i++) {
      const reply = await nc2.request("svc.echo", `q${i}`, { timeout: 2000 });
      assert.equal(reply.string(), `re:q${i}`);
    }
    await assert.rejects(
      () => nc2.request("nobody.home", "x", { timeout: 2000 }),
      /503|no responders/i,
    );
    service.unsubscribe();
  } finally {
    await nc1.close();
    await nc2.close();
  }
});

Deno.test("monitoring of a sharded server sums the workers", async () => {
  await using s = await startServer({ port: -1, httpPort: -1, shards: SHARDS, quiet: true });
  const spare: RawClient[] = [];
  const a = await open(s);
  const b = await openAway(s, [a.worker], spare);
  try {
    await b.client.send(sub("m.x", 1));
    await b.client.flush();
    await a.client.send(pub("m.x", "1") + pub("m.x", "2"));
    await a.client.flush();
    await b.client.expectMsg();
    await b.client.expectMsg();
    const varz = await (await fetch(`${s.monitorUrl}/varz`)).json();
    assert.equal(varz.connections, 2 + spare.length);
    assert.equal(varz.in_msgs, 2);
    assert.equal(varz.out_msgs, 2);
    assert.equal(varz.subscriptions, 1);
    const connz = await (await fetch(`${s.monitorUrl}/connz`)).json();
    assert.equal(connz.num_connections, 2 + spare.length);
    // Each connection names the worker that owns it.
    const shards = new Map<number, number>(
      connz.connections.map((c: { cid: number; shard: number }) => [c.cid, c.shard]),
    );
    assert.equal(shards.size, 2 + spare.length);
    for (const [cid, shard] of shards) assert.equal(shard, workerOf(cid), `cid ${cid}`);
  } finally {
    await closeAll([a.client, b.client, ...spare]);
  }
});

Deno.test("a worker that fails is restarted; other workers keep serving", async () => {
  await using s = await startServer({ port: -1, shards: SHARDS, quiet: true });
  const sharded = s.sharded!;
  const spare: RawClient[] = [];
  const subscriber = await open(s);
  const victim = (subscriber.worker + 1) % SHARDS;
  const publisher = await openAway(s, [victim], spare);
  try {
    await subscriber.client.send(sub("alive", 1));
    await subscriber.client.flush();
    sharded.failWorker(victim, "test");
    await waitFor(() => sharded.restarts === 1 && sharded.liveWorkers === SHARDS, 10_000);
    if (subscriber.worker !== victim && publisher.worker !== victim) {
      await publisher.client.send(pub("alive", "still"));
      assert.equal((await subscriber.client.expectMsg()).payload, "still");
    }
    // New connections anywhere, including the restarted worker, reach the subscriber.
    for (let i = 0; i < 8; i++) {
      const p = await open(s);
      spare.push(p.client);
      await p.client.send(pub("alive", `n${i}`));
      assert.equal((await subscriber.client.expectMsg()).payload, `n${i}`);
    }
  } finally {
    await closeAll([subscriber.client, publisher.client, ...spare]);
  }
});
