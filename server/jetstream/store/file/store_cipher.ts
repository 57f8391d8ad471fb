/**
 * @module
 * Encryption at rest of a file stream (the `jetstream { key, cipher }` options), after the
 * scheme of nats-server 2.9.10 filestore.go (`jsKeyGen`, `genEncryptionKeys`,
 * `genBlockEncryptionKey`); the bytes on disk are denats' own:
 *
 * - a key-encryption key per stream: HMAC-SHA256 of the configured `key` over a context (the
 *   account and stream name), never stored;
 * - a random 32-byte stream seed, stored sealed by that key (`meta.key`: AEAD with a random
 *   nonce), so a wrong `key` is detected when the stream is opened;
 * - small files (stream config, consumer state, block summaries) sealed with an AEAD key made
 *   from the seed: ChaCha20-Poly1305 or AES-256-GCM, nonce || ciphertext || tag;
 * - message blocks XORed with a keystream (ChaCha20 or AES-256-CTR, nats-server's block cipher
 *   choice) keyed per block and per generation of the block (a rewritten block gets a new
 *   generation, so no keystream is used twice for different bytes); any byte range can be read
 *   or written at its file offset, which keeps appends and random reads as they are.
 *
 * Uses `node:crypto` (synchronous ciphers); loaded only for an encrypted store.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";

/** The `cipher` option. */
export type StoreCipherName = "chacha" | "aes";

const SEED_LEN = 32;
const NONCE_LEN = 12;
const TAG_LEN = 16;

/** An AEAD cipher object (the typings split them by algorithm name). */
function aead(c: StoreCipherName, key: Uint8Array, nonce: Uint8Array) {
  const o = { authTagLength: TAG_LEN };
  return c === "chacha"
    ? createCipheriv("chacha20-poly1305", key, nonce, o)
    : createCipheriv("aes-256-gcm", key, nonce, o);
}

function unaead(c: StoreCipherName, key: Uint8Array, nonce: Uint8Array) {
  const o = { authTagLength: TAG_LEN };
  return c === "chacha"
    ? createDecipheriv("chacha20-poly1305", key, nonce, o)
    : createDecipheriv("aes-256-gcm", key, nonce, o);
}

function hmac(key: Uint8Array | string, ...parts: (string | Uint8Array)[]): Uint8Array {
  const h = createHmac("sha256", key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** `nonce || ciphertext || tag` of `plain` under `key`. */
function seal(c: StoreCipherName, key: Uint8Array, plain: Uint8Array): Uint8Array {
  const nonce = new Uint8Array(randomBytes(NONCE_LEN));
  const enc = aead(c, key, nonce);
  const body = enc.update(plain);
  const tail = enc.final();
  const tag = enc.getAuthTag();
  const out = new Uint8Array(NONCE_LEN + body.length + tail.length + TAG_LEN);
  out.set(nonce, 0);
  out.set(body, NONCE_LEN);
  out.set(tail, NONCE_LEN + body.length);
  out.set(tag, out.length - TAG_LEN);
  return out;
}

/** The plain bytes of a {@link seal}ed buffer, or null when it does not authenticate. */
function open(c: StoreCipherName, key: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < NONCE_LEN + TAG_LEN) return null;
  try {
    const dec = unaead(c, key, sealed.subarray(0, NONCE_LEN));
    dec.setAuthTag(sealed.subarray(sealed.length - TAG_LEN));
    const body = dec.update(sealed.subarray(NONCE_LEN, sealed.length - TAG_LEN));
    const tail = dec.final();
    const out = new Uint8Array(body.length + tail.length);
    out.set(body, 0);
    out.set(tail, body.length);
    return out;
  } catch {
    return null;
  }
}

/**
 * The key-encryption key of one stream: HMAC-SHA256(`key`, context) (nats-server jsKeyGen).
 */
export function keyEncryptionKey(key: string, context: string): Uint8Array {
  return hmac(key, context);
}

/** XORs a keystream into byte ranges of one block file at their file offsets. */
export class BlockKeystream {
  readonly #cipher: StoreCipherName;
  readonly #key: Uint8Array;

  constructor(cipher: StoreCipherName, key: Uint8Array) {
    this.#cipher = cipher;
    this.#key = key;
  }

  /** Encrypts or decrypts (the same operation) `bytes`, which sit at `offset` in the file. */
  xorAt(bytes: Uint8Array, offset: number): void {
    if (bytes.length === 0) return;
    // ChaCha20 counts 64-byte blocks (4-byte little-endian counter, then a 12-byte nonce);
    // AES-CTR 16-byte blocks (a 16-byte big-endian counter).
    const unit = this.#cipher === "chacha" ? 64 : 16;
    const counter = Math.floor(offset / unit);
    const skip = offset - counter * unit;
    // A block file never nears ChaCha20's 256 GiB of keystream; refuse rather than wrap.
    if (this.#cipher === "chacha" && counter >= 2 ** 32) {
      throw new RangeError(`offset ${offset} is past the block keystream`);
    }
    const iv = new Uint8Array(16);
    const view = new DataView(iv.buffer);
    if (this.#cipher === "chacha") view.setUint32(0, counter, true);
    else {
      view.setUint32(8, Math.floor(counter / 2 ** 32));
      view.setUint32(12, counter >>> 0);
    }
    const c = createCipheriv(this.#cipher === "chacha" ? "chacha20" : "aes-256-ctr", this.#key, iv);
    if (skip > 0) c.update(new Uint8Array(skip));
    const out = c.update(bytes);
    bytes.set(out);
  }
}

/** The keys of one encrypted stream (see the module doc). */
export class StreamKeys {
  readonly cipher: StoreCipherName;
  readonly #seed: Uint8Array;
  readonly #aek: Uint8Array;

  private constructor(cipher: StoreCipherName, seed: Uint8Array) {
    this.cipher = cipher;
    this.#seed = seed;
    this.#aek = hmac(seed, "aek");
  }

  /** New random keys and their sealed form for `meta.key`. */
  static create(
    cipher: StoreCipherName,
    kek: Uint8Array,
  ): { keys: StreamKeys; sealed: Uint8Array } {
    const seed = new Uint8Array(randomBytes(SEED_LEN));
    return { keys: new StreamKeys(cipher, seed), sealed: seal(cipher, kek, seed) };
  }

  /** The keys sealed in `meta.key`, or null when `kek` (the configured key) does not open them. */
  static open(cipher: StoreCipherName, kek: Uint8Array, sealed: Uint8Array): StreamKeys | null {
    const seed = open(cipher, kek, sealed);
    return seed === null || seed.length !== SEED_LEN ? null : new StreamKeys(cipher, seed);
  }

  /** Seals a small file's bytes. */
  seal(plain: Uint8Array): Uint8Array {
    return seal(this.cipher, this.#aek, plain);
  }

  /** Opens sealed bytes, or null when they are not ours or were changed. */
  open(sealed: Uint8Array): Uint8Array | null {
    return open(this.cipher, this.#aek, sealed);
  }

  /** The keystream of block `id` in its `generation` (bumped when the block is rewritten). */
  block(id: number, generation: number | string = 0): BlockKeystream {
    return new BlockKeystream(this.cipher, hmac(this.#seed, `blk:${id}:${generation}`));
  }

  /** True when `other` holds the same seed (tests). */
  sameAs(other: StreamKeys): boolean {
    return timingSafeEqual(this.#seed, other.#seed);
  }
}
