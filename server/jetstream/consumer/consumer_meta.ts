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
import { nanosToRfc3339, rfc3339ToNanos } from "./engine/config.ts";

/** nats-server's file name. */
export const CONSUMER_META_FILE = "meta.inf";

/** A saved consumer read back. */
export interface SavedConsumer {
  name: string;
  config: ConsumerConfig;
  created: bigint;
}

/** Writes `<dir>/<name>/meta.inf`. */
export function writeConsumerMeta(
  dir: string,
  name: string,
  config: ConsumerConfig,
  created: bigint,
): void {
  const cdir = `${dir}/${name}`;
  Deno.mkdirSync(cdir, { recursive: true, mode: 0o750 });
  const body = JSON.stringify({
    name,
    created: nanosToRfc3339(created),
    config: consumerConfigToJson(config),
  });
  const path = `${cdir}/${CONSUMER_META_FILE}`;
  Deno.writeFileSync(`${path}.tmp`, new TextEncoder().encode(body), { mode: 0o640 });
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

/** Every saved consumer under `dir`; unreadable ones are reported through `bad`. */
export function readConsumerMetas(
  dir: string,
  bad: (name: string, err: unknown) => void = () => {},
): SavedConsumer[] {
  const out: SavedConsumer[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.isDirectory) continue;
    try {
      const text = new TextDecoder().decode(
        Deno.readFileSync(`${dir}/${e.name}/${CONSUMER_META_FILE}`),
      );
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
      out.push({
        name: (v.name as string | undefined) ?? e.name,
        config,
        created: rfc3339ToNanos(v.created as string | undefined),
      });
    } catch (err) {
      bad(e.name, err);
    }
  }
  return out.sort((a, b) => a.name < b.name ? -1 : 1);
}
