/**
 * @module
 * NKey users end to end, against denats and (when installed) nats-server with the same
 * config: real clients (`nkeyAuthenticator`) and raw CONNECTs signing the INFO nonce.
 */
import assert from "node:assert/strict";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { createUser, type KeyPair, signNonce } from "../../server/accounts/_test_keys.ts";
import { b64std } from "../../server/accounts/_test_keys.ts";
import { RawClient } from "../helpers/raw_client.ts";
import { pub } from "../helpers/frames.ts";
import { confTargets, ignoreConnectionResets } from "./_servers.ts";

ignoreConnectionResets();

const alice = createUser();
const bob = createUser();
const CONF = `authorization {
  users: [
    { nkey: ${alice.getPublicKey()} }
    { nkey: ${bob.getPublicKey()}, permissions: { publish: { deny: "secret.>" } } }
  ]
}
`;

function seed(kp: KeyPair): Uint8Array {
  return kp.getSeed();
}

for (const target of confTargets()) {
  Deno.test(`${target.name}: an NKey user connects with nkeyAuthenticator and exchanges messages`, async () => {
    await using t = await target.start(CONF);
    const nc = await connect({ servers: t.url, authenticator: nkeyAuthenticator(seed(alice)) });
    try {
      const sub = nc.subscribe("greet", { max: 1 });
      nc.publish("greet", "hello");
      for await (const m of sub) assert.equal(m.string(), "hello");
    } finally {
      await nc.close();
    }
  });

  Deno.test(`${target.name}: a seed that is not a configured NKey user is refused`, async () => {
    await using t = await target.start(CONF);
    await assert.rejects(
      connect({
        servers: t.url,
        authenticator: nkeyAuthenticator(seed(createUser())),
        reconnect: false,
      }),
      /Authorization Violation/i,
    );
  });

  Deno.test(`${target.name}: INFO carries a 15-character nonce; std base64 signatures are accepted`, async () => {
    await using t = await target.start(CONF);
    await using c = await RawClient.dial(t);
    const info = await c.readInfo();
    assert.equal(info.auth_required, true);
    assert.match(String(info.nonce), /^[A-Za-z0-9_-]{15}$/);
    const sig = b64std(alice.sign(new TextEncoder().encode(String(info.nonce))));
    await c.connect({ nkey: alice.getPublicKey(), sig });
    assert.equal(await c.flush(), "");
  });

  Deno.test(`${target.name}: a missing or wrong nonce signature closes with Authorization Violation`, async () => {
    await using t = await target.start(CONF);
    for (const sig of [undefined, "bad-signature", signNonce(alice, "some-other-nonce")]) {
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.connect({ nkey: alice.getPublicKey(), ...(sig ? { sig } : {}) });
      assert.equal(await c.expectClosed(), "-ERR 'Authorization Violation'\r\n");
    }
  });

  Deno.test(`${target.name}: an NKey user's permissions apply`, async () => {
    await using t = await target.start(CONF);
    await using c = await RawClient.dial(t);
    const info = await c.readInfo();
    await c.connect({ nkey: bob.getPublicKey(), sig: signNonce(bob, String(info.nonce)) });
    await c.send(pub("secret.plans", "x"));
    await c.expect(/-ERR 'Permissions Violation for Publish to "secret\.plans"'\r\n/);
  });

  Deno.test(`${target.name}: without NKey users INFO has no nonce`, async () => {
    await using t = await target.start("authorization { user: a, password: b }\n");
    await using c = await RawClient.dial(t);
    const info = await c.readInfo();
    assert.equal(info.nonce, undefined);
  });
}
