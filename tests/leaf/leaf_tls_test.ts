/**
 * @module
 * Leafnode TLS (nats-server leafnode.go createLeafNode / leafNodeResumeConnectProcess): the hub
 * sends its INFO in plaintext and then runs the server handshake (INFO-then-TLS); the leaf
 * reads the INFO and runs the client handshake, with its `tls {}` or, when only the hub asks
 * for TLS, the system roots. denats on both sides, with mutual verification, and mixed with
 * nats-server 2.9.10 (skipped visibly when it is absent). Real sockets. Test isolate.
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

const HUB_TLS = `tls { cert_file: "${CERTS}server-cert.pem", key_file: "${CERTS}server-key.pem", ` +
  `ca_file: "${CERTS}ca.pem" }`;
const HUB_TLS_VERIFY = HUB_TLS.replace(" }", ", verify: true }");
const LEAF_TLS = `tls { ca_file: "${CERTS}ca.pem" }`;
const LEAF_TLS_CERT = `tls { ca_file: "${CERTS}ca.pem", cert_file: "${CERTS}client-cert.pem", ` +
  `key_file: "${CERTS}client-key.pem" }`;

/** One message each way across the TLS link. */
async function roundTrip(hub: LeafTestNode, leaf: LeafTestNode): Promise<void> {
  const got = await exchange(hub, leaf, "secure", "up", "down", "both directions over TLS");
  assert.deepEqual(got.sort(), ["down", "up"]);
}

Deno.test(
  "a denats leaf reaches a denats hub over TLS (INFO, then the handshake)",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const leafPort = freePort();
    await using hub = await DenatsNode.start(dir, { name: "hub", leafPort, leafExtra: [HUB_TLS] });
    await using leaf = await DenatsNode.start(dir, {
      name: "leaf",
      remotes: [`url: "tls://127.0.0.1:${leafPort}", ${LEAF_TLS}`],
    }, true);
    await waitLeafs(hub);
    await waitLeafs(leaf);
    await roundTrip(hub, leaf);
    assert(leaf.lines().some((l) => /lid:\d+ - Starting TLS leafnode client handshake$/.test(l)));
  },
);

Deno.test("mutual TLS: the hub verifies the leaf's certificate", OPTS, async () => {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  await using hub = await DenatsNode.start(dir, {
    name: "hub",
    leafPort,
    leafExtra: [HUB_TLS_VERIFY],
  });
  await using good = await DenatsNode.start(dir, {
    name: "good",
    remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}", ${LEAF_TLS_CERT}`],
  });
  await waitLeafs(good);
  await roundTrip(hub, good);
  // Without a certificate the hub refuses the handshake.
  await using bad = await DenatsNode.start(dir, {
    name: "bad",
    remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}", ${LEAF_TLS}`],
  });
  await waitFor(
    () => hub.lines().some((l) => /TLS leafnode handshake error: /.test(l)),
    5000,
    "the hub logs the failed handshake",
  );
  assert.equal(await bad.leafCount(), 0);
  assert.equal(await hub.leafCount(), 1);
});

Deno.test(
  "a plaintext remote follows the hub's tls_required and verifies with system roots",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const leafPort = freePort();
    await using hub = await DenatsNode.start(dir, { name: "hub", leafPort, leafExtra: [HUB_TLS] });
    await using leaf = await DenatsNode.start(dir, {
      name: "leaf",
      remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}"`],
    });
    // The test CA is not a system root: the client handshake fails on verification.
    await waitFor(
      () => leaf.lines().some((l) => /lid:\d+ - TLS leafnode handshake error: x509: /.test(l)),
      5000,
      leaf.lines().join("\n"),
    );
    assert.equal(await hub.leafCount(), 0);
  },
);

for (const [hubKind, leafKind] of [["nats-server", "denats"], ["denats", "nats-server"]] as const) {
  Deno.test(
    `${leafKind} leaf on a ${hubKind} hub over TLS`,
    { ...OPTS, ignore: !haveReference() },
    async () => {
      await using dir = await TempDir.create();
      const leafPort = freePort();
      const hubSpec = { name: "hub", leafPort, leafExtra: [HUB_TLS_VERIFY] };
      const leafSpec = {
        name: "leaf",
        remotes: [`url: "tls://127.0.0.1:${leafPort}", ${LEAF_TLS_CERT}`],
      };
      await using hub = await startNode(hubKind, dir, hubSpec);
      await using leaf = await startNode(leafKind, dir, leafSpec);
      await waitLeafs(hub);
      await waitLeafs(leaf);
      await roundTrip(hub, leaf);
    },
  );
}
