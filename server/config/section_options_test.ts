/**
 * @module
 * Tests for later-feature sections: shapes, field names, raw storage, errors.
 */

import assert from "node:assert/strict";
import type { ServerOptions } from "../options.ts";
import { type ConfigResult, parseConfigText } from "./normalize.ts";
import { memoryFiles } from "./test_helpers.ts";
import { loadYamlSupport } from "./yaml.ts";

await loadYamlSupport();

const OPERATOR_KEY = "OAFTAVL2T7COSDRTLB62FR7MCE3FXAFFZLXRIOK6QOUM34QXHRQYMVDQ";
const ACCOUNT_KEY = "AAFTAVL2T7COSDRTLB62FR7MCE3FXAFFZLXRIOK6QOUM34QXHRQYMDPW";

/** Inputs and the exact errors nats-server 2.9.10 `-t` prints for them. */
const VERIFIED_ERRORS: [string, string[]][] = [
  ["cluster: 1\ngateway: x\nleafnodes: []\nwebsocket: 1\nmqtt: true", [
    "s.conf:3:1: Expected map to define a leafnode, got []interface {}",
    "s.conf:4:1: Expected websocket to be a map, got int64",
    "s.conf:5:1: Expected mqtt to be a map, got bool",
    "s.conf:1:0: Expected map to define cluster, got int64",
    "s.conf:2:1: Expected gateway to be a map, got string",
  ]],
  ["cluster { nope: 1 }\nmqtt {\n  bad: 2\n}", [
    's.conf:1:10: unknown field "nope"',
    's.conf:3:3: unknown field "bad"',
  ]],
  ["tls { foo: 1 }", [
    's.conf:1:6: error parsing tls config, unknown field ["foo"]',
  ]],
  ["tls: 5", [
    "s.conf:1:0: interface conversion: interface {} is int64, not map[string]interface {}",
  ]],
  ['jetstream: "maybe"', [
    "s.conf:1:0: Expected 'enabled' or 'disabled' for string value, got 'maybe'",
  ]],
  ["jetstream: 5", [
    "s.conf:1:0: Expected map, bool or string to define JetStream, got int64",
  ]],
  ["jetstream { x: 1 }", [
    's.conf:1:12: unknown field "x"',
  ]],
  ['store_dir: "/a"\njetstream { store_dir: "/b" }', [
    "s.conf:2:13: Duplicate 'store_dir' configuration",
  ]],
  ['accounts: ["$G", A, A ]', [
    's.conf:1:12: "$G" is a Reserved Account',
    "s.conf:1:20: Duplicate Account Entry: A",
  ]],
  [
    "accounts { A: 5, B { foo: 1 }, C { nkey: bad }, D { nkey: AAFTAVL2T7COSDRTLB62FR7MCE3FXAFFZLXRIOK6QOUM34QXHRQYMDPW } }",
    [
      "s.conf:1:11: Expected map entries for accounts",
      's.conf:1:21: unknown field "foo"',
      's.conf:1:35: Not a valid public nkey for an account: "bad"',
    ],
  ],
  ['mappings { "a..b": x, c: {dest: d}, e: [{dest: f, weight: 101}], g: 5 }', [
    "s.conf:1:50: Invalid weight 101 for mapping destination",
    "s.conf:1:65: Expected an entry for the mapping destination",
    's.conf:1:0: Subject "a..b" is not a valid subject',
    's.conf:1:22: Missing weight for mapping destination "d"',
  ]],
  ["operator: missing.jwt\nroots: [a]", [
    "s.conf:1:0: error parsing operator JWT: open missing.jwt: no such file or directory",
    "s.conf:2:1: error parsing operators: unsupported type []interface {}",
  ]],
  ["trusted_keys: [OAFTAVL2T7COSDRTLB62FR7MCE3FXAFFZLXRIOK6QOUM34QXHRQYMVDQ, bad]", [
    's.conf:1:73: trust key "bad" required to be a valid public operator nkey',
  ]],
  ["trusted: 5", [
    "s.conf:1:0: error parsing trusted: unsupported type int64",
  ]],
  ["resolver: FOO", [
    's.conf:1:0: error parsing account resolver, should be MEM or  URL("url") or a map containing dir and type state=[FULL|CACHE])',
  ]],
  ["resolver: 5", [
    "s.conf:1:0: error parsing operator resolver, wrong type int64",
  ]],
  ["resolver { type: full }", [
    "s.conf:1:0: dir has no value and needs to point to a directory",
  ]],
  ['resolver { type: cache, dir: "/d", interval: "1m" }', [
    "s.conf:1:0: CACHE does not accept sync",
  ]],
  ["resolver_preload: 5", [
    "s.conf:1:0: preload should be a map of account_public_key:account_jwt",
  ]],
  ["resolver_preload { A: 1 }", [
    "s.conf:1:19: preload map value should be a string JWT",
  ]],
  ['ocsp { mode: "sometimes" }', [
    "s.conf:1:7: error parsing ocsp config: unsupported ocsp mode string",
  ]],
  ["ocsp: 5", [
    "s.conf:1:0: error parsing ocsp config: unsupported type int64",
  ]],
  ["server_tags: [a, 1 ]\nserver_tags2: 5", [
    "s.conf:1:0: error parsing tags: unsupported type *conf.token where string is expected",
    's.conf:2:1: unknown field "server_tags2"',
  ]],
  ["server_tags: 5", [
    "s.conf:1:0: error parsing tags: unsupported type int64",
  ]],
];

function conf(text: string, files: Record<string, string> = {}): ConfigResult {
  return parseConfigText(text, { file: "s.conf", readFile: memoryFiles(files) });
}

function options(text: string): Partial<ServerOptions> {
  const result = conf(text);
  assert.deepEqual(result.errors.map((error) => error.message), [], text);
  return result.options;
}

function messages(text: string, files: Record<string, string> = {}): string[] {
  return conf(text, files).errors.map((error) => error.message);
}

Deno.test("later-feature sections are stored as plain objects", () => {
  const parsed = options(
    'cluster { name: c, listen: "127.0.0.1:6222", routes: [a, b] }\n' +
      "gateway { name: g, gateways: [{name: x, url: y}] }\nleaf { listen: 7422 }\n" +
      "ws { port: 8080, no_tls: true }\nmqtt { port: 1883 }\n" +
      "tls { cert_file: c.pem, key_file: k.pem, timeout: 2 }\n",
  );
  assert.deepEqual(parsed.cluster, { name: "c", listen: "127.0.0.1:6222", routes: ["a", "b"] });
  assert.deepEqual(parsed.gateway, { name: "g", gateways: [{ name: "x", url: "y" }] });
  assert.deepEqual(parsed.leafnodes, { listen: 7422 });
  assert.deepEqual(parsed.websocket, { port: 8080, no_tls: true });
  assert.deepEqual(parsed.mqtt, { port: 1883 });
  assert.deepEqual(parsed.tls, { cert_file: "c.pem", key_file: "k.pem", timeout: 2 });
});

Deno.test("jetstream takes a boolean, enabled/disabled, or a map", () => {
  assert.deepEqual(options("jetstream: true").jetstream, { enabled: true });
  assert.deepEqual(options("jetstream: disabled").jetstream, { enabled: false });
  assert.deepEqual(options("jetstream: Enable").jetstream, { enabled: true });
  const parsed = options('jetstream { store_dir: "/data", max_mem: 1G, domain: d }');
  assert.deepEqual(parsed.jetstream, {
    store_dir: "/data",
    max_mem: 1_000_000_000,
    domain: "d",
    enabled: true,
  });
  assert.equal(parsed.storeDir, "/data");
  assert.deepEqual(options("jetstream { enabled: false }").jetstream, { enabled: false });
  assert.equal(options("storedir: /x").storeDir, "/x");
});

Deno.test("accounts take a list of names or a map of blocks", () => {
  assert.deepEqual(options("accounts: [A, B]").accounts, { A: {}, B: {} });
  assert.deepEqual(options(`accounts { A { nkey: ${ACCOUNT_KEY} } }`).accounts, {
    A: { nkey: ACCOUNT_KEY },
  });
  assert.deepEqual(options("accounts { A { users: [{user: u}] }, B {} }").accounts, {
    A: { users: [{ user: "u" }] },
    B: {},
  });
});

Deno.test("mappings check subjects and weighted destinations", () => {
  assert.deepEqual(options('mappings { "a.*": "b.$1" }').mappings, { "a.*": "b.$1" });
  assert.deepEqual(
    options('mappings { a: [{dest: b, weight: 40}, {dest: c, weight: "60%"}] }').mappings,
    {
      a: [{ dest: "b", weight: 40 }, { dest: "c", weight: "60%" }],
    },
  );
});

Deno.test("operators are read from a file or inline; arrays are rejected as in 2.9.10", () => {
  assert.deepEqual(options("operator: eyJhbGciOi.inline.jwt").operator, ["eyJhbGciOi.inline.jwt"]);
  const fromFile = conf("operator: op.jwt", { "op.jwt": "JWT-TEXT" });
  assert.deepEqual(fromFile.options.operator, ["JWT-TEXT"]);
});

Deno.test("trusted keys must be operator public keys", () => {
  assert.deepEqual(options(`trusted: ${OPERATOR_KEY}`).trustedKeys, [OPERATOR_KEY]);
});

Deno.test("resolvers take MEM, URL(...) or a directory map", () => {
  assert.equal(options("resolver: MEMORY").resolver, "MEMORY");
  assert.equal(options('resolver: URL("http://h/accounts")').resolver, 'URL("http://h/accounts")');
  assert.deepEqual(options('resolver { type: full, dir: "/jwt" }').resolver, {
    type: "full",
    dir: "/jwt",
  });
  assert.deepEqual(options("resolver_preload { ACC: jwt }").resolverPreload, { ACC: "jwt" });
  assert.deepEqual(options("resolver_pinned_accounts: [A, B]").resolverPinnedAccounts, ["A", "B"]);
});

Deno.test("ocsp, default_js_domain and server_tags follow nats-server's checks", () => {
  assert.equal(options("ocsp: false").ocsp, false);
  assert.deepEqual(options("ocsp { mode: always }").ocsp, { mode: "always" });
  assert.deepEqual(options("default_js_domain { A: hub }").defaultJsDomain, { A: "hub" });
});

Deno.test("section errors match nats-server 2.9.10 byte for byte", () => {
  for (const [text, expected] of VERIFIED_ERRORS) {
    assert.deepEqual(messages(text).sort(), [...expected].sort(), text);
  }
});
