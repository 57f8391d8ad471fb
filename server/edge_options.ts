/**
 * @module
 * What an edge server (`edge: true`, denats only) cannot do, checked before it starts: it binds
 * no port, so every listener is refused (the `websocket {}` block's settings apply to `fetch`,
 * its port is not bound, its TLS and compression are refused), and it dials leafnode remotes
 * with the `WebSocket` API, so their URLs must be `ws://`/`wss://` and TLS settings the API
 * cannot apply are refused. Pure; any isolate.
 */
import type { ServerOptions } from "./options.ts";

type EdgeOptions = Pick<
  ServerOptions,
  | "edge"
  | "shards"
  | "clusterConfig"
  | "gatewayConfig"
  | "leafnodeConfig"
  | "tls"
  | "mqtt"
  | "websocketConfig"
>;

const NO_PORT = "an edge server binds no port (its host's HTTP server calls fetch)";

/**
 * The first reason `o` cannot run as an edge server, or null (also null without `edge`).
 *
 * @example
 * ```ts
 * import { edgeConfigProblem } from "./edge_options.ts";
 * if (edgeConfigProblem({ edge: true, shards: 2 }) === null) throw new Error("refused");
 * if (edgeConfigProblem({ edge: true }) !== null) throw new Error("accepted");
 * ```
 */
export function edgeConfigProblem(o: EdgeOptions): string | null {
  if (!o.edge) return null;
  if ((o.shards ?? 1) > 1) return "edge: an edge server runs in one isolate (shards must be 1)";
  if (o.clusterConfig && o.clusterConfig.port !== 0) {
    return `edge: 'cluster' needs a listener; ${NO_PORT}`;
  }
  const g = o.gatewayConfig;
  if (g && (g.port !== 0 || g.name !== "")) return `edge: 'gateway' needs a listener; ${NO_PORT}`;
  if (o.mqtt) return `edge: 'mqtt' needs a listener; ${NO_PORT}`;
  if (o.tls) {
    return "edge: 'tls' secures the client port, which an edge server does not bind (its host " +
      "terminates TLS)";
  }
  const ws = o.websocketConfig;
  if (ws?.tls) {
    return "edge: 'websocket { tls }' cannot be used: an edge server's host terminates TLS";
  }
  if (ws?.compression) {
    return "edge: 'websocket { compression }' cannot be negotiated through the host's HTTP server";
  }
  const leaf = o.leafnodeConfig;
  if (!leaf) return null;
  if (leaf.port !== 0) return `edge: 'leafnodes { port }' needs a listener; ${NO_PORT}`;
  for (const remote of leaf.remotes) {
    for (const url of remote.urls) {
      if (!/^wss?:\/\//i.test(url)) {
        return `edge: leafnode remote '${redact(url)}' must be a ws:// or wss:// URL (an edge ` +
          "server dials with the WebSocket API)";
      }
    }
    if (remote.tls) {
      return "edge: a leafnode remote's 'tls' settings cannot be applied by the WebSocket API " +
        "(wss:// uses the host's trusted roots)";
    }
    if (remote.wsNoMasking || remote.wsCompression) {
      return "edge: 'ws_no_masking' and 'ws_compression' cannot be applied by the WebSocket API";
    }
  }
  return null;
}

/** A URL without its password, for error texts. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:xxxxx@");
}
