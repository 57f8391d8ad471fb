/**
 * @module
 * nats-server 2.9.10 command-line flags, parsed with Go `flag` package rules (one or two
 * dashes, `-p 4222` / `-p=4222`, bool flags only take `=value`, parsing stops at the first
 * non-flag) and Go's error texts. Returns only the options explicitly set, so they can
 * override a config file (see `merge.ts`). Pure; main isolate.
 */

import type { ServerOptions } from "../options.ts";

/** `-sl <command>[=<pid>]`. */
export interface SignalRequest {
  command: string;
  /** A PID or a path to a PID file (nats-server reads the file when it exists). */
  pid?: string;
}

/**
 * A flag problem. `flag` errors: print `message`, then the usage text, exit 0 (nats-server's
 * usage function exits 0). `command` errors: print `<exe>: message`, exit 1.
 */
export interface FlagError {
  kind: "flag" | "command";
  message: string;
}

/** The result of {@linkcode parseFlags}. Check in order: error, showVersion, showHelp, showTlsHelp, signal. */
export interface ParsedFlags {
  /** Options set explicitly on the command line (nothing else). */
  options: Partial<ServerOptions>;
  configFile?: string;
  testConfig: boolean;
  showVersion: boolean;
  showHelp: boolean;
  showTlsHelp: boolean;
  signal?: SignalRequest;
  /** Flags accepted but not implemented yet, as typed (e.g. `--cluster`, `-js`). */
  unsupported: string[];
  /** Values of the not-yet-supported flags by nats-server flag name, for later features. */
  pending: Record<string, string | number | boolean>;
  /** Arguments after the flags. */
  args: string[];
  error?: FlagError;
}

/** Signal commands nats-server knows (`-sl`). */
export const SIGNAL_COMMANDS: readonly string[] = [
  "stop",
  "quit",
  "reopen",
  "reload",
  "ldm",
  "term",
];

type FlagType = "bool" | "int" | "string";
type FlagValue = string | number | boolean;

interface FlagSpec {
  names: readonly string[];
  type: FlagType;
  /** Writes the value; absent for flags routed to `pending`. */
  apply?: (out: ParsedFlags, value: FlagValue) => void;
}

const set = <K extends keyof ServerOptions>(field: K) => (out: ParsedFlags, value: FlagValue) => {
  (out.options as Record<string, unknown>)[field] = value;
};

/** Every flag of nats-server 2.9.10 `ConfigureOptions`. */
const FLAG_SPECS: readonly FlagSpec[] = [
  { names: ["h", "help"], type: "bool", apply: (out, v) => void (out.showHelp = v as boolean) },
  { names: ["port", "p"], type: "int", apply: set("port") },
  { names: ["n", "name", "server_name"], type: "string", apply: set("serverName") },
  { names: ["addr", "a", "net"], type: "string", apply: set("host") },
  { names: ["client_advertise"], type: "string", apply: set("clientAdvertise") },
  { names: ["D", "debug"], type: "bool", apply: set("debug") },
  { names: ["V", "trace"], type: "bool", apply: set("trace") },
  { names: ["VV"], type: "bool" },
  { names: ["DV"], type: "bool" },
  { names: ["DVV"], type: "bool" },
  { names: ["T", "logtime"], type: "bool", apply: set("logtime") },
  { names: ["user"], type: "string", apply: set("username") },
  { names: ["pass"], type: "string", apply: set("password") },
  { names: ["auth"], type: "string", apply: set("authorizationToken") },
  { names: ["m", "http_port"], type: "int", apply: set("httpPort") },
  { names: ["ms", "https_port"], type: "int", apply: set("httpsPort") },
  {
    names: ["c", "config"],
    type: "string",
    apply: (out, v) => {
      if (v) out.configFile = v as string;
      else delete out.configFile; // `-c ""` means no config, as in nats-server
    },
  },
  { names: ["t"], type: "bool", apply: (out, v) => void (out.testConfig = v as boolean) },
  { names: ["sl", "signal"], type: "string" },
  { names: ["P", "pid"], type: "string", apply: set("pidFile") },
  { names: ["ports_file_dir"], type: "string", apply: set("portsFileDir") },
  { names: ["l", "log"], type: "string", apply: set("logFile") },
  { names: ["log_size_limit"], type: "int", apply: set("logSizeLimit") },
  { names: ["s", "syslog"], type: "bool", apply: set("syslog") },
  { names: ["r", "remote_syslog"], type: "string", apply: set("remoteSyslog") },
  {
    names: ["version", "v"],
    type: "bool",
    apply: (out, v) => void (out.showVersion = v as boolean),
  },
  { names: ["profile"], type: "int" },
  { names: ["routes"], type: "string" },
  { names: ["cluster", "cluster_listen"], type: "string" },
  { names: ["cluster_advertise"], type: "string" },
  { names: ["no_advertise"], type: "bool" },
  { names: ["connect_retries"], type: "int" },
  { names: ["cluster_name"], type: "string" },
  {
    names: ["help_tls"],
    type: "bool",
    apply: (out, v) => void (out.showTlsHelp = v as boolean),
  },
  { names: ["tls"], type: "bool" },
  { names: ["tlsverify"], type: "bool" },
  { names: ["tlscert"], type: "string" },
  { names: ["tlskey"], type: "string" },
  { names: ["tlscacert"], type: "string" },
  { names: ["max_traced_msg_len"], type: "int", apply: set("maxTracedMsgLen") },
  // denats extension: number of shard workers.
  { names: ["shards"], type: "int", apply: set("shards") },
  { names: ["js", "jetstream"], type: "bool" },
  { names: ["sd", "store_dir"], type: "string" },
];

/** Flags that only record their value in `pending` (features of later issues). */
const PENDING = new Set([
  "profile",
  "routes",
  "cluster",
  "cluster_listen",
  "cluster_advertise",
  "no_advertise",
  "connect_retries",
  "cluster_name",
  "tls",
  "tlsverify",
  "tlscert",
  "tlskey",
  "tlscacert",
  "js",
  "jetstream",
  "sd",
  "store_dir",
]);

/**
 * Pending flags another part applies itself (cluster flags: server/links/route/cluster_options.ts;
 * TLS flags: server/transport/tls_options.ts tlsSectionFromFlags).
 */
const WIRED_PENDING = new Set([
  "js",
  "sd",
  "tls",
  "tlsverify",
  "tlscert",
  "tlskey",
  "tlscacert",
  "routes",
  "cluster",
  "cluster_advertise",
  "no_advertise",
  "connect_retries",
  "cluster_name",
]);

const FLAGS = new Map(FLAG_SPECS.flatMap((spec) => spec.names.map((name) => [name, spec])));

/** Go `strconv.ParseBool`. */
function parseGoBool(text: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return undefined;
}

/** Go `strconv.ParseInt(text, 0, 64)`; a string is Go's error text. */
function parseGoInt(text: string): number | string {
  const match =
    /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/
      .exec(text);
  if (!match) return "parse error";
  let digits = match[2].replaceAll("_", "").toLowerCase();
  if (/^0[0-7]+$/.test(digits)) digits = "0o" + digits.slice(1);
  let value = BigInt(digits);
  if (match[1] === "-") value = -value;
  if (value > (1n << 63n) - 1n || value < -(1n << 63n)) return "value out of range";
  return Number(value);
}

const quote = (text: string): string => JSON.stringify(text);

/**
 * Parses nats-server command-line arguments (without the program name).
 *
 * @example
 * ```ts
 * import { parseFlags } from "./flags.ts";
 * const parsed = parseFlags(["-p", "4333", "--debug", "-c=nats.conf"]);
 * parsed.options; // { port: 4333, debug: true }
 * parsed.configFile; // "nats.conf"
 * ```
 */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const out: ParsedFlags = {
    options: {},
    testConfig: false,
    showVersion: false,
    showHelp: false,
    showTlsHelp: false,
    unsupported: [],
    pending: {},
    args: [],
  };
  const seen = new Map<string, FlagValue>();
  let signal: string | undefined;
  let rest = [...argv];
  while (rest.length > 0) {
    const arg = rest[0];
    if (arg.length < 2 || arg[0] !== "-") break;
    let dashes = 1;
    if (arg[1] === "-") {
      dashes = 2;
      if (arg.length === 2) {
        rest = rest.slice(1);
        break;
      }
    }
    let name = arg.slice(dashes);
    if (name.length === 0 || name[0] === "-" || name[0] === "=") {
      out.error = { kind: "flag", message: `bad flag syntax: ${arg}` };
      return out;
    }
    rest = rest.slice(1);
    let value: string | undefined;
    const equals = name.indexOf("=", 1);
    if (equals > 0) {
      value = name.slice(equals + 1);
      name = name.slice(0, equals);
    }
    const spec = FLAGS.get(name);
    if (!spec) {
      out.error = { kind: "flag", message: `flag provided but not defined: -${name}` };
      return out;
    }
    let parsed: FlagValue;
    if (spec.type === "bool") {
      const bool = parseGoBool(value ?? "true");
      if (bool === undefined) {
        out.error = {
          kind: "flag",
          message: `invalid boolean value ${quote(value!)} for -${name}: parse error`,
        };
        return out;
      }
      parsed = bool;
    } else {
      if (value === undefined) {
        if (rest.length === 0) {
          out.error = { kind: "flag", message: `flag needs an argument: -${name}` };
          return out;
        }
        value = rest[0];
        rest = rest.slice(1);
      }
      if (spec.type === "int") {
        const number = parseGoInt(value);
        if (typeof number === "string") {
          out.error = {
            kind: "flag",
            message: `invalid value ${quote(value)} for flag -${name}: ${number}`,
          };
          return out;
        }
        parsed = number;
      } else parsed = value;
    }
    seen.set(name, parsed);
    if (name === "sl" || name === "signal") signal = parsed as string;
    spec.apply?.(out, parsed);
    if (PENDING.has(name)) {
      out.pending[spec.names[0]] = parsed;
      const typed = "-".repeat(dashes) + name;
      const wired = WIRED_PENDING.has(spec.names[0]);
      if (!wired && !out.unsupported.includes(typed)) out.unsupported.push(typed);
    }
  }
  out.args = rest;
  applyCombinedLogFlags(out.options, seen);
  resolveActions(out, signal);
  return out;
}

/** `-DV`, `-DVV`, `-VV` win over `-D`/`-V`, applied in that (flag-name) order like nats-server. */
function applyCombinedLogFlags(options: Partial<ServerOptions>, seen: Map<string, FlagValue>) {
  const dv = seen.get("DV");
  if (dv !== undefined) options.debug = options.trace = dv as boolean;
  const dvv = seen.get("DVV");
  if (dvv !== undefined) options.debug = options.trace = options.traceVerbose = dvv as boolean;
  const vv = seen.get("VV");
  if (vv !== undefined) options.trace = options.traceVerbose = vv as boolean;
}

/** Sub-commands, `-sl` and `-t` checks, in nats-server ConfigureOptions order. */
function resolveActions(out: ParsedFlags, signal: string | undefined): void {
  if (out.showVersion || out.showHelp || out.showTlsHelp) return;
  if (out.args.length > 0) {
    const command = out.args[0];
    if (command.toLowerCase() === "version") out.showVersion = true;
    else if (command.toLowerCase() === "help") out.showHelp = true;
    else out.error = { kind: "command", message: `unrecognized command: ${quote(command)}` };
    return;
  }
  if (signal) {
    const parts = signal.split("=");
    if (parts.length > 2) {
      out.error = {
        kind: "command",
        message: `invalid signal parameters: [${parts.slice(2).join(" ")}]`,
      };
      return;
    }
    out.signal = parts.length === 2 ? { command: parts[0], pid: parts[1] } : { command: parts[0] };
    return;
  }
  if (out.testConfig && !out.configFile) {
    out.error = {
      kind: "command",
      message: "must specify [-c, --config] option to check configuration file syntax",
    };
  }
}
