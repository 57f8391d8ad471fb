/**
 * @module
 * The file store's block summary files (block_summary.ts): building one from a block's
 * bookkeeping and the index, writing it (atomically), and reading it back only when it still
 * describes the block file (same size, same checksum in its last 4 bytes).
 * Runs in the isolate that owns the stream.
 */

import type { BlockXor, StoreCrypt } from "./store_crypt.ts";
import {
  type Block,
  readFileOrNull,
  readPrefix,
  removeIfExists,
  summaryPath,
  withReadFile,
  writeFileAtomic,
} from "./file_block.ts";
import {
  type BlockSummary,
  completeSummary,
  decodeBlockSummary,
  decodeSummaryHeader,
  encodeBlockSummary,
} from "../block_summary.ts";
import type { SeqIndex } from "../seq_index.ts";

/** The CRC-32 in the last 4 bytes of `content` (0 when shorter). */
export function tailCrcOf(content: Uint8Array): number {
  const n = content.length;
  if (n < 4) return 0;
  return (content[n - 4] | (content[n - 3] << 8) | (content[n - 2] << 16) |
    (content[n - 1] << 24)) >>> 0;
}

/** One live message as a summary lists it (its time as low and high u32 halves). */
export type LiveEntry = (
  seq: number,
  subjectId: number,
  size: number,
  tsLo: number,
  tsHi: number,
  at: number,
) => void;

/** Lists the live messages of block `b` from `index`, for {@link summarize}. */
export function indexEntries(index: SeqIndex, b: Block): (fn: LiveEntry) => void {
  return (fn) => {
    if (b.firstMsgSeq === 0) return;
    for (let s = index.nextPresent(b.firstMsgSeq, b.lastMsgSeq); s > 0;) {
      if (index.slotA(s) === b.id) {
        const lo = index.tsWord(s, 0), hi = index.tsWord(s, 1);
        fn(s, index.subjectId(s), index.size(s), lo, hi, index.slotB(s));
      }
      s = s < b.lastMsgSeq ? index.nextPresent(s + 1, b.lastMsgSeq) : 0;
    }
  };
}

/**
 * The summary of block `b` as it is now: its file is `b.bytes` long, ends with `tailCrc` (and has
 * checksum `blockCrc`, 0 when not computed); `each` lists its live messages in order (at most one
 * per sequence of its MSG range); `subjectOf` names a subject id. Built in typed arrays: no
 * object per message (a summary per sealed block was megabytes of garbage).
 */
export function summarize(
  b: Block,
  tailCrc: number,
  blockCrc: number,
  each: (fn: LiveEntry) => void,
  subjectOf: (id: number) => string,
): BlockSummary {
  const capacity = b.firstMsgSeq > 0 ? b.lastMsgSeq - b.firstMsgSeq + 1 : 0;
  const seqs = new Float64Array(capacity), ts = new BigInt64Array(capacity);
  const ts32 = new Uint32Array(ts.buffer);
  const subjectIndex = new Int32Array(capacity), sizes = new Uint32Array(capacity);
  const offsets = new Uint32Array(capacity);
  const subjects: string[] = [];
  const local = new Map<number, number>();
  let n = 0;
  each((seq, subjectId, size, tsLo, tsHi, at) => {
    let li = -1;
    if (subjectId > 0) {
      li = local.get(subjectId) ?? -1;
      if (li < 0) {
        li = subjects.length;
        subjects.push(subjectOf(subjectId));
        local.set(subjectId, li);
      }
    }
    seqs[n] = seq;
    ts32[2 * n] = tsLo;
    ts32[2 * n + 1] = tsHi;
    subjectIndex[n] = li;
    sizes[n] = size;
    offsets[n] = at;
    n++;
  });
  return completeSummary({
    blockBytes: b.bytes,
    tailCrc,
    blockCrc,
    baseLastSeq: b.baseLastSeq,
    baseLastTs: b.baseLastTs,
    floor: b.floor,
    lastUsedSeq: b.lastUsedSeq,
    lastUsedTs: b.lastUsedTs,
    firstMsgSeq: b.firstMsgSeq,
    lastMsgSeq: b.lastMsgSeq,
    tombstones: [...b.tombstones],
    subjects,
    seqs: seqs.subarray(0, n),
    ts: ts.subarray(0, n),
    subjectIndex: subjectIndex.subarray(0, n),
    sizes: sizes.subarray(0, n),
    offsets: offsets.subarray(0, n),
  });
}

/**
 * Writes the summary of block `b` (in `blockDir`) and marks it summarized. Not fsynced: a
 * summary lost or torn by a power failure fails its checksum or size check and the block is
 * scanned instead.
 */
export function writeSummary(
  blockDir: string,
  b: Block,
  summary: BlockSummary,
  crypt: StoreCrypt | null = null,
): void {
  const plain = encodeBlockSummary(summary);
  writeFileAtomic(summaryPath(blockDir, b.id), crypt ? crypt.seal(plain) : plain, false);
  b.tailCrc = summary.tailCrc;
  b.summarized = true;
}

/** Forgets the summary of `b` (it is about to change). */
export function dropSummary(blockDir: string, b: Block): void {
  if (!b.summarized) return;
  removeIfExists(summaryPath(blockDir, b.id));
  b.summarized = false;
}

/**
 * The CRC-32 in the last 4 bytes of the `size`-byte file at `path` (0 when shorter), or null;
 * decrypted with `xor` (the block's keystream) when given.
 */
export function readTailCrc(path: string, size: number, xor?: BlockXor): number | null {
  return withReadFile(path, (f) => tailOfOpenFile(f, size, xor));
}

/** The last 4 bytes of `f` as a u32 when it is `size` bytes long, else null. */
function tailOfOpenFile(f: Deno.FsFile, size: number, xor?: BlockXor): number | null {
  if (f.statSync().size !== size) return null;
  if (size < 4) return 0;
  const tail = new Uint8Array(4);
  f.seekSync(size - 4, Deno.SeekMode.Start);
  let n = 0;
  while (n < 4) {
    const r = f.readSync(tail.subarray(n));
    if (r === null || r === 0) return null;
    n += r;
  }
  xor?.(tail, size - 4);
  return tailCrcOf(tail);
}

/**
 * The summary of block `id` when there is a valid one that describes the block file at
 * `blockPath` as it is (same size, same last checksum), else null. With `headerOnly`, only the
 * header and presence bits are read (from a prefix of the file) and the columns are empty.
 * Read into `scratch` when it is large enough (the columns are then views of it).
 */
export function readValidSummary(
  blockDir: string,
  blockPath: string,
  id: number,
  scratch: Uint8Array | undefined,
  headerOnly: boolean,
  crypt: StoreCrypt | null = null,
): BlockSummary | null {
  const path = summaryPath(blockDir, id);
  let s: BlockSummary | null;
  if (crypt) {
    // Sealed whole: no prefix of it can be read alone.
    s = readSummary(blockDir, id, undefined, crypt);
  } else if (headerOnly) {
    const prefix = readPrefix(path, 64 * 1024, scratch);
    s = prefix ? decodeSummaryHeader(prefix) : null;
    if (s === null && prefix !== null && prefix.length === 64 * 1024) {
      const bytes = readFileOrNull(path, 0, scratch);
      s = bytes ? decodeSummaryHeader(bytes) : null;
    }
  } else {
    const bytes = readFileOrNull(path, 0, scratch);
    s = bytes ? decodeBlockSummary(bytes) : null;
  }
  if (!s) return null;
  const xor = crypt?.block(id);
  return readTailCrc(blockPath, s.blockBytes, xor) === s.tailCrc ? s : null;
}

/** The whole summary of block `id` (its columns), not checked against the block file; or null. */
export function readSummary(
  blockDir: string,
  id: number,
  scratch?: Uint8Array,
  crypt: StoreCrypt | null = null,
): BlockSummary | null {
  const read = readFileOrNull(summaryPath(blockDir, id), 0, crypt ? undefined : scratch);
  const bytes = read && crypt ? crypt.open(read) : read;
  return bytes ? decodeBlockSummary(bytes) : null;
}
