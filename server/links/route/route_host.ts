/**
 * @module
 * What a route link needs around it: the server's services ({@link ClusterServer}), the
 * cluster-wide decisions it delegates ({@link RouteLinkHost}, implemented by `RouteTable`), its
 * socket and how it came to be. Types only, plus the route kinds.
 * PURE: no Deno APIs, timers or console output. Runs in whichever isolate owns the route sockets.
 */
import type { Account } from "../../accounts/account.ts";
import type { Logger } from "../../log/logger.ts";
import type { ServerOptions } from "../../options.ts";
import type { ClientPermissions } from "../../client/permissions.ts";
import type { Flushable, ServerStats } from "../../client/context.ts";
import type { Writer } from "../../client/outbound.ts";
import type { ClusterConfig, RouteUrl } from "./cluster_options.ts";
import type { RouteInfoMessage } from "./route_info.ts";
import type { RouteLink } from "./route_link.ts";
import type { RemoteInterestListener } from "./route_subs.ts";
import type { FanOut } from "../../routing/fan_out.ts";
import type { ConnectionServices } from "../../conn/connection.ts";

/** Route kinds (route.go RouteType). */
export const RouteType = { Implicit: 0, Explicit: 1 } as const;
export type RouteType = typeof RouteType[keyof typeof RouteType];

/** The socket of a route (a TCP connection fits). */
export interface RouteTransport extends Writer {
  close(): void;
}

/** What the server provides to route links (server.ts `Server` fits). */
export interface ClusterServer extends ConnectionServices {
  readonly id: string;
  readonly name: string;
  readonly options: ServerOptions;
  readonly logger: Logger;
  readonly stats: ServerStats;
  account(name?: string): Account | null;
  markDirty(c: Flushable): void;
  /**
   * Set in the route worker of a sharded server: told of every change of a route's interest
   * (which it announces into the worker mesh).
   */
  readonly remoteInterestListener?: RemoteInterestListener | null;
  /** The isolate's fan-out: routed messages are delivered through it. */
  readonly fanOut: FanOut;
  /**
   * Gateway gossip over routes (route.go processRouteInfo / sendGatewayConfigsToRoute), when
   * this server has gateways: an INFO naming a gateway, and the INFOs a new route gets.
   */
  readonly gatewayGossip?: {
    /** This server's gateway URL, sent in the route INFO (`gateway_url`). */
    readonly url: string;
    fromRoute(info: RouteInfoMessage, routeId: string): void;
    forNewRoute(): string[];
    /** A route's server runs gateways at `url` (registered), or went away (route.go). */
    clusterUrl(url: string, added: boolean): void;
  } | null;
}

/** Server-wide route decisions a link delegates (implemented by `RouteTable`). */
export interface RouteLinkHost {
  readonly server: ClusterServer;
  readonly config: ClusterConfig;
  /** Route permissions (import = publish, export = subscribe), or null. */
  readonly permissions: ClientPermissions | null;
  random(): number;
  /** CONNECT's cluster name check (route.go processRouteConnect); false rejects the route. */
  acceptConnectCluster(link: RouteLink, cluster: string, dynamic: boolean): boolean;
  /** The first or a later INFO of a route (route.go processRouteInfo). */
  processInfo(link: RouteLink, info: RouteInfoMessage): void;
  /** The link closed: unregister, update connect URLs, maybe reconnect. */
  linkClosed(link: RouteLink): void;
}

/** How a link came to be. */
export interface RouteLinkInit {
  cid: number;
  /** Remote address of the socket. */
  remoteHost: string;
  remotePort: number;
  /** The URL dialed (solicited routes), else null until the INFO tells. */
  url: RouteUrl | null;
  routeType: RouteType;
  now: number;
}
