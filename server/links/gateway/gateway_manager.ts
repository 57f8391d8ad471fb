/**
 * @module
 * The gateway kind of link (nats-server 2.9.10 gateway.go startGateways,
 * startGatewayAcceptLoop, solicitGateway, reconnectGateway, createGateway): a {@link LinkSpec}
 * for gateways (texts, TLS-first, dial timeout, 1 s between attempts, `connect_retries` for
 * implicit gateways) run by the generic `LinkManager`, around a {@link GatewayTable}; plus the
 * glue to the server: the fan-out's gateway forwarder, local and route interest, routes by
 * server hash for replies, and `/gatewayz` data. Runs in the main isolate of a single-isolate
 * server, or in the link (route) worker of a sharded one, where the shards' interest arrives
 * through the mesh and the remote clusters' interest is announced to it.
 */
import type { Account } from "../../accounts/account.ts";
import type { Subscription } from "../../client/subscription.ts";
import type { ReadPressure } from "../../conn/read_loop.ts";
import type { GatewayConfig } from "../../link_options.ts";
import type { LinkMonitor, RemoteGatewayz } from "../../monitor/types.ts";
import { preciseNow } from "../../monitor/format.ts";
import { connActivity } from "../../monitor/conn_info.ts";
import { SERVER_VERSION } from "../../version.ts";
import { goQuote } from "../../protocol/wire_errors.ts";
import { clientConnectUrls } from "../../link_io/addresses.ts";
import { tlsImpl } from "../../transport/tls_loader.ts";
import type { TlsSetup } from "../../transport/tls_setup.ts";
import { LinkManager } from "../../link_io/link_manager.ts";
import type { ServerOptions } from "../../options.ts";
import type { RemoteEntry } from "../../interest/remote_interest.ts";
import { type LinkSpec, LinkTlsMode, type ReadyTransport } from "../core/link_spec.ts";
import { LinkUrls, PickOrder } from "../core/link_urls.ts";
import { joinHostPort, splitHostPort } from "../route/cluster_options.ts";
import type { GatewayServer, RouteTarget } from "./gateway_host.ts";
import { gatewayHash } from "./gateway_hash.ts";
import { interestModeName, MAX_RUNSUB_BEFORE_SWITCH } from "./gateway_interest.ts";
import { GatewayLink, type GatewayUrl, type RemoteGateway } from "./gateway_link.ts";
import { GatewayTable } from "./gateway_table.ts";
import { GatewayRouter } from "./gateway_router.ts";
import { GatewayMeshInterest } from "./gateway_mesh_interest.ts";
import type { GatewayInfoMessage } from "./gateway_info.ts";
import type { RouteInfoMessage } from "../route/route_info.ts";

/** gateway.go gatewayConnectDelay, defaultSolicitGatewaysDelay; route.go DEFAULT_ROUTE_DIAL. */
const GATEWAY_CONNECT_DELAY_MS = 1000;
const GATEWAY_SOLICIT_DELAY_MS = 1000;
const GATEWAY_DIAL_TIMEOUT_MS = 1000;

/** gateway.go gatewayTLSInsecureWarning. */
const TLS_INSECURE_WARNING = "TLS certificate chain and hostname of solicited gateways will not " +
  "be verified. DO NOT USE IN PRODUCTION!";

/** What the manager needs of the server (server.ts `Server` fits). */
export interface GatewayHostServer extends GatewayServer, ReadPressure {
  onInterest(listener: (account: Account, sub: Subscription, delta: 1 | -1) => void): () => void;
  allocateConnectionId(): number;
  accounts(): Iterable<Account>;
  /**
   * Interest of this server that is not a client's (internal connections, `_R_.` response
   * routers of service imports): replayed at start.
   */
  localSubscriptions(): Iterable<[Account, { subject: string; queue: string | null }]>;
  /** True in the link worker of a sharded server: the gateways' interest goes to the mesh. */
  readonly isRouteWorker: boolean;
  /** The ring mesh of a sharded server's worker (null in a single-isolate server). */
  readonly mesh: {
    onLocalInterest(
      account: Account,
      sub: { subject: string; queue: string | null },
      d: number,
    ): void;
  } | null;
  /** The routes of this server (for replies routed to another server of the cluster). */
  readonly cluster: {
    readonly table: {
      readonly remotes: ReadonlyMap<string, RouteTarget & { send(b: Uint8Array): void }>;
    };
  } | null;
}

/**
 * Checks the gateway block as nats-server validateGatewayOptions / validateCluster do; returns
 * nats-server's error text, or null. Sets the cluster name to the gateway name when the
 * cluster block has none.
 */
export function gatewayConfigProblem(options: ServerOptions): string | null {
  const g = options.gatewayConfig;
  if (!g || (g.name === "" && g.port === 0)) return null;
  const cluster = options.clusterConfig;
  if (g.name !== "" && cluster && g.name !== cluster.name) {
    if (cluster.name !== "") {
      return "cluster name conflicts between cluster and gateway definitions";
    }
    cluster.name = g.name;
  }
  if (g.name === "") return "gateway has no name";
  if (g.port === 0) {
    return `gateway ${goQuote(g.name)} has no port specified (select -1 for random port)`;
  }
  for (const [i, r] of g.gateways.entries()) {
    if (r.name === "") return `gateway in the list ${i} has no name`;
    if (r.urls.length === 0) return `gateway ${goQuote(r.name)} has no URL`;
  }
  return null;
}

/**
 * A remote's URLs as the link manager dials them: every one in random order at each attempt
 * (gateway.go getURLs, solicitGateway).
 */
class RemoteUrls extends LinkUrls<GatewayUrl> {
  readonly #remote: RemoteGateway;
  constructor(remote: RemoteGateway) {
    super([], PickOrder.Random);
    this.#remote = remote;
  }
  override get size(): number {
    return Math.max(1, this.#remote.urls.length);
  }
  override all(): GatewayUrl[] {
    return [...this.#remote.urls];
  }
  override pick(random: () => number): GatewayUrl {
    const urls = this.#remote.urls;
    if (urls.length === 0) return { url: "", host: "", port: 0, remote: this.#remote };
    return urls[Math.floor(random() * urls.length)];
  }
}

/** Gateways of one server: a gateway {@link LinkSpec} run by a LinkManager, around a table. */
export class GatewayManager {
  readonly config: GatewayConfig;
  readonly table: GatewayTable;
  /** The message path (the fan-out's gateway forwarder). */
  readonly router: GatewayRouter;
  /** Gateway gossip over routes, as the route code asks for it (ClusterServer.gatewayGossip). */
  readonly routeGossip: {
    readonly url: string;
    fromRoute(info: RouteInfoMessage, routeId: string): void;
    forNewRoute(): string[];
    clusterUrl(url: string, added: boolean): void;
  };
  readonly #server: GatewayHostServer;
  readonly #links: LinkManager<GatewayUrl, RemoteGateway, GatewayLink>;
  readonly #tls: TlsSetup | null;
  /** Per-remote TLS of configured gateways (`gateways: [{ name, urls, tls {} }]`). */
  readonly #remoteTls = new Map<string, TlsSetup>();
  #unsubscribe: (() => void) | null = null;

  /**
   * Reads `server.options.gatewayConfig`; null when gateways are off (no block or port 0).
   * Throws nats-server's text for an invalid block ({@link gatewayConfigProblem}).
   */
  static create(server: GatewayHostServer): GatewayManager | null {
    const problem = gatewayConfigProblem(server.options);
    if (problem) throw new Error(problem);
    const config = server.options.gatewayConfig;
    if (!config || config.port === 0 || config.name === "") return null;
    return new GatewayManager(server, config);
  }

  private constructor(server: GatewayHostServer, config: GatewayConfig) {
    this.#server = server;
    this.config = config;
    this.#tls = config.tls ? new (tlsImpl().TlsSetup)(config.tls, false, server.logger) : null;
    // gateway.go newGateway: a remote's own `tls {}` is used to dial it (else the block's).
    for (const g of config.gateways) {
      if (g.tls && g.name !== config.name) {
        this.#remoteTls.set(g.name, new (tlsImpl().TlsSetup)(g.tls, false, server.logger));
      }
    }
    this.table = new GatewayTable(
      server,
      config,
      {
        solicit: (remote, firstConnect, delayMs) => this.#solicit(remote, firstConnect, delayMs),
        routeByServerHash: (hash) => this.#routeByServerHash(hash),
        forwardToRoutes: (json) => {
          const line = new TextEncoder().encode(`INFO ${json}\r\n`);
          for (const r of server.cluster?.table.remotes.values() ?? []) r.send(line);
        },
        now: () => server.clock.now(),
      },
      Math.random,
      {
        serverId: server.id,
        serverName: server.options.serverName ?? "",
        version: SERVER_VERSION,
        host: config.host,
        port: config.port,
        headers: !server.options.noHeaderSupport,
        authRequired: config.username !== "",
        tls: config.tls !== undefined,
        maxPayload: server.options.maxPayload,
        gateway: config.name,
        gatewayUrl: "",
      },
    );
    this.router = new GatewayRouter(this.table);
    this.#links = new LinkManager(this.#gatewaySpec(), { pressure: server });
    const table = this.table;
    this.routeGossip = {
      get url(): string {
        return table.local.gatewayUrl;
      },
      fromRoute: (info, id) => table.fromRoute(info as GatewayInfoMessage, id),
      forNewRoute: () => table.forNewRoute(),
      clusterUrl: (url, added) => table.clusterUrl(url, added),
    };
  }

  #gatewaySpec(): LinkSpec<GatewayUrl, RemoteGateway, GatewayLink> {
    const s = this.#server;
    const c = this.config;
    const table = this.table;
    const kind = (u: GatewayUrl) => (u.remote.implicit ? "implicit" : "explicit");
    return {
      name: "gateway",
      idLabel: "gid",
      listen: { host: c.host, port: c.port },
      tlsMode: this.#tls || this.#remoteTls.size > 0 ? LinkTlsMode.TlsFirst : LinkTlsMode.None,
      tls: this.#tls,
      dialTls: (u) => (u.remote.implicit ? null : this.#remoteTls.get(u.remote.name)) ?? this.#tls,
      tlsWhere: "gateway tls",
      dialTimeoutMs: GATEWAY_DIAL_TIMEOUT_MS,
      retry: {
        connectRetries: c.connectRetries,
        get connectErrorReports() {
          return s.options.connectErrorReports;
        },
        get reconnectErrorReports() {
          return s.options.reconnectErrorReports;
        },
        delayMs: () => GATEWAY_CONNECT_DELAY_MS,
      },
      texts: {
        listenError: (reason) => `Error listening on gateway port: ${c.port} - ${reason}`,
        listening: (hostPort) => `Listening for gateways connections on ${hostPort}`,
        acceptError: (err) => `Error accepting gateway connection: ${err}`,
        trying: (url, address) => `Trying to connect to gateway on ${url.host} (${address})`,
        connecting: (url, address, attempt) => {
          const u = url as GatewayUrl;
          return `Connecting to ${kind(u)} gateway ${JSON.stringify(u.remote.name)} (${
            joinHostPort(u.host, u.port)
          }) at ${address} (attempt ${attempt})`;
        },
        dialError: (attempt, error, url, address) => {
          const u = url as GatewayUrl;
          return `Error connecting to ${kind(u)} gateway ${JSON.stringify(u.remote.name)} (${
            joinHostPort(u.host, u.port)
          }) at ${address} (attempt ${attempt}): ${error}`;
        },
        handshakeClosed: "Gateway connection closed: TLS Handshake Failure",
        insecureWarning: TLS_INSECURE_WARNING,
      },
      get logger() {
        return s.logger;
      },
      allocateId: () => s.allocateConnectionId(),
      stillWanted: (url) => url.port !== 0 && table.stillWanted(url.remote),
      dialAbandoned: (url) => table.dialAbandoned(url.remote),
      handshakeFailed: (url) => {
        if (table.stillWanted(url.remote)) {
          this.#solicit(url.remote, false, GATEWAY_CONNECT_DELAY_MS);
        }
      },
      createLink: (ready) => this.#createLink(ready),
      shutdownLinks: () => table.closeAll(),
    };
  }

  /** The bound gateway port. */
  get port(): number {
    return this.#links.port;
  }

  /**
   * Opens the listener (gateway.go startGatewayAcceptLoop), then dials the configured gateways
   * after the solicit delay. Call before the routes start.
   */
  start(): void {
    const s = this.#server;
    const c = this.config;
    const log = s.logger;
    log.notice(`Gateway name is ${c.name}`);
    const port = this.#links.listen();
    const local = this.table.local;
    if (c.advertise) {
      const hp = splitHostPort(c.advertise);
      local.host = hp ? hp.host : c.advertise;
      local.port = hp && hp.port ? Number(hp.port) : port;
    } else {
      local.port = port;
      local.host = c.host;
      if (c.host === "" || c.host === "0.0.0.0" || c.host === "::") {
        const found = clientConnectUrls({ host: c.host || "0.0.0.0" } as ServerOptions, port)[0];
        const hp = found ? splitHostPort(found) : null;
        if (hp) local.host = hp.host;
        else {
          local.host = c.host || "0.0.0.0";
          log.error(
            `Could not find any non-local IP for gateway ${JSON.stringify(c.name)} with listen ` +
              `specification ${JSON.stringify(local.host)}`,
          );
        }
      }
    }
    local.gatewayUrl = joinHostPort(local.host, local.port);
    log.notice(
      c.advertise
        ? `Advertise address for gateway ${JSON.stringify(c.name)} is set to ${local.gatewayUrl}`
        : `Address for gateway ${JSON.stringify(c.name)} is ${local.gatewayUrl}`,
    );
    this.table.addUrl(local.gatewayUrl);
    if (!this.#tls && c.gateways.some((g) => g.tls?.insecure)) log.warn(TLS_INSECURE_WARNING);
    this.#unsubscribe = s.onInterest((account, sub, delta) =>
      this.table.interestChanged(account.name, sub.subject, sub.queue, delta)
    );
    // Internal connections subscribed and imports placed their response routers while the
    // server was built (server.ts does the same for the routes): the cluster's interest too.
    for (const [account, sub] of s.localSubscriptions()) {
      this.table.interestChanged(account.name, sub.subject, sub.queue, 1);
    }
    if (s.isRouteWorker) this.#joinMesh();
    s.fanOut.gateways = this.router;
    this.#links.run();
    // gateway.go startGateways: the configured gateways are dialed after the solicit delay.
    for (const remote of this.table.remotes.values()) {
      if (!remote.implicit) this.#solicit(remote, true, GATEWAY_SOLICIT_DELAY_MS);
    }
  }

  /**
   * In a sharded server's link worker: the shards forward to this worker what the remote
   * clusters want ({@link GatewayMeshInterest}).
   */
  #joinMesh(): void {
    const s = this.#server;
    const interest = new GatewayMeshInterest(
      (name, subject, queue, delta) => {
        const account = s.account(name);
        if (account !== null) s.mesh?.onLocalInterest(account, { subject, queue }, delta);
      },
      (account, subject, queue) => this.table.interest.has(account, subject, queue),
    );
    this.table.meshInterest = interest;
    for (const account of s.accounts()) interest.addAccount(account.name);
  }

  /** The gateways' mesh interest, replayed to a worker that joins (link worker only). */
  *meshSubscriptions(): Iterable<[Account, { subject: string; queue: string | null }]> {
    for (const e of this.table.meshInterest?.announced() ?? []) {
      const account = this.#server.account(e.account);
      if (account !== null) yield [account, { subject: e.subject, queue: e.queue }];
    }
  }

  /** A route's remote interest changed (route RS+/RS-): the cluster's interest for gateways. */
  routeInterestChanged(account: Account, sub: RemoteEntry, delta: number): void {
    this.table.interestChanged(account.name, sub.subject, sub.queue, delta);
  }

  #solicit(remote: RemoteGateway, firstConnect: boolean, delayMs: number): void {
    this.#links.dial({
      targets: new RemoteUrls(remote),
      context: remote,
      delayMs,
      tryForEver: !remote.implicit,
      firstConnect,
      everyUrlPerAttempt: true,
    });
  }

  #routeByServerHash(hash: string): RouteTarget | null {
    const remotes = this.#server.cluster?.table.remotes;
    if (!remotes) return null;
    for (const [id, route] of remotes) if (gatewayHash(id) === hash) return route;
    return null;
  }

  /** gateway.go createGateway: the link of an accepted or dialed socket, TLS done. */
  #createLink(ready: ReadyTransport<GatewayUrl, RemoteGateway>): GatewayLink {
    const link = new GatewayLink(this.table, ready.transport, {
      cid: ready.cid,
      remoteHost: ready.remoteHost,
      remotePort: ready.remotePort,
      url: ready.target,
      now: preciseNow(),
    });
    this.table.links.add(link);
    link.start();
    return link;
  }

  /** `/gatewayz` and the gateway parts of `/varz`, over the routes' monitor data if any. */
  monitor(routes?: LinkMonitor): LinkMonitor {
    const table = this.table;
    return {
      ...routes,
      gateway: () => ({ name: table.name, host: table.local.host, port: table.local.port }),
      outboundGateways: (opts) => {
        // monitor.go createOutboundsRemoteGatewayz: an unknown gw_name gives null.
        if (opts.name && !table.out.has(opts.name)) return null;
        const out: Record<string, RemoteGatewayz> = {};
        for (const link of table.outOrdered) {
          if (opts.name && link.remoteName !== opts.name) continue;
          out[link.remoteName] = this.#remoteGatewayz(link, opts, true);
        }
        return out;
      },
      inboundGateways: (opts) => {
        const out: Record<string, RemoteGatewayz[]> = {};
        for (const link of table.inbound.values()) {
          if (opts.name && link.remoteName !== opts.name) continue;
          (out[link.remoteName] ??= []).push(this.#remoteGatewayz(link, opts, false));
        }
        return out;
      },
      gatewayRemoteUrls: (name) => {
        const urls = table.remotes.get(name)?.urls.map((u) => joinHostPort(u.host, u.port));
        return urls && urls.length > 0 ? urls : undefined;
      },
      boundPort: (section) =>
        section === "gateway" ? this.#links.port : routes?.boundPort?.(section) ?? 0,
    };
  }

  #remoteGatewayz(
    link: GatewayLink,
    opts: { accounts: boolean; accountName: string },
    outbound: boolean,
  ): RemoteGatewayz {
    const now = preciseNow();
    const r: RemoteGatewayz = { configured: outbound ? !(link.remote?.implicit ?? true) : false };
    r.connection = {
      cid: link.cid,
      kind: "Gateway",
      ip: link.remoteHost,
      port: link.remotePort,
      ...connActivity(link, now),
      subscriptions: outbound ? link.outInterest?.size ?? 0 : 0,
      name: link.remoteId,
    };
    const accounts = opts.accounts ? this.#accountsOf(link, opts.accountName) : [];
    if (accounts.length > 0) r.accounts = accounts;
    return r;
  }

  #accountsOf(link: GatewayLink, only: string): Record<string, unknown>[] {
    const list: Record<string, unknown>[] = [];
    const entries = link.outInterest?.accounts ?? link.inInterest?.accounts ?? new Map();
    for (const [name, e] of entries) {
      if (only && name !== only) continue;
      const a: Record<string, unknown> = { name };
      if (e === null) a.interest_mode = "Optimistic";
      else {
        a.interest_mode = interestModeName(e.mode);
        if (e.noInterest && e.noInterest.size > 0) a.no_interest_count = e.noInterest.size;
      }
      a.interest_only_threshold = MAX_RUNSUB_BEFORE_SWITCH;
      if (e !== null && "subs" in e) {
        if (e.subs.count > 0) a.num_subs = e.subs.count;
        if (e.queueSubs > 0) a.num_queue_subs = e.queueSubs;
      }
      list.push(a);
    }
    return list;
  }

  /** Stops listening and dialing, closes every gateway and waits for the loops to end. */
  async close(): Promise<void> {
    this.#unsubscribe?.();
    if (this.#server.fanOut.gateways === this.router) this.#server.fanOut.gateways = null;
    this.table.running = false;
    if (!this.#links.running) return;
    await this.#links.close();
    this.#tls?.close();
    for (const t of this.#remoteTls.values()) t.close();
  }
}
