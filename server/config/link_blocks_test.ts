/**
 * @module
 * Tests of the typed blocks (`cluster_block.ts`, `gateway_block.ts`, `leafnode_block.ts`,
 * `websocket_block.ts`, `jetstream_block.ts`, `link_configs.ts`): the `links` fixture in both
 * syntaxes gives the typed values; every invalid snippet gives nats-server 2.9.10's report;
 * raw embedded blocks and the CLI flags end in the same typed values.
 */
import assert from "node:assert/strict";
import { applyClusterFlags } from "../links/route/cluster_options.ts";
import { applyJetStreamFlags } from "./jetstream_block.ts";
import { LINK_BLOCK_CASES, withFile } from "./link_block_cases.ts";
import { resolveLinkConfigs } from "./link_configs.ts";
import { type ConfigResult, parseConfigText } from "./normalize.ts";
import { fixtureFiles } from "./test_helpers.ts";
import type { ServerOptions } from "../options.ts";
import { loadYamlSupport } from "./yaml.ts";

await loadYamlSupport();

function load(path: string): ConfigResult {
  return parseConfigText(fixtureFiles(path), { file: path, readFile: fixtureFiles });
}

function report(result: ConfigResult): string[] {
  return [...result.warnings, ...result.errors].map((issue) => issue.message).sort();
}

Deno.test("the links fixture gives typed cluster, gateway, leafnode, websocket and jetstream options", () => {
  for (const file of ["links.conf", "links.yaml"]) {
    const { options, errors, warnings } = load(file);
    assert.deepEqual([...errors, ...warnings], [], file);
    const cluster = options.clusterConfig!;
    assert.deepEqual(
      [cluster.name, cluster.host, cluster.port, cluster.advertise, cluster.noAdvertise],
      ["c1", "127.0.0.1", 6222, "c1.example:6222", true],
    );
    assert.deepEqual([cluster.username, cluster.password, cluster.authTimeout], [
      "ruser",
      "rpass",
      0.5,
    ]);
    assert.deepEqual(cluster.routes.map((r) => [r.host, r.port, r.user]), [
      ["127.0.0.1", 6223, "ruser"],
      ["127.0.0.1", 6224, undefined],
    ]);
    assert.deepEqual(cluster.permissions, {
      import: { allow: ["a.>"] },
      export: { allow: ["b.>"] },
    });

    const gateway = options.gatewayConfig!;
    assert.deepEqual(
      [gateway.name, gateway.host, gateway.port, gateway.connectRetries, gateway.rejectUnknown],
      ["g1", "127.0.0.1", 7222, 2, true],
    );
    assert.deepEqual([gateway.username, gateway.password, gateway.authTimeout], [
      "guser",
      "gpass",
      3,
    ]);
    assert.deepEqual(gateway.gateways, [
      { name: "g2", urls: ["nats://127.0.0.1:7223"] },
      { name: "g3", urls: ["nats://127.0.0.1:7224", "nats://127.0.0.1:7225"] },
    ]);

    const leaf = options.leafnodeConfig!;
    assert.deepEqual(
      [leaf.host, leaf.port, leaf.advertise, leaf.reconnectSeconds, leaf.minVersion],
      ["127.0.0.1", 7422, "leaf.example:7422", 3, "2.8.0"],
    );
    assert.deepEqual(leaf.users, [
      { username: "leaf1", password: "p1", account: "A" },
      { username: "leaf2", password: "p2", account: "" },
    ]);
    assert.equal(leaf.authTimeout, 2);
    assert.deepEqual(leaf.remotes[0], {
      urls: ["nats://127.0.0.1:7433"],
      noRandomize: true,
      localAccount: "A",
      credentials: "/tmp/denats-leaf.creds",
      hub: true,
      denyImports: ["secret.>"],
      denyExports: ["private.>"],
      wsCompression: false,
      wsNoMasking: false,
      jetStreamClusterMigrate: false,
    });
    assert.deepEqual(
      [leaf.remotes[1].urls.length, leaf.remotes[1].wsCompression, leaf.remotes[1].wsNoMasking],
      [2, true, true],
    );

    const ws = options.websocketConfig!;
    assert.deepEqual(
      [ws.host, ws.port, ws.noTls, ws.handshakeTimeoutMs, ws.compression, ws.jwtCookie],
      ["127.0.0.1", 8080, true, 3000, true, "jwt"],
    );
    assert.deepEqual(ws.allowedOrigins, ["http://localhost"]);

    const js = options.jetstreamConfig!;
    assert.deepEqual(js, {
      enabled: true,
      storeDir: "/tmp/denats-links-js",
      // Unquoted 1G is the lexer's 10^9; a string "10G" is getStorageSize's 10 * 2^30.
      maxMemory: 1_000_000_000,
      maxStore: 10 * 1024 ** 3,
      domain: "hub",
      key: "s3cr3t",
      cipher: "aes",
      extensionHint: "",
      uniqueTag: "az",
      maxOutstandingCatchup: 64_000_000,
      limits: { maxAckPending: 100, maxHaAssets: 2, maxRequestBatch: 50, duplicatesMs: 60_000 },
    });
    assert.equal(options.storeDir, "/tmp/denats-links-js");
  }
});

Deno.test("every invalid link-block snippet reports nats-server's text, line and column", () => {
  for (const { text, report: expected } of LINK_BLOCK_CASES) {
    const result = parseConfigText(text, { file: "case.conf" });
    const wanted = expected.map((line) => withFile("case.conf", line)).sort();
    assert.deepEqual(report(result), wanted, JSON.stringify(text));
  }
});

/** YAML twins of some cases: the same reasons (YAML positions are its own). */
const YAML_CASES: [string, string[]][] = [
  ["leafnodes:\n  remotes:\n    - { urll: 'nats://x:7422' }\n", ['unknown field "urll"']],
  [
    "jetstream:\n  max_mem: lots\n",
    ['max_mem_store strconv.ParseInt: parsing "lot": invalid syntax'],
  ],
  [
    "gateway:\n  name: A\n  port: 7222\n  gateways:\n    - { name: B, url: 'nats://x:1', foo: 1 }\n",
    ['unknown field "foo"'],
  ],
  [
    "leafnodes:\n  port: 7422\n  min_version: '2.7.0'\n",
    ["the minimum version should be at least 2.8.0"],
  ],
  ["cluster:\n  port: 6222\n  routes: 'nats://a:1'\n", [
    "interface conversion: interface {} is string, not []interface {}",
  ]],
  ["websocket:\n  port: 8080\n  handshake_timeout: true\n", [
    "error parsing handshake timeout: unsupported type bool",
  ]],
];

Deno.test("the YAML syntax reports the same reasons, at YAML positions", () => {
  for (const [text, reasons] of YAML_CASES) {
    const result = parseConfigText(text, { file: "case.yaml" });
    assert.deepEqual(result.errors.map((issue) => issue.reason), reasons, text);
    for (const issue of result.errors) assert.equal(issue.file, "case.yaml", text);
  }
});

Deno.test("raw embedded blocks type to the same values as the config file", () => {
  const file = load("links.conf").options;
  const embedded = {
    cluster: file.cluster,
    gateway: file.gateway,
    leafnodes: file.leafnodes,
    websocket: file.websocket,
    jetstream: file.jetstream,
  };
  assert.deepEqual(resolveLinkConfigs(embedded), []);
  for (const key of ["clusterConfig", "gatewayConfig", "leafnodeConfig", "websocketConfig"]) {
    assert.deepEqual(
      (embedded as Record<string, unknown>)[key],
      (file as Record<string, unknown>)[key],
      key,
    );
  }
  assert.deepEqual(
    (embedded as { jetstreamConfig?: unknown }).jetstreamConfig,
    file.jetstreamConfig,
  );
  const typed = { cluster: { port: 1 }, clusterConfig: file.clusterConfig };
  resolveLinkConfigs(typed);
  assert.equal(typed.clusterConfig, file.clusterConfig, "typed values are left alone");
  assert.deepEqual(resolveLinkConfigs({ leafnodes: { remotes: [{ urll: "x" }] } }), [
    'unknown field "urll"',
  ]);
});

Deno.test("cluster and JetStream flags end in the typed values", () => {
  const file = parseConfigText("cluster { name: a, port: 6222 }\nstore_dir: /f\n", {
    file: "a.conf",
  }).options;
  const merged = applyClusterFlags(file.cluster, {
    cluster: "nats://u:p@127.0.0.1:-1",
    routes: "nats://127.0.0.1:6300",
    cluster_name: "flagged",
  });
  assert.ok(merged && typeof merged === "object");
  const options: Partial<ServerOptions> = { ...file, cluster: merged };
  delete options.clusterConfig;
  assert.deepEqual(resolveLinkConfigs(options), []);
  const cluster = options.clusterConfig!;
  assert.deepEqual([cluster.name, cluster.host, cluster.port], ["flagged", "127.0.0.1", -1]);
  assert.deepEqual([cluster.username, cluster.password], ["u", "p"]);
  assert.deepEqual(cluster.routes.map((r) => r.port), [6300]);

  const js = applyJetStreamFlags(undefined, file.storeDir, { js: true });
  assert.deepEqual([js?.enabled, js?.storeDir], [true, "/f"]);
  const moved = applyJetStreamFlags(js, undefined, { sd: "/g" });
  assert.deepEqual([moved?.enabled, moved?.storeDir], [true, "/g"]);
  assert.equal(applyJetStreamFlags(undefined, undefined, {}), undefined);
});

Deno.test("blocks without a port stay typed but off; string forms of jetstream", () => {
  const r = parseConfigText(
    "cluster { name: c }\nwebsocket { no_tls: true }\njetstream: disabled\n",
    {
      file: "a.conf",
    },
  );
  assert.deepEqual(r.errors, []);
  assert.equal(r.options.clusterConfig?.port, 0);
  assert.equal(r.options.clusterConfig?.name, "c");
  assert.equal(r.options.websocketConfig?.port, 0);
  assert.equal(r.options.jetstreamConfig?.enabled, false);
  const on = parseConfigText("jetstream: enabled\n", { file: "a.conf" }).options;
  assert.deepEqual([on.jetstreamConfig?.enabled, on.jetstreamConfig?.maxMemory], [true, -1]);
});
