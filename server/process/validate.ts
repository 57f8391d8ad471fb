/**
 * @module
 * The option checks nats-server runs when a server is created and before a reload is applied
 * (server.go `validateOptions`), for the options denats implements. Pure; main isolate.
 */
import { formatGoDuration } from "../config/duration.ts";
import type { ServerOptions } from "../options.ts";
import { clusterConfigProblem } from "../links/route/cluster_options.ts";
import { validateTransportOptions } from "../transport/client_transports.ts";

function goDuration(ms: number): string {
  return formatGoDuration(BigInt(Math.round(ms * 1_000_000)));
}

/**
 * Returns nats-server's error text for an inconsistent option set, or null when it is valid.
 *
 * @example
 * ```ts
 * import { defaultOptions } from "../options.ts";
 * import { validateOptions } from "./validate.ts";
 * const o = { ...defaultOptions(), lameDuckDurationMs: 30_000, lameDuckGracePeriodMs: 40_000 };
 * validateOptions(o); // "lame duck grace period (40s) should be strictly lower than ..."
 * ```
 */
export function validateOptions(o: ServerOptions): string | null {
  if (o.lameDuckDurationMs > 0 && o.lameDuckGracePeriodMs >= o.lameDuckDurationMs) {
    return `lame duck grace period (${goDuration(o.lameDuckGracePeriodMs)}) should be strictly ` +
      `lower than lame duck duration (${goDuration(o.lameDuckDurationMs)})`;
  }
  if (o.maxPayload > o.maxPending) {
    return `max_payload (${o.maxPayload}) cannot be higher than max_pending (${o.maxPending})`;
  }
  const cluster = o.clusterConfig;
  const problem = cluster && cluster.port !== 0 ? clusterConfigProblem(cluster) : null;
  if (problem) return problem;
  // server.go validateJetStreamOptions: clustered JetStream names its nodes after the server.
  if (o.jetstreamConfig?.enabled && cluster && cluster.port !== 0) {
    if ((o.serverName ?? "") === "") return "jetstream cluster requires `server_name` to be set";
    if ((cluster.name ?? "") === "") return "jetstream cluster requires `cluster.name` to be set";
  }
  return validateTransportOptions(o);
}
