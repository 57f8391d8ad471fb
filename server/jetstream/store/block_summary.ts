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
 * | magic `JSBS` (u32 0x5342534a), version 2, JSON header length H, CRC-32 of header and bits | 16 |
 * | JSON header: block file size and checksums, BASE, floor, ranges, tombstones, subjects with their counts, live count, bytes and first/last | H |
 * | presence bits of the MSG range firstMsgSeq..lastMsgSeq (bit i: seq firstMsgSeq + i is live) | P |
 * | zero padding to a multiple of 8 | 0-7 |
 * | live messages (N, ascending): seq (f64), ts (i64), subject index (i32), size, offset (u32) | 28 N |
 * | CRC-32 of the live message columns (u32) | 4 |
 *
 * The header and bits alone (a small prefix of the file) are what an open needs: the file store
 * keeps a sealed block's messages as an index page (index_pages.ts) whose columns it loads from
 * here on demand.
 * The subject index points into the header's subject list (-1: no subject).
 * PURE: no Deno APIs, timers or console output.
 */

import { crc32 } from "./crc32.ts";

const MAGIC = 0x5342534a;
const VERSION = 2;
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
  /** Per subject (same order): live messages, first and last sequence. */
  subjectStats: [number, number, number][];
  /** Live messages, their accounted bytes, the first and last one with their times. */
  liveMsgs: number;
  liveBytes: number;
  firstLive: number;
  firstLiveTs: bigint;
  lastLive: number;
  lastLiveTs: bigint;
  /** Presence bits of firstMsgSeq..lastMsgSeq. */
  present: Uint8Array;
  /** Live message columns (views of the decoded bytes; N entries each). */
  seqs: Float64Array;
  ts: BigInt64Array;
  subjectIndex: Int32Array;
  sizes: Uint32Array;
  offsets: Uint32Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What a summary is made of; {@link completeSummary} derives the rest from the columns. */
export type SummaryParts = Omit<
  BlockSummary,
  | "subjectStats"
  | "liveMsgs"
  | "liveBytes"
  | "firstLive"
  | "firstLiveTs"
  | "lastLive"
  | "lastLiveTs"
  | "present"
>;

/** `parts` with the per-subject counts, live totals and presence bits computed. */
export function completeSummary(parts: SummaryParts): BlockSummary {
  const { seqs, ts, subjectIndex, sizes } = parts;
  const n = seqs.length;
  const stats: [number, number, number][] = parts.subjects.map(() => [0, 0, 0]);
  const range = parts.firstMsgSeq > 0 ? parts.lastMsgSeq - parts.firstMsgSeq + 1 : 0;
  const present = new Uint8Array((range + 7) >> 3);
  let bytes = 0;
  for (let k = 0; k < n; k++) {
    bytes += sizes[k];
    const i = seqs[k] - parts.firstMsgSeq;
    present[i >> 3] |= 1 << (i & 7);
    const li = subjectIndex[k];
    if (li < 0) continue;
    const st = stats[li];
    if (st[0] === 0) st[1] = seqs[k];
    st[0]++;
    st[2] = seqs[k];
  }
  return {
    ...parts,
    subjectStats: stats,
    liveMsgs: n,
    liveBytes: bytes,
    firstLive: n > 0 ? seqs[0] : 0,
    firstLiveTs: n > 0 ? ts[0] : 0n,
    lastLive: n > 0 ? seqs[n - 1] : 0,
    lastLiveTs: n > 0 ? ts[n - 1] : 0n,
    present,
  };
}

/**
 * Encodes `s` (format in the module doc).
 *
 * @example
 * ```ts
 * import { completeSummary, decodeBlockSummary, encodeBlockSummary } from "./block_summary.ts";
 * import assert from "node:assert";
 * const bytes = encodeBlockSummary(completeSummary({
 *   blockBytes: 100, tailCrc: 7, blockCrc: 0, baseLastSeq: 0, baseLastTs: 0n, floor: 1,
 *   lastUsedSeq: 1, lastUsedTs: 5n, firstMsgSeq: 1, lastMsgSeq: 1, tombstones: [],
 *   subjects: ["a"], seqs: new Float64Array([1]), ts: new BigInt64Array([5n]),
 *   subjectIndex: new Int32Array([0]), sizes: new Uint32Array([40]),
 *   offsets: new Uint32Array([39]),
 * }));
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
    subjectStats: s.subjectStats,
    liveMsgs: s.liveMsgs,
    liveBytes: s.liveBytes,
    firstLive: s.firstLive,
    firstLiveTs: String(s.firstLiveTs),
    lastLive: s.lastLive,
    lastLiveTs: String(s.lastLiveTs),
    presentBytes: s.present.length,
  }));
  const n = s.seqs.length;
  const bitsEnd = 16 + header.length + s.present.length;
  const columnsAt = Math.ceil(bitsEnd / 8) * 8;
  const out = new Uint8Array(columnsAt + PER_MSG * n + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 16);
  out.set(s.present, 16 + header.length);
  view.setUint32(12, crc32(out, 16, bitsEnd), true);
  let at = columnsAt;
  for (const column of [s.seqs, s.ts, s.subjectIndex, s.sizes, s.offsets]) {
    out.set(new Uint8Array(column.buffer, column.byteOffset, n * column.BYTES_PER_ELEMENT), at);
    at += n * column.BYTES_PER_ELEMENT;
  }
  view.setUint32(at, crc32(out, columnsAt, at), true);
  return out;
}

/**
 * Bytes of the file prefix {@link decodeSummaryHeader} needs, read from its first 16 bytes (0
 * when they are not a summary's).
 */
export function summaryPrefixLength(buf: Uint8Array): number {
  if (buf.length < 16) return 0;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) return 0;
  return 16 + view.getUint32(8, true);
}

/**
 * The header and presence bits of a summary from a prefix of its file (at least
 * {@link summaryPrefixLength} plus the bits), verified by their checksum; the columns are empty.
 * Null when not valid (or the prefix is too short).
 */
export function decodeSummaryHeader(buf: Uint8Array): BlockSummary | null {
  try {
    const headerEnd = summaryPrefixLength(buf);
    if (headerEnd === 0 || headerEnd > buf.length) return null;
    const h = JSON.parse(decoder.decode(buf.subarray(16, headerEnd)));
    const bitsEnd = headerEnd + h.presentBytes;
    if (bitsEnd > buf.length) return null;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (view.getUint32(12, true) !== crc32(buf, 16, bitsEnd)) return null;
    return {
      blockBytes: h.blockBytes,
      tailCrc: h.tailCrc,
      blockCrc: h.blockCrc,
      baseLastSeq: h.baseLastSeq,
      baseLastTs: BigInt(h.baseLastTs),
      floor: h.floor,
      lastUsedSeq: h.lastUsedSeq,
      lastUsedTs: BigInt(h.lastUsedTs),
      firstMsgSeq: h.firstMsgSeq,
      lastMsgSeq: h.lastMsgSeq,
      tombstones: h.tombstones,
      subjects: h.subjects,
      subjectStats: h.subjectStats,
      liveMsgs: h.liveMsgs,
      liveBytes: h.liveBytes,
      firstLive: h.firstLive,
      firstLiveTs: BigInt(h.firstLiveTs),
      lastLive: h.lastLive,
      lastLiveTs: BigInt(h.lastLiveTs),
      present: buf.slice(headerEnd, bitsEnd),
      seqs: new Float64Array(0),
      ts: new BigInt64Array(0),
      subjectIndex: new Int32Array(0),
      sizes: new Uint32Array(0),
      offsets: new Uint32Array(0),
    };
  } catch {
    return null;
  }
}

/**
 * Decodes {@link encodeBlockSummary}'s bytes, or null when they are not a whole valid summary.
 * The columns are views of `buf` when it is 8-byte aligned, else copies.
 */
export function decodeBlockSummary(buf: Uint8Array): BlockSummary | null {
  const s = decodeSummaryHeader(buf);
  if (s === null) return null;
  const headerEnd = summaryPrefixLength(buf);
  const columnsAt = Math.ceil((headerEnd + s.present.length) / 8) * 8;
  const end = buf.length - 4;
  const n = s.liveMsgs;
  if (end - columnsAt !== PER_MSG * n) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(end, true) !== crc32(buf, columnsAt, end)) return null;
  const aligned = buf.byteOffset % 8 === 0;
  let at = columnsAt;
  const take = (size: number): [ArrayBufferLike, number] => {
    const from = at;
    at += size * n;
    if (aligned) return [buf.buffer, buf.byteOffset + from];
    return [buf.slice(from, from + size * n).buffer, 0];
  };
  s.seqs = new Float64Array(...take(8), n);
  s.ts = new BigInt64Array(...take(8), n);
  s.subjectIndex = new Int32Array(...take(4), n);
  s.sizes = new Uint32Array(...take(4), n);
  s.offsets = new Uint32Array(...take(4), n);
  return s;
}
