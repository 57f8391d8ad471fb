/**
 * @module
 * The record format of FileLog segment files (our own, not nats-server's block format): each
 * stored log entry is one record, little-endian:
 *
 * | offset | size | field                                          |
 * | ------ | ---- | ---------------------------------------------- |
 * | 0      | 4    | record length, header included (>= 24)         |
 * | 4      | 4    | CRC-32 of bytes 8..length (index, term, entry) |
 * | 8      | 8    | log index                                      |
 * | 16     | 8    | term                                           |
 * | 24     | n    | the encoded append entry (raft.go ae.buf)      |
 *
 * {@link scanRecords} reads a segment back and stops at the first record that is short, fails
 * its CRC or breaks the index/term order (a torn tail or corruption: everything from there on is
 * cut, as nats-server's filestore truncates at the first bad record).
 * Runs in any isolate (no IO here; file_log.ts does the IO).
 */
import { crc32 } from "../../jetstream/store/crc32.ts";
import { getU32, getU64, putU32, putU64 } from "../wire.ts";

/** Bytes before the entry in every record. */
export const RECORD_HEADER_LEN = 24;

/** One record as found in a segment: where it is and what it holds. */
export interface ScannedRecord {
  index: number;
  term: number;
  /** Offset of the record (its length field) in the segment. */
  offset: number;
  /** Whole record length, header included. */
  length: number;
}

/** The result of scanning one segment. */
export interface SegmentScan {
  records: ScannedRecord[];
  /** Offset just after the last good record: where the segment must be cut. */
  validEnd: number;
  /** Why the scan stopped before the end, if it did. */
  problem?: string;
}

/**
 * Encodes one record.
 *
 * @example
 * ```ts
 * import { encodeRecord, scanRecords } from "./record.ts";
 * const rec = encodeRecord(1, 1, new Uint8Array([7]));
 * if (scanRecords(rec, 0, 0).records.length !== 1) throw new Error();
 * ```
 */
export function encodeRecord(index: number, term: number, entry: Uint8Array): Uint8Array {
  const buf = new Uint8Array(RECORD_HEADER_LEN + entry.length);
  putU32(buf, 0, buf.length);
  putU64(buf, 8, index);
  putU64(buf, 16, term);
  buf.set(entry, RECORD_HEADER_LEN);
  putU32(buf, 4, crc32(buf, 8));
  return buf;
}

/**
 * Scans the records of a segment. `prevIndex`/`prevTerm` are those of the record before the
 * segment (0 and 0 when there is none, and then the first record may have any index): each
 * record must follow with index + 1 and a term no lower.
 */
export function scanRecords(buf: Uint8Array, prevIndex: number, prevTerm: number): SegmentScan {
  const records: ScannedRecord[] = [];
  let at = 0;
  let problem: string | undefined;
  while (at < buf.length) {
    if (buf.length - at < RECORD_HEADER_LEN) {
      problem = "short record header";
      break;
    }
    const length = getU32(buf, at);
    if (length < RECORD_HEADER_LEN || length > buf.length - at) {
      problem = "record length past the end";
      break;
    }
    if (crc32(buf, at + 8, at + length) !== getU32(buf, at + 4)) {
      problem = "record checksum mismatch";
      break;
    }
    const index = getU64(buf, at + 8);
    const term = getU64(buf, at + 16);
    if ((prevIndex !== 0 || records.length > 0) && index !== prevIndex + 1) {
      problem = `record index ${index} after ${prevIndex}`;
      break;
    }
    if (term < prevTerm) {
      problem = `record term ${term} below ${prevTerm}`;
      break;
    }
    records.push({ index, term, offset: at, length });
    prevIndex = index;
    prevTerm = term;
    at += length;
  }
  return { records, validEnd: at, problem };
}
