/**
 * @module
 * The file store's recovery of its blocks at open (block_replay.ts does one block): a sealed
 * block with a valid summary costs the read of the summary's header and presence bits (its
 * messages become an index page whose columns stay on disk until used); the others are replayed
 * record by record (the file cut after its valid prefix). After a clean stop nothing is replayed;
 * after a crash, normally only the last block.
 * Runs in the isolate that owns the stream.
 */

import { type Block, newBlock, readFileOrNull, withReadFile } from "./file_block.ts";
import type { BlockXor, StoreCrypt } from "./store_crypt.ts";
import { applySummary, replayBlock } from "./block_replay.ts";
import type { ReplaySink } from "../stream_recovery.ts";
import { readTailCrc, readValidSummary } from "./summary_files.ts";
import type { BlockSummary } from "../block_summary.ts";
import { crc32 } from "../crc32.ts";
import { MAX_RECORD, RecordScanner } from "../record_codec.ts";
import type { SubjectDecoder } from "../subject_table.ts";

/** What the store does with each recovered block. */
export interface RecoveryHooks {
  /** A block is about to be recovered (its counts are kept from here on). */
  add(block: Block): void;
  /** A sealed block was recovered into the resident index: summarize it and make it a page. */
  seal(block: Block): void;
}

/**
 * Recovers blocks `ids` of `blockDir` in order into `sink`; returns the last block's size and
 * last checksum (it becomes the active block, its bytes left on disk). A sealed block with a valid
 * summary becomes an index page from its header alone (a small prefix of the file); the last
 * block's messages are resident, from its summary only when its content verifies (its whole-file
 * checksum, or every record). A block without a valid summary is replayed record by record.
 * Without `useSummaries` every block is replayed. With `crypt`, block files are decrypted as read
 * and summaries opened.
 */
export function recoverBlocks(
  blockDir: string,
  ids: number[],
  sink: ReplaySink,
  subjects: SubjectDecoder,
  useSummaries: boolean,
  hooks: RecoveryHooks,
  crypt: StoreCrypt | null = null,
): { bytes: number; crc: number } | null {
  let scratch: Uint8Array | undefined, replay: Uint8Array | undefined;
  let last: { bytes: number; crc: number } | null = null;
  for (const id of ids) {
    const block = newBlock(id, blockDir, 0, 0n);
    const path = block.path;
    hooks.add(block);
    const isLast = id === ids.at(-1);
    const xor = crypt?.block(id);
    last = null;
    if (useSummaries && !isLast) {
      scratch ??= new Uint8Array(64 * 1024);
      const header = readValidSummary(blockDir, path, id, scratch, true, crypt);
      if (header && applySummary(block, header, sink, true)) continue;
      const full = header ? readValidSummary(blockDir, path, id, undefined, false, crypt) : null;
      if (full) {
        applySummary(block, full, sink, false);
        hooks.seal(block);
        continue;
      }
    }
    let summary = useSummaries && isLast
      ? readValidSummary(blockDir, path, id, undefined, false, crypt)
      : null;
    if (summary && !lastBlockVerifies(path, summary, xor)) summary = null;
    if (summary) {
      applySummary(block, summary, sink, false);
      last = { bytes: summary.blockBytes, crc: summary.tailCrc };
      continue;
    }
    replay ??= new Uint8Array(REPLAY_CHUNK);
    const got = replayFile(block, path, sink, subjects, replay, xor);
    replay = got.buf;
    block.bytes = got.valid;
    if (got.valid < got.size) {
      try {
        Deno.truncateSync(path, got.valid);
      } catch {
        // Unwritable: the bytes past the cut are ignored anyway.
      }
    }
    if (isLast) last = { bytes: block.bytes, crc: readTailCrc(path, block.bytes, xor) ?? 0 };
    else hooks.seal(block);
  }
  return last;
}

/** Bytes of a block replayed at a time (a record that does not fit is read whole). */
const REPLAY_CHUNK = 1024 * 1024;

/**
 * Replays the block file at `path` in chunks read into `buf` (a reused buffer, grown for a record
 * larger than it: a whole block in fresh memory costs more than the replay itself). Returns the
 * length of its valid prefix, its size and the buffer used.
 */
function replayFile(
  block: Block,
  path: string,
  sink: ReplaySink,
  subjects: SubjectDecoder,
  buf: Uint8Array,
  xor?: BlockXor,
): { valid: number; size: number; buf: Uint8Array } {
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { read: true });
  } catch {
    return { valid: 0, size: 0, buf };
  }
  try {
    const size = f.statSync().size;
    let base = 0, filled = 0, eof = false;
    while (true) {
      while (!eof && filled < buf.length) {
        const r = f.readSync(buf.subarray(filled));
        if (r === null || r === 0) eof = true;
        else {
          xor?.(buf.subarray(filled, filled + r), base + filled);
          filled += r;
        }
      }
      const view = buf.subarray(0, filled);
      const n = replayBlock(block, view, sink, subjects, base);
      if (n === filled && eof) return { valid: base + n, size, buf };
      // Stopped early: the chunk ends inside a record (read on), or a torn or damaged one.
      if (n < filled && (eof || new RecordScanner(view).read(n, filled) !== "truncated")) {
        return { valid: base + n, size, buf };
      }
      buf.copyWithin(0, n, filled);
      filled -= n;
      base += n;
      const need = filled >= 4 ? new DataView(buf.buffer, buf.byteOffset).getUint32(0, true) : 0;
      if (need > buf.length && need <= MAX_RECORD) {
        const grown = new Uint8Array(need);
        grown.set(buf.subarray(0, filled));
        buf = grown;
      }
    }
  } catch {
    return { valid: 0, size: 0, buf };
  } finally {
    f.close();
  }
}

/**
 * Whether the last block (file `path`) is intact: its whole-file checksum as in `summary`, read
 * in chunks (the block itself is not kept in memory); without one, every record's.
 */
function lastBlockVerifies(path: string, summary: BlockSummary, xor?: BlockXor): boolean {
  if (summary.blockCrc !== 0) return fileCrc(path, summary.blockBytes) === summary.blockCrc;
  const buf = readFileOrNull(path);
  if (buf !== null) xor?.(buf, 0);
  if (buf === null || buf.length !== summary.blockBytes) return false;
  const r = new RecordScanner(buf);
  for (let at = 0; at < buf.length;) {
    const n = r.read(at, buf.length);
    if (typeof n === "string") return false;
    at += n;
  }
  return true;
}

/** The CRC-32 of the first `size` bytes of the file at `path`, read in 256 KiB chunks; or null. */
export function fileCrc(path: string, size: number): number | null {
  return withReadFile(path, (f) => {
    const chunk = new Uint8Array(Math.min(size, 256 * 1024));
    let crc = 0, done = 0;
    while (done < size) {
      const r = f.readSync(chunk.subarray(0, Math.min(chunk.length, size - done)));
      if (r === null || r === 0) return null;
      crc = crc32(chunk, 0, r, crc);
      done += r;
    }
    return crc;
  });
}
