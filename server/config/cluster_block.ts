/**
 * @module
 * The `cluster {}` block (nats-server 2.9.10 opts.go `parseCluster`, `parseURLs`,
 * `setClusterPermissions`), validated key by key into the {@link ClusterConfig} the route code
 * uses, plus denats' own refusals (route TLS `verify_and_map` and
 * `verify_cert_and_check_known_urls`, `pool_size` > 1). parseCluster recovers its panics: a
 * failed type assertion is reported at the value and ends the block. Pure; main isolate.
 */
import {
  type ClusterConfig,
  DEFAULT_ROUTE_AUTH_TIMEOUT,
  parseRouteUrl,
  type RouteUrl,
} from "../links/route/cluster_options.ts";
import type { Permissions, RawSection } from "../options.ts";
import { isFailed, parseUserPermissions } from "./auth_options.ts";
import {
  custom,
  field,
  FieldTable,
  parseListenValue,
  parseMutualTls,
  parseUrlList,
} from "./block_spec.ts";
import { linkAuthorization } from "./gateway_block.ts";
import {
  asArray,
  asBool,
  asInt,
  asString,
  type NormalizeContext,
  recoverPanic,
} from "./normalize_context.ts";
import { type ConfNode, goTypeName, toPlain } from "./tree.ts";

/** Route permissions from user permissions: import = publish, export = subscribe. */
function routePermissions(perms: Permissions): ClusterConfig["permissions"] {
  return { import: perms.publish, export: perms.subscribe };
}

/** denats refuses route TLS features it does not implement (text kept from earlier releases). */
function clusterTlsRefusal(raw: RawSection): string | undefined {
  for (const [key, value] of Object.entries(raw)) {
    const lower = key.toLowerCase();
    if (lower === "verify_cert_and_check_known_urls" && value === true) {
      return "cluster TLS 'verify_cert_and_check_known_urls' is not supported by denats";
    }
    if (lower === "verify_and_map" && value === true) {
      return "cluster TLS 'verify_and_map' is not supported by denats";
    }
  }
  return undefined;
}

/** What the cluster table fills: the config plus whether `permissions` was set directly. */
interface ClusterTarget {
  config: ClusterConfig;
  directPermissions: boolean;
}

const CLUSTER = new FieldTable<ClusterTarget>([
  field(["name"], asString, (t, v) => (t.config.name = v)),
  custom(["listen"], (node, ctx, t) => {
    const hp = parseListenValue(node, ctx, "listen");
    if (hp) [t.config.host, t.config.port] = [hp.host, hp.port];
  }),
  field(["port"], asInt, (t, v) => (t.config.port = v)),
  field(["host", "net"], asString, (t, v) => (t.config.host = v)),
  custom(["authorization"], (node, ctx, t, key) => {
    const auth = linkAuthorization(node, ctx, "Cluster");
    if (!auth) return;
    t.config.username = auth.username;
    t.config.password = auth.password;
    t.config.authTimeout = auth.authTimeout;
    if (auth.permissions) {
      ctx.warning(
        node,
        key,
        'setting "permissions" within cluster authorization block is deprecated',
      );
      if (!t.directPermissions) {
        t.config.permissions = routePermissions(auth.permissions as Permissions);
      }
    }
  }),
  custom(["routes"], (node, ctx, t) => {
    const parsed = parseUrlList(asArray(node), "route", ctx);
    if (parsed.failed) return;
    // Go's url.Parse accepts more than a dialable route: keep those, marked, for the
    // startup check (validate.ts), as nats-server -t accepts them.
    const routes = parsed.urls.map((text) =>
      parseRouteUrl(text) ?? <RouteUrl> { url: text, host: "", port: 0, invalid: true as const }
    );
    t.config.routes = routes;
  }),
  custom(["tls"], (node, ctx, t) => {
    const tls = parseMutualTls(node, ctx, clusterTlsRefusal);
    if (tls) t.config.tls = tls;
  }),
  field(["cluster_advertise", "advertise"], asString, (t, v) => (t.config.advertise = v)),
  field(["no_advertise"], asBool, (t, v) => (t.config.noAdvertise = v)),
  field(["connect_retries"], asInt, (t, v) => (t.config.connectRetries = v)),
  custom(["permissions"], (node, ctx, t) => {
    const perms = parseUserPermissions(node, ctx);
    if (isFailed(perms)) {
      ctx.errors.push(perms.failed);
      return;
    }
    if (!perms) return;
    if (perms.response) {
      ctx.error(node, "Cluster permissions do not support dynamic responses");
      return;
    }
    t.config.permissions = routePermissions(perms);
    t.directPermissions = true;
  }),
  // denats: accepted for forward compatibility (2.10 route pooling); only 0 or 1 work.
  custom(["pool_size"], (node, ctx, t) => {
    if (node.kind !== "integer" || node.value > 1) {
      ctx.error(
        node,
        `pool_size ${node.value} is not supported (denats speaks the 2.9 route protocol)`,
      );
    } else t.config.poolSize = node.value;
  }),
]);

/** An empty cluster block (nats-server zero values). */
export function defaultClusterConfig(): ClusterConfig {
  return {
    name: "",
    host: "",
    port: 0,
    advertise: "",
    noAdvertise: false,
    connectRetries: 0,
    routes: [],
    username: "",
    password: "",
    authTimeout: 0,
    poolSize: 0,
  };
}

/**
 * `cluster`: sets `clusterConfig` (typed; clustering is on when its port is not 0) and `cluster`
 * (raw, for reload diffs, varz and the CLI flags).
 *
 * @example
 * ```ts
 * import { parseConfigText } from "./normalize.ts";
 * const r = parseConfigText('cluster { name: c, listen: "127.0.0.1:6222" }', { file: "a.conf" });
 * r.options.clusterConfig?.port; // 6222
 * ```
 */
export function applyCluster(node: ConfNode, ctx: NormalizeContext): void {
  if (node.kind !== "map") {
    ctx.error(node, `Expected map to define cluster, got ${goTypeName(node)}`);
    return;
  }
  const target: ClusterTarget = { config: defaultClusterConfig(), directPermissions: false };
  recoverPanic(ctx, () => CLUSTER.walk(node, ctx, target));
  const config = target.config;
  if (config.authTimeout === 0) config.authTimeout = DEFAULT_ROUTE_AUTH_TIMEOUT;
  ctx.options.cluster = toPlain(node) as RawSection;
  ctx.options.clusterConfig = config;
}
