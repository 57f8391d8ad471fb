/**
 * @module
 * A stream directory as a snapshot archive and back (the role of nats-server 2.9.10
 * filestore.go `streamSnapshot` and stream.go `RestoreStream`'s unpacking): the archive is a
 * ustar of denats' own stream directory (`meta.inf`, `meta.sum`, `meta.json`, `blk/*`, and with
 * consumers `obs/*`), framed as an S2 stream. Unpacking refuses anything but regular files and
 * any name that leaves the target directory with nats-server's `unexpected content
 * (account=<name>)`. The archive of an encrypted stream is in clear, as nats-server's
 * (`streamSnapshot` decrypts the blocks and writes the config and consumer states as they are
 * in memory): blocks decrypted, sealed files opened, `meta.sum` of the plain `meta.inf`, no
 * `meta.key` and no block summaries (restore replays the blocks). IO shell: synchronous file calls. Runs in the isolate that owns the streams.
 */
import { s2Frame, s2Unframe } from "../store/archive/s2_frame.ts";
import { REGULAR_TYPES, type TarEntry, tarPack, tarUnpack } from "../store/archive/tar.ts";
import { ArchiveError } from "../store/archive/snappy_block.ts";
import { sha256Hex } from "../../protocol/sha256.ts";
import type { StreamKeys } from "../store/file/store_cipher.ts";
import { StoreCrypt } from "../store/file/store_crypt.ts";

/** The bytes of file `rel` of an encrypted stream as archived, or null to leave it out. */
function plainOf(rel: string, data: Uint8Array, keys: StreamKeys, dir: string): Uint8Array | null {
  if (rel === "meta.key" || /^blk\/\d+\.sum$/.test(rel)) return null;
  const blk = /^blk\/(\d+)\.blk$/.exec(rel);
  if (blk) {
    new StoreCrypt(keys, `${dir}/blk`).block(Number(blk[1]))(data, 0);
    return data;
  }
  if (rel === "meta.sum") {
    const meta = keys.open(Deno.readFileSync(`${dir}/meta.inf`));
    return meta && new TextEncoder().encode(sha256Hex(meta));
  }
  if (
    rel === "meta.inf" || /^obs\/[^/]+\.state$/.test(rel) || /^obs\/[^/]+\/meta\.inf$/.test(rel)
  ) {
    const plain = keys.open(data);
    if (plain === null) throw new Error(`could not decrypt ${rel}`);
    return plain;
  }
  return data;
}

/** Files of a running stream directory that are never archived. */
function skipped(rel: string): boolean {
  return rel === "index.snap" || rel.endsWith(".tmp");
}

function walk(
  root: string,
  rel: string,
  out: TarEntry[],
  includeConsumers: boolean,
  keys: StreamKeys | null,
): void {
  const entries = [...Deno.readDirSync(rel === "" ? root : `${root}/${rel}`)]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = rel === "" ? e.name : `${rel}/${e.name}`;
    if (!includeConsumers && path === "obs") continue;
    if (e.isDirectory) walk(root, path, out, includeConsumers, keys);
    else if (e.isFile && !skipped(path)) {
      const full = `${root}/${path}`;
      const mtime = Deno.statSync(full).mtime?.getTime() ?? 0;
      const raw = Deno.readFileSync(full);
      const data = keys ? plainOf(path, raw, keys, root) : raw;
      if (data !== null) out.push({ name: path, data, mtime: Math.floor(mtime / 1000) });
    }
  }
}

/**
 * The S2-framed ustar of stream directory `dir` (without `obs/` unless `includeConsumers`),
 * read in one synchronous pass so no write lands halfway through it; in clear when the stream
 * is encrypted with `keys`.
 */
export function packStreamDir(
  dir: string,
  includeConsumers: boolean,
  keys: StreamKeys | null = null,
): Uint8Array {
  const entries: TarEntry[] = [];
  walk(dir, "", entries, includeConsumers, keys);
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
