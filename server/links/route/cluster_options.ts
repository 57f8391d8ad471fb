/**
 * @module
 * The `cluster {}` section and the cluster command-line flags, normalized for the route code
 * (nats-server 2.9.10 opts.go `parseCluster`, `overrideCluster`, `RoutesFromStr`, and the
 * cluster part of `setBaselineOptions`): the {@link ClusterConfig} type the config pipeline
 * fills (`config/cluster_block.ts`), route URL helpers, and the cluster flags.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import type { RawSection, SubjectPermission } from "../../options.ts";
import type { TlsSettings } from "../../transport/tls_options.ts";
import { applyCluster } from "../../config/cluster_block.ts";
import { plainToTree } from "../../config/link_configs.ts";
import { ConversionPanic, NormalizeContext } from "../../config/normalize_context.ts";

/** One route URL to solicit (`routes: [...]`, `--routes`), or learned by gossip. */
export interface RouteUrl {
  /** The URL as configured (credentials included; use {@link redactUrl} to log it). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly pass?: string;
  /**
   * Set by the config normalizer for a URL nats-server accepts but denats cannot dial (no
   * host:port); {@link clusterConfigProblem} refuses to start with it.
   */
  readonly invalid?: true;
}

/** The normalized cluster options (nats-server `ClusterOpts` plus `Routes`). */
export interface ClusterConfig {
  /** Configured name; "" means a dynamically generated one. */
  name: string;
  host: string;
  /** -1 (or 0 from a `:-1` listen) picks a random port. */
  port: number;
  advertise: string;
  noAdvertise: boolean;
  connectRetries: number;
  routes: RouteUrl[];
  username: string;
  password: string;
  /** Seconds. */
  authTimeout: number;
  /** Accepted for forward compatibility (2.10 route pooling); only 0 or 1 behave the same. */
  poolSize: number;
  /** Route permissions: `import` maps to publish, `export` to subscribe (route.go). */
  permissions?: { import?: SubjectPermission; export?: SubjectPermission };
  /**
   * Route TLS (opts.go getTLSConfig): mutual, so `verify` is always true; the CA verifies both
   * the certificates of accepted routes and those of the servers we dial.
   */
  tls?: TlsSettings;
}

/** The result of {@link parseClusterOptions}. */
export interface ClusterParse {
  /** Null when there is no cluster section or it has no port (clustering disabled). */
  config: ClusterConfig | null;
  errors: string[];
  warnings: string[];
}

/**
 * denats' startup check of a typed cluster config: a route URL it cannot dial is refused with
 * `error parsing route url ["..."]`. Null when the config can be used.
 *
 * @example
 * ```ts
 * import { clusterConfigProblem } from "./cluster_options.ts";
 * const route = { url: "a", host: "", port: 0, invalid: true as const };
 * clusterConfigProblem({ routes: [route] }); // 'error parsing route url ["a"]'
 * ```
 */
export function clusterConfigProblem(config: Pick<ClusterConfig, "routes">): string | null {
  const bad = config.routes.find((route) => route.invalid);
  return bad ? `error parsing route url [${JSON.stringify(bad.url)}]` : null;
}

/** nats-server `DEFAULT_ROUTE_...`/`AUTH_TIMEOUT`: seconds a route has to send CONNECT. */
export const DEFAULT_ROUTE_AUTH_TIMEOUT = 2;

/** Go `net.SplitHostPort`: `[v6]:port` or `host:port`. */
export function splitHostPort(text: string): { host: string; port: string } | null {
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0 || text[end + 1] !== ":") return null;
    return { host: text.slice(1, end), port: text.slice(end + 2) };
  }
  const idx = text.lastIndexOf(":");
  if (idx < 0 || text.indexOf(":") !== idx) return null;
  return { host: text.slice(0, idx), port: text.slice(idx + 1) };
}

/** Go `net.JoinHostPort`. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Parses a route URL (`nats://[user:pass@]host:port`, `nats-route://...`). Null when invalid.
 *
 * @example
 * ```ts
 * import { parseRouteUrl } from "./cluster_options.ts";
 * const r = parseRouteUrl("nats-route://ruser:T0p@127.0.0.1:6222/");
 * if (r?.port !== 6222 || r.user !== "ruser" || r.pass !== "T0p") throw new Error();
 * ```
 */
export function parseRouteUrl(text: string): RouteUrl | null {
  const url = text.trim();
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:([^@/]*)@)?([^/?#]*)/.exec(url);
  if (!m) return null;
  const hp = splitHostPort(m[3]);
  if (!hp || !/^\d+$/.test(hp.port)) return null;
  let user: string | undefined;
  let pass: string | undefined;
  if (m[2] !== undefined) {
    const colon = m[2].indexOf(":");
    user = decodeURIComponent(colon < 0 ? m[2] : m[2].slice(0, colon));
    if (colon >= 0) pass = decodeURIComponent(m[2].slice(colon + 1));
  }
  return { url, host: hp.host, port: Number(hp.port), user, pass };
}

/** The URL with its password replaced by `xxxxx` (Go `url.Redacted`). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/, "$1xxxxx@");
}

/** `host:port` of a route URL, lower-cased (route.go hasThisRouteConfigured). */
export function routeHostKey(route: { host: string; port: number }): string {
  return joinHostPort(route.host, route.port).toLowerCase();
}

/**
 * Normalizes a raw `cluster` section through the config pipeline's cluster block
 * (`config/cluster_block.ts`), for callers holding a raw map (tests, tools). Servers read the
 * typed `options.clusterConfig` instead. Errors and warnings are the texts without positions
 * (warnings as `<reason>: <field>`), plus {@link clusterConfigProblem}.
 *
 * @example
 * ```ts
 * import { parseClusterOptions } from "./cluster_options.ts";
 * const { config, errors } = parseClusterOptions({
 *   name: "c1",
 *   listen: "127.0.0.1:6222",
 *   routes: ["nats://127.0.0.1:6223"],
 * });
 * if (errors.length > 0 || config?.port !== 6222 || config.routes.length !== 1) throw new Error();
 * ```
 */
export function parseClusterOptions(section: RawSection | undefined): ClusterParse {
  const out: ClusterParse = { config: null, errors: [], warnings: [] };
  if (!section) return out;
  const ctx = new NormalizeContext();
  try {
    applyCluster(plainToTree(section), ctx);
  } catch (err) {
    if (!(err instanceof ConversionPanic)) throw err;
    ctx.error(undefined, err.message);
  }
  out.errors = ctx.errors.map((issue) => issue.reason);
  out.warnings = ctx.warnings.map((issue) => `${issue.reason}: ${issue.field}`);
  const config = ctx.options.clusterConfig;
  if (!config || config.port === 0) return out;
  const problem = clusterConfigProblem(config);
  if (problem) out.errors.push(problem);
  if (out.errors.length === 0) out.config = config;
  return out;
}

/** The cluster flags nats-server 2.9.10 has, by their first name in `ParsedFlags.pending`. */
export const CLUSTER_FLAGS: readonly string[] = [
  "cluster",
  "cluster_listen",
  "cluster_name",
  "routes",
  "cluster_advertise",
  "no_advertise",
  "connect_retries",
];

function withoutKey(section: RawSection, name: string): void {
  for (const key of Object.keys(section)) if (key.toLowerCase() === name) delete section[key];
}

/**
 * Applies the cluster command-line flags over the config file's `cluster` map, as nats-server
 * does after parsing the file (`overrideCluster`: `--cluster` sets host, port and route
 * credentials; `--routes` is a comma-separated list). Returns the new raw map, or the error.
 *
 * @example
 * ```ts
 * import { applyClusterFlags } from "./cluster_options.ts";
 * const merged = applyClusterFlags({ name: "a" }, {
 *   cluster: "nats://127.0.0.1:6222",
 *   routes: "nats://127.0.0.1:6223,nats://127.0.0.1:6224",
 * });
 * if (typeof merged === "string" || (merged?.routes as string[]).length !== 2) throw new Error();
 * ```
 */
export function applyClusterFlags(
  section: RawSection | undefined,
  pending: Record<string, string | number | boolean>,
): RawSection | undefined | string {
  if (!CLUSTER_FLAGS.some((f) => f in pending)) return section;
  const out: RawSection = { ...(section ?? {}) };
  const listen = (pending.cluster ?? pending.cluster_listen) as string | undefined;
  if (listen !== undefined) {
    if (listen === "") {
      withoutKey(out, "listen");
      withoutKey(out, "port");
      out.port = 0;
    } else {
      const url = parseRouteUrl(listen.replace(/:-1$/, ":0"));
      if (!url) return `parse ${JSON.stringify(listen)}: invalid cluster URL`;
      withoutKey(out, "listen");
      withoutKey(out, "port");
      withoutKey(out, "host");
      withoutKey(out, "net");
      out.host = url.host;
      out.port = listen.endsWith(":-1") ? -1 : url.port;
      withoutKey(out, "authorization");
      if (url.user !== undefined) {
        if (url.pass === undefined) return "expected cluster password to be set";
        out.authorization = { user: url.user, password: url.pass };
      }
    }
  }
  const set = (flag: string, key: string) => {
    if (!(flag in pending)) return;
    withoutKey(out, key);
    out[key] = pending[flag];
  };
  set("cluster_name", "name");
  set("cluster_advertise", "cluster_advertise");
  set("no_advertise", "no_advertise");
  set("connect_retries", "connect_retries");
  if ("routes" in pending) {
    withoutKey(out, "routes");
    const text = String(pending.routes);
    out.routes = text === "" ? [] : text.split(",").map((r) => r.trim()).filter((r) => r !== "");
  }
  return out;
}
