/**
 * @module
 * A stream's saved config (nats-server 2.9.10 filestore.go `writeStreamMeta`, `meta.inf` and
 * `meta.sum` under `<store_dir>/<account>/streams/<name>/`): `meta.inf` holds the config JSON
 * with its `created` time first (Go's FileStreamInfo), `meta.sum` the SHA-256 of `meta.inf` in
 * hex (nats-server uses a keyed highwayhash; the layout, not the hash, is what is kept). Both are
 * written to a temporary file and renamed. Recovery lists every saved stream of every account,
 * skipping one whose checksum or JSON is bad with nats-server's warning. An encrypted stream
 * (`meta.key` beside it, store/file/stream_key_file.ts) has `meta.inf` sealed; one whose key
 * does not open with the configured key is skipped with nats-server's warning. Stream templates are saved
 * the same way under `<store_dir>/<account>/templates/<name>/` (filestore.go templateFileStore).
 * IO shell: synchronous file calls, used while JetStream starts (before the server is ready) and
 * by the stream API.
 */
import { sha256Hex } from "../../protocol/sha256.ts";
import { parseStreamConfig, type StreamConfig, streamConfigToJson } from "../api/stream_config.ts";
import { goQuote } from "../../protocol/wire_errors.ts";
import { goTimeNs, parseGoTimeNs } from "../js_time.ts";
import { goJson } from "./inbound.ts";
import type { StreamKeys } from "../store/file/store_cipher.ts";
import {
  AUTH_FAILED,
  openStreamKeys,
  type StoreEncryption,
} from "../store/file/stream_key_file.ts";
import { converting } from "../store/file/store_convert.ts";

/** nats-server's file names. */
export const META_FILE = "meta.inf";
export const META_SUM_FILE = "meta.sum";

/** The directory of stream `name` of `account`. */
export function streamDir(storeDir: string, account: string, name: string): string {
  return `${storeDir}/${account}/streams/${name}`;
}

/**
 * Writes `meta.inf` and `meta.sum` of a stream (creating its directory); `meta.inf` sealed with
 * `keys` when the stream is encrypted (the checksum is of the sealed bytes, as nats-server's).
 */
export function writeStreamMeta(
  dir: string,
  config: StreamConfig,
  created: bigint,
  keys: { seal(plain: Uint8Array): Uint8Array } | null = null,
): void {
  Deno.mkdirSync(dir, { recursive: true, mode: 0o750 });
  const plain = new TextEncoder().encode(
    goJson({ created: goTimeNs(created), ...streamConfigToJson(config) }),
  );
  const body = keys ? keys.seal(plain) : plain;
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
  /** The stream's keys (null: saved in clear). */
  keys: StreamKeys | null;
  /** Its keys are sealed with the other cipher than the configured one. */
  otherCipher?: string;
}

/** How {@link readStreamMeta} opens an encrypted stream: the configured key, the names. */
export interface MetaKeyContext {
  enc: StoreEncryption | null;
  account: string;
  name: string;
}

/**
 * Reads one stream directory: the config and created time, or nats-server's warning text
 * (jetstream.go enableJetStreamAccounts) when it cannot be used. With `ctx`, a `meta.key` is
 * opened with the configured key and `meta.inf` unsealed with the stream's keys.
 */
export function readStreamMeta(
  dir: string,
  ctx?: MetaKeyContext,
):
  | { config: StreamConfig; created: bigint; keys?: StreamKeys | null; otherCipher?: string }
  | { warning: string } {
  const metafile = `${dir}/${META_FILE}`;
  const metasum = `${dir}/${META_SUM_FILE}`;
  let body: Uint8Array;
  try {
    body = Deno.readFileSync(metafile);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return { warning: `  Missing stream metafile for ${goQuote(metafile)}` };
    }
    return { warning: `  Error reading metafile ${goQuote(metafile)}: ${err}` };
  }
  let sum: string;
  try {
    sum = new TextDecoder().decode(Deno.readFileSync(metasum));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return { warning: `  Missing stream checksum file ${goQuote(metasum)}` };
    }
    return { warning: `  Error reading Stream metafile checksum ${goQuote(metasum)}: ${err}` };
  }
  const checksum = sha256Hex(body);
  if (sum !== checksum) {
    return {
      warning: `  Stream metafile ${goQuote(metafile)}: checksums do not match ${goQuote(sum)} vs ${
        goQuote(checksum)
      }`,
    };
  }
  let keys: StreamKeys | null = null, otherCipher: string | undefined;
  if (ctx !== undefined) {
    const opened = openStreamKeys(dir, ctx.enc, ctx.account, ctx.name);
    if ("warning" in opened) return opened;
    keys = opened.keys;
    otherCipher = opened.other;
    const plain = keys?.open(body) ?? null;
    // A conversion cut short may have left meta.inf in clear.
    if (keys !== null && plain === null && !converting(dir)) {
      const err = AUTH_FAILED[keys.cipher];
      return { warning: `  Error decrypting our stream metafile: ${err}` };
    }
    if (plain !== null) body = plain;
  }
  const text = new TextDecoder().decode(body);
  const parsed = parseStreamConfig(text);
  let created: bigint | null = null;
  try {
    created = parseGoTimeNs((JSON.parse(text) as { created?: string }).created ?? "");
  } catch { /* reported below */ }
  if ("error" in parsed || created === null) {
    return { warning: `  Error unmarshalling stream metafile ${goQuote(metafile)}: invalid JSON` };
  }
  const config = parsed.config;
  if (ctx === undefined) return { config, created };
  return otherCipher === undefined
    ? { config, created, keys }
    : { config, created, keys, otherCipher };
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
 * `warn` gets nats-server's text for a directory that cannot be used.
 */
export function listSavedStreams(
  storeDir: string,
  warn: (text: string) => void,
  enc: StoreEncryption | null = null,
): SavedStream[] {
  const out: SavedStream[] = [];
  for (const account of listDirs(storeDir)) {
    for (const name of listDirs(`${storeDir}/${account}/streams`)) {
      const dir = streamDir(storeDir, account, name);
      const r = readStreamMeta(dir, { enc, account, name });
      if ("warning" in r) warn(r.warning);
      else out.push({ account, dir, ...r, keys: r.keys ?? null });
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

/** The directory of stream template `name` of `account` (filestore.go tmplsDir). */
export function templateDir(storeDir: string, account: string, name: string): string {
  return `${storeDir}/${account}/templates/${name}`;
}

/**
 * Saves a template's JSON (templateFileStore.Store): like nats-server, an existing `meta.inf`
 * is left as it is.
 */
export function writeTemplateMeta(dir: string, json: string): void {
  Deno.mkdirSync(dir, { recursive: true, mode: 0o750 });
  try {
    Deno.statSync(`${dir}/${META_FILE}`);
    return;
  } catch { /* not saved yet */ }
  const body = new TextEncoder().encode(json);
  writeAtomic(`${dir}/${META_FILE}`, body);
  writeAtomic(`${dir}/${META_SUM_FILE}`, new TextEncoder().encode(sha256Hex(body)));
}

/**
 * The saved templates of `account`, as JSON text in name order; `warn` gets nats-server's text
 * (jetstream.go enableJetStreamAccounts) for one that cannot be used.
 */
export function listSavedTemplates(
  storeDir: string,
  account: string,
  warn: (text: string) => void,
): string[] {
  const out: string[] = [];
  const root = `${storeDir}/${account}/templates`;
  for (const name of listDirs(root)) {
    const metafile = `${root}/${name}/${META_FILE}`;
    const metasum = `${root}/${name}/${META_SUM_FILE}`;
    let body: Uint8Array;
    try {
      body = Deno.readFileSync(metafile);
    } catch (err) {
      // nats-server names the checksum file in this warning.
      warn(`  Error reading StreamTemplate metafile ${goQuote(metasum)}: ${err}`);
      continue;
    }
    let sum: string;
    try {
      sum = new TextDecoder().decode(Deno.readFileSync(metasum));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        warn(`  Missing StreamTemplate checksum for ${goQuote(metasum)}`);
      } else warn(`  Error reading StreamTemplate checksum ${goQuote(metasum)}: ${err}`);
      continue;
    }
    const checksum = sha256Hex(body);
    if (sum !== checksum) {
      warn(`  StreamTemplate checksums do not match ${goQuote(sum)} vs ${goQuote(checksum)}`);
      continue;
    }
    out.push(new TextDecoder().decode(body));
  }
  return out;
}

/** The accounts with a saved stream or template directory under `storeDir`. */
export function savedAccounts(storeDir: string): string[] {
  return listDirs(storeDir);
}
