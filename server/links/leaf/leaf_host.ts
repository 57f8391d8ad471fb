/**
 * @module
 * What a leafnode link needs around it: the server's services ({@link LeafServer}), the
 * server-wide decisions it delegates ({@link LeafLinkHost}, implemented by the leaf manager),
 * and the solicited remote it was dialed for ({@link LeafRemote}). Types only.
 * PURE: no Deno APIs, timers or console output. Runs in the isolate that owns the leaf sockets.
 */
import type { Account } from "../../accounts/account.ts";
import type { Logger } from "../../log/logger.ts";
import type { ServerOptions } from "../../options.ts";
import type { ServerStats } from "../../client/context.ts";
import type { ConnectionServices } from "../../conn/connection.ts";
import type { InterestChange, RemoteEntry } from "../../interest/remote_interest.ts";
import type { RemoteLeafConfig } from "../../link_options.ts";
import type { LinkUrl } from "../core/link_spec.ts";
import type { LinkUrls } from "../core/link_urls.ts";
import type { LeafConnectMessage, LeafInfoMessage } from "./leaf_protocol.ts";
import type { LeafLink } from "./leaf_link.ts";
import type { Subscription } from "../../client/subscription.ts";
import type { ReadPressure } from "../../conn/read_loop.ts";
import type { InterestSource } from "../../mesh/mesh_node.ts";
import type { ClusterManager } from "../route/cluster_manager.ts";
import type { LeafAuthServer } from "./leaf_auth.ts";

/** A leafnode URL (`nats-leaf://`, `nats://`, `tls://`, `ws://`, `wss://`). */
export interface LeafUrl extends LinkUrl {
  readonly scheme: string;
  /** User info of the URL ("" when none). */
  readonly user: string;
  readonly pass: string;
}

/** One configured remote while it runs (nats-server `leafNodeCfg`). */
export interface LeafRemote {
  /** Replaced by a reload with a new TLS configuration. */
  config: RemoteLeafConfig;
  /** Configured URLs plus those the hub gossips in `leafnode_urls`. */
  readonly urls: LinkUrls<LeafUrl>;
  /** First user:password met in the configured URLs (saveUserPassword). */
  readonly username: string;
  readonly password: string;
  /** Wait before the next dial (loop detected, same cluster name): set by the link. */
  connectDelayMs: number;
  /** The hub told us the account we bind to there (`remote_account`). */
  remoteAccount: string;
}

/** What the server provides to leafnode links (server.ts `Server` fits). */
export interface LeafServer extends ConnectionServices {
  readonly id: string;
  readonly name: string;
  readonly options: ServerOptions;
  readonly logger: Logger;
  readonly stats: ServerStats;
  account(name?: string): Account | null;
  /** The system account's service (null without one, or in a shard). */
  readonly system?: {
    readonly account: Account;
    /** events.go sendLeafNodeConnect: the `$SYS.ACCOUNT.<acc>.LEAFNODE.CONNECT` event. */
    leafNodeConnected?(account: string): void;
  } | null;
  /** JetStream, when enabled: `account(name).limits` null = not enabled for that account. */
  readonly jetstream?: { account(name: string): { limits: unknown } | undefined } | null;
}

/** Server-wide leafnode decisions a link delegates (implemented by `LeafManager`). */
export interface LeafLinkHost {
  readonly server: LeafServer;
  random(): number;
  /** This server's cluster name ("" without a cluster). */
  clusterName(): string;
  /** Accepted side: the account the CONNECT's credentials bind to, null when refused. */
  authorize(link: LeafLink, connect: LeafConnectMessage): Account | null;
  /** Accepted side: `min_version` ("" = any). */
  minVersion(): string;
  /** Accepted side: our INFO with `connect_info` and the bound account (sendPermsAndAccountInfo). */
  connectInfoLine(link: LeafLink): Uint8Array;
  /** Accepted side, CONNECT accepted: register, INFO with `connect_info`, send interest. */
  accepted(link: LeafLink, connect: LeafConnectMessage): void;
  /** Solicited side: the CONNECT to send after the hub's first INFO. */
  connectJson(link: LeafLink): string;
  /** Solicited side: the hub's INFO (first or async), for its `leafnode_urls`. */
  infoReceived(link: LeafLink, info: LeafInfoMessage): void;
  /** Solicited side, connect process finished: register and send interest. */
  solicitedReady(link: LeafLink): void;
  /**
   * The remote's interest changed (LS+/LS-; `delta`: the weight change, as nats-server's
   * updateLeafNodes gets it): routes and other leafs may learn it.
   */
  remoteInterest(link: LeafLink, entry: RemoteEntry, delta: number, change: InterestChange): void;
  /** The account's loop-detection subject (`$LDS.<id>`). */
  loopSubject(account: Account): string;
  /** The link closed: unregister, reconnect a solicited remote. */
  linkClosed(link: LeafLink): void;
}

/** How a link came to be. */
export interface LeafLinkInit {
  cid: number;
  remoteHost: string;
  remotePort: number;
  /** The remote dialed (solicited side), else null. */
  remote: LeafRemote | null;
  /** The URL dialed (solicited side), else null. */
  url: LeafUrl | null;
  /** Solicited side: the local account the remote binds. */
  account: Account | null;
  /**
   * Solicited side: runs the TLS client handshake after the hub's INFO (false: it failed and
   * the socket is closed); null when this socket cannot be secured.
   */
  startTls: (() => Promise<boolean>) | null;
  now: number;
}

/** What the manager needs of the server (server.ts `Server` fits). */
export interface LeafHostServer extends LeafAuthServer, ReadPressure {
  onInterest(listener: (account: Account, sub: Subscription, delta: 1 | -1) => void): () => void;
  allocateConnectionId(): number;
  /** The route manager, when clustering is on (cluster name, interest for routes). */
  readonly cluster: ClusterManager | null;
  /** The gateways, when on: interest for them, and the remote clusters' interest for leafs. */
  readonly gateway: {
    readonly table: {
      interestChanged(account: string, subject: string, queue: string | null, delta: number): void;
      outboundSubs(account: string): Iterable<{ subject: string; queue: string | null }>;
      leafInterest:
        | ((account: string, subject: string, queue: string | null, delta: number) => void)
        | null;
    };
  } | null;
  /** True in the link worker of a sharded server: the leafs' interest goes to the mesh. */
  readonly isRouteWorker?: boolean;
  /** The ring mesh of a sharded server's worker (null in a single-isolate server). */
  readonly mesh?: {
    onLocalInterest(account: Account, sub: InterestSource, delta: number): void;
  } | null;
}
