/**
 * @module
 * Unit tests for the account model and import linking: what `resolveImports` reports per
 * account (prefix, `to`, response types, wildcard passthrough) and which imports are refused.
 */
import assert from "node:assert/strict";
import { defaultOptions } from "../options.ts";
import { type AccountConfig, buildAccountConfigs, unlimited } from "./account_config.ts";
import { linkAccounts, resolveImports, subjectsCollide } from "./imports.ts";

function build(accounts: Record<string, unknown>, users = defaultOptions().users) {
  return buildAccountConfigs({ ...defaultOptions(), accounts, users });
}

Deno.test("config exports and imports become typed stream/service exports and imports", () => {
  const { accounts, errors } = build({
    A: {
      exports: [
        { stream: "news.>", accounts: ["B"] },
        { service: "help", response_type: "stream", threshold: "5s" },
        { service: "chunks", response: "chunked", latency: { subject: "lat", sampling: "50%" } },
      ],
      limits: { max_connections: 5, max_payload: 1024 },
    },
    B: {
      imports: [
        { stream: { account: "A", subject: "news.>" }, prefix: "a" },
        { service: { account: "A", subject: "help" }, to: "ask" },
      ],
    },
  });
  assert.deepEqual(errors, []);
  const a = accounts.find((x) => x.name === "A")!;
  assert.deepEqual(a.streamExports, [{
    subject: "news.>",
    accounts: ["B"],
    accountTokenPosition: 0,
    tokenRequired: false,
  }]);
  assert.equal(a.serviceExports[0].responseType, "Streamed");
  assert.equal(a.serviceExports[0].responseThresholdMs, 5000);
  assert.deepEqual(a.serviceExports[1].latency, { subject: "lat", sampling: 50 });
  assert.deepEqual(a.limits, { ...unlimited(), maxConnections: 5, maxPayload: 1024 });
  const b = accounts.find((x) => x.name === "B")!;
  assert.deepEqual(b.streamImports, [{ account: "A", subject: "news.>", to: "", prefix: "a" }]);
  assert.deepEqual(b.serviceImports, [{ account: "A", subject: "help", to: "ask", share: false }]);
});

Deno.test("resolveImports maps prefixes, `to` and response types per importing account", () => {
  const { accounts } = build({
    A: {
      exports: [
        { stream: "news.>" },
        { stream: "feed.*" },
        { service: "svc.>", response: "chunked" },
      ],
    },
    B: {
      imports: [
        { stream: { account: "A", subject: "news.>" }, prefix: "a" },
        { stream: { account: "A", subject: "feed.*" } },
        { service: { account: "A", subject: "svc.echo" }, to: "echo" },
        { service: { account: "A", subject: "svc.time" } },
      ],
    },
  });
  const b = resolveImports(accounts).get("B")!;
  assert.deepEqual(b.streams, [
    { account: "A", subject: "news.>", localSubject: "a.news.>", usePub: false },
    { account: "A", subject: "feed.*", localSubject: "feed.*", usePub: true },
  ]);
  assert.deepEqual(b.services, [
    {
      localSubject: "echo",
      account: "A",
      subject: "svc.echo",
      responseType: "Chunked",
      share: false,
      usePub: false,
    },
    {
      localSubject: "svc.time",
      account: "A",
      subject: "svc.time",
      responseType: "Chunked",
      share: false,
      usePub: false,
    },
  ]);
  assert.deepEqual(resolveImports(accounts).get("A"), { streams: [], services: [] });
});

Deno.test("account_token_position approves only the importer named in that token", () => {
  const { accounts, errors } = build({
    A: { exports: [{ stream: "orders.*.>", account_token_position: 2 }] },
    B: { imports: [{ stream: { account: "A", subject: "orders.B.>" } }] },
    C: { imports: [{ stream: { account: "A", subject: "orders.B.>" } }] },
  });
  assert.deepEqual(errors, [
    'Error adding stream import "orders.B.>": stream import not authorized',
  ]);
  assert.equal(resolveImports(accounts).get("B")?.streams.length, 1);
  assert.equal(resolveImports(accounts).get("C")?.streams.length, 0);
});

Deno.test("imports of subjects narrower than the export are approved by the wildcard export", () => {
  const base = {
    users: [],
    streamExports: [],
    serviceExports: [],
    streamImports: [],
    serviceImports: [],
    limits: unlimited(),
    jetstreamLimits: null,
  };
  const a: AccountConfig = {
    ...base,
    name: "A",
    streamExports: [{
      subject: "a.>",
      accounts: ["B"],
      accountTokenPosition: 0,
      tokenRequired: false,
    }],
  };
  const b: AccountConfig = {
    ...base,
    name: "B",
    streamImports: [{ account: "A", subject: "a.x.y", to: "", prefix: "" }],
  };
  assert.deepEqual(linkAccounts([a, b]).errors, []);
  const wider: AccountConfig = {
    ...b,
    streamImports: [{ account: "A", subject: ">", to: "", prefix: "" }],
  };
  assert.deepEqual(linkAccounts([a, wider]).errors, [
    'Error adding stream import ">": stream import not authorized',
  ]);
});

Deno.test("users of an account are listed on it; malformed entries report nats-server texts", () => {
  const { accounts } = build({ A: {} }, [{ user: "u", password: "p", account: "A" }, {
    user: "g",
  }]);
  assert.deepEqual(accounts[0].users.map((u) => u.user), ["u"]);
  const bad = build({
    A: {
      exports: "nope",
      imports: [{ stream: "x" }, { service: { account: "B", subject: "s" }, bogus: 1 }],
      limits: { max_payload: "big" },
    },
  });
  assert.deepEqual(bad.errors, [
    "Exports should be an array, got string",
    "Stream entry should be an account map, got string",
    'unknown field "bogus"',
    "interface conversion: interface {} is string, not int64",
  ]);
});

Deno.test("subjectsCollide matches nats-server for literals and wildcards", () => {
  assert.equal(subjectsCollide("a.b", "a.b"), true);
  assert.equal(subjectsCollide("a.b", "a.c"), false);
  assert.equal(subjectsCollide("a.*", "a.b"), true);
  assert.equal(subjectsCollide("a.>", "*.b.c"), true);
  assert.equal(subjectsCollide("a.*", "a.*.c"), false);
  assert.equal(subjectsCollide("a.*.>", "b.>"), false);
});
