/**
 * @module
 * Reads records of sealed (not active) block files for the file store: a few open read handles
 * and a few read windows (8 KiB, 64 KiB for a reader going on in order), most recently used
 * first, so a sequential reader costs one read per window and a random read one positioned read,
 * instead of loading whole blocks. Windows of a
 * block are dropped when the block is rewritten, erased into or deleted. Runs in the isolate that
 * owns the stream.
 */

import type { BlockXor } from "./store_crypt.ts";

const WINDOW = 8 * 1024;
/**
 * The window of a read that starts inside or right after the newest window of the same block (a
 * consumer reading the stream in order): one positioned read per 64 KiB, not per 8 KiB.
 */
const SEQUENTIAL_WINDOW = 64 * 1024;
const MAX_WINDOWS = 16;
const MAX_HANDLES = 8;

interface Window {
  id: number;
  start: number;
  buf: Uint8Array;
}

/** Where a record's bytes are: `buf[offset..offset + length)`. */
export interface RecordBytes {
  buf: Uint8Array;
  offset: number;
}

/** Windowed positioned reads of block files. */
export class BlockReader {
  #windows: Window[] = [];
  #handles = new Map<number, Deno.FsFile>();
  /** The keystream of a block (an encrypted store): windows are decrypted as read. */
  readonly #xorOf: ((id: number) => BlockXor) | null;

  constructor(xorOf: ((id: number) => BlockXor) | null = null) {
    this.#xorOf = xorOf;
  }

  /**
   * The bytes of the record at `at` in block `id` (file `path`, `size` bytes long), or null when
   * the file is too short or unreadable.
   */
  read(id: number, path: string, size: number, at: number): RecordBytes | null {
    for (let i = 0; i < this.#windows.length; i++) {
      const w = this.#windows[i];
      if (w.id !== id || at < w.start || at + 4 > w.start + w.buf.length) continue;
      const off = at - w.start;
      const len = recordLengthAt(w.buf, off);
      if (off + len > w.buf.length) continue;
      if (i > 0) {
        this.#windows.splice(i, 1);
        this.#windows.unshift(w);
      }
      return { buf: w.buf, offset: off };
    }
    const f = this.#handle(id, path);
    if (!f || at + 4 > size) return null;
    const newest = this.#windows[0];
    const sequential = newest !== undefined && newest.id === id && at >= newest.start &&
      at <= newest.start + newest.buf.length;
    let buf = new Uint8Array(Math.min(sequential ? SEQUENTIAL_WINDOW : WINDOW, size - at));
    const xor = this.#xorOf?.(id);
    if (!readAt(f, at, buf)) return null;
    xor?.(buf, at);
    const len = recordLengthAt(buf, 0);
    if (len > buf.length) {
      if (at + len > size) return null;
      buf = new Uint8Array(len);
      if (!readAt(f, at, buf)) return null;
      xor?.(buf, at);
    }
    this.#windows.unshift({ id, start: at, buf });
    if (this.#windows.length > MAX_WINDOWS) this.#windows.pop();
    return { buf, offset: 0 };
  }

  /** Forgets windows and the handle of block `id` (rewritten, written into or deleted). */
  invalidate(id: number): void {
    this.#windows = this.#windows.filter((w) => w.id !== id);
    const f = this.#handles.get(id);
    if (f) {
      f.close();
      this.#handles.delete(id);
    }
  }

  close(): void {
    for (const f of this.#handles.values()) f.close();
    this.#handles.clear();
    this.#windows = [];
  }

  #handle(id: number, path: string): Deno.FsFile | null {
    let f = this.#handles.get(id);
    if (f) return f;
    try {
      f = Deno.openSync(path, { read: true });
    } catch {
      return null;
    }
    if (this.#handles.size >= MAX_HANDLES) {
      const [oldId, old] = this.#handles.entries().next().value!;
      old.close();
      this.#handles.delete(oldId);
    }
    this.#handles.set(id, f);
    return f;
  }
}

function recordLengthAt(buf: Uint8Array, off: number): number {
  return (buf[off] | (buf[off + 1] << 8) | (buf[off + 2] << 16) | (buf[off + 3] << 24)) >>> 0;
}

/** Fills `buf` from position `at`; false when the file ends first. */
function readAt(f: Deno.FsFile, at: number, buf: Uint8Array): boolean {
  f.seekSync(at, Deno.SeekMode.Start);
  let n = 0;
  while (n < buf.length) {
    const r = f.readSync(buf.subarray(n));
    if (r === null || r === 0) return false;
    n += r;
  }
  return true;
}
