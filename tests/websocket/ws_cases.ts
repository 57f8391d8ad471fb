/**
 * @module
 * WebSocket client cases that run against denats (`ws_test.ts`) and the reference nats-server
 * (`ws_compat_test.ts`): INFO and the protocol over binary and text messages, a real client
 * (`wsconnect`), interop with TCP clients, the upgrade checks and origin policy with their
 * HTTP answers, the block's auth override and close frames (browser frame sizes are checked
 * by `browser_test.ts`).
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import tls from "node:tls";
import { connect, wsconnect } from "@nats-io/transport-node";
import { cert, type RunningServer, type ServerConfig } from "../tls/servers.ts";
import { expectLog, roundTrip } from "../tls/tls_cases.ts";
import { httpUpgrade, upgradeHeaders, WsClient } from "./ws_client.ts";

/** One WebSocket case. */
export interface WsCase {
  name: string;
  config: ServerConfig;
  run(server: RunningServer): Promise<void>;
}

/** A plaintext WebSocket block on a random loopback port, plus `extra`. */
export function wsBlock(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { host: "127.0.0.1", port: -1, no_tls: true, ...extra };
}

const url = (s: RunningServer) => `ws://127.0.0.1:${s.wsPort}`;
const CONNECT = 'CONNECT {"verbose":false,"pedantic":false,"protocol":1}\r\n';

/** Upgrades over TLS with `node:tls` (trusting the test CA) and returns what arrives. */
function wssUpgrade(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = tls.connect({
      host: "127.0.0.1",
      port,
      servername: "localhost",
      ca: Deno.readTextFileSync(cert("ca.pem")),
    });
    let text = "";
    const timer = setTimeout(() => {
      c.destroy();
      resolve(text);
    }, 3000);
    c.on("secureConnect", () => {
      const h = upgradeHeaders(port);
      c.write(
        "GET / HTTP/1.1\r\n" + Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
          "\r\n",
      );
    });
    c.on("data", (d: Uint8Array) => {
      text += new TextDecoder().decode(d);
      if (/INFO \{[^\r\n]*\r\n/.test(text)) {
        clearTimeout(timer);
        c.destroy();
        resolve(text);
      }
    });
    c.on("error", (e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Every WebSocket case. */
export const WS_CASES: WsCase[] = [
  {
    name: "the listener is logged and a ws client gets INFO, then PING/PONG works",
    config: { websocket: wsBlock() },
    async run(s) {
      await expectLog(
        s,
        new RegExp(`^Listening for websocket clients on ws://127\\.0\\.0\\.1:${s.wsPort}$`),
      );
      await expectLog(s, /^Websocket not configured with TLS\. DO NOT USE IN PRODUCTION!$/);
      await using ws = new WsClient(url(s));
      const [info] = await ws.expect(/^INFO \{[^\r\n]*\} \r\n/);
      assert.match(
        info,
        /"headers":true,"max_payload":1048576,"client_id":\d+,"client_ip":"127\.0\.0\.1"\} \r\n$/,
      );
      assert.doesNotMatch(info, /auth_required|connect_urls/);
      ws.send(CONNECT + "PING\r\n");
      await ws.expect(/PONG\r\n/);
      await expectLog(s, /^127\.0\.0\.1:\d+ - wid:\d+ - Client connection created$/);
    },
  },
  {
    name: "text messages are accepted, and ws and TCP clients exchange messages",
    config: { websocket: wsBlock() },
    async run(s) {
      await using ws = new WsClient(url(s));
      await ws.expect(/^INFO /);
      ws.send(CONNECT + "SUB ws.in 1\r\nPING\r\n", true);
      await ws.expect(/PONG\r\n/);
      const nc = await connect({ servers: `127.0.0.1:${s.port}`, reconnect: false });
      nc.publish("ws.in", "from-tcp");
      await nc.flush();
      await ws.expect(/MSG ws\.in 1 8\r\nfrom-tcp\r\n/);
      const sub = nc.subscribe("tcp.in", { max: 1 });
      await nc.flush();
      ws.send("PUB tcp.in 6\r\nfrom-w\r\n");
      for await (const m of sub) assert.equal(m.string(), "from-w");
      await nc.close();
    },
  },
  {
    name: "a real client (wsconnect) publishes and subscribes",
    config: { websocket: wsBlock() },
    async run(s) {
      const nc = await wsconnect({ servers: url(s), reconnect: false });
      await roundTrip(nc, "ws.echo");
      await nc.close();
    },
  },
  {
    name: "bad upgrade requests get nats-server's HTTP statuses and log lines",
    config: { websocket: wsBlock() },
    async run(s) {
      const post = await httpUpgrade(s.wsPort, upgradeHeaders(s.wsPort), "POST");
      assert.deepEqual([post.status, post.body], [405, "Method Not Allowed\n"]);
      assert.match(post.head, /sec-websocket-version: 13/i);
      const noKey = upgradeHeaders(s.wsPort);
      delete noKey["Sec-WebSocket-Key"];
      const missing = await httpUpgrade(s.wsPort, noKey);
      assert.deepEqual([missing.status, missing.body], [400, "Bad Request\n"]);
      const version = await httpUpgrade(
        s.wsPort,
        upgradeHeaders(s.wsPort, { "Sec-WebSocket-Version": "12" }),
      );
      assert.equal(version.status, 400);
      await expectLog(
        s,
        /^127\.0\.0\.1:\d+ - websocket handshake error: request method must be GET$/,
      );
      await expectLog(s, /^127\.0\.0\.1:\d+ - websocket handshake error: key missing$/);
      await expectLog(s, /^127\.0\.0\.1:\d+ - websocket handshake error: invalid version$/);
    },
  },
  {
    name: "same_origin: a foreign Origin gets 403, the same origin upgrades",
    config: { websocket: wsBlock({ same_origin: true }) },
    async run(s) {
      const foreign = await httpUpgrade(
        s.wsPort,
        upgradeHeaders(s.wsPort, { Origin: "http://evil.example" }),
      );
      assert.deepEqual([foreign.status, foreign.body], [403, "Forbidden\n"]);
      await expectLog(s, /websocket handshake error: origin not allowed: not same origin$/);
      const same = await httpUpgrade(
        s.wsPort,
        upgradeHeaders(s.wsPort, { Origin: `http://127.0.0.1:${s.wsPort}` }),
      );
      assert.equal(same.status, 101);
      const none = await httpUpgrade(s.wsPort, upgradeHeaders(s.wsPort));
      assert.equal(none.status, 101, "no Origin header is accepted");
    },
  },
  {
    name: "allowed_origins: only listed scheme://host:port origins upgrade",
    config: {
      websocket: wsBlock({ allowed_origins: ["https://app.example.com", "http://localhost:3000"] }),
    },
    async run(s) {
      const ok = await httpUpgrade(
        s.wsPort,
        upgradeHeaders(s.wsPort, { Origin: "http://localhost:3000" }),
      );
      assert.equal(ok.status, 101);
      const scheme = await httpUpgrade(
        s.wsPort,
        upgradeHeaders(s.wsPort, { Origin: "http://app.example.com" }),
      );
      assert.equal(scheme.status, 403);
      await expectLog(s, /origin not allowed: not in the allowed list$/);
      await using ws = new WsClient(url(s), { Origin: "https://app.example.com:443" });
      await ws.expect(/^INFO /);
    },
  },
  {
    name: "the block's token applies to ws clients only, with auth_required in their INFO",
    config: { websocket: wsBlock({ authorization: { token: "s3cr3t" } }) },
    async run(s) {
      await using bad = new WsClient(url(s));
      const [info] = await bad.expect(/^INFO [^\r\n]*\r\n/);
      assert.match(info, /"headers":true,"auth_required":true,"max_payload"/);
      bad.send(CONNECT + "PING\r\n");
      await bad.expect(/-ERR 'Authorization Violation'\r\n/);
      const closed = await bad.closed;
      assert.equal(closed.code, 1008);
      assert.equal(closed.reason, "Authentication Failure");
      await using good = new WsClient(url(s));
      await good.expect(/^INFO /);
      good.send('CONNECT {"verbose":false,"auth_token":"s3cr3t"}\r\nPING\r\n');
      await good.expect(/PONG\r\n/);
      const nc = await connect({ servers: `127.0.0.1:${s.port}`, reconnect: false });
      await roundTrip(nc);
      await nc.close();
    },
  },
  {
    name: "the block's no_auth_user lets ws clients in without credentials",
    config: {
      websocket: wsBlock({ no_auth_user: "b" }),
      authorization: { users: [{ user: "a", password: "pa" }, { user: "b", password: "pb" }] },
    },
    async run(s) {
      await using ws = new WsClient(url(s));
      await ws.expect(/^INFO [^\r\n]*"auth_required":true/);
      ws.send(CONNECT + "PING\r\n");
      await ws.expect(/PONG\r\n/);
      await assert.rejects(() => connect({ servers: `127.0.0.1:${s.port}`, reconnect: false }));
    },
  },
  {
    name: "with a top-level no_auth_user, ws INFO still announces auth_required",
    config: {
      no_auth_user: "a",
      websocket: wsBlock(),
      authorization: { users: [{ user: "a", password: "pa" }] },
    },
    async run(s) {
      await using ws = new WsClient(url(s));
      await ws.expect(/^INFO [^\r\n]*"auth_required":true/);
      ws.send(CONNECT + "PING\r\n");
      await ws.expect(/PONG\r\n/);
      const nc = await connect({ servers: `127.0.0.1:${s.port}`, reconnect: false });
      assert.equal(nc.info?.auth_required, undefined);
      await nc.close();
    },
  },
  {
    name: "X-Forwarded-For shows in the client's log prefix",
    config: { websocket: wsBlock() },
    async run(s) {
      await using ws = new WsClient(url(s), { "X-Forwarded-For": "10.1.2.3" });
      await ws.expect(/^INFO [^\r\n]*"client_ip":"127\.0\.0\.1"/);
      await expectLog(s, /^10\.1\.2\.3\/127\.0\.0\.1:\d+ - wid:\d+ - Client connection created$/);
    },
  },
  {
    name: "wss: with a tls block the listener upgrades over TLS",
    config: {
      websocket: {
        host: "127.0.0.1",
        port: -1,
        tls: { cert_file: cert("server-cert.pem"), key_file: cert("server-key.pem") },
      },
    },
    async run(s) {
      await expectLog(
        s,
        new RegExp(`^Listening for websocket clients on wss://127\\.0\\.0\\.1:${s.wsPort}$`),
      );
      assert.ok(!s.logs().some((l) => l.includes("DO NOT USE IN PRODUCTION")));
      const text = await wssUpgrade(s.wsPort);
      assert.match(text, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
      assert.match(text, /INFO \{"server_id":/);
    },
  },
];
