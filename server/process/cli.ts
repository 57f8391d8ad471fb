/**
 * @module
 * The `nats-server` command line: flags, config file, `-t`, `-v`, `-h`, `--signal`, then a
 * running server with its pid and ports files, log destination and process signals
 * (nats-server main.go, server/signal.go). Main isolate.
 */
import {
  formatConfigFailure,
  formatIssues,
  loadConfigFile,
  mergeOptions,
  parseFlags,
} from "../config/mod.ts";
import { tlsHelpText, usageText } from "../config/usage.ts";
import type { ConfigResult } from "../config/normalize.ts";
import { Logger } from "../log/logger.ts";
import { FileLog, stderrSink } from "../log/file_sink.ts";
import { defaultOptions, type ServerOptions } from "../options.ts";
import { Server } from "../server.ts";
import { prepareAuth } from "../accounts/bcrypt.ts";
import { SERVER_VERSION } from "../version.ts";
import {
  listenerUrls,
  type Ports,
  removeFileQuietly,
  writePidFile,
  writePortsFile,
} from "./ports_file.ts";
import { sendSignalCommand, SignalCommandError } from "./signal_cmd.ts";

/** nats-server prints its messages under this name, whatever the binary is called. */
const EXE = "nats-server";

function out(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text));
}

function err(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text));
}

/** What the running CLI server needs to stop cleanly. */
interface Running {
  server: Server;
  fileLog: FileLog | null;
  portsFile: string | null;
  pidFile: string | undefined;
  argv0: string;
  reloader: Reloader | null;
}

/**
 * Runs the command line. Resolves with the process exit code once the server has stopped
 * (or at once for `-v`, `-h`, `-t`, `--signal` and errors).
 * `argv0` names the ports file (`<basename(argv0)>_<pid>.ports`), as nats-server does.
 */
export async function runCli(args: string[], argv0: string): Promise<number> {
  const flags = parseFlags(args);
  if (flags.error) {
    if (flags.error.kind === "flag") {
      err(`${flags.error.message}\n`);
      out(`${usageText(EXE)}\n`);
      return 0;
    }
    err(`${EXE}: ${flags.error.message}\n`);
    return 1;
  }
  if (flags.showVersion) {
    out(`${EXE}: v${SERVER_VERSION}\n`);
    return 0;
  }
  if (flags.showHelp) {
    out(`${usageText(EXE)}\n`);
    return 0;
  }
  if (flags.showTlsHelp) {
    out(tlsHelpText);
    return 0;
  }
  if (flags.signal) {
    const arg = flags.signal.pid
      ? `${flags.signal.command}=${flags.signal.pid}`
      : flags.signal.command;
    try {
      await sendSignalCommand(arg, EXE);
      return 0;
    } catch (e) {
      if (!(e instanceof SignalCommandError)) throw e;
      err(`${EXE}: ${e.message}\n`);
      return 1;
    }
  }
  let fileResult: ConfigResult = { options: {}, errors: [], warnings: [] };
  if (flags.configFile) {
    fileResult = await loadConfigFile(flags.configFile);
    const fails = fileResult.errors.length > 0 ||
      (flags.testConfig && fileResult.warnings.length > 0);
    if (fails) {
      err(`${EXE}: ${formatConfigFailure(fileResult)}\n`);
      return 1;
    }
    if (fileResult.warnings.length > 0) err(formatIssues(fileResult));
  }
  if (flags.testConfig) {
    if (!flags.configFile) {
      err(`${EXE}: must specify [-c, --config] option to check configuration file syntax\n`);
      return 1;
    }
    out(`${EXE}: configuration file ${flags.configFile} is valid\n`);
    return 0;
  }
  const options = cliOptions(fileResult.options, flags.options, flags.configFile);
  const reloader = flags.configFile ? makeReloader(flags.configFile, flags.options) : null;
  return await serve(options, argv0, flags.unsupported, reloader);
}

/** nats-server's option assembly for the CLI: file, then flags, then baseline defaults. */
function cliOptions(
  file: Partial<ServerOptions>,
  flags: Partial<ServerOptions>,
  configFile: string | undefined,
): ServerOptions {
  const options = mergeOptions(defaultOptions(), file, flags);
  // nats-server setBaselineOptions: port 0 means the default port; only -1 is random.
  if (options.port === 0) options.port = 4222;
  if (configFile) options.configFile = configFile;
  return options;
}

/** Re-reads the config file and re-applies the command-line flags (SIGHUP). */
type Reloader = () => Promise<ServerOptions>;

function makeReloader(configFile: string, flagOpts: Partial<ServerOptions>): Reloader {
  return async () => {
    const result = await loadConfigFile(configFile);
    if (result.errors.length > 0) throw new Error(formatConfigFailure(result).trimEnd());
    return cliOptions(result.options, flagOpts, configFile);
  };
}

function makeLogger(options: ServerOptions): { logger: Logger; fileLog: FileLog | null } {
  const fileLog = options.logFile ? new FileLog(options.logFile, options.logSizeLimit) : null;
  const logger = new Logger(fileLog ? fileLog.sink : stderrSink(), {
    pid: Deno.pid,
    debug: options.debug,
    trace: options.trace,
    logtime: options.logtime,
    logtimeUTC: options.logtimeUTC,
  });
  return { logger, fileLog };
}

async function serve(
  options: ServerOptions,
  argv0: string,
  unsupported: string[],
  reloader: Reloader | null,
): Promise<number> {
  await prepareAuth(options);
  const { logger, fileLog } = makeLogger(options);
  for (const flag of unsupported) {
    logger.warn(`Flag ${flag} is not supported by denats yet; ignored`);
  }
  const server = new Server(options, logger);
  try {
    server.start();
  } catch (e) {
    const o = options;
    const reason = e instanceof Deno.errors.AddrInUse
      ? `listen tcp ${o.host}:${o.port}: bind: address already in use`
      : (e as Error).message;
    logger.fatal(`Error listening on port: ${o.host}:${o.port}, ${JSON.stringify(reason)}`);
    fileLog?.close();
    return 1;
  }
  const running: Running = {
    server,
    fileLog,
    portsFile: null,
    pidFile: options.pidFile,
    argv0,
    reloader,
  };
  if (options.pidFile) {
    try {
      await writePidFile(options.pidFile, Deno.pid);
    } catch (e) {
      logger.fatal(`Could not write pidfile: ${(e as Error).message}`);
      await stop(running);
      return 1;
    }
  }
  if (options.portsFileDir) {
    try {
      running.portsFile = await writePortsFile(
        options.portsFileDir,
        argv0,
        Deno.pid,
        portsOf(server),
      );
    } catch (e) {
      logger.error(`Error writing ports file: ${(e as Error).message}`);
    }
  }
  return await waitForSignals(running);
}

/** Listener URLs for the ports file. */
export function portsOf(server: Server): Ports {
  const o = server.options;
  const ifaces = Deno.networkInterfaces();
  const ports: Ports = { nats: listenerUrls("nats", o.host, server.port, ifaces) };
  const monitorPort = (server as unknown as { monitorPort?: number }).monitorPort;
  if (monitorPort) {
    ports.monitoring = listenerUrls("http", o.httpHost ?? o.host, monitorPort, ifaces);
  }
  return ports;
}

/** SIGHUP: reload the config file; a bad one is logged and the running config kept. */
async function reload(r: Running): Promise<void> {
  const log = r.server.logger;
  if (!r.reloader) {
    log.error(
      "Failed to reload server configuration: can only reload config when a file is provided using -c or --config",
    );
    return;
  }
  let next: ServerOptions;
  try {
    next = await r.reloader();
    await prepareAuth(next);
    const before = r.server.options;
    r.server.reload(next);
    if (next.logFile !== before.logFile || next.logSizeLimit !== before.logSizeLimit) {
      r.fileLog?.close();
      r.fileLog = next.logFile ? new FileLog(next.logFile, next.logSizeLimit) : null;
      log.setSink(r.fileLog ? r.fileLog.sink : stderrSink());
    }
    if (next.pidFile !== before.pidFile && next.pidFile) {
      removeFileQuietly(r.pidFile);
      r.pidFile = next.pidFile;
      writePidFile(next.pidFile, Deno.pid).catch((e) => log.error(`Could not write pidfile: ${e}`));
    }
    if (next.portsFileDir !== before.portsFileDir) {
      removeFileQuietly(r.portsFile ?? undefined);
      r.portsFile = null;
      if (next.portsFileDir) {
        writePortsFile(next.portsFileDir, r.argv0, Deno.pid, portsOf(r.server))
          .then((p) => (r.portsFile = p))
          .catch((e) => log.error(`Error writing ports file: ${e}`));
      }
    }
  } catch (e) {
    log.error(`Failed to reload server configuration: ${(e as Error).message}`);
  }
}

async function stop(r: Running): Promise<void> {
  await r.server.shutdown();
  removeFileQuietly(r.portsFile ?? undefined);
  removeFileQuietly(r.pidFile);
  r.fileLog?.close();
}

/** Serves until SIGINT/SIGTERM; SIGUSR1 reopens the log file. */
function waitForSignals(r: Running): Promise<number> {
  return new Promise((resolve) => {
    const handlers: [Deno.Signal, () => void][] = [];
    const on = (sig: Deno.Signal, fn: () => void) => {
      try {
        Deno.addSignalListener(sig, fn);
        handlers.push([sig, fn]);
      } catch {
        // signal not supported on this platform
      }
    };
    let stopping = false;
    const shutdown = () => {
      if (stopping) return;
      stopping = true;
      for (const [sig, fn] of handlers) Deno.removeSignalListener(sig, fn);
      stop(r).then(() => resolve(0));
    };
    on("SIGINT", shutdown);
    on("SIGTERM", () => {
      // nats-server ignores SIGTERM while lame duck mode is finishing.
      if (!r.server.inLameDuckMode) shutdown();
    });
    on("SIGHUP", () => reload(r));
    on("SIGUSR2", () => {
      if (stopping || r.server.inLameDuckMode) return;
      r.server.enterLameDuckMode().then(() => {
        stopping = true;
        for (const [sig, fn] of handlers) Deno.removeSignalListener(sig, fn);
        stop(r).then(() => resolve(0));
      });
    });
    on("SIGUSR1", () => {
      if (r.fileLog) {
        r.fileLog.reopen();
        r.server.logger.notice("File log re-opened");
      } else {
        r.server.logger.notice("File log re-open ignored, not a file logger");
      }
    });
  });
}
