/**
 * @module
 * Two clusters of two denats servers each, gateway-connected, from `.conf` files: one outbound
 * gateway per server, pub/sub and request/reply both ways with messages in order; queue
 * geo-affinity (a member of the publisher's cluster first, one remote cluster otherwise);
 * interest pruning seen in `/gatewayz` `out_msgs`; gateway credentials refused.
 */
import assert from "node:assert/strict";
import { waitFor } from "../helpers/poll.ts";
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
  type GatewayExtra,
  type GatewayNode,
  type GatewayNodeConfig,
  TempDir,
  twoClusters,
  waitForGateways,
} from "./_gateway.ts";

/** Starts A1, A2 (cluster A) and B1, B2 (cluster B), all denats. */
async function superCluster(
  dir: TempDir,
  extra: (c: GatewayNodeConfig) => GatewayExtra = () => ({}),
): Promise<DenatsNode[]> {
  const configs = twoClusters();
  const nodes: DenatsNode[] = [];
  for (const c of configs) {
    nodes.push(await DenatsNode.start(dir, c, gatewayConf(c, configs, extra(c))));
  }
  return nodes;
}

/** `out_msgs` of `node`'s outbound gateway to `name`. */
async function outMsgs(node: GatewayNode, name: string): Promise<number> {
  const gz = await node.gatewayz();
  return (gz.outbound_gateways[name]?.connection?.out_msgs as number | undefined) ?? -1;
}

Deno.test("gateways: two denats clusters exchange pub/sub and request/reply both ways", async () => {
  await using dir = await TempDir.create();
  const nodes = await superCluster(dir);
  const conns: NatsConnection[] = [];
  try {
    await waitForGateways(nodes as GatewayNode[]);
    // One outbound per remote cluster on every server; inbound ones from the other cluster.
    for (const n of nodes) {
      const gz = await n.gatewayz();
      assert.equal(gz.name, n.config.cluster);
      assert.deepEqual(Object.keys(gz.outbound_gateways), [n.config.cluster === "A" ? "B" : "A"]);
      assert.equal(gz.outbound_gateways[n.config.cluster === "A" ? "B" : "A"].configured, true);
    }
    const [a1, a2, b1, b2] = await Promise.all(nodes.map((n) => client(n.url)));
    conns.push(a1, a2, b1, b2);
    await checkFanout(a1, [b1, b2, a2], "gw.fan.ab");
    await checkFanout(b2, [a1, a2, b1], "gw.fan.ba");
    await checkRequestReply(a1, b2, "gw.svc.ab");
    await checkRequestReply(b1, a2, "gw.svc.ba");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});

Deno.test("gateways: a queue member of the local cluster is preferred, else one remote cluster serves", async () => {
  await using dir = await TempDir.create();
  const nodes = await superCluster(dir);
  const conns: NatsConnection[] = [];
  try {
    await waitForGateways(nodes);
    const [a1, a2, b1, b2] = await Promise.all(nodes.map((n) => client(n.url)));
    conns.push(a1, a2, b1, b2);
    const counts = { a2: 0, b1: 0, b2: 0 };
    const localSub = a2.subscribe("geo.work", {
      queue: "workers",
      callback: () => void counts.a2++,
    });
    b1.subscribe("geo.work", { queue: "workers", callback: () => void counts.b1++ });
    b2.subscribe("geo.work", { queue: "workers", callback: () => void counts.b2++ });
    await Promise.all([a2.flush(), b1.flush(), b2.flush()]);
    // a1 knows a2's member (route) and B's queue interest (RS+ on its outbound gateway).
    await waitFor(
      async () => {
        const gz = await nodes[0].gatewayz("accs=1&acc_name=$G");
        const acc = gz.outbound_gateways.B?.accounts?.[0] as { num_queue_subs?: number };
        return (acc?.num_queue_subs ?? 0) >= 1;
      },
      10_000,
      "queue interest of B on a1",
    );
    await waitFor(
      async () => {
        a1.publish("geo.work", "probe");
        await a1.flush();
        return counts.a2 > 0;
      },
      10_000,
      "a2 member known on a1",
    );
    await a2.flush();
    const before = { ...counts };
    for (let i = 0; i < 50; i++) a1.publish("geo.work", `${i}`);
    await a1.flush();
    await waitFor(() => counts.a2 - before.a2 === 50, 10_000, "local member served all");
    await Promise.all([b1.flush(), b2.flush()]);
    assert.equal(counts.b1 + counts.b2, before.b1 + before.b2, "the remote cluster got none");
    // Without a local member, exactly one member of the remote cluster gets each message.
    localSub.unsubscribe();
    await a2.flush();
    await waitFor(
      async () => {
        const was = counts.b1 + counts.b2;
        a1.publish("geo.work", "probe");
        await a1.flush();
        await Promise.all([b1.flush(), b2.flush()]);
        return counts.b1 + counts.b2 > was;
      },
      10_000,
      "remote members used",
    );
    await Promise.all([b1.flush(), b2.flush()]);
    const remote = counts.b1 + counts.b2;
    for (let i = 0; i < 50; i++) a1.publish("geo.work", `${i}`);
    await a1.flush();
    await waitFor(() => counts.b1 + counts.b2 - remote >= 50, 10_000, "remote cluster served");
    await Promise.all([b1.flush(), b2.flush(), a2.flush()]);
    assert.equal(counts.b1 + counts.b2 - remote, 50, "each message once");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});

Deno.test("gateways: messages nobody in the remote cluster wants are not sent (/gatewayz out_msgs)", async () => {
  await using dir = await TempDir.create();
  const nodes = await superCluster(dir);
  const conns: NatsConnection[] = [];
  try {
    await waitForGateways(nodes);
    const [a1, b1] = await Promise.all([client(nodes[0].url), client(nodes[2].url)]);
    conns.push(a1, b1);
    let got = 0;
    b1.subscribe("wanted", { callback: () => void got++ });
    await b1.flush();
    await waitFor(
      async () => {
        a1.publish("wanted");
        await a1.flush();
        return got > 0;
      },
      10_000,
      "interest of b1 on a1",
    );
    await b1.flush();
    const start = await outMsgs(nodes[0], "B");
    const seen = got;
    for (let i = 0; i < 20; i++) a1.publish("unwanted.subject", "x");
    for (let i = 0; i < 5; i++) a1.publish("wanted", "y");
    await a1.flush();
    await waitFor(() => got - seen === 5, 10_000, "wanted messages");
    assert.equal(await outMsgs(nodes[0], "B") - start, 5, "only the wanted messages crossed");
    // The interest is in the gatewayz account view of the outbound link.
    const gz = await nodes[0].gatewayz("accs=1");
    const acc = (gz.outbound_gateways.B.accounts as { name: string; interest_mode: string }[])
      .find((a) => a.name === "$G");
    assert.equal(acc?.interest_mode, "Interest-Only");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});

Deno.test("gateways: a cluster dialing without the gateway credentials is refused", async () => {
  await using dir = await TempDir.create();
  // B requires credentials; A dials without any, B dials A with them (A requires none).
  const nodes = await superCluster(
    dir,
    (c) => c.cluster === "B" ? { user: "gwuser", password: "gwpass" } : {},
  );
  const conns: NatsConnection[] = [];
  try {
    // B's servers connect to A (each to one of A's URLs, at random); A's outbound links to B
    // are refused (no inbound from A on B).
    await waitFor(
      async () => {
        let inbound = 0;
        for (const a of nodes.slice(0, 2)) {
          inbound += ((await a.gatewayz()).inbound_gateways.B ?? []).length;
        }
        return inbound >= 2;
      },
      10_000,
      "B's servers connected to A",
    );
    const [a1, b1] = await Promise.all([client(nodes[0].url), client(nodes[2].url)]);
    conns.push(a1, b1);
    let got = 0;
    b1.subscribe("secret", { callback: () => void got++ });
    await b1.flush();
    // Each of A's dials reaches B's handshake and is refused: wait for a few of them.
    const remoteB = () => nodes[0].handle.server.gateway?.table.remotes.get("B");
    await waitFor(() => (remoteB()?.connAttempts ?? 0) >= 3, 15_000, "refused dials of a1");
    for (let i = 0; i < 10; i++) a1.publish("secret");
    await a1.flush();
    await b1.flush();
    assert.equal(got, 0, "nothing crosses from A to B");
    for (const b of nodes.slice(2)) {
      const gz = await b.gatewayz();
      assert.deepEqual(gz.inbound_gateways.A ?? [], [], "no inbound from A registered on B");
    }
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});

Deno.test("gateways: a reply crosses a route on each side back to the requester's server", async () => {
  await using dir = await TempDir.create();
  const [a1c, a2c, b1c, b2c] = twoClusters();
  // a1 dials b1 only; b2 dials a2 only: a request from a1 to a responder on b2 goes
  // a1 -> b1 -> (route) b2, and the reply b2 -> a2 -> (route, by server hash) a1. Each
  // attempt dials every URL known (gateway.go solicitGateway), and URLs learned by gossip
  // count: b2 starts before b1, so that it dials (1 s after its start) before b1's outbound
  // to A registers and gossips a1's URL to it.
  const plan: [GatewayNodeConfig, GatewayNodeConfig[]][] = [
    [a1c, [a1c, a2c, b1c]],
    [a2c, [a1c, a2c, b1c, b2c]],
    [b2c, [a2c, b1c, b2c]],
    [b1c, [a1c, a2c, b1c, b2c]],
  ];
  const nodes: DenatsNode[] = [];
  const conns: NatsConnection[] = [];
  try {
    for (const [c, known] of plan) {
      nodes.push(await DenatsNode.start(dir, c, gatewayConf(c, known)));
    }
    await waitForGateways(nodes);
    // Gossip may still let a1 dial b2 or b2 dial a1 on a loaded machine: the responder goes on
    // the B server a1's outbound gateway does not reach, so the request crosses a route in B.
    const a1Out = (await nodes[0].gatewayz()).outbound_gateways.B.connection?.port;
    assert.ok(a1Out === b1c.gatewayPort || a1Out === b2c.gatewayPort, `a1 dials B: ${a1Out}`);
    const far = nodes.find((n) => n.config.cluster === "B" && n.config.gatewayPort !== a1Out)!;
    const farOut = (await far.gatewayz()).outbound_gateways.A.connection?.port;
    assert.ok(farOut === a1c.gatewayPort || farOut === a2c.gatewayPort, `B dials A: ${farOut}`);
    const requester = await client(nodes[0].url);
    const responder = await client(far.url);
    conns.push(requester, responder);
    await checkRequestReply(requester, responder, "hop.svc");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
});
