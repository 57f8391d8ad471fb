/**
 * @module
 * Leafnodes over WebSocket (nats-server leafnode.go leafNodeSolicitWSConnection, websocket.go
 * `/leafnode`): a `ws://` remote reaches the hub's WebSocket listener (both denats listener
 * kinds: `Deno.serve`, and the RFC 6455 server used with compression), `wss://` with TLS, a
 * hub without a leafnode port refuses it, and mixed with nats-server both ways (skipped
 * visibly without it). Real sockets. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import {
  CERTS,
  DenatsNode,
  exchange,
  freePort,
  haveReference,
  type LeafTestNode,
  OPTS,
  startNode,
  TempDir,
  waitFor,
  waitLeafs,
} from "./_leaf.ts";

/** A small message up and a 70 kB one down across the WebSocket link. */
async function roundTrip(hub: LeafTestNode, leaf: LeafTestNode): Promise<void> {
  const big = "x".repeat(70_000);
  const got = await exchange(hub, leaf, "ws", "up", big, "both directions over WebSocket");
  assert.deepEqual(got.map((g) => g.length).sort((a, b) => a - b), [2, 70_000]);
}

function hubSpec(wsPort: number, extra = "") {
  return {
    name: "hub",
    leafPort: freePort(),
    extra: [`websocket { listen: "127.0.0.1:${wsPort}", no_tls: true${extra} }`],
  };
}

for (const compression of [false, true]) {
  Deno.test(
    `a ws:// remote reaches the hub's websocket listener (compression ${compression})`,
    OPTS,
    async () => {
      await using dir = await TempDir.create();
      const wsPort = freePort();
      await using hub = await DenatsNode.start(
        dir,
        hubSpec(wsPort, compression ? ", compression: true" : ""),
      );
      await using leaf = await DenatsNode.start(dir, {
        name: "leaf",
        remotes: [`url: "ws://127.0.0.1:${wsPort}"`],
      });
      await waitLeafs(hub);
      await waitLeafs(leaf);
      await roundTrip(hub, leaf);
    },
  );
}

Deno.test("a wss:// remote runs TLS, then the WebSocket upgrade", OPTS, async () => {
  await using dir = await TempDir.create();
  const wsPort = freePort();
  await using hub = await DenatsNode.start(dir, {
    name: "hub",
    leafPort: freePort(),
    extra: [
      `websocket { listen: "127.0.0.1:${wsPort}", tls { cert_file: "${CERTS}server-cert.pem", ` +
      `key_file: "${CERTS}server-key.pem" } }`,
    ],
  });
  await using leaf = await DenatsNode.start(dir, {
    name: "leaf",
    remotes: [`url: "wss://127.0.0.1:${wsPort}", tls { ca_file: "${CERTS}ca.pem" }`],
  });
  await waitLeafs(hub);
  await roundTrip(hub, leaf);
});

Deno.test(
  "a hub without a leafnode port refuses leafnodes on its websocket listener",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const wsPort = freePort();
    await using hub = await DenatsNode.start(dir, {
      name: "hub",
      extra: [`websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }`],
    });
    await using _leaf = await DenatsNode.start(dir, {
      name: "leaf",
      remotes: [`url: "ws://127.0.0.1:${wsPort}"`],
    });
    await waitFor(
      () => hub.lines().some((l) => l.endsWith("Not configured to accept leaf node connections")),
      5000,
      "the hub refuses",
    );
    assert.equal(await hub.leafCount(), 0);
  },
);

for (const [hubKind, leafKind] of [["nats-server", "denats"], ["denats", "nats-server"]] as const) {
  Deno.test(
    `${leafKind} leaf on a ${hubKind} hub over WebSocket`,
    { ...OPTS, ignore: !haveReference() },
    async () => {
      await using dir = await TempDir.create();
      const wsPort = freePort();
      const hs = hubSpec(wsPort);
      const ls = { name: "leaf", remotes: [`url: "ws://127.0.0.1:${wsPort}"`] };
      await using hub = await startNode(hubKind, dir, hs);
      await using leaf = await startNode(leafKind, dir, ls);
      await waitLeafs(hub);
      await waitLeafs(leaf);
      await roundTrip(hub, leaf);
    },
  );
}
