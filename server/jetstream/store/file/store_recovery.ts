/**
 * @module
 * The file store's recovery of its blocks at open (block_replay.ts does one block): each block
 * from its summary when it has a valid one, else record by record (the file cut after its valid
 * prefix). Summaries are read into one scratch buffer, twice: a first look at their headers sizes
 * the index once (touching fresh memory is what costs most: one allocation, not doublings).
 * Runs in the isolate that owns the stream.
 */

import { type Block, blockPath, newBlock, readFileOrNull, summaryPath } from "./file_block.ts";
import { applySummary, replayBlock } from "./block_replay.ts";
import type { RecoverySink } from "../stream_recovery.ts";
import { readValidSummary } from "./summary_files.ts";
import { crc32 } from "../crc32.ts";
import { RecordScanner } from "../record_codec.ts";
import type { SubjectDecoder } from "../subject_table.ts";
import type { SeqIndex } from "../seq_index.ts";

/** The recovered blocks, and the last one's content (it becomes the active block). */
export interface RecoveredBlocks {
  blocks: Block[];
  lastContent: Uint8Array | undefined;
}

/**
 * Recovers blocks `ids` of `blockDir` in order into `sink`. The last block (read anyway: it
 * becomes the active one, read with room up to `blockSize`) is trusted from its summary only when
 * its content verifies (its whole-file checksum, or every record). Without `useSummaries` every
 * block is replayed record by record.
 */
export function recoverBlocks(
  blockDir: string,
  ids: number[],
  blockSize: number,
  sink: RecoverySink,
  subjects: SubjectDecoder,
  useSummaries: boolean,
): RecoveredBlocks {
  let scratch = new Uint8Array(0);
  const summaryOf = (id: number, verify: boolean) =>
    readValidSummary(blockDir, blockPath(blockDir, id), id, scratch, verify);
  if (useSummaries) {
    let maxBytes = 0, lastSeq = 0, firstSeq = 0;
    for (const id of ids) maxBytes = Math.max(maxBytes, statSize(summaryPath(blockDir, id)));
    scratch = new Uint8Array(maxBytes);
    for (const id of ids) {
      const s = summaryOf(id, false);
      // A block without a summary before the first message: where messages start is not known.
      if (!s && firstSeq === 0) break;
      if (!s || s.seqs.length === 0) continue;
      if (firstSeq === 0) firstSeq = s.seqs[0];
      lastSeq = s.seqs[s.seqs.length - 1];
    }
    if (firstSeq > 0) sink.reserve(firstSeq, lastSeq + blockSize / 64);
  }
  const blocks: Block[] = [];
  let lastContent: Uint8Array | undefined;
  for (const id of ids) {
    const block = newBlock(id, blockDir, 0, 0n);
    let summary = useSummaries ? summaryOf(id, true) : null;
    const read = id === ids.at(-1) ? readFileOrNull(block.path, blockSize) : null;
    if (summary && read && !lastBlockVerifies(read, summary.blockCrc)) summary = null;
    lastContent = undefined;
    if (summary) {
      applySummary(block, summary, sink);
      if (read) lastContent = read;
    } else {
      const buf = read ?? readFileOrNull(block.path) ?? new Uint8Array(0);
      block.bytes = replayBlock(block, buf, sink, subjects);
      if (block.bytes < buf.length) {
        try {
          Deno.truncateSync(block.path, block.bytes);
        } catch {
          // Unwritable: the bytes past the cut are ignored anyway.
        }
      }
      lastContent = buf.subarray(0, block.bytes);
    }
    blocks.push(block);
  }
  return { blocks, lastContent };
}

/** Recomputes the live counts of `blocks` from the index (first..last, `msgs` messages). */
export function recountBlocks(
  blocks: Block[],
  index: SeqIndex,
  first: number,
  last: number,
  msgs: number,
): void {
  const byId = new Map<number, Block>();
  for (const b of blocks) {
    b.liveMsgs = 0;
    b.liveBytes = 0;
    byId.set(b.id, b);
  }
  if (msgs === 0) return;
  let b: Block | undefined;
  for (let s = index.nextPresent(first, last); s > 0;) {
    const id = index.slotA(s);
    if (b === undefined || b.id !== id) b = byId.get(id);
    if (b) {
      b.liveMsgs++;
      b.liveBytes += index.size(s);
    }
    s = s < last ? index.nextPresent(s + 1, last) : 0;
  }
}

/** Whether `buf` (the last block) is intact: its checksum `blockCrc`, else every record's. */
function lastBlockVerifies(buf: Uint8Array, blockCrc: number): boolean {
  if (blockCrc !== 0) return crc32(buf) === blockCrc;
  const r = new RecordScanner(buf);
  for (let at = 0; at < buf.length;) {
    const n = r.read(at, buf.length);
    if (typeof n === "string") return false;
    at += n;
  }
  return true;
}

/** The size of the file at `path`, 0 when missing. */
function statSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}
