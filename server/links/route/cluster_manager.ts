/**
 * @module
 * The route kind of link (nats-server route.go startRouteAcceptLoop, createRoute,
 * connectToRoute, reConnectToRoute): a {@link LinkSpec} for routes (texts, TLS-first, dial
 * timeout, connect delay, retries) run by the generic `LinkManager` (listener, accept loop,
 * dials, read loops, ticker, shutdown), plus the route glue: the RouteTable, the client INFO
 * fields (`cluster`, `connect_urls`) with async INFO to clients, lame duck, and `/routez`
 * data. Protocol and cluster logic live in server/links/ (pure). Runs in the isolate that owns
 * the route sockets: a single-isolate server, or the route worker of a sharded one.
 */
import type { Account } from "../../accounts/account.ts";
import type { Subscription } from "../../client/subscription.ts";
import type { ReadPressure } from "../../conn/read_loop.ts";
import {
  type ClusterConfig,
  clusterConfigProblem,
  joinHostPort,
  redactUrl,
  type RouteUrl,
  splitHostPort,
} from "./cluster_options.ts";
import { type ClusterServer, RouteLink, RouteType } from "./route_link.ts";
import { type ClusterEffects, RouteTable, type SolicitOptions } from "./route_table.ts";
import type { LinkMonitor, RouteInfo } from "../../monitor/types.ts";
import { formatRtt, formatUptime, goTime, preciseNow } from "../../monitor/format.ts";
import { newNonce } from "../../server_id.ts";
import { SERVER_VERSION } from "../../version.ts";
import { clientConnectUrls, routesToSelf } from "../../link_io/addresses.ts";
import { tlsImpl } from "../../transport/tls_loader.ts";
import type { TlsSetup } from "../../transport/tls_setup.ts";
import { LinkManager } from "../../link_io/link_manager.ts";
import {
  type DialRequest,
  type LinkSpec,
  LinkTlsMode,
  type ReadyTransport,
} from "../core/link_spec.ts";
import { randomBase62 } from "../../protocol/base62.ts";

/** nats-server DEFAULT_ROUTE_CONNECT / DEFAULT_ROUTE_DIAL. */
const ROUTE_CONNECT_DELAY_MS = 1000;
const ROUTE_DIAL_TIMEOUT_MS = 1000;

/** What the manager needs of the server (server.ts `Server` fits). */
export interface ClusterHostServer extends ClusterServer, ReadPressure {
  readonly port: number;
  /** Registers a listener of local interest changes. */
  onInterest(listener: (account: Account, sub: Subscription, delta: 1 | -1) => void): () => void;
  /** Sets the client INFO tail; with `notify` clients get an async INFO. */
  setClientInfoTail(tail: string, notify: boolean): void;
  allocateConnectionId(): number;
  /** The leafnode side, when leafnodes run here: its URL for the route INFO, and gossip. */
  readonly leafnodes?: {
    readonly advertisedUrl: string;
    gossip(urls: readonly string[], add: boolean): void;
  } | null;
}

/** route.go clusterTLSInsecureWarning. */
const TLS_INSECURE_WARNING = "TLS certificate chain and hostname of solicited routes will not " +
  "be verified. DO NOT USE IN PRODUCTION!";

/** NUID-like 22-char name for a dynamic cluster (server.go uses nuid.Next()). */
function dynamicClusterName(): string {
  return randomBase62();
}

/** Routes of one server: a route {@link LinkSpec} run by a LinkManager, around a RouteTable. */
export class ClusterManager implements ClusterEffects {
  readonly config: ClusterConfig;
  readonly table: RouteTable;
  readonly #server: ClusterHostServer;
  #monitor: LinkMonitor | undefined = undefined;
  /** Listener, dials, read loops and ticker of the routes. */
  readonly #links: LinkManager<RouteUrl, RouteType, RouteLink>;
  #ownUrls: string[] = [];
  /** Route TLS (`cluster { tls {} }`), null for plaintext routes. */
  readonly #tls: TlsSetup | null;

  /**
   * Reads the typed `server.options.clusterConfig`; null when clustering is off (no block or
   * port 0). Throws with denats' text for a route URL it cannot dial.
   */
  static create(server: ClusterHostServer): ClusterManager | null {
    const config = server.options.clusterConfig;
    if (!config || config.port === 0) return null;
    const problem = clusterConfigProblem(config);
    if (problem) throw new Error(problem);
    return new ClusterManager(server, config);
  }

  private constructor(server: ClusterHostServer, config: ClusterConfig) {
    this.#server = server;
    this.config = config;
    this.#tls = config.tls ? new (tlsImpl().TlsSetup)(config.tls, false, server.logger) : null;
    const name = config.name || dynamicClusterName();
    this.table = new RouteTable(server, config, this, Math.random, name, {
      serverId: server.id,
      serverName: server.name,
      version: SERVER_VERSION,
      goVersion: "go1.19.4",
      host: config.host,
      port: config.port,
      headers: !server.options.noHeaderSupport,
      authRequired: config.username !== "",
      tls: config.tls !== undefined,
      maxPayload: server.options.maxPayload,
      ip: "",
      cluster: name,
      dynamic: config.name === "",
      connectUrls: [],
      import: config.permissions?.import,
      export: config.permissions?.export,
    });
    this.#links = new LinkManager(this.#routeSpec(), { pressure: server });
  }

  /** The route kind for the link manager (route.go texts, TLS-first, connect delay, retries). */
  #routeSpec(): LinkSpec<RouteUrl, RouteType, RouteLink> {
    const s = this.#server;
    const c = this.config;
    return {
      name: "route",
      idLabel: "rid",
      listen: { host: c.host, port: c.port },
      tlsMode: this.#tls ? LinkTlsMode.TlsFirst : LinkTlsMode.None,
      tls: this.#tls,
      tlsWhere: "cluster tls",
      dialTimeoutMs: ROUTE_DIAL_TIMEOUT_MS,
      retry: {
        connectRetries: c.connectRetries,
        get connectErrorReports() {
          return s.options.connectErrorReports;
        },
        get reconnectErrorReports() {
          return s.options.reconnectErrorReports;
        },
        delayMs: () => ROUTE_CONNECT_DELAY_MS,
      },
      texts: {
        listenError: (reason) => `Error listening on router port: ${c.port} - ${reason}`,
        listening: (hostPort) => `Listening for route connections on ${hostPort}`,
        acceptError: (err) => `Error accepting route connection: ${err}`,
        trying: (url, address) =>
          `Trying to connect to route on ${joinHostPort(url.host, url.port)} (${address})`,
        dialError: (attempt, error) =>
          `Error trying to connect to route (attempt ${attempt}): ${error}`,
        handshakeClosed: "Router connection closed: TLS Handshake Failure",
        insecureWarning: TLS_INSECURE_WARNING,
      },
      get logger() {
        return s.logger;
      },
      allocateId: () => s.allocateConnectionId(),
      // server.go getRandomIP: our own route listener addresses are skipped for good.
      selfAddresses: (port) => routesToSelf(port),
      stillWanted: (url, request) => !request.tryForEver || this.table.routeStillValid(url),
      handshakeFailed: (url, request) => this.#reconnectAfterHandshake(url, request),
      createLink: (ready) => this.#createRoute(ready),
      shutdownLinks: () => this.table.closeAll(),
    };
  }

  /** The current cluster name (dynamic names may change once routes connect). */
  /** Names of the servers routed to now (clustered JetStream maps node ids to them). */
  routedServerNames(): string[] {
    return [...this.table.remotes.values()].map((l) => l.remoteName).filter((n) => n !== "");
  }

  get clusterName(): string {
    return this.table.clusterName;
  }

  /** The bound route port. */
  get port(): number {
    return this.#links.port;
  }

  /**
   * Opens the route listener, then solicits the configured routes (route.go
   * startRouteAcceptLoop). Call once the client listener is up.
   */
  start(): void {
    const s = this.#server;
    const c = this.config;
    const log = s.logger;
    log.notice(`Cluster name is ${this.table.clusterName}`);
    if (this.table.clusterDynamic) {
      log.warn("Cluster name was dynamically generated, consider setting one");
    }
    const port = this.#links.listen();
    this.#ownUrls = clientConnectUrls(s.options, s.port);
    const info = this.table.localInfo;
    info.port = port;
    if (c.advertise) {
      const hp = splitHostPort(c.advertise);
      info.host = hp ? hp.host : c.advertise;
      info.port = hp && hp.port ? Number(hp.port) : port;
      info.ip = `nats-route://${joinHostPort(info.host, info.port)}/`;
    }
    info.connectUrls = c.noAdvertise ? [] : this.#ownUrls;
    info.gatewayUrl = s.gatewayGossip?.url || undefined;
    // server.go: routes gossip this server's leafnode URL to the cluster's leafnode INFOs.
    const leafUrl = s.leafnodes?.advertisedUrl ?? "";
    info.leafnodeUrls = leafUrl ? [leafUrl] : undefined;
    s.onInterest((account, sub, delta) =>
      this.table.localInterestChanged(account.name, sub.subject, sub.queue, delta, sub.subjectBytes)
    );
    this.#monitor = this.#linkMonitor();
    this.clientInfoChanged(false);
    this.#links.run();
    for (const route of c.routes) {
      this.solicit(route, RouteType.Explicit, { delayMs: 0, tryForEver: true, firstConnect: true });
    }
  }

  /**
   * route.go createRoute: the link of an accepted (target null) or dialed socket, ready (with
   * route TLS, after the handshake): solicited routes send CONNECT, both sides send INFO.
   */
  #createRoute(ready: ReadyTransport<RouteUrl, RouteType>): RouteLink {
    const url = ready.target;
    const link = new RouteLink(this.table, ready.transport, {
      cid: ready.cid,
      remoteHost: ready.remoteHost,
      remotePort: ready.remotePort,
      url,
      routeType: ready.request?.context ?? RouteType.Implicit,
      now: preciseNow(),
    });
    this.table.links.add(link);
    const connect = url === null ? null : this.table.connectJson(url);
    link.start(connect, this.table.routeInfoJson(newNonce()), preciseNow());
    return link;
  }

  /** client.go reconnect: a solicited route whose TLS handshake failed is dialed again. */
  #reconnectAfterHandshake(url: RouteUrl, request: DialRequest<RouteUrl, RouteType>): void {
    const log = this.#server.logger;
    log.debug(`Attempting reconnect for solicited route "${redactUrl(url.url)}"`);
    const explicit = request.context === RouteType.Explicit;
    this.solicit(url, request.context, {
      delayMs: Math.floor(Math.random() * 100) + (explicit ? ROUTE_CONNECT_DELAY_MS : 0),
      tryForEver: explicit,
      firstConnect: false,
    });
  }

  /** ClusterEffects: dial with retries (route.go connectToRoute / reConnectToRoute). */
  solicit(url: RouteUrl, routeType: RouteType, opts: SolicitOptions): void {
    this.#links.dial({
      targets: url,
      context: routeType,
      delayMs: opts.delayMs,
      tryForEver: opts.tryForEver,
      firstConnect: opts.firstConnect,
    });
  }
  /** ClusterEffects: another server's leafnode URLs came or went with its route. */
  leafnodeUrlsChanged(urls: readonly string[], add: boolean): void {
    // removeLeafNodeURL: not while shutting down (our leafs keep the other servers' URLs).
    if (!add && !this.#links.running) return;
    this.#server.leafnodes?.gossip(urls, add);
  }

  /**
   * ClusterEffects: the client INFO now carries `cluster` and `connect_urls` (server.go
   * updateServerINFOAndSendINFOToClients); with `notify`, protocol-1 clients get an async INFO.
   */
  clientInfoChanged(notify: boolean): void {
    const urls = this.table.clientConnectUrls(this.#ownUrls);
    const tail = `,"cluster":${JSON.stringify(this.table.clusterName)}` +
      (urls.length > 0 ? `,"connect_urls":${JSON.stringify(urls)}` : "");
    this.#server.setClientInfoTail(tail, notify);
  }

  /** `/routez` and the route counters of `/varz` (once started). */
  get monitor(): LinkMonitor | undefined {
    return this.#monitor;
  }

  /**
   * Lame duck mode (server.go sendLDMToRoutes, sendLDMToClients): routes get our INFO with
   * `ldm:true` (they drop our client URLs), and from now on the client INFO lists only the
   * other servers' URLs.
   */
  enterLameDuck(): void {
    const line = new TextEncoder().encode(`INFO ${this.table.routeInfoJson("", true)} \r\n`);
    for (const r of this.table.routes.values()) r.send(line);
    this.#ownUrls = [];
    this.clientInfoChanged(false);
  }

  /** `/routez` and the route counters of `/varz`. */
  #linkMonitor(): LinkMonitor {
    return {
      routes: (opts) => [...this.table.routes.values()].map((r) => this.#routeInfo(r, opts)),
      remotes: () => this.table.remotes.size,
      connectUrls: () => {
        const urls = this.table.clientConnectUrls(this.#ownUrls);
        return urls.length > 0 ? urls : undefined;
      },
      boundPort: (section) => (section === "cluster" ? this.#links.port : 0),
    };
  }

  #routeInfo(r: RouteLink, opts: { subs: boolean; detail: boolean }): RouteInfo {
    const now = preciseNow();
    const info: RouteInfo = {
      rid: r.cid,
      remote_id: r.remoteId,
      did_solicit: r.didSolicit,
      is_configured: r.routeType === RouteType.Explicit,
      ip: r.remoteHost,
      port: r.remotePort,
      start: goTime(r.startedAt),
      last_activity: goTime(r.lastActivity),
      rtt: formatRtt(r.rttMs),
      uptime: formatUptime(now - r.startedAt),
      idle: formatUptime(now - r.lastActivity),
      import: r.info?.import,
      export: r.info?.export,
      pending_size: r.out.pending,
      in_msgs: r.inMsgs,
      out_msgs: r.outMsgs,
      in_bytes: r.inBytes,
      out_bytes: r.outBytes,
      subscriptions: r.subs.size,
    };
    if (r.subs.size > 0 && opts.detail) {
      info.subscriptions_list_detail = [...r.subs.values()].map((s) => ({
        account: s.account.name,
        subject: s.subject,
        qgroup: s.queue ?? undefined,
        sid: s.key,
        msgs: 0,
        cid: r.cid,
      }));
    } else if (r.subs.size > 0 && opts.subs) {
      info.subscriptions_list = [...r.subs.values()].map((s) => s.subject);
    }
    return info;
  }

  /** Routes as `host:port - rid` strings (tests, debugging). */
  describe(): string[] {
    return [...this.table.routes.values()].map((r) =>
      `${r.logPrefix} ${r.remoteName} ${redactUrl(r.url?.url ?? "")}`
    );
  }

  /** Stops listening and dialing, closes every route and waits for the loops to end. */
  async close(): Promise<void> {
    if (!this.#links.running) return;
    await this.#links.close();
    this.#tls?.close();
  }
}
