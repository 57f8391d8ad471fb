/**
 * @module
 * The cluster section and flags: listen forms, routes with credentials, authorization rules
 * and nats-server's errors, pool_size, and the command-line overrides.
 */
import assert from "node:assert/strict";
import {
  applyClusterFlags,
  parseClusterOptions,
  parseRouteUrl,
  redactUrl,
  routeHostKey,
} from "./cluster_options.ts";

Deno.test("listen, host/port, advertise and routes normalize like nats-server parseCluster", () => {
  const { config, errors } = parseClusterOptions({
    Name: "c1",
    listen: "0.0.0.0:6222",
    cluster_advertise: "10.0.0.1:7222",
    no_advertise: true,
    connect_retries: 5,
    routes: ["nats-route://ruser:p%40ss@10.0.0.2:6222", "nats://10.0.0.3:6222"],
    authorization: { user: "ruser", password: "p@ss", timeout: 0.5 },
    pool_size: 1,
  });
  assert.deepEqual(errors, []);
  assert.equal(config?.name, "c1");
  assert.equal(config?.host, "0.0.0.0");
  assert.equal(config?.port, 6222);
  assert.equal(config?.advertise, "10.0.0.1:7222");
  assert.equal(config?.noAdvertise, true);
  assert.equal(config?.connectRetries, 5);
  assert.equal(config?.authTimeout, 0.5);
  assert.deepEqual(config?.routes.map((r) => [r.host, r.port, r.user, r.pass]), [
    ["10.0.0.2", 6222, "ruser", "p@ss"],
    ["10.0.0.3", 6222, undefined, undefined],
  ]);
  assert.deepEqual(parseClusterOptions({ port: 7222, host: "::1" }).config?.host, "::1");
  assert.equal(parseClusterOptions({ listen: 6222 }).config?.port, 6222);
  assert.equal(parseClusterOptions({ listen: "127.0.0.1:-1" }).config?.port, -1);
});

Deno.test("no port means no clustering; bad sections report nats-server's errors", () => {
  assert.equal(parseClusterOptions({ name: "x" }).config, null);
  assert.equal(parseClusterOptions(undefined).config, null);
  assert.deepEqual(parseClusterOptions({ port: 1, authorization: { token: "t" } }).errors, [
    "Cluster authorization does not support tokens",
  ]);
  assert.deepEqual(
    parseClusterOptions({ port: 1, authorization: { users: [{ user: "a" }] } }).errors,
    ["Cluster authorization does not allow multiple users"],
  );
  assert.deepEqual(parseClusterOptions({ listen: "nope" }).errors, [
    'could not parse address string "nope"',
  ]);
  assert.equal(parseClusterOptions({ port: 1, pool_size: 3 }).errors.length, 1);
  assert.deepEqual(parseClusterOptions({ port: 1, tls: { cert_file: "x" } }).errors, [
    "missing 'key_file' in TLS configuration",
  ]);
  const tls = parseClusterOptions({ port: 1, tls: { cert_file: "c", key_file: "k", timeout: 3 } });
  assert.deepEqual(tls.errors, []);
  assert.equal(tls.config?.tls?.verify, true, "route TLS is always mutual");
  assert.equal(tls.config?.tls?.timeoutSeconds, 3);
  assert.equal(parseClusterOptions({ port: 1, tls: {} }).config?.tls?.timeoutSeconds, 2);
  assert.deepEqual(parseClusterOptions({ port: 1, tls: { verify_and_map: true } }).errors, [
    "cluster TLS 'verify_and_map' is not supported by denats",
  ]);
  assert.deepEqual(parseClusterOptions({ port: 1, routes: ["x", "x"] }).warnings, [
    "Duplicate route entry detected: x",
  ]);
  assert.deepEqual(parseClusterOptions({ port: 1, routes: ["::bad"] }).errors, [
    'error parsing route url ["::bad"]',
  ]);
});

Deno.test("route URLs: credentials, IPv6, redaction and the host key", () => {
  const r = parseRouteUrl("nats://u:secret@[::1]:6222")!;
  assert.deepEqual([r.host, r.port, r.user, r.pass], ["::1", 6222, "u", "secret"]);
  assert.equal(redactUrl(r.url), "nats://u:xxxxx@[::1]:6222");
  assert.equal(routeHostKey({ host: "LocalHost", port: 1 }), "localhost:1");
});

Deno.test("cluster flags override the file's cluster block", () => {
  const merged = applyClusterFlags(
    { name: "file", Listen: "0.0.0.0:6222", routes: ["nats://a:1"], authorization: { user: "x" } },
    {
      cluster: "nats://ruser:pw@127.0.0.1:-1",
      cluster_name: "flag",
      routes: "nats://b:1, nats://c:1",
      no_advertise: true,
      connect_retries: 3,
      cluster_advertise: "h:5",
    },
  );
  assert.equal(typeof merged, "object");
  const { config } = parseClusterOptions(merged as Record<string, unknown>);
  assert.equal(config?.name, "flag");
  assert.equal(config?.host, "127.0.0.1");
  assert.equal(config?.port, -1);
  assert.equal(config?.username, "ruser");
  assert.equal(config?.password, "pw");
  assert.deepEqual(config?.routes.map((r) => r.host), ["b", "c"]);
  assert.equal(config?.noAdvertise, true);
  assert.equal(config?.connectRetries, 3);
  assert.equal(config?.advertise, "h:5");
  assert.equal(applyClusterFlags(undefined, {}), undefined);
  assert.equal(
    applyClusterFlags({}, { cluster: "nats://u@h:1" }),
    "expected cluster password to be set",
  );
});
