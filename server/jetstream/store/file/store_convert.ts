/**
 * @module
 * Encrypting a file stream saved in clear, when the server now has a `jetstream { key }`
 * (nats-server 2.9.10 logs `Encrypting stream '<account> > <stream>'` and converts it): a
 * marker file is written first, then `meta.key`, then every block file is encrypted in place
 * (each one atomically: written to a temporary file and renamed), block summaries are dropped
 * (rebuilt by replaying the blocks), consumer states and consumer configs are sealed; the caller
 * seals the stream's `meta.inf` and removes the marker. Every step can be run again: a block
 * whose first record reads in clear is still plain, a sealed file that opens is already sealed,
 * so a conversion cut short by a crash is finished at the next start. IO shell.
 */

import {
  blockPath,
  listBlockIds,
  readFileOrNull,
  removeIfExists,
  writeFileAtomic,
} from "./file_block.ts";
import { createStreamKeys, type StoreEncryption } from "./stream_key_file.ts";
import { StoreCrypt } from "./store_crypt.ts";
import type { StreamKeys } from "./store_cipher.ts";
import { RecordScanner } from "../record_codec.ts";

/** Present while a stream saved in clear is being encrypted. */
export const CONVERT_MARKER = "meta.key.converting";

/** Whether the stream in `dir` is being encrypted (a conversion was cut short). */
export function converting(dir: string): boolean {
  try {
    Deno.statSync(`${dir}/${CONVERT_MARKER}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts encrypting the stream saved in clear in `dir`: the marker, new keys in `meta.key`, the
 * files of its store. Returns the keys; {@link conversionDone} ends it once `meta.inf` is sealed.
 */
export function encryptSavedStream(
  dir: string,
  enc: StoreEncryption,
  account: string,
  stream: string,
): StreamKeys {
  writeFileAtomic(`${dir}/${CONVERT_MARKER}`, new Uint8Array(0));
  const keys = createStreamKeys(dir, enc, account, stream);
  encryptStoreFiles(dir, keys);
  return keys;
}

/** The conversion of the stream in `dir` is complete. */
export function conversionDone(dir: string): void {
  removeIfExists(`${dir}/${CONVERT_MARKER}`);
}

/** Encrypts what is still plain of the store in `dir` (see the module doc). */
export function encryptStoreFiles(dir: string, keys: StreamKeys): void {
  const crypt = new StoreCrypt(keys, `${dir}/blk`);
  const blk = `${dir}/blk`;
  let ids: number[] = [];
  try {
    ids = listBlockIds(blk);
  } catch { /* no blocks */ }
  for (const id of ids) {
    removeIfExists(`${blk}/${String(id).padStart(8, "0")}.sum`);
    const path = blockPath(blk, id);
    const buf = readFileOrNull(path);
    if (buf === null || buf.length === 0) continue;
    const r = new RecordScanner(buf);
    const n = r.read(0, buf.length);
    if (typeof n === "string") continue; // encrypted
    // Its BASE has no generation nonce: generation 0 throughout.
    crypt.noteBase(id, n, buf.subarray(r.dataStart, r.dataStart + r.dataLength));
    crypt.block(id)(buf, 0);
    writeFileAtomic(path, buf);
  }
  for (const e of entries(`${dir}/obs`)) {
    if (e.isFile && e.name.endsWith(".state")) sealInPlace(`${dir}/obs/${e.name}`, keys);
    if (e.isDirectory) sealInPlace(`${dir}/obs/${e.name}/meta.inf`, keys);
  }
}

function entries(dir: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(dir)];
  } catch {
    return [];
  }
}

/** Seals the file at `path` unless it is missing or already sealed. */
function sealInPlace(path: string, keys: StreamKeys): void {
  const bytes = readFileOrNull(path);
  if (bytes === null || keys.open(bytes) !== null) return;
  writeFileAtomic(path, keys.seal(bytes));
}
