/**
 * @module
 * The control plane of the sharded runtime: the messages the main isolate and the workers
 * exchange with `postMessage` (spawn configuration, the rings of the mesh, stats, reload,
 * shutdown, worker death, logs). Never used for message data: that travels on the rings
 * (`ring.ts`, `frames.ts`). Every message is structured-clonable; ring buffers travel as
 * SharedArrayBuffers, which `postMessage` shares rather than copies.
 * PURE: no Deno APIs, timers or console output. Imported by the main isolate and by every worker.
 *
 * | kind              | direction     | answered by        |
 * | ----------------- | ------------- | ------------------ |
 * | `spawn`           | main → worker | `ready` or `fatal` |
 * | `rings`           | main → worker | (none)             |
 * | `worker_died`     | main → worker | (none)             |
 * | `stats_request`   | main → worker | `stats_response`   |
 * | `reload`          | main → worker | `reload_result`    |
 * | `shutdown`        | main → worker | `stopped`          |
 * | `log`             | worker → main | (none)             |
 */

import type { ServerOptions } from "../options.ts";

/** What a worker does. Link workers look like one more peer in the mesh. */
export const WorkerRole = {
  Shard: "shard",
  Route: "route",
  Gateway: "gateway",
  Leaf: "leaf",
  JetStream: "jetstream",
} as const;
export type WorkerRole = typeof WorkerRole[keyof typeof WorkerRole];

/** The `kind` of every control message. */
export const ControlKind = {
  Spawn: "spawn",
  Ready: "ready",
  Fatal: "fatal",
  Rings: "rings",
  WorkerDied: "worker_died",
  StatsRequest: "stats_request",
  StatsResponse: "stats_response",
  Reload: "reload",
  ReloadResult: "reload_result",
  Shutdown: "shutdown",
  Stopped: "stopped",
  Log: "log",
  ConnClosed: "conn_closed",
  ClientInfo: "client_info",
} as const;
export type ControlKind = typeof ControlKind[keyof typeof ControlKind];

/** First message to a new worker: who it is and the configuration it runs. */
export interface SpawnMessage {
  readonly kind: typeof ControlKind.Spawn;
  /** This worker's id: its index in the mesh, unique for the life of the process. */
  readonly workerId: number;
  readonly role: WorkerRole;
  /** The one server id and name every worker announces (one server to the outside). */
  readonly serverId: string;
  readonly serverName: string;
  /** Server start time in milliseconds since the epoch (for uptime in monitoring). */
  readonly startedAt: number;
  /** The normalized options; a shard listens on `options.port` with reusePort. */
  readonly options: ServerOptions;
  /** Account names known at start, in a fixed order every worker shares. */
  readonly accounts: readonly string[];
  /**
   * The WebSocket port a shard binds with reusePort instead of `options.websocket`'s: the port
   * the first shard got for a random one (`websocket { port: -1 }`). Absent or 0: as configured.
   */
  readonly websocketPort?: number;
}

/** A worker is serving (shards: listening; `clientPort` is the bound port). */
export interface ReadyMessage {
  readonly kind: typeof ControlKind.Ready;
  readonly workerId: number;
  readonly clientPort?: number;
  /** The route worker's bound route port. */
  readonly clusterPort?: number;
  /** A shard's bound WebSocket port (absent without `websocket {}`). */
  readonly websocketPort?: number;
  /** `ws://host:port` or `wss://...` of that listener, as nats-server logs it. */
  readonly websocketUrl?: string;
}

/** A worker cannot start or continue (e.g. listen failed); the main isolate decides. */
export interface FatalMessage {
  readonly kind: typeof ControlKind.Fatal;
  readonly workerId: number;
  readonly message: string;
}

/** The two rings between this worker and one peer. */
export interface RingLink {
  readonly peerId: number;
  readonly peerRole: WorkerRole;
  /** Ring the peer produces and this worker consumes. */
  readonly inbound: SharedArrayBuffer;
  /** Ring this worker produces and the peer consumes. */
  readonly outbound: SharedArrayBuffer;
}

/** Rings to (new) peers; sent at start and whenever a worker joins the mesh. */
export interface RingsMessage {
  readonly kind: typeof ControlKind.Rings;
  readonly links: readonly RingLink[];
}

/** A peer is gone: drop its interest, stop producing to it, close both rings. */
export interface WorkerDiedMessage {
  readonly kind: typeof ControlKind.WorkerDied;
  readonly workerId: number;
  readonly role: WorkerRole;
  readonly reason: string;
}

/** What a stats request asks for (the monitoring endpoint it serves). */
export const StatsTopic = {
  Varz: "varz",
  Connz: "connz",
  Subsz: "subsz",
  Routez: "routez",
  Gatewayz: "gatewayz",
  Leafz: "leafz",
  Accountz: "accountz",
  Jsz: "jsz",
} as const;
export type StatsTopic = typeof StatsTopic[keyof typeof StatsTopic];

/** Asks a worker for its part of a monitoring answer. */
export interface StatsRequestMessage {
  readonly kind: typeof ControlKind.StatsRequest;
  /** Echoed in the response; unique among outstanding requests. */
  readonly requestId: number;
  readonly topic: StatsTopic;
  /** Query parameters of the monitoring request (sort, limit, offset, subs, ...). */
  readonly params: Readonly<Record<string, string>>;
}

/** Counters every worker reports; the main isolate sums them for `/varz`. */
export interface WorkerCounters {
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  slowConsumers: number;
  /** Connections open now. */
  connections: number;
  totalConnections: number;
  subscriptions: number;
  /** Times a producer found a ring full and waited (back-pressure). */
  ringFullWaits: number;
  /** Most bytes one worker's ring spill buffer held at once (the largest over workers). */
  ringSpillPeak: number;
}

/** A worker's answer to a {@link StatsRequestMessage}. */
export interface StatsResponseMessage {
  readonly kind: typeof ControlKind.StatsResponse;
  readonly requestId: number;
  readonly workerId: number;
  readonly counters: WorkerCounters;
  /** Topic-specific JSON data (e.g. the worker's connections for `connz`). */
  readonly data: unknown;
}

/** Applies a reloaded configuration. */
export interface ReloadMessage {
  readonly kind: typeof ControlKind.Reload;
  readonly requestId: number;
  readonly options: ServerOptions;
  /** Account names after the reload; existing names keep their positions. */
  readonly accounts: readonly string[];
}

/** The outcome of a {@link ReloadMessage}. */
export interface ReloadResultMessage {
  readonly kind: typeof ControlKind.ReloadResult;
  readonly requestId: number;
  readonly workerId: number;
  readonly ok: boolean;
  readonly errors: readonly string[];
}

/** Stop: in lame duck mode, close connections over `gracePeriodMs`; otherwise at once. */
export interface ShutdownMessage {
  readonly kind: typeof ControlKind.Shutdown;
  readonly lameDuck: boolean;
  readonly gracePeriodMs: number;
}

/** A worker has closed its listeners and connections and may be terminated. */
export interface StoppedMessage {
  readonly kind: typeof ControlKind.Stopped;
  readonly workerId: number;
}

/** Log levels, as the logger's methods. */
export const LogLevel = {
  Fatal: "fatal",
  Error: "error",
  Warn: "warn",
  Notice: "notice",
  Debug: "debug",
  Trace: "trace",
} as const;
export type LogLevel = typeof LogLevel[keyof typeof LogLevel];

/** A log line from a worker, written by the main isolate's logger. */
export interface LogMessage {
  readonly kind: typeof ControlKind.Log;
  readonly workerId: number;
  readonly level: LogLevel;
  readonly text: string;
}

/**
 * Both ways: the route worker's client INFO tail (`cluster`, `connect_urls`) changed; the main
 * isolate relays it to every shard. With `notify`, shards send protocol-1 clients an async INFO.
 */
export interface ClientInfoMessage {
  readonly kind: typeof ControlKind.ClientInfo;
  readonly infoTail: string;
  readonly notify: boolean;
}

/** Messages the main isolate sends to a worker. */
export type MainToWorker =
  | SpawnMessage
  | RingsMessage
  | WorkerDiedMessage
  | StatsRequestMessage
  | ReloadMessage
  | ShutdownMessage
  | ClientInfoMessage;

/** Messages a worker sends to the main isolate. */
/** Worker → main: a client connection closed (for `/connz?state=closed`); plain data. */
export interface ConnClosedMessage {
  readonly kind: typeof ControlKind.ConnClosed;
  readonly workerId: number;
  /** The connection as monitoring sees it (structured-cloneable). */
  readonly conn: unknown;
  readonly stopMs: number;
}

export type WorkerToMain =
  | ConnClosedMessage
  | ReadyMessage
  | FatalMessage
  | StatsResponseMessage
  | ReloadResultMessage
  | StoppedMessage
  | LogMessage
  | ClientInfoMessage;

/** Any control-plane message. */
export type ControlMessage = MainToWorker | WorkerToMain;

const MAIN_TO_WORKER: ReadonlySet<string> = new Set<ControlKind>([
  ControlKind.Spawn,
  ControlKind.Rings,
  ControlKind.WorkerDied,
  ControlKind.StatsRequest,
  ControlKind.Reload,
  ControlKind.Shutdown,
  ControlKind.ClientInfo,
]);

const WORKER_TO_MAIN: ReadonlySet<string> = new Set<ControlKind>([
  ControlKind.Ready,
  ControlKind.Fatal,
  ControlKind.StatsResponse,
  ControlKind.ReloadResult,
  ControlKind.Stopped,
  ControlKind.Log,
  ControlKind.ConnClosed,
  ControlKind.ClientInfo,
]);

function kindOf(value: unknown): unknown {
  return typeof value === "object" && value !== null ? (value as { kind?: unknown }).kind : null;
}

/**
 * Whether `value` (a `MessageEvent.data` in a worker) is a message from the main isolate.
 *
 * @example
 * ```ts
 * import { isMainToWorker } from "./control.ts";
 * if (!isMainToWorker({ kind: "shutdown", lameDuck: false, gracePeriodMs: 0 })) throw new Error();
 * if (isMainToWorker({ kind: "log" })) throw new Error();
 * ```
 */
export function isMainToWorker(value: unknown): value is MainToWorker {
  const kind = kindOf(value);
  return typeof kind === "string" && MAIN_TO_WORKER.has(kind);
}

/** Whether `value` (a `MessageEvent.data` in the main isolate) is a message from a worker. */
export function isWorkerToMain(value: unknown): value is WorkerToMain {
  const kind = kindOf(value);
  return typeof kind === "string" && WORKER_TO_MAIN.has(kind);
}

/** All-zero counters. */
export function emptyCounters(): WorkerCounters {
  return {
    inMsgs: 0,
    outMsgs: 0,
    inBytes: 0,
    outBytes: 0,
    slowConsumers: 0,
    connections: 0,
    totalConnections: 0,
    subscriptions: 0,
    ringFullWaits: 0,
    ringSpillPeak: 0,
  };
}

/**
 * The sum of the workers' counters (what `/varz` shows for the one server); peaks
 * (`ringSpillPeak`) take the largest.
 *
 * @example
 * ```ts
 * import { emptyCounters, sumCounters } from "./control.ts";
 * const one = { ...emptyCounters(), inMsgs: 2 };
 * const total = sumCounters([one, { ...emptyCounters(), inMsgs: 3 }]);
 * if (total.inMsgs !== 5) throw new Error();
 * ```
 */
export function sumCounters(list: readonly WorkerCounters[]): WorkerCounters {
  const total = emptyCounters();
  const keys = Object.keys(total) as (keyof WorkerCounters)[];
  for (const counters of list) {
    for (const key of keys) {
      if (key === "ringSpillPeak") total[key] = Math.max(total[key], counters[key]);
      else total[key] += counters[key];
    }
  }
  return total;
}
