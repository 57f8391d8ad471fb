/**
 * @module
 * The file store's use of a stream's keys (store_cipher.ts): block files are XORed with their
 * block's keystream at the file offset of every byte range written or read (the in-memory
 * active tail stays plain: only the copy being written is encrypted); whole small files (block
 * summaries, consumer states) are sealed with the AEAD key (a fresh random nonce per write, so
 * rewriting them never reuses a keystream). Runs in the isolate that owns the stream.
 *
 * Keystream generations: a block's first record (its BASE) is encrypted with the keystream of
 * generation 0 of its id; the BASE's data carries, after the floor, a random 16-byte nonce drawn
 * each time the block is started or rewritten (compaction, truncation), and the rest of the
 * block is encrypted with the keystream of that generation. So a rewritten block, or a block id
 * used again, never reuses the keystream of its messages; only the small BASE record is encrypted
 * again with the same keystream (it holds sequence numbers, a time and the nonce). A BASE without
 * a nonce (a block written in clear, then encrypted in place) means generation 0 throughout.
 * Still the same keystream at the same offsets (as nats-server, which keys a block by its index
 * only): a secure erase (the record overwritten with its erased form) and a write retried after
 * a failed one (a full disk).
 */

import type { BlockKeystream, StreamKeys } from "./store_cipher.ts";
import { blockPath, readPrefix } from "./file_block.ts";
import { floorBytes, RecordKind, recordLength, RecordScanner } from "../record_codec.ts";

/** Encrypts or decrypts (the same XOR) `bytes`, which sit at `offset` in one block file. */
export type BlockXor = (bytes: Uint8Array, offset: number) => void;

/** Bytes of the generation nonce in a BASE record's data (after the 8-byte floor). */
const NONCE_LEN = 16;
/** Longest BASE record looked for (ours are 55 bytes). */
const MAX_BASE = 256;

/** The keystreams of one block: its BASE record's and the rest's. */
interface BlockStreams {
  baseLen: number;
  base: BlockKeystream;
  body: BlockKeystream;
}

/** The encryption of one file store. */
export class StoreCrypt {
  readonly keys: StreamKeys;
  readonly #blockDir: string;
  #blocks = new Map<number, BlockStreams>();

  /** The keys of the store whose blocks are in `blockDir`. */
  constructor(keys: StreamKeys, blockDir: string) {
    this.keys = keys;
    this.#blockDir = blockDir;
  }

  /** The data of a new BASE record: `floor` (8 bytes) and a fresh generation nonce. */
  baseData(floor: Uint8Array): Uint8Array {
    const out = new Uint8Array(floor.length + NONCE_LEN);
    out.set(floor);
    out.set(crypto.getRandomValues(new Uint8Array(NONCE_LEN)), floor.length);
    return out;
  }

  /**
   * Block `id` now starts with a BASE record of `length` bytes whose data is `data` (before
   * anything of the new content is encrypted).
   */
  noteBase(id: number, length: number, data: Uint8Array): void {
    this.#blocks.set(id, this.#streams(id, length, data));
  }

  /** Forgets what is known of block `id` (its file is gone or was replaced). */
  forget(id: number): void {
    this.#blocks.delete(id);
  }

  /** The XOR of block `id`'s keystreams. */
  block(id: number): BlockXor {
    return (bytes, offset) => {
      if (bytes.length === 0) return;
      const s = this.#blocks.get(id) ?? this.#learn(id, bytes, offset);
      const end = offset + bytes.length;
      if (offset < s.baseLen) {
        s.base.xorAt(bytes.subarray(0, Math.min(end, s.baseLen) - offset), offset);
      }
      if (end > s.baseLen) {
        const from = Math.max(offset, s.baseLen);
        s.body.xorAt(bytes.subarray(from - offset), from);
      }
    };
  }

  /** Block `id`'s keystreams from its encrypted BASE: in `bytes` (at `offset`), else its file. */
  #learn(id: number, bytes: Uint8Array, offset: number): BlockStreams {
    const base = this.keys.block(id, 0);
    const lengthOf = (head: Uint8Array) => {
      if (head.length < 4) return 0;
      const len = head.slice(0, 4);
      base.xorAt(len, 0);
      return new DataView(len.buffer).getUint32(0, true);
    };
    let head = offset === 0 ? bytes : new Uint8Array(0);
    let n = lengthOf(head);
    if (n === 0 || n > head.length) {
      head = readPrefix(blockPath(this.#blockDir, id), MAX_BASE) ?? new Uint8Array(0);
      n = lengthOf(head);
    }
    if (n > 0 && n <= head.length) {
      const record = head.slice(0, n);
      base.xorAt(record, 0);
      const r = new RecordScanner(record);
      if (r.read(0, n) === n && r.kind === RecordKind.Base) {
        const s = this.#streams(id, n, record.subarray(r.dataStart, r.dataStart + r.dataLength));
        this.#blocks.set(id, s);
        return s;
      }
    }
    // No readable BASE (an empty or torn block): generation 0, not remembered.
    return { baseLen: 0, base, body: base };
  }

  #streams(id: number, length: number, data: Uint8Array): BlockStreams {
    const base = this.keys.block(id, 0);
    if (data.length < 8 + NONCE_LEN) return { baseLen: length, base, body: base };
    const nonce = Array.from(
      data.subarray(8, 8 + NONCE_LEN),
      (b) => b.toString(16).padStart(2, "0"),
    );
    return { baseLen: length, base, body: this.keys.block(id, `n${nonce.join("")}`) };
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

/**
 * The data of block `id`'s new BASE record holding `floor`; with `crypt`, with a new generation
 * nonce, noted as the block's (call it once the block's old content was read).
 */
export function newBaseData(crypt: StoreCrypt | null, id: number, floor: number): Uint8Array {
  const data = floorBytes(floor);
  if (crypt === null) return data;
  const withNonce = crypt.baseData(data);
  crypt.noteBase(id, recordLength(0, 0, withNonce.length), withNonce);
  return withNonce;
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
