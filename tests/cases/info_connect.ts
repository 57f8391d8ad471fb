/**
 * @module
 * Conformance cases for the connection handshake: the INFO line (fields, types, key order,
 * framing) and CONNECT handling (verbose defaults, protocol levels, refused options).
 * Mirrors nats-server 2.9.10 `server.go` (Info) and `client.go` (processConnect).
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import type { Suite } from "../helpers/cases.ts";
import { RawClient } from "../helpers/raw_client.ts";
import { pub, sub } from "../helpers/frames.ts";

const DEFAULT_INFO_KEYS = [
  "server_id",
  "server_name",
  "version",
  "proto",
  "go",
  "host",
  "port",
  "headers",
  "max_payload",
  "client_id",
  "client_ip",
];

/** Handshake cases. */
export const infoConnectCases: Suite = (start) => [
  {
    name: "the server speaks first with one INFO line ending in a space and CRLF",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      const m = await c.expect(/^INFO (\{.*?\})( ?)\r\n/);
      assert.equal(m[2], " ", "nats-server writes `INFO {json} \\r\\n`");
      assert.doesNotThrow(() => JSON.parse(m[1]));
      await c.expectNothing();
    },
  },
  {
    name: "INFO carries the nats-server fields, typed and ordered as nats-server sends them",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      const info = await c.readInfo();
      assert.deepEqual(Object.keys(info), DEFAULT_INFO_KEYS);
      assert.match(info.server_id as string, /^N[A-Z2-7]{55}$/);
      assert.equal(info.server_name, info.server_id, "server_name defaults to the id");
      assert.match(info.version as string, /^\d+\.\d+\.\d+/);
      assert.equal(info.proto, 1);
      assert.equal(typeof info.go, "string");
      assert.equal(info.host, t.host);
      assert.equal(info.port, t.port);
      assert.equal(info.headers, true);
      assert.equal(info.max_payload, 1024 * 1024);
      assert.ok(Number.isInteger(info.client_id) && (info.client_id as number) > 0);
      assert.equal(info.client_ip, "127.0.0.1");
    },
  },
  {
    name: "INFO reports the configured server_name and max_payload",
    fn: async () => {
      await using t = await start({ serverName: "conformance", maxPayload: 4096 });
      await using c = await RawClient.dial(t);
      const info = await c.readInfo();
      assert.equal(info.server_name, "conformance");
      assert.equal(info.max_payload, 4096);
      assert.notEqual(info.server_id, "conformance");
    },
  },
  {
    name: "INFO sets auth_required after headers when authorization is on, with no nonce",
    fn: async () => {
      await using t = await start({ username: "alice", password: "secret" });
      await using c = await RawClient.dial(t);
      const info = await c.readInfo();
      assert.equal(info.auth_required, true);
      assert.equal(info.nonce, undefined, "no nonce without nkeys");
      const keys = Object.keys(info);
      assert.equal(keys.indexOf("auth_required"), keys.indexOf("headers") + 1);
      assert.equal(keys.indexOf("max_payload"), keys.indexOf("auth_required") + 1);
    },
  },
  {
    name: "INFO reports headers false when header support is disabled",
    fn: async () => {
      await using t = await start({ noHeaderSupport: true });
      await using c = await RawClient.dial(t);
      const info = await c.readInfo();
      assert.equal(info.headers, false);
    },
  },
  {
    name: "each new connection gets a larger client_id",
    fn: async () => {
      await using t = await start();
      await using a = await RawClient.dial(t);
      const first = (await a.readInfo()).client_id as number;
      await using b = await RawClient.dial(t);
      const second = (await b.readInfo()).client_id as number;
      assert.ok(second > first, `${second} > ${first}`);
    },
  },
  {
    name: "a connection is verbose before CONNECT, so SUB and PUB are acknowledged with +OK",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.send(sub("foo", 1) + pub("foo", "hi") + "PING\r\n");
      await c.expect(/^\+OK\r\n\+OK\r\nMSG foo 1 2\r\nhi\r\nPONG\r\n$/);
    },
  },
  {
    name: "CONNECT without a verbose key keeps verbose on and is itself acknowledged",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.send("CONNECT {}\r\n" + sub("foo", 1) + "PING\r\n");
      await c.expect(/^\+OK\r\n\+OK\r\nPONG\r\n$/);
    },
  },
  {
    name: "verbose mode acknowledges CONNECT, PUB, SUB and UNSUB but not PING",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.send('CONNECT {"verbose":true}\r\n');
      await c.expect(/^\+OK\r\n/);
      await c.send(sub("foo", 1));
      await c.expect(/^\+OK\r\n/);
      await c.send(pub("bar", "x"));
      await c.expect(/^\+OK\r\n/);
      await c.send("UNSUB 1\r\n");
      await c.expect(/^\+OK\r\n/);
      await c.send("UNSUB 99\r\n");
      await c.expect(/^\+OK\r\n/, 2000);
      await c.send("PING\r\n");
      await c.expect(/^PONG\r\n$/);
    },
  },
  {
    name: "verbose false CONNECT is not acknowledged",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.connect({ verbose: false });
      await c.send(sub("foo", 1) + pub("nobody", "x"));
      await c.expectNothing();
    },
  },
  {
    name: "PING before CONNECT is answered with PONG when auth is off",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.send("PING\r\n");
      await c.expect(/^PONG\r\n$/);
    },
  },
  {
    name: "a protocol 1 client gets only PONG for its first PING on a standalone server",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.connect({ protocol: 1 });
      await c.expectNothing();
      await c.expectNothing();
    },
  },
  {
    name: "CONNECT with protocol 2 or -1 is refused with invalid client protocol and closed",
    fn: async () => {
      await using t = await start();
      for (const protocol of [2, -1]) {
        await using c = await RawClient.dial(t);
        await c.readInfo();
        await c.connect({ protocol, verbose: true });
        assert.equal(await c.expectClosed(), "-ERR 'invalid client protocol'\r\n");
      }
    },
  },
  {
    name: "CONNECT with malformed or mistyped JSON closes the connection without an -ERR",
    fn: async () => {
      await using t = await start();
      for (const arg of ['{"verbose":false', "not-json", '{"verbose":"yes"}', ""]) {
        await using c = await RawClient.dial(t);
        await c.readInfo();
        await c.send(`CONNECT ${arg}\r\n`);
        assert.equal(await c.expectClosed(), "", `CONNECT ${arg}`);
      }
    },
  },
  {
    name: "CONNECT with no_responders but without headers is refused and closed",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.connect({ no_responders: true, verbose: true });
      assert.equal(await c.expectClosed(), "-ERR 'no responders requires headers support'\r\n");
    },
  },
  {
    name: "CONNECT with the legacy account field is refused with Authorization Violation",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.connect({ account: "A" });
      assert.equal(await c.expectClosed(), "-ERR 'Authorization Violation'\r\n");
    },
  },
  {
    name: "CONNECT with unknown fields is accepted",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.connect({ verbose: true, some_future_field: { nested: [1, 2] }, lang: "test" });
      await c.expect(/^\+OK\r\n$/);
      await c.expectNothing();
    },
  },
];
