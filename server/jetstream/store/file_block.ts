/**
 * @module
 * One block file of the file store and its bookkeeping: path, length on disk, the range of
 * message sequences it holds, how many of them (and how many accounted bytes) are still live,
 * the tombstones it carries, and the stream's last sequence when it was started (its BASE
 * record). Also the small synchronous file helpers the store uses (atomic replace, listing).
 * Runs in the isolate that owns the stream.
 */

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
  };
}

/** The block file of block `id` in `dir` (the blk folder). */
export function blockPath(dir: string, id: number): string {
  return `${dir}/${String(id).padStart(8, "0")}.blk`;
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

/** Writes `bytes` to `path` atomically: a temporary file, fsync, rename. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  const f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
  try {
    writeAll(f, bytes);
    f.syncSync();
  } finally {
    f.close();
  }
  Deno.renameSync(tmp, path);
}

/** Writes all of `bytes` at the file's current position. */
export function writeAll(f: Deno.FsFile, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += f.writeSync(bytes.subarray(off));
}

/** The whole file at `path`, or null when it cannot be read. */
export function readFileOrNull(path: string): Uint8Array | null {
  try {
    return Deno.readFileSync(path);
  } catch {
    return null;
  }
}
