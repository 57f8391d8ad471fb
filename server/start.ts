/**
 * @module
 * Embedding: {@link startServer} runs a server inside a Deno program (and in tests), in this
 * isolate, or with `shards > 1` as shard workers controlled from this isolate.
 */
import { prepareAuth } from "./accounts/bcrypt.ts";
import { Authenticator } from "./accounts/auth.ts";
import { Logger, silentLogger } from "./log/logger.ts";
import { resolveLinkConfigs } from "./config/link_configs.ts";
import { defaultOptions, type ServerOptions } from "./options.ts";
import type { ShardedServer } from "./runtime/sharded.ts";
import { Server } from "./server.ts";
import { gatewayConfigProblem } from "./links/gateway/gateway_manager.ts";
import { leafConfigProblem } from "./links/leaf/leaf_options.ts";
import { joinHostPort } from "./links/route/cluster_options.ts";
import { type StartOptions, unknownStartOptions } from "./start_options.ts";
import { loadConfigFile } from "./config/load.ts";
import { formatConfigFailure, formatIssues } from "./config/issues.ts";
import { mergeOptions } from "./config/merge.ts";
import { prepareIoYield, yieldWithoutSockets } from "./conn/io_yield.ts";
import { edgeConfigProblem } from "./edge_options.ts";
import { loadJetStreamFor } from "./jetstream_loader.ts";

const enc = new TextEncoder();

export type { StartOptions } from "./start_options.ts";

/** A running server. */
export interface ServerHandle {
  /** The server's id (`server_id` in INFO). */
  readonly serverId: string;
  /** The host clients are accepted on. */
  readonly host: string;
  /** The bound client port (the real one when `port` was -1 or 0); 0 on an edge server. */
  readonly port: number;
  /**
   * `nats://host:port` for clients (loopback when listening on all interfaces); on an edge
   * server, which binds nothing, it names port 0 and clients come through {@link fetch}.
   */
  readonly clientUrl: string;
  /**
   * `http(s)://host:port` of the monitoring listener, when monitoring is enabled (undefined on
   * an edge server: monitoring is answered by {@link fetch}).
   */
  readonly monitorUrl?: string;
  /** The server itself (single-isolate mode), for monitoring and tests. */
  readonly server: Server;
  /** The control plane of a sharded server (`shards > 1`), else undefined. */
  readonly sharded?: ShardedServer;
  /**
   * Answers an HTTP request from a `Deno.serve` of the embedding program (or an edge host): a
   * WebSocket upgrade becomes a NATS client (any path; `/leafnode` is a leafnode connection
   * when a leafnode port is configured), other requests get the monitoring endpoints when
   * `httpPort`/`httpsPort` is set, else 404. Bound to the server: `Deno.serve(handle.fetch)`.
   * A sharded server answers 501.
   */
  readonly fetch: (req: Request, info?: Deno.ServeHandlerInfo) => Response;
  /** Closes listeners and all connections. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A connectable host for a listener bound to `host` (loopback for the wildcard addresses). */
function connectHost(host: string): string {
  return host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "::1" : host;
}

function stderrLogger(o: ServerOptions): Logger {
  return new Logger((line) => Deno.stderr.writeSync(enc.encode(line + "\n")), {
    pid: Deno.pid,
    debug: o.debug,
    trace: o.trace,
    logtime: o.logtime,
    logtimeUTC: o.logtimeUTC,
  });
}

/**
 * Starts a server. `port: -1` (or 0) picks a free port; `shards: N` runs N shard workers;
 * `config` loads a `.conf` or YAML file first (the other options go over it, as flags over
 * `-c`). Rejects with the config errors nats-server would print, or with
 * `startServer: unknown option '...'` for an option name it does not know.
 *
 * @example
 * ```ts
 * import { startServer } from "../mod.ts";
 * await using server = await startServer({ port: -1, quiet: true });
 * const conn = await Deno.connect({ port: server.port });
 * conn.close();
 * ```
 *
 * @example From a config file
 * ```ts ignore
 * import { startServer } from "../mod.ts";
 * await using server = await startServer({ config: "nats.conf", port: -1 });
 * ```
 */
export async function startServer(opts: StartOptions = {}): Promise<ServerHandle> {
  const unknown = unknownStartOptions(opts);
  if (unknown.length > 0) throw new Error(unknown.join("\n"));
  const { quiet, logger: given, config: configFile, ...rest } = opts;
  let fileOptions: Partial<ServerOptions> = {};
  let fileWarnings = "";
  if (configFile !== undefined) {
    const result = await loadConfigFile(configFile);
    if (result.errors.length > 0) throw new Error(formatConfigFailure(result).trimEnd());
    if (result.warnings.length > 0) fileWarnings = formatIssues(result).trimEnd();
    fileOptions = result.options;
  }
  // Without a file, the given options simply go over the defaults (as before); with one, they
  // are merged as the CLI merges flags over `-c` (baseline defaults filled in).
  const options: ServerOptions = configFile === undefined
    ? { ...defaultOptions(), ...rest }
    : mergeOptions(defaultOptions(), fileOptions, rest);
  // Embedded options may give raw blocks only: type them with the config file's rules.
  const linkErrors = resolveLinkConfigs(options);
  if (linkErrors.length > 0) throw new Error(linkErrors.join("\n"));
  await prepareAuth(options);
  const edgeProblem = edgeConfigProblem(options);
  if (edgeProblem) throw new Error(edgeProblem);
  // The read loops' fairness yield, open before the first client (no sockets on an edge).
  if (options.edge) yieldWithoutSockets();
  else await prepareIoYield();
  await loadJetStreamFor(options);
  const auth = new Authenticator(options);
  const refused = auth.configErrors[0] ?? leafConfigProblem(options, auth.trust.systemAccount) ??
    gatewayConfigProblem(options);
  if (refused) throw new Error(refused);
  const logger = given ?? (quiet ? silentLogger() : stderrLogger(options));
  if (fileWarnings) logger.warn(fileWarnings);
  // The sharded runtime's code is loaded only by a sharded server (about 10 ms of start-up).
  const sharded = (options.shards ?? 1) > 1
    ? new (await import("./runtime/sharded.ts")).ShardedServer(options, logger)
    : undefined;
  const server = sharded ? undefined : new Server(options, logger);
  if (sharded) await sharded.start();
  else server!.start();
  const running = (sharded ?? server)!;
  const port = running.port;
  const close = () => running.shutdown();
  return {
    serverId: running.id,
    host: options.host,
    port,
    clientUrl: `nats://${joinHostPort(connectHost(options.host), port)}`,
    monitorUrl: running.monitorPort > 0
      ? `${running.monitorProtocol}://${
        joinHostPort(connectHost(options.httpHost ?? options.host), running.monitorPort)
      }`
      : undefined,
    get server(): Server {
      if (!server) throw new Error("a sharded server has no single-isolate Server; use .sharded");
      return server;
    },
    sharded,
    fetch: (req, info) => {
      if (!server) return new Response("fetch needs a single-isolate server\n", { status: 501 });
      const addr = info?.remoteAddr;
      return server.fetch(req, addr && "hostname" in addr ? addr : undefined);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
