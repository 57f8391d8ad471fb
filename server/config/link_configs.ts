/**
 * @module
 * Typed blocks for options that did not come through the normalizer: embedded servers given
 * raw sections (`startServer({ cluster: { listen: ... } })`) and raw sections the CLI flags
 * changed after the file was normalized (`--cluster`, `--routes`...). The raw section goes
 * through the same block parser the config file uses (`*_block.ts`), so there is one set of
 * rules and texts. Pure; main isolate.
 */
import type { RawSection, ServerOptions } from "../options.ts";
import { applyCluster } from "./cluster_block.ts";
import { applyGateway } from "./gateway_block.ts";
import { applyJetStream } from "./jetstream_block.ts";
import { applyLeafNodes } from "./leafnode_block.ts";
import { ConversionPanic, NormalizeContext } from "./normalize_context.ts";
import type { ConfNode, SourcePosition } from "./tree.ts";
import { applyWebSocket } from "./websocket_block.ts";

const HERE: SourcePosition = { file: "", line: 0, col: 0 };

/**
 * A plain value as a config tree (positions are empty: errors are reported by reason only).
 *
 * @example
 * ```ts
 * import { plainToTree } from "./link_configs.ts";
 * plainToTree({ port: 1 }).kind; // "map"
 * ```
 */
export function plainToTree(value: unknown): ConfNode {
  if (typeof value === "string") return { kind: "string", value, ...HERE };
  if (typeof value === "boolean") return { kind: "bool", value, ...HERE };
  if (typeof value === "number") {
    return { kind: Number.isInteger(value) ? "integer" : "float", value, ...HERE };
  }
  if (value instanceof Date) return { kind: "datetime", value, ...HERE };
  if (Array.isArray(value)) return { kind: "array", value: value.map(plainToTree), ...HERE };
  const map = new Map<string, ConfNode>();
  for (const [key, child] of Object.entries((value ?? {}) as RawSection)) {
    if (child !== undefined) map.set(key, plainToTree(child));
  }
  return { kind: "map", value: map, ...HERE };
}

type Block = "cluster" | "gateway" | "leafnodes" | "websocket" | "jetstream";

const BLOCKS: readonly {
  raw: Block;
  typed: keyof ServerOptions;
  apply: (node: ConfNode, ctx: NormalizeContext) => void;
}[] = [
  { raw: "cluster", typed: "clusterConfig", apply: applyCluster },
  { raw: "gateway", typed: "gatewayConfig", apply: applyGateway },
  { raw: "leafnodes", typed: "leafnodeConfig", apply: applyLeafNodes },
  { raw: "websocket", typed: "websocketConfig", apply: applyWebSocket },
  { raw: "jetstream", typed: "jetstreamConfig", apply: applyJetStream },
];

/**
 * Fills each missing typed block from its raw section (`clusterConfig` from `cluster`...),
 * leaving blocks that already have a typed value alone. Returns nats-server's error texts
 * (without positions); the options are only complete when there are none.
 *
 * @example
 * ```ts
 * import { resolveLinkConfigs } from "./link_configs.ts";
 * import type { ServerOptions } from "../options.ts";
 * const o: Partial<ServerOptions> = { cluster: { name: "c", listen: "127.0.0.1:6222" } };
 * if (resolveLinkConfigs(o).length > 0 || o.clusterConfig?.port !== 6222) throw new Error();
 * ```
 */
export function resolveLinkConfigs(options: Partial<ServerOptions>): string[] {
  const errors: string[] = [];
  for (const block of BLOCKS) {
    const raw = options[block.raw];
    if (raw === undefined || options[block.typed] !== undefined) continue;
    const ctx = new NormalizeContext();
    ctx.key = block.raw;
    try {
      block.apply(plainToTree(raw), ctx);
    } catch (err) {
      if (!(err instanceof ConversionPanic)) throw err;
      ctx.error(err.where, err.message);
    }
    errors.push(...ctx.errors.map((issue) => issue.reason));
    const typed = ctx.options[block.typed];
    if (typed === undefined) continue;
    (options as Record<string, unknown>)[block.typed] = typed;
    if (block.raw === "jetstream" && options.storeDir && options.jetstreamConfig) {
      options.jetstreamConfig.storeDir ||= options.storeDir;
    }
  }
  return errors;
}
