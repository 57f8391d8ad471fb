/**
 * @module
 * Route TLS (`cluster { tls {} }`, nats-server 2.9.10 route.go createRoute): a denats cluster
 * whose routes run mutual TLS reaches a full mesh and carries traffic; a plaintext route, or a
 * route with a certificate from another CA, dialing a TLS cluster port is refused while the
 * cluster stays healthy; and a mixed cluster with nats-server 2.9.10 (skipped, visibly, when
 * nats-server is not installed). The route certificate (`route-cert.pem`) is valid for both
 * server and client authentication, as Go requires of a certificate used both ways.
 */
import assert from "node:assert/strict";
import {
  type ClusterNode,
  disposeAll,
  freePort,
  haveReference,
  InProcessNode,
  type NodeConfig,
  ProcessNode,
  TempDir,
  waitForMesh,
} from "./_cluster.ts";
import {
  checkFanout,
  checkQueueExactlyOnce,
  checkRequestReply,
  client,
  closeAll,
  type NatsConnection,
} from "./_traffic.ts";
import { waitFor } from "../helpers/poll.ts";

const CERTS = new URL("../tls/certs/", import.meta.url).pathname;
const ROUTE_TLS = {
  cert_file: `${CERTS}route-cert.pem`,
  key_file: `${CERTS}route-key.pem`,
  ca_file: `${CERTS}route-ca.pem`,
  timeout: 2,
};

function tlsNode(
  name: string,
  clusterPort: number,
  routes: string[] = [],
  tls: Record<string, unknown> | null = ROUTE_TLS,
): Promise<InProcessNode> {
  return InProcessNode.start(name, {
    cluster: {
      name: "secure",
      listen: `127.0.0.1:${clusterPort}`,
      routes,
      ...(tls ? { tls } : {}),
    },
  });
}

Deno.test("route TLS: a 3-node denats cluster meshes over TLS and carries traffic", async () => {
  const [p1, p2, p3] = [freePort(), freePort(), freePort()];
  const nodes: (ClusterNode | null)[] = [];
  const conns: NatsConnection[] = [];
  try {
    nodes.push(await tlsNode("t1", p1));
    // One route by host name (verified against DNS:localhost), one by IP (IP:127.0.0.1).
    nodes.push(await tlsNode("t2", p2, [`nats://localhost:${p1}`]));
    nodes.push(await tlsNode("t3", p3, [`nats-route://127.0.0.1:${p2}`]));
    const [t1, t2, t3] = nodes as ClusterNode[];
    await waitForMesh([t1, t2, t3]);
    const [c1, c2, c3] = await Promise.all([t1, t2, t3].map((n) => client(n.url, n.name)));
    conns.push(c1, c2, c3);
    const all = [c1, c2, c3];
    await checkFanout(c1, all, "tls.fan");
    await checkFanout(c3, all, "tls.fan2");
    await checkQueueExactlyOnce([c1, c2, c3], all, "tls.jobs", 200);
    await checkRequestReply(c1, c3, "tls.svc.a");
    await checkRequestReply(c3, c2, "tls.svc.b");
    // A node leaving closes its TLS routes: the others see it go at once.
    await c3.close();
    await t3.stop();
    await waitForMesh([t1, t2], 5000);
  } finally {
    await closeAll(conns);
    await disposeAll(nodes);
  }
});

Deno.test("route TLS: plaintext and foreign-CA routes are refused, the cluster stays healthy", async () => {
  const [p1, p2, pPlain, pForeign] = [freePort(), freePort(), freePort(), freePort()];
  const nodes: (InProcessNode | null)[] = [];
  const conns: NatsConnection[] = [];
  try {
    const t1 = await tlsNode("t1", p1);
    nodes.push(t1);
    const t2 = await tlsNode("t2", p2, [`nats://127.0.0.1:${p1}`]);
    nodes.push(t2);
    await waitForMesh([t1, t2]);

    // A raw plaintext route: nothing comes back in plaintext (no INFO), the socket is closed.
    const raw = await Deno.connect({ hostname: "127.0.0.1", port: p1 });
    await raw.write(new TextEncoder().encode('CONNECT {"verbose":false}\r\nPING\r\n'));
    const got: number[] = [];
    const buf = new Uint8Array(4096);
    for (;;) {
      const n = await raw.read(buf).catch(() => null);
      if (n === null) break;
      got.push(...buf.subarray(0, n));
    }
    raw.close();
    assert.ok(!new TextDecoder().decode(new Uint8Array(got)).includes("INFO"), "no plaintext INFO");

    // A plaintext denats and one whose certificate comes from another CA dial the TLS port.
    const plain = await tlsNode("plain", pPlain, [`nats://127.0.0.1:${p1}`], null);
    nodes.push(plain);
    const foreign = await tlsNode("foreign", pForeign, [`nats://127.0.0.1:${p2}`], {
      cert_file: `${CERTS}server-cert.pem`,
      key_file: `${CERTS}server-key.pem`,
      ca_file: `${CERTS}ca.pem`,
    });
    nodes.push(foreign);
    // Give them a few dial attempts (route reconnects every second).
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(await plain.routeIds(), []);
    assert.deepEqual(await foreign.routeIds(), []);
    await waitForMesh([t1, t2]);

    const [c1, c2] = await Promise.all([t1, t2].map((n) => client(n.url, n.name)));
    conns.push(c1, c2);
    await checkFanout(c2, [c1, c2], "tls.after");
    await checkRequestReply(c2, c1, "tls.after.svc");
    const cp = await client(plain.url, "plain");
    conns.push(cp);
    const seen: string[] = [];
    cp.subscribe("tls.after.leak", { callback: (_e, m) => void seen.push(m.string()) });
    await cp.flush();
    c1.publish("tls.after.leak", "x");
    await c1.flush();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(seen, [], "nothing crosses the refused route");
  } finally {
    await closeAll(conns);
    await disposeAll(nodes);
  }
});

Deno.test({
  name: "route TLS: a mixed cluster with nats-server 2.9.10 meshes over TLS and routes traffic",
  ignore: !haveReference(),
  fn: async () => {
    await using dir = await TempDir.create();
    const cfg = (name: string, routes: string[] = []): NodeConfig => ({
      name,
      port: freePort(),
      clusterPort: freePort(),
      clusterName: "secure",
      routes,
      clusterExtra: { tls: ROUTE_TLS },
    });
    const n1c = cfg("n1");
    const d1c = cfg("d1", [`nats://127.0.0.1:${n1c.clusterPort}`]);
    const n2c = cfg("n2", [`nats-route://localhost:${d1c.clusterPort}`]);
    const nodes: (ClusterNode | null)[] = [];
    const conns: NatsConnection[] = [];
    try {
      nodes.push(await ProcessNode.start("nats-server", dir, n1c));
      nodes.push(
        await InProcessNode.start("d1", {
          port: d1c.port,
          cluster: {
            name: "secure",
            listen: `127.0.0.1:${d1c.clusterPort}`,
            routes: d1c.routes,
            tls: ROUTE_TLS,
          },
        }),
      );
      nodes.push(await ProcessNode.start("nats-server", dir, n2c));
      const [n1, d1, n2] = nodes as ClusterNode[];
      await waitForMesh([n1, d1, n2]);
      const [cn1, cd1, cn2] = await Promise.all([n1, d1, n2].map((n) => client(n.url, n.name)));
      conns.push(cn1, cd1, cn2);
      const all = [cn1, cd1, cn2];
      await checkFanout(cd1, all, "mixed.tls.fan");
      await checkFanout(cn2, all, "mixed.tls.fan2");
      await checkRequestReply(cd1, cn2, "mixed.tls.svc.ns");
      await checkRequestReply(cn1, cd1, "mixed.tls.svc.denats");

      // A nats-server restart reconnects over TLS.
      await n1.stop();
      nodes[0] = null;
      await waitForMesh([d1, n2]);
      nodes[0] = await ProcessNode.start("nats-server", dir, n1c);
      await waitFor(async () => (await d1.routeIds()).length === 2, 15_000, "rejoin");
      await waitForMesh(nodes as ClusterNode[], 15_000);
    } finally {
      await closeAll(conns);
      await disposeAll(nodes);
    }
  },
});
