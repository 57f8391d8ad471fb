/**
 * @module
 * The gateway handshake documents (nats-server 2.9.10 server.go `Info` field order, gateway.go
 * `startGatewayAcceptLoop`, `sendGatewayConnect`, `gossipGatewaysToInboundGateway`,
 * `gatewaySwitchAccountToSendAllSubs`): this server's gateway INFO, the CONNECT an outbound
 * link sends, the gossip INFO (`gateway_cmd` 1) and the interest-only switch commands
 * (`gateway_cmd` 2 start, 3 complete, the account as base64 `gateway_cmd_payload` as Go's
 * `[]byte` marshals), plus their decoding.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

/** gateway.go gatewayCmd* values. */
export const GatewayCmd = { Gossip: 1, AllSubsStart: 2, AllSubsComplete: 3 } as const;
export type GatewayCmd = typeof GatewayCmd[keyof typeof GatewayCmd];

/** A gateway INFO as received (only the fields the gateway code reads). */
export interface GatewayInfoMessage {
  server_id: string;
  server_name?: string;
  headers?: boolean;
  auth_required?: boolean;
  gateway?: string;
  gateway_urls?: string[];
  gateway_url?: string;
  gateway_cmd?: number;
  /** Base64 of the account name (Go `[]byte`). */
  gateway_cmd_payload?: string;
  gateway_nrp?: boolean;
  gateway_iom?: boolean;
  [key: string]: unknown;
}

/** A gateway CONNECT as received (route.go `connectInfo`). */
export interface GatewayConnectMessage {
  user?: string;
  pass?: string;
  name?: string;
  gateway?: string;
  [key: string]: unknown;
}

/** What this server says about itself on gateways. */
export interface LocalGatewayInfo {
  serverId: string;
  serverName: string;
  version: string;
  host: string;
  port: number;
  headers: boolean;
  authRequired: boolean;
  tls: boolean;
  maxPayload: number;
  gateway: string;
  /** `host:port` of this server's gateway listener as advertised. */
  gatewayUrl: string;
}

/**
 * `INFO <json>\r\n` of this server's gateway listener, in Go's field order (`proto` 0 and `go`
 * empty as nats-server sends them), with the cluster's known gateway URLs.
 *
 * @example
 * ```ts
 * import { gatewayInfoJson } from "./gateway_info.ts";
 * const json = gatewayInfoJson({
 *   serverId: "N1", serverName: "a", version: "2.9.10", host: "10.0.0.1", port: 7222,
 *   headers: true, authRequired: false, tls: false, maxPayload: 1048576, gateway: "A",
 *   gatewayUrl: "10.0.0.1:7222",
 * }, ["10.0.0.1:7222"]);
 * if (!json.endsWith('"gateway_url":"10.0.0.1:7222","gateway_nrp":true,"gateway_iom":true}')) {
 *   throw new Error(json);
 * }
 * ```
 */
export function gatewayInfoJson(info: LocalGatewayInfo, urls: readonly string[]): string {
  const o: Record<string, unknown> = {
    server_id: info.serverId,
    server_name: info.serverName,
    version: info.version,
    proto: 0,
    go: "",
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
  o.gateway = info.gateway;
  if (urls.length > 0) o.gateway_urls = urls;
  if (info.gatewayUrl) o.gateway_url = info.gatewayUrl;
  o.gateway_nrp = true;
  o.gateway_iom = true;
  return JSON.stringify(o);
}

/** The empty `Info` fields Go marshals before the gateway ones (no omitempty). */
function bareInfo(serverId: string): Record<string, unknown> {
  return {
    server_id: serverId,
    server_name: "",
    version: "",
    proto: 0,
    go: "",
    host: "",
    port: 0,
    headers: false,
    max_payload: 0,
  };
}

/** Base64 of a string's UTF-8 bytes (Go's JSON of a `[]byte`). */
function base64(text: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * The interest-only switch command for `account` (gateway_cmd 2 start or 3 complete).
 *
 * @example
 * ```ts
 * import { GatewayCmd, gatewayCmdInfoJson } from "./gateway_info.ts";
 * const j = gatewayCmdInfoJson("B", GatewayCmd.AllSubsStart, "$G");
 * if (!j.endsWith('"gateway":"B","gateway_cmd":2,"gateway_cmd_payload":"JEc="}')) throw new Error(j);
 * ```
 */
export function gatewayCmdInfoJson(gateway: string, cmd: GatewayCmd, account: string): string {
  const o = bareInfo("");
  o.gateway = gateway;
  o.gateway_cmd = cmd;
  o.gateway_cmd_payload = base64(account);
  return JSON.stringify(o);
}

/** The gossip INFO telling an inbound link of another gateway (gossipGatewaysToInboundGateway). */
export function gatewayGossipInfoJson(
  serverId: string,
  gateway: string,
  urls: readonly string[],
): string {
  const o = bareInfo(serverId);
  o.gateway = gateway;
  o.gateway_urls = urls;
  o.gateway_cmd = GatewayCmd.Gossip;
  return JSON.stringify(o);
}

/**
 * The INFO telling the routes of this cluster about a gateway (forwardNewGatewayToLocalCluster,
 * sendGatewayConfigsToRoute): `server_id` is `GW<our id>` so older servers ignore it.
 */
export function gatewayRouteGossipJson(
  serverId: string,
  serverName: string,
  gateway: string,
  urls: readonly string[],
): string {
  const o = bareInfo(`GW${serverId}`);
  o.server_name = serverName;
  o.gateway = gateway;
  if (urls.length > 0) o.gateway_urls = urls;
  o.gateway_cmd = GatewayCmd.Gossip;
  return JSON.stringify(o);
}

/** The CONNECT of an outbound link (gateway.go sendGatewayConnect, route.go connectInfo). */
export function gatewayConnectJson(opts: {
  user: string;
  pass: string;
  tlsRequired: boolean;
  serverId: string;
  gateway: string;
}): string {
  const o: Record<string, unknown> = { echo: false, verbose: false, pedantic: false };
  if (opts.user) o.user = opts.user;
  if (opts.pass) o.pass = opts.pass;
  o.tls_required = opts.tlsRequired;
  o.headers = false;
  o.name = opts.serverId;
  o.cluster = "";
  o.gateway = opts.gateway;
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

/** Decodes a gateway INFO; null when it is not a JSON object. */
export function parseGatewayInfo(text: string): GatewayInfoMessage | null {
  const o = asObject(text);
  if (o === null) return null;
  if (typeof o.server_id !== "string") o.server_id = "";
  return o as GatewayInfoMessage;
}

/** Decodes a gateway CONNECT; null when it is not a JSON object. */
export function parseGatewayConnect(text: string): GatewayConnectMessage | null {
  return asObject(text) as GatewayConnectMessage | null;
}

/** The account of a `gateway_cmd` 2/3 INFO (base64-decoded), or "" when absent or invalid. */
export function gatewayCmdAccount(info: GatewayInfoMessage): string {
  const p = info.gateway_cmd_payload;
  if (typeof p !== "string" || p === "") return "";
  try {
    const bin = atob(p);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  } catch {
    return "";
  }
}
