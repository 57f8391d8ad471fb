/**
 * @module
 * Internal connections (server/internal/) in a 2-node denats cluster in this process: their
 * interest crosses the route like a client's (RS+ when subscribed, RS- when unsubscribed), so a
 * client on the other server reaches an internal handler, an internal request reaches a
 * responder on the other server, and the system account's subscriptions, made before the
 * routes start, are known on the peer (except `$SYS.DEBUG.SUBSCRIBERS`, which nats-server keeps
 * local).
 */
import { Kind } from "../../server/routing/receiver.ts";
import assert from "node:assert/strict";
import { headers } from "@nats-io/transport-node";
import { InternalConnection, type InternalMsg } from "../../server/internal/internal_connection.ts";
import type { Server } from "../../server/server.ts";
import { InProcessNode, waitFor, waitForMesh } from "./_cluster.ts";
import { client, type NatsConnection } from "./_traffic.ts";

async function pair(): Promise<[InProcessNode, InProcessNode]> {
  const a = await InProcessNode.start("IA", {
    cluster: { name: "internal", listen: "127.0.0.1:-1" },
  });
  try {
    const b = await InProcessNode.start("IB", {
      cluster: {
        name: "internal",
        listen: "127.0.0.1:-1",
        routes: [`nats-route://127.0.0.1:${a.clusterPort}`],
      },
    });
    await waitForMesh([a, b]);
    return [a, b];
  } catch (e) {
    await a.stop();
    throw e;
  }
}

/** Entries in `account` on `s` matching `subject` that stand for a route (remote interest). */
function remoteInterest(s: Server, account: string, subject: string): number {
  const r = s.account(account)!.sublist.matchString(subject);
  return r.psubs.filter((e) => e.owner.kind === Kind.Route).length +
    r.qsubs.reduce((n, g) => n + g.filter((e) => e.owner.kind === Kind.Route).length, 0);
}

Deno.test("a client on B reaches an internal subscription on A, until it unsubscribes", async () => {
  const [a, b] = await pair();
  await using _b = b;
  await using _a = a;
  const conn = new InternalConnection(a.handle.server, a.handle.server.account()!);
  const got: InternalMsg[] = [];
  const sub = conn.subscribe("internal.hello", (m) => void got.push(m));
  let nc: NatsConnection | null = null;
  try {
    nc = await client(b.url, "b-publisher");
    const h = headers();
    h.set("From", "B");
    await waitFor(
      async () => {
        nc!.publish("internal.hello", "hi from B", { headers: h });
        await nc!.flush();
        return got.length > 0;
      },
      10_000,
      "the internal handler on A receiving B's message",
    );
    assert.deepEqual([got[0].subject, got[0].string(), got[0].header("From")], [
      "internal.hello",
      "hi from B",
      "B",
    ]);
    assert.equal(remoteInterest(b.handle.server, "$G", "internal.hello"), 1);
    sub.unsubscribe();
    await waitFor(
      () => remoteInterest(b.handle.server, "$G", "internal.hello") === 0,
      10_000,
      "B dropping A's interest (RS-)",
    );
  } finally {
    conn.close();
    await nc?.close();
  }
});

Deno.test("an internal request on A is answered by a client responder on B", async () => {
  const [a, b] = await pair();
  await using _b = b;
  await using _a = a;
  const nc = await client(b.url, "b-responder");
  const conn = new InternalConnection(a.handle.server, a.handle.server.account()!);
  try {
    nc.subscribe("svc.remote", { callback: (_e, m) => void m.respond(`B:${m.string()}`) });
    await nc.flush();
    await waitFor(
      () => remoteInterest(a.handle.server, "$G", "svc.remote") === 1,
      10_000,
      "B's responder known on A",
    );
    const reply = await conn.request("svc.remote", "q", { timeoutMs: 5000 });
    assert.equal(reply.string(), "B:q");
  } finally {
    conn.close();
    await nc.close();
  }
});

Deno.test("the system account's subscriptions, made before the routes, are known on the peer", async () => {
  const [a, b] = await pair();
  await using _b = b;
  await using _a = a;
  for (const [here, there] of [[a, b], [b, a]]) {
    const id = here.handle.server.id;
    await waitFor(
      () => remoteInterest(there.handle.server, "$SYS", `$SYS.REQ.SERVER.${id}.VARZ`) === 1,
      10_000,
      `${here.name}'s $SYS request subscriptions on ${there.name}`,
    );
    // Both servers' `$SYS.REQ.SERVER.PING` (one remote entry: the peer's, through the route).
    assert.equal(remoteInterest(there.handle.server, "$SYS", "$SYS.REQ.SERVER.PING"), 1);
  }
  assert.equal(remoteInterest(b.handle.server, "$SYS", "$SYS.DEBUG.SUBSCRIBERS"), 0);
  // Service import subscriptions stay local too.
  assert.equal(remoteInterest(b.handle.server, "$G", "$SYS.REQ.SERVER.PING.CONNZ"), 0);
});
