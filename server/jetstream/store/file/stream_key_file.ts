/**
 * @module
 * A stream's `meta.key` (nats-server 2.9.10 filestore.go `genEncryptionKeys`, jetstream.go
 * `decryptMeta`): the stream's random seed sealed with its key-encryption key, HMAC-SHA256 of the
 * configured `jetstream { key }` over the account and stream name (store_cipher.ts). Written when
 * a file stream is created with encryption on (or when a stream saved in clear is first opened
 * with a key: store_convert.ts); opened when the stream is recovered. The errors are
 * nats-server's warnings (`Error decrypting our stream metafile: <err>`). IO shell: synchronous
 * file calls.
 */

import type * as Cipher from "./store_cipher.ts";
import type { StoreCipherName, StreamKeys } from "./store_cipher.ts";
import { writeFileAtomic } from "./file_block.ts";

let cipher: typeof Cipher | null = null;

/**
 * Loads the ciphers (they pull in `node:crypto`, about 25 ms and 3 MB at start-up): JetStream
 * awaits it before it starts when a `key` is configured (jetstream_loader.ts); tests call it.
 */
export async function loadStoreCipher(): Promise<void> {
  cipher ??= await import("./store_cipher.ts");
}

function ciphers(): typeof Cipher {
  if (cipher === null) throw new Error("store encryption not loaded: await loadStoreCipher()");
  return cipher;
}

/** nats-server's file name. */
export const META_KEY_FILE = "meta.key";

/** The `jetstream { key, cipher }` options. */
export interface StoreEncryption {
  readonly key: string;
  readonly cipher: StoreCipherName;
}

/**
 * The context of a stream's key-encryption key: its account and name (a stream name holds no
 * `/`, so the pair is unambiguous).
 */
export function streamKeyContext(account: string, stream: string): string {
  return `${account}/${stream}`;
}

/** New keys for stream `stream` of `account`, their sealed seed saved as `<dir>/meta.key`. */
export function createStreamKeys(
  dir: string,
  enc: StoreEncryption,
  account: string,
  stream: string,
): StreamKeys {
  Deno.mkdirSync(dir, { recursive: true, mode: 0o750 });
  const kek = ciphers().keyEncryptionKey(enc.key, streamKeyContext(account, stream));
  const { keys, sealed } = ciphers().StreamKeys.create(enc.cipher, kek);
  writeFileAtomic(`${dir}/${META_KEY_FILE}`, sealed);
  return keys;
}

/** What {@link openStreamKeys} found. */
export type OpenedKeys =
  /** `keys` null: the stream is saved in clear. `other`: sealed with the other cipher. */
  | { keys: StreamKeys | null; other?: StoreCipherName }
  /** nats-server's recovery warning (jetstream.go enableJetStreamAccounts). */
  | { warning: string };

const OTHER: Record<StoreCipherName, StoreCipherName> = { chacha: "aes", aes: "chacha" };
/** Go's AEAD Open error of each cipher. */
export const AUTH_FAILED: Record<StoreCipherName, string> = {
  chacha: "chacha20poly1305: message authentication failed",
  aes: "cipher: message authentication failed",
};
/** The size of our sealed seed: nonce, seed, tag (nats-server's is 72, its minimum 64). */
const META_KEY_SIZE = 12 + 32 + 16;
const decryptError = (err: string) => ({
  warning: `  Error decrypting our stream metafile: ${err}`,
});

/**
 * The keys of the stream saved in `dir` with `enc` (null: no key configured). Like nats-server,
 * a key sealed with the other cipher is tried too (`other` says so); a stream saved with a key
 * and opened without one, or with a key that does not open it, is an error.
 */
export function openStreamKeys(
  dir: string,
  enc: StoreEncryption | null,
  account: string,
  stream: string,
): OpenedKeys {
  let sealed: Uint8Array;
  try {
    sealed = Deno.readFileSync(`${dir}/${META_KEY_FILE}`);
  } catch {
    return { keys: null };
  }
  if (sealed.length < META_KEY_SIZE) {
    return { warning: `  Bad stream encryption key length of ${sealed.length}` };
  }
  if (enc === null) return decryptError("encryption not enabled");
  const kek = ciphers().keyEncryptionKey(enc.key, streamKeyContext(account, stream));
  const keys = ciphers().StreamKeys.open(enc.cipher, kek, sealed);
  if (keys !== null) return { keys };
  const other = OTHER[enc.cipher];
  const old = ciphers().StreamKeys.open(other, kek, sealed);
  if (old !== null) return { keys: old, other };
  return decryptError(AUTH_FAILED[other]);
}
