/**
 * @module
 * NKey public keys and Ed25519 signatures, as nats-server checks them (server/auth.go nonce
 * verification, github.com/nats-io/nkeys `FromPublicKey` + `Verify`; behaviour only): base32
 * decoding with CRC16 and role prefix, base64 signature decoding (raw URL alphabet first, then
 * padded standard, as nats-server falls back), and Ed25519 verification. Verification is
 * synchronous (`node:crypto`, the same primitive WebCrypto exposes asynchronously) because
 * CONNECT is authenticated inside the parser callback. Runs where connections are owned.
 */
import type { KeyObject } from "node:crypto";

/** `node:crypto`, loaded only when nkeys or JWTs are configured (Node compat costs memory). */
let nodeCrypto: typeof import("node:crypto") | null = null;

/** Loads what signature checks need; call before verifying (see `prepareAuth`). */
export async function loadNkeySupport(): Promise<void> {
  nodeCrypto ??= await import("node:crypto");
}

function crypto(): typeof import("node:crypto") {
  if (nodeCrypto === null) throw new Error("nkey support is not loaded (await loadNkeySupport())");
  return nodeCrypto;
}
import { NKeyPrefix } from "../config/nkeys.ts";

export { NKeyPrefix };

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE32_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE32.length; i++) BASE32_INDEX[BASE32.charCodeAt(i)] = i;

/** Prefix bytes a public key may carry (nkeys `checkValidPublicPrefixByte`). */
const PUBLIC_PREFIXES: ReadonlySet<number> = new Set([
  NKeyPrefix.operator,
  NKeyPrefix.server,
  NKeyPrefix.cluster,
  NKeyPrefix.account,
  NKeyPrefix.user,
  23 << 3, // curve (X)
]);

/** Role names nats-server prints for prefixes (nkeys `PrefixByte.String`). */
export const PREFIX_NAMES: Readonly<Record<number, string>> = {
  [NKeyPrefix.operator]: "operator",
  [NKeyPrefix.server]: "server",
  [NKeyPrefix.cluster]: "cluster",
  [NKeyPrefix.account]: "account",
  [NKeyPrefix.user]: "user",
};

function base32Decode(text: string): Uint8Array | null {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? BASE32_INDEX[code] : -1;
    if (value < 0) return null;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (buffer >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i] << 8;
    for (let b = 0; b < 8; b++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** A decoded public NKey: its role prefix byte and the 32 raw Ed25519 key bytes. */
export interface PublicKey {
  prefix: number;
  raw: Uint8Array;
}

/**
 * Decodes a public NKey (56 base32 characters: prefix, 32 key bytes, CRC16). Returns null when
 * the text, checksum, length or prefix is not valid, or when `expected` is given and differs.
 *
 * @example
 * ```ts
 * import { decodePublicKey, NKeyPrefix } from "./nkey.ts";
 * decodePublicKey("UNOTAKEY", NKeyPrefix.user); // null
 * ```
 */
export function decodePublicKey(key: string, expected?: number): PublicKey | null {
  if (key.length !== 56) return null;
  const raw = base32Decode(key);
  if (raw === null || raw.length !== 35) return null;
  const body = raw.subarray(0, 33);
  const crc = raw[33] | (raw[34] << 8);
  if (crc16(body) !== crc) return null;
  const prefix = raw[0] & 0xf8;
  if (raw[0] !== prefix || !PUBLIC_PREFIXES.has(prefix)) return null;
  if (expected !== undefined && prefix !== expected) return null;
  return { prefix, raw: body.slice(1) };
}

/** True when `key` is a valid public NKey with the given role prefix (nkeys `IsValidPublic*Key`). */
export function isPublicKey(key: unknown, prefix: number): key is string {
  return typeof key === "string" && decodePublicKey(key, prefix) !== null;
}

const URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const STD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function alphabetIndex(alphabet: string): Int8Array {
  const index = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) index[alphabet.charCodeAt(i)] = i;
  return index;
}
const URL_INDEX = alphabetIndex(URL_ALPHABET);
const STD_INDEX = alphabetIndex(STD_ALPHABET);

/** Thrown by {@link decodeBase64} with Go's `illegal base64 data at input byte N` text. */
export class Base64Error extends Error {
  override name = "Base64Error";
  constructor(offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

/**
 * Decodes base64 the way Go's `encoding/base64` does: `url` = RawURLEncoding (no padding),
 * `std` = StdEncoding (padding required). CR and LF are skipped, as Go does.
 *
 * @example
 * ```ts
 * import { decodeBase64 } from "./nkey.ts";
 * decodeBase64("aGk", "url"); // Uint8Array [104, 105]
 * ```
 */
export function decodeBase64(text: string, kind: "url" | "std"): Uint8Array {
  const index = kind === "url" ? URL_INDEX : STD_INDEX;
  const out = new Uint8Array(Math.ceil((text.length * 3) / 4));
  let n = 0;
  let buffer = 0;
  let bits = 0;
  let quantum = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || code === 13) continue;
    if (code === 61 /* = */) break;
    const value = code < 128 ? index[code] : -1;
    if (value < 0) throw new Base64Error(i);
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    quantum = (quantum + 1) % 4;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (buffer >> bits) & 0xff;
    }
  }
  if (quantum === 1) throw new Base64Error(i);
  if (i < text.length) {
    // Padding: only in std, and exactly enough to complete the quantum.
    if (kind === "url" || quantum === 0) throw new Base64Error(i);
    let pads = 0;
    for (; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10 || code === 13) continue;
      if (code !== 61 || pads >= 4 - quantum) throw new Base64Error(i);
      pads++;
    }
    if (pads !== 4 - quantum) throw new Base64Error(text.length);
  } else if (kind === "std" && quantum !== 0) {
    throw new Base64Error(text.length);
  }
  return out.subarray(0, n);
}

/** Decodes a CONNECT `sig`: raw URL base64 first, then padded standard (nats-server auth.go). */
export function decodeSignature(sig: string): Uint8Array | null {
  try {
    return decodeBase64(sig, "url");
  } catch {
    try {
      return decodeBase64(sig, "std");
    } catch {
      return null;
    }
  }
}

/** DER SubjectPublicKeyInfo header for a raw Ed25519 key (RFC 8410). */
const SPKI_ED25519 = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
const KEY_CACHE_MAX = 4096;
const keyCache = new Map<string, KeyObject>();

function keyObject(key: string, raw: Uint8Array): KeyObject {
  let object = keyCache.get(key);
  if (object === undefined) {
    const der = new Uint8Array(SPKI_ED25519.length + 32);
    der.set(SPKI_ED25519);
    der.set(raw, SPKI_ED25519.length);
    object = crypto().createPublicKey({
      key: der as unknown as Buffer,
      format: "der",
      type: "spki",
    });
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(key, object);
  }
  return object;
}

/**
 * Verifies an Ed25519 signature made by the holder of public NKey `key` over `data`
 * (nkeys `kp.Verify`). False for an invalid key or a signature that is not 64 bytes.
 *
 * @example
 * ```ts
 * import { verifySignature } from "./nkey.ts";
 * verifySignature("UNOTAKEY", new Uint8Array(1), new Uint8Array(64)); // false
 * ```
 */
export function verifySignature(key: string, data: Uint8Array, sig: Uint8Array): boolean {
  const decoded = decodePublicKey(key);
  if (decoded === null || sig.length !== 64) return false;
  try {
    return crypto().verify(null, data, keyObject(key, decoded.raw), sig);
  } catch {
    return false;
  }
}

const encoder = new TextEncoder();

/**
 * Checks a CONNECT `sig` over this connection's INFO nonce with public NKey `key`.
 *
 * @example
 * ```ts
 * import { verifyNonceSignature } from "./nkey.ts";
 * verifyNonceSignature("UNOTAKEY", "nonce", "sig"); // false
 * ```
 */
export function verifyNonceSignature(key: string, nonce: string, sig: string): boolean {
  const bytes = decodeSignature(sig);
  return bytes !== null && verifySignature(key, encoder.encode(nonce), bytes);
}

/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_HEADER = new Uint8Array([
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
]);

/**
 * Signs `data` with an NKey seed (`S...`, 58 base32 characters: seed prefix, role, 32 bytes,
 * CRC16) and returns the raw-URL base64 signature nats-server expects in CONNECT `sig`, or null
 * when the seed is malformed (nkeys `FromSeed` + `Sign`).
 *
 * @example
 * ```ts
 * import { signWithSeed } from "./nkey.ts";
 * signWithSeed("SUNOTASEED", new Uint8Array(1)); // null
 * ```
 */
export function signWithSeed(seed: string, data: Uint8Array): string | null {
  if (seed.length !== 58) return null;
  const raw = base32Decode(seed);
  if (raw === null || raw.length !== 36) return null;
  const body = raw.subarray(0, 34);
  if (crc16(body) !== (raw[34] | (raw[35] << 8))) return null;
  if ((raw[0] & 0xf8) !== 18 << 3) return null; // seed prefix 'S'
  const der = new Uint8Array(ED25519_PKCS8_HEADER.length + 32);
  der.set(ED25519_PKCS8_HEADER);
  der.set(body.subarray(2), ED25519_PKCS8_HEADER.length);
  const c = crypto();
  const key = c.createPrivateKey({ key: der as unknown as Buffer, format: "der", type: "pkcs8" });
  const sig = new Uint8Array(c.sign(null, data, key));
  let bin = "";
  for (const b of sig) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
