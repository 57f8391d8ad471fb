/**
 * @module
 * The `cluster`, `gateway`, `leaf`, `mqtt` and `websocket` objects of `/varz` (nats-server
 * `ClusterOptsVarz`, `GatewayOptsVarz`, `LeafNodeOptsVarz`, `MQTTOptsVarz`, `WebsocketOptsVarz`),
 * read from the configured sections: `{}` when a section is absent, as nats-server. Bound ports
 * come from the link code when it reports them. Pure; runs in the main isolate.
 */
import type { RawSection, ServerOptions } from "../options.ts";
import type { LinkMonitor } from "./types.ts";
import { leafAuthTimeoutSeconds } from "../links/leaf/leaf_options.ts";

/** nats-server `TLS_TIMEOUT` and default `AUTH_TIMEOUT` of link sections, in seconds. */
const DEFAULT_TIMEOUT = 2;

type Json = Record<string, unknown>;

/** Case-insensitive member lookup (config keys keep the user's case). */
function field(section: RawSection | undefined, name: string): unknown {
  if (!section) return undefined;
  if (name in section) return section[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(section)) if (key.toLowerCase() === lower) return section[key];
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && value > 0 ? value : undefined;
}

/** Host and port of a section from `listen` (`host:port` or a port) or `host`/`port`. */
function listenOf(section: RawSection): { host?: string; port?: number } {
  const listen = field(section, "listen");
  let host = str(field(section, "host")) ?? str(field(section, "net"));
  let port = typeof field(section, "port") === "number" ? field(section, "port") as number : 0;
  if (typeof listen === "number") port = listen;
  else if (typeof listen === "string") {
    const idx = listen.lastIndexOf(":");
    if (idx >= 0) {
      host = listen.slice(0, idx).replace(/^\[|\]$/g, "") || host;
      port = Number(listen.slice(idx + 1)) || 0;
    } else host = listen;
  }
  return { host, port: port > 0 ? port : undefined };
}

/** `host:port` of each URL, as nats-server `urlsToStrings`. */
function urlHosts(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  const out: string[] = [];
  for (const item of list) {
    if (typeof item !== "string") continue;
    try {
      out.push(new URL(item.includes("://") ? item : `nats://${item}`).host);
    } catch {
      out.push(item);
    }
  }
  return out.length > 0 ? out : undefined;
}

function timeoutOf(section: RawSection, key: "authorization" | "tls"): number | undefined {
  const sub = field(section, key);
  if (sub && typeof sub === "object") {
    const t = field(sub as RawSection, "timeout");
    if (typeof t === "number") return t;
  }
  return undefined;
}

function hasTls(section: RawSection): boolean {
  return typeof field(section, "tls") === "object" && field(section, "tls") !== null;
}

function portOf(
  links: LinkMonitor | undefined,
  name: "cluster" | "gateway" | "leafnodes" | "websocket" | "mqtt",
  configured: number | undefined,
): number | undefined {
  return positive(links?.boundPort?.(name)) ?? configured;
}

/** `cluster` (nats-server `ClusterOptsVarz`). */
export function clusterVarz(o: ServerOptions, links?: LinkMonitor): Json {
  const c = o.cluster;
  if (!c) return {};
  const { host, port } = listenOf(c);
  const tls = hasTls(c);
  return {
    name: str(field(c, "name")),
    addr: host,
    cluster_port: portOf(links, "cluster", port),
    auth_timeout: timeoutOf(c, "authorization") ?? DEFAULT_TIMEOUT,
    urls: urlHosts(field(c, "routes")),
    tls_timeout: timeoutOf(c, "tls") ?? DEFAULT_TIMEOUT,
    tls_required: tls || undefined,
    tls_verify: tls || undefined,
  };
}

/** `gateway` (nats-server `GatewayOptsVarz`). */
export function gatewayVarz(o: ServerOptions, links?: LinkMonitor): Json {
  const g = o.gateway;
  if (!g) return {};
  const { host, port } = listenOf(g);
  const tls = hasTls(g);
  const remotes = field(g, "gateways");
  const gateways = Array.isArray(remotes)
    ? remotes.map((r) => ({
      name: String(field(r as RawSection, "name") ?? ""),
      tls_timeout: timeoutOf(r as RawSection, "tls"),
      urls: links?.gatewayRemoteUrls?.(String(field(r as RawSection, "name") ?? "")) ??
        urlHosts(field(r as RawSection, "urls") ?? field(r as RawSection, "url")),
    }))
    : [];
  return {
    name: str(field(g, "name")),
    // nats-server reports the listen host it resolved (0.0.0.0 when none was given).
    host: host ?? (links?.gateway?.() ? "0.0.0.0" : undefined),
    port: portOf(links, "gateway", port),
    auth_timeout: timeoutOf(g, "authorization") ?? DEFAULT_TIMEOUT,
    tls_timeout: timeoutOf(g, "tls") ?? DEFAULT_TIMEOUT,
    tls_required: tls || undefined,
    tls_verify: tls || undefined,
    advertise: str(field(g, "advertise")),
    connect_retries: positive(field(g, "connect_retries")),
    gateways: gateways.length > 0 ? gateways : undefined,
    reject_unknown: field(g, "reject_unknown_cluster") === true ||
      field(g, "reject_unknown") === true || undefined,
  };
}

/** `leaf` (nats-server `LeafNodeOptsVarz`). */
export function leafVarz(o: ServerOptions, links?: LinkMonitor): Json {
  const l = o.leafnodes;
  if (!l) return {};
  const { host, port } = listenOf(l);
  const tls = hasTls(l);
  const listening = port !== undefined || field(l, "listen") !== undefined;
  const list = field(l, "remotes");
  const remotes = Array.isArray(list)
    ? list.map((r) => {
      const remote = r as RawSection;
      const denyImports = field(remote, "deny_imports");
      const denyExports = field(remote, "deny_exports");
      const deny = Array.isArray(denyImports) || Array.isArray(denyExports)
        ? { exports: denyExports, imports: denyImports }
        : undefined;
      return {
        local_account: str(field(remote, "account")) ?? str(field(remote, "local")),
        tls_timeout: timeoutOf(remote, "tls"),
        urls: urlHosts(field(remote, "urls") ?? field(remote, "url")),
        deny,
      };
    })
    : [];
  // The typed config knows the derived values (auth timeout after TLS, remote defaults).
  const typed = o.leafnodeConfig;
  if (typed) {
    remotes.forEach((r, i) => {
      const t = typed.remotes[i];
      if (!t) return;
      r.local_account = t.localAccount || "$G";
      r.tls_timeout = t.tls?.timeoutSeconds;
    });
  }
  return {
    host,
    port: portOf(links, "leafnodes", port),
    auth_timeout: listening
      ? (typed ? leafAuthTimeoutSeconds(typed) : timeoutOf(l, "authorization") ?? DEFAULT_TIMEOUT)
      : undefined,
    tls_timeout: listening ? timeoutOf(l, "tls") ?? DEFAULT_TIMEOUT : undefined,
    tls_required: tls || undefined,
    tls_verify: typed?.tls?.verify || undefined,
    remotes: remotes.length > 0 ? remotes : undefined,
  };
}

/** `mqtt` (nats-server `MQTTOptsVarz`). */
export function mqttVarz(o: ServerOptions, links?: LinkMonitor): Json {
  const m = o.mqtt;
  if (!m) return {};
  const { host, port } = listenOf(m);
  return {
    host,
    port: portOf(links, "mqtt", port),
    no_auth_user: str(field(m, "no_auth_user")),
    auth_timeout: timeoutOf(m, "authorization"),
    tls_map: undefined,
    tls_timeout: timeoutOf(m, "tls") ?? DEFAULT_TIMEOUT,
    js_domain: str(field(m, "js_domain")),
    max_ack_pending: positive(field(m, "max_ack_pending")),
  };
}

/** `websocket` (nats-server `WebsocketOptsVarz`). */
export function websocketVarz(o: ServerOptions, links?: LinkMonitor): Json {
  const w = o.websocket;
  if (!w) return {};
  const { host, port } = listenOf(w);
  const origins = field(w, "allowed_origins");
  return {
    host,
    port: portOf(links, "websocket", port),
    advertise: str(field(w, "advertise")),
    no_auth_user: str(field(w, "no_auth_user")),
    jwt_cookie: str(field(w, "jwt_cookie")),
    auth_timeout: timeoutOf(w, "authorization"),
    no_tls: field(w, "no_tls") === true || undefined,
    same_origin: field(w, "same_origin") === true || undefined,
    allowed_origins: Array.isArray(origins) && origins.length > 0 ? origins : undefined,
    compression: field(w, "compression") === true || field(w, "compress") === true || undefined,
  };
}
