/**
 * @module
 * Gateways over TLS (`gateway { tls {} }`, handshake first, mutual): two denats clusters, and a
 * denats cluster with a nats-server cluster (skipped, visibly, without nats-server); a gateway
 * dialing in plaintext is refused by the handshake; each remote's own `tls {}` (another CA than the
 * gateway block's) is used to dial it, on denats and with nats-server.
 */
import assert from "node:assert/strict";
import { haveNatsServer } from "../process/_proc.ts";
import { checkFanout, client, closeAll, type NatsConnection } from "../cluster/_traffic.ts";
import {
  DenatsNode,
  gatewayConf,
  type GatewayExtra,
  type GatewayNode,
  NatsServerNode,
  nodeConfig,
  TempDir,
  waitFor,
  waitForGateways,
} from "./_gateway.ts";

const CERTS = new URL("../tls/certs/", import.meta.url).pathname;
const TLS: GatewayExtra = {
  tls: {
    cert_file: `${CERTS}route-cert.pem`,
    key_file: `${CERTS}route-key.pem`,
    ca_file: `${CERTS}route-ca.pem`,
    timeout: 2,
  },
};

async function tlsPair(dir: TempDir, bKind: "denats" | "nats-server"): Promise<GatewayNode[]> {
  const a = nodeConfig("a1", "A");
  const b = nodeConfig("b1", "B");
  const all = [a, b];
  const nodes: GatewayNode[] = [await DenatsNode.start(dir, a, gatewayConf(a, all, TLS))];
  nodes.push(
    bKind === "denats"
      ? await DenatsNode.start(dir, b, gatewayConf(b, all, TLS))
      : await NatsServerNode.start(dir, b, gatewayConf(b, all, TLS)),
  );
  return nodes;
}

async function exchange(nodes: GatewayNode[]): Promise<void> {
  const conns: NatsConnection[] = [];
  try {
    await waitForGateways(nodes);
    const [ca, cb] = await Promise.all(nodes.map((n) => client(n.url)));
    conns.push(ca, cb);
    await checkFanout(ca, [cb], "tls.ab");
    await checkFanout(cb, [ca], "tls.ba");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
}

Deno.test("gateway TLS: two denats clusters connect over TLS and exchange messages", async () => {
  await using dir = await TempDir.create();
  await exchange(await tlsPair(dir, "denats"));
});

Deno.test({
  name: "gateway TLS: denats and nats-server clusters connect over TLS",
  ignore: !haveNatsServer("mixed gateway TLS test skipped"),
  fn: async () => {
    await using dir = await TempDir.create();
    await exchange(await tlsPair(dir, "nats-server"));
  },
});

Deno.test("gateway TLS: a plaintext gateway is refused by the handshake", async () => {
  await using dir = await TempDir.create();
  const a = nodeConfig("a1", "A");
  const b = nodeConfig("b1", "B");
  await using na = await DenatsNode.start(dir, a, gatewayConf(a, [a, b], TLS));
  await using nb = await DenatsNode.start(dir, b, gatewayConf(b, [a, b]));
  // b1 dials a1 in plaintext: a1's handshake fails, nothing registers on either side.
  await waitFor(
    () => (nb.handle.server.gateway?.table.remotes.get("A")?.connAttempts ?? 0) >= 1,
    10_000,
    "b1 dialed a1",
  );
  assert.deepEqual((await na.gatewayz()).inbound_gateways.B ?? [], []);
  assert.equal((await nb.gatewayz()).outbound_gateways.A, undefined, "no INFO in plaintext");
});

/**
 * A's gateway block and B's use certificates of different CAs: each side can dial the other
 * only with the remote's own `tls {}` (a certificate the other side's CA signed, and that CA to
 * verify it).
 */
async function perRemotePair(dir: TempDir, bKind: "denats" | "nats-server") {
  const a = nodeConfig("a1", "A");
  const b = nodeConfig("b1", "B");
  const all = [a, b];
  const aConf = gatewayConf(a, all, {
    tls: {
      cert_file: `${CERTS}server-cert.pem`,
      key_file: `${CERTS}server-key.pem`,
      ca_file: `${CERTS}ca.pem`,
      timeout: 2,
    },
    remoteTls: { B: TLS.tls! },
  });
  const bConf = gatewayConf(b, all, {
    ...TLS,
    remoteTls: {
      A: {
        cert_file: `${CERTS}client-cert.pem`,
        key_file: `${CERTS}client-key.pem`,
        ca_file: `${CERTS}ca.pem`,
        timeout: 2,
      },
    },
  });
  const nodes: GatewayNode[] = [await DenatsNode.start(dir, a, aConf)];
  nodes.push(
    bKind === "denats"
      ? await DenatsNode.start(dir, b, bConf)
      : await NatsServerNode.start(dir, b, bConf),
  );
  return nodes;
}

Deno.test("gateway TLS: each remote's own tls block is used to dial it", async () => {
  await using dir = await TempDir.create();
  await exchange(await perRemotePair(dir, "denats"));
});

Deno.test({
  name: "gateway TLS: per-remote tls blocks with nats-server on the other side",
  ignore: !haveNatsServer("mixed gateway TLS test skipped"),
  fn: async () => {
    await using dir = await TempDir.create();
    await exchange(await perRemotePair(dir, "nats-server"));
  },
});
