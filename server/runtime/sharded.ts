/**
 * @module
 * The main isolate of a sharded server (`--shards N`, ARCHITECTURE.md): the control plane only.
 * It spawns N shard workers that share the client and WebSocket ports (SO_REUSEPORT) and, with
 * a `cluster {}` or `gateway {}` port or a `leafnodes {}` block, one route worker (a mesh peer
 * without clients that runs the routes, the gateways and the leafnodes), with `jetstream {}`
 * one JetStream worker (a mesh peer without clients that owns every stream; started first,
 * stopped last),
 * builds one SPSC ring per ordered worker pair and hands the SharedArrayBuffers over, relays
 * worker log lines, serves monitoring from the workers' combined data, applies reloads, lame duck mode and
 * shutdown, and restarts a worker that dies. No message data passes through here.
 */
import { startupLines } from "../startup_log.ts";
import { joinHostPort } from "../links/route/cluster_options.ts";
import { newServerId } from "../server_id.ts";
import type { Logger } from "../log/logger.ts";
import type { ServerOptions } from "../options.ts";
import {
  ControlKind,
  type RingLink,
  type StatsResponseMessage,
  sumCounters,
  type WorkerCounters,
  type WorkerRole,
  type WorkerToMain,
} from "../ipc/control.ts";
import { clusterConfigProblem } from "../links/route/cluster_options.ts";
import { createRing, ringCapacityFor } from "../ipc/ring.ts";
import { MonitorState } from "../monitor/state.ts";
import { type MonitorListener, startMonitorListener } from "../monitor/http.ts";
import type { MonitoredConn, MonitoredServer } from "../monitor/types.ts";
import { diffOptions, reloadNotices } from "../reload_diff.ts";
import { combineSnapshots, type WorkerSnapshot } from "./snapshot.ts";
import { Authenticator } from "../accounts/auth.ts";
import { enabledWebSocket } from "../transport/ws_options.ts";
import { clientTransportWarnings } from "../transport/transport_warnings.ts";

/** Each worker role has its own shell (static URLs, so `deno compile --include` finds them). */
const SHARD_WORKER_URL = new URL("../../workers/shard_worker.ts", import.meta.url).href;
const LINK_WORKER_URL = new URL("../../workers/link_worker.ts", import.meta.url).href;
const JETSTREAM_WORKER_URL = new URL("../../workers/jetstream_worker.ts", import.meta.url).href;
const STOP_TIMEOUT_MS = 10_000;

interface Slot {
  index: number;
  role: WorkerRole;
  worker: Worker;
  ready: Promise<number>;
  stopped: Promise<void>;
  alive: boolean;
}

interface Pending {
  remaining: number;
  responses: StatsResponseMessage[];
  resolve: (r: StatsResponseMessage[]) => void;
}

/** Whether `websocket {}` asks for a random port (nats-server: a negative port). */
function randomWebSocketPort(o: ServerOptions): boolean {
  return (enabledWebSocket(o)?.port ?? 0) < 0;
}

/** A server made of shard workers. */
export class ShardedServer {
  options: ServerOptions;
  readonly logger: Logger;
  readonly id: string = newServerId();
  readonly name: string;
  readonly startedAt: Date = new Date();
  readonly monitor: MonitorState = new MonitorState();
  readonly shardCount: number;
  #slots: Slot[] = [];
  #port = 0;
  #monitorListeners: MonitorListener[] = [];
  #pending = new Map<number, Pending>();
  #nextRequest = 1;
  #lameDuck = false;
  #stopping = false;
  #restarts = 0;
  /** Whether a route (link) worker runs (`cluster {}`/`gateway {}` with a port, leafnodes). */
  #routes = false;
  /** JetStream workers (one today: it owns every stream), spawned before the shards. */
  #jetstreamWorkers = 0;
  #clusterPort = 0;
  /** The shards' shared WebSocket port and URL, once the first shard has bound it. */
  #websocketPort = 0;
  #websocketUrl: string | null = null;
  /** The route worker's latest client INFO tail, relayed to every shard (and new ones). */
  #infoTail = "";

  constructor(options: ServerOptions, logger: Logger) {
    this.options = options;
    this.logger = logger;
    this.name = options.serverName ?? this.id;
    this.shardCount = Math.max(2, options.shards ?? 2);
  }

  get port(): number {
    return this.#port;
  }

  /** The route worker's bound route port (0 without routes). */
  get clusterPort(): number {
    return this.#clusterPort;
  }

  /** Shards, link and JetStream workers: the stride of the connection id sequence. */
  get #workerCount(): number {
    return this.shardCount + (this.#routes ? 1 : 0) + this.#jetstreamWorkers;
  }

  /** Worker id of JetStream worker `n`: after the shards and the route worker. */
  #jetstreamIndex(n: number): number {
    return this.shardCount + (this.#routes ? 1 : 0) + n;
  }

  get monitorPort(): number {
    return this.#monitorListeners[0]?.port ?? 0;
  }

  get monitorProtocol(): string {
    return this.#monitorListeners[0]?.protocol ?? "";
  }

  /** The WebSocket port every shard listens on (0 without `websocket {}`). */
  get websocketPort(): number {
    return this.#websocketPort;
  }

  /** `ws://host:port` / `wss://...` of the shards' WebSocket listeners, or null. */
  get websocketUrl(): string | null {
    return this.#websocketUrl;
  }

  get inLameDuckMode(): boolean {
    return this.#lameDuck;
  }

  /** Workers running now. */
  get liveWorkers(): number {
    return this.#slots.filter((s) => s.alive).length;
  }

  /**
   * Treats worker `index` as failed (tests, operators): it is terminated, the others forget
   * it, and a fresh worker takes its place. Its clients are disconnected and reconnect.
   */
  failWorker(index: number, reason: string): void {
    const slot = this.#slots[index];
    if (slot) this.#died(slot, reason);
  }

  /** Number of worker restarts after failures. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Starts the workers, links them, then logs readiness as nats-server does. */
  async start(): Promise<void> {
    const o = this.options;
    const log = this.logger;
    const who = {
      name: this.name,
      id: this.id,
      configFile: o.configFile,
      jetstream: o.jetstreamConfig?.enabled,
    };
    for (const line of startupLines(who)) log.notice(line);
    const cluster = o.clusterConfig;
    // The gateway block was checked before (start.ts gatewayConfigProblem).
    const gateways = o.gatewayConfig !== undefined && o.gatewayConfig.port !== 0;
    const problem = cluster !== undefined && cluster.port !== 0
      ? clusterConfigProblem(cluster)
      : null;
    if (problem) throw new Error(problem);
    // The route worker is the link worker: it runs the routes, the gateways and the leafnodes.
    const leafs = o.leafnodeConfig;
    const leafnodes = leafs !== undefined && (leafs.port !== 0 || leafs.remotes.length > 0);
    this.#routes = (cluster !== undefined && cluster.port !== 0) || gateways || leafnodes;
    // One JetStream worker owns every stream; stream placement over several is to come.
    this.#jetstreamWorkers = o.jetstreamConfig?.enabled ? 1 : 0;
    for (const secure of [false, true]) {
      if ((secure ? o.httpsPort : o.httpPort) === 0) continue;
      const m = startMonitorListener(
        combineSnapshots(this.#view(), []),
        secure,
        (request) => this.snapshot(request),
      );
      this.#monitorListeners.push(m);
      log.notice(`Starting ${m.protocol} monitor on ${joinHostPort(m.host, m.port)}`);
    }
    // denats' own transport warnings, logged once here (the shards log nothing of them).
    for (const warning of clientTransportWarnings(o)) log.warn(warning);
    // JetStream starts before the client port opens (server.go Start): its banner and the
    // restored streams are logged before the shards are awaited (they log nothing), and a
    // failure stops the start. The shards load meanwhile: both take most of the start-up.
    const jetstream = this.#spawnJetStreamWorkers();
    try {
      await jetstream;
      await this.#startShards();
    } catch (err) {
      await this.#abortStart();
      throw err;
    }
    // Logged where nats-server starts its WebSocket server: before routes and the client port.
    if (this.#websocketUrl !== null) {
      log.notice(`Listening for websocket clients on ${this.#websocketUrl}`);
      if (this.#websocketUrl.startsWith("ws:")) {
        log.warn("Websocket not configured with TLS. DO NOT USE IN PRODUCTION!");
      }
    }
    // The route worker: one more mesh peer, no clients; it logs its cluster name and route port.
    if (this.#routes) await this.#spawn(this.shardCount, this.#port, "route").ready;
    this.#linkAll();
    log.notice(`Listening for client connections on ${joinHostPort(o.host, this.#port)}`);
    const extra = [
      ...(this.#routes ? ["a route worker"] : []),
      ...(this.#jetstreamWorkers > 0 ? ["a JetStream worker"] : []),
    ];
    log.notice(`Started ${[`${this.shardCount} shard workers`, ...extra].join(" and ")}`);
    log.notice(`Server is ready`);
  }

  /**
   * Spawns the JetStream workers; resolves once they run. The shards' spawn starts meanwhile
   * (in the same turn, before any await): their `Ready` is awaited after.
   */
  #spawnJetStreamWorkers(): Promise<unknown> {
    const ready = [];
    for (let n = 0; n < this.#jetstreamWorkers; n++) {
      ready.push(this.#spawn(this.#jetstreamIndex(n), 0, "jetstream").ready);
    }
    const shards = this.#startShards();
    const all = Promise.all(ready);
    // Whichever fails first is thrown by start(); the other rejection is not left unhandled.
    shards.catch(() => {});
    all.catch(() => {});
    return all;
  }

  #shardsStarting: Promise<void> | null = null;

  /**
   * Spawns the shards and waits for them (once; a second call waits for the same). With fixed
   * ports every shard binds at once (a client that connects early is not left with the first
   * worker, and startup is shorter); for a random client or WebSocket port the first shard
   * binds and the others join the ports it got.
   */
  #startShards(): Promise<void> {
    return this.#shardsStarting ??= (async () => {
      const o = this.options;
      if (o.port > 0 && !randomWebSocketPort(o)) {
        const all = [];
        for (let i = 0; i < this.shardCount; i++) all.push(this.#spawn(i, o.port).ready);
        this.#port = (await Promise.all(all))[0];
      } else {
        this.#port = await this.#spawn(0, Math.max(0, o.port)).ready;
        const rest = [];
        for (let i = 1; i < this.shardCount; i++) rest.push(this.#spawn(i, this.#port).ready);
        await Promise.all(rest);
      }
    })();
  }

  /** A worker failed to start: every worker started so far is ended, monitoring closed. */
  async #abortStart(): Promise<void> {
    this.#stopping = true;
    for (const s of this.#slots) {
      if (!s) continue;
      s.alive = false;
      s.worker.terminate();
    }
    await this.#closeMonitor();
  }

  #spawn(index: number, port: number, role: WorkerRole = "shard"): Slot {
    const name = role === "shard" ? `shard-${index}` : role;
    const url = role === "shard"
      ? SHARD_WORKER_URL
      : role === "jetstream"
      ? JETSTREAM_WORKER_URL
      : LINK_WORKER_URL;
    const worker = new Worker(url, { type: "module", name });
    let readyResolve!: (port: number) => void;
    let readyReject!: (err: Error) => void;
    let stoppedResolve!: () => void;
    const slot: Slot = {
      index,
      role,
      worker,
      alive: true,
      ready: new Promise((resolve, reject) => {
        readyResolve = resolve;
        readyReject = reject;
      }),
      stopped: new Promise((resolve) => (stoppedResolve = resolve)),
    };
    worker.onmessage = (e: MessageEvent<WorkerToMain>) => {
      const msg = e.data;
      switch (msg.kind) {
        case ControlKind.Ready:
          if (role === "route") this.#clusterPort = msg.clusterPort ?? 0;
          // The first shard's WebSocket port is the one every later shard joins.
          if (msg.websocketPort && this.#websocketPort === 0) {
            this.#websocketPort = msg.websocketPort;
            this.#websocketUrl = msg.websocketUrl ?? null;
          }
          readyResolve(msg.clientPort ?? port);
          return;
        case ControlKind.Fatal:
          readyReject(new Error(msg.message));
          return;
        case ControlKind.Log:
          this.logger.raw(msg.text);
          return;
        case ControlKind.ClientInfo:
          this.#infoTail = msg.infoTail;
          for (const s of this.#slots) {
            if (s.alive && s.role === "shard") s.worker.postMessage(msg);
          }
          return;
        case ControlKind.ConnClosed:
          this.monitor.connectionClosed(msg.conn as MonitoredConn, msg.stopMs);
          return;
        case ControlKind.StatsResponse:
        case ControlKind.ReloadResult:
          this.#answer(msg as StatsResponseMessage);
          return;
        case ControlKind.Stopped:
          slot.alive = false;
          stoppedResolve();
          return;
      }
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#died(slot, e.message);
      readyReject(new Error(e.message));
      stoppedResolve();
    };
    const options = { ...this.options, port };
    worker.postMessage({
      kind: ControlKind.Spawn,
      workerId: index,
      role,
      serverId: this.id,
      serverName: this.name,
      startedAt: this.startedAt.getTime(),
      options,
      accounts: [],
      shardCount: this.#workerCount,
      websocketPort: this.#websocketPort,
    });
    if (role === "shard" && this.#infoTail !== "") {
      worker.postMessage({ kind: ControlKind.ClientInfo, infoTail: this.#infoTail, notify: false });
    }
    this.#slots[index] = slot;
    return slot;
  }

  #ringCapacity(): number {
    const o = this.options;
    return ringCapacityFor(Math.max(0, o.maxPayload) + o.maxControlLine + 4096);
  }

  /** One ring per ordered pair of live workers. */
  #linkAll(): void {
    const live = this.#slots.filter((s) => s.alive);
    const links = new Map<number, RingLink[]>(live.map((s) => [s.index, []]));
    for (let a = 0; a < live.length; a++) {
      for (let b = a + 1; b < live.length; b++) this.#pair(live[a], live[b], links);
    }
    for (const s of live) {
      s.worker.postMessage({ kind: ControlKind.Rings, links: links.get(s.index) });
    }
  }

  #pair(x: Slot, y: Slot, links: Map<number, RingLink[]>): void {
    const cap = this.#ringCapacity();
    const xy = createRing(cap);
    const yx = createRing(cap);
    links.get(x.index)!.push({ peerId: y.index, peerRole: y.role, inbound: yx, outbound: xy });
    links.get(y.index)!.push({ peerId: x.index, peerRole: x.role, inbound: xy, outbound: yx });
  }

  /** A worker failed: tell the others, then start a fresh one on the same port. */
  #died(slot: Slot, reason: string): void {
    if (!slot.alive) return;
    slot.alive = false;
    const what = slot.role === "shard"
      ? `Shard worker ${slot.index}`
      : slot.role === "jetstream"
      ? "The JetStream worker"
      : `The ${slot.role} worker`;
    this.logger.error(`${what} failed: ${reason}`);
    try {
      slot.worker.terminate();
    } catch {
      // already gone
    }
    for (const s of this.#slots) {
      if (s.alive) {
        s.worker.postMessage({
          kind: ControlKind.WorkerDied,
          workerId: slot.index,
          role: slot.role,
          reason,
        });
      }
    }
    for (const p of this.#pending.values()) {
      p.remaining--;
      if (p.remaining <= 0) p.resolve(p.responses);
    }
    if (this.#stopping) return;
    this.#restarts++;
    const fresh = this.#spawn(slot.index, this.#port, slot.role);
    fresh.ready.then(() => {
      const links = new Map<number, RingLink[]>([[fresh.index, []]]);
      for (const s of this.#slots) {
        if (!s.alive || s === fresh) continue;
        links.set(s.index, []);
        this.#pair(fresh, s, links);
      }
      for (const [index, list] of links) {
        this.#slots[index].worker.postMessage({ kind: ControlKind.Rings, links: list });
      }
      this.logger.notice(`${what} restarted`);
    }).catch((err) => this.logger.error(`${what} did not restart: ${err}`));
  }

  #answer(msg: StatsResponseMessage): void {
    const p = this.#pending.get(msg.requestId);
    if (!p) return;
    p.responses.push(msg);
    if (--p.remaining <= 0) {
      this.#pending.delete(msg.requestId);
      p.resolve(p.responses);
    }
  }

  /** Sends a request to every live worker and collects the answers. */
  #ask(make: (requestId: number) => unknown): Promise<StatsResponseMessage[]> {
    const live = this.#slots.filter((s) => s.alive);
    const requestId = this.#nextRequest++;
    if (live.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      this.#pending.set(requestId, { remaining: live.length, responses: [], resolve });
      for (const s of live) s.worker.postMessage(make(requestId));
    });
  }

  #auth: { options: ServerOptions; required: boolean } | null = null;

  #authRequired(): boolean {
    if (this.#auth?.options !== this.options) {
      this.#auth = { options: this.options, required: new Authenticator(this.options).required };
    }
    return this.#auth.required;
  }

  #view() {
    return {
      id: this.id,
      name: this.name,
      options: this.options,
      startedAt: this.startedAt,
      port: this.#port,
      authRequired: this.#authRequired(),
      monitor: this.monitor,
      logger: this.logger,
    };
  }

  /** Every worker's counters summed (message and connection counts, ring back-pressure). */
  async counters(): Promise<WorkerCounters> {
    const answers = await this.#askStats("varz");
    return sumCounters(answers.map((a) => a.counters));
  }

  /** Every live worker's answer to a stats request on `topic`. */
  #askStats(
    topic: "varz" | "connz" | "jsz",
    params: Record<string, string> = {},
  ): Promise<StatsResponseMessage[]> {
    return this.#ask((requestId) => ({
      kind: ControlKind.StatsRequest,
      requestId,
      topic,
      params,
    }));
  }

  /**
   * One server's monitoring view, combined from every worker; for a `/jsz` `request`, with
   * the JetStream account details its query asks for.
   */
  async snapshot(request?: Request): Promise<MonitoredServer> {
    const url = request ? new URL(request.url) : null;
    const jsz = url !== null && url.pathname.endsWith("/jsz");
    const params = jsz ? Object.fromEntries(url.searchParams) : {};
    const answers = await this.#askStats(jsz ? "jsz" : "connz", params);
    const snapshots = answers.map((a) => a.data as WorkerSnapshot).filter((d) => d !== null);
    return combineSnapshots({ ...this.#view(), port: this.#port }, snapshots);
  }

  /** Applies a reloaded configuration in every worker (same rules as a single server). */
  async reload(next: ServerOptions): Promise<void> {
    const changes = diffOptions(this.options, { ...next, port: this.options.port });
    const answers = await this.#ask((requestId) => ({
      kind: ControlKind.Reload,
      requestId,
      options: { ...next, port: this.#port },
      accounts: [],
    }));
    const errors = answers.flatMap((a) => (a as unknown as { errors: string[] }).errors ?? []);
    if (errors.length > 0) throw new Error(errors[0]);
    this.options = next;
    this.logger.applyOptions(next);
    for (const line of reloadNotices(changes, next)) this.logger.notice(line);
    this.logger.notice("Reloaded server configuration");
  }

  /** Lame duck mode in every worker, then exit. */
  async enterLameDuckMode(): Promise<void> {
    if (this.#lameDuck) return;
    this.#lameDuck = true;
    this.logger.notice("Entering lame duck mode, stop accepting new clients");
    // The workers wait the grace period, then close their clients spread over the rest.
    const grace = Math.min(this.options.lameDuckGracePeriodMs, this.options.lameDuckDurationMs);
    const notice = setTimeout(() => this.logger.notice("Closing existing clients"), grace);
    await this.#stopWorkers(true);
    clearTimeout(notice);
    this.#stopping = true;
    this.logger.notice("Initiating Shutdown...");
    await this.#closeMonitor();
    this.logger.notice("Server Exiting..");
  }

  async #stopWorkers(lameDuck: boolean): Promise<void> {
    this.#stopping = true;
    const live = this.#slots.filter((s) => s.alive);
    for (const s of live) {
      if (s.role === "jetstream") continue; // stopped last, below
      s.worker.postMessage({ kind: ControlKind.Shutdown, lameDuck, gracePeriodMs: 0 });
    }
    const limit = lameDuck ? this.options.lameDuckDurationMs + STOP_TIMEOUT_MS : STOP_TIMEOUT_MS;
    const within = async (slots: Slot[], ms: number) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(slots.map((s) => s.stopped)),
        new Promise((resolve) => (timer = setTimeout(resolve, ms))),
      ]);
      clearTimeout(timer);
    };
    // In lame duck mode the route worker keeps the routes up until the shards are done. The
    // JetStream workers stop last, once nothing more can reach them: they store what the
    // shards sent and flush their stores.
    const jetstream = live.filter((s) => s.role === "jetstream");
    const links = lameDuck ? live.filter((s) => s.role !== "shard" && s.role !== "jetstream") : [];
    await within(live.filter((s) => !links.includes(s) && !jetstream.includes(s)), limit);
    for (const s of links) {
      s.worker.postMessage({ kind: ControlKind.Shutdown, lameDuck: false, gracePeriodMs: 0 });
    }
    if (links.length > 0) await within(links, STOP_TIMEOUT_MS);
    for (const s of jetstream) {
      s.worker.postMessage({ kind: ControlKind.Shutdown, lameDuck: false, gracePeriodMs: 0 });
    }
    if (jetstream.length > 0) await within(jetstream, STOP_TIMEOUT_MS);
    for (const s of this.#slots) {
      s.alive = false;
      s.worker.terminate();
    }
  }

  async #closeMonitor(): Promise<void> {
    await Promise.all(this.#monitorListeners.map((m) => m.close()));
    this.#monitorListeners = [];
  }

  /** Stops every worker and the monitoring listener. */
  async shutdown(): Promise<void> {
    if (this.#stopping && this.#slots.every((s) => !s.alive)) return;
    this.logger.notice("Initiating Shutdown...");
    await this.#stopWorkers(false);
    await this.#closeMonitor();
    this.logger.notice("Server Exiting..");
  }
}
