/**
 * @module
 * The file store's use of a stream's keys (store_cipher.ts): block files are XORed with their
 * block's keystream at the file offset of every byte range written or read (the in-memory
 * active tail stays plain: only the copy being written is encrypted); whole small files (block
 * summaries, consumer states) are sealed with the AEAD key (a fresh random nonce per write, so
 * rewriting them never reuses a keystream). Runs in the isolate that owns the stream.
 *
 * Block keystreams are keyed by block id in generation 0, as nats-server 2.9.10 keys a block by
 * its index only: a block rewritten in place (compaction, truncation, secure erase, a write
 * retried after a full disk) is encrypted again with the same keystream at the same offsets.
 */

import type { BlockKeystream, StreamKeys } from "./store_cipher.ts";

/** Encrypts or decrypts (the same XOR) `bytes`, which sit at `offset` in one block file. */
export type BlockXor = (bytes: Uint8Array, offset: number) => void;

/** The encryption of one file store. */
export class StoreCrypt {
  readonly keys: StreamKeys;
  #streams = new Map<number, BlockKeystream>();

  constructor(keys: StreamKeys) {
    this.keys = keys;
  }

  /** The XOR of block `id`'s keystream (cached per block). */
  block(id: number): BlockXor {
    return (bytes, offset) => {
      let ks = this.#streams.get(id);
      if (!ks) {
        if (this.#streams.size > 64) this.#streams.clear();
        ks = this.keys.block(id, 0);
        this.#streams.set(id, ks);
      }
      ks.xorAt(bytes, offset);
    };
  }

  /** A sealed copy of a small file's bytes. */
  seal(plain: Uint8Array): Uint8Array {
    return this.keys.seal(plain);
  }

  /** The plain bytes of a sealed file, or null when they do not open. */
  open(sealed: Uint8Array): Uint8Array | null {
    return this.keys.open(sealed);
  }
}

/** `bytes` XORed by `xor` at `offset` as a copy (the argument is left as it is). */
export function encryptedCopy(xor: BlockXor, bytes: Uint8Array, offset: number): Uint8Array {
  const copy = bytes.slice();
  xor(copy, offset);
  return copy;
}

/**
 * `content` as it is written at offset `at` of block `id`'s file: an encrypted copy with `crypt`,
 * else itself.
 */
export function diskBytes(
  crypt: StoreCrypt | null,
  id: number,
  content: Uint8Array,
  at = 0,
): Uint8Array {
  return crypt ? encryptedCopy(crypt.block(id), content, at) : content;
}
