/**
 * @module
 * The `jetstream` option and the top-level `store_dir` (nats-server 2.9.10 opts.go
 * `parseJetStream`, `parseJetStreamLimits`, `getStorageSize`): a bool, `"enabled"`/`"disabled"`
 * or a block, validated key by key into {@link JetStreamConfig}. parseJetStream has no panic
 * recovery of its own, so a failed type assertion is reported at the top-level `jetstream` key;
 * its other errors end the block. Pure; main isolate.
 */
import type { JetStreamConfig, JetStreamLimits } from "../link_options.ts";
import type { RawSection } from "../options.ts";
import { custom, field, FieldTable, stopBlock, storageSize } from "./block_spec.ts";
import { DurationError, nanosToMs, parseGoDuration } from "./duration.ts";
import {
  asBool,
  asInt,
  asMap,
  asString,
  ConversionPanic,
  type NormalizeContext,
} from "./normalize_context.ts";
import { type ConfNode, goTypeName, toPlain } from "./tree.ts";

/** JetStream off, nothing set (nats-server zero values; -1 sizes mean "not set"). */
export function defaultJetStreamConfig(): JetStreamConfig {
  return {
    enabled: false,
    storeDir: "",
    maxMemory: -1,
    maxStore: -1,
    domain: "",
    key: "",
    cipher: "chacha",
    extensionHint: "",
    uniqueTag: "",
    maxOutstandingCatchup: 0,
  };
}

const LIMITS = new FieldTable<JetStreamLimits>([
  field(["max_ack_pending"], asInt, (l, v) => (l.maxAckPending = v)),
  field(["max_ha_assets"], asInt, (l, v) => (l.maxHaAssets = v)),
  field(["max_request_batch"], asInt, (l, v) => (l.maxRequestBatch = v)),
  custom(["duplicate_window"], (node, ctx, l) => {
    try {
      l.duplicatesMs = nanosToMs(parseGoDuration(asString(node)));
    } catch (err) {
      if (!(err instanceof DurationError)) throw err;
      // nats-server appends the bare time.ParseDuration error, without a position.
      ctx.error(undefined, err.message);
    }
  }),
]);

/** A size field: `<name> <getStorageSize error>` ends the block. */
function size(
  names: string[],
  label: string | undefined,
  set: (c: JetStreamConfig, n: number) => void,
) {
  return custom<JetStreamConfig>(names, (node, ctx, c, key) => {
    const parsed = storageSize(node);
    if ("error" in parsed) {
      ctx.error(node, `${label ?? key.toLowerCase()} ${parsed.error}`);
      stopBlock();
    }
    set(c, parsed.bytes);
  });
}

const JETSTREAM = new FieldTable<JetStreamConfig>([
  custom(["store", "store_dir", "storedir"], (node, ctx, c) => {
    if (ctx.options.storeDir) {
      ctx.error(node, "Duplicate 'store_dir' configuration");
      stopBlock();
    }
    c.storeDir = asString(node);
    ctx.options.storeDir = c.storeDir;
  }),
  size(["max_memory_store", "max_mem_store", "max_mem"], "max_mem_store", (c, n) => {
    c.maxMemory = n;
  }),
  size(["max_file_store", "max_file"], "max_file_store", (c, n) => (c.maxStore = n)),
  field(["domain"], asString, (c, v) => (c.domain = v)),
  field(["enable", "enabled"], asBool, (c, v) => (c.enabled = v)),
  field(["key", "ek", "encryption_key"], asString, (c, v) => (c.key = v)),
  custom(["cipher"], (node, ctx, c) => {
    const name = asString(node).toLowerCase();
    if (name === "chacha" || name === "chachapoly") c.cipher = "chacha";
    else if (name === "aes") c.cipher = "aes";
    else {
      ctx.error(node, `Unknown cipher type: ${JSON.stringify(asString(node))}`);
      stopBlock();
    }
  }),
  field(["extension_hint"], asString, (c, v) => (c.extensionHint = v)),
  custom(["limits"], (node, ctx, c) => {
    if (node.kind !== "map") {
      ctx.error(node, `Expected a map to define JetStreamLimits, got ${goTypeName(node)}`);
      stopBlock();
    }
    c.limits = { maxAckPending: 0, maxHaAssets: 0, maxRequestBatch: 0, duplicatesMs: 0 };
    LIMITS.walk(node, ctx, c.limits);
  }),
  field(["unique_tag"], asString, (c, v) => (c.uniqueTag = v.trim().toLowerCase())),
  size(["max_outstanding_catchup"], undefined, (c, n) => (c.maxOutstandingCatchup = n)),
]);

/**
 * `jetstream`: sets `jetstreamConfig` (typed) and `jetstream` (the raw form, for reload diffs
 * and varz).
 *
 * @example
 * ```ts
 * import { parseConfigText } from "./normalize.ts";
 * const r = parseConfigText("jetstream { max_mem: 1G, domain: hub }", { file: "a.conf" });
 * r.options.jetstreamConfig?.maxMemory; // 1073741824
 * ```
 */
export function applyJetStream(node: ConfNode, ctx: NormalizeContext): void {
  const config = defaultJetStreamConfig();
  config.storeDir = ctx.options.storeDir ?? "";
  if (node.kind === "bool") config.enabled = node.value;
  else if (node.kind === "string") {
    const word = node.value.toLowerCase();
    if (word === "enabled" || word === "enable") config.enabled = true;
    else if (word !== "disabled" && word !== "disable") {
      ctx.error(node, `Expected 'enabled' or 'disabled' for string value, got '${node.value}'`);
      return;
    }
  } else if (node.kind === "map") {
    config.enabled = true;
    try {
      if (!JETSTREAM.walk(asMap(node), ctx, config)) return;
    } catch (err) {
      // No recovery in parseJetStream: the top-level handler reports at the `jetstream` key.
      if (err instanceof ConversionPanic) throw new ConversionPanic(err.node, err.wanted, node);
      throw err;
    }
  } else {
    ctx.error(node, `Expected map, bool or string to define JetStream, got ${goTypeName(node)}`);
    return;
  }
  ctx.options.jetstreamConfig = config;
  ctx.options.jetstream = node.kind === "map"
    ? { ...(toPlain(node) as RawSection), enabled: config.enabled }
    : { enabled: config.enabled };
}

/** `store_dir` at the top level (conflicts with `jetstream { store_dir }`). */
export function applyStoreDir(node: ConfNode, ctx: NormalizeContext): void {
  if (ctx.options.storeDir) {
    ctx.error(node, "Duplicate 'store_dir' configuration");
    return;
  }
  ctx.options.storeDir = asString(node);
  if (ctx.options.jetstreamConfig) ctx.options.jetstreamConfig.storeDir = ctx.options.storeDir;
}

/**
 * The `-js` / `--jetstream` and `-sd` / `--store_dir` flags over the file's JetStream options
 * (nats-server MergeOptions: a set flag wins). Returns the new typed value, or the old one.
 */
export function applyJetStreamFlags(
  config: JetStreamConfig | undefined,
  storeDir: string | undefined,
  pending: Record<string, string | number | boolean>,
): JetStreamConfig | undefined {
  const enable = pending.js === true;
  const dir = typeof pending.sd === "string" && pending.sd !== "" ? pending.sd : undefined;
  if (!enable && dir === undefined) return config;
  const out = { ...(config ?? { ...defaultJetStreamConfig(), storeDir: storeDir ?? "" }) };
  if (enable) out.enabled = true;
  if (dir !== undefined) out.storeDir = dir;
  return out;
}
