/**
 * @module
 * The `nats-server` command line (nats-server main.go, opts.go ConfigureOptions): flags, config
 * file, `-t`, `-v`, `-h`, `--signal`, option validation, then {@link serve} for a running
 * server (pid/ports files, logging, signals: see `serve.ts`). Main isolate.
 */
import { tlsSectionFromFlags } from "../transport/tls_options.ts";
import {
  formatConfigFailure,
  formatIssues,
  loadConfigFile,
  mergeOptions,
  parseFlags,
} from "../config/mod.ts";
import { tlsHelpText, usageText } from "../config/usage.ts";
import { denatsUsageText } from "./denats_usage.ts";
import type { ConfigResult } from "../config/normalize.ts";
import { defaultOptions, type ServerOptions } from "../options.ts";
import { SERVER_VERSION } from "../version.ts";
import { type Reloader, serve } from "./serve.ts";
import { sendSignalCommand, SignalCommandError } from "./signal_cmd.ts";
import { validateOptions } from "./validate.ts";
import { applyClusterFlags } from "../links/route/cluster_options.ts";
import { applyJetStreamFlags } from "../config/jetstream_block.ts";
import { resolveLinkConfigs } from "../config/link_configs.ts";

/** nats-server prints its messages under this name, whatever the binary is called. */
const EXE = "nats-server";

function out(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text));
}

function err(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text));
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
    // nats-server's text byte for byte, then denats' own flags after it.
    out(`${usageText(EXE)}\n${denatsUsageText}`);
    return 0;
  }
  if (flags.showTlsHelp) {
    out(tlsHelpText);
    return 0;
  }
  if (flags.signal) {
    try {
      await sendSignalCommand(flags.signal.command, flags.signal.pid, EXE);
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
    // nats-server main.go prints this on stderr.
    err(`${EXE}: configuration file ${flags.configFile} is valid\n`);
    return 0;
  }
  const linkProblem = applyLinkFlags(fileResult.options, flags.pending);
  if (linkProblem) {
    err(`${EXE}: ${linkProblem}\n`);
    return 1;
  }
  // The --tls* flags go over the file's tls block (nats-server overrideTLS).
  const tlsFlags = tlsSectionFromFlags(flags.pending);
  if (tlsFlags.error) {
    err(`${EXE}: ${tlsFlags.error}\n`);
    return 1;
  }
  applyTlsFlags(fileResult.options, tlsFlags);
  const options = cliOptions(fileResult.options, flags.options, flags.configFile);
  const invalid = validateOptions(options);
  if (invalid) {
    err(`${EXE}: ${invalid}\n`);
    return 1;
  }
  const reloader = flags.configFile
    ? makeReloader(flags.configFile, flags.options, flags.pending)
    : null;
  return await serve(options, argv0, flags.unsupported, reloader);
}

/**
 * The cluster and JetStream flags over the file's options, ending in the typed blocks:
 * nats-server overrideCluster (`--cluster`, `--routes`, `--cluster_name`... go over the file's
 * cluster block, which is then typed again with the file's rules) and MergeOptions (`-js`,
 * `-sd`). Returns nats-server's error text, or null.
 */
function applyLinkFlags(
  options: Partial<ServerOptions>,
  pending: Record<string, string | number | boolean>,
): string | null {
  const cluster = applyClusterFlags(options.cluster, pending);
  if (typeof cluster === "string") return cluster;
  if (cluster !== options.cluster) {
    options.cluster = cluster;
    delete options.clusterConfig;
  }
  if (typeof pending.sd === "string" && pending.sd !== "") options.storeDir = pending.sd;
  options.jetstreamConfig = applyJetStreamFlags(options.jetstreamConfig, options.storeDir, pending);
  if (options.jetstreamConfig === undefined) delete options.jetstreamConfig;
  return resolveLinkConfigs(options)[0] ?? null;
}

/** Applies `--tls*` flags: a tls block replaces the file's, `-tls=false` removes it. */
function applyTlsFlags(
  options: Partial<ServerOptions>,
  flags: ReturnType<typeof tlsSectionFromFlags>,
): void {
  if (flags.tls === null) delete options.tls;
  else if (flags.tls) options.tls = flags.tls;
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

function makeReloader(
  configFile: string,
  flagOpts: Partial<ServerOptions>,
  pending: Record<string, string | number | boolean>,
): Reloader {
  return async () => {
    const result = await loadConfigFile(configFile);
    if (result.errors.length > 0) throw new Error(formatConfigFailure(result).trimEnd());
    applyLinkFlags(result.options, pending);
    applyTlsFlags(result.options, tlsSectionFromFlags(pending));
    return cliOptions(result.options, flagOpts, configFile);
  };
}
