/**
 * @module
 * The file store's block summary files (block_summary.ts): building one from a block's
 * bookkeeping and the index, writing it (atomically), and reading it back only when it still
 * describes the block file (same size, same checksum in its last 4 bytes).
 * Runs in the isolate that owns the stream.
 */

import {
  type Block,
  readFileOrNull,
  removeIfExists,
  summaryPath,
  writeFileAtomic,
} from "./file_block.ts";
import { type BlockSummary, decodeBlockSummary, encodeBlockSummary } from "../block_summary.ts";
import type { SeqIndex } from "../seq_index.ts";

/** The CRC-32 in the last 4 bytes of `content` (0 when shorter). */
export function tailCrcOf(content: Uint8Array): number {
  const n = content.length;
  if (n < 4) return 0;
  return (content[n - 4] | (content[n - 3] << 8) | (content[n - 2] << 16) |
    (content[n - 1] << 24)) >>> 0;
}

/**
 * The summary of block `b` as it is now: its file is `b.bytes` long and ends with `tailCrc`; its
 * live messages are those of `index` located in it; `subjectOf` names a subject id.
 */
export function summarize(
  b: Block,
  tailCrc: number,
  blockCrc: number,
  index: SeqIndex,
  subjectOf: (id: number) => string,
): BlockSummary {
  const live: number[] = [];
  if (b.firstMsgSeq > 0) {
    for (let s = index.nextPresent(b.firstMsgSeq, b.lastMsgSeq); s > 0;) {
      if (index.slotA(s) === b.id) live.push(s);
      s = s < b.lastMsgSeq ? index.nextPresent(s + 1, b.lastMsgSeq) : 0;
    }
  }
  const n = live.length;
  const seqs = new Float64Array(n), ts = new BigInt64Array(n), subjectIndex = new Int32Array(n);
  const sizes = new Uint32Array(n), offsets = new Uint32Array(n);
  const subjects: string[] = [];
  const local = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const s = live[i];
    const id = index.subjectId(s);
    let li = -1;
    if (id > 0) {
      li = local.get(id) ?? -1;
      if (li < 0) {
        li = subjects.length;
        subjects.push(subjectOf(id));
        local.set(id, li);
      }
    }
    seqs[i] = s;
    ts[i] = index.ts(s);
    subjectIndex[i] = li;
    sizes[i] = index.size(s);
    offsets[i] = index.slotB(s);
  }
  return {
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
    seqs,
    ts,
    subjectIndex,
    sizes,
    offsets,
  };
}

/** Writes the summary of block `b` (in `blockDir`) and marks it summarized. */
export function writeSummary(blockDir: string, b: Block, summary: BlockSummary): void {
  writeFileAtomic(summaryPath(blockDir, b.id), encodeBlockSummary(summary));
  b.summarized = true;
  b.summaryStale = false;
}

/** Forgets the summary of `b` (it is about to change). */
export function dropSummary(blockDir: string, b: Block): void {
  if (!b.summarized) return;
  removeIfExists(summaryPath(blockDir, b.id));
  b.summarized = false;
}

/** The CRC-32 in the last 4 bytes of the `size`-byte file at `path` (0 when shorter), or null. */
export function readTailCrc(path: string, size: number): number | null {
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { read: true });
  } catch {
    return null;
  }
  try {
    return tailOfOpenFile(f, size);
  } catch {
    return null;
  } finally {
    f.close();
  }
}

/** The last 4 bytes of `f` as a u32 when it is `size` bytes long, else null. */
function tailOfOpenFile(f: Deno.FsFile, size: number): number | null {
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
  return tailCrcOf(tail);
}

/**
 * The summary of block `id` when there is a valid one that describes the block file at
 * `blockPath` as it is (same size, same last checksum), else null. Read into `scratch` when it
 * is large enough (the columns are then views of it). `verify` false: the header only, as a
 * first look (checksum and block file not checked).
 */
export function readValidSummary(
  blockDir: string,
  blockPath: string,
  id: number,
  scratch?: Uint8Array,
  verify = true,
): BlockSummary | null {
  const bytes = readFileOrNull(summaryPath(blockDir, id), 0, scratch);
  if (!bytes) return null;
  const s = decodeBlockSummary(bytes, verify);
  if (!s || !verify) return s;
  return readTailCrc(blockPath, s.blockBytes) === s.tailCrc ? s : null;
}
