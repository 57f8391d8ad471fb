/**
 * @module
 * Leafnode reconnects and loop protection (nats-server leafnode.go reConnectToRemoteLeafNode,
 * handleLeafNodeLoop, processLeafNodeConnect's cluster name check): the hub killed and
 * restarted while leaf-local traffic keeps flowing, interest re-sent and cross traffic resumed;
 * a remote with a dead URL first; a loop between two servers; a leaf with the hub's cluster
 * name. Real sockets. Runs in the test isolate.
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

Deno.test(
  "the hub restarts: leaf-local traffic flows meanwhile, cross traffic resumes",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const leafPort = freePort();
    const hubSpec = { name: "hub", leafPort, leafExtra: [] as string[] };
    let hub = await DenatsNode.start(dir, hubSpec);
    await using leaf = await DenatsNode.start(dir, {
      name: "leaf",
      leafExtra: ["reconnect: 1"],
      remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}"`],
    });
    try {
      await waitLeafs(leaf);
      await using nl = await client(leaf);
      const upAtHub: string[] = [];
      const localGot: string[] = [];
      nl.subscribe("local", { callback: (_e, m) => void localGot.push(m.string()) });
      const downAtLeaf: string[] = [];
      nl.subscribe("down", { callback: (_e, m) => void downAtLeaf.push(m.string()) });
      await nl.flush();
      {
        await using nh = await client(hub);
        nh.subscribe("up", { callback: (_e, m) => void upAtHub.push(m.string()) });
        await nh.flush();
        await waitInterest(nl, nh, "up");
        nl.publish("up", "before");
        await waitFor(() => upAtHub.length === 1, 3000, "up before the restart");
      }
      await hub.stop();
      await waitLeafs(leaf, 0);
      // The hub is away: local traffic is unaffected.
      for (let i = 0; i < 20; i++) nl.publish("local", String(i));
      await nl.flush();
      await waitFor(() => localGot.length === 20, 3000, "local traffic while the hub is away");
      hub = await DenatsNode.start(dir, hubSpec);
      await waitLeafs(leaf, 1, 10_000);
      await waitLeafs(hub, 1, 10_000);
      await using nh2 = await client(hub);
      // The leaf re-sent its interest ("down") on reconnect.
      await waitFor(
        async () => {
          nh2.publish("down", "after");
          await nh2.flush();
          return downAtLeaf.length > 0;
        },
        5000,
        "down after the restart",
      );
      assert.equal(downAtLeaf[0], "after");
      assert(leaf.lines().some((l) => /lid:\d+ - Leafnode connection closed: /.test(l)));
    } finally {
      await hub.stop();
    }
  },
);

Deno.test("a remote tries its other URLs when the first is dead", OPTS, async () => {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  const dead = freePort();
  await using hub = await DenatsNode.start(dir, { name: "hub", leafPort });
  await using leaf = await DenatsNode.start(dir, {
    name: "leaf",
    remotes: [
      `urls: ["nats-leaf://127.0.0.1:${dead}", "nats-leaf://127.0.0.1:${leafPort}"], no_randomize: true`,
    ],
  });
  await waitLeafs(hub, 1, 8000);
  const refused = `Error trying to connect as leafnode to remote server "127.0.0.1:${dead}" ` +
    `(attempt 1): dial tcp 127.0.0.1:${dead}: connect: connection refused`;
  assert(leaf.lines().some((l) => l.endsWith(refused)), leaf.lines().join("\n"));
});

Deno.test("a loop between two servers is detected and delayed 30s", OPTS, async () => {
  await using dir = await TempDir.create();
  const p1 = freePort();
  const p2 = freePort();
  await using a = await DenatsNode.start(dir, {
    name: "A",
    leafPort: p1,
    remotes: [`url: "nats-leaf://127.0.0.1:${p2}"`],
  });
  await using b = await DenatsNode.start(dir, {
    name: "B",
    leafPort: p2,
    remotes: [`url: "nats-leaf://127.0.0.1:${p1}"`],
  });
  const text = `Loop detected for leafnode account="$G". Delaying attempt to reconnect for 30s`;
  const all = () => [...a.lines(), ...b.lines()];
  // Both ends of the looping link may find their own `$LDS.` subject at once (then each
  // closes it); otherwise the other end logs the -ERR it got.
  await waitFor(() => all().some((l) => l.endsWith(`- ${text}`)), 8000, "the loop is logged");
  await waitFor(
    () => all().some((l) => /Leafnode connection closed: Protocol Violation account: \$G$/.test(l)),
    3000,
    "the looping link is closed",
  );
});

Deno.test("a leaf with the hub's cluster name is rejected", OPTS, async () => {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  await using hub = await DenatsNode.start(dir, {
    name: "hub",
    leafPort,
    extra: [`cluster { name: "C1", listen: "127.0.0.1:${freePort()}" }`],
  });
  await using leaf = await DenatsNode.start(dir, {
    name: "C1",
    remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}"`],
  });
  await waitFor(
    () =>
      leaf.lines().some((l) =>
        l.endsWith(
          "Leafnode connection dropped with same cluster name error. Delaying attempt to reconnect for 30s",
        )
      ),
    5000,
    "leaf delays after the same-cluster-name error",
  );
  assert(hub.lines().some((l) => l.endsWith("- remote leafnode has same cluster name")));
  assert(
    leaf.lines().some((l) => l.endsWith("Leafnode Error 'remote leafnode has same cluster name'")),
  );
});

Deno.test(
  "a denats hub cluster gossips leafnode_urls: the leaf fails over to the other hub",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const [r1, r2, l1, l2] = [freePort(), freePort(), freePort(), freePort()];
    const cluster = (own: number, other: number) =>
      `cluster { name: HUB, listen: "127.0.0.1:${own}", routes: ["nats-route://127.0.0.1:${other}"] }`;
    const h1 = await DenatsNode.start(dir, { name: "H1", leafPort: l1, extra: [cluster(r1, r2)] });
    await using h2 = await DenatsNode.start(dir, {
      name: "H2",
      leafPort: l2,
      extra: [cluster(r2, r1)],
    });
    try {
      await using leaf = await DenatsNode.start(dir, {
        name: "leaf",
        remotes: [`url: "nats-leaf://127.0.0.1:${l1}"`],
      });
      await waitLeafs(h1);
      // The hub counts the link before the leaf has registered its side: wait for both.
      const leafs = leaf.handle.server.leafnodes!;
      await waitFor(() => leafs.registered().length > 0, 5000, "the leaf's side registered");
      const remote = leafs.registered()[0].remote!;
      // H2's URL reaches the leaf in H1's INFO once the route H1-H2 is up (async INFO).
      await waitFor(() => remote.urls.all().some((u) => u.port === l2), 5000, "H2's URL gossiped");
      await h1.stop();
      await waitLeafs(h2, 1, 10_000);
    } finally {
      await h1.stop();
    }
  },
);
