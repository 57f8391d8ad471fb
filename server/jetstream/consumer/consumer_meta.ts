/**
 * @module
 * Saved consumer configs (nats-server 2.9.10 filestore.go `writeConsumerMeta`: `meta.inf` under
 * `<stream dir>/obs/<consumer>/`): the config JSON with its `created` time, written to a temporary
 * file and renamed, read back when the stream is recovered. The consumer's delivery/ack state
 * is the store's (`<store dir>/obs/<consumer>.state`). IO shell: synchronous file calls.
 */
import {
  CONSUMER_CONFIG_FIELDS,
  type ConsumerConfig,
  consumerConfigToJson,
} from "../api/consumer_config.ts";
import { K, unmarshalStruct } from "../api/go_json.ts";
import { parseGoJson } from "../../system/go_json.ts";
import { goQuote } from "../../protocol/wire_errors.ts";
import { rfc3339ToNanos } from "./engine/config.ts";
import { goTimeNs } from "../js_time.ts";

/** Seals and opens the files of an encrypted stream (its StreamKeys). */
export interface MetaSealer {
  readonly cipher: string;
  seal(plain: Uint8Array): Uint8Array;
  open(sealed: Uint8Array): Uint8Array | null;
}

/** Go's AEAD Open error of each cipher. */
const AUTH_FAILED: Record<string, string> = {
  chacha: "chacha20poly1305: message authentication failed",
  aes: "cipher: message authentication failed",
};

/** nats-server's file name. */
export const CONSUMER_META_FILE = "meta.inf";

/** A saved consumer read back. */
export interface SavedConsumer {
  name: string;
  config: ConsumerConfig;
  created: bigint;
}

/** Writes `<dir>/<name>/meta.inf` (sealed with `sealer`: an encrypted stream). */
export function writeConsumerMeta(
  dir: string,
  name: string,
  config: ConsumerConfig,
  created: bigint,
  sealer: MetaSealer | null = null,
): void {
  writeConsumerMetaBody(dir, name, consumerMetaBody(name, config, created), sealer);
}

/** The JSON a consumer's `meta.inf` holds (before sealing). */
export function consumerMetaBody(name: string, config: ConsumerConfig, created: bigint): string {
  return JSON.stringify({
    name,
    created: goTimeNs(created),
    config: consumerConfigToJson(config),
  });
}

/** Writes a {@link consumerMetaBody} as `<dir>/<name>/meta.inf` (a replica saving its leader's). */
export function writeConsumerMetaBody(
  dir: string,
  name: string,
  body: string,
  sealer: MetaSealer | null = null,
): void {
  const cdir = `${dir}/${name}`;
  Deno.mkdirSync(cdir, { recursive: true, mode: 0o750 });
  const path = `${cdir}/${CONSUMER_META_FILE}`;
  const plain = new TextEncoder().encode(body);
  Deno.writeFileSync(`${path}.tmp`, sealer ? sealer.seal(plain) : plain, { mode: 0o640 });
  Deno.renameSync(`${path}.tmp`, path);
}

/** Removes a consumer's saved config (no error when absent). */
export function removeConsumerMeta(dir: string, name: string): void {
  try {
    Deno.removeSync(`${dir}/${name}`, { recursive: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Every saved consumer under `dir`; an unreadable one is reported through `warn` with
 * nats-server's recovery warning (`    Missing consumer metafile "<path>"`,
 * `    Error unmarshalling consumer metafile "<path>": <Go's JSON error>`,
 * `  Error decrypting our consumer metafile: <err>` with `sealer`) and skipped.
 */
export function readConsumerMetas(
  dir: string,
  warn: (text: string) => void = () => {},
  sealer: MetaSealer | null = null,
): SavedConsumer[] {
  const out: SavedConsumer[] = [];
  for (const name of savedConsumerDirs(dir)) {
    const path = `${dir}/${name}/${CONSUMER_META_FILE}`;
    let text: string;
    try {
      const bytes = Deno.readFileSync(path);
      const plain = sealer ? sealer.open(bytes) : bytes;
      if (plain === null) {
        warn(`  Error decrypting our consumer metafile: ${AUTH_FAILED[sealer!.cipher]}`);
        continue;
      }
      text = new TextDecoder().decode(plain);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        warn(`    Missing consumer metafile ${goQuote(path)}`);
      } else warn(`    Error reading consumer metafile ${goQuote(path)}: ${errText(err)}`);
      continue;
    }
    try {
      out.push(parseConsumerMetaBody(text, name));
    } catch (err) {
      warn(`    Error unmarshalling consumer metafile ${goQuote(path)}: ${errText(err)}`);
    }
  }
  return out.sort((a, b) => a.name < b.name ? -1 : 1);
}

/**
 * A {@link consumerMetaBody} read back (`name` when the body has none); throws Go's JSON errors.
 *
 * @example
 * ```ts
 * import { consumerMetaBody, parseConsumerMetaBody } from "./consumer_meta.ts";
 * const body = consumerMetaBody("C", { ack_policy: "explicit" } as never, 0n);
 * if (parseConsumerMetaBody(body, "C").config.ack_policy !== "explicit") throw new Error();
 * ```
 */
export function parseConsumerMetaBody(text: string, name: string): SavedConsumer {
  parseGoJson(text); // Go's syntax error texts
  const v = unmarshalStruct(
    { name: K.string, created: K.string, config: K.struct(CONSUMER_CONFIG_FIELDS) },
    text,
  );
  const config = {
    deliver_policy: "all",
    ack_policy: "none",
    replay_policy: "instant",
    num_replicas: 0,
    ...(v.config as Record<string, unknown>),
  } as ConsumerConfig;
  return {
    name: (v.name as string | undefined) ?? name,
    config,
    created: rfc3339ToNanos(v.created as string | undefined),
  };
}

/** The consumer directories under `dir` (what nats-server counts when it recovers them). */
export function savedConsumerDirs(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
