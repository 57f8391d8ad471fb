/**
 * @module
 * Public NKey validation (base32 + CRC16 + role prefix), enough for the config checks
 * nats-server makes (`Not a valid public nkey for a user`, trusted operator keys).
 * Mirrors the rules of `github.com/nats-io/nkeys` (behaviour only). Pure; main isolate.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Role prefix bytes (first 5 bits of the decoded key). */
export const NKeyPrefix = {
  operator: 14 << 3,
  server: 13 << 3,
  cluster: 2 << 3,
  account: 0,
  user: 20 << 3,
} as const;

/** One of {@linkcode NKeyPrefix}. */
export type NKeyPrefix = typeof NKeyPrefix[keyof typeof NKeyPrefix];

function base32Decode(text: string): number[] | undefined {
  const clean = text.replace(/[\r\n]/g, "");
  if ([1, 3, 6].includes(clean.length % 8)) return undefined;
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) return undefined;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return out;
}

function crc16(bytes: number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/**
 * True when `key` is a valid public NKey with the given role prefix.
 *
 * @example
 * ```ts
 * import { isValidPublicKey, NKeyPrefix } from "./nkeys.ts";
 * isValidPublicKey("UNOTAKEY", NKeyPrefix.user); // false
 * ```
 */
export function isValidPublicKey(key: string, prefix: NKeyPrefix): boolean {
  const raw = base32Decode(key);
  if (!raw || raw.length < 4) return false;
  const body = raw.slice(0, raw.length - 2);
  const crc = raw[raw.length - 2] | (raw[raw.length - 1] << 8);
  if (crc16(body) !== crc) return false;
  return (raw[0] & 0xf8) === prefix;
}

/**
 * Encodes 32 raw key bytes as a public NKey with the given role prefix (used by tests and
 * tools that need well-formed keys).
 *
 * @example
 * ```ts
 * import { encodePublicKey, isValidPublicKey, NKeyPrefix } from "./nkeys.ts";
 * const key = encodePublicKey(NKeyPrefix.user, new Uint8Array(32));
 * isValidPublicKey(key, NKeyPrefix.user); // true
 * ```
 */
export function encodePublicKey(prefix: NKeyPrefix, keyBytes: Uint8Array): string {
  const raw = [prefix, ...keyBytes];
  const crc = crc16(raw);
  raw.push(crc & 0xff, crc >> 8);
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of raw) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
