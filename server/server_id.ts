/**
 * @module
 * Server identity: a 56-character nkey-style public key (`N...`), as nats-server uses for
 * `server_id`. Encoding: base32 (RFC 4648, no padding) of prefix byte, 32 key bytes and a
 * CRC-16/XMODEM checksum (little endian). Pure; randomness comes from WebCrypto.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** nkeys prefix byte for servers: 'N' is index 13 in the alphabet, shifted left by 3. */
const PREFIX_SERVER = 13 << 3;

function crc16(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) {
    crc ^= data[i] << 8;
    for (let b = 0; b < 8; b++) {
      crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

function base32(data: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (let i = 0; i < data.length; i++) {
    value = (value << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Encodes 32 key bytes as a server public nkey string. */
export function encodeServerKey(key: Uint8Array): string {
  const raw = new Uint8Array(35);
  raw[0] = PREFIX_SERVER;
  raw.set(key.subarray(0, 32), 1);
  const crc = crc16(raw.subarray(0, 33));
  raw[33] = crc & 0xff;
  raw[34] = crc >> 8;
  return base32(raw);
}

/** A fresh random server id. */
export function newServerId(): string {
  return encodeServerKey(crypto.getRandomValues(new Uint8Array(32)));
}

/** A random nonce like nats-server's (base64url of 11 random bytes). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(11));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
