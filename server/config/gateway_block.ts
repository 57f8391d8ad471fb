/**
 * @module
 * The `gateway {}` block and its `gateways: [...]` list (nats-server 2.9.10 opts.go
 * `parseGateway`, `parseGateways`), validated key by key into {@link GatewayConfig}. Both
 * functions recover panics themselves: a failed type assertion is reported at the value and
 * ends that function (the list is then dropped, the block goes on). Pure; main isolate.
 */
import type { GatewayConfig, LinkAuthorization, RemoteGatewayConfig } from "../link_options.ts";
import type { RawSection } from "../options.ts";
import { parseAuthorizationBlock } from "./auth_options.ts";
import {
  custom,
  field,
  FieldTable,
  goShown,
  parseListenValue,
  parseMutualTls,
  parseOneUrl,
  parseUrlList,
  stopBlock,
} from "./block_spec.ts";
import {
  asArray,
  asBool,
  asInt,
  asString,
  type NormalizeContext,
  recoverPanic,
} from "./normalize_context.ts";
import { type ConfNode, goTypeName, toPlain } from "./tree.ts";

/**
 * A link block's `authorization` (nats-server parseAuthorization, then the cluster/gateway
 * rules): one user only, no token. `what` is "Cluster" or "Gateway". Returns undefined after
 * reporting; a recovered panic inside the block ends the caller's block, as in nats-server.
 */
export function linkAuthorization(
  node: ConfNode,
  ctx: NormalizeContext,
  what: string,
): (LinkAuthorization & { permissions?: unknown }) | undefined {
  const auth = parseAuthorizationBlock(node, ctx);
  if (!auth) {
    ctx.error(node, "runtime error: invalid memory address or nil pointer dereference");
    stopBlock();
  }
  if (auth.users !== undefined || auth.nkeys !== undefined) {
    ctx.error(node, `${what} authorization does not allow multiple users`);
    return undefined;
  }
  if (auth.token) {
    ctx.error(node, `${what} authorization does not support tokens`);
    return undefined;
  }
  return {
    username: auth.user ?? "",
    password: auth.pass ?? "",
    authTimeout: auth.timeout ?? 0,
    permissions: auth.defaultPermissions,
  };
}

const REMOTE = new FieldTable<RemoteGatewayConfig>([
  field(["name"], asString, (g, v) => (g.name = v)),
  custom(["tls"], (node, ctx, g) => {
    const tls = parseMutualTls(node, ctx);
    if (tls) g.tls = tls;
  }),
  custom(["url"], (node, ctx, g) => {
    const url = parseOneUrl(node, "gateway", ctx);
    if (url !== undefined) g.urls.push(url);
  }),
  custom(["urls"], (node, ctx, g) => {
    const parsed = parseUrlList(asArray(node), "gateway", ctx);
    if (!parsed.failed) g.urls = parsed.urls;
  }),
]);

/** `gateways: [...]` (nats-server parseGateways); undefined when dropped. */
function parseRemoteGateways(
  node: ConfNode,
  ctx: NormalizeContext,
): RemoteGatewayConfig[] | undefined {
  return recoverPanic(ctx, () => {
    const out: RemoteGatewayConfig[] = [];
    for (const entry of asArray(node).value) {
      if (entry.kind !== "map") {
        ctx.error(entry, `Expected gateway entry to be a map/struct, got ${goShown(entry)}`);
        continue;
      }
      const gateway: RemoteGatewayConfig = { name: "", urls: [] };
      REMOTE.walk(entry, ctx, gateway);
      out.push(gateway);
    }
    return out;
  });
}

const GATEWAY = new FieldTable<GatewayConfig>([
  field(["name"], asString, (g, v) => (g.name = v)),
  custom(["listen"], (node, ctx, g) => {
    const hp = parseListenValue(node, ctx, "listen");
    if (hp) [g.host, g.port] = [hp.host, hp.port];
  }),
  field(["port"], asInt, (g, v) => (g.port = v)),
  field(["host", "net"], asString, (g, v) => (g.host = v)),
  custom(["authorization"], (node, ctx, g) => {
    const auth = linkAuthorization(node, ctx, "Gateway");
    if (!auth) return;
    g.username = auth.username;
    g.password = auth.password;
    g.authTimeout = auth.authTimeout;
  }),
  custom(["tls"], (node, ctx, g) => {
    const tls = parseMutualTls(node, ctx);
    if (tls) g.tls = tls;
  }),
  field(["advertise"], asString, (g, v) => (g.advertise = v)),
  field(["connect_retries"], asInt, (g, v) => (g.connectRetries = v)),
  custom(["gateways"], (node, ctx, g) => {
    if (node.kind !== "array") {
      // nats-server builds this error from a token it has not set: no position.
      ctx.error(undefined, `Expected gateways field to be an array, got ${goTypeName(node)}`);
      stopBlock();
    }
    g.gateways = parseRemoteGateways(node, ctx) ?? [];
  }),
  field(["reject_unknown", "reject_unknown_cluster"], asBool, (g, v) => (g.rejectUnknown = v)),
]);

/** An empty gateway block (nats-server zero values). */
export function defaultGatewayConfig(): GatewayConfig {
  return {
    name: "",
    host: "",
    port: 0,
    advertise: "",
    connectRetries: 0,
    rejectUnknown: false,
    gateways: [],
    username: "",
    password: "",
    authTimeout: 0,
  };
}

/**
 * `gateway`: sets `gatewayConfig` (typed; on when its port is not 0) and `gateway` (raw).
 *
 * @example
 * ```ts
 * import { parseConfigText } from "./normalize.ts";
 * const r = parseConfigText(
 *   'gateway { name: A, port: 7222, gateways: [{ name: B, url: "nats://h:7222" }] }',
 *   { file: "a.conf" },
 * );
 * r.options.gatewayConfig?.gateways[0].urls; // ["nats://h:7222"]
 * ```
 */
export function applyGateway(node: ConfNode, ctx: NormalizeContext): void {
  if (node.kind !== "map") {
    ctx.error(node, `Expected gateway to be a map, got ${goTypeName(node)}`);
    return;
  }
  const config = defaultGatewayConfig();
  recoverPanic(ctx, () => GATEWAY.walk(node, ctx, config));
  ctx.options.gateway = toPlain(node) as RawSection;
  ctx.options.gatewayConfig = config;
}
