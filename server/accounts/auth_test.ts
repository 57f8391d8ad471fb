/**
 * @module
 * Unit tests for the Authenticator outside operator mode: NKey users, password users bound
 * to accounts, `no_auth_user`, connection types and per-account limits.
 */
import assert from "node:assert/strict";
import { defaultOptions, type ServerOptions } from "../options.ts";
import { createUser, signNonce } from "./_test_keys.ts";
import { Authenticator } from "./auth.ts";

const NONCE = "0123456789abcde";

function opts(extra: Partial<ServerOptions>): ServerOptions {
  return { ...defaultOptions(), ...extra };
}

Deno.test("NKey users require auth and a nonce; a signed nonce binds the user to its account", () => {
  const kp = createUser();
  const auth = new Authenticator(opts({
    users: [{ nkey: kp.getPublicKey(), account: "A", permissions: { publish: { deny: ["x"] } } }],
    accounts: { A: { limits: { max_subs: 3 } } },
  }));
  assert.equal(auth.required, true);
  assert.equal(auth.needsNonce, true);
  const result = auth.authenticate({ nkey: kp.getPublicKey(), sig: signNonce(kp, NONCE) }, NONCE);
  assert.ok(result);
  assert.equal(result.account, "A");
  assert.equal(result.nkey, kp.getPublicKey());
  assert.deepEqual(result.permissions, { publish: { deny: ["x"] } });
  assert.deepEqual(result.limits, { maxPayload: 1024 * 1024, maxSubscriptions: 3 });
  assert.equal(result.accountLimits?.maxSubscriptions, 3);
});

Deno.test("an unknown NKey, a missing signature or a signature over another nonce is refused", () => {
  const kp = createUser();
  const auth = new Authenticator(opts({ users: [{ nkey: kp.getPublicKey() }] }));
  const other = createUser();
  assert.equal(
    auth.authenticate({ nkey: other.getPublicKey(), sig: signNonce(other, NONCE) }, NONCE),
    null,
  );
  assert.equal(auth.authenticate({ nkey: kp.getPublicKey() }, NONCE), null);
  assert.equal(
    auth.authenticate({ nkey: kp.getPublicKey(), sig: signNonce(kp, "x") }, NONCE),
    null,
  );
  assert.equal(auth.authenticate({ user: "a", pass: "b" }, NONCE), null);
});

Deno.test("NKey and password users coexist; each logs in its own way", () => {
  const kp = createUser();
  const auth = new Authenticator(opts({
    users: [{ nkey: kp.getPublicKey() }, { user: "bob", password: "pw", account: "B" }],
    accounts: { B: {} },
  }));
  assert.ok(auth.authenticate({ nkey: kp.getPublicKey(), sig: signNonce(kp, NONCE) }, NONCE));
  assert.equal(auth.authenticate({ user: "bob", pass: "pw" })?.account, "B");
  assert.equal(auth.authenticate({ user: "bob", pass: "no" }), null);
});

Deno.test("no_auth_user stands in only when no user, password or token is given", () => {
  const auth = new Authenticator(opts({
    users: [{ user: "guest", password: "g", account: "G" }, { user: "bob", password: "pw" }],
    accounts: { G: {} },
    noAuthUser: "guest",
  }));
  assert.equal(auth.authenticate({})?.account, "G");
  assert.equal(auth.authenticate({ user: "bob", pass: "pw" })?.user?.user, "bob");
  assert.equal(auth.authenticate({ pass: "pw" }), null);
});

Deno.test("allowed connection types restrict password and NKey users", () => {
  const kp = createUser();
  const auth = new Authenticator(opts({
    users: [
      { user: "ws", password: "pw", allowedConnectionTypes: ["WEBSOCKET"] },
      { nkey: kp.getPublicKey(), allowedConnectionTypes: ["MQTT"] },
    ],
  }));
  assert.equal(auth.authenticate({ user: "ws", pass: "pw" }), null);
  assert.ok(
    auth.authenticate({ user: "ws", pass: "pw" }, undefined, { type: "WEBSOCKET", host: "" }),
  );
  const creds = { nkey: kp.getPublicKey(), sig: signNonce(kp, NONCE) };
  assert.equal(auth.authenticate(creds, NONCE), null);
  assert.ok(auth.authenticate(creds, NONCE, { type: "MQTT", host: "" }));
});

Deno.test("without auth configured anyone connects with the default permissions", () => {
  const auth = new Authenticator(opts({ defaultPermissions: { subscribe: { deny: ["x"] } } }));
  assert.equal(auth.required, false);
  assert.equal(auth.needsNonce, false);
  assert.deepEqual(auth.authenticate({ user: "any" })?.permissions, { subscribe: { deny: ["x"] } });
});

Deno.test("check() says why a login failed; accounts and config errors are exposed", () => {
  const auth = new Authenticator(opts({
    users: [{ user: "a", password: "b", account: "A" }],
    accounts: { A: { imports: [{ stream: { account: "Z", subject: "x" } }] } },
  }));
  const outcome = auth.check({ user: "a", pass: "c" });
  assert.equal(outcome.ok, false);
  assert.deepEqual([...auth.accounts.keys()], ["A"]);
  assert.deepEqual(auth.configErrors, ['"Z" account not defined for stream import']);
});
