/**
 * @module
 * The file store's active (last) block: its whole content in memory and its file open for
 * appending. Records are encoded into the in-memory tail; `writePending()` writes everything not
 * yet written with one `write` (and fsyncs when the sync policy is "always"). `schedule()` runs
 * that write in a microtask, so all records appended in one synchronous run share one write (group
 * commit); `pending()` is the promise of that write. Runs in the isolate that owns the stream.
 */

import { type Block, writeAll } from "./file_block.ts";
import {
  encodeRecord,
  eraseRecordInPlace,
  type RecordKind,
  recordLength,
} from "../record_codec.ts";

/** The appendable last block. */
export class ActiveBlock {
  readonly block: Block;
  #file: Deno.FsFile;
  #tail: Uint8Array;
  /** Bytes [0, written) of the tail are in the file. */
  #written: number;
  readonly #syncAlways: boolean;
  #needsSync = false;
  #batch: Promise<void> | null = null;

  /** Largest in-memory buffer grown by doubling (the store's block size). */
  readonly #maxCapacity: number;

  /**
   * Opens `block` (whose valid content is `content`) for appending, with a buffer of `capacity`
   * bytes that doubles when full up to `maxCapacity` (beyond it: exactly what is needed).
   */
  constructor(
    block: Block,
    content: Uint8Array,
    syncAlways: boolean,
    capacity = 64 * 1024,
    maxCapacity = Infinity,
  ) {
    this.block = block;
    this.#syncAlways = syncAlways;
    this.#maxCapacity = maxCapacity;
    const wanted = Math.max(
      Math.min(Math.max(capacity, content.length * 2, 64 * 1024), maxCapacity),
      content.length,
    );
    if (content.byteOffset === 0 && content.buffer.byteLength >= wanted) {
      // A buffer read with room to spare (recovery): adopted, not copied.
      this.#tail = new Uint8Array(content.buffer as ArrayBuffer);
    } else {
      this.#tail = new Uint8Array(wanted);
      this.#tail.set(content);
    }
    block.bytes = content.length;
    this.#written = content.length;
    this.#file = Deno.openSync(block.path, { read: true, write: true, create: true });
    this.#file.seekSync(content.length, Deno.SeekMode.Start);
  }

  /** Tail buffer size, for the next block to start with. */
  get capacity(): number {
    return this.#tail.length;
  }

  /** The block's bytes, written or queued (a view: valid until the next append). */
  content(): Uint8Array {
    return this.#tail.subarray(0, this.block.bytes);
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
    if (at + len > this.#tail.length) {
      const doubled = Math.min(this.#tail.length * 2, this.#maxCapacity);
      const grown = new Uint8Array(Math.max(doubled, at + len));
      grown.set(this.#tail.subarray(0, at));
      this.#tail = grown;
    }
    encodeRecord(this.#tail, at, kind, seq, ts, subject, header, data);
    this.block.bytes = at + len;
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
    writeAll(this.#file, this.#tail.subarray(this.#written, end));
    this.#written = end;
    if (this.#syncAlways) this.#file.syncDataSync();
    else this.#needsSync = true;
  }

  /** fsyncs when something was written since the last fsync (or always, with `force`). */
  sync(force = false): void {
    if (this.#needsSync || force) this.#file.syncSync();
    this.#needsSync = false;
  }

  /** Erases the MSG record at `at` in memory and, when already written, in the file. */
  eraseAt(at: number): void {
    eraseRecordInPlace(this.#tail, at);
    if (at >= this.#written) return;
    const len = new DataView(this.#tail.buffer, at, 4).getUint32(0, true);
    this.#file.seekSync(at, Deno.SeekMode.Start);
    writeAll(this.#file, this.#tail.subarray(at, at + len));
    this.#file.seekSync(this.#written, Deno.SeekMode.Start);
  }

  close(): void {
    this.#file.close();
  }
}
