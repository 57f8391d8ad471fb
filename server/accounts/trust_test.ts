/**
 * @module
 * Unit tests for operator-mode trust: trusted keys, operator validation errors by phase,
 * preload warnings and the JWT account model.
 */
import assert from "node:assert/strict";
import { defaultOptions, type ServerOptions } from "../options.ts";
import { createAccount, createOperator, makeAccount, makeOperator, now } from "./_test_keys.ts";
import { Trust } from "./trust.ts";

function trust(extra: Partial<ServerOptions>): Trust {
  return new Trust({ ...defaultOptions(), ...extra });
}

Deno.test("without operators or trusted keys the server is not in operator mode", () => {
  const t = trust({});
  assert.equal(t.enabled, false);
  assert.deepEqual(t.errors, []);
});

Deno.test("trusted keys alone enable operator mode; invalid ones are an error", () => {
  const op = createOperator();
  assert.deepEqual(trust({ trustedKeys: [op.getPublicKey()] }).trustedKeys, [op.getPublicKey()]);
  const bad = trust({ trustedKeys: [createAccount().getPublicKey()] });
  assert.match(bad.errors[0], /are required to be a valid public operator nkey/);
});

Deno.test("the operator's key and signing keys are trusted, and it names the system account", async () => {
  const sk = createOperator();
  const sys = await makeAccount(createOperator());
  const op = await makeOperator({ signing_keys: [sk.getPublicKey()], system_account: sys.pub });
  const t = trust({ operator: [op.jwt], resolver: "MEMORY" });
  assert.deepEqual(t.trustedKeys, [op.pub, sk.getPublicKey()]);
  assert.equal(t.systemAccount, sys.pub);
  // The system account is not preloaded: nats-server cannot resolve it at startup.
  assert.deepEqual(t.errors, ["error resolving system account: account missing"]);
});

Deno.test("a config system account different from the operator's is an error", async () => {
  const op = await makeOperator({ system_account: createAccount().getPublicKey() });
  const t = trust({
    operator: [op.jwt],
    resolver: "MEMORY",
    systemAccount: createAccount().getPublicKey(),
  });
  assert.deepEqual(t.errors, ["system_account in config and operator JWT must be identical"]);
});

Deno.test("an operator asserting a newer server version is refused", async () => {
  const op = await makeOperator({ assert_server_version: "2.10.0" });
  const t = trust({ operator: [op.jwt], resolver: "MEMORY" });
  assert.deepEqual(t.errors, [
    `operator ${op.pub} expected minor version 10 > server minor version 9`,
  ]);
  const bad = await makeOperator({ assert_server_version: "2.x" });
  assert.match(trust({ operator: [bad.jwt], resolver: "MEMORY" }).errors[0], /got error instead/);
});

Deno.test("config errors come before validation errors, which come before startup errors", async () => {
  const op = await makeOperator();
  const t = trust({
    operator: [op.jwt],
    resolver: "MEMORY",
    accounts: { A: {} },
    resolverPreload: { [createAccount().getPublicKey()]: "not-a-jwt" },
  });
  assert.deepEqual(t.phaseErrors.validation, [
    "operators do not allow Accounts to be configured directly",
  ]);
  assert.deepEqual(t.errors, ["invalid account JWT"]);
});

Deno.test("preloaded accounts with validation issues are warned about at startup", async () => {
  const op = await makeOperator();
  const expired = await makeAccount(op.kp, {}, { exp: now() - 60 });
  const t = trust({
    operator: [op.jwt],
    resolver: "MEMORY",
    resolverPreload: { [expired.pub]: expired.jwt },
  });
  assert.deepEqual(t.errors, []);
  assert.deepEqual(t.warnings, [
    "Trusted Operators should utilize a System Account",
    `Account [${expired.pub}] has validation issues:`,
    "  - claim is expired",
  ]);
  assert.deepEqual(t.lookupAccount(expired.pub), { error: "account validation failed" });
});

Deno.test("a preload stored under another account's key fails lookup", async () => {
  const op = await makeOperator();
  const a = await makeAccount(op.kp);
  const other = createAccount().getPublicKey();
  const t = trust({ operator: [op.jwt], resolver: "MEMORY", resolverPreload: { [other]: a.jwt } });
  assert.deepEqual(t.lookupAccount(other), { error: "account validation failed" });
  assert.deepEqual(t.lookupAccount(a.pub), { error: "account missing" });
});

Deno.test("account JWT imports and exports become the typed account model", async () => {
  const op = await makeOperator();
  const exporter = createAccount().getPublicKey();
  const a = await makeAccount(op.kp, {
    exports: [
      { subject: "pub.>", type: "stream" },
      { subject: "svc.q", type: "service", response_type: "Stream", token_req: true },
    ],
    imports: [
      { subject: "x.>", account: exporter, type: "stream", to: "from-x" },
      { subject: "ask", account: exporter, type: "service", to: "svc.ask" },
      { subject: "svc.q", account: exporter, type: "service", local_subject: "q" },
    ],
  });
  const t = trust({ operator: [op.jwt], resolver: "MEMORY", resolverPreload: { [a.pub]: a.jwt } });
  const lookup = t.lookupAccount(a.pub);
  assert.ok("account" in lookup);
  const config = lookup.account.config;
  assert.deepEqual(config.streamExports, [
    { subject: "pub.>", accounts: null, accountTokenPosition: 0, tokenRequired: false },
  ]);
  assert.equal(config.serviceExports[0].responseType, "Streamed");
  assert.equal(config.serviceExports[0].tokenRequired, true);
  assert.deepEqual(config.streamImports, [
    { account: exporter, subject: "x.>", to: "", prefix: "from-x", token: undefined },
  ]);
  assert.deepEqual(config.serviceImports, [
    { account: exporter, subject: "svc.ask", to: "ask", share: false, token: undefined },
    { account: exporter, subject: "svc.q", to: "q", share: false, token: undefined },
  ]);
});
