/**
 * @module
 * Test-only helpers: NKeys, signatures, operator/account/user JWTs and `.creds` made with the
 * reference JavaScript libraries (`@nats-io/nkeys`, `@nats-io/jwt`), plus a raw JWT signer for
 * claims those libraries will not produce. Used by unit tests here and by `tests/auth/`.
 */
import { createAccount, createOperator, createUser, fromSeed, type KeyPair } from "@nats-io/nkeys";
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from "@nats-io/jwt";
import { loadNkeySupport } from "./nkey.ts";

export { createAccount, createOperator, createUser, fromSeed };
export type { KeyPair };

const enc = new TextEncoder();

/** base64url without padding. */
export function b64url(bytes: Uint8Array | string): string {
  const raw = typeof bytes === "string" ? enc.encode(bytes) : bytes;
  let bin = "";
  for (const b of raw) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Standard padded base64. */
export function b64std(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Signs `nonce` with `kp` as a client does for CONNECT `sig` (base64url). */
export function signNonce(kp: KeyPair, nonce: string): string {
  return b64url(kp.sign(enc.encode(nonce)));
}

/** The seed of a key pair as text. */
export function seedOf(kp: KeyPair): string {
  return new TextDecoder().decode(kp.getSeed());
}

/** Unlimited NATS and account limits for account JWTs (the JS library sets none). */
export const UNLIMITED_ACCOUNT = {
  subs: -1,
  data: -1,
  payload: -1,
  imports: -1,
  exports: -1,
  wildcards: true,
  conn: -1,
  leaf: -1,
};

/** An operator key and its self-signed JWT. */
export async function makeOperator(
  nats: Record<string, unknown> = {},
): Promise<{ kp: KeyPair; jwt: string; pub: string }> {
  const kp = createOperator();
  return { kp, jwt: await encodeOperator("test-operator", kp, nats), pub: kp.getPublicKey() };
}

/** An account key and its JWT signed by `signer` (an operator or operator signing key). */
export async function makeAccount(
  signer: KeyPair,
  nats: Record<string, unknown> = {},
  opts: { exp?: number; nbf?: number; name?: string; kp?: KeyPair } = {},
): Promise<{ kp: KeyPair; jwt: string; pub: string }> {
  const kp = opts.kp ?? createAccount();
  const jwt = await encodeAccount(
    opts.name ?? "test-account",
    kp,
    { limits: UNLIMITED_ACCOUNT, ...nats },
    { signer, exp: opts.exp, nbf: opts.nbf },
  );
  return { kp, jwt, pub: kp.getPublicKey() };
}

/** A user key and its JWT issued by `account` (optionally signed by an account signing key). */
export async function makeUser(
  account: KeyPair,
  nats: Record<string, unknown> = {},
  opts: { exp?: number; nbf?: number; signer?: KeyPair; scoped?: boolean; name?: string } = {},
): Promise<{ kp: KeyPair; jwt: string; pub: string; creds: Uint8Array }> {
  const kp = createUser();
  const jwt = await encodeUser(opts.name ?? "test-user", kp, account, nats, {
    exp: opts.exp,
    nbf: opts.nbf,
    signer: opts.signer,
    scopedUser: opts.scoped,
  });
  return { kp, jwt, pub: kp.getPublicKey(), creds: fmtCreds(jwt, kp) };
}

/** Signs arbitrary claims as a v2 JWT with `kp` (the header may be overridden). */
export function signJwt(
  claims: Record<string, unknown>,
  kp: KeyPair,
  header: Record<string, unknown> = { typ: "JWT", alg: "ed25519-nkey" },
): string {
  const head = b64url(JSON.stringify(header));
  const body = b64url(JSON.stringify({ iss: kp.getPublicKey(), iat: now(), ...claims }));
  const sig = b64url(kp.sign(enc.encode(`${head}.${body}`)));
  return `${head}.${body}.${sig}`;
}

/** Current Unix time in seconds. */
export function now(): number {
  return Math.floor(Date.now() / 1000);
}

// Signature checks need node:crypto, which the server loads only when a config uses nkeys.
await loadNkeySupport();
