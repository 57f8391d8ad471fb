/**
 * @module
 * Unit tests for NKey decoding, base64 as Go decodes it, and nonce signature checks, with keys
 * and signatures made by `@nats-io/nkeys`.
 */
import assert from "node:assert/strict";
import {
  b64std,
  b64url,
  createAccount,
  createOperator,
  createUser,
  signNonce,
} from "./_test_keys.ts";
import {
  Base64Error,
  decodeBase64,
  decodePublicKey,
  decodeSignature,
  isPublicKey,
  NKeyPrefix,
  verifyNonceSignature,
  verifySignature,
} from "./nkey.ts";

Deno.test("a user public key from @nats-io/nkeys decodes to its 32 raw bytes and role", () => {
  const kp = createUser();
  const decoded = decodePublicKey(kp.getPublicKey());
  assert.ok(decoded);
  assert.deepEqual(decoded.prefix, NKeyPrefix.user);
  assert.deepEqual(decoded.raw.length, 32);
  assert.ok(isPublicKey(kp.getPublicKey(), NKeyPrefix.user));
  assert.ok(!isPublicKey(kp.getPublicKey(), NKeyPrefix.account));
  assert.ok(isPublicKey(createAccount().getPublicKey(), NKeyPrefix.account));
  assert.ok(isPublicKey(createOperator().getPublicKey(), NKeyPrefix.operator));
});

Deno.test("public keys with a bad checksum, length, alphabet or a seed are rejected", () => {
  const key = createUser().getPublicKey();
  const flipped = key.slice(0, 10) + (key[10] === "A" ? "B" : "A") + key.slice(11);
  assert.deepEqual(decodePublicKey(flipped), null);
  assert.deepEqual(decodePublicKey(key.slice(0, 55)), null);
  assert.deepEqual(decodePublicKey(key.toLowerCase()), null);
  assert.deepEqual(decodePublicKey(key.slice(0, 55) + "1"), null);
  const seed = new TextDecoder().decode(createUser().getSeed());
  assert.deepEqual(decodePublicKey(seed), null);
  assert.deepEqual(decodePublicKey(key, NKeyPrefix.operator), null);
});

Deno.test("decodeBase64 follows Go: raw URL has no padding, std requires it, CR/LF skipped", () => {
  assert.deepEqual([...decodeBase64("aGk", "url")], [104, 105]);
  assert.deepEqual([...decodeBase64("aGk=", "std")], [104, 105]);
  assert.deepEqual([...decodeBase64("aG\r\nk", "url")], [104, 105]);
  assert.throws(() => decodeBase64("aGk=", "url"), {
    name: "Base64Error",
    message: /illegal\ base64\ data\ at\ input\ byte\ 3/,
  });
  assert.throws(() => decodeBase64("aGk", "std"), Base64Error);
  assert.throws(() => decodeBase64("a+/b", "url"), {
    name: "Base64Error",
    message: /input\ byte\ 1/,
  });
  assert.throws(() => decodeBase64("a-_b", "std"), Base64Error);
  assert.throws(() => decodeBase64("a", "url"), Base64Error);
  assert.throws(() => decodeBase64("aGk==", "std"), Base64Error);
});

Deno.test("a nonce signed by the user's seed verifies, in base64url and in padded std base64", () => {
  const kp = createUser();
  const nonce = "Xy_12345abcdEFG";
  const sig = kp.sign(new TextEncoder().encode(nonce));
  assert.ok(verifyNonceSignature(kp.getPublicKey(), nonce, signNonce(kp, nonce)));
  assert.ok(verifyNonceSignature(kp.getPublicKey(), nonce, b64std(sig)));
  assert.deepEqual(decodeSignature(b64url(sig))?.length, 64);
});

Deno.test("a signature by another key, over another nonce, or malformed does not verify", () => {
  const kp = createUser();
  const other = createUser();
  const nonce = "nonce-one";
  assert.ok(!verifyNonceSignature(kp.getPublicKey(), nonce, signNonce(other, nonce)));
  assert.ok(!verifyNonceSignature(kp.getPublicKey(), nonce, signNonce(kp, "nonce-two")));
  assert.ok(!verifyNonceSignature(kp.getPublicKey(), nonce, "not*base64"));
  assert.ok(!verifyNonceSignature(kp.getPublicKey(), nonce, b64url(new Uint8Array(63))));
  assert.ok(!verifyNonceSignature("UBAD", nonce, signNonce(kp, nonce)));
  assert.ok(!verifySignature(kp.getPublicKey(), new Uint8Array(0), new Uint8Array(64)));
});

Deno.test("a seed signs what its public key verifies (leafnode credentials)", async () => {
  const { createUser } = await import("./_test_keys.ts");
  const { signWithSeed, verifyNonceSignature } = await import("./nkey.ts");
  const kp = createUser();
  const seed = new TextDecoder().decode(kp.getSeed());
  const sig = signWithSeed(seed, new TextEncoder().encode("the nonce"));
  if (sig === null) throw new Error("seed rejected");
  if (!verifyNonceSignature(kp.getPublicKey(), "the nonce", sig)) throw new Error("bad signature");
  if (verifyNonceSignature(kp.getPublicKey(), "another nonce", sig)) throw new Error("too lax");
  // Flip a character inside the key bytes: the last base32 character also carries padding bits
  // a decoder ignores, so changing it does not always change the checksum.
  const flipped = seed.slice(0, 10) + (seed[10] === "A" ? "B" : "A") + seed.slice(11);
  if (signWithSeed(flipped, new Uint8Array(1))) {
    throw new Error("a bad checksum must be refused");
  }
});
