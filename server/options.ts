/**
 * @module
 * ServerOptions: the one normalized option set every part of denats reads.
 * Both config syntaxes (`.conf`, YAML) and the CLI flags produce it (see `config/`).
 * Pure data; runs in any isolate. Defaults mirror nats-server 2.9.10 (server/const.go, opts.go).
 */

import type {
  ClusterConfig,
  GatewayConfig,
  JetStreamConfig,
  LeafNodeConfig,
  WebSocketSettings,
} from "./link_options.ts";

/** Publish/subscribe allow/deny lists (nats-server `SubjectPermission`). */
export interface SubjectPermission {
  allow?: string[];
  deny?: string[];
}

/** `allow_responses` (nats-server `ResponsePermission`). */
export interface ResponsePermission {
  maxMsgs: number;
  expiresMs: number;
}

/** Per-user permissions (nats-server `Permissions`). */
export interface Permissions {
  publish?: SubjectPermission;
  subscribe?: SubjectPermission;
  response?: ResponsePermission;
}

/** One entry of `authorization.users` / `accounts.X.users`. */
export interface UserOptions {
  user?: string;
  password?: string;
  nkey?: string;
  permissions?: Permissions;
  account?: string;
  allowedConnectionTypes?: string[];
}

/** Config options for sections that later issues implement; kept as normalized raw maps. */
export type RawSection = Record<string, unknown>;

/** The normalized server configuration. */
export interface ServerOptions {
  /** Path of the config file, when one was loaded. */
  configFile?: string;
  serverName?: string;
  host: string;
  /** Client port; -1 picks a random port (nats-server RANDOM_PORT), 0 also means random here. */
  port: number;
  clientAdvertise?: string;
  noHeaderSupport: boolean;

  // limits (nats-server const.go)
  maxConnections: number;
  /** 0 = unlimited. */
  maxSubscriptions: number;
  maxPayload: number;
  maxControlLine: number;
  maxPending: number;
  writeDeadlineMs: number;
  pingIntervalMs: number;
  pingMax: number;

  // auth (baseline)
  username?: string;
  password?: string;
  authorizationToken?: string;
  /** Seconds, as nats-server (float allowed). */
  authTimeout: number;
  users?: UserOptions[];
  noAuthUser?: string;
  /** Default permissions applied to users without their own. */
  defaultPermissions?: Permissions;

  // logging
  debug: boolean;
  trace: boolean;
  traceVerbose: boolean;
  logtime: boolean;
  logtimeUTC: boolean;
  logFile?: string;
  logSizeLimit: number;
  syslog: boolean;
  remoteSyslog?: string;
  maxTracedMsgLen: number;

  // process
  pidFile?: string;
  portsFileDir?: string;

  // monitoring
  httpHost?: string;
  httpPort: number;
  httpsPort: number;
  httpBasePath?: string;

  lameDuckDurationMs: number;
  lameDuckGracePeriodMs: number;
  connectErrorReports: number;
  reconnectErrorReports: number;
  tags?: string[];
  systemAccount?: string;
  noSystemAccount: boolean;
  /** System account statsz ceiling in ms (nats-server: fixed 30s); for tests, not a config key. */
  statszIntervalMs?: number;

  /**
   * Typed blocks, produced once by the config normalizer (`config/*_block.ts`) or, for
   * embedded options that give only the raw sections, by `config/link_configs.ts`
   * `resolveLinkConfigs`. Each is set when its block (or `-js`, or a cluster flag) is given;
   * a cluster, gateway, leafnode or WebSocket listener is on when its port is not 0 (-1 =
   * random), JetStream when `enabled`.
   */
  clusterConfig?: ClusterConfig;
  gatewayConfig?: GatewayConfig;
  leafnodeConfig?: LeafNodeConfig;
  websocketConfig?: WebSocketSettings;
  jetstreamConfig?: JetStreamConfig;

  /** The raw blocks as written (reload diffing, varz, CLI flag merging). */
  accounts?: RawSection;
  tls?: RawSection;
  cluster?: RawSection;
  gateway?: RawSection;
  leafnodes?: RawSection;
  websocket?: RawSection;
  mqtt?: RawSection;
  jetstream?: RawSection;
  operator?: unknown;
  resolver?: unknown;
  resolverPreload?: RawSection;
  shards?: number;
  /**
   * denats only (embedding): an edge server that binds no port of its own, for hosts that only
   * offer HTTP and WebSocket (Deno Deploy and the like). Clients connect over WebSocket and
   * monitoring is answered through `ServerHandle.fetch` (the host's `Deno.serve`); leafnode
   * remotes must be `ws://`/`wss://` and are dialed with the `WebSocket` API. `http_port` (any
   * value but 0) turns monitoring through `fetch` on; nothing is bound. What needs a listener
   * or TCP (`cluster`, `gateway`, `leafnodes { port }`, `tls`, `mqtt`, a `nats://` remote) and
   * `shards` > 1 are refused (edge_options.ts). JetStream without a `store_dir` keeps memory
   * streams only.
   */
  edge?: boolean;

  // added by the config pipeline (nats-server 2.9.10 options it accepts)
  /** `disable_sublist_cache` / `no_sublist_cache`. */
  noSublistCache?: boolean;
  /** `max_sub_tokens` (1..255). */
  maxSubTokens?: number;
  /** `prof_port` / `--profile`: Go pprof port in nats-server; accepted, not served. */
  profPort?: number;
  /** `store_dir` at the top level or in `jetstream {}`, or `-sd`. */
  storeDir?: string;
  /** `allow_non_tls`. */
  allowNonTls?: boolean;
  /** `ocsp`: boolean or raw map. */
  ocsp?: boolean | RawSection;
  /** `resolver_tls` raw map. */
  resolverTls?: RawSection;
  /** `resolver_pinned_accounts`. */
  resolverPinnedAccounts?: string[];
  /** `trusted` / `trusted_keys`: operator public NKeys. */
  trustedKeys?: string[];
  /** Global-account `mappings` / `maps`, raw. */
  mappings?: RawSection;
  /** `default_js_domain`: account -> domain. */
  defaultJsDomain?: Record<string, string>;
}

/** nats-server 2.9.10 defaults (server/const.go, server/opts.go setBaselineOptions). */
export function defaultOptions(): ServerOptions {
  return {
    host: "0.0.0.0",
    port: 4222,
    noHeaderSupport: false,
    maxConnections: 64 * 1024,
    maxSubscriptions: 0,
    maxPayload: 1024 * 1024,
    maxControlLine: 4096,
    maxPending: 64 * 1024 * 1024,
    writeDeadlineMs: 10_000,
    pingIntervalMs: 2 * 60_000,
    pingMax: 2,
    authTimeout: 2,
    debug: false,
    trace: false,
    traceVerbose: false,
    logtime: true,
    logtimeUTC: false,
    logSizeLimit: 0,
    syslog: false,
    maxTracedMsgLen: 0,
    httpPort: 0,
    httpsPort: 0,
    lameDuckDurationMs: 2 * 60_000,
    lameDuckGracePeriodMs: 10_000,
    connectErrorReports: 3600,
    reconnectErrorReports: 1,
    noSystemAccount: false,
  };
}
