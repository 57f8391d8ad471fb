/**
 * @module
 * Combines defaults, config-file options and command-line options the way nats-server 2.9.10
 * does: every flag given on the command line overrides the file (nats-server re-parses the
 * flags after the config), then zero values fall back to defaults (setBaselineOptions).
 * Pure; main isolate.
 */

import type { ServerOptions } from "../options.ts";

/** Fields where nats-server treats 0 (or "") as "use the default". */
const ZERO_MEANS_DEFAULT = [
  "maxConnections",
  "pingIntervalMs",
  "pingMax",
  "maxControlLine",
  "maxPayload",
  "maxPending",
  "writeDeadlineMs",
  "lameDuckDurationMs",
  "lameDuckGracePeriodMs",
  "connectErrorReports",
  "reconnectErrorReports",
] as const satisfies readonly (keyof ServerOptions)[];

/** nats-server TLS_TIMEOUT in seconds: with TLS the auth timeout defaults to tls timeout + 1. */
const TLS_TIMEOUT_SECONDS = 2;

/**
 * Merges options: `flagOpts` (only flags explicitly given) over `fileOpts` over `defaults`,
 * then applies nats-server's baseline (0 means default for limits and timeouts, an empty
 * host means 0.0.0.0, the monitoring host defaults to the client host).
 *
 * @example
 * ```ts
 * import { mergeOptions } from "./merge.ts";
 * import { defaultOptions } from "../options.ts";
 * const merged = mergeOptions(defaultOptions(), { port: 4333, debug: true }, { debug: false });
 * merged.port; // 4333
 * merged.debug; // false
 * ```
 */
export function mergeOptions(
  defaults: ServerOptions,
  fileOpts: Partial<ServerOptions> = {},
  flagOpts: Partial<ServerOptions> = {},
): ServerOptions {
  const merged: ServerOptions = { ...defaults };
  for (const layer of [fileOpts, flagOpts]) {
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  for (const field of ZERO_MEANS_DEFAULT) {
    if (!merged[field]) merged[field] = defaults[field];
  }
  if (!merged.host) merged.host = defaults.host || "0.0.0.0";
  if (!merged.httpHost) merged.httpHost = merged.host;
  if (!merged.authTimeout) {
    const tlsTimeout = merged.tls?.timeout;
    merged.authTimeout = merged.tls
      ? (typeof tlsTimeout === "number" && tlsTimeout > 0 ? tlsTimeout : TLS_TIMEOUT_SECONDS) + 1
      : defaults.authTimeout;
  }
  return merged;
}
