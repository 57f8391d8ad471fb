/**
 * @module
 * The user JWT validation matrix, through `Authenticator.check` in operator mode with a memory
 * resolver: good, expired, not yet valid, wrong issuer, revoked, bad signature, signing keys,
 * scoped signing keys, bearer tokens, `src`, `times`, connection types and expiry times.
 */
import assert from "node:assert/strict";
import { defaultOptions, type ServerOptions } from "../options.ts";
import {
  createAccount,
  createOperator,
  type KeyPair,
  makeAccount,
  makeOperator,
  makeUser,
  now,
  signNonce,
} from "./_test_keys.ts";
import { Authenticator, type AuthOutcome, type ConnectionInfo } from "./auth.ts";

const NONCE = "abcdefghijklmno";

interface World {
  op: { kp: KeyPair; jwt: string; pub: string };
  acc: { kp: KeyPair; jwt: string; pub: string };
  opts: ServerOptions;
}

async function world(
  accountNats: Record<string, unknown> = {},
  accountOpts: { exp?: number; nbf?: number } = {},
  operatorNats: Record<string, unknown> = {},
): Promise<World> {
  const op = await makeOperator(operatorNats);
  const acc = await makeAccount(op.kp, accountNats, accountOpts);
  const opts: ServerOptions = {
    ...defaultOptions(),
    operator: [op.jwt],
    resolver: "MEMORY",
    resolverPreload: { [acc.pub]: acc.jwt },
  };
  return { op, acc, opts };
}

function login(
  opts: ServerOptions,
  user: { kp: KeyPair; jwt: string },
  extra: { sig?: string; nonce?: string; conn?: ConnectionInfo; clock?: () => number } = {},
): AuthOutcome {
  const auth = new Authenticator(opts, { now: extra.clock });
  assert.deepEqual(auth.configErrors, []);
  const nonce = extra.nonce ?? NONCE;
  return auth.check(
    { jwt: user.jwt, sig: extra.sig ?? signNonce(user.kp, nonce) },
    NONCE,
    extra.conn ?? { type: "STANDARD", host: "127.0.0.1" },
  );
}

function refused(outcome: AuthOutcome, reason: RegExp): void {
  assert.equal(outcome.ok, false, "expected a refusal");
  if (!outcome.ok) assert.match(outcome.reason, reason);
}

Deno.test("operator mode requires auth and a nonce, and a good user JWT binds to its account", async () => {
  const w = await world();
  const auth = new Authenticator(w.opts);
  assert.equal(auth.required, true);
  assert.equal(auth.needsNonce, true);
  const user = await makeUser(w.acc.kp, { pub: { allow: ["foo"] }, sub: { deny: ["bar"] } });
  const outcome = login(w.opts, user);
  assert.ok(outcome.ok);
  assert.equal(outcome.result.account, w.acc.pub);
  assert.equal(outcome.result.nkey, user.pub);
  assert.deepEqual(outcome.result.permissions, {
    publish: { allow: ["foo"] },
    subscribe: { deny: ["bar"] },
  });
  assert.equal(outcome.result.expiresAt, undefined);
  assert.deepEqual(outcome.result.limits, { maxPayload: 1024 * 1024, maxSubscriptions: -1 });
});

Deno.test("no JWT, a JWT without signature, or a nonce signed by another key is refused", async () => {
  const w = await world();
  const user = await makeUser(w.acc.kp);
  const auth = new Authenticator(w.opts);
  refused(auth.check({ user: "a", pass: "b" }, NONCE), /requires a user JWT/);
  refused(auth.check({ jwt: user.jwt }, NONCE), /Signature missing/);
  refused(login(w.opts, user, { nonce: "another-nonce!!" }), /Signature not verified/);
  const other = await makeUser(w.acc.kp);
  refused(login(w.opts, user, { sig: signNonce(other.kp, NONCE) }), /Signature not verified/);
  refused(auth.check({ jwt: user.jwt + "x", sig: signNonce(user.kp, NONCE) }, NONCE), /not valid/);
});

Deno.test("an expired or not yet valid user JWT is refused; exp equal to now is still valid", async () => {
  const w = await world();
  const t = now();
  refused(login(w.opts, await makeUser(w.acc.kp, {}, { exp: t - 5 })), /claim is expired/);
  refused(login(w.opts, await makeUser(w.acc.kp, {}, { nbf: t + 60 })), /not yet valid/);
  const edge = await makeUser(w.acc.kp, {}, { exp: t + 1 });
  const outcome = login(w.opts, edge, { clock: () => (t + 1) * 1000 + 300 });
  assert.ok(outcome.ok);
  assert.equal(outcome.result.expiresAt, (t + 1) * 1000 + 300);
});

Deno.test("expiresAt is when nats-server's auth timer fires: whole seconds to exp from now", async () => {
  const w = await world();
  const t = now();
  const user = await makeUser(w.acc.kp, {}, { exp: t + 10 });
  const nowMs = t * 1000 + 750;
  const outcome = login(w.opts, user, { clock: () => nowMs });
  assert.ok(outcome.ok);
  assert.equal(outcome.result.expiresAt, nowMs + 10_000);
});

Deno.test("an account signed by an unknown operator, or unknown to the resolver, is refused", async () => {
  const w = await world();
  const stranger = createOperator();
  const foreign = await makeAccount(stranger);
  const opts = {
    ...w.opts,
    resolverPreload: { ...w.opts.resolverPreload, [foreign.pub]: foreign.jwt },
  };
  refused(login(opts, await makeUser(foreign.kp)), /account validation failed/);
  refused(login(w.opts, await makeUser(createAccount())), /account missing/);
});

Deno.test("a user JWT signed by a key that is not the account's nor its signing key is refused", async () => {
  const w = await world();
  const rogue = createAccount();
  const user = await makeUser(w.acc.kp, {}, { signer: rogue });
  refused(login(w.opts, user), /issuer is not known/);
});

Deno.test("a user JWT signed by an account signing key is accepted", async () => {
  const sk = createAccount();
  const w = await world({ signing_keys: [sk.getPublicKey()] });
  const user = await makeUser(w.acc.kp, {}, { signer: sk });
  const outcome = login(w.opts, user);
  assert.ok(outcome.ok);
  assert.equal(outcome.result.account, w.acc.pub);
  assert.equal(outcome.result.signingKey, sk.getPublicKey());
});

Deno.test("an account signed by an operator signing key is trusted; strict mode drops the operator key", async () => {
  const osk = createOperator();
  const op = await makeOperator({ signing_keys: [osk.getPublicKey()] });
  const acc = await makeAccount(osk);
  const opts: ServerOptions = {
    ...defaultOptions(),
    operator: [op.jwt],
    resolver: "MEMORY",
    resolverPreload: { [acc.pub]: acc.jwt },
  };
  assert.ok(login(opts, await makeUser(acc.kp)).ok);
  const strict = await makeOperator({
    signing_keys: [osk.getPublicKey()],
    strict_signing_key_usage: true,
  });
  const direct = await makeAccount(strict.kp);
  const viaKey = await makeAccount(osk);
  const strictOpts: ServerOptions = {
    ...defaultOptions(),
    operator: [strict.jwt],
    resolver: "MEMORY",
    resolverPreload: { [direct.pub]: direct.jwt, [viaKey.pub]: viaKey.jwt },
  };
  refused(login(strictOpts, await makeUser(direct.kp)), /account validation failed/);
  // Strict: the account key itself may not sign users, only account signing keys.
  refused(login(strictOpts, await makeUser(viaKey.kp)), /issuer is not known/);
});

Deno.test("a scoped signing key applies its template; a scoped user with its own permissions is refused", async () => {
  const sk = createAccount();
  const scope = {
    kind: "user_scope",
    key: sk.getPublicKey(),
    role: "dev",
    template: {
      pub: { allow: ["{{name()}}.>", "{{tag(team)}}.in"] },
      sub: { allow: ["_INBOX.>"] },
      subs: 5,
      payload: 100,
      data: -1,
    },
  };
  const w = await world({ signing_keys: [scope], tags: ["x"] });
  const user = await makeUser(w.acc.kp, { tags: ["team:red", "team:blue"] }, {
    signer: sk,
    scoped: true,
    name: "alice",
  });
  const outcome = login(w.opts, user);
  assert.ok(outcome.ok, outcome.ok ? "" : outcome.reason);
  assert.deepEqual(outcome.result.permissions?.publish?.allow, ["alice.>", "red.in", "blue.in"]);
  assert.deepEqual(outcome.result.limits, { maxPayload: 100, maxSubscriptions: 5 });
  const unscoped = await makeUser(w.acc.kp, { pub: { allow: ["x"] } }, { signer: sk });
  refused(login(w.opts, unscoped), /scoped users require no permissions or limits set/);
});

Deno.test("revoking the user key, or all keys, at or after the JWT's iat refuses it", async () => {
  const op = await makeOperator();
  const accKp = createAccount();
  const user = await makeUser(accKp);
  const iat = JSON.parse(atob(user.jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).iat;
  for (const revocations of [{ [user.pub]: iat }, { "*": iat + 5 }]) {
    const acc = await makeAccount(op.kp, { revocations }, { kp: accKp });
    const opts: ServerOptions = {
      ...defaultOptions(),
      operator: [op.jwt],
      resolver: "MEMORY",
      resolverPreload: { [acc.pub]: acc.jwt },
    };
    refused(login(opts, user), /revoked/);
  }
  const older = await makeAccount(op.kp, { revocations: { [user.pub]: iat - 1 } }, { kp: accKp });
  const opts: ServerOptions = {
    ...defaultOptions(),
    operator: [op.jwt],
    resolver: "MEMORY",
    resolverPreload: { [older.pub]: older.jwt },
  };
  assert.ok(login(opts, user).ok);
});

Deno.test("bearer tokens skip the nonce signature unless the account disallows them", async () => {
  const w = await world();
  const bearer = await makeUser(w.acc.kp, { bearer_token: true });
  const auth = new Authenticator(w.opts);
  assert.ok(auth.check({ jwt: bearer.jwt }, NONCE).ok);
  const strict = await world({
    limits: { conn: -1, subs: -1, payload: -1, data: -1, disallow_bearer: true },
  });
  const b2 = await makeUser(strict.acc.kp, { bearer_token: true });
  refused(new Authenticator(strict.opts).check({ jwt: b2.jwt }, NONCE), /does not allow bearer/);
});

Deno.test("src CIDRs, connect times and connection types restrict where and when users connect", async () => {
  const w = await world();
  const local = await makeUser(w.acc.kp, { src: ["127.0.0.0/8"] });
  assert.ok(login(w.opts, local).ok);
  refused(
    login(w.opts, local, { conn: { type: "STANDARD", host: "10.1.1.1" } }),
    /Bad src Ip 10.1.1.1/,
  );
  const never = await makeUser(w.acc.kp, {
    times: [{ start: "00:00:00", end: "00:00:01" }],
    times_location: "UTC",
  });
  refused(login(w.opts, never, { clock: () => Date.UTC(2030, 0, 1, 12) }), /Outside connect times/);
  const office = await makeUser(w.acc.kp, {
    times: [{ start: "08:00:00", end: "17:00:00" }],
    times_location: "UTC",
  });
  const at = Date.UTC(2030, 0, 1, 16, 0, 0);
  const outcome = login(w.opts, office, { clock: () => at });
  assert.ok(outcome.ok);
  assert.equal(outcome.result.expiresAt, at + 3_600_000);
  const wsOnly = await makeUser(w.acc.kp, { allowed_connection_types: ["websocket"] });
  refused(login(w.opts, wsOnly), /Connection type not allowed/);
  assert.ok(login(w.opts, wsOnly, { conn: { type: "WEBSOCKET", host: "127.0.0.1" } }).ok);
  const unknown = await makeUser(w.acc.kp, { allowed_connection_types: ["CARRIER_PIGEON"] });
  refused(login(w.opts, unknown), /invalid connection types/);
});

Deno.test("an expired account JWT refuses its users; a live one reports when it expires", async () => {
  const t = now();
  const dead = await world({}, { exp: t - 10 });
  refused(login(dead.opts, await makeUser(dead.acc.kp)), /account validation failed/);
  const live = await world({}, { exp: t + 100 });
  const outcome = login(live.opts, await makeUser(live.acc.kp));
  assert.ok(outcome.ok);
  assert.equal(outcome.result.accountExpiresAt, (t + 100) * 1000);
});

Deno.test("user, account and server limits combine to the smallest; default permissions apply", async () => {
  const w = await world({
    limits: { conn: 3, subs: 10, payload: 2048, data: -1, imports: -1, exports: -1 },
    default_permissions: { pub: { deny: ["secret.>"] } },
  });
  const user = await makeUser(w.acc.kp, { subs: 20, payload: 4096 });
  const outcome = login({ ...w.opts, maxPayload: 1024 }, user);
  assert.ok(outcome.ok);
  assert.deepEqual(outcome.result.limits, { maxPayload: 1024, maxSubscriptions: 10 });
  assert.deepEqual(outcome.result.notes, [
    "Max Payload set to 1024 from server overrides account or user config",
  ]);
  assert.equal(outcome.result.accountLimits?.maxConnections, 3);
  assert.deepEqual(outcome.result.permissions, { publish: { deny: ["secret.>"] } });
});

Deno.test("resp permissions default to 1 message / 2 minutes and close the publish allow list", async () => {
  const w = await world();
  const user = await makeUser(w.acc.kp, { resp: { max: 0, ttl: 0 } });
  const outcome = login(w.opts, user);
  assert.ok(outcome.ok);
  assert.deepEqual(outcome.result.permissions, {
    publish: { allow: [] },
    response: { maxMsgs: 1, expiresMs: 120_000 },
  });
});

Deno.test("pinned accounts restrict which accounts' users may connect", async () => {
  const w = await world();
  const other = await makeAccount(w.op.kp);
  const opts: ServerOptions = {
    ...w.opts,
    resolverPreload: { ...w.opts.resolverPreload, [other.pub]: other.jwt },
    resolverPinnedAccounts: [w.acc.pub],
  };
  assert.ok(login(opts, await makeUser(w.acc.kp)).ok);
  refused(login(opts, await makeUser(other.kp)), /not listed as operator pinned account/);
});
