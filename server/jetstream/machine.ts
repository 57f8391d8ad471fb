/**
 * @module
 * The machine facts JetStream's limits are computed from (nats-server sysmem.Memory and
 * diskAvailable), and the store directory check nats-server runs when JetStream starts
 * (`could not create storage directory - ...`, `storage directory is not a directory`,
 * `storage directory is not writable`). Main isolate (or whichever isolate runs JetStream).
 */
import { diskFree } from "./disk_free.ts";
import { type MachineProbe, MAX_STORE_DEFAULT } from "./js_config.ts";

/** Go's os.TempDir(): $TMPDIR, else /tmp. */
function tempDir(): string {
  const dir = Deno.env.get("TMPDIR");
  return dir !== undefined && dir !== "" ? dir : "/tmp";
}

/** 75% of the free bytes under `dir` (created first, as nats-server does), else 1 TB. */
function diskAvailable(dir: string): number {
  try {
    Deno.mkdirSync(dir, { recursive: true, mode: 0o750 });
  } catch { /* statfs below reports it */ }
  const free = diskFree(dir);
  return free === null ? MAX_STORE_DEFAULT : Math.floor(free / 4) * 3;
}

/** This machine, for {@link resolveJetStream}. */
export function machineProbe(): MachineProbe {
  let systemMemory = 0;
  try {
    systemMemory = Deno.systemMemoryInfo().total;
  } catch { /* unknown: the 256 MB default applies */ }
  return { tmpDir: tempDir(), systemMemory, diskAvailable };
}

/**
 * Makes sure `dir` exists, is a directory and is writable (nats-server enableJetStream);
 * returns nats-server's error text, or null when the directory can be used.
 */
export function prepareStoreDir(dir: string): string | null {
  let stat: Deno.FileInfo;
  try {
    stat = Deno.statSync(dir);
  } catch (err) {
    // Go's os.IsNotExist is false for ENOTDIR: the stat result is nil, "not a directory".
    if (!(err instanceof Deno.errors.NotFound)) return "storage directory is not a directory";
    const mkErr = mkdirAll(dir);
    return mkErr === null ? null : `could not create storage directory - ${mkErr}`;
  }
  if (!stat.isDirectory) return "storage directory is not a directory";
  const probe = `${dir}/_test_${crypto.randomUUID().slice(0, 8)}`;
  try {
    Deno.writeFileSync(probe, new Uint8Array(0), { createNew: true });
    Deno.removeSync(probe);
  } catch {
    return "storage directory is not writable";
  }
  return null;
}

/** errno names as Go's syscall.Errno texts. */
const ERRNO_TEXT: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or directory",
  EEXIST: "file exists",
  ENOTDIR: "not a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many levels of symbolic links",
};

/** Go's *PathError text: `mkdir /x: permission denied`. */
function goPathError(op: string, path: string, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  let reason = typeof code === "string" ? ERRNO_TEXT[code] : undefined;
  if (reason === undefined) {
    if (err instanceof Deno.errors.PermissionDenied) reason = "permission denied";
    else if (err instanceof Deno.errors.NotFound) reason = "no such file or directory";
    else if (err instanceof Deno.errors.AlreadyExists) reason = "file exists";
    else if (err instanceof Error && /not a directory/i.test(err.message)) {
      reason = "not a directory";
    } else reason = "input/output error";
  }
  return `${op} ${path}: ${reason}`;
}

/**
 * Go's os.MkdirAll: parents first, each with its own mkdir, so an error names the first
 * directory that could not be made (`mkdir /ro/x: permission denied`); null when done.
 */
function mkdirAll(path: string): string | null {
  try {
    if (Deno.statSync(path).isDirectory) return null;
    return `mkdir ${path}: not a directory`;
  } catch { /* missing: make it */ }
  let end = path.length;
  while (end > 0 && path[end - 1] === "/") end--;
  let start = end;
  while (start > 0 && path[start - 1] !== "/") start--;
  if (start > 1) {
    const parentErr = mkdirAll(path.slice(0, start - 1));
    if (parentErr !== null) return parentErr;
  }
  try {
    Deno.mkdirSync(path, { mode: 0o750 });
    return null;
  } catch (err) {
    try {
      if (Deno.lstatSync(path).isDirectory) return null;
    } catch { /* report the mkdir error */ }
    return goPathError("mkdir", path, err);
  }
}
