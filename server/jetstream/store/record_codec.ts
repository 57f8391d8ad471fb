/**
 * @module
 * The file store's record format: encoding and decoding of the records appended to block files.
 * Pure byte work, no IO (file_store.ts does the IO).
 *
 * ## Block files
 *
 * A stream directory holds `meta.json` (limits), `blk/<n>.blk` block files numbered upwards, and
 * `obs/<consumer>.state` consumer state files. A block is a sequence of records; the last block is
 * the one appended to and a new block starts once it reaches the configured block size. Every
 * block starts with a BASE record. All integers are little endian.
 *
 * ## Record
 *
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 4 | record length N, header and checksum included (u32) |
 * | 4 | 1 | kind (see {@link RecordKind}) |
 * | 5 | 8 | sequence (u64) |
 * | 13 | 8 | timestamp, ns since the epoch (i64) |
 * | 21 | 2 | subject length S (u16) |
 * | 23 | 4 | header length H (u32) |
 * | 27 | S | subject (UTF-8) |
 * | 27+S | H | message header |
 * | 27+S+H | N-31-S-H | message data |
 * | N-4 | 4 | CRC-32 of bytes [0, N-4) (u32) |
 *
 * Kinds: MSG is a message; DELETE (tombstone) removes the message `seq`; SKIP uses `seq` without a
 * message; ERASED is a MSG overwritten in place by a secure erase (same length, zeroed contents,
 * new checksum); BASE starts a block: `seq` is the stream's last sequence and `ts` its last time
 * when the block was started, and its 8 data bytes are the floor (u64): every sequence below the
 * floor is gone (purge and compact write a BASE or FLOOR record); FLOOR carries a new floor in
 * `seq` (compact within the stored range).
 *
 * Recovery reads blocks in order and applies records; a record whose length runs past the end of
 * the file, whose length is impossible or whose checksum fails ends the block: in the last block
 * the file is cut there (a torn write), in an earlier block the rest of it is dropped.
 * PURE: no Deno APIs, timers or console output.
 */

import { crc32 } from "./crc32.ts";

/** Record kinds. */
export const RecordKind = {
  Msg: 1,
  Delete: 2,
  Skip: 3,
  Erased: 4,
  Base: 5,
  Floor: 6,
} as const;
/** One of {@link RecordKind}. */
export type RecordKind = typeof RecordKind[keyof typeof RecordKind];

/** Bytes of a record without subject, header and data. */
export const RECORD_OVERHEAD = 31;
/** Offset of the subject in a record. */
export const SUBJECT_OFFSET = 27;
/** Largest record accepted on read (guards against garbage lengths). */
export const MAX_RECORD = 64 * 1024 * 1024 + 1024 * 64;

/** A decoded record; subject/header/data are views into the buffer read. */
export interface DecodedRecord {
  kind: RecordKind;
  seq: number;
  ts: bigint;
  /** Offset and length of the subject bytes within the buffer. */
  subjectStart: number;
  subjectLength: number;
  header: Uint8Array | null;
  data: Uint8Array;
  /** Total record length. */
  length: number;
}

/** Size of a record with these field sizes. */
export function recordLength(subjectLen: number, headerLen: number, dataLen: number): number {
  return RECORD_OVERHEAD + subjectLen + headerLen + dataLen;
}

/**
 * Writes one record at `buf[at..]` (the caller made room: {@link recordLength}); returns its length.
 *
 * @example
 * ```ts
 * import { decodeRecord, encodeRecord, recordLength, RecordKind } from "./record_codec.ts";
 * import assert from "node:assert";
 * const subject = new TextEncoder().encode("foo");
 * const data = new TextEncoder().encode("hi");
 * const buf = new Uint8Array(recordLength(3, 0, 2));
 * encodeRecord(buf, 0, RecordKind.Msg, 7, 9n, subject, null, data);
 * const r = decodeRecord(buf, 0, buf.length);
 * assert.equal(r !== null && typeof r === "object" && r.seq, 7);
 * ```
 */
export function encodeRecord(
  buf: Uint8Array,
  at: number,
  kind: RecordKind,
  seq: number,
  ts: bigint,
  subject: Uint8Array | null,
  header: Uint8Array | null,
  data: Uint8Array | null,
): number {
  const s = subject?.length ?? 0, h = header?.length ?? 0, d = data?.length ?? 0;
  const n = RECORD_OVERHEAD + s + h + d;
  // One DataView per buffer (the active block appends to the same one), absolute offsets.
  if (viewOf !== buf) {
    viewOf = buf;
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  const v = view;
  v.setUint32(at, n, true);
  v.setUint8(at + 4, kind);
  // The u64 sequence as two u32 halves: no BigInt per record.
  v.setUint32(at + 5, seq >>> 0, true);
  v.setUint32(at + 9, Math.floor(seq / 0x1_0000_0000), true);
  v.setBigInt64(at + 13, ts, true);
  v.setUint16(at + 21, s, true);
  v.setUint32(at + 23, h, true);
  let p = at + SUBJECT_OFFSET;
  if (subject) buf.set(subject, p);
  p += s;
  if (header) buf.set(header, p);
  p += h;
  if (data) buf.set(data, p);
  v.setUint32(at + n - 4, crc32(buf, at, at + n - 4), true);
  return n;
}

/** The buffer {@link encodeRecord} wrote last, and a view over all of it. */
let viewOf: Uint8Array | null = null;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/** Why a record could not be decoded. */
export const DecodeFailure = { Truncated: "truncated", Corrupt: "corrupt" } as const;
/** One of {@link DecodeFailure}. */
export type DecodeFailure = typeof DecodeFailure[keyof typeof DecodeFailure];

/**
 * Reads records of one buffer without allocating per record: `read(at, end)` checks the record
 * at `at` and fills the public fields (valid until the next `read`).
 */
export class RecordScanner {
  readonly buf: Uint8Array;
  readonly #view: DataView;
  #at = 0;
  kind: RecordKind = RecordKind.Msg;
  seq = 0;
  subjectStart = 0;
  subjectLength = 0;
  headerStart = 0;
  headerLength = 0;
  dataStart = 0;
  dataLength = 0;
  length = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * Checks the record at `buf[at..end)`: its length, or why it is not a whole valid record. The
   * checksum is verified unless `verify` is false (bytes the store itself holds in memory).
   */
  read(at: number, end: number, verify = true): number | DecodeFailure {
    if (end - at < RECORD_OVERHEAD) return DecodeFailure.Truncated;
    const view = this.#view;
    const n = view.getUint32(at, true);
    if (n < RECORD_OVERHEAD || n > MAX_RECORD) return DecodeFailure.Corrupt;
    if (n > end - at) return DecodeFailure.Truncated;
    const kind = this.buf[at + 4];
    if (kind < RecordKind.Msg || kind > RecordKind.Floor) return DecodeFailure.Corrupt;
    const s = view.getUint16(at + 21, true), h = view.getUint32(at + 23, true);
    if (RECORD_OVERHEAD + s + h > n) return DecodeFailure.Corrupt;
    if (verify && view.getUint32(at + n - 4, true) !== crc32(this.buf, at, at + n - 4)) {
      return DecodeFailure.Corrupt;
    }
    this.#at = at;
    this.kind = kind as RecordKind;
    this.seq = view.getUint32(at + 9, true) * 0x1_0000_0000 + view.getUint32(at + 5, true);
    this.subjectStart = at + SUBJECT_OFFSET;
    this.subjectLength = s;
    this.headerStart = this.subjectStart + s;
    this.headerLength = h;
    this.dataStart = this.headerStart + h;
    this.dataLength = n - RECORD_OVERHEAD - s - h;
    this.length = n;
    return n;
  }

  /** The timestamp of the record last read. */
  ts(): bigint {
    return this.#view.getBigInt64(this.#at + 13, true);
  }
}

/**
 * Decodes the record at `buf[at..end)`: the record, or why not (a record running past `end` is
 * Truncated, a bad length/kind/checksum is Corrupt). `verify` false skips the checksum.
 */
export function decodeRecord(
  buf: Uint8Array,
  at: number,
  end: number,
  verify = true,
): DecodedRecord | DecodeFailure {
  const r = new RecordScanner(buf);
  const n = r.read(at, end, verify);
  if (typeof n === "string") return n;
  return {
    kind: r.kind,
    seq: r.seq,
    ts: r.ts(),
    subjectStart: r.subjectStart,
    subjectLength: r.subjectLength,
    header: r.headerLength > 0 ? buf.subarray(r.headerStart, r.dataStart) : null,
    data: buf.subarray(r.dataStart, r.dataStart + r.dataLength),
    length: n,
  };
}

/** The 8 data bytes of a BASE record holding `floor`. */
export function floorBytes(floor: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(floor), true);
  return b;
}

/** The floor held by a BASE record's data. */
export function readFloor(data: Uint8Array): number {
  if (data.length < 8) return 0;
  return Number(new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true));
}

/**
 * Overwrites the MSG record at `buf[at..at+length)` as ERASED: same length and sequence, subject,
 * header and data zeroed, checksum recomputed.
 */
export function eraseRecordInPlace(buf: Uint8Array, at: number): void {
  const view = new DataView(buf.buffer, buf.byteOffset + at);
  const n = view.getUint32(0, true);
  view.setUint8(4, RecordKind.Erased);
  buf.fill(0, at + SUBJECT_OFFSET, at + n - 4);
  view.setUint32(n - 4, crc32(buf, at, at + n - 4), true);
}
