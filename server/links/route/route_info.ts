/**
 * @module
 * The route handshake documents: the INFO a server sends on a route connection (nats-server
 * 2.9.10 server.go `Info` field order, route.go `startRouteAcceptLoop`) and the CONNECT the
 * soliciting side sends (route.go `connectInfo`, `sendRouteConnect`), plus their decoding.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import type { SubjectPermission } from "../../options.ts";

/** A route INFO as received (only the fields the route code reads). */
export interface RouteInfoMessage {
  server_id: string;
  server_name?: string;
  version?: string;
  proto?: number;
  host?: string;
  port?: number;
  headers?: boolean;
  auth_required?: boolean;
  tls_required?: boolean;
  max_payload?: number;
  ip?: string;
  nonce?: string;
  cluster?: string;
  cluster_dynamic?: boolean;
  connect_urls?: string[];
  ws_connect_urls?: string[];
  ldm?: boolean;
  import?: SubjectPermission;
  export?: SubjectPermission;
  lnoc?: boolean;
  gateway?: string;
  /** The sender's gateway URL (`host:port`), when it runs gateways. */
  gateway_url?: string;
  /** The remote's leafnode URL (route.go: added to the leafnode INFO's `leafnode_urls`). */
  leafnode_urls?: string[];
  [key: string]: unknown;
}

/** A route CONNECT as received (route.go `connectInfo` plus the ClientOpts fields read). */
export interface RouteConnectMessage {
  echo?: boolean;
  verbose?: boolean;
  pedantic?: boolean;
  user?: string;
  pass?: string;
  tls_required?: boolean;
  headers?: boolean;
  name?: string;
  cluster?: string;
  cluster_dynamic?: boolean;
  lnoc?: boolean;
  gateway?: string;
  /** Clients send `lang`; a route never does (route.go processRouteConnect). */
  lang?: string;
}

/** What this server says about itself on routes. */
export interface LocalRouteInfo {
  serverId: string;
  serverName: string;
  version: string;
  goVersion: string;
  host: string;
  port: number;
  headers: boolean;
  authRequired: boolean;
  /** Route TLS configured: `tls_required` and `tls_verify` (route TLS is always mutual). */
  tls?: boolean;
  maxPayload: number;
  /** `nats-route://host:port/` when `cluster.advertise` is set, else "". */
  ip: string;
  cluster: string;
  dynamic: boolean;
  /** This server's client URLs (empty with `no_advertise`). */
  connectUrls: string[];
  import?: SubjectPermission;
  export?: SubjectPermission;
  /** This server's gateway URL (`host:port`) when it runs gateways (route.go `GatewayURL`). */
  gatewayUrl?: string;
  /** This server's leafnode URL (a leafnode listener without `no_advertise`), gossiped. */
  leafnodeUrls?: string[];
}

/**
 * The JSON of this server's route INFO, in nats-server's field order. `nonce` is set only in
 * the INFO that opens a connection; `ldm` only when entering lame duck mode.
 *
 * @example
 * ```ts
 * import { routeInfoJson } from "./route_info.ts";
 * const json = routeInfoJson({
 *   serverId: "N1", serverName: "a", version: "2.9.10", goVersion: "go1.19.4", host: "0.0.0.0",
 *   port: 6222, headers: true, authRequired: false, maxPayload: 1048576, ip: "", cluster: "c",
 *   dynamic: false, connectUrls: ["10.0.0.1:4222"],
 * }, "abc");
 * if (!json.startsWith('{"server_id":"N1","server_name":"a","version":"2.9.10","proto":2')) {
 *   throw new Error(json);
 * }
 * ```
 */
export function routeInfoJson(info: LocalRouteInfo, nonce = "", ldm = false): string {
  const o: Record<string, unknown> = {
    server_id: info.serverId,
    server_name: info.serverName,
    version: info.version,
    proto: 2,
    go: info.goVersion,
    host: info.host,
    port: info.port,
    headers: info.headers,
  };
  if (info.authRequired) o.auth_required = true;
  if (info.tls) {
    o.tls_required = true;
    o.tls_verify = true;
  }
  o.max_payload = info.maxPayload;
  if (info.ip) o.ip = info.ip;
  if (nonce) o.nonce = nonce;
  if (info.cluster) o.cluster = info.cluster;
  if (info.dynamic) o.cluster_dynamic = true;
  if (info.connectUrls.length > 0) o.connect_urls = info.connectUrls;
  if (ldm) o.ldm = true;
  if (info.import) o.import = info.import;
  if (info.export) o.export = info.export;
  o.lnoc = true;
  if (info.gatewayUrl) o.gateway_url = info.gatewayUrl;
  if (info.leafnodeUrls?.length) o.leafnode_urls = info.leafnodeUrls;
  return JSON.stringify(o);
}

/** The CONNECT a soliciting server sends (route.go sendRouteConnect). */
export function routeConnectJson(opts: {
  user?: string;
  pass?: string;
  tlsRequired: boolean;
  headers: boolean;
  serverId: string;
  cluster: string;
  dynamic: boolean;
}): string {
  const o: Record<string, unknown> = { echo: true, verbose: false, pedantic: false };
  if (opts.user) o.user = opts.user;
  if (opts.pass) o.pass = opts.pass;
  o.tls_required = opts.tlsRequired;
  o.headers = opts.headers;
  o.name = opts.serverId;
  o.cluster = opts.cluster;
  if (opts.dynamic) o.cluster_dynamic = true;
  o.lnoc = true;
  return JSON.stringify(o);
}

function asObject(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** Decodes a route INFO; null when it is not a JSON object with a server id. */
export function parseRouteInfo(text: string): RouteInfoMessage | null {
  const o = asObject(text);
  if (o === null || typeof o.server_id !== "string") return null;
  return o as RouteInfoMessage;
}

/** Decodes a route CONNECT; null when it is not a JSON object. */
export function parseRouteConnect(text: string): RouteConnectMessage | null {
  return asObject(text) as RouteConnectMessage | null;
}

/**
 * The INFO forwarded to the other routes when a new route registers (route.go
 * forwardNewRouteInfoToKnownServers): the remote's own INFO without its nonce, with `ip` set.
 */
export function gossipInfoJson(info: RouteInfoMessage, ip: string): string {
  const copy: Record<string, unknown> = { ...info };
  delete copy.nonce;
  if (!copy.ip) copy.ip = ip;
  return JSON.stringify(copy);
}
