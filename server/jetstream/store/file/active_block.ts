/**
 * @module
 * The file store's active (last) block: its file open for appending and, in memory, the bytes
 * appended since it was opened (a block resumed at open keeps its earlier bytes on disk only: they
 * are read like a sealed block's, so an open does not load the whole block). Records are encoded
 * into the in-memory tail; `writePending()` writes everything not yet written with one `write`
 * (and fsyncs when the sync policy is "always"). `schedule()` runs that write in a microtask, so
 * all records appended in one synchronous run share one write (group commit); `pending()` is the
 * promise of that write. Runs in the isolate that owns the stream.
 */

import { type Block, readFileOrNull, writeAll } from "./file_block.ts";
import { type BlockXor, encryptedCopy } from "./store_crypt.ts";
import { goPathError } from "../../../go_path_error.ts";
import { encodeRecord, eraseRecordInPlace, RecordKind, recordLength } from "../record_codec.ts";

/** The appendable last block. */
export class ActiveBlock {
  readonly block: Block;
  #file: Deno.FsFile;
  /** Block bytes [start, block.bytes) at tail[0 ..). */
  #tail: Uint8Array;
  /** Bytes of the block before the tail: on disk only. */
  readonly start: number;
  /** The checksum in the last 4 bytes of the on-disk prefix (0 when none). */
  readonly #startCrc: number;
  /** Block bytes [0, written) are in the file. */
  #written: number;
  readonly #syncAlways: boolean;
  #needsSync = false;
  #batch: Promise<void> | null = null;
  /** Sequences of the MSG records appended but not yet written, in order. */
  #unwrittenSeqs: number[] = [];
  /**
   * Told (in the write's microtask, before its callers hear) that a scheduled write failed: the
   * records it carried were dropped ({@link dropUnwritten}); `first` is the first message's seq.
   */
  onWriteFailed: ((first: number) => void) | null = null;
  /** Largest in-memory buffer grown by doubling (the store's block size). */
  readonly #maxCapacity: number;
  /** The block's keystream (an encrypted store): applied to copies of the bytes written. */
  readonly #xor: BlockXor | undefined;

  /**
   * Opens `block` for appending: its valid content is `content` (kept in memory), or, with
   * `onDisk`, its first `onDisk.bytes` bytes in the file (ending with checksum `onDisk.crc`). The
   * buffer starts at `capacity` bytes and doubles when full up to `maxCapacity` (beyond it:
   * exactly what is needed); `reuse` is the previous active block's buffer to fill again (a roll:
   * a fresh 8 MiB buffer per block was garbage the collector freed late, so RSS grew with the
   * stream while it was being filled). With `xor`, the file holds the block encrypted: bytes are
   * encrypted as written (the tail in memory stays plain) and decrypted as read.
   */
  constructor(
    block: Block,
    content: Uint8Array,
    syncAlways: boolean,
    capacity = 64 * 1024,
    maxCapacity = Infinity,
    onDisk?: { bytes: number; crc: number },
    reuse?: Uint8Array,
    xor?: BlockXor,
  ) {
    this.block = block;
    this.#xor = xor;
    this.#syncAlways = syncAlways;
    this.#maxCapacity = maxCapacity;
    this.start = onDisk?.bytes ?? 0;
    this.#startCrc = onDisk?.crc ?? 0;
    const wanted = Math.max(
      Math.min(Math.max(capacity, content.length * 2, 64 * 1024), maxCapacity),
      content.length,
    );
    if (reuse !== undefined && reuse.length >= wanted) this.#tail = reuse;
    else this.#tail = new Uint8Array(onDisk ? Math.min(capacity, maxCapacity) : wanted);
    this.#tail.set(content);
    block.bytes = this.start + content.length;
    this.#written = block.bytes;
    this.#file = Deno.openSync(block.path, { read: true, write: true, create: true });
    this.#file.seekSync(block.bytes, Deno.SeekMode.Start);
  }

  /** Tail buffer size, for the next block to start with. */
  get capacity(): number {
    return this.#tail.length;
  }

  /** The in-memory buffer, for the next active block to reuse once this one is closed. */
  get buffer(): Uint8Array {
    return this.#tail;
  }

  /** The bytes in memory: block bytes [start, block.bytes) (a view: valid until the next append). */
  tail(): Uint8Array {
    return this.#tail.subarray(0, this.block.bytes - this.start);
  }

  /** The whole block (the on-disk prefix read when there is one). */
  content(): Uint8Array {
    if (this.start === 0) return this.tail();
    const prefix = readFileOrNull(this.block.path)?.subarray(0, this.start) ?? new Uint8Array(0);
    this.#xor?.(prefix, 0);
    const out = new Uint8Array(this.block.bytes);
    out.set(prefix);
    out.set(this.tail(), this.start);
    return out;
  }

  /** The checksum in the block's last 4 bytes (0 when empty). */
  lastCrc(): number {
    const t = this.tail();
    const n = t.length;
    if (n < 4) return this.#startCrc;
    return (t[n - 4] | (t[n - 3] << 8) | (t[n - 2] << 16) | (t[n - 1] << 24)) >>> 0;
  }

  /** Encodes a record at the end of the block; returns its offset. */
  append(
    kind: RecordKind,
    seq: number,
    ts: bigint,
    subject: Uint8Array | null,
    header: Uint8Array | null,
    data: Uint8Array | null,
  ): number {
    const len = recordLength(subject?.length ?? 0, header?.length ?? 0, data?.length ?? 0);
    const at = this.block.bytes;
    const i = at - this.start;
    if (i + len > this.#tail.length) {
      const doubled = Math.min(this.#tail.length * 2, this.#maxCapacity);
      const grown = new Uint8Array(Math.max(doubled, i + len));
      grown.set(this.#tail.subarray(0, i));
      this.#tail = grown;
    }
    encodeRecord(this.#tail, i, kind, seq, ts, subject, header, data);
    this.block.bytes = at + len;
    if (kind === RecordKind.Msg) this.#unwrittenSeqs.push(seq);
    return at;
  }

  /** Makes sure queued records are written in a microtask. */
  schedule(): void {
    if (this.#batch) return;
    this.#batch = new Promise<void>((resolve, reject) => {
      queueMicrotask(() => {
        this.#batch = null;
        try {
          this.writePending();
          resolve();
        } catch (e) {
          this.onWriteFailed?.(this.dropUnwritten());
          reject(e);
        }
      });
    });
    // A failed batch is reported to the storeMsg callers; keep it from being unhandled here.
    this.#batch.catch(() => {});
  }

  /** Resolves once everything appended so far was written. */
  pending(): Promise<void> {
    return this.#batch ?? Promise.resolve();
  }

  /** Writes queued bytes with one write (and fsyncs with "always"). */
  writePending(): void {
    const end = this.block.bytes;
    if (this.#written >= end) return;
    try {
      const plain = this.#tail.subarray(this.#written - this.start, end - this.start);
      writeAll(this.#file, this.#xor ? encryptedCopy(this.#xor, plain, this.#written) : plain);
    } catch (err) {
      // A partial write (a full disk) is cut off, so the file ends at the last whole record and
      // the next write starts there.
      try {
        this.#file.truncateSync(this.#written);
        this.#file.seekSync(this.#written, Deno.SeekMode.Start);
      } catch { /* the next open cuts the torn tail */ }
      throw new Error(goPathError("write", this.block.path, err));
    }
    this.#written = end;
    this.#unwrittenSeqs.length = 0;
    if (this.#syncAlways) this.#file.syncDataSync();
    else this.#needsSync = true;
  }

  /**
   * Forgets the records appended since the last successful write (after a failed one): the block
   * ends where the file does. Returns the first forgotten message sequence, or 0.
   */
  dropUnwritten(): number {
    const first = this.#unwrittenSeqs[0] ?? 0;
    this.#unwrittenSeqs.length = 0;
    this.block.bytes = this.#written;
    return first;
  }

  /** fsyncs when something was written since the last fsync (or always, with `force`). */
  sync(force = false): void {
    if (this.#needsSync || force) this.#file.syncSync();
    this.#needsSync = false;
  }

  /**
   * Erases the MSG record at `at` (in the tail: `at >= start`) in memory and, when already
   * written, in the file.
   */
  eraseAt(at: number): void {
    const i = at - this.start;
    eraseRecordInPlace(this.#tail, i);
    if (at >= this.#written) return;
    const len = new DataView(this.#tail.buffer, i, 4).getUint32(0, true);
    this.#file.seekSync(at, Deno.SeekMode.Start);
    const plain = this.#tail.subarray(i, i + len);
    writeAll(this.#file, this.#xor ? encryptedCopy(this.#xor, plain, at) : plain);
    this.#file.seekSync(this.#written, Deno.SeekMode.Start);
  }

  close(): void {
    this.#file.close();
  }
}
