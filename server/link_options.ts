/**
 * @module
 * Typed options of the link blocks (`gateway {}`, `leafnodes {}`) and of `jetstream {}`, as the
 * config normalizer produces them (nats-server 2.9.10 opts.go `GatewayOpts`,
 * `RemoteGatewayOpts`, `LeafNodeOpts`, `RemoteLeafOpts`, and the JetStream fields of `Options`).
 * The cluster and WebSocket blocks keep their types beside their users
 * (`links/route/cluster_options.ts` {@link ClusterConfig}, `transport/ws_options.ts`
 * {@link WebSocketSettings}); they are re-exported here so the link code has one place to look.
 * Pure data: plain objects that survive structured cloning to workers. Any isolate.
 */
import type { SubjectPermission } from "./options.ts";
import type { ClusterConfig } from "./links/route/cluster_options.ts";
import type { TlsSettings } from "./transport/tls_options.ts";
import type { WebSocketSettings } from "./transport/ws_options.ts";

export type { ClusterConfig, TlsSettings, WebSocketSettings };

/** Link kinds a server opens besides client connections. */
export const LinkKind = {
  route: "route",
  gateway: "gateway",
  leafnode: "leafnode",
} as const;
/** One of {@link LinkKind}. */
export type LinkKind = typeof LinkKind[keyof typeof LinkKind];

/** Credentials and timeout of a link listener's `authorization {}` (nats-server `authorization`). */
export interface LinkAuthorization {
  /** "" when not set. */
  username: string;
  /** "" when not set. */
  password: string;
  /** Seconds; 0 means the default (the server's auth timeout). */
  authTimeout: number;
}

/** One entry of `gateway { gateways: [...] }`: a remote cluster to connect to. */
export interface RemoteGatewayConfig {
  /** The remote gateway (cluster) name. */
  name: string;
  /** URLs as written (`url` and/or `urls`), trimmed; credentials included. */
  urls: string[];
  /** Outbound TLS to this gateway (mutual, as nats-server getTLSConfig). */
  tls?: TlsSettings;
}

/** The `gateway {}` block (nats-server `GatewayOpts`). */
export interface GatewayConfig extends LinkAuthorization {
  /** This cluster's gateway name (required by nats-server when the port is set). */
  name: string;
  host: string;
  /** 0 = gateways disabled; -1 = random port. */
  port: number;
  advertise: string;
  connectRetries: number;
  /** `reject_unknown` / `reject_unknown_cluster`. */
  rejectUnknown: boolean;
  gateways: RemoteGatewayConfig[];
  /** Gateway TLS (mutual). */
  tls?: TlsSettings;
}

/** One user of `leafnodes { authorization { users: [...] } }`. */
export interface LeafUser {
  username: string;
  password: string;
  /** The account the leafnode connection binds to; "" = the global account. */
  account: string;
}

/** The accept side of `leafnodes {}` plus its remotes (nats-server `LeafNodeOpts`). */
export interface LeafNodeConfig extends LinkAuthorization {
  host: string;
  /** 0 = no leafnode listener; -1 = random port. */
  port: number;
  /** `account` of the authorization block: where single-user leafnodes bind. */
  account: string;
  /** `authorization { users }`: multi-user leafnode auth. */
  users: LeafUser[];
  advertise: string;
  noAdvertise: boolean;
  /** `reconnect` / `reconnect_delay` / `reconnect_interval` in seconds; 0 = default (1s). */
  reconnectSeconds: number;
  /** `min_version` / `minimum_version` accepted from soliciting leafnodes; "" = any. */
  minVersion: string;
  /** Accept-side TLS (not forced mutual: nats-server parseTLS in client context). */
  tls?: TlsSettings;
  remotes: RemoteLeafConfig[];
}

/** One entry of `leafnodes { remotes: [...] }` (nats-server `RemoteLeafOpts`). */
export interface RemoteLeafConfig {
  /** URLs as written (`url` / `urls`), trimmed; credentials included. */
  urls: string[];
  /** `no_randomize` / `dont_randomize`: try the URLs in order. */
  noRandomize: boolean;
  /** `account` / `local`: the local account bound to this remote; "" = global. */
  localAccount: string;
  /** `creds` / `credentials`: path to a credentials file, "" = none. */
  credentials: string;
  /** `hub`: this side acts as the hub. */
  hub: boolean;
  /** `deny_imports` / `deny_import`: subjects not imported from the remote. */
  denyImports: string[];
  /** `deny_exports` / `deny_export`: subjects not exported to the remote. */
  denyExports: string[];
  /** `ws_compress` and aliases: WebSocket per-message compression for ws:// URLs. */
  wsCompression: boolean;
  /** `ws_no_masking` / `websocket_no_masking`. */
  wsNoMasking: boolean;
  /** `jetstream_cluster_migrate` / `js_cluster_migrate` (presence sets it). */
  jetStreamClusterMigrate: boolean;
  /** Outbound TLS; its timeout defaults to 2s (nats-server DEFAULT_LEAF_TLS_TIMEOUT). */
  tls?: TlsSettings;
}

/** `jetstream { limits {} }` (nats-server `JSLimitOpts`); 0 = unset. */
export interface JetStreamLimits {
  maxAckPending: number;
  maxHaAssets: number;
  maxRequestBatch: number;
  /** `duplicate_window` in milliseconds. */
  duplicatesMs: number;
}

/** Store encryption ciphers (nats-server `StoreCipher`). */
export const JetStreamCipher = { chacha: "chacha", aes: "aes" } as const;
/** One of {@link JetStreamCipher}. */
export type JetStreamCipher = typeof JetStreamCipher[keyof typeof JetStreamCipher];

/** The `jetstream` option (bool, `"enabled"`/`"disabled"`, or a block). */
export interface JetStreamConfig {
  enabled: boolean;
  /** `store_dir` (also the top-level `store_dir` or `-sd`); "" = default. */
  storeDir: string;
  /** `max_memory_store` / `max_mem_store` / `max_mem` in bytes; -1 = unset (dynamic). */
  maxMemory: number;
  /** `max_file_store` / `max_file` in bytes; -1 = unset (dynamic). */
  maxStore: number;
  domain: string;
  /** `key` / `ek` / `encryption_key`: "" = no encryption. */
  key: string;
  cipher: JetStreamCipher;
  extensionHint: string;
  /** Lower-cased, trimmed. */
  uniqueTag: string;
  /** `max_outstanding_catchup` in bytes; 0 = default. */
  maxOutstandingCatchup: number;
  limits?: JetStreamLimits;
}

/** Route import/export permissions re-stated for link code (nats-server RoutePermissions). */
export interface RoutePermissions {
  import?: SubjectPermission;
  export?: SubjectPermission;
}
