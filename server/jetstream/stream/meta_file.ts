/**
 * @module
 * A stream's saved config (nats-server 2.9.10 filestore.go `writeStreamMeta`, `meta.inf` and
 * `meta.sum` under `<store_dir>/<account>/streams/<name>/`): `meta.inf` holds the config JSON
 * with its `created` time first (Go's FileStreamInfo), `meta.sum` the SHA-256 of `meta.inf` in
 * hex (nats-server uses a keyed highwayhash; the layout, not the hash, is what is kept). Both are
 * written to a temporary file and renamed. Recovery lists every saved stream of every account,
 * skipping (and reporting) one whose checksum or JSON is bad. IO shell: synchronous file calls,
 * used while JetStream starts (before the server is ready) and by the stream API.
 */
import { createHash } from "node:crypto";
import { parseStreamConfig, type StreamConfig, streamConfigToJson } from "../api/stream_config.ts";
import { goTimeNs, parseGoTimeNs } from "./go_time.ts";
import { goJson } from "./inbound.ts";

/** nats-server's file names. */
export const META_FILE = "meta.inf";
export const META_SUM_FILE = "meta.sum";

/** The directory of stream `name` of `account`. */
export function streamDir(storeDir: string, account: string, name: string): string {
  return `${storeDir}/${account}/streams/${name}`;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Writes `meta.inf` and `meta.sum` of a stream (creating its directory). */
export function writeStreamMeta(dir: string, config: StreamConfig, created: bigint): void {
  Deno.mkdirSync(dir, { recursive: true, mode: 0o750 });
  const body = new TextEncoder().encode(
    goJson({ created: goTimeNs(created), ...streamConfigToJson(config) }),
  );
  writeAtomic(`${dir}/${META_FILE}`, body);
  writeAtomic(`${dir}/${META_SUM_FILE}`, new TextEncoder().encode(sha256Hex(body)));
}

function writeAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  Deno.writeFileSync(tmp, bytes, { mode: 0o640 });
  Deno.renameSync(tmp, path);
}

/** A saved stream read back. */
export interface SavedStream {
  account: string;
  dir: string;
  config: StreamConfig;
  created: bigint;
}

/** Reads one stream directory; throws with the reason when it cannot be used. */
export function readStreamMeta(dir: string): { config: StreamConfig; created: bigint } {
  const body = Deno.readFileSync(`${dir}/${META_FILE}`);
  const sum = new TextDecoder().decode(Deno.readFileSync(`${dir}/${META_SUM_FILE}`)).trim();
  if (sum !== sha256Hex(body)) throw new Error("meta file checksum mismatch");
  const text = new TextDecoder().decode(body);
  const parsed = parseStreamConfig(text);
  if ("error" in parsed) throw new Error("meta file is not valid JSON");
  const raw = JSON.parse(text) as { created?: string };
  return { config: parsed.config, created: parseGoTimeNs(raw.created ?? "") ?? 0n };
}

function listDirs(path: string): string[] {
  try {
    return [...Deno.readDirSync(path)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/**
 * Every saved stream under `storeDir` (`<account>/streams/<name>/`), in account and name order;
 * `onError(dir, err)` hears about a directory that could not be read.
 */
export function listSavedStreams(
  storeDir: string,
  onError: (dir: string, err: unknown) => void,
): SavedStream[] {
  const out: SavedStream[] = [];
  for (const account of listDirs(storeDir)) {
    for (const name of listDirs(`${storeDir}/${account}/streams`)) {
      const dir = streamDir(storeDir, account, name);
      try {
        out.push({ account, dir, ...readStreamMeta(dir) });
      } catch (err) {
        onError(dir, err);
      }
    }
  }
  return out;
}

/** Removes a stream's directory (stream delete). */
export function removeStreamDir(dir: string): void {
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch { /* already gone */ }
}
