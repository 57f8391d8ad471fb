/**
 * @module
 * What one kind of link (route, gateway, leaf node) tells the generic link manager
 * (`link_manager.ts`): its name for log lines, where to listen, its TLS mode, dial timeout,
 * connect delay and retry policy, the nats-server texts of its errors, and a factory that turns
 * a ready transport into the kind's protocol link. Types only.
 * PURE: no Deno APIs, timers or console output; used in whichever isolate owns the link sockets.
 */
import type { Logger } from "../../log/logger.ts";
import type { TlsSetup } from "../../transport/tls_setup.ts";
import type { LinkUrl, LinkUrls } from "./link_urls.ts";

export type { LinkUrl } from "./link_urls.ts";

/** A link's socket once ready (plain TCP, or TLS once the handshake is done). */
export interface LinkTransport {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
}

/** The protocol side of one link, as the manager drives it. */
export interface ManagedLink {
  /** True once the protocol closed the link (the read loop stops). */
  readonly closed: boolean;
  /** True once the socket is closed (the ticker stops ticking the link). */
  readonly finished: boolean;
  /** Bytes read from the socket. */
  feed(bytes: Uint8Array, now: number): void;
  /** Timers (pings, auth timeout, bounded close flush); called every tick. */
  tick(now: number): void;
  /** Closes the link with a nats-server close reason (`Read Error`, `Client Closed`, ...). */
  close(reason: string): void;
  /** Closes the socket now, dropping unsent bytes (shutdown). */
  abort(): void;
}

/**
 * How a link kind secures its sockets:
 * - `none`: plaintext;
 * - `tlsFirst`: the TLS handshake runs before any protocol byte, both ways (routes, gateways);
 * - `infoThenTls`: an accepted link gets the plaintext preface (its INFO) and then runs the
 *   server handshake (nats-server leafnode.go createLeafNode); dialed links stay plaintext for
 *   the kind's protocol to upgrade after reading the remote INFO.
 */
export const LinkTlsMode = {
  None: "none",
  TlsFirst: "tlsFirst",
  InfoThenTls: "infoThenTls",
} as const;
export type LinkTlsMode = typeof LinkTlsMode[keyof typeof LinkTlsMode];

/** Retries of a dial (route.go connectToRoute; gateway.go and leafnode.go alike). */
export interface RetryPolicy {
  /** Attempts after the first for a request that does not try forever (`connect_retries`). */
  readonly connectRetries: number;
  /** Every how many failed attempts an error is logged, first connect (`connect_error_reports`). */
  readonly connectErrorReports: number;
  /** The same once the link had connected before (`reconnect_error_reports`). */
  readonly reconnectErrorReports: number;
  /** Wait after failed attempt number `attempt` (1-based) before the next one. */
  delayMs(attempt: number): number;
}

/** The log and error texts of a link kind (nats-server's wording, byte for byte). */
export interface LinkTexts {
  /** Thrown when the listener cannot bind: `Error listening on router port: 6222 - ...`. */
  listenError(reason: string): string;
  /** Notice once bound: `Listening for route connections on 0.0.0.0:6222`. */
  listening(hostPort: string): string;
  /** Error when accepting fails: `Error accepting route connection: ...`. */
  acceptError(err: unknown): string;
  /** Debug before a dial: `Trying to connect to route on host:port (ip:port)`. */
  trying(target: LinkUrl, address: string): string;
  /**
   * Before a dial, logged as a notice on the attempts whose errors are reported, else as debug
   * (gateway.go solicitGateway `Connecting to explicit gateway ...`); replaces {@link trying}.
   */
  connecting?(target: LinkUrl, address: string, attempt: number): string;
  /** A failed dial: `Error trying to connect to route (attempt 1): dial tcp ...`. */
  dialError(attempt: number, error: string, target: LinkUrl, address: string): string;
  /** Notice after a failed TLS handshake: `Router connection closed: TLS Handshake Failure`. */
  handshakeClosed: string;
  /** Warning when solicited links will not verify the remote's certificate (`insecure`). */
  insecureWarning?: string;
}

/** One dial: to a single URL, or to a URL set picked from at each attempt. */
export interface DialRequest<T extends LinkUrl, C> {
  readonly targets: T | LinkUrls<T>;
  /** What the kind needs to know about this dial (route type, remote gateway, ...). */
  readonly context: C;
  /** Wait before the first attempt. */
  readonly delayMs: number;
  /** Retry until the kind no longer wants it, ignoring `connectRetries`. */
  readonly tryForEver: boolean;
  /** Error reports use `connectErrorReports` (true) or `reconnectErrorReports`. */
  readonly firstConnect: boolean;
  /**
   * Each attempt dials every URL of `targets` in its {@link LinkUrls.round} order before the
   * retry delay (gateways); otherwise one picked URL per attempt.
   */
  readonly everyUrlPerAttempt?: boolean;
}

/** A socket ready for the protocol, handed to {@link LinkSpec.createLink}. */
export interface ReadyTransport<T extends LinkUrl, C> {
  readonly transport: LinkTransport;
  /** Connection id (`rid`, `gid`, `lid`). */
  readonly cid: number;
  readonly remoteHost: string;
  readonly remotePort: number;
  /** The URL dialed; null for an accepted link. */
  readonly target: T | null;
  /** The dial that made it; null for an accepted link. */
  readonly request: DialRequest<T, C> | null;
  /**
   * Dialed links of mode `infoThenTls`: runs the TLS client handshake on this socket now
   * (after the remote's plaintext INFO), verifying `host` unless `insecure`; reads and writes
   * wait for it. False when it failed (logged, socket closed).
   */
  readonly startTls?: (setup: TlsSetup, host: string) => Promise<boolean>;
}

/** Everything the link manager needs to know about one kind of link. */
export interface LinkSpec<T extends LinkUrl, C, L extends ManagedLink> {
  /** The kind in log lines: `route`, `gateway`, `leafnode`. */
  readonly name: string;
  /** Connection id label in log prefixes: `rid`, `gid`, `lid`. */
  readonly idLabel: string;
  /** Listen host ("" = all interfaces) and port (0 or -1 = random). */
  readonly listen: { readonly host: string; readonly port: number };
  readonly tlsMode: LinkTlsMode;
  /** TLS material (null with mode `none`). */
  readonly tls: TlsSetup | null;
  /** Where TLS warnings point (`cluster tls`). */
  readonly tlsWhere: string;
  /**
   * TLS of a dialed link when it depends on the target (a gateway's per-remote `tls {}`);
   * null = plaintext. Without it, dialed links use {@link tls}.
   */
  dialTls?(target: T): TlsSetup | null;
  readonly dialTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly texts: LinkTexts;
  readonly logger: Logger;
  /** A new connection id. */
  allocateId(): number;
  /** Addresses (`ip:port`) that are this server's own listener: never dialed. */
  selfAddresses?(boundPort: number): ReadonlySet<string>;
  /** Whether a dial is still wanted (checked before each attempt and after connecting). */
  stillWanted?(target: T, request: DialRequest<T, C>): boolean;
  /** Mode `infoThenTls`: the plaintext bytes an accepted link gets before the handshake. */
  acceptPreface?(cid: number): Uint8Array;
  /**
   * A dial that does not try forever used up its retries; returning true dials again
   * (gateway.go solicitGateway keeps an implicit gateway that connected to us meanwhile).
   */
  dialAbandoned?(target: T, request: DialRequest<T, C>): boolean;
  /** A dialed link's TLS handshake failed (client.go reconnect: dial again, or not). */
  handshakeFailed?(target: T, request: DialRequest<T, C>): void;
  /**
   * The kind's own framing over a dialed socket (leafnode `ws://` remotes speak WebSocket);
   * the read loop and the link use what it returns. Default: the socket itself.
   */
  wrapTransport?(ready: ReadyTransport<T, C>): LinkTransport;
  /**
   * Opens a dialed link's transport some other way than a TCP socket (an edge server's
   * leafnode remotes: the `WebSocket` API); null dials TCP. The transport is the link's as it
   * is: no TLS handshake and no {@link wrapTransport}. Bounded by {@link dialTimeoutMs}; the
   * signal aborts when the dial timed out or the manager closed (the opener must give up then).
   */
  openTransport?(target: T): ((signal: AbortSignal) => Promise<LinkTransport>) | null;
  /** Turns a ready transport into the kind's protocol link (which sends its first bytes). */
  createLink(ready: ReadyTransport<T, C>): L;
  /** Shutdown: closes every link the kind knows (default: each active one, "Server Shutdown"). */
  shutdownLinks?(): void;
}
