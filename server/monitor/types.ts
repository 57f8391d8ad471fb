/**
 * @module
 * What the monitoring collectors read from a server: {@link MonitoredServer} and the connection,
 * subscription and account views it exposes. `Server` (server.ts) satisfies these structurally;
 * tests and a future aggregating main isolate can provide their own. Also the optional
 * {@link LinkMonitor} that route/gateway/leaf code plugs in to fill `/routez`, `/gatewayz`,
 * `/leafz` and the link counters of `/varz`. Types and one type guard; runs anywhere.
 */
import type { ServerOptions } from "../options.ts";
import type { SublistCounters } from "../sublist/sublist.ts";
import type { MonitorState } from "./state.ts";

/** One subscription as monitoring sees it (`Subscription` fits). */
export interface MonitoredSub {
  readonly subject: string;
  readonly queue: string | null;
  readonly sidText: string;
  /** Messages delivered (`msgs`). */
  readonly delivered: number;
  /** Auto-unsubscribe limit, 0 = none (`max`). */
  readonly max: number;
}

/** A local client subscription found through an account's sublist, with its owner. */
export interface OwnedSub extends MonitoredSub {
  readonly owner: { readonly cid: number; readonly account: { readonly name: string } };
}

/** Any sublist entry: a local subscription or interest standing for another worker or link. */
export interface SublistEntryView {
  readonly subject: string;
  readonly queue: string | null;
  readonly owner: { readonly cid: number };
}

/** True for entries that are local client subscriptions (nats-server `localSubs`). */
export function isClientSub(entry: SublistEntryView): entry is SublistEntryView & OwnedSub {
  const e = entry as Partial<OwnedSub>;
  return typeof e.sidText === "string" && typeof e.delivered === "number" &&
    typeof (entry.owner as Partial<OwnedSub["owner"]>).account?.name === "string";
}

/** One client connection as monitoring sees it (`ClientConnection` fits). */
export interface MonitoredConn {
  readonly cid: number;
  readonly host: string;
  readonly remotePort: number;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  /** Milliseconds since the epoch. */
  readonly lastActivity: number;
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
  /** Last measured round trip in milliseconds (0 = not measured). */
  readonly rttMs: number;
  readonly out: { readonly pending: number };
  readonly opts: { readonly name: string; readonly lang: string; readonly version: string };
  /** CONNECT user name (nats-server `opts.Username`): the `user` filter, closed `auth`. */
  readonly userName: string;
  /** nats-server `getRawAuthUser` (nkey, user or token): open `authorized_user`. */
  readonly rawAuthUser: string;
  readonly account: { readonly name: string };
  readonly subs: ReadonlyMap<string, MonitoredSub>;
  readonly closeReason: string | null;
  /** The shard worker that owns the connection (`--shards` > 1 only). */
  readonly shard?: number;
}

/** One account's subject space. */
export interface MonitoredAccount {
  readonly name: string;
  readonly sublist: {
    readonly count: number;
    counters(): SublistCounters;
    all(): readonly SublistEntryView[];
  };
}

/** Server-wide message counters (`ServerStats`). */
export interface MonitoredStats {
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
  readonly slowConsumers: number;
  readonly totalConnections: number;
}

/** The server as the collectors read it. */
export interface MonitoredServer {
  readonly id: string;
  readonly name: string;
  readonly options: ServerOptions;
  readonly startedAt: Date;
  /** The bound client port. */
  readonly port: number;
  readonly stats: MonitoredStats;
  readonly clients: ReadonlyMap<number, MonitoredConn>;
  readonly auth: { readonly required: boolean };
  /** Monitoring's own state: closed connections, HTTP request counts, CPU sampling. */
  readonly monitor: MonitorState;
  readonly logger: { warn(msg: string): void };
  /** Every account, in creation order. */
  accounts(): Iterable<MonitoredAccount>;
  /** Account by name (undefined = the global account); null if unknown. */
  account(name?: string): MonitoredAccount | null;
  /** Route, gateway and leafnode data, once those links exist. */
  readonly links?: LinkMonitor;
  /** An account's `exports` and `imports` for `/accountz?acc=` (the system service ones). */
  accountLinks?(name: string): { exports?: unknown[]; imports?: unknown[] };
  /** JetStream, when it runs here. */
  readonly jetstream?: JetStreamMonitor | null;
}

/** nats-server `JetStreamConfig` as `/varz` and `/jsz` show it. */
export interface JetStreamVarzConfig {
  max_memory: number;
  max_storage: number;
  store_dir: string;
  domain?: string;
  compress_ok?: boolean;
}

/** nats-server `JetStreamStats`. */
export interface JetStreamStats {
  memory: number;
  storage: number;
  reserved_memory: number;
  reserved_storage: number;
  accounts: number;
  ha_assets: number;
  api: { total: number; errors: number };
}

/** What `/jsz` asks of each account's detail. */
export interface JszDetailOptions {
  streams: boolean;
  consumers: boolean;
  config: boolean;
  /** nats-server `clusterInfo(nil)` of this server (`{name?, leader}`). */
  cluster: Record<string, unknown>;
}

/** What `/varz` and `/jsz` read of a running JetStream. */
export interface JetStreamMonitor {
  varzConfig(): JetStreamVarzConfig;
  stats(): JetStreamStats;
  /** Accounts with JetStream enabled (optional: totals only without it). */
  accountNames?(): string[];
  /** An account's `/jsz` account_details entry; null when it has no JetStream. */
  accountDetail?(name: string, opts: JszDetailOptions): Record<string, unknown> | null;
  /** Streams, consumers, messages and bytes over every account. */
  totals(): { streams: number; consumers: number; messages: number; bytes: number };
  /** Clustered JetStream: whether this server leads the meta group (null or absent: standalone). */
  isMetaLeader?: (() => boolean) | null;
  /** Clustered JetStream's `meta_cluster` (null or absent: standalone). */
  metaCluster?: (() => Record<string, unknown>) | null;
  /**
   * Clustered JetStream's health (nats-server healthz): the first problem's text, or null;
   * `serverOnly` skips the streams. Absent or null: standalone.
   */
  clusterHealth?: ((serverOnly: boolean) => string | null) | null;
}

/** A route's entry in `/routez` (nats-server `RouteInfo`). */
export interface RouteInfo {
  rid: number;
  remote_id: string;
  did_solicit: boolean;
  is_configured: boolean;
  ip: string;
  port: number;
  start: string;
  last_activity: string;
  rtt?: string;
  uptime: string;
  idle: string;
  import?: { allow?: string[]; deny?: string[] };
  export?: { allow?: string[]; deny?: string[] };
  pending_size: number;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  subscriptions: number;
  subscriptions_list?: string[];
  subscriptions_list_detail?: unknown[];
}

/** A leafnode's entry in `/leafz` (nats-server `LeafInfo`). */
export interface LeafInfo {
  account: string;
  ip: string;
  port: number;
  rtt?: string;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  subscriptions: number;
  subscriptions_list?: string[];
}

/** A remote gateway in `/gatewayz` (nats-server `RemoteGatewayz`). */
export interface RemoteGatewayz {
  configured: boolean;
  connection?: Record<string, unknown>;
  accounts?: Record<string, unknown>[];
}

/** What link code provides to monitoring. Every member is optional. */
export interface LinkMonitor {
  routes?(opts: { subs: boolean; detail: boolean }): RouteInfo[];
  leafs?(opts: { subs: boolean; account: string }): LeafInfo[];
  /** This server's gateway identity, when gateways are enabled. */
  gateway?(): { name: string; host: string; port: number } | null;
  /** Null when `name` names no outbound gateway (nats-server marshals a nil map). */
  outboundGateways?(
    opts: { name: string; accounts: boolean; accountName: string },
  ): Record<string, RemoteGatewayz> | null;
  inboundGateways?(
    opts: { name: string; accounts: boolean; accountName: string },
  ): Record<string, RemoteGatewayz[]>;
  /** A remote gateway's URLs (`host:port`, configured and discovered) for `/varz`. */
  gatewayRemoteUrls?(name: string): string[] | undefined;
  /** The client `connect_urls` of the cluster (`/varz`), undefined when none. */
  connectUrls?(): string[] | undefined;
  /** Number of remote servers reachable through routes (`remotes`). */
  remotes?(): number;
  /** Bound ports of configured listeners (cluster, gateway, leafnodes, websocket, mqtt). */
  boundPort?(section: "cluster" | "gateway" | "leafnodes" | "websocket" | "mqtt"): number;
}
