/**
 * @module
 * Composition root of one NATS server in the current isolate: builds the long-lived objects
 * (accounts, authenticator, logger, listeners), accepts client connections and owns the
 * per-turn flush of connection output. INFO lines are built in `info.ts`, lame duck mode runs
 * in `lame_duck.ts`, config reload in `reload.ts`. Used by `main.ts` (the CLI), by `mod.ts`
 * (embedding) and by tests.
 */
import type { Account } from "./accounts/account.ts";
import { Authenticator } from "./accounts/auth.ts";
import { ClientConnection, type Transport } from "./client/client.ts";
import type { Subscription } from "./client/subscription.ts";
import type { InterestSource, MeshNode } from "./mesh/mesh_node.ts";
import type { RemoteInterestListener } from "./links/route/route_subs.ts";
import type { ClusterServer } from "./links/route/route_host.ts";
import { FanOut, type StallTarget } from "./routing/fan_out.ts";
import { type Clock, systemClock } from "./conn/clock.ts";
import { closeYielder } from "./conn/io_yield.ts";
import { AccountRegistry } from "./account_registry.ts";
import { FlushQueue } from "./flush_queue.ts";
import { ClientTransports } from "./transport/client_transports.ts";
import { type ClientContext, type Flushable, ServerStats } from "./client/context.ts";
import type { Logger } from "./log/logger.ts";
import type { ServerOptions } from "./options.ts";
import { newServerId } from "./server_id.ts";
import * as wire from "./protocol/wire_errors.ts";
import { CloseReason } from "./protocol/wire_errors.ts";
import { startupLines } from "./startup_log.ts";
import { buildInfoBase, clientInfoLine, lameDuckInfoLine, sendAsyncInfo } from "./info.ts";
import { CancellableSleeps, runLameDuck } from "./lame_duck.ts";
import type { ShardIdentity } from "./shard_identity.ts";
import { localInterest } from "./local_interest.ts";
import type { OptionChange } from "./reload_diff.ts";
import { applyReload } from "./reload.ts";
import { type MonitorListener, startHistorySampler, startMonitorListener } from "./monitor/http.ts";
import { answerHttp } from "./http_fetch.ts";
import type { HttpPeer } from "./transport/ws_listener.ts";
import { MonitorState } from "./monitor/state.ts";
import type { LinkMonitor } from "./monitor/types.ts";
import type { ClusterManager } from "./links/route/cluster_manager.ts";
import type { GatewayManager } from "./links/gateway/gateway_manager.ts";
import type { LeafManager } from "./links/leaf/leaf_manager.ts";
import { ServerLinks } from "./server_links.ts";
import { acceptLoop, closeListener, listenClientPort } from "./transport/listen_host.ts";
import { joinHostPort } from "./links/route/cluster_options.ts";
import { type InterestListener, InterestListeners, type ServerEvents } from "./server_events.ts";
import { configuredSystemAccount, SystemService } from "./system/system_service.ts";
import type { JetStream } from "./jetstream/jetstream.ts";
import { jetStreamModule, startLoadedJetStream, stopJetStream } from "./jetstream_loader.ts";
import type { InternalConnection } from "./internal/internal_connection.ts";
import { PeerInterest } from "./mesh/peer_interest.ts";

export type { ShardIdentity } from "./shard_identity.ts";
export type { InterestListener, ServerEvents } from "./server_events.ts";

export class Server implements ClientContext {
  /** Current options; replaced as a whole by {@link reload}. */
  options: ServerOptions;
  readonly logger: Logger;
  auth: Authenticator;
  readonly stats: ServerStats = new ServerStats();
  /** Match and delivery of every message in this isolate (server/routing/). */
  readonly fanOut: FanOut = new FanOut();
  /** Time and timers of the connections (pure code gets them injected). */
  readonly clock: Clock = systemClock;
  readonly id: string;
  readonly name: string;
  readonly startedAt: Date = new Date();
  readonly clients: Map<number, ClientConnection> = new Map();
  /** Monitoring state: closed connections, HTTP request counts (server/monitor/). */
  readonly monitor: MonitorState = new MonitorState();
  #monitorListeners: MonitorListener[] = [];
  readonly #accounts: AccountRegistry;
  #listener: Deno.Listener | null = null;
  /** Client-port TLS and the WebSocket listener (server/transport/). */
  #transports: ClientTransports | null = null;
  #port = 0;
  #nextCid = 1;
  readonly #flush = new FlushQueue();
  #sweeper: ReturnType<typeof setInterval> | undefined;
  /** An edge server's dashboard history sampler (a monitor listener samples otherwise). */
  #stopSampling: (() => void) | null = null;
  #infoBase = "";
  #acceptLoop: Promise<void> | null = null;
  #running = false;
  #conns = new Set<Promise<void>>();
  #lameDuck = false;
  /** Lame duck waits, cancelled by a shutdown. */
  #sleeps = new CancellableSleeps();
  /** Routes, gateways and leaf nodes (server/links/), each when configured. */
  readonly #links = new ServerLinks();
  /** Appended to every client INFO (`cluster`, `connect_urls`): {@link setClientInfoTail}. */
  #infoTail = "";
  /** What the worker shell around this server wants to hear of (sharded mode). */
  readonly #events: ServerEvents;

  /** Set when this server is one shard of several (a worker); null when it is the whole server. */
  readonly shard: ShardIdentity | null;
  #mesh: MeshNode | null = null;
  /** The system account's events and requests (server/system/); null without one or in a shard. */
  #system: SystemService | null = null;
  #jetstream: JetStream | null = null;
  /** Open connections without a socket (server/internal/), for interest replay and shutdown. */
  readonly internalConnections: Set<InternalConnection> = new Set();
  /** JetStream worker: other workers' interest, watched by push consumers. */
  readonly peerInterest: PeerInterest = new PeerInterest();
  /** Route worker: a route's RS+/RS- becomes this worker's interest in the mesh. */
  readonly remoteInterestListener: RemoteInterestListener | null = null;

  constructor(
    options: ServerOptions,
    logger: Logger,
    shard: ShardIdentity | null = null,
    events: ServerEvents = {},
  ) {
    this.#events = events;
    this.options = options;
    this.logger = logger;
    this.shard = shard;
    this.auth = new Authenticator(options);
    this.id = shard?.serverId ?? newServerId();
    if (shard) this.startedAt = new Date(shard.startedAt);
    this.name = options.serverName ?? this.id;
    const tag = Math.random().toString(36).slice(2, 6) + (shard?.index ?? "");
    this.#accounts = new AccountRegistry(options, this.auth, this.fanOut, () => this.now(), tag);
    this.#accounts.onAdded = (account) => {
      this.#system?.accountAdded(account);
      this.#links.gateway?.table.accountAdded(account.name);
      const js = this.#jetstream;
      if (js) jetStreamModule()!.serveJwtJetStream(js, account, this.options, this.auth);
    };
    this.#system = this.#createSystem();
    // Route interest: the route worker's mesh interest, the cluster interest gateways announce
    // (gatewayUpdateSubInterest), and what the leafs this server is the hub of learn.
    const links = options.gatewayConfig?.port || options.leafnodeConfig;
    if (this.isRouteWorker || (shard === null && links)) {
      this.remoteInterestListener = (account, sub, delta) => {
        if (this.isRouteWorker) this.#mesh?.onLocalInterest(account, sub, delta);
        this.#links.routeInterestChanged(account, sub, delta);
      };
    }
  }

  /**
   * True in the route worker of a sharded server (routes, gateways and leafnodes, no client
   * listener).
   */
  get isRouteWorker(): boolean {
    return this.shard?.role === "route";
  }

  /**
   * Route worker: another worker's interest changed (mesh SUB/UNSUB with its weight). The
   * union of the shards' interest is what the routes, gateways and leafs learn as this server's.
   */
  peerInterestChanged(
    account: Account,
    subject: string,
    queue: string | null,
    delta: number,
    subjectBytes?: Uint8Array,
  ): void {
    this.#links.peerInterestChanged(account, subject, queue, delta, subjectBytes);
  }

  /** The system account (nats-server setSystemAccount); shards leave it to a whole server. */
  #createSystem(): SystemService | null {
    const name = configuredSystemAccount(this.options, this.auth.trust.systemAccount);
    if (name === null || this.shard !== null) return null;
    const statszIntervalMs = this.options.statszIntervalMs;
    return new SystemService(this, this.bindAccount(name), { statszIntervalMs });
  }

  /** JetStream (server/jetstream/), when enabled; null otherwise or in a shard. */
  get jetstream(): JetStream | null {
    return this.#jetstream;
  }

  /** The system account service, or null (no system account, or a shard worker). */
  get system(): SystemService | null {
    return this.#system;
  }

  get authAnnounced(): boolean {
    return this.auth.required && !this.options.noAuthUser;
  }

  /** The bound client port. */
  get port(): number {
    return this.#port;
  }

  /** The bound WebSocket port (0 without `websocket {}`), for the ports file and tests. */
  get websocketPort(): number {
    return this.#transports?.websocketPort ?? 0;
  }

  /** `ws://host:port` or `wss://...` of the WebSocket listener, or null. */
  get websocketUrl(): string | null {
    return this.#transports?.websocketUrl ?? null;
  }

  /** Milliseconds since the epoch. */
  now(): number {
    return Date.now();
  }

  account(name?: string): Account | null {
    return this.#accounts.get(name);
  }

  /**
   * The account a user is bound to, created on first use (accounts of operator/JWT users are
   * known only when they connect).
   */
  bindAccount(name: string): Account {
    return this.#accounts.bind(name);
  }

  /** Every account, in creation order (monitoring). */
  accounts(): IterableIterator<Account> {
    return this.#accounts.all();
  }

  /** Bound monitoring port (http first, then https); 0 when monitoring is off. */
  get monitorPort(): number {
    return this.#monitorListeners[0]?.port ?? 0;
  }

  /** `http://` or `https://` of the first monitoring listener, or "" when off. */
  get monitorProtocol(): string {
    return this.#monitorListeners[0]?.protocol ?? "";
  }

  /** Server-level notices: a shard leaves them to the main isolate, which logs them once. */
  #notice(line: string): void {
    if (this.shard === null) this.logger.notice(line);
  }

  /** Connection ids: a shard takes every `count`-th id, so ids are unique server-wide. */
  #allocCid(): number {
    const k = this.#nextCid++;
    return this.shard ? (k - 1) * this.shard.count + this.shard.index + 1 : k;
  }

  /** A connection id from the server-wide sequence (routes share it with clients). */
  allocateConnectionId(): number {
    return this.#allocCid();
  }

  /** The route manager, when clustering is on (tests, monitoring). */
  get cluster(): ClusterManager | null {
    return this.#links.cluster;
  }

  /** Joins the worker mesh: interest goes out to other workers, PONGs wait for barriers. */
  attachMesh(mesh: MeshNode): void {
    this.#mesh = mesh;
    this.onInterest((account, sub, delta) => mesh.onLocalInterest(account, sub, delta));
  }

  /** The gateway manager, when gateways are on (tests, monitoring). */
  get gateway(): GatewayManager | null {
    return this.#links.gateway;
  }

  /** Gateway gossip over routes (ClusterServer), when gateways are on. */
  get gatewayGossip(): ClusterServer["gatewayGossip"] {
    return this.#links.gateway?.routeGossip ?? null;
  }

  /** The leafnode manager, when leafnodes are configured (tests, monitoring). */
  get leafnodes(): LeafManager | null {
    return this.#links.leaf;
  }

  /** Route, gateway and leafnode data for `/routez`, `/gatewayz`, `/leafz` and `/varz`. */
  get links(): LinkMonitor | undefined {
    return this.#links.monitor;
  }

  /** The client INFO's tail (`cluster`, `connect_urls`). */
  get infoTail(): string {
    return this.#infoTail;
  }

  /** The mesh this shard is part of (null in a single-isolate server). */
  get mesh(): MeshNode | null {
    return this.#mesh;
  }

  pongBarrier(): Promise<void> | null {
    const mesh = this.#mesh;
    return mesh !== null && mesh.peerCount > 0 ? mesh.barrier() : null;
  }

  get backlogged(): boolean {
    return this.#mesh !== null && this.#mesh.backlogged;
  }

  drained(): Promise<void> {
    return this.#mesh ? this.#mesh.drained() : Promise.resolve();
  }

  pollMesh(): void {
    this.#mesh?.pollInbound();
  }

  takeStalled(): StallTarget[] {
    return this.fanOut.takeStalled();
  }

  /**
   * Every local interest with its account, replayed to a worker that joins the mesh: client
   * subscriptions and the `_R_.` response routers of service imports.
   */
  localSubscriptions(): Iterable<[Account, InterestSource]> {
    return localInterest(this, this.#accounts.imports);
  }

  /** An internal connection opened (server/internal/): its interest is replayed like a client's. */
  internalOpened(c: InternalConnection): void {
    this.internalConnections.add(c);
  }

  /** An internal connection closed. */
  internalClosed(c: InternalConnection): void {
    this.internalConnections.delete(c);
  }

  /** Opens the client listener and starts accepting. */
  start(): void {
    if (this.shard) {
      this.#startShard();
      return;
    }
    const o = this.options;
    const log = this.logger;
    const cluster = this.#links.createClusterLinks(this);
    const jetstream = o.jetstreamConfig?.enabled;
    const who = { name: this.name, id: this.id, cluster, configFile: o.configFile, jetstream };
    for (const line of startupLines(who)) log.notice(line);
    for (const secure of [false, true]) {
      if ((secure ? o.httpsPort : o.httpPort) === 0 || o.edge) continue;
      const m = startMonitorListener(this, secure);
      this.#monitorListeners.push(m);
      log.notice(`Starting ${m.protocol} monitor on ${joinHostPort(m.host, m.port)}`);
    }
    // JetStream, when the options enable it (its code loaded by `loadJetStreamFor`).
    this.#jetstream = startLoadedJetStream(this, this.options, this.auth);
    this.#transports = new ClientTransports(
      this,
      (t, h, p, ctx) => this.#serveClient(t, h, p, ctx),
      // Leafnodes on the WebSocket listener's `/leafnode` (the leaf manager starts below).
      {
        noListener: o.edge === true,
        onLeafWebSocket: o.leafnodeConfig?.port
          ? (t, h, p, c) => this.#links.leaf?.adoptWebSocket(t, h, p, c)
          : undefined,
      },
    );
    // server.go Start: the leafnode listener and remotes before the client listener.
    this.#links.startLeafs(this);
    if (o.edge) {
      // An edge server: its host's HTTP server hands requests to `fetch`.
      log.notice("Serving WebSocket clients and monitoring through fetch (edge: no listeners)");
      if (o.httpPort !== 0 || o.httpsPort !== 0) this.#stopSampling = startHistorySampler(this);
    } else {
      this.#listener = listenClientPort(o.host, o.port, false);
      this.#port = (this.#listener.addr as Deno.NetAddr).port;
      log.notice(`Listening for client connections on ${joinHostPort(o.host, this.#port)}`);
      if (this.#transports.tls) log.notice("TLS required for client connections");
    }
    this.#infoBase = this.#buildInfoBase();
    log.notice(`Server is ready`);
    this.#running = true;
    this.#system?.start();
    this.#links.startClusterLinks(this.localSubscriptions());
    if (this.#listener) this.#acceptLoop = this.#accept(this.#listener);
    const tick = Math.max(50, Math.min(1000, o.writeDeadlineMs / 2));
    this.#sweeper = setInterval(() => this.#sweep(), tick);
  }

  /** A shard listens on the shared port with SO_REUSEPORT; the main isolate logs for it. */
  #startShard(): void {
    const o = this.options;
    if (this.shard?.role === "jetstream") {
      // The JetStream worker: no client listener; its streams and API are internal
      // subscriptions, reached from the shards through the mesh.
      this.#running = true;
      // JetStream, when the options enable it (its code loaded by `loadJetStreamFor`).
      this.#jetstream = startLoadedJetStream(this, this.options, this.auth);
      this.#sweeper = setInterval(() => this.#sweep(), 1000);
      return;
    }
    if (this.isRouteWorker) {
      // No client listener: `options.port` is the shared client port (for connect_urls).
      this.#port = o.port;
      this.#infoBase = this.#buildInfoBase();
      this.#running = true;
      this.#links.createClusterLinks(this); // gateways too: same order as start()
      this.#links.startLeafs(this); // leafnodes too (before the routes, as in start())
      this.#links.startClusterLinks();
      return;
    }
    this.#transports = new ClientTransports(
      this,
      (t, h, p, ctx) => this.#serveClient(t, h, p, ctx),
      {
        shard: true,
        websocketPort: this.shard?.websocketPort,
        acceptAfter: this.shard?.acceptAfter,
      },
    );
    this.#listener = listenClientPort(o.host, o.port, true);
    this.#port = (this.#listener.addr as Deno.NetAddr).port;
    this.#infoBase = this.#buildInfoBase();
    this.#running = true;
    this.#acceptLoop = this.#accept(this.#listener);
    const tick = Math.max(50, Math.min(1000, o.writeDeadlineMs / 2));
    this.#sweeper = setInterval(() => this.#sweep(), tick);
  }

  #buildInfoBase(): string {
    return buildInfoBase(this, this.#port, this.#transports?.infoFields());
  }

  infoLine(cid: number, clientIp: string, nonce?: string): Uint8Array {
    return clientInfoLine(this.#infoBase, cid, clientIp, nonce, this.#infoTail);
  }

  #accept(listener: Deno.Listener): Promise<void> {
    return acceptLoop(listener, {
      after: this.shard?.acceptAfter,
      running: () => this.#running,
      serve: (conn, host, port) =>
        this.#serveClient(this.#transports!.wrap(conn), host, port, this),
      error: (err) => this.logger.error(`Error accepting client connection: ${err}`),
    });
  }

  /** An HTTP request of the embedding program's or edge host's `Deno.serve` (http_fetch.ts). */
  fetch(req: Request, peer?: HttpPeer): Response {
    const requests = this.#running ? this.#transports?.requests ?? null : null;
    return answerHttp(this, requests, req, peer);
  }

  /** Runs a client connection on any transport (TCP, TLS, WebSocket). */
  #serveClient(transport: Transport, host: string, port: number, ctx: ClientContext): void {
    const cid = this.#allocCid();
    this.stats.totalConnections++;
    const client = new ClientConnection(ctx, cid, transport, host, port, this.account()!);
    const o = this.options;
    if (o.maxConnections > 0 && this.clients.size >= o.maxConnections) {
      this.logger.error(`${client.logPrefix} - ${wire.ERR_MAXIMUM_CONNECTIONS_EXCEEDED.text}`);
      client.reject(wire.ERR_MAXIMUM_CONNECTIONS_EXCEEDED);
      this.monitor.connectionClosed(client);
      return;
    }
    this.clients.set(cid, client);
    this.#system?.clientAdded(client);
    const done = client.run().catch((err) => {
      this.logger.error(`${client.logPrefix} - ${err}`);
      client.close(CloseReason.ReadError);
    });
    this.#conns.add(done);
    done.finally(() => this.#conns.delete(done));
  }

  /** Listeners told about local interest changes (mesh peers, routes): {@link onInterest}. */
  readonly #interestListeners = new InterestListeners();

  /**
   * Registers a listener of local interest changes (the mesh, the routes; tests); returns the
   * function that removes it.
   */
  onInterest(listener: InterestListener): () => void {
    return this.#interestListeners.add(listener);
  }

  interestChanged(account: Account, sub: Subscription, delta: 1 | -1): void {
    this.#interestListeners.notify(account, sub, delta);
  }

  markDirty(c: Flushable): void {
    this.#flush.add(c);
  }

  /**
   * The client INFO now ends with `tail` (`cluster`, `connect_urls`: server.go
   * updateServerINFOAndSendINFOToClients), set by the routes here or, in a shard, relayed from
   * the route worker; with `notify`, protocol-1 clients get an async INFO.
   */
  setClientInfoTail(tail: string, notify: boolean): void {
    this.#infoTail = tail;
    this.#events.clientInfoChanged?.(tail, notify);
    if (notify) sendAsyncInfo(this.clients.values(), (c) => this.infoLine(c.cid, c.host));
  }

  removed(cid: number): void {
    const client = this.clients.get(cid);
    if (client) {
      // A shard's closed connections are recorded by the main isolate.
      if (this.#events.clientClosed) this.#events.clientClosed(client);
      else this.monitor.connectionClosed(client);
    }
    this.clients.delete(cid);
    if (client) this.#system?.clientRemoved(client, client.closeReason ?? CloseReason.ClientClosed);
  }

  /** `/accountz` exports and imports of an account (the system service ones). */
  accountLinks(name: string): { exports?: unknown[]; imports?: unknown[] } {
    return this.#system?.accountLinks(name, this.#jetstream !== null) ?? {};
  }

  /** A client authenticated on CONNECT: the system account's connect event. */
  clientAuthorized(cid: number): void {
    const client = this.clients.get(cid);
    if (client) this.#system?.clientAuthorized(client);
  }

  /** Cuts connections whose write has been stuck longer than write_deadline. */
  #sweep(): void {
    const now = this.now();
    for (const r of this.#accounts.imports.routers) r.sweep(now);
    const clockNow = this.clock.now();
    for (const c of this.clients.values()) c.checkWriteDeadline(clockNow);
  }

  /**
   * Applies a new option set (SIGHUP). Throws {@link ReloadNotSupported} (and changes nothing)
   * when an option that cannot change at runtime differs. Returns what changed (reload.ts).
   */
  reload(next: ServerOptions): OptionChange[] {
    return applyReload(this, next, {
      leaf: this.#links.leaf,
      rebuildInfo: () => (this.#infoBase = this.#buildInfoBase()),
      notice: (line) => this.#notice(line),
    });
  }

  /** True once lame duck mode started. */
  get inLameDuckMode(): boolean {
    return this.#lameDuck;
  }

  /**
   * Lame duck mode (SIGUSR2, nats-server server.go lameDuckMode): stop accepting, tell
   * protocol-1 clients through an INFO with `ldm:true`, wait the grace period, close the clients
   * spread over the rest of `lame_duck_duration`, then shut down.
   */
  async enterLameDuckMode(): Promise<void> {
    if (this.#lameDuck || !this.#running) return;
    this.#lameDuck = true;
    if (this.isRouteWorker) {
      // Routes learn of it (ldm INFO) and stay up while the shards close their clients; the
      // main isolate shuts this worker down once they are done.
      this.#links.cluster?.enterLameDuck();
      await this.#shutDown;
      return;
    }
    await runLameDuck({
      options: this.options,
      clients: this.clients,
      notice: (line) => this.#notice(line),
      stopAccepting: () => {
        closeListener(this.#listener);
        this.#transports?.stopAccepting();
      },
      enterClusterLameDuck: () => this.#links.cluster?.enterLameDuck(),
      lameDuckInfo: (c) => lameDuckInfoLine(this.#infoBase, c.cid, c.host, this.#infoTail),
      sleep: (ms) => this.#sleeps.sleep(ms),
      running: () => this.#running,
      shutdown: () => this.shutdown(),
    });
  }

  #shutDownResolve!: () => void;
  /** Resolves once {@link shutdown} completed. */
  readonly #shutDown: Promise<void> = new Promise((resolve) => (this.#shutDownResolve = resolve));

  /** Stops accepting, closes every connection and waits for their loops to end. */
  async shutdown(): Promise<void> {
    try {
      await this.#shutdown();
    } finally {
      this.#shutDownResolve();
    }
  }

  async #shutdown(): Promise<void> {
    if (!this.#running) return;
    // server.go Shutdown: events first, then the notice, then JetStream with its own lines.
    this.#system?.shutdown();
    this.#notice("Initiating Shutdown...");
    await stopJetStream(this.#jetstream, (line) => this.#notice(line), this.logger);
    this.#running = false;
    clearInterval(this.#sweeper);
    this.#stopSampling?.();
    // Lame duck waits end here (their sleeps never resolve; the mode checks #running).
    this.#sleeps.cancelAll();
    closeListener(this.#listener);
    await this.#acceptLoop;
    await this.#transports?.close();
    await this.#links.close();
    // After the routes: nats-server withdraws no interest (RS-) when it shuts down.
    for (const c of [...this.internalConnections]) c.close();
    for (const c of [...this.clients.values()]) c.close(CloseReason.ServerShutdown);
    await Promise.allSettled([...this.#conns]);
    await Promise.all(this.#monitorListeners.map((m) => m.close()));
    // The read loops' yield channel keeps an isolate alive (a worker closes it on exit).
    if (this.shard === null) closeYielder();
    this.#notice("Server Exiting..");
  }
}
