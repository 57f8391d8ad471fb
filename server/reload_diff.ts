/**
 * @module
 * Config reload, the pure part (nats-server 2.9.10 reload.go `diffOptions` and the option
 * `Apply` notices): which options changed, in nats-server's `Options` field order, whether each
 * may change at runtime, nats-server's error for one that may not, and the `Reloaded: ...` lines.
 * Runs in the main isolate.
 */
import type { ServerOptions } from "./options.ts";
import { leafNodeReloadError } from "./links/leaf/leaf_reload.ts";

/** What a changed option touches when applied. */
export const ReloadEffect = {
  Logging: "logging",
  Auth: "auth",
  Limits: "limits",
  Info: "info",
  Files: "files",
  /** `leafnodes {}`: a change nats-server lets through (users, TLS; leaf_reload.ts). */
  Leafnodes: "leafnodes",
  None: "none",
} as const;
export type ReloadEffect = typeof ReloadEffect[keyof typeof ReloadEffect];

type Key = keyof ServerOptions;

/**
 * Options in the order of nats-server's `Options` struct (opts.go), which is the order
 * diffOptions visits them: it decides which error is reported and the order of the notices.
 */
const GO_ORDER: Key[] = [
  "configFile",
  "serverName",
  "host",
  "port",
  "clientAdvertise",
  "trace",
  "debug",
  "traceVerbose",
  "noSublistCache",
  "noHeaderSupport",
  "logtime",
  "logtimeUTC",
  "maxConnections",
  "maxSubscriptions",
  "maxSubTokens",
  "users",
  "accounts",
  "noAuthUser",
  "systemAccount",
  "noSystemAccount",
  "username",
  "password",
  "authorizationToken",
  "defaultPermissions",
  "pingIntervalMs",
  "pingMax",
  "httpHost",
  "httpPort",
  "httpBasePath",
  "httpsPort",
  "authTimeout",
  "maxControlLine",
  "maxPayload",
  "maxPending",
  "cluster",
  "gateway",
  "leafnodeConfig",
  "jetstream",
  "storeDir",
  "websocket",
  "mqtt",
  "profPort",
  "pidFile",
  "portsFileDir",
  "logFile",
  "logSizeLimit",
  "syslog",
  "remoteSyslog",
  "tls",
  "allowNonTls",
  "writeDeadlineMs",
  "lameDuckDurationMs",
  "lameDuckGracePeriodMs",
  "maxTracedMsgLen",
  "trustedKeys",
  "operator",
  "resolver",
  "resolverTls",
  "connectErrorReports",
  "reconnectErrorReports",
  "tags",
  "ocsp",
];

/** Options nats-server 2.9.10 can change on reload, with what applying them touches. */
const RELOADABLE: Partial<Record<Key, ReloadEffect>> = {
  debug: ReloadEffect.Logging,
  trace: ReloadEffect.Logging,
  traceVerbose: ReloadEffect.Logging,
  logtime: ReloadEffect.Logging,
  logtimeUTC: ReloadEffect.Logging,
  logFile: ReloadEffect.Logging,
  syslog: ReloadEffect.Logging,
  remoteSyslog: ReloadEffect.Logging,
  maxTracedMsgLen: ReloadEffect.Logging,
  username: ReloadEffect.Auth,
  password: ReloadEffect.Auth,
  authorizationToken: ReloadEffect.Auth,
  authTimeout: ReloadEffect.Auth,
  users: ReloadEffect.Auth,
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
  configFile: ReloadEffect.None,
};

/** nats-server's Go field names for the options whose reload it refuses. */
const GO_FIELD: Partial<Record<Key, string>> = {
  host: "Host",
  port: "Port",
  serverName: "ServerName",
  maxPending: "MaxPending",
  maxSubscriptions: "MaxSubs",
  maxSubTokens: "MaxSubTokens",
  noSublistCache: "NoSublistCache",
  noAuthUser: "NoAuthUser",
  httpHost: "HTTPHost",
  httpPort: "HTTPPort",
  httpsPort: "HTTPSPort",
  httpBasePath: "HTTPBasePath",
  noHeaderSupport: "NoHeaderSupport",
  systemAccount: "SystemAccount",
  noSystemAccount: "NoSystemAccount",
  logSizeLimit: "LogSizeLimit",
  lameDuckDurationMs: "LameDuckDuration",
  lameDuckGracePeriodMs: "LameDuckGracePeriod",
  cluster: "Cluster",
  gateway: "Gateway",
  leafnodes: "LeafNode",
  websocket: "Websocket",
  mqtt: "MQTT",
  jetstream: "JetStream",
  storeDir: "StoreDir",
  profPort: "ProfPort",
  operator: "TrustedOperators",
  trustedKeys: "TrustedKeys",
  resolver: "AccountResolver",
  shards: "Shards",
};

/** Options held in milliseconds that nats-server prints as Go durations. */
const DURATION_MS = new Set<Key>([
  "pingIntervalMs",
  "writeDeadlineMs",
  "lameDuckDurationMs",
  "lameDuckGracePeriodMs",
]);

/**
 * Options nats-server always treats as changed (its users and accounts carry runtime state), so
 * every reload re-checks authorization and logs `authorization users` and `accounts`.
 */
const ALWAYS_CHANGED = new Set<Key>(["users", "accounts"]);

/** One changed option. */
export interface OptionChange {
  key: Key;
  effect: ReloadEffect;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Go's time.Duration String() for a whole number of milliseconds. */
export function goDurationMs(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = String(rest / 1000);
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

function goValue(key: Key, v: unknown): string {
  if (v === undefined || v === null) return "";
  if (DURATION_MS.has(key) && typeof v === "number") return goDurationMs(v);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function order(key: Key): number {
  const i = GO_ORDER.indexOf(key);
  return i < 0 ? GO_ORDER.length : i;
}

/** Thrown (with nats-server's text) when a reload changes an option that cannot change. */
export class ReloadNotSupported extends Error {}

function notSupported(key: Key, a: unknown, b: unknown): ReloadNotSupported {
  const field = GO_FIELD[key] ?? key[0].toUpperCase() + key.slice(1);
  return new ReloadNotSupported(
    `config reload not supported for ${field}: old=${goValue(key, a)}, new=${goValue(key, b)}`,
  );
}

/**
 * Diffs two option sets in nats-server's field order; throws {@link ReloadNotSupported} for the
 * first non-reloadable change. `users` and `accounts` are always reported, as nats-server does.
 * `bound.leafnodes`: the port the leafnode listener got, standing for a random port (-1).
 */
export function diffOptions(
  oldOpts: ServerOptions,
  newOpts: ServerOptions,
  bound: { leafnodes?: number } = {},
): OptionChange[] {
  const keys = [...new Set([...Object.keys(oldOpts), ...Object.keys(newOpts)] as Key[])];
  for (const key of ALWAYS_CHANGED) if (!keys.includes(key)) keys.push(key);
  keys.sort((a, b) => order(a) - order(b));
  const changes: OptionChange[] = [];
  for (const key of keys) {
    const a = oldOpts[key];
    const b = newOpts[key];
    if (ALWAYS_CHANGED.has(key)) {
      changes.push({ key, effect: ReloadEffect.Auth });
      continue;
    }
    // `leafnodes {}` is judged on its typed form, as nats-server's reload.go does.
    if (key === "leafnodes") continue;
    if (key === "leafnodeConfig") {
      const refused = leafNodeReloadError(
        oldOpts.leafnodeConfig,
        newOpts.leafnodeConfig,
        bound.leafnodes,
      );
      if (refused !== null) throw new ReloadNotSupported(refused);
      // Always re-applied, as Go builds new TLS configs (certificate files read again).
      if (b !== undefined) changes.push({ key, effect: ReloadEffect.Leafnodes });
      continue;
    }
    if (same(a, b)) continue;
    if (key === "noAuthUser") {
      // reload.go: only dropping no_auth_user together with that user is allowed.
      const userKept = (newOpts.users ?? []).some((u) => u.user === a);
      if (a && !b && !userKept) continue;
      throw notSupported(key, a, b);
    }
    const effect = RELOADABLE[key];
    if (effect === undefined) throw notSupported(key, a, b);
    changes.push({ key, effect });
  }
  return changes;
}

/** The `Reloaded: ...` notice each option's Apply logs in nats-server (null: none). */
function notice(key: Key, o: ServerOptions): string | null {
  const v = o[key];
  switch (key) {
    case "trace":
      return `Reloaded: trace = ${v}`;
    case "traceVerbose":
      return `Reloaded: trace_verbose = ${v}`;
    case "debug":
      return `Reloaded: debug = ${v}`;
    case "logtime":
      return `Reloaded: logtime = ${v}`;
    case "logtimeUTC":
      return `Reloaded: logtime_utc = ${v}`;
    case "logFile":
      return `Reloaded: log_file = ${v ?? ""}`;
    case "syslog":
      return `Reloaded: syslog = ${v}`;
    case "remoteSyslog":
      return `Reloaded: remote_syslog = ${v ?? ""}`;
    case "tls":
      return `Reloaded: tls = ${v ? "enabled" : "disabled"}`;
    case "username":
      return "Reloaded: authorization username";
    case "password":
      return "Reloaded: authorization password";
    case "authorizationToken":
      return "Reloaded: authorization token";
    case "authTimeout":
      return `Reloaded: authorization timeout = ${v}`;
    case "tags":
      return "Reloaded: tags";
    case "users":
      return "Reloaded: authorization users";
    case "accounts":
      return "Reloaded: accounts";
    case "maxConnections":
      return `Reloaded: max_connections = ${v}`;
    case "pidFile":
      return v ? `Reloaded: pid_file = ${v}` : null;
    case "portsFileDir":
      return `Reloaded: ports_file_dir = ${v ?? ""}`;
    case "maxControlLine":
      return `Reloaded: max_control_line = ${v}`;
    case "maxPayload":
      return `Reloaded: max_payload = ${v}`;
    case "pingIntervalMs":
      return `Reloaded: ping_interval = ${goDurationMs(v as number)}`;
    case "pingMax":
      return `Reloaded: ping_max = ${v}`;
    case "writeDeadlineMs":
      return `Reloaded: write_deadline = ${goDurationMs(v as number)}`;
    case "clientAdvertise":
      // sic: nats-server logs "Reload:" for this one.
      return `Reload: client_advertise = ${v ?? ""}`;
    case "connectErrorReports":
      return `Reloaded: connect_error_reports = ${v}`;
    case "reconnectErrorReports":
      return `Reloaded: reconnect_error_reports = ${v}`;
    case "maxTracedMsgLen":
      return `Reloaded: max_traced_msg_len = ${v}`;
    default:
      return null;
  }
}

/**
 * The notices nats-server logs for applied changes, in order (without the final
 * `Reloaded server configuration`).
 *
 * @example
 * ```ts
 * import { defaultOptions } from "./options.ts";
 * import { diffOptions, reloadNotices } from "./reload_diff.ts";
 * const before = defaultOptions();
 * const after = { ...before, maxPayload: 2048 };
 * reloadNotices(diffOptions(before, after), after);
 * // ["Reloaded: authorization users", "Reloaded: accounts", "Reloaded: max_payload = 2048"]
 * ```
 */
export function reloadNotices(changes: OptionChange[], next: ServerOptions): string[] {
  const lines: string[] = [];
  for (const c of changes) {
    const line = notice(c.key, next);
    if (line !== null) lines.push(line);
  }
  return lines;
}
