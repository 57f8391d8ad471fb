/**
 * @module
 * `websocket { compression: true }` (permessage-deflate, served by `ws_raw_listener.ts`):
 * a raw client that offers the extension gets nats-server's answer and exchanges compressed
 * messages, against denats and (when installed) the reference nats-server, which must agree
 * byte for byte; a client that does not offer it talks uncompressed; `wsconnect` (which does
 * not offer it) and npm `ws` (which does) work; and
 * every shared WebSocket case (`ws_cases.ts`) still passes on the raw listener.
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { wsconnect } from "@nats-io/transport-node";
import NodeWebSocket from "ws";
import { denats, natsServer, natsServerInstalled, type RunningServer } from "../tls/servers.ts";
import { expectLog, roundTrip } from "../tls/tls_cases.ts";
import { ignoreConnectionResets } from "../helpers/node_resets.ts";
import { waitFor } from "../helpers/poll.ts";
import { WS_CASES, wsBlock } from "./ws_cases.ts";
import { RawWsClient } from "./ws_raw_client.ts";

ignoreConnectionResets();

const config = { websocket: wsBlock({ compression: true }) };
const OFFER = { "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits" };
const PAYLOAD = "0123456789".repeat(20);
const CONNECT = 'CONNECT {"verbose":false,"pedantic":false,"protocol":1}\r\n';

/** What a compressing client saw, for comparing servers. */
interface Exchange {
  extension: string | null;
  infoCompressed: boolean;
  /** Everything after INFO, decompressed. */
  delivered: string;
  msgCompressed: boolean;
}

/** CONNECT, SUB, a 200-byte PUB and PING, each as its own compressed message. */
async function compressedExchange(s: RunningServer): Promise<Exchange> {
  await using c = await RawWsClient.connect(s.wsPort, OFFER);
  await c.expect(/^INFO \{[^\r\n]*\} \r\n/);
  const infoCount = c.messages.length;
  for (const op of [CONNECT, "SUB foo 1\r\n", `PUB foo ${PAYLOAD.length}\r\n${PAYLOAD}\r\n`]) {
    await c.send(op, true);
  }
  await c.send("PING\r\n", true);
  await c.expect(/PONG\r\n$/);
  const after = c.messages.slice(infoCount);
  return {
    extension: c.header("sec-websocket-extensions"),
    infoCompressed: c.messages[0].compressed,
    delivered: after.map((m) => m.text).join(""),
    msgCompressed: after.find((m) => m.text.startsWith("MSG "))?.compressed ?? false,
  };
}

const EXPECTED: Exchange = {
  extension: "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
  infoCompressed: true,
  delivered: `MSG foo 1 ${PAYLOAD.length}\r\n${PAYLOAD}\r\nPONG\r\n`,
  msgCompressed: true,
};

Deno.test("denats websocket compression: permessage-deflate is negotiated and used both ways", async () => {
  await using s = await denats(config);
  assert.ok(!s.logs().some((l) => l.includes("compression")), "no compression warning");
  assert.deepEqual(await compressedExchange(s), EXPECTED);
});

Deno.test({
  name: "nats-server websocket compression: the same extension answer and delivered bytes",
  ignore: !natsServerInstalled,
  async fn() {
    await using s = await natsServer(config);
    assert.deepEqual(await compressedExchange(s), EXPECTED);
  },
});

for (const [kind, factory] of [["denats", denats], ["nats-server", natsServer]] as const) {
  Deno.test({
    name: `${kind} websocket compression: a client that does not offer it talks uncompressed`,
    ignore: kind === "nats-server" && !natsServerInstalled,
    async fn() {
      await using s = await factory(config);
      await using c = await RawWsClient.connect(s.wsPort);
      assert.equal(c.header("sec-websocket-extensions"), null);
      await c.expect(/^INFO \{[^\r\n]*\} \r\n/);
      await c.send(
        CONNECT + "SUB bar 1\r\n" + `PUB bar ${PAYLOAD.length}\r\n${PAYLOAD}\r\n`,
        false,
      );
      await c.send("PING\r\n", false);
      await c.expect(new RegExp(`MSG bar 1 ${PAYLOAD.length}\r\n${PAYLOAD}\r\nPONG\r\n$`));
      assert.ok(c.messages.every((m) => !m.compressed));
    },
  });
}

Deno.test("denats websocket compression: a real client (wsconnect) publishes and subscribes", async () => {
  await using s = await denats(config);
  const nc = await wsconnect({ servers: `ws://127.0.0.1:${s.wsPort}`, reconnect: false });
  await roundTrip(nc, "ws.deflate");
  const sub = nc.subscribe("ws.big", { max: 1 });
  const big = "x".repeat(100_000);
  nc.publish("ws.big", big);
  for await (const m of sub) assert.equal(m.string(), big);
  await nc.close();
});

/** NATS over npm `ws` with permessage-deflate on every message; returns the text received. */
async function nodeWsExchange(s: RunningServer, payload: string): Promise<[string, string]> {
  const ws = new NodeWebSocket(`ws://127.0.0.1:${s.wsPort}`, {
    perMessageDeflate: { threshold: 0 },
  });
  let text = "";
  ws.on("message", (data: Uint8Array) => (text += new TextDecoder().decode(data)));
  await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
  try {
    await waitFor(() => text.includes("\r\n"), 3000, "INFO");
    ws.send(new TextEncoder().encode(CONNECT + "SUB big 1\r\n"));
    ws.send(new TextEncoder().encode(`PUB big ${payload.length}\r\n${payload}\r\n`));
    ws.send(new TextEncoder().encode("PING\r\n"));
    await waitFor(() => text.endsWith("PONG\r\n"), 5000, "PONG");
    return [ws.extensions, text.slice(text.indexOf("\r\n") + 2)];
  } finally {
    ws.terminate();
  }
}

for (const [kind, factory] of [["denats", denats], ["nats-server", natsServer]] as const) {
  Deno.test({
    name: `${kind} websocket compression: npm ws negotiates permessage-deflate and exchanges 100KB`,
    ignore: kind === "nats-server" && !natsServerInstalled,
    async fn() {
      await using s = await factory(config);
      const big = "abcdefghij".repeat(10_000);
      const [extensions, delivered] = await nodeWsExchange(s, big);
      assert.match(extensions, /^permessage-deflate/);
      assert.equal(delivered, `MSG big 1 ${big.length}\r\n${big}\r\nPONG\r\n`);
    },
  });
}

for (const [kind, factory] of [["denats", denats], ["nats-server", natsServer]] as const) {
  Deno.test({
    name: `${kind} websocket compression: an unmasked frame is a read error that drops the client`,
    ignore: kind === "nats-server" && !natsServerInstalled,
    async fn() {
      await using s = await factory(config);
      await using c = await RawWsClient.connect(s.wsPort, OFFER);
      await c.expect(/^INFO /);
      await c.send("PING\r\n", false, false);
      // The TCP connection is dropped; nats-server's 1002 close frame sometimes gets out first.
      const frame = await c.closed();
      assert.ok(
        frame === null || (frame.status === 1002 && /mask bit missing/.test(frame.reason)),
        JSON.stringify(frame),
      );
      await expectLog(s, /- wid:\d+ - Client connection closed: Read Error$/);
    },
  });
}

for (const [kind, factory] of [["denats", denats], ["nats-server", natsServer]] as const) {
  Deno.test({
    name: `${kind} websocket compression: handshake_timeout drops a silent connection`,
    ignore: kind === "nats-server" && !natsServerInstalled,
    async fn() {
      await using s = await factory({
        websocket: wsBlock({ compression: true, handshake_timeout: "300ms" }),
      });
      assert.ok(!s.logs().some((l) => l.includes("handshake_timeout")), "no warning");
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.wsPort });
      const started = Date.now();
      const n = await conn.read(new Uint8Array(1024)).catch(() => null);
      conn.close();
      assert.equal(n, null);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 2500, `closed after ${elapsed}ms`);
    },
  });
}

for (const c of WS_CASES) {
  Deno.test(`denats websocket (compression on, raw listener): ${c.name}`, async () => {
    const ws = { ...(c.config.websocket ?? {}), compression: true };
    await using server = await denats({ ...c.config, websocket: ws });
    await c.run(server);
  });
}
