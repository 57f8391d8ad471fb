/**
 * @module
 * Runtime checks of the options object given to `startServer`: every known option name (the
 * table below must list each key of {@link StartOptions}, which the compiler enforces), and the
 * error for a name that is not one, with a suggestion for a near miss. Pure; any isolate.
 */
import type { ServerOptions } from "./options.ts";
import type { Logger } from "./log/logger.ts";

/** Options accepted by `startServer`: any subset of ServerOptions, plus embedding switches. */
export interface StartOptions extends Partial<ServerOptions> {
  /**
   * A `.conf` or YAML (`.yaml`/`.yml`) file to load first, as `nats-server -c/--config` does; the
   * other options given here go over the file's, as command-line flags do. (`configFile`, from
   * ServerOptions, only records where options came from, as the config loaders set it.)
   */
  config?: string;
  /** Suppress log output (embedding, tests). */
  quiet?: boolean;
  /** A logger to use instead of the default stderr logger. */
  logger?: Logger;
}

/** Every option name `startServer` accepts (a missing or extra name fails type checking). */
const START_OPTION_NAMES: Record<keyof StartOptions, true> = {
  config: true,
  configFile: true,
  quiet: true,
  logger: true,
  serverName: true,
  host: true,
  port: true,
  clientAdvertise: true,
  noHeaderSupport: true,
  maxConnections: true,
  maxSubscriptions: true,
  maxPayload: true,
  maxControlLine: true,
  maxPending: true,
  writeDeadlineMs: true,
  pingIntervalMs: true,
  pingMax: true,
  username: true,
  password: true,
  authorizationToken: true,
  authTimeout: true,
  users: true,
  noAuthUser: true,
  defaultPermissions: true,
  debug: true,
  trace: true,
  traceVerbose: true,
  logtime: true,
  logtimeUTC: true,
  logFile: true,
  logSizeLimit: true,
  syslog: true,
  remoteSyslog: true,
  maxTracedMsgLen: true,
  pidFile: true,
  portsFileDir: true,
  httpHost: true,
  httpPort: true,
  httpsPort: true,
  httpBasePath: true,
  lameDuckDurationMs: true,
  lameDuckGracePeriodMs: true,
  connectErrorReports: true,
  reconnectErrorReports: true,
  tags: true,
  systemAccount: true,
  noSystemAccount: true,
  statszIntervalMs: true,
  accounts: true,
  tls: true,
  cluster: true,
  gateway: true,
  leafnodes: true,
  websocket: true,
  mqtt: true,
  edge: true,
  jetstream: true,
  operator: true,
  resolver: true,
  resolverPreload: true,
  shards: true,
  noSublistCache: true,
  maxSubTokens: true,
  profPort: true,
  storeDir: true,
  allowNonTls: true,
  ocsp: true,
  resolverTls: true,
  resolverPinnedAccounts: true,
  trustedKeys: true,
  mappings: true,
  defaultJsDomain: true,
  clusterConfig: true,
  gatewayConfig: true,
  leafnodeConfig: true,
  websocketConfig: true,
  jetstreamConfig: true,
};

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * The names in `opts` that `startServer` does not know, each with an error message such as
 * `startServer: unknown option 'prot' (did you mean 'port'?)`.
 *
 * @example
 * ```ts
 * import { unknownStartOptions } from "./start_options.ts";
 * console.log(unknownStartOptions({ port: 1, prot: 2 }));
 * // [ "startServer: unknown option 'prot' (did you mean 'port'?)" ]
 * ```
 */
export function unknownStartOptions(opts: object): string[] {
  const errors: string[] = [];
  for (const name of Object.keys(opts)) {
    if (Object.hasOwn(START_OPTION_NAMES, name)) continue;
    let best = "";
    let bestDistance = 3;
    for (const known of Object.keys(START_OPTION_NAMES)) {
      const d = distance(name.toLowerCase(), known.toLowerCase());
      if (d < bestDistance) [best, bestDistance] = [known, d];
    }
    const hint = best ? ` (did you mean '${best}'?)` : "";
    errors.push(`startServer: unknown option '${name}'${hint}`);
  }
  return errors;
}
