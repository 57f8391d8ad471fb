/**
 * @module
 * The file store's index snapshot (`index.snap`): written at a clean stop and consumed (deleted)
 * at the next open, so a clean restart loads the index instead of replaying every block. It is
 * only trusted when the block files are exactly those it lists, with the sizes it lists (and the
 * store still verifies the last block's checksums); a crash leaves no snapshot behind, so the
 * store replays the blocks then.
 *
 * | part | bytes |
 * | --- | --- |
 * | magic `JSIX` (u32 0x5849534a), version 1 (u32), JSON header length H (u32) | 12 |
 * | JSON header: stream state, blocks, subjects (UTF-8) | H |
 * | zero padding to a multiple of 8 | 0-7 |
 * | index columns for N sequences: ts (i64), subject id (i32), size, slotA, slotB (u32) | 24 N |
 * | CRC-32 of everything before (u32) | 4 |
 * PURE: no Deno APIs, timers or console output.
 */

import { crc32 } from "./crc32.ts";
import type { IndexColumns } from "./seq_index.ts";
import type { SubjectEntry } from "./subject_table.ts";

const MAGIC = 0x5849534a;
const VERSION = 1;

/** A block's bookkeeping as saved. */
export interface BlockSnapshot {
  id: number;
  bytes: number;
  liveMsgs: number;
  liveBytes: number;
  firstMsgSeq: number;
  lastMsgSeq: number;
  tombstones: number[];
  baseLastSeq: number;
  baseLastTs: bigint;
}

/** Everything the file store needs to resume without replaying blocks. */
export interface IndexSnapshot {
  msgs: number;
  bytes: number;
  firstSeq: number;
  firstTs: bigint;
  lastSeq: number;
  lastTs: bigint;
  blocks: BlockSnapshot[];
  subjects: SubjectEntry[];
  columns: IndexColumns;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes `s` (format in the module doc). */
export function encodeIndexSnapshot(s: IndexSnapshot): Uint8Array {
  const header = encoder.encode(JSON.stringify({
    msgs: s.msgs,
    bytes: s.bytes,
    firstSeq: s.firstSeq,
    firstTs: String(s.firstTs),
    lastSeq: s.lastSeq,
    lastTs: String(s.lastTs),
    base: s.columns.base,
    blocks: s.blocks.map((b) => ({ ...b, baseLastTs: String(b.baseLastTs) })),
    subjects: s.subjects.map((e) => [e.id, e.subject, e.msgs, e.first, e.last]),
  }));
  const n = s.columns.subject.length;
  const columnsAt = Math.ceil((12 + header.length) / 8) * 8;
  const out = new Uint8Array(columnsAt + 24 * n + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let at = columnsAt;
  for (
    const column of [
      s.columns.ts,
      s.columns.subject,
      s.columns.size,
      s.columns.slotA,
      s.columns.slotB,
    ]
  ) {
    const bytes = new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
    out.set(bytes, at);
    at += bytes.length;
  }
  view.setUint32(at, crc32(out, 0, at), true);
  return out;
}

/** Decodes {@link encodeIndexSnapshot}'s bytes, or null when they are not a valid snapshot. */
export function decodeIndexSnapshot(buf: Uint8Array): IndexSnapshot | null {
  try {
    if (buf.length < 16) return null;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) return null;
    const end = buf.length - 4;
    if (view.getUint32(end, true) !== crc32(buf, 0, end)) return null;
    const headerLength = view.getUint32(8, true);
    const h = JSON.parse(decoder.decode(buf.subarray(12, 12 + headerLength)));
    const columnsAt = Math.ceil((12 + headerLength) / 8) * 8;
    if ((end - columnsAt) % 24 !== 0) return null;
    const n = (end - columnsAt) / 24;
    const copy = (from: number, bytes: number) => buf.slice(from, from + bytes).buffer;
    let at = columnsAt;
    const ts = new BigInt64Array(copy(at, 8 * n));
    at += 8 * n;
    const subject = new Int32Array(copy(at, 4 * n));
    at += 4 * n;
    const size = new Uint32Array(copy(at, 4 * n));
    at += 4 * n;
    const slotA = new Uint32Array(copy(at, 4 * n));
    at += 4 * n;
    const slotB = new Uint32Array(copy(at, 4 * n));
    const textEncoderLength = (s: string) => encoder.encode(s).length;
    return {
      msgs: h.msgs,
      bytes: h.bytes,
      firstSeq: h.firstSeq,
      firstTs: BigInt(h.firstTs),
      lastSeq: h.lastSeq,
      lastTs: BigInt(h.lastTs),
      blocks: (h.blocks as (BlockSnapshot & { baseLastTs: string })[]).map((b) => ({
        ...b,
        baseLastTs: BigInt(b.baseLastTs),
      })),
      subjects: (h.subjects as [number, string, number, number, number][]).map((
        [id, subject, msgs, first, last],
      ) => ({ id, subject, byteLength: textEncoderLength(subject), msgs, first, last })),
      columns: { base: h.base, subject, size, ts, slotA, slotB },
    };
  } catch {
    return null;
  }
}
