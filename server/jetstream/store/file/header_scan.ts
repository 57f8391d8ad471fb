/**
 * @module
 * The file store's header scan: walks the records of one block buffer in order and hands the
 * header of every live message at or after a sequence to a callback, without decoding or copying
 * the rest (a restart rebuilding the duplicate window read every message of the window one by
 * one: 2.2 s for a million messages). Pure: the caller reads the block and says which records are
 * live.
 */
import { RecordKind, RecordScanner } from "../record_codec.ts";

/** Is the record at `offset` of this block the stored copy of message `seq`? */
export type LiveRecord = (seq: number, offset: number) => boolean;

/**
 * Calls `fn(seq, ts, header)` for each live message record of `buf` with `seq >= start` and a
 * header, in the order of the block. Stops at the first record that does not decode (a torn tail
 * was cut at recovery; nothing valid follows one). Checksums are not verified here: the bytes
 * only feed the duplicate window, and reads of the messages themselves verify them.
 */
export function scanBlockHeaders(
  buf: Uint8Array,
  start: number,
  live: LiveRecord,
  fn: (seq: number, ts: bigint, header: Uint8Array) => void,
): void {
  const r = new RecordScanner(buf);
  let at = 0;
  while (at < buf.length) {
    const n = r.read(at, buf.length, false);
    if (typeof n === "string") return;
    if (
      r.kind === RecordKind.Msg && r.headerLength > 0 && r.seq >= start && live(r.seq, at)
    ) {
      fn(r.seq, r.ts(), buf.subarray(r.headerStart, r.headerStart + r.headerLength));
    }
    at += n;
  }
}
