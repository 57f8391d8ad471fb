/**
 * @module
 * Leafnode remote URLs (nats-server opts.go parseRemoteLeafNodes, leafnode.go newLeafNodeCfg,
 * saveUserPassword, doUpdateLNURLs): parsing `nats-leaf://`, `nats://`, `tls://`, `ws://` and
 * `wss://` URLs with their default ports and user info, the running state of one remote
 * ({@link LeafRemote}: configured URLs, at random unless `no_randomize`, plus those the hub
 * gossips), and the hub's gossiped `leafnode_urls`.
 * PURE: no Deno APIs, timers or console output.
 */
import type { RemoteLeafConfig } from "../../link_options.ts";
import { LinkUrls, PickOrder } from "../core/link_urls.ts";
import type { LeafRemote, LeafUrl } from "./leaf_host.ts";

/** nats-server DEFAULT_LEAFNODE_PORT. */
export const DEFAULT_LEAFNODE_PORT = 7422;

/**
 * Parses one remote URL; null when it has no host.
 *
 * @example
 * ```ts
 * import { parseLeafUrl } from "./leaf_urls.ts";
 * const u = parseLeafUrl("nats-leaf://a:b@127.0.0.1:7500");
 * if (!u || u.port !== 7500 || u.user !== "a" || u.pass !== "b") throw new Error();
 * if (parseLeafUrl("nats://host")?.port !== 7422) throw new Error();
 * ```
 */
export function parseLeafUrl(text: string): LeafUrl | null {
  let u: URL;
  try {
    u = new URL(text.includes("://") ? text : `nats-leaf://${text}`);
  } catch {
    return null;
  }
  const scheme = u.protocol.replace(/:$/, "").toLowerCase();
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (host === "") return null;
  const defaultPort = scheme === "ws" ? 80 : scheme === "wss" ? 443 : DEFAULT_LEAFNODE_PORT;
  const port = u.port === "" ? defaultPort : Number(u.port);
  return {
    url: text,
    host,
    port,
    scheme,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
  };
}

/** True for `ws://` and `wss://` URLs (leafnode.go isWSURL). */
export function isWebSocketUrl(u: LeafUrl): boolean {
  return u.scheme === "ws" || u.scheme === "wss";
}

/** The running state of one configured remote; null when none of its URLs parses. */
export function newLeafRemote(config: RemoteLeafConfig): LeafRemote | null {
  const urls: LeafUrl[] = [];
  for (const text of config.urls) {
    const u = parseLeafUrl(text);
    if (u !== null) urls.push(u);
  }
  if (urls.length === 0) return null;
  const withUser = urls.find((u) => u.user !== "");
  return {
    config,
    urls: new LinkUrls(urls, config.noRandomize ? PickOrder.Rotate : PickOrder.Random),
    username: withUser?.user ?? "",
    password: withUser?.pass ?? "",
    connectDelayMs: 0,
    remoteAccount: "",
  };
}

/**
 * The hub's `leafnode_urls` (or `ws_connect_urls` for a WebSocket remote) become the remote's
 * discovered URLs (leafnode.go updateLeafNodeURLs: the incoming list replaces the previous
 * one; configured URLs stay).
 */
export function updateDiscovered(remote: LeafRemote, hostPorts: readonly string[]): void {
  const first = remote.urls.configured[0];
  const scheme = first && (first.scheme === "ws" || first.scheme === "wss")
    ? first.scheme
    : "nats-leaf";
  const incoming: LeafUrl[] = [];
  for (const hp of hostPorts) {
    const u = parseLeafUrl(`${scheme}://${hp}`);
    if (u !== null) incoming.push(u);
  }
  const key = (u: LeafUrl) => `${u.host.toLowerCase()}:${u.port}`;
  const keep = new Set(incoming.map(key));
  for (const d of [...remote.urls.discovered]) {
    if (!keep.has(key(d))) remote.urls.removeDiscovered(d);
  }
  for (const u of incoming) remote.urls.addDiscovered(u);
}
