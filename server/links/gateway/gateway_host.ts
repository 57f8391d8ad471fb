/**
 * @module
 * What a gateway link needs around it: the server's services ({@link GatewayServer}), the
 * server-wide gateway decisions it delegates ({@link GatewayLinkHost}, implemented by
 * `GatewayTable`), and how it came to be. Types only.
 * PURE: no Deno APIs, timers or console output. Runs in the isolate owning the gateway sockets.
 */
import type { Account } from "../../accounts/account.ts";
import type { Logger } from "../../log/logger.ts";
import type { ServerOptions } from "../../options.ts";
import type { ServerStats } from "../../client/context.ts";
import type { Outbound } from "../../client/outbound.ts";
import type { FanOut } from "../../routing/fan_out.ts";
import type { ConnectionServices } from "../../conn/connection.ts";
import type { RoutedMsgOp } from "../../protocol/sink.ts";
import type { GatewayConfig } from "../../link_options.ts";
import type { LinkUrl } from "../core/link_spec.ts";
import type { GatewayInfoMessage } from "./gateway_info.ts";
import type { GatewayLink } from "./gateway_link.ts";

/** A remote gateway this server knows: configured, or learned (implicit). */
export interface RemoteGateway {
  readonly name: string;
  /** Learned from gossip (`gateway_urls` of another gateway), not configured. */
  implicit: boolean;
  /** Configured URLs (`url`/`urls`), then the ones the remote advertised. */
  readonly urls: GatewayUrl[];
  /** Number of URLs configured (the first ones of {@link urls}). */
  readonly configuredCount: number;
  /** Outbound TLS (configured for this remote, or the gateway block's for implicit ones). */
  readonly tls: boolean;
  /** Dial attempts made (tests, `/gatewayz`). */
  connAttempts: number;
}

/** One URL of a remote gateway. */
export interface GatewayUrl extends LinkUrl {
  readonly user?: string;
  readonly pass?: string;
  readonly remote: RemoteGateway;
}

/** What the server provides to gateway links (server.ts `Server` fits). */
export interface GatewayServer extends ConnectionServices {
  readonly id: string;
  readonly name: string;
  readonly options: ServerOptions;
  readonly logger: Logger;
  readonly stats: ServerStats;
  readonly fanOut: FanOut;
  account(name?: string): Account | null;
}

/** Server-wide gateway decisions a link delegates (implemented by `GatewayTable`). */
export interface GatewayLinkHost {
  readonly server: GatewayServer;
  readonly config: GatewayConfig;
  /** This cluster's gateway name. */
  readonly name: string;
  random(): number;
  /** The INFO of an inbound link, the CONNECT of an outbound one. */
  infoJson(): string;
  connectJson(link: GatewayLink): string;
  /** A remote's INFO (registration, gossip, interest commands): gateway.go processGatewayInfo. */
  processInfo(link: GatewayLink, info: GatewayInfoMessage): void;
  /** Whether a gateway of that name may connect (`reject_unknown_cluster`). */
  acceptsGateway(name: string): boolean;
  /** A message from an inbound link (processInboundGatewayMsg). */
  inboundMessage(link: GatewayLink, op: RoutedMsgOp): void;
  /** The remote's interest of an outbound link changed (`/gatewayz`, queue totals). */
  remoteInterestChanged(link: GatewayLink, queueDelta: number): void;
  /** An outbound link now holds (1) or no longer holds (-1) a remote `RS+`. */
  outboundInterest(account: string, subject: string, queue: string | null, delta: 1 | -1): void;
  /** The link closed: unregister, maybe reconnect. */
  linkClosed(link: GatewayLink): void;
}

/** How a link came to be. */
export interface GatewayLinkInit {
  cid: number;
  remoteHost: string;
  remotePort: number;
  /** The URL dialed (outbound links), else null. */
  url: GatewayUrl | null;
  now: number;
}

/** A route a routed reply is passed to (route.go RouteLink fits). */
export interface RouteTarget {
  readonly closed: boolean;
  readonly out: Outbound;
  readonly remoteHeaders: boolean;
  noteDelivery(bytes: number): void;
}

/** What the gateway table asks of its shell (the GatewayManager). */
export interface GatewayEffects {
  /** Dials `remote` after `delayMs` (gateway.go solicitGateway / reconnectGateway). */
  solicit(remote: RemoteGateway, firstConnect: boolean, delayMs: number): void;
  /** The route to the server of this cluster whose ID hashes to `hash`, or null. */
  routeByServerHash(hash: string): RouteTarget | null;
  /** Sends an INFO line (JSON) to every route (forwardNewGatewayToLocalCluster). */
  forwardToRoutes(json: string): void;
  /** Milliseconds since the epoch. */
  now(): number;
}
