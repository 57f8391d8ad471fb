/**
 * @module
 * Defaults nats-server derives from the leafnode options (opts.go getDefaultAuthTimeout,
 * server.go NewServer's cluster name for solicited leafnodes), shared by the leaf manager,
 * the startup banner and `/varz`.
 * PURE: no Deno APIs, timers or console output. Any isolate.
 */
import type { LeafNodeConfig } from "../../link_options.ts";
import type { ServerOptions } from "../../options.ts";

/** nats-server AUTH_TIMEOUT and the accept-side TLS timeout default, seconds. */
const AUTH_TIMEOUT_SECONDS = 2;
const TLS_TIMEOUT_SECONDS = 2;

/**
 * Seconds an accepted leafnode has to send CONNECT: `authorization { timeout }`, else the TLS
 * timeout plus one with `tls {}`, else 2 (getDefaultAuthTimeout).
 *
 * @example
 * ```ts
 * import { leafAuthTimeoutSeconds } from "./leaf_options.ts";
 * const plain = { authTimeout: 0 } as never;
 * if (leafAuthTimeoutSeconds(plain) !== 2) throw new Error();
 * ```
 */
export function leafAuthTimeoutSeconds(c: Pick<LeafNodeConfig, "authTimeout" | "tls">): number {
  if (c.authTimeout > 0) return c.authTimeout;
  if (c.tls) return (c.tls.timeoutSeconds > 0 ? c.tls.timeoutSeconds : TLS_TIMEOUT_SECONDS) + 1;
  return AUTH_TIMEOUT_SECONDS;
}

/**
 * The cluster name of a server without routes: the configured one, else, with leafnode
 * remotes, the server name (server.go NewServer: solicited leafnodes need a stable name).
 *
 * @example
 * ```ts
 * import { standaloneClusterName } from "./leaf_options.ts";
 * const o = { serverName: "s1", leafnodeConfig: { remotes: [{}] } } as never;
 * if (standaloneClusterName(o) !== "s1") throw new Error();
 * ```
 */
export function standaloneClusterName(
  o: Pick<ServerOptions, "clusterConfig" | "leafnodeConfig" | "serverName">,
): string {
  if (o.clusterConfig?.name) return o.clusterConfig.name;
  return o.leafnodeConfig?.remotes.length ? o.serverName ?? "" : "";
}

/**
 * Whether `version` is at least `min` (nats-server versionAtLeast over versionComponents:
 * `[v]major.minor.patch`; an unparsable version is not).
 *
 * @example
 * ```ts
 * import { versionAtLeast } from "./leaf_options.ts";
 * if (!versionAtLeast("2.9.10", "2.9.0") || versionAtLeast("2.8.4", "2.9.0")) throw new Error();
 * ```
 */
export function versionAtLeast(version: string, min: string): boolean {
  const parse = (v: string) => /^v?(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1).map(Number) ?? null;
  const have = parse(version);
  const want = parse(min);
  if (have === null || want === null) return false;
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
}

/**
 * nats-server validateLeafNode's rule for a leafnode listener next to gateways: a system
 * account must be configured (explicitly, or by the operator); its error text, or null.
 *
 * @example
 * ```ts
 * import { leafConfigProblem } from "./leaf_options.ts";
 * const o = { leafnodeConfig: { port: 7422 }, gatewayConfig: { name: "A", port: 7222 } } as never;
 * if (leafConfigProblem(o, undefined) === null || leafConfigProblem(o, "SYS") !== null) {
 *   throw new Error();
 * }
 * ```
 */
export function leafConfigProblem(
  o: Pick<ServerOptions, "leafnodeConfig" | "gatewayConfig">,
  systemAccount: string | undefined,
): string | null {
  if (!o.leafnodeConfig || o.leafnodeConfig.port === 0) return null;
  const g = o.gatewayConfig;
  if (!g || (g.name === "" && g.port === 0)) return null;
  if (!systemAccount) {
    return "leaf nodes and gateways (both being defined) require a system account to also be configured";
  }
  return null;
}
