/**
 * @module
 * Tests for the websocket block: parsing, nats-server's startup checks, the auth override.
 */
import assert from "node:assert/strict";
import { defaultOptions, type ServerOptions } from "../options.ts";
import {
  hasAuthOverride,
  parseWebSocketSection,
  validateWebSocket,
  webSocketAuthOptions,
  type WebSocketSettings,
} from "./ws_options.ts";

function ws(raw: Record<string, unknown>): WebSocketSettings {
  const s = parseWebSocketSection(raw);
  if (s === null || "error" in s) throw new Error(JSON.stringify(s));
  return s;
}

function invalid(extra: Partial<ServerOptions>): string | null {
  return validateWebSocket({ ...defaultOptions(), ...extra });
}

Deno.test("parseWebSocketSection reads listen, aliases, durations and the auth block", () => {
  const s = ws({
    listen: "[::1]:8443",
    no_tls: true,
    origin: "http://a",
    handshake_timeout: "1.5s",
    compress: true,
    authorization: { username: "u", pass: "p", token: "t", timeout: 3 },
  });
  assert.deepEqual([s.host, s.port, s.allowedOrigins, s.handshakeTimeoutMs], ["::1", 8443, [
    "http://a",
  ], 1500]);
  assert.deepEqual([s.username, s.password, s.token, s.authTimeout, s.compression], [
    "u",
    "p",
    "t",
    3,
    true,
  ]);
  assert.equal(ws({ port: -1, no_tls: true }).host, "0.0.0.0");
  assert.equal(parseWebSocketSection({ no_tls: true }), null, "no port: disabled");
});

Deno.test("validateWebSocket reports nats-server's startup errors", () => {
  assert.equal(invalid({ websocket: { port: 1 } }), "websocket requires TLS configuration");
  assert.equal(
    invalid({ websocket: { port: 1, no_tls: true, no_auth_user: "q" } }),
    'no_auth_user: "q" present, but users are not defined',
  );
  assert.equal(
    invalid({ users: [{ user: "x" }], websocket: { port: 1, no_tls: true, no_auth_user: "q" } }),
    'no_auth_user: "q" not present as user or nkey in authorization block or account configuration',
  );
  assert.equal(
    invalid({
      users: [{ user: "x" }],
      websocket: { port: 1, no_tls: true, authorization: { user: "a" } },
    }),
    "websocket authentication username not compatible with presence of users/nkeys",
  );
  assert.equal(
    invalid({ websocket: { port: 1, no_tls: true, jwt_cookie: "x" } }),
    'trusted operators or trusted keys configuration is required for JWT authentication via cookie "x"',
  );
  assert.equal(
    invalid({ websocket: { port: 1, no_tls: true, allowed_origins: ["http://[::1"] } }),
    "unable to parse allowed origin: parse \"http://[::1\": missing ']' in host",
  );
  assert.equal(invalid({ websocket: { port: 1, no_tls: true } }), null);
});

Deno.test("the block's auth replaces the top-level credentials, users stay", () => {
  const base = { ...defaultOptions(), authorizationToken: "top", users: [{ user: "x" }] };
  const plain = ws({ port: 1, no_tls: true });
  assert.equal(hasAuthOverride(plain), false);
  assert.equal(webSocketAuthOptions(base, plain), base);
  const o = webSocketAuthOptions(base, ws({ port: 1, no_tls: true, no_auth_user: "x" }));
  assert.deepEqual([o.noAuthUser, o.authorizationToken, o.users], ["x", undefined, base.users]);
  const t = webSocketAuthOptions(
    defaultOptions(),
    ws({ port: 1, no_tls: true, authorization: { token: "w", timeout: 5 } }),
  );
  assert.deepEqual([t.authorizationToken, t.authTimeout], ["w", 5]);
});
