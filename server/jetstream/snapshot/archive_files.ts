/**
 * @module
 * A stream directory as a snapshot archive and back (the role of nats-server 2.9.10
 * filestore.go `streamSnapshot` and stream.go `RestoreStream`'s unpacking): the archive is a
 * ustar of denats' own stream directory (`meta.inf`, `meta.sum`, `meta.json`, `blk/*`, and with
 * consumers `obs/*`), framed as an S2 stream. Unpacking refuses anything but regular files and
 * any name that leaves the target directory with nats-server's `unexpected content
 * (account=<name>)`. IO shell: synchronous file calls. Runs in the isolate that owns the streams.
 */
import { s2Frame, s2Unframe } from "../store/archive/s2_frame.ts";
import { REGULAR_TYPES, type TarEntry, tarPack, tarUnpack } from "../store/archive/tar.ts";
import { ArchiveError } from "../store/archive/snappy_block.ts";

/** Files of a running stream directory that are never archived. */
function skipped(rel: string): boolean {
  return rel === "index.snap" || rel.endsWith(".tmp");
}

function walk(root: string, rel: string, out: TarEntry[], includeConsumers: boolean): void {
  const entries = [...Deno.readDirSync(rel === "" ? root : `${root}/${rel}`)]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = rel === "" ? e.name : `${rel}/${e.name}`;
    if (!includeConsumers && path === "obs") continue;
    if (e.isDirectory) walk(root, path, out, includeConsumers);
    else if (e.isFile && !skipped(path)) {
      const full = `${root}/${path}`;
      const mtime = Deno.statSync(full).mtime?.getTime() ?? 0;
      out.push({ name: path, data: Deno.readFileSync(full), mtime: Math.floor(mtime / 1000) });
    }
  }
}

/**
 * The S2-framed ustar of stream directory `dir` (without `obs/` unless `includeConsumers`),
 * read in one synchronous pass so no write lands halfway through it.
 */
export function packStreamDir(dir: string, includeConsumers: boolean): Uint8Array {
  const entries: TarEntry[] = [];
  walk(dir, "", entries, includeConsumers);
  return s2Frame(tarPack(entries));
}

/**
 * The path below the target of an archive name (POSIX clean of it, leading `/` dropped as Go's
 * filepath.Join does), or null when it names the target itself or leaves it.
 *
 * @example
 * ```ts
 * import { cleanArchivePath } from "./archive_files.ts";
 * if (cleanArchivePath("blk/../meta.inf") !== "meta.inf") throw new Error();
 * if (cleanArchivePath("../x") !== null || cleanArchivePath("./") !== null) throw new Error();
 * ```
 */
export function cleanArchivePath(name: string): string | null {
  const parts: string[] = [];
  for (const p of name.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(p);
  }
  return parts.length === 0 ? null : parts.join("/");
}

/**
 * Decodes `framed` and writes its files under `target` (which must exist); throws
 * {@link ArchiveError} with the Go text restore reports: the s2 or tar error, or `unexpected
 * content (account=<account>)` for a non-file entry or a name outside `target`. Everything is
 * checked before the first file is written.
 */
export function unpackArchive(framed: Uint8Array, target: string, account: string): number {
  const entries = tarUnpack(s2Unframe(framed));
  const files: { path: string; data: Uint8Array }[] = [];
  for (const e of entries) {
    const path = cleanArchivePath(e.name);
    if (!REGULAR_TYPES.includes(e.type ?? "0") || path === null) {
      throw new ArchiveError(`unexpected content (account=${account})`);
    }
    files.push({ path, data: e.data });
  }
  for (const f of files) {
    const full = `${target}/${f.path}`;
    const slash = full.lastIndexOf("/");
    Deno.mkdirSync(full.slice(0, slash), { recursive: true, mode: 0o750 });
    Deno.writeFileSync(full, f.data, { mode: 0o600 });
  }
  return files.length;
}
