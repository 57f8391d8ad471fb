/**
 * @module
 * Leafnodes in larger topologies (nats-server leafnode.go updateLeafNodes, the spoke rule and
 * route interplay): a leaf on one server of a hub cluster reaches clients of the other server
 * both ways; a server with two hubs never tells one hub the other's interest; two leafs of
 * one hub reach each other through it. Real sockets. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import {
  client,
  DenatsNode,
  freePort,
  OPTS,
  TempDir,
  waitFor,
  waitInterest,
  waitLeafs,
} from "./_leaf.ts";
import { leafz } from "../../server/monitor/links.ts";

Deno.test(
  "a leaf of one hub cluster server reaches clients of the other server",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const [ra, rb, leafPort] = [freePort(), freePort(), freePort()];
    const cluster = (own: number, other: number) =>
      `cluster { name: HUB, listen: "127.0.0.1:${own}", routes: ["nats-route://127.0.0.1:${other}"] }`;
    await using a = await DenatsNode.start(dir, { name: "A", leafPort, extra: [cluster(ra, rb)] });
    await using b = await DenatsNode.start(dir, { name: "B", extra: [cluster(rb, ra)] });
    await using leaf = await DenatsNode.start(dir, {
      name: "leaf",
      remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}"`],
    });
    await waitLeafs(leaf);
    await using nb = await client(b);
    await using nl = await client(leaf);
    await waitFor(() => a.handle.server.cluster?.table.routes.size === 1, 5000, "route A-B");
    // Route interest (a client of B) reaches the leaf through A.
    const atB: string[] = [];
    nb.subscribe("to.b", { callback: (_e, m) => void atB.push(m.string()) });
    await nb.flush();
    await waitInterest(nl, nb, "to");
    nl.publish("to.b", "from leaf");
    await waitFor(() => atB.length === 1, 3000, "leaf -> B");
    // The leaf's interest reaches B through A's routes.
    const atLeaf: string[] = [];
    nl.subscribe("to.leaf", { callback: (_e, m) => void atLeaf.push(m.string()) });
    await nl.flush();
    await waitInterest(nb, nl, "to");
    nb.publish("to.leaf", "from B");
    await waitFor(() => atLeaf.length === 1, 3000, "B -> leaf");
    assert.deepEqual([atB, atLeaf], [["from leaf"], ["from B"]]);
  },
);

Deno.test(
  "the spoke rule: one hub's interest is never announced to another hub",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const [p1, p2] = [freePort(), freePort()];
    await using h1 = await DenatsNode.start(dir, { name: "H1", leafPort: p1 });
    await using h2 = await DenatsNode.start(dir, { name: "H2", leafPort: p2 });
    await using leaf = await DenatsNode.start(dir, {
      name: "leaf",
      remotes: [`url: "nats-leaf://127.0.0.1:${p1}"`, `url: "nats-leaf://127.0.0.1:${p2}"`],
    });
    await waitLeafs(leaf, 2);
    await using n1 = await client(h1);
    await using nl = await client(leaf);
    n1.subscribe("only.h1");
    nl.subscribe("from.leaf");
    await n1.flush();
    await nl.flush();
    const subsAt = (node: DenatsNode) =>
      leafz(node.handle.server, { subs: true }).leafs?.[0]?.subscriptions_list ?? [];
    // Both hubs learn the leaf's own interest; H2 never learns H1's.
    await waitFor(() => subsAt(h1).includes("from.leaf"), 3000, "H1 learns from.leaf");
    await waitFor(() => subsAt(h2).includes("from.leaf"), 3000, "H2 learns from.leaf");
    await waitInterest(nl, n1, "only");
    assert(!subsAt(h2).includes("only.h1"), subsAt(h2).join(","));
  },
);

Deno.test("two leafs of one hub reach each other through it", OPTS, async () => {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  await using hub = await DenatsNode.start(dir, { name: "hub", leafPort });
  await using l1 = await DenatsNode.start(dir, {
    name: "L1",
    remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}"`],
  });
  await using l2 = await DenatsNode.start(dir, {
    name: "L2",
    remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}"`],
  });
  await waitLeafs(hub, 2);
  await using n1 = await client(l1);
  await using n2 = await client(l2);
  const got: string[] = [];
  n2.subscribe("across", { callback: (_e, m) => void got.push(m.string()) });
  await n2.flush();
  await waitInterest(n1, n2, "across");
  n1.publish("across", "L1 -> L2");
  await waitFor(() => got.length === 1, 3000, "L1 -> L2");
  assert.deepEqual(got, ["L1 -> L2"]);
});

Deno.test(
  "a message from a leaf cluster never comes back into that cluster through the hub",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const [r1, r2, leafPort] = [freePort(), freePort(), freePort()];
    const cluster = (own: number, other: number) =>
      `cluster { name: LC, listen: "127.0.0.1:${own}", routes: ["nats-route://127.0.0.1:${other}"] }`;
    const remote = `url: "nats-leaf://127.0.0.1:${leafPort}"`;
    await using hub = await DenatsNode.start(dir, { name: "hub", leafPort });
    await using l1 = await DenatsNode.start(dir, {
      name: "L1",
      extra: [cluster(r1, r2)],
      remotes: [remote],
    });
    await using l2 = await DenatsNode.start(dir, {
      name: "L2",
      extra: [cluster(r2, r1)],
      remotes: [remote],
    });
    await waitLeafs(hub, 2);
    await waitFor(() => l1.handle.server.cluster?.table.routes.size === 1, 5000, "L1-L2 route");
    await using nh = await client(hub);
    await using n1 = await client(l1);
    await using n2 = await client(l2);
    const atHub: string[] = [];
    const atL2: string[] = [];
    nh.subscribe("dup.x", { callback: (_e, m) => void atHub.push(m.string()) });
    n2.subscribe("dup.x", { callback: (_e, m) => void atL2.push(m.string()) });
    await nh.flush();
    await n2.flush();
    await waitInterest(n1, nh, "dup");
    await waitInterest(n1, n2, "dup");
    for (let i = 0; i < 5; i++) n1.publish("dup.x", String(i));
    await n1.flush();
    await waitFor(() => atHub.length === 5 && atL2.length >= 5, 3000, "5 messages each");
    // A late duplicate through the hub would show up here.
    await waitInterest(n1, n2, "dup.later");
    assert.deepEqual(atL2, ["0", "1", "2", "3", "4"]);
    assert.deepEqual(atHub, ["0", "1", "2", "3", "4"]);
  },
);

Deno.test(
  "a leaf cluster's message crosses a hub cluster once (LMSG with its origin on routes)",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const [h1r, h2r, l1r, l2r, h1l, h2l] = [0, 0, 0, 0, 0, 0].map(() => freePort());
    const cluster = (name: string, own: number, other: number) =>
      `cluster { name: ${name}, listen: "127.0.0.1:${own}", routes: ["nats-route://127.0.0.1:${other}"] }`;
    await using h1 = await DenatsNode.start(dir, {
      name: "H1",
      leafPort: h1l,
      extra: [cluster("HC", h1r, h2r)],
    });
    await using h2 = await DenatsNode.start(dir, {
      name: "H2",
      leafPort: h2l,
      extra: [cluster("HC", h2r, h1r)],
    });
    await using l1 = await DenatsNode.start(dir, {
      name: "L1",
      extra: [cluster("LC", l1r, l2r)],
      remotes: [`url: "nats-leaf://127.0.0.1:${h1l}"`],
    });
    await using l2 = await DenatsNode.start(dir, {
      name: "L2",
      extra: [cluster("LC", l2r, l1r)],
      remotes: [`url: "nats-leaf://127.0.0.1:${h2l}"`],
    });
    await waitLeafs(h1);
    await waitLeafs(h2);
    for (const n of [h1, l1]) {
      await waitFor(
        () => n.handle.server.cluster?.table.routes.size === 1,
        5000,
        `${n.name} route`,
      );
    }
    await using n1 = await client(l1);
    await using n2 = await client(l2);
    await using nh2 = await client(h2);
    const atL2: string[] = [];
    const atH2: string[] = [];
    n2.subscribe("once.x", { callback: (_e, m) => void atL2.push(m.string()) });
    nh2.subscribe("once.x", { callback: (_e, m) => void atH2.push(m.string()) });
    await n2.flush();
    await nh2.flush();
    await waitInterest(n1, nh2, "once");
    await waitInterest(n1, n2, "once");
    for (let i = 0; i < 5; i++) n1.publish("once.x", String(i));
    await n1.flush();
    await waitFor(() => atL2.length >= 5 && atH2.length >= 5, 3000, "5 messages each");
    await waitInterest(n1, n2, "once.later");
    await waitInterest(n1, nh2, "once.later");
    assert.deepEqual(atL2, ["0", "1", "2", "3", "4"]);
    assert.deepEqual(atH2, ["0", "1", "2", "3", "4"]);
  },
);
