/**
 * @module
 * Rewriting one block of the file store (compaction of a mostly deleted block, and truncate):
 * builds the new content from the live records. No IO; the store writes the result atomically.
 * Runs in the isolate that owns the stream.
 */

import type { Block } from "./file_block.ts";
import { encodeRecord, floorBytes, RecordKind, recordLength } from "../record_codec.ts";
import type { SeqIndex } from "../seq_index.ts";

/**
 * The new content of block `b` (whose current content is `old`): a BASE with the floor
 * `firstSeq`, the tombstones still needed (all absent sequences of earlier blocks when
 * `allTombstones`, as truncate needs, else the block's own that still matter), and its live
 * messages up to `upTo`, copied byte for byte. Updates the index offsets of the moved messages and
 * the block's tombstones, message range, floor and last used sequence; the caller writes the
 * content. `baseData` is the new BASE's data (default: the floor alone).
 */
export function rewriteBlock(
  b: Block,
  old: Uint8Array,
  index: SeqIndex,
  firstSeq: number,
  upTo: number,
  allTombstones: boolean,
  baseData: Uint8Array = floorBytes(firstSeq),
): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const push = (part: Uint8Array) => {
    parts.push(part);
    total += part.length;
  };
  const record = (kind: RecordKind, seq: number, ts: bigint, data: Uint8Array | null) => {
    const r = new Uint8Array(recordLength(0, 0, data?.length ?? 0));
    encodeRecord(r, 0, kind, seq, ts, null, null, data);
    push(r);
  };
  record(RecordKind.Base, b.baseLastSeq, b.baseLastTs, baseData);
  const kept = new Set<number>();
  const earlierEnd = Math.min(b.baseLastSeq, upTo);
  if (allTombstones) {
    for (let s = firstSeq; s <= earlierEnd; s++) if (!index.has(s)) kept.add(s);
  } else {
    for (const t of b.tombstones) {
      if (t >= firstSeq && t <= earlierEnd && !index.has(t)) kept.add(t);
    }
  }
  for (const t of kept) record(RecordKind.Delete, t, 0n, null);
  const moves: [number, number][] = [];
  const from = Math.max(b.firstMsgSeq, firstSeq), to = Math.min(b.lastMsgSeq, upTo);
  for (let s = from; b.firstMsgSeq > 0 && s <= to; s++) {
    if (!index.has(s) || index.slotA(s) !== b.id) continue;
    const at = index.slotB(s);
    const len = new DataView(old.buffer, old.byteOffset + at, 4).getUint32(0, true);
    moves.push([s, total]);
    push(old.slice(at, at + len));
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  for (const [s, offset] of moves) index.setSlots(s, b.id, offset);
  b.tombstones = kept;
  if (moves.length === 0) b.firstMsgSeq = b.lastMsgSeq = 0;
  else {
    b.firstMsgSeq = moves[0][0];
    b.lastMsgSeq = moves.at(-1)![0];
  }
  // Its records are now a BASE (floor firstSeq), tombstones and its live messages.
  b.floor = firstSeq;
  b.lastUsedSeq = Math.max(b.baseLastSeq, b.lastMsgSeq);
  b.lastUsedTs = b.lastMsgSeq > b.baseLastSeq ? index.ts(b.lastMsgSeq) : b.baseLastTs;
  return out;
}
