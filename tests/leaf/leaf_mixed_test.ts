/**
 * @module
 * Leafnodes between denats and the reference nats-server 2.9.10, both ways: a denats leaf on a
 * nats-server hub, and a nats-server leaf on a denats hub (messages both ways in order,
 * headers, request/reply, queue locality, auth failure). Skipped, with a visible message, when
 * nats-server is not installed. Real processes and sockets. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { headers as natsHeaders } from "@nats-io/transport-node";
import {
  client,
  DenatsNode,
  freePort,
  haveReference,
  type LeafTestNode,
  NatsServerNode,
  OPTS as LEAF_OPTS,
  queueAcrossLink,
  startNode,
  TempDir,
  waitFor,
  waitInterest,
  waitLeafs,
} from "./_leaf.ts";

const OPTS = { ...LEAF_OPTS, ignore: !haveReference() };

for (const [hubKind, leafKind] of [["nats-server", "denats"], ["denats", "nats-server"]] as const) {
  const label = `${leafKind} leaf on a ${hubKind} hub`;

  Deno.test(`${label}: messages both ways in order, headers, request/reply`, OPTS, async () => {
    await using dir = await TempDir.create();
    const leafPort = freePort();
    await using hub = await startNode(hubKind, dir, { name: "hub", leafPort });
    await using leaf = await startNode(leafKind, dir, {
      name: "leaf",
      remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}"`],
    });
    await waitLeafs(hub);
    await waitLeafs(leaf);
    await using nh = await client(hub);
    await using nl = await client(leaf);
    const N = 100;
    for (const [pub, sub, subject] of [[nl, nh, "up"], [nh, nl, "down"]] as const) {
      const got: number[] = [];
      sub.subscribe(`${subject}.x`, { callback: (_e, m) => void got.push(Number(m.string())) });
      await sub.flush();
      await waitInterest(pub, sub, subject);
      for (let i = 0; i < N; i++) pub.publish(`${subject}.x`, String(i));
      await pub.flush();
      await waitFor(() => got.length >= N, 5000, `${subject}: ${N} messages`);
      assert.deepEqual(got, [...Array(N).keys()]);
    }
    nh.subscribe("svc", {
      callback: (_e, m) => {
        const h = natsHeaders();
        h.set("X-Echo", m.headers?.get("X-In") ?? "none");
        m.respond(`re:${m.string()}`, { headers: h });
      },
    });
    await nh.flush();
    await waitInterest(nl, nh, "svc");
    const h = natsHeaders();
    h.set("X-In", "hi");
    const reply = await nl.request("svc", "ping", { timeout: 3000, headers: h });
    assert.equal(reply.string(), "re:ping");
    assert.equal(reply.headers?.get("X-Echo"), "hi");
  });

  Deno.test(`${label}: queue members serve locally, fail over across the link`, OPTS, async () => {
    await using dir = await TempDir.create();
    const leafPort = freePort();
    await using hub = await startNode(hubKind, dir, { name: "hub", leafPort });
    await using leaf = await startNode(leafKind, dir, {
      name: "leaf",
      remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}"`],
    });
    await waitLeafs(leaf);
    await using nh = await client(hub);
    await using nl = await client(leaf);
    const q = await queueAcrossLink(nh, nl, 30, "fail-over to the leaf's member");
    assert.deepEqual([q.first.near, q.first.far], [30, 0], "the hub's own member takes them");
  });

  Deno.test(`${label}: a wrong password is refused`, OPTS, async () => {
    await using dir = await TempDir.create();
    const leafPort = freePort();
    await using hub = await startNode(hubKind, dir, {
      name: "hub",
      leafPort,
      leafExtra: ["authorization { user: lu, password: lp }"],
    });
    await using leaf = await startNode(leafKind, dir, {
      name: "leaf",
      remotes: [`url: "nats-leaf://lu:bad@127.0.0.1:${leafPort}"`],
    });
    await waitFor(
      () => leaf.lines().some((l) => l.endsWith("- Leafnode Error 'Authorization Violation'")),
      5000,
      "the leaf logs the hub's -ERR",
    );
    await waitFor(
      () => hub.lines().some((l) => /lid:\d+ - authentication error$/.test(l)),
      3000,
      "the hub logs the failure",
    );
    assert.equal(await hub.leafCount(), 0);
  });
}

Deno.test("/varz `leaf` and /leafz entries have nats-server's shape and values", OPTS, async () => {
  await using dir = await TempDir.create();
  const certs = new URL("../tls/certs/", import.meta.url).pathname;
  const tls = `tls { cert_file: "${certs}server-cert.pem", key_file: "${certs}server-key.pem", ` +
    `ca_file: "${certs}ca.pem", verify: true }`;
  const shapes: unknown[] = [];
  for (const kind of ["nats-server", "denats"] as const) {
    const leafPort = freePort();
    const spec = { name: `hub-${kind}`, leafPort, leafExtra: [tls] };
    const leafSpec = {
      name: `leaf-${kind}`,
      remotes: [
        `url: "tls://127.0.0.1:${leafPort}", deny_imports: ["a.>"], tls { ca_file: "${certs}ca.pem", ` +
        `cert_file: "${certs}client-cert.pem", key_file: "${certs}client-key.pem" }`,
      ],
    };
    await using hub = await startNode(kind, dir, spec);
    await using leaf = await startNode(kind, dir, leafSpec);
    await waitLeafs(hub);
    await waitLeafs(leaf);
    const get = async (node: LeafTestNode, path: string) => {
      if (node instanceof NatsServerNode) {
        return await (await fetch(`http://127.0.0.1:${node.httpPort}${path}`)).json();
      }
      const { varz } = await import("../../server/monitor/varz.ts");
      const { leafz } = await import("../../server/monitor/links.ts");
      const server = (node as DenatsNode).handle.server;
      return JSON.parse(JSON.stringify(path === "/varz" ? varz(server) : leafz(server)));
    };
    const hv = await get(hub, "/varz");
    const lv = await get(leaf, "/varz");
    const lz = await get(hub, "/leafz");
    const port = (v: number) => (v === leafPort ? "LEAFPORT" : v);
    shapes.push({
      hub: { ...hv.leaf, port: port(hv.leaf.port) },
      leafnodes: [hv.leafnodes, lv.leafnodes],
      remotes: lv.leaf.remotes.map((r: { urls: string[] }) => ({
        ...r,
        urls: r.urls.map((u) => u.replace(String(leafPort), "LEAFPORT")),
      })),
      leafz: Object.keys(lz.leafs[0]).sort(),
    });
  }
  assert.deepEqual(shapes[1], shapes[0]);
});

Deno.test(
  "a denats leaf fails over to a hub it learned from gossiped leafnode_urls",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const [r1, r2, l1, l2] = [freePort(), freePort(), freePort(), freePort()];
    const cluster = (own: number, other: number) =>
      `cluster { name: HUB, listen: "127.0.0.1:${own}", routes: ["nats-route://127.0.0.1:${other}"] }`;
    const hub1 = await NatsServerNode.start(dir, {
      name: "H1",
      leafPort: l1,
      extra: [cluster(r1, r2)],
    });
    await using hub2 = await NatsServerNode.start(dir, {
      name: "H2",
      leafPort: l2,
      extra: [cluster(r2, r1)],
    });
    try {
      // Only H1 is configured; H2's leafnode URL comes with H1's INFO once the route is up.
      await waitFor(
        async () => {
          const r = await fetch(`http://127.0.0.1:${hub1.httpPort}/routez`);
          return (await r.json()).num_routes === 1;
        },
        5000,
        "H1-H2 route",
      );
      await using leaf = await DenatsNode.start(dir, {
        name: "leaf",
        remotes: [`url: "nats-leaf://127.0.0.1:${l1}"`],
      });
      await waitLeafs(hub1);
      const remote = leaf.handle.server.leafnodes!.registered()[0].remote!;
      await waitFor(
        () => remote.urls.all().some((u) => u.port === l2),
        5000,
        "H2's URL gossiped",
      );
      await hub1.stop();
      await waitLeafs(hub2, 1, 10_000);
    } finally {
      await hub1.stop();
    }
  },
);

Deno.test("a mixed hub cluster gossips leafnode_urls both ways over routes", OPTS, async () => {
  await using dir = await TempDir.create();
  const [r1, r2, l1, l2] = [freePort(), freePort(), freePort(), freePort()];
  const cluster = (own: number, other: number) =>
    `cluster { name: HUB, listen: "127.0.0.1:${own}", routes: ["nats-route://127.0.0.1:${other}"] }`;
  await using natsHub = await NatsServerNode.start(dir, {
    name: "N1",
    leafPort: l1,
    extra: [cluster(r1, r2)],
  });
  await using denatsHub = await DenatsNode.start(dir, {
    name: "D2",
    leafPort: l2,
    extra: [cluster(r2, r1)],
  });
  // A denats leaf on the denats hub learns the nats-server hub's URL, and the reverse.
  await using leafD = await DenatsNode.start(dir, {
    name: "leafD",
    remotes: [`url: "nats-leaf://127.0.0.1:${l2}"`],
  });
  await using leafN = await DenatsNode.start(dir, {
    name: "leafN",
    remotes: [`url: "nats-leaf://127.0.0.1:${l1}"`],
  });
  await waitLeafs(denatsHub);
  await waitLeafs(natsHub);
  const urlsOf = (n: DenatsNode) =>
    n.handle.server.leafnodes!.registered()[0]?.remote?.urls.all().map((u) => u.port) ?? [];
  await waitFor(() => urlsOf(leafD).includes(l1), 5000, "nats-server hub URL via denats");
  await waitFor(() => urlsOf(leafN).includes(l2), 5000, "denats hub URL via nats-server");
});
