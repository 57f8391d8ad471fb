/**
 * @module
 * The summary of one file-store block (`blk/NNNNNNNN.sum` beside `NNNNNNNN.blk`): what replaying
 * the block's records would do to the stream, without its payloads, so that an open reads a
 * small file per block instead of every record (and its checksum) of every block. The role of
 * nats-server 2.9.10's per-block index files (`filestore.go` `writeIndexInfo`/`readIndexInfo`);
 * our own format.
 *
 * A summary is written when a block is sealed (the store rolled to the next one), after a block
 * was rewritten (compaction), and for the active block at a clean stop. It names the block file's
 * size and the checksum of its last record; the store uses it only when the block file still has
 * exactly that size and last checksum (a block appended to, cut or rewritten since is scanned
 * record by record instead). Removals after it was written do not make it wrong: their DELETE and
 * FLOOR records are in later blocks (or the same one, past the size it names), and applying a
 * removal twice changes nothing, so the store applies every block's tombstones and floor.
 *
 * | part | bytes |
 * | --- | --- |
 * | magic `JSBS` (u32 0x5342534a), version 1 (u32), JSON header length H (u32) | 12 |
 * | JSON header: block file size and checksums, BASE, floor, ranges, subjects, tombstones | H |
 * | zero padding to a multiple of 8 | 0-7 |
 * | live messages (N, ascending): seq (f64), ts (i64), subject index (i32), size, offset (u32) | 28 N |
 * | CRC-32 of everything before (u32) | 4 |
 *
 * The subject index points into the header's subject list (-1: no subject).
 * PURE: no Deno APIs, timers or console output.
 */

import { crc32 } from "./crc32.ts";

const MAGIC = 0x5342534a;
const VERSION = 1;
const PER_MSG = 28;

/** One block's summary (see the module doc). */
export interface BlockSummary {
  /** Size of the block file described. */
  blockBytes: number;
  /** The CRC-32 stored in the last 4 bytes of the block file (0 for an empty file). */
  tailCrc: number;
  /**
   * The CRC-32 of the whole block file, or 0 when not computed (written for the active block at
   * a clean stop: the next open checks the last block with one pass instead of record by record).
   */
  blockCrc: number;
  /** The BASE record: the stream's last sequence and time when the block was started. */
  baseLastSeq: number;
  baseLastTs: bigint;
  /** The highest floor of the block's BASE and FLOOR records. */
  floor: number;
  /** The highest sequence the block's records used (BASE, MSG, SKIP, ERASED) and its time. */
  lastUsedSeq: number;
  lastUsedTs: bigint;
  /** Range of the block's MSG records, deleted ones included (0 when none). */
  firstMsgSeq: number;
  lastMsgSeq: number;
  /** Sequences its DELETE records remove. */
  tombstones: number[];
  /** Subjects of the live messages. */
  subjects: string[];
  /** Live message columns (views of the decoded bytes; N entries each). */
  seqs: Float64Array;
  ts: BigInt64Array;
  subjectIndex: Int32Array;
  sizes: Uint32Array;
  offsets: Uint32Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encodes `s` (format in the module doc).
 *
 * @example
 * ```ts
 * import { decodeBlockSummary, encodeBlockSummary } from "./block_summary.ts";
 * import assert from "node:assert";
 * const bytes = encodeBlockSummary({
 *   blockBytes: 100, tailCrc: 7, blockCrc: 0, baseLastSeq: 0, baseLastTs: 0n, floor: 1, lastUsedSeq: 1,
 *   lastUsedTs: 5n, firstMsgSeq: 1, lastMsgSeq: 1, tombstones: [], subjects: ["a"],
 *   seqs: new Float64Array([1]), ts: new BigInt64Array([5n]), subjectIndex: new Int32Array([0]),
 *   sizes: new Uint32Array([40]), offsets: new Uint32Array([39]),
 * });
 * assert.equal(decodeBlockSummary(bytes)?.seqs[0], 1);
 * ```
 */
export function encodeBlockSummary(s: BlockSummary): Uint8Array {
  const header = encoder.encode(JSON.stringify({
    blockBytes: s.blockBytes,
    tailCrc: s.tailCrc,
    blockCrc: s.blockCrc,
    baseLastSeq: s.baseLastSeq,
    baseLastTs: String(s.baseLastTs),
    floor: s.floor,
    lastUsedSeq: s.lastUsedSeq,
    lastUsedTs: String(s.lastUsedTs),
    firstMsgSeq: s.firstMsgSeq,
    lastMsgSeq: s.lastMsgSeq,
    tombstones: s.tombstones,
    subjects: s.subjects,
  }));
  const n = s.seqs.length;
  const columnsAt = Math.ceil((12 + header.length) / 8) * 8;
  const out = new Uint8Array(columnsAt + PER_MSG * n + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let at = columnsAt;
  for (const column of [s.seqs, s.ts, s.subjectIndex, s.sizes, s.offsets]) {
    out.set(new Uint8Array(column.buffer, column.byteOffset, n * column.BYTES_PER_ELEMENT), at);
    at += n * column.BYTES_PER_ELEMENT;
  }
  view.setUint32(at, crc32(out, 0, at), true);
  return out;
}

/**
 * Decodes {@link encodeBlockSummary}'s bytes, or null when they are not a whole valid summary.
 * The columns are views of `buf` when it is 8-byte aligned, else copies. `verify` false skips
 * the checksum (a first look at the header only).
 */
export function decodeBlockSummary(buf: Uint8Array, verify = true): BlockSummary | null {
  try {
    if (buf.length < 16) return null;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) return null;
    const end = buf.length - 4;
    if (verify && view.getUint32(end, true) !== crc32(buf, 0, end)) return null;
    const headerLength = view.getUint32(8, true);
    if (12 + headerLength > end) return null;
    const h = JSON.parse(decoder.decode(buf.subarray(12, 12 + headerLength)));
    const columnsAt = Math.ceil((12 + headerLength) / 8) * 8;
    if ((end - columnsAt) % PER_MSG !== 0) return null;
    const n = (end - columnsAt) / PER_MSG;
    const aligned = buf.byteOffset % 8 === 0;
    const bytesAt = (from: number, length: number) =>
      aligned
        ? { buffer: buf.buffer, at: buf.byteOffset + from }
        : { buffer: buf.slice(from, from + length).buffer, at: 0 };
    let at = columnsAt;
    const take = <T>(size: number, make: (b: ArrayBufferLike, at: number, n: number) => T): T => {
      const { buffer, at: offset } = bytesAt(at, size * n);
      at += size * n;
      return make(buffer, offset, n);
    };
    return {
      blockBytes: h.blockBytes,
      tailCrc: h.tailCrc,
      blockCrc: h.blockCrc ?? 0,
      baseLastSeq: h.baseLastSeq,
      baseLastTs: BigInt(h.baseLastTs),
      floor: h.floor,
      lastUsedSeq: h.lastUsedSeq,
      lastUsedTs: BigInt(h.lastUsedTs),
      firstMsgSeq: h.firstMsgSeq,
      lastMsgSeq: h.lastMsgSeq,
      tombstones: h.tombstones,
      subjects: h.subjects,
      seqs: take(8, (b, o, n) => new Float64Array(b, o, n)),
      ts: take(8, (b, o, n) => new BigInt64Array(b, o, n)),
      subjectIndex: take(4, (b, o, n) => new Int32Array(b, o, n)),
      sizes: take(4, (b, o, n) => new Uint32Array(b, o, n)),
      offsets: take(4, (b, o, n) => new Uint32Array(b, o, n)),
    };
  } catch {
    return null;
  }
}
