/**
 * @module
 * The file store's side of the index snapshot (index_snapshot.ts): checking that the block files
 * on disk are the ones a snapshot describes, and converting block bookkeeping to and from it.
 * Runs in the isolate that owns the stream.
 */

import { type Block, blockPath, listBlockIds, newBlock, readFileOrNull } from "./file_block.ts";
import type { BlockSnapshot, IndexSnapshot } from "../index_snapshot.ts";
import { RecordScanner } from "../record_codec.ts";

/**
 * Whether the block files are exactly those of `snap`, with its sizes, and the last one's
 * records all verify: its content, or null.
 */
export function validSnapshotFiles(blockDir: string, snap: IndexSnapshot): Uint8Array | null {
  const ids = listBlockIds(blockDir);
  if (ids.length !== snap.blocks.length || ids.length === 0) return null;
  for (let i = 0; i < ids.length; i++) {
    const b = snap.blocks[i];
    if (b.id !== ids[i]) return null;
    try {
      if (Deno.statSync(blockPath(blockDir, b.id)).size !== b.bytes) return null;
    } catch {
      return null;
    }
  }
  const last = readFileOrNull(blockPath(blockDir, ids.at(-1)!));
  if (!last || last.length !== snap.blocks.at(-1)!.bytes) return null;
  const scanner = new RecordScanner(last);
  for (let at = 0; at < last.length;) {
    const n = scanner.read(at, last.length);
    if (typeof n === "string") return null;
    at += n;
  }
  return last;
}

/** A block's bookkeeping as saved in a snapshot. */
export function blockToSnapshot(b: Block): BlockSnapshot {
  return {
    id: b.id,
    bytes: b.bytes,
    liveMsgs: b.liveMsgs,
    liveBytes: b.liveBytes,
    firstMsgSeq: b.firstMsgSeq,
    lastMsgSeq: b.lastMsgSeq,
    tombstones: [...b.tombstones],
    baseLastSeq: b.baseLastSeq,
    baseLastTs: b.baseLastTs,
  };
}

/** A block's bookkeeping restored from a snapshot. */
export function blockFromSnapshot(saved: BlockSnapshot, blockDir: string): Block {
  const b = newBlock(saved.id, blockDir, saved.baseLastSeq, saved.baseLastTs);
  b.bytes = saved.bytes;
  b.liveMsgs = saved.liveMsgs;
  b.liveBytes = saved.liveBytes;
  b.firstMsgSeq = saved.firstMsgSeq;
  b.lastMsgSeq = saved.lastMsgSeq;
  b.tombstones = new Set(saved.tombstones);
  return b;
}
