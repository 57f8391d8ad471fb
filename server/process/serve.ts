/**
 * @module
 * A server run from the command line, as a process (nats-server server.go `Start`, `Shutdown`,
 * signal.go `handleSignals`, reload.go `Reload`): pid and ports files, the log destination,
 * and process signals (SIGINT, SIGTERM, SIGHUP reload, SIGUSR1 log reopen, SIGUSR2 lame duck).
 * Main isolate.
 */
import { formatLogTime, Logger } from "../log/logger.ts";
import { FileLog, stderrSink } from "../log/file_sink.ts";
import type { ServerOptions } from "../options.ts";
import { Server } from "../server.ts";
import type { ShardedServer } from "../runtime/sharded.ts";
import { prepareAuth } from "../accounts/bcrypt.ts";
import { Authenticator } from "../accounts/auth.ts";
import { diffOptions } from "../reload_diff.ts";
import {
  listenerUrls,
  type Ports,
  portsFileName,
  writePidFileSync,
  writePortsFileSync,
} from "./ports_file.ts";
import { validateOptions } from "./validate.ts";
import { parseClusterOptions } from "../links/route/cluster_options.ts";
import { startupFatalLine } from "../transport/listen_errors.ts";
import { gatewayConfigProblem } from "../links/gateway/gateway_manager.ts";
import { leafConfigProblem } from "../links/leaf/leaf_options.ts";
import { prepareIoYield } from "../conn/io_yield.ts";
import { loadJetStreamFor } from "../jetstream_loader.ts";
import { goPathError } from "../go_path_error.ts";

/** Re-reads the config file and re-applies the command-line flags (SIGHUP). */
export type Reloader = () => Promise<ServerOptions>;

/** Go's names for the signals a server traps (`Trapped "<name>" signal`). */
const GO_SIGNAL_NAMES: Partial<Record<Deno.Signal, string>> = {
  SIGINT: "interrupt",
  SIGTERM: "terminated",
  SIGHUP: "hangup",
  SIGUSR1: "user defined signal 1",
  SIGUSR2: "user defined signal 2",
};

/** What the running CLI server needs to reload and stop. */
interface Running {
  server: Server | ShardedServer;
  logger: Logger;
  fileLog: FileLog | null;
  argv0: string;
  reloader: Reloader | null;
  /** Serializes reloads: SIGHUPs arriving during one are applied after it. */
  reloading: Promise<void>;
}

/**
 * Opens the log file. As nats-server's NewFileLogger (Go `log.Fatalf`), a file that cannot be
 * opened ends the process: `YYYY/MM/DD HH:MM:SS error opening file: open <path>: <reason>`.
 */
function openFileLog(options: ServerOptions, logger: Logger | null): FileLog | null {
  if (!options.logFile) return null;
  let fileLog: FileLog;
  try {
    fileLog = new FileLog(options.logFile, options.logSizeLimit);
  } catch (e) {
    const stamp = formatLogTime(new Date(), false).slice(0, 19);
    const text = `${stamp} error opening file: ${goPathError("open", options.logFile, e)}\n`;
    Deno.stderr.writeSync(new TextEncoder().encode(text));
    Deno.exit(1);
  }
  if (logger) fileLog.formatNotice = (msg) => logger.format("[INF]", msg);
  return fileLog;
}

function makeLogger(options: ServerOptions): { logger: Logger; fileLog: FileLog | null } {
  const fileLog = openFileLog(options, null);
  const logger = new Logger(fileLog ? fileLog.sink : stderrSink(), {
    pid: Deno.pid,
    debug: options.debug,
    trace: options.trace,
    logtime: options.logtime,
    logtimeUTC: options.logtimeUTC,
  });
  if (fileLog) {
    fileLog.formatNotice = (msg) => logger.format("[INF]", msg);
    // nats-server logger.setLimit: a file already over the limit rotates on the next write.
    if (options.logSizeLimit > 0 && fileLog.size > options.logSizeLimit) {
      logger.notice("Rotating logfile...");
    }
  }
  return { logger, fileLog };
}

/**
 * Names the process like the command that started it (`/proc/self/comm`), so `ps` and
 * `pgrep nats-server` (what `--signal` without a pid runs) find it. Linux only; best effort.
 */
function setProcessName(argv0: string): void {
  const base = argv0.split("/").pop() || "nats-server";
  try {
    Deno.writeTextFileSync("/proc/self/comm", base.slice(0, 15));
  } catch {
    // not Linux, or not allowed
  }
}

/**
 * Starts a server from CLI options and serves until a signal stops it. Resolves with the exit
 * code: 0 after SIGINT or lame duck mode, 1 after SIGTERM (nats-server 2.9.10 signal.go), 1 when
 * it cannot start.
 */
export async function serve(
  options: ServerOptions,
  argv0: string,
  unsupported: string[],
  reloader: Reloader | null,
): Promise<number> {
  await prepareAuth(options);
  // nats-server NewServer refuses inconsistent auth settings (operators, accounts, imports).
  const auth = new Authenticator(options);
  // ... a leafnode listener with gateways but no system account (validateLeafNode), and an
  // invalid gateway block (validateGatewayOptions, validateCluster).
  const refused = auth.configErrors[0] ?? leafConfigProblem(options, auth.trust.systemAccount) ??
    gatewayConfigProblem(options);
  if (refused) {
    Deno.stderr.writeSync(new TextEncoder().encode(`nats-server: ${refused}\n`));
    return 1;
  }
  const { logger, fileLog } = makeLogger(options);
  for (const w of auth.warnings) logger.warn(w);
  setProcessName(argv0);
  for (const flag of unsupported) {
    logger.warn(`Flag ${flag} is not supported by denats yet; ignored`);
  }
  if (options.syslog || options.remoteSyslog) {
    logger.warn("syslog is not supported by denats; logging to stderr or the log file instead");
  }
  if (options.pidFile) {
    // nats-server Start writes the pid file before opening any listener; it is left in place.
    try {
      writePidFileSync(options.pidFile, Deno.pid);
    } catch (e) {
      logger.fatal(`Could not write pidfile: ${goPathError("open", options.pidFile, e)}`);
      fileLog?.close();
      return 1;
    }
  }
  // Trap signals now: a harness may signal as soon as it reads "Server is ready".
  const early = new EarlySignals();
  // `--shards N` (N > 1): shard workers on the client port; otherwise one isolate.
  await prepareIoYield();
  await loadJetStreamFor(options);
  const server = (options.shards ?? 1) > 1
    ? new (await import("../runtime/sharded.ts")).ShardedServer(options, logger)
    : new Server(options, logger);
  try {
    await server.start();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    logger.fatal(startupFatalLine(options.host, options.port, message));
    fileLog?.close();
    early.stop();
    return 1;
  }
  // nats-server AcceptLoop: a random port becomes the bound one in the running options.
  if (options.port <= 0) options.port = server.port;
  const running: Running = {
    server,
    logger,
    fileLog,
    argv0,
    reloader,
    reloading: Promise.resolve(),
  };
  writePorts(running, options.portsFileDir);
  return await waitForSignals(running, early);
}

/** Listener URLs for the ports file (server.go `PortsInfo`). */
export function portsOf(server: Server | ShardedServer): Ports {
  const o = server.options;
  const ifaces = Deno.networkInterfaces();
  // nats-server PortsInfo: `tls://` when clients must use TLS.
  const scheme = o.tls && !o.allowNonTls ? "tls" : "nats";
  const ports: Ports = { nats: listenerUrls(scheme, o.host, server.port, ifaces) };
  if (server.monitorPort > 0) {
    const scheme = server.monitorProtocol || "http";
    ports.monitoring = listenerUrls(scheme, o.httpHost ?? o.host, server.monitorPort, ifaces);
  }
  if (server.websocketPort > 0) {
    const scheme = server.websocketUrl?.startsWith("wss:") ? "wss" : "ws";
    const host = o.websocketConfig?.host || "0.0.0.0";
    ports.websocket = listenerUrls(scheme, host, server.websocketPort, ifaces);
  }
  const clusterPort = server instanceof Server ? server.cluster?.port ?? 0 : server.clusterPort;
  if (clusterPort > 0) {
    const cluster = parseClusterOptions(o.cluster).config;
    // nats-server PortsInfo: `tls://` when the cluster block has TLS.
    const scheme = cluster?.tls ? "tls" : "nats";
    ports.cluster = listenerUrls(scheme, cluster?.host || "0.0.0.0", clusterPort, ifaces);
  }
  return ports;
}

function writePorts(r: Running, dir: string | undefined): void {
  if (!dir) return;
  try {
    writePortsFileSync(dir, r.argv0, Deno.pid, portsOf(r.server));
  } catch (e) {
    const path = `${dir}/${portsFileName(r.argv0, Deno.pid)}`;
    r.logger.error(`Error writing ports file (${path}): ${goPathError("open", path, e)}`);
  }
}

/** server.go deletePortsFile. */
function deletePorts(r: Running, dir: string | undefined): void {
  if (!dir) return;
  const path = `${dir.replace(/\/+$/, "")}/${portsFileName(r.argv0, Deno.pid)}`;
  try {
    Deno.removeSync(path);
  } catch (e) {
    r.logger.error(`Error cleaning up ports file ${path}: ${goPathError("remove", path, e)}`);
  }
}

/**
 * SIGHUP (reload.go `Reload`): re-read the config file, refuse it whole when it is broken or
 * changes an option that cannot change, else apply it. Errors are logged; the old config stays.
 */
async function reload(r: Running): Promise<void> {
  const log = r.logger;
  if (!r.reloader) {
    log.error(
      "Failed to reload server configuration: can only reload config when a file is provided using -c or --config",
    );
    return;
  }
  try {
    const next = await r.reloader();
    await prepareAuth(next);
    const before = r.server.options;
    // reload.go ReloadOptions: a random port (-1) keeps the port the server is bound to.
    if (next.port <= 0) next.port = before.port;
    const leafnodes = r.server instanceof Server ? r.server.leafnodes?.port : undefined;
    if (diffOptions(before, next, { leafnodes }).length > 0) {
      const invalid = validateOptions(next);
      if (invalid) throw new Error(invalid);
    }
    if (next.logFile !== before.logFile) {
      const fileLog = openFileLog(next, log);
      r.fileLog?.close();
      r.fileLog = fileLog;
      log.setSink(fileLog ? fileLog.sink : stderrSink());
    }
    await r.server.reload(next);
    if (next.pidFile !== before.pidFile && next.pidFile) {
      try {
        writePidFileSync(next.pidFile, Deno.pid);
      } catch (e) {
        log.error(`Failed to write pidfile: ${goPathError("open", next.pidFile, e)}`);
      }
    }
    if (next.portsFileDir !== before.portsFileDir) {
      deletePorts(r, before.portsFileDir);
      writePorts(r, next.portsFileDir);
    }
  } catch (e) {
    log.error(`Failed to reload server configuration: ${(e as Error).message}`);
  }
}

/** server.go Shutdown, then what main does after it: the ports file goes, the pid file stays. */
async function stop(r: Running): Promise<void> {
  await r.server.shutdown();
  deletePorts(r, r.server.options.portsFileDir);
  r.fileLog?.close();
}

/** Serves until SIGINT, SIGTERM or the end of lame duck mode; resolves with the exit code. */
/** Signals trapped from the start, so one sent as soon as the server is ready is not lost. */
const TRAPPED: Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2"];

/** Records signals that arrive before the server is running (replayed once it is). */
class EarlySignals {
  readonly seen: Deno.Signal[] = [];
  #handlers: [Deno.Signal, () => void][] = [];

  constructor() {
    for (const sig of TRAPPED) {
      const fn = () => this.seen.push(sig);
      try {
        Deno.addSignalListener(sig, fn);
        this.#handlers.push([sig, fn]);
      } catch {
        // signal not supported on this platform
      }
    }
  }

  /** Stops recording (the real handlers are installed by then). */
  stop(): Deno.Signal[] {
    for (const [sig, fn] of this.#handlers) Deno.removeSignalListener(sig, fn);
    this.#handlers = [];
    return this.seen;
  }
}

function waitForSignals(r: Running, early: EarlySignals): Promise<number> {
  return new Promise((resolve) => {
    const replay: Record<string, () => void> = {};
    const handlers: [Deno.Signal, () => void][] = [];
    let stopping = false;
    const finish = (code: number) => {
      if (stopping) return;
      stopping = true;
      for (const [sig, fn] of handlers) Deno.removeSignalListener(sig, fn);
      stop(r).then(() => resolve(code));
    };
    const on = (sig: Deno.Signal, fn: () => void) => {
      const handler = () => {
        r.logger.debug(`Trapped "${GO_SIGNAL_NAMES[sig]}" signal`);
        fn();
      };
      try {
        Deno.addSignalListener(sig, handler);
        handlers.push([sig, handler]);
        replay[sig] = handler;
      } catch {
        // signal not supported on this platform
      }
    };
    on("SIGINT", () => finish(0));
    on("SIGTERM", () => {
      // nats-server ignores SIGTERM while lame duck mode is finishing.
      if (!r.server.inLameDuckMode) finish(1);
    });
    on("SIGHUP", () => {
      r.reloading = r.reloading.then(() => reload(r));
    });
    on("SIGUSR2", () => {
      if (stopping || r.server.inLameDuckMode) return;
      r.server.enterLameDuckMode().then(() => finish(0));
    });
    on("SIGUSR1", () => {
      if (r.fileLog) {
        r.fileLog.reopen();
        r.logger.notice("File log re-opened");
      } else {
        r.logger.notice("File log re-open ignored, not a file logger");
      }
    });
    for (const sig of early.stop()) replay[sig]?.();
  });
}
