/**
 * @module
 * One block file of the file store and its bookkeeping: path, length on disk, the range of
 * message sequences it holds, how many of them (and how many accounted bytes) are still live,
 * the tombstones it carries, and the stream's last sequence when it was started (its BASE
 * record). Also the small synchronous file helpers the store uses (atomic replace, listing,
 * reading meta.json).
 * Runs in the isolate that owns the stream.
 */

import { defaultLimits, DiscardPolicy, type StoreLimits } from "../types.ts";

const decoder = new TextDecoder();

/** In-memory bookkeeping for one block file. */
export interface Block {
  readonly id: number;
  readonly path: string;
  /** Bytes in the file (for the active block: including queued bytes not yet written). */
  bytes: number;
  liveMsgs: number;
  /** Accounted bytes (fileStoreMsgSize) of the live messages. */
  liveBytes: number;
  /** Sequence range of the MSG records in this block (0 when none). */
  firstMsgSeq: number;
  lastMsgSeq: number;
  /** Sequences deleted by DELETE records in this block. */
  tombstones: Set<number>;
  /** The BASE record: the stream's last sequence and time when this block was started. */
  baseLastSeq: number;
  baseLastTs: bigint;
  /** The highest floor of its BASE and FLOOR records. */
  floor: number;
  /** The highest sequence its records used (BASE, MSG, SKIP, ERASED) and that record's time. */
  lastUsedSeq: number;
  lastUsedTs: bigint;
  /** Its summary file (block_summary.ts) describes it as it is now. */
  summarized: boolean;
  /** The checksum in its file's last 4 bytes when last summarized. */
  tailCrc: number;
}

/** A new, empty block record. */
export function newBlock(id: number, dir: string, baseLastSeq: number, baseLastTs: bigint): Block {
  return {
    id,
    path: blockPath(dir, id),
    bytes: 0,
    liveMsgs: 0,
    liveBytes: 0,
    firstMsgSeq: 0,
    lastMsgSeq: 0,
    tombstones: new Set(),
    baseLastSeq,
    baseLastTs,
    floor: 0,
    lastUsedSeq: baseLastSeq,
    lastUsedTs: baseLastTs,
    summarized: false,
    tailCrc: 0,
  };
}

/** The block file of block `id` in `dir` (the blk folder). */
export function blockPath(dir: string, id: number): string {
  return `${dir}/${String(id).padStart(8, "0")}.blk`;
}

const encoder = new TextEncoder();

/** The UTF-8 bytes of `subject`, from (and kept in) `cache` (cleared past 4096 subjects). */
export function subjectBytes(cache: Map<string, Uint8Array>, subject: string): Uint8Array {
  let b = cache.get(subject);
  if (!b) {
    if (cache.size > 4096) cache.clear();
    b = encoder.encode(subject);
    cache.set(subject, b);
  }
  return b;
}

/** The summary file of block `id` in `dir` (block_summary.ts). */
export function summaryPath(dir: string, id: number): string {
  return `${dir}/${String(id).padStart(8, "0")}.sum`;
}

/** Removes `path` when it exists. */
export function removeIfExists(path: string): void {
  try {
    Deno.removeSync(path);
  } catch {
    // already gone
  }
}

/** Block ids found in `dir`, ascending. */
export function listBlockIds(dir: string): number[] {
  const ids: number[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const m = /^(\d+)\.blk$/.exec(e.name);
    if (e.isFile && m) ids.push(Number(m[1]));
  }
  return ids.sort((a, b) => a - b);
}

/** Writes `bytes` to `path` atomically: a temporary file, fsync (unless not `sync`), rename. */
export function writeFileAtomic(path: string, bytes: Uint8Array, sync = true): void {
  const tmp = `${path}.tmp`;
  const f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
  try {
    writeAll(f, bytes);
    if (sync) f.syncSync();
  } finally {
    f.close();
  }
  Deno.renameSync(tmp, path);
}

/** Overwrites the bytes at `at` of the file at `path` with `bytes`. */
export function writeAt(path: string, at: number, bytes: Uint8Array): void {
  const f = Deno.openSync(path, { write: true });
  try {
    f.seekSync(at, Deno.SeekMode.Start);
    writeAll(f, bytes);
  } finally {
    f.close();
  }
}

/** Writes all of `bytes` at the file's current position. */
export function writeAll(f: Deno.FsFile, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += f.writeSync(bytes.subarray(off));
}

/**
 * The whole file at `path`, or null when it cannot be read. Reads into one buffer of the file's
 * size (Deno.readFileSync was measured 5-20x slower on 24 MB files), or of `capacity` bytes when
 * larger (room to append without a copy: pages never written cost nothing), or into `into` when
 * it is large enough (a scratch buffer reused across files: touching fresh memory is what costs
 * most here, about 4 ms per MB on the benchmark machine).
 */
export function readFileOrNull(
  path: string,
  capacity = 0,
  into?: Uint8Array,
): Uint8Array | null {
  return withReadFile(path, (f) => {
    const size = f.statSync().size;
    const buf = into && into.length >= size
      ? into.subarray(0, size)
      : new Uint8Array(Math.max(size, capacity)).subarray(0, size);
    return buf.subarray(0, readFull(f, buf));
  });
}

/**
 * Runs `fn` on the file at `path` opened for reading and closes it; null when the file cannot
 * be opened or `fn` throws.
 */
export function withReadFile<T>(path: string, fn: (f: Deno.FsFile) => T): T | null {
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { read: true });
  } catch {
    return null;
  }
  try {
    return fn(f);
  } catch {
    return null;
  } finally {
    f.close();
  }
}

/** Reads into `buf` until it is full or the file ends; returns the bytes read. */
export function readFull(f: Deno.FsFile, buf: Uint8Array): number {
  let got = 0;
  while (got < buf.length) {
    const r = f.readSync(buf.subarray(got));
    if (r === null || r === 0) break;
    got += r;
  }
  return got;
}

/** Up to `n` first bytes of the file at `path` (into `scratch` when large enough), or null. */
export function readPrefix(path: string, n: number, scratch?: Uint8Array): Uint8Array | null {
  return withReadFile(path, (f) => {
    const buf = scratch && scratch.length >= n ? scratch.subarray(0, n) : new Uint8Array(n);
    return buf.subarray(0, readFull(f, buf));
  });
}

/** Saves `limits` as meta.json at `path` unless its text is `previous`; returns the text. */
export function writeMeta(path: string, limits: StoreLimits, previous: string): string {
  const json = JSON.stringify({ ...limits, maxAge: limits.maxAge.toString() });
  if (json !== previous) writeFileAtomic(path, encoder.encode(json));
  return json;
}

/** The limits saved in meta.json (and its text), or null. */
export function readMeta(path: string): { limits: StoreLimits; json: string } | null {
  const bytes = readFileOrNull(path);
  if (!bytes) return null;
  try {
    const json = decoder.decode(bytes);
    const m = JSON.parse(json);
    const d = defaultLimits();
    const limits: StoreLimits = {
      maxMsgs: Number(m.maxMsgs ?? d.maxMsgs),
      maxBytes: Number(m.maxBytes ?? d.maxBytes),
      maxAge: BigInt(m.maxAge ?? 0),
      maxMsgsPerSubject: Number(m.maxMsgsPerSubject ?? d.maxMsgsPerSubject),
      maxMsgSize: Number(m.maxMsgSize ?? d.maxMsgSize),
      discard: m.discard === DiscardPolicy.New ? DiscardPolicy.New : DiscardPolicy.Old,
      discardNewPerSubject: m.discardNewPerSubject === true,
    };
    return { limits, json };
  } catch {
    return null;
  }
}
