/**
 * @module
 * The `cluster {}` section and the cluster command-line flags, normalized for the route code
 * (nats-server 2.9.10 opts.go `parseCluster`, `overrideCluster`, `RoutesFromStr`, and the
 * cluster part of `setBaselineOptions`). The config pipeline keeps `cluster` as a raw map; this
 * turns it into a {@link ClusterConfig} and reports nats-server's errors.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import type { RawSection, SubjectPermission } from "../options.ts";
import { parseTlsSection, type TlsSettings } from "../transport/tls_options.ts";

/** One route URL to solicit (`routes: [...]`, `--routes`), or learned by gossip. */
export interface RouteUrl {
  /** The URL as configured (credentials included; use {@link redactUrl} to log it). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly pass?: string;
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

/** nats-server `DEFAULT_ROUTE_...`/`AUTH_TIMEOUT`: seconds a route has to send CONNECT. */
export const DEFAULT_ROUTE_AUTH_TIMEOUT = 2;

function field(section: RawSection, name: string): unknown {
  for (const key of Object.keys(section)) if (key.toLowerCase() === name) return section[key];
  return undefined;
}

function typeName(value: unknown): string {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return Number.isInteger(value) ? "int64" : "float64";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "[]interface {}";
  if (value === null || value === undefined) return "<nil>";
  return "map[string]interface {}";
}

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

function permissionOf(value: unknown): SubjectPermission | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return { allow: [value] };
  if (Array.isArray(value)) return { allow: value.map(String) };
  if (typeof value === "object" && value !== null) {
    const map = value as RawSection;
    const list = (v: unknown) =>
      v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)];
    return { allow: list(field(map, "allow")), deny: list(field(map, "deny")) };
  }
  return undefined;
}

/**
 * Normalizes `options.cluster` (a raw map from `.conf`, YAML or the flags).
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
  const c: ClusterConfig = {
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
  const errors = out.errors;
  for (const [key, value] of Object.entries(section)) {
    switch (key.toLowerCase()) {
      case "name":
        if (typeof value === "string") c.name = value;
        else errors.push(`interface conversion: interface {} is ${typeName(value)}, not string`);
        break;
      case "listen":
        if (typeof value === "number") c.port = value;
        else if (typeof value === "string") {
          const hp = splitHostPort(value);
          if (!hp) errors.push(`could not parse address string ${JSON.stringify(value)}`);
          else if (!/^-?\d+$/.test(hp.port)) {
            errors.push(`could not parse port ${JSON.stringify(hp.port)}`);
          } else {
            c.host = hp.host;
            c.port = Number(hp.port);
          }
        } else errors.push(`expected port or host:port, got ${typeName(value)}`);
        break;
      case "port":
        if (typeof value === "number") c.port = value;
        else errors.push(`interface conversion: interface {} is ${typeName(value)}, not int64`);
        break;
      case "host":
      case "net":
        if (typeof value === "string") c.host = value;
        else errors.push(`interface conversion: interface {} is ${typeName(value)}, not string`);
        break;
      case "authorization":
        applyAuthorization(c, value, out);
        break;
      case "routes": {
        const list = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
        const seen = new Set<string>();
        for (const item of list) {
          const text = String(item);
          if (seen.has(text)) {
            out.warnings.push(`Duplicate route entry detected: ${text}`);
            continue;
          }
          seen.add(text);
          const route = parseRouteUrl(text);
          if (route) c.routes.push(route);
          else errors.push(`error parsing route url [${JSON.stringify(text.trim())}]`);
        }
        break;
      }
      case "cluster_advertise":
      case "advertise":
        c.advertise = String(value);
        break;
      case "no_advertise":
        c.noAdvertise = value === true;
        break;
      case "connect_retries":
        c.connectRetries = typeof value === "number" ? value : 0;
        break;
      case "pool_size":
        if (typeof value !== "number" || value > 1) {
          errors.push(`pool_size ${value} is not supported (denats speaks the 2.9 route protocol)`);
        } else c.poolSize = value;
        break;
      case "permissions": {
        const p = value as RawSection;
        if (typeof p !== "object" || p === null) break;
        c.permissions = {
          import: permissionOf(field(p, "import")),
          export: permissionOf(field(p, "export")),
        };
        break;
      }
      case "tls":
        applyTls(c, value, out);
        break;
      default:
        // Others: accepted (the config pipeline reported unknown fields already).
        break;
    }
  }
  if (c.authTimeout === 0) c.authTimeout = DEFAULT_ROUTE_AUTH_TIMEOUT;
  if (c.port !== 0) out.config = c;
  return out;
}

/** opts.go parseCluster `tls`: parseTLS in a non-client context, then forced mutual TLS. */
function applyTls(c: ClusterConfig, value: unknown, out: ClusterParse): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    out.errors.push("error parsing tls config, expected map");
    return;
  }
  const raw: RawSection = { ...(value as RawSection) };
  for (const key of Object.keys(raw)) {
    const k = key.toLowerCase();
    if (k === "verify_cert_and_check_known_urls") {
      if (raw[key] === true) {
        out.errors.push(
          "cluster TLS 'verify_cert_and_check_known_urls' is not supported by denats",
        );
        return;
      }
      delete raw[key];
    } else if (k === "handshake_first") {
      out.errors.push(`error parsing tls config, unknown field [${JSON.stringify(key)}]`);
      return;
    }
  }
  const parsed = parseTlsSection(raw);
  if (parsed.error !== undefined) {
    out.errors.push(parsed.error);
    return;
  }
  const s = parsed.settings;
  if (s.map) {
    out.errors.push("cluster TLS 'verify_and_map' is not supported by denats");
    return;
  }
  c.tls = { ...s, verify: true, rateLimit: 0 };
}

function applyAuthorization(c: ClusterConfig, value: unknown, out: ClusterParse): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return;
  const auth = value as RawSection;
  if (field(auth, "users") !== undefined) {
    out.errors.push("Cluster authorization does not allow multiple users");
    return;
  }
  if (field(auth, "token") !== undefined) {
    out.errors.push("Cluster authorization does not support tokens");
    return;
  }
  const user = field(auth, "user") ?? field(auth, "username");
  const pass = field(auth, "password") ?? field(auth, "pass");
  if (typeof user === "string") c.username = user;
  if (typeof pass === "string") c.password = pass;
  const timeout = field(auth, "timeout");
  if (typeof timeout === "number") c.authTimeout = timeout;
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
