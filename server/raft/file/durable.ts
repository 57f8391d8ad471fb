/**
 * @module
 * Small durable files of a RAFT log directory: `tav.idx` (term and vote), `peers.idx` (peer
 * state) and the snapshot files are each replaced whole with a temporary file, fsync, rename
 * and an fsync of the directory, so a crash leaves the old or the new contents, never a mix.
 * Runs in the isolate that owns the RAFT group (sync Deno file APIs).
 */

/** Writes `bytes` to `path` atomically and durably (temp file, fsync, rename, dir fsync). */
export function writeDurable(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  const file = Deno.openSync(tmp, { write: true, create: true, truncate: true, mode: 0o640 });
  try {
    writeAll(file, bytes);
    file.syncSync();
  } finally {
    file.close();
  }
  Deno.renameSync(tmp, path);
  syncDir(dirname(path));
}

/** The contents of `path`, or undefined when it does not exist. */
export function readOptional(path: string): Uint8Array | undefined {
  try {
    return Deno.readFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** Removes `path`; a missing file is fine. */
export function removeIfExists(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/** Writes all of `bytes` at the file's position (appends for an append-mode file). */
export function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) at += file.writeSync(bytes.subarray(at));
}

/** Reads exactly `length` bytes at `offset`; fewer when the file ends first. */
export function readAt(file: Deno.FsFile, offset: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  file.seekSync(offset, Deno.SeekMode.Start);
  let at = 0;
  while (at < length) {
    const n = file.readSync(buf.subarray(at));
    if (n === null || n === 0) break;
    at += n;
  }
  return at === length ? buf : buf.subarray(0, at);
}

/** fsyncs a directory so a rename, create or remove in it is durable (best effort). */
export function syncDir(dir: string): void {
  let file: Deno.FsFile | undefined;
  try {
    file = Deno.openSync(dir, { read: true });
    file.syncSync();
  } catch {
    // Some platforms cannot open or fsync a directory; the rename is still atomic.
  } finally {
    file?.close();
  }
}

function dirname(path: string): string {
  const at = path.lastIndexOf("/");
  return at <= 0 ? (at === 0 ? "/" : ".") : path.slice(0, at);
}
