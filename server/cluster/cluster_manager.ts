/**
 * @module
 * The impure side of clustering (nats-server route.go startRouteAcceptLoop, createRoute,
 * connectToRoute, reConnectToRoute): the route listener and accept loop, dialing with retries
 * and backoff, one read loop per route socket, a ticker for the links' timers, the client INFO
 * fields (`cluster`, `connect_urls`) with async INFO to clients, and `/routez` data. Protocol
 * and cluster logic live in server/links/ (pure). Runs in the isolate that owns the route
 * sockets: a single-isolate server, or the route worker of a sharded one.
 */
import type { Account } from "../accounts/account.ts";
import type { ClientConnection } from "../client/client.ts";
import type { Subscription } from "../client/subscription.ts";
import { takeStalled, waitForStalled } from "../client/deliver.ts";
import {
  type ClusterConfig,
  joinHostPort,
  parseClusterOptions,
  redactUrl,
  type RouteUrl,
  splitHostPort,
} from "../links/cluster_options.ts";
import { type ClusterServer, RouteLink, RouteType } from "../links/route_link.ts";
import { type ClusterEffects, RouteTable, type SolicitOptions } from "../links/route_table.ts";
import type { LinkMonitor, RouteInfo } from "../monitor/types.ts";
import { formatRtt, formatUptime, goTime, preciseNow } from "../monitor/format.ts";
import { CloseReason } from "../protocol/wire_errors.ts";
import { newNonce } from "../server_id.ts";
import { SERVER_VERSION } from "../version.ts";
import { clientConnectUrls, routesToSelf } from "./addresses.ts";
import { tlsImpl } from "../transport/tls_loader.ts";
import type { TlsSetup } from "../transport/tls_setup.ts";
import type { RouteSocket } from "../transport/route_tls.ts";
import { listenHostname, remoteHost } from "../transport/listen_host.ts";
import { listenErrorText } from "../transport/listen_errors.ts";

/** nats-server DEFAULT_ROUTE_CONNECT / DEFAULT_ROUTE_DIAL. */
const ROUTE_CONNECT_DELAY_MS = 1000;
const ROUTE_DIAL_TIMEOUT_MS = 1000;
const TICK_MS = 100;
const READ_SIZE = 64 * 1024;
/** Longest a route's reads pause for slow local receivers (as client.ts). */
const STALL_MAX_MS = 1000;

/** What the manager needs of the server (server.ts `Server` fits). */
export interface ClusterHostServer extends ClusterServer {
  readonly port: number;
  readonly clients: ReadonlyMap<number, ClientConnection>;
  readonly interestListeners: ((account: Account, sub: Subscription, delta: 1 | -1) => void)[];
  /** Appended to every client INFO before its closing brace. */
  infoTail: string;
  links: LinkMonitor | undefined;
  infoLine(cid: number, clientIp: string, nonce?: string): Uint8Array;
  allocateConnectionId(): number;
  /** Told after `infoTail` changed (the route worker relays it to the shards). */
  infoTailChanged?(notify: boolean): void;
}

/** route.go clusterTLSInsecureWarning. */
const TLS_INSECURE_WARNING = "TLS certificate chain and hostname of solicited routes will not " +
  "be verified. DO NOT USE IN PRODUCTION!";

/** NUID-like 22-char name for a dynamic cluster (server.go uses nuid.Next()). */
function dynamicClusterName(): string {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

function dialError(host: string, port: number, err: unknown): string {
  const addr = joinHostPort(host, port);
  if (err instanceof Deno.errors.ConnectionRefused) {
    return `dial tcp ${addr}: connect: connection refused`;
  }
  if (err instanceof Deno.errors.TimedOut) return `dial tcp ${addr}: i/o timeout`;
  return `dial tcp ${addr}: ${(err as Error).message.replace(/ \(os error \d+\)$/, "")}`;
}

/** Routes of one server: listener, dialers, read loops and timers around a RouteTable. */
export class ClusterManager implements ClusterEffects {
  readonly config: ClusterConfig;
  readonly table: RouteTable;
  readonly #server: ClusterHostServer;
  #listener: Deno.Listener | null = null;
  #port = 0;
  #running = false;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #wakers = new Set<() => void>();
  #tasks = new Set<Promise<void>>();
  /** Links still ticking: open ones and closed ones flushing their last bytes. */
  #active = new Set<RouteLink>();
  #ownUrls: string[] = [];
  #self = new Set<string>();
  /** Route TLS (`cluster { tls {} }`), null for plaintext routes. */
  readonly #tls: TlsSetup | null;
  /** Connections in their TLS handshake (closed on shutdown). */
  #handshaking = new Set<Deno.Conn>();

  /**
   * Reads `server.options.cluster`; null when clustering is off (no section or no port).
   * Throws with nats-server's text when the section is invalid.
   */
  static create(server: ClusterHostServer): ClusterManager | null {
    const parsed = parseClusterOptions(server.options.cluster);
    if (parsed.errors.length > 0) throw new Error(parsed.errors.join("\n"));
    for (const w of parsed.warnings) server.logger.warn(w);
    return parsed.config === null ? null : new ClusterManager(server, parsed.config);
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
  }

  /** The current cluster name (dynamic names may change once routes connect). */
  get clusterName(): string {
    return this.table.clusterName;
  }

  /** The bound route port. */
  get port(): number {
    return this.#port;
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
    const host = c.host || "0.0.0.0";
    try {
      this.#listener = Deno.listen({
        hostname: listenHostname(host),
        port: c.port < 0 ? 0 : c.port,
      });
    } catch (e) {
      const reason = listenErrorText(host, c.port, e);
      throw new Error(`Error listening on router port: ${c.port} - ${reason}`);
    }
    this.#port = (this.#listener.addr as Deno.NetAddr).port;
    if (this.#tls) {
      this.#tls.warnUnsupported("cluster tls");
      if (this.#tls.settings.insecure) log.warn(TLS_INSECURE_WARNING);
    }
    log.notice(`Listening for route connections on ${joinHostPort(c.host, this.#port)}`);
    this.#ownUrls = clientConnectUrls(s.options, s.port);
    this.#self = routesToSelf(this.#port);
    const info = this.table.localInfo;
    info.port = this.#port;
    if (c.advertise) {
      const hp = splitHostPort(c.advertise);
      info.host = hp ? hp.host : c.advertise;
      info.port = hp && hp.port ? Number(hp.port) : this.#port;
      info.ip = `nats-route://${joinHostPort(info.host, info.port)}/`;
    }
    info.connectUrls = c.noAdvertise ? [] : this.#ownUrls;
    this.#running = true;
    s.interestListeners.push((account, sub, delta) =>
      this.table.localInterestChanged(account.name, sub.subject, sub.queue, delta, sub.subjectBytes)
    );
    s.links = this.#linkMonitor();
    this.clientInfoChanged(false);
    this.#ticker = setInterval(() => this.#tick(), TICK_MS);
    this.#track(this.#acceptLoop(this.#listener));
    for (const route of c.routes) {
      this.solicit(route, RouteType.Explicit, { delayMs: 0, tryForEver: true, firstConnect: true });
    }
  }

  #track(task: Promise<void>): void {
    this.#tasks.add(task);
    task.finally(() => this.#tasks.delete(task));
  }

  async #acceptLoop(listener: Deno.Listener): Promise<void> {
    try {
      for await (const conn of listener) {
        this.#createRoute(conn as Deno.TcpConn, null, RouteType.Implicit);
      }
    } catch (err) {
      if (this.#running) this.#server.logger.error(`Error accepting route connection: ${err}`);
    }
  }

  /**
   * route.go createRoute: a link for an accepted (url null) or dialed socket; with route TLS
   * the handshake comes first (nothing is sent in plaintext).
   */
  #createRoute(conn: Deno.TcpConn, url: RouteUrl | null, routeType: RouteType): void {
    if (!this.#running) {
      conn.close();
      return;
    }
    try {
      conn.setNoDelay(true);
    } catch {
      // not TCP
    }
    const cid = this.#server.allocateConnectionId();
    if (this.#tls) {
      this.#track(this.#secureRoute(this.#tls, conn, url, routeType, cid));
      return;
    }
    this.#startLink(conn, conn, url, routeType, cid);
  }

  async #secureRoute(
    setup: TlsSetup,
    conn: Deno.TcpConn,
    url: RouteUrl | null,
    routeType: RouteType,
    cid: number,
  ): Promise<void> {
    const addr = conn.remoteAddr as Deno.NetAddr;
    const ip = remoteHost(addr.hostname);
    const h = ip.includes(":") ? `[${ip}]` : ip;
    const prefix = `${h}:${addr.port} - rid:${cid}`;
    this.#handshaking.add(conn);
    const socket = await tlsImpl().secureRoute(
      conn,
      setup,
      url?.host ?? null,
      this.#server.logger,
      prefix,
    );
    this.#handshaking.delete(conn);
    if (socket === null) {
      if (url !== null && this.#running) {
        // client.go reconnect: a solicited route whose handshake failed is dialed again.
        const log = this.#server.logger;
        log.debug(`Attempting reconnect for solicited route "${redactUrl(url.url)}"`);
        const explicit = routeType === RouteType.Explicit;
        this.solicit(url, routeType, {
          delayMs: Math.floor(Math.random() * 100) + (explicit ? ROUTE_CONNECT_DELAY_MS : 0),
          tryForEver: explicit,
          firstConnect: false,
        });
      }
      return;
    }
    if (!this.#running) {
      socket.close();
      return;
    }
    this.#startLink(conn, socket, url, routeType, cid);
  }

  #startLink(
    conn: Deno.TcpConn,
    transport: RouteSocket,
    url: RouteUrl | null,
    routeType: RouteType,
    cid: number,
  ): void {
    const addr = conn.remoteAddr as Deno.NetAddr;
    const link = new RouteLink(this.table, transport, {
      cid,
      remoteHost: remoteHost(addr.hostname),
      remotePort: addr.port,
      url,
      routeType,
      now: preciseNow(),
    });
    this.table.links.add(link);
    this.#active.add(link);
    const connect = url === null ? null : this.table.connectJson(url);
    link.start(connect, this.table.routeInfoJson(newNonce()), preciseNow());
    this.#track(this.#readLoop(transport, link));
  }

  async #readLoop(conn: RouteSocket, link: RouteLink): Promise<void> {
    const buf = new Uint8Array(READ_SIZE);
    while (!link.closed) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch {
        link.close(CloseReason.ReadError);
        break;
      }
      if (n === null) {
        link.close(CloseReason.ClientClosed);
        break;
      }
      link.feed(buf.subarray(0, n), preciseNow());
      // Local receivers far behind: let them catch up before reading more (producer stall).
      const stalled = takeStalled();
      if (stalled.length > 0) await waitForStalled(stalled, STALL_MAX_MS);
    }
  }

  #tick(): void {
    const now = preciseNow();
    for (const link of this.#active) {
      link.tick(now);
      if (link.finished) this.#active.delete(link);
    }
  }

  /** Waits `ms`; false when the manager stopped meanwhile. */
  #sleep(ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(this.#running);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.#timers.delete(t);
        this.#wakers.delete(wake);
        resolve(this.#running);
      };
      const t = setTimeout(wake, ms);
      this.#timers.add(t);
      this.#wakers.add(wake);
    });
  }

  /** ClusterEffects: dial with retries (route.go connectToRoute / reConnectToRoute). */
  solicit(url: RouteUrl, routeType: RouteType, opts: SolicitOptions): void {
    if (this.#running) this.#track(this.#connectToRoute(url, routeType, opts));
  }

  async #connectToRoute(url: RouteUrl, routeType: RouteType, opts: SolicitOptions): Promise<void> {
    const log = this.#server.logger;
    const o = this.#server.options;
    if (!(await this.#sleep(opts.delayMs))) return;
    let attempts = 0;
    while (this.#running) {
      if (opts.tryForEver && !this.table.routeStillValid(url)) return;
      const host = url.host === "localhost" ? "127.0.0.1" : url.host;
      // server.go getRandomIP: our own route listener addresses are skipped for good.
      if (this.#self.has(joinHostPort(host, url.port))) return;
      log.debug(
        `Trying to connect to route on ${joinHostPort(url.host, url.port)} (${
          joinHostPort(host, url.port)
        })`,
      );
      let conn: Deno.TcpConn | null = null;
      let error: string | null = null;
      try {
        conn = await this.#dial(host, url.port);
      } catch (e) {
        error = dialError(host, url.port, e);
      }
      if (conn === null) {
        attempts++;
        const every = opts.firstConnect ? o.connectErrorReports : o.reconnectErrorReports;
        const text = `Error trying to connect to route (attempt ${attempts}): ${error}`;
        if (attempts === 1 || (every > 0 && attempts % every === 0)) log.error(text);
        else log.debug(text);
        if (
          !opts.tryForEver &&
          (this.config.connectRetries <= 0 || attempts > this.config.connectRetries)
        ) {
          return;
        }
        if (!(await this.#sleep(ROUTE_CONNECT_DELAY_MS))) return;
        continue;
      }
      if (!this.#running || (opts.tryForEver && !this.table.routeStillValid(url))) {
        conn.close();
        return;
      }
      this.#createRoute(conn, url, routeType);
      return;
    }
  }

  #dial(hostname: string, port: number): Promise<Deno.TcpConn> {
    return new Promise((resolve, reject) => {
      let done = false;
      const t = setTimeout(() => {
        done = true;
        this.#timers.delete(t);
        reject(new Deno.errors.TimedOut("i/o timeout"));
      }, ROUTE_DIAL_TIMEOUT_MS);
      this.#timers.add(t);
      Deno.connect({ hostname, port }).then((conn) => {
        clearTimeout(t);
        this.#timers.delete(t);
        if (done) conn.close();
        else resolve(conn);
      }, (e) => {
        clearTimeout(t);
        this.#timers.delete(t);
        if (!done) reject(e);
      });
    });
  }

  /**
   * ClusterEffects: the client INFO now carries `cluster` and `connect_urls` (server.go
   * updateServerINFOAndSendINFOToClients); with `notify`, protocol-1 clients get an async INFO.
   */
  clientInfoChanged(notify: boolean): void {
    const s = this.#server;
    const urls = this.table.clientConnectUrls(this.#ownUrls);
    s.infoTail = `,"cluster":${JSON.stringify(this.table.clusterName)}` +
      (urls.length > 0 ? `,"connect_urls":${JSON.stringify(urls)}` : "");
    s.infoTailChanged?.(notify);
    if (!notify) return;
    for (const c of s.clients.values()) {
      // WebSocket clients would need ws_connect_urls, which routes do not gossip here.
      if (c.closed || c.opts.protocol < 1 || c.logPrefix.includes(" - wid:")) continue;
      c.sendRaw(s.infoLine(c.cid, c.host));
    }
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
      boundPort: (section) => (section === "cluster" ? this.#port : 0),
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
        account: s.account,
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
    if (!this.#running) return;
    this.#running = false;
    try {
      this.#listener?.close();
    } catch {
      // already closed
    }
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const conn of this.#handshaking) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
    for (const wake of [...this.#wakers]) wake();
    this.table.closeAll();
    for (const link of this.#active) link.abort();
    clearInterval(this.#ticker);
    await Promise.allSettled([...this.#tasks]);
    this.#tls?.close();
  }
}
