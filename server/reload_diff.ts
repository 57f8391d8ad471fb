/**
 * @module
 * Config reload, the pure part (nats-server reload.go `diffOptions`): which options changed,
 * whether each may change at runtime, and nats-server's error for one that may not.
 * Runs in the main isolate.
 */
import type { ServerOptions } from "./options.ts";

/** What a changed option touches when applied. */
export const ReloadEffect = {
  Logging: "logging",
  Auth: "auth",
  Limits: "limits",
  Info: "info",
  Files: "files",
  None: "none",
} as const;
export type ReloadEffect = typeof ReloadEffect[keyof typeof ReloadEffect];

/** Options nats-server 2.9.10 can change on reload, with what applying them touches. */
const RELOADABLE: Partial<Record<keyof ServerOptions, ReloadEffect>> = {
  debug: ReloadEffect.Logging,
  trace: ReloadEffect.Logging,
  traceVerbose: ReloadEffect.Logging,
  logtime: ReloadEffect.Logging,
  logtimeUTC: ReloadEffect.Logging,
  logFile: ReloadEffect.Logging,
  logSizeLimit: ReloadEffect.Logging,
  syslog: ReloadEffect.Logging,
  remoteSyslog: ReloadEffect.Logging,
  maxTracedMsgLen: ReloadEffect.Logging,
  username: ReloadEffect.Auth,
  password: ReloadEffect.Auth,
  authorizationToken: ReloadEffect.Auth,
  authTimeout: ReloadEffect.Auth,
  users: ReloadEffect.Auth,
  noAuthUser: ReloadEffect.Auth,
  defaultPermissions: ReloadEffect.Auth,
  accounts: ReloadEffect.Auth,
  tls: ReloadEffect.Auth,
  maxConnections: ReloadEffect.Limits,
  maxControlLine: ReloadEffect.Limits,
  maxPayload: ReloadEffect.Limits,
  pingIntervalMs: ReloadEffect.Limits,
  pingMax: ReloadEffect.Limits,
  writeDeadlineMs: ReloadEffect.Limits,
  clientAdvertise: ReloadEffect.Info,
  tags: ReloadEffect.Info,
  pidFile: ReloadEffect.Files,
  portsFileDir: ReloadEffect.Files,
  connectErrorReports: ReloadEffect.None,
  reconnectErrorReports: ReloadEffect.None,
  lameDuckDurationMs: ReloadEffect.None,
  lameDuckGracePeriodMs: ReloadEffect.None,
  configFile: ReloadEffect.None,
};

/** nats-server's Go field names for the options whose reload it refuses. */
const GO_FIELD: Partial<Record<keyof ServerOptions, string>> = {
  host: "Host",
  port: "Port",
  serverName: "ServerName",
  maxPending: "MaxPending",
  maxSubscriptions: "MaxSubs",
  httpHost: "HTTPHost",
  httpPort: "HTTPPort",
  httpsPort: "HTTPSPort",
  httpBasePath: "HTTPBasePath",
  noHeaderSupport: "NoHeaderSupport",
  systemAccount: "SystemAccount",
  noSystemAccount: "NoSystemAccount",
  cluster: "Cluster",
  gateway: "Gateway",
  leafnodes: "LeafNode",
  websocket: "Websocket",
  mqtt: "MQTT",
  jetstream: "JetStream",
  operator: "TrustedOperators",
  resolver: "AccountResolver",
  shards: "Shards",
};

/** One changed option. */
export interface OptionChange {
  key: keyof ServerOptions;
  effect: ReloadEffect;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function goValue(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Thrown (with nats-server's text) when a reload changes an option that cannot change. */
export class ReloadNotSupported extends Error {}

/** Diffs two option sets; throws {@link ReloadNotSupported} for a non-reloadable change. */
export function diffOptions(oldOpts: ServerOptions, newOpts: ServerOptions): OptionChange[] {
  const keys = new Set([...Object.keys(oldOpts), ...Object.keys(newOpts)]) as Set<
    keyof ServerOptions
  >;
  const changes: OptionChange[] = [];
  for (const key of keys) {
    const a = oldOpts[key];
    const b = newOpts[key];
    if (same(a, b)) continue;
    const effect = RELOADABLE[key];
    if (effect === undefined) {
      const field = GO_FIELD[key] ?? key[0].toUpperCase() + key.slice(1);
      throw new ReloadNotSupported(
        `config reload not supported for ${field}: old=${goValue(a)}, new=${goValue(b)}`,
      );
    }
    changes.push({ key, effect });
  }
  return changes;
}
