/**
 * @module
 * Leafnode remote URLs: schemes and default ports, user info, random or ordered picks, and
 * the hub's gossiped `leafnode_urls`.
 */
import assert from "node:assert/strict";
import type { RemoteLeafConfig } from "../../link_options.ts";
import { newLeafRemote, parseLeafUrl, updateDiscovered } from "./leaf_urls.ts";

function config(urls: string[], noRandomize = false): RemoteLeafConfig {
  return {
    urls,
    noRandomize,
    localAccount: "",
    credentials: "",
    hub: false,
    denyImports: [],
    denyExports: [],
    wsCompression: false,
    wsNoMasking: false,
    jetStreamClusterMigrate: false,
  };
}

Deno.test("leafnode URLs: schemes, default ports, user info", () => {
  assert.deepEqual(parseLeafUrl("nats-leaf://u:p%40ss@example.com:7000"), {
    url: "nats-leaf://u:p%40ss@example.com:7000",
    host: "example.com",
    port: 7000,
    scheme: "nats-leaf",
    user: "u",
    pass: "p@ss",
  });
  assert.equal(parseLeafUrl("tls://h")?.port, 7422);
  assert.equal(parseLeafUrl("ws://h")?.port, 80);
  assert.equal(parseLeafUrl("wss://h")?.port, 443);
  assert.equal(parseLeafUrl("[::1]:7422")?.host, "::1");
  assert.equal(parseLeafUrl("nats://"), null);
});

Deno.test("a remote keeps the first user:password of its URLs and picks in order with no_randomize", () => {
  const r = newLeafRemote(config(["nats://a:1", "nats://u:p@b:2"], true))!;
  assert.deepEqual([r.username, r.password], ["u", "p"]);
  const picks = [0, 1, 2].map(() => r.urls.pick(() => 0.99).host);
  assert.deepEqual(picks, ["a", "b", "a"]);
  assert.equal(newLeafRemote(config(["nats://"])), null);
});

Deno.test("gossiped leafnode_urls replace the previous ones and skip configured ones", () => {
  const r = newLeafRemote(config(["nats-leaf://a:1"], true))!;
  updateDiscovered(r, ["a:1", "b:2", "c:3"]);
  assert.deepEqual(r.urls.all().map((u) => `${u.host}:${u.port}`), ["a:1", "b:2", "c:3"]);
  updateDiscovered(r, ["c:3"]);
  assert.deepEqual(r.urls.all().map((u) => `${u.host}:${u.port}`), ["a:1", "c:3"]);
  const ws = newLeafRemote(config(["wss://h:443"]))!;
  updateDiscovered(ws, ["w:8443"]);
  assert.equal(ws.urls.discovered[0].scheme, "wss");
});
