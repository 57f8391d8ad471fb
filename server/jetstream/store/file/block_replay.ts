/**
 * @module
 * Recovery of one file-store block at open, into the stream state through a {@link ReplaySink}:
 * either record by record from the block's bytes (verifying every checksum; the first torn or
 * damaged record ends the block), or from its summary (block_summary.ts) without reading the
 * block. Both fill the block's bookkeeping the same way. No IO: the store reads the files.
 * Runs in the isolate that owns the stream.
 */

import type { Block } from "./file_block.ts";
import type { BlockSummary } from "../block_summary.ts";
import { readFloor, RecordKind, RecordScanner } from "../record_codec.ts";
import type { SubjectDecoder } from "../subject_table.ts";
import { fileStoreMsgSize } from "../types.ts";
import type { ReplaySink } from "../stream_recovery.ts";

/**
 * Applies the records of `buf` (block `block`'s bytes from offset `base` on); returns the length
 * of its valid prefix (the records that are whole and verify).
 */
export function replayBlock(
  block: Block,
  buf: Uint8Array,
  sink: ReplaySink,
  subjects: SubjectDecoder,
  base = 0,
): number {
  const r = new RecordScanner(buf);
  let at = 0;
  while (at < buf.length) {
    const n = r.read(at, buf.length);
    if (typeof n === "string") break;
    switch (r.kind) {
      case RecordKind.Base: {
        block.baseLastSeq = r.seq;
        block.baseLastTs = r.ts();
        used(block, r.seq, block.baseLastTs);
        sink.last(r.seq, block.baseLastTs, false);
        const floor = readFloor(buf.subarray(r.dataStart, r.dataStart + r.dataLength));
        if (floor > block.floor) block.floor = floor;
        sink.floor(floor);
        break;
      }
      case RecordKind.Msg: {
        if (r.seq <= sink.lastSeq()) break;
        const ts = r.ts();
        const name = subjects.decode(buf, r.subjectStart, r.subjectLength);
        const size = fileStoreMsgSize(r.subjectLength, r.headerLength, r.dataLength);
        if (sink.msg(r.seq, sink.subject(name), size, ts, block.id, base + at)) {
          block.liveMsgs++;
          block.liveBytes += size;
        }
        if (block.firstMsgSeq === 0) block.firstMsgSeq = r.seq;
        block.lastMsgSeq = r.seq;
        used(block, r.seq, ts);
        break;
      }
      case RecordKind.Erased:
        used(block, r.seq, r.ts());
        sink.last(r.seq, r.ts(), false);
        break;
      case RecordKind.Skip:
        used(block, r.seq, r.ts());
        sink.last(r.seq, r.ts(), true);
        break;
      case RecordKind.Delete:
        block.tombstones.add(r.seq);
        sink.remove(r.seq);
        break;
      case RecordKind.Floor:
        if (r.seq > block.floor) block.floor = r.seq;
        sink.floor(r.seq);
        break;
    }
    at += n;
  }
  return at;
}

/**
 * Applies block `block`'s summary: its BASE, its live messages, the sequences its records used,
 * its tombstones and floor. Equivalent to {@link replayBlock} on the block's bytes, except for
 * the time of the first message of a store that ends up empty (the store replays then). With
 * `asPage` (a sealed block; the summary may be its header only) the messages become an index
 * page; false when they cannot (nothing else applied but the BASE and floor: apply the whole
 * summary without `asPage` then).
 */
export function applySummary(
  block: Block,
  s: BlockSummary,
  sink: ReplaySink,
  asPage: boolean,
): boolean {
  block.bytes = s.blockBytes;
  block.baseLastSeq = s.baseLastSeq;
  block.baseLastTs = s.baseLastTs;
  block.floor = s.floor;
  block.lastUsedSeq = s.lastUsedSeq;
  block.lastUsedTs = s.lastUsedTs;
  block.firstMsgSeq = s.firstMsgSeq;
  block.lastMsgSeq = s.lastMsgSeq;
  block.tombstones = new Set(s.tombstones);
  block.tailCrc = s.tailCrc;
  block.summarized = true;
  sink.last(s.baseLastSeq, s.baseLastTs, false);
  sink.floor(s.floor);
  if (asPage) {
    const added = sink.page({
      key: block.id,
      first: s.firstMsgSeq,
      last: s.lastMsgSeq,
      present: s.present,
      msgs: s.liveMsgs,
      bytes: s.liveBytes,
      firstLive: s.firstLive,
      firstLiveTs: s.firstLiveTs,
      lastLive: s.lastLive,
      lastLiveTs: s.lastLiveTs,
      subjects: s.subjects,
      subjectStats: s.subjectStats,
    });
    if (!added) return false;
    block.liveMsgs = s.liveMsgs;
    block.liveBytes = s.liveBytes;
  } else {
    const applied = sink.msgs({
      seqs: s.seqs,
      ts: s.ts,
      subjectIndex: s.subjectIndex,
      entries: s.subjects.map((name) => sink.subject(name)),
      sizes: s.sizes,
      slotA: block.id,
      slotB: s.offsets,
    });
    block.liveMsgs = applied.msgs;
    block.liveBytes = applied.bytes;
  }
  sink.last(s.lastUsedSeq, s.lastUsedTs, false);
  for (const t of s.tombstones) sink.remove(t);
  return true;
}

function used(block: Block, seq: number, ts: bigint): void {
  if (seq >= block.lastUsedSeq) {
    block.lastUsedSeq = seq;
    block.lastUsedTs = ts;
  }
}
