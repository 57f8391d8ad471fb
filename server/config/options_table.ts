/**
 * @module
 * The one table of top-level config options: each spec names the key and its aliases (as in
 * nats-server 2.9.10 `processConfigFileLine`), the value parser, and where the value lands in
 * ServerOptions. Only this table and the block parsers it calls know option names.
 * Pure; main isolate.
 */

import type { ServerOptions } from "../options.ts";
import { applyAuthorization } from "./auth_options.ts";
import { DurationError, formatGoDuration, nanosToMs, parseGoDuration } from "./duration.ts";
import { asBool, asInt, asString, type NormalizeContext } from "./normalize_context.ts";
import {
  applyAccounts,
  applyDefaultJsDomain,
  applyMappings,
  applyOcsp,
  applyOperators,
  applyPinnedAccounts,
  applyResolver,
  applyResolverPreload,
  applyServerTags,
  applyTrusted,
  mapSection,
  tlsSection,
} from "./section_options.ts";
import { applyCluster } from "./cluster_block.ts";
import { applyGateway } from "./gateway_block.ts";
import { applyJetStream, applyStoreDir } from "./jetstream_block.ts";
import { applyLeafNodes } from "./leafnode_block.ts";
import { listen } from "./listen.ts";
import { applyWebSocket } from "./websocket_block.ts";
import type { ConfNode } from "./tree.ts";

/** One top-level option: its names and what to do with its value. */
export interface OptionSpec {
  /** Lower-case key and aliases; matching is case-insensitive, as in nats-server. */
  names: readonly string[];
  /** Parses the value and writes ServerOptions fields; `key` is the key as written. */
  apply: (node: ConfNode, ctx: NormalizeContext, key: string) => void;
}

/** Parses a value; returns undefined after reporting a problem. */
type ValueParser<T> = (node: ConfNode, ctx: NormalizeContext, key: string) => T | undefined;

type Target<T> = keyof ServerOptions | ((options: Partial<ServerOptions>, value: T) => void);

/** Builds a spec from a parser and a target field (or setter). */
function option<T>(names: string[], parse: ValueParser<T>, target: Target<T>): OptionSpec {
  return {
    names,
    apply(node, ctx, key) {
      const value = parse(node, ctx, key);
      if (value === undefined) return;
      if (typeof target === "function") target(ctx.options, value);
      else (ctx.options as Record<string, unknown>)[target] = value;
    },
  };
}

const str: ValueParser<string> = (node) => asString(node);
const int: ValueParser<number> = (node) => asInt(node);
const bool: ValueParser<boolean> = (node) => asBool(node);

/** An int32 limit (`max_payload`, `max_control_line`). */
const int32: ValueParser<number> = (node, ctx, key) => {
  const value = asInt(node);
  if (value > 2 ** 31 - 1) {
    ctx.error(node, `${key} value is too big`);
    return undefined;
  }
  return value;
};

const subTokens: ValueParser<number> = (node, ctx, key) => {
  const value = asInt(node);
  if (value > 255) ctx.error(node, `${key} value is too big`);
  else if (value <= 0) ctx.error(node, `${key} value can not be negative`);
  else return value;
  return undefined;
};

/**
 * A duration string (`"2s"`), or a number of seconds (accepted with a warning), as
 * nats-server `parseDuration`; returns milliseconds.
 */
function duration(field: string): ValueParser<number> {
  return (node, ctx) => {
    if (node.kind === "string") {
      try {
        return nanosToMs(parseGoDuration(node.value));
      } catch (err) {
        if (!(err instanceof DurationError)) throw err;
        ctx.error(node, `error parsing ${field}: ${err.message}`);
        return undefined;
      }
    }
    ctx.warning(node, field, `${field} should be converted to a duration`);
    return asInt(node) * 1000;
  };
}

/** `lame_duck_*`: a duration string only, with a lower bound. */
function strictDuration(field: string, check: (nanos: bigint) => string | undefined) {
  return ((node, ctx) => {
    let nanos: bigint;
    try {
      nanos = parseGoDuration(asString(node));
    } catch (err) {
      if (!(err instanceof DurationError)) throw err;
      ctx.error(node, `error parsing ${field}: ${err.message}`);
      return undefined;
    }
    const problem = check(nanos);
    if (problem) {
      ctx.error(node, problem);
      return undefined;
    }
    return nanosToMs(nanos);
  }) as ValueParser<number>;
}

/** Sets a host only when one was given (nats-server fills empty hosts with defaults). */
function setHost(options: Partial<ServerOptions>, field: "host" | "httpHost", host: string) {
  if (host !== "") options[field] = host;
  else delete options[field];
}

const ignore: OptionSpec["apply"] = () => {};

/** Every top-level option nats-server 2.9.10 accepts. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  option(["listen"], listen, (o, hp) => {
    setHost(o, "host", hp.host);
    o.port = hp.port;
  }),
  option(["client_advertise"], str, "clientAdvertise"),
  option(["port"], int, "port"),
  option(["server_name"], str, "serverName"),
  option(["host", "net"], str, "host"),
  option(["debug"], bool, "debug"),
  option(["trace"], bool, "trace"),
  option(["trace_verbose"], bool, (o, on) => {
    o.traceVerbose = on;
    o.trace = on;
  }),
  option(["logtime"], bool, "logtime"),
  { names: ["mappings", "maps"], apply: applyMappings },
  option(["disable_sublist_cache", "no_sublist_cache"], bool, "noSublistCache"),
  { names: ["accounts"], apply: applyAccounts },
  { names: ["authorization"], apply: applyAuthorization },
  option(["http"], listen, (o, hp) => {
    setHost(o, "httpHost", hp.host);
    o.httpPort = hp.port;
  }),
  option(["https"], listen, (o, hp) => {
    setHost(o, "httpHost", hp.host);
    o.httpsPort = hp.port;
  }),
  option(["http_port", "monitor_port"], int, "httpPort"),
  option(["https_port"], int, "httpsPort"),
  option(["http_base_path"], str, "httpBasePath"),
  { names: ["cluster"], apply: applyCluster },
  { names: ["gateway"], apply: applyGateway },
  { names: ["leaf", "leafnodes"], apply: applyLeafNodes },
  { names: ["store_dir", "storedir"], apply: applyStoreDir },
  { names: ["jetstream"], apply: applyJetStream },
  option(["logfile", "log_file"], str, "logFile"),
  option(["logfile_size_limit", "log_size_limit"], int, "logSizeLimit"),
  option(["syslog"], bool, "syslog"),
  option(["remote_syslog"], str, "remoteSyslog"),
  option(["pidfile", "pid_file"], str, "pidFile"),
  option(["ports_file_dir"], str, "portsFileDir"),
  option(["prof_port"], int, "profPort"),
  option(["max_control_line"], int32, "maxControlLine"),
  option(["max_payload"], int32, "maxPayload"),
  option(["max_pending"], int, "maxPending"),
  option(["max_connections", "max_conn"], int, "maxConnections"),
  option(["max_traced_msg_len"], int, "maxTracedMsgLen"),
  // denats extension: shard workers sharing the client port (not a nats-server option).
  option(["shards"], int, "shards"),
  option(["max_subscriptions", "max_subs"], int, "maxSubscriptions"),
  option(["max_sub_tokens", "max_subscription_tokens"], subTokens, "maxSubTokens"),
  option(["ping_interval"], duration("ping_interval"), "pingIntervalMs"),
  option(["ping_max"], int, "pingMax"),
  { names: ["tls"], apply: tlsSection("tls") },
  { names: ["ocsp"], apply: applyOcsp },
  option(["allow_non_tls"], bool, "allowNonTls"),
  option(["write_deadline"], duration("write_deadline"), "writeDeadlineMs"),
  option(
    ["lame_duck_duration"],
    strictDuration(
      "lame_duck_duration",
      (nanos) =>
        nanos < 30_000_000_000n
          ? `invalid lame_duck_duration of ${formatGoDuration(nanos)}, minimum is 30 seconds`
          : undefined,
    ),
    "lameDuckDurationMs",
  ),
  option(
    ["lame_duck_grace_period"],
    strictDuration(
      "lame_duck_grace_period",
      (nanos) => nanos < 0n ? "invalid lame_duck_grace_period, needs to be positive" : undefined,
    ),
    "lameDuckGracePeriodMs",
  ),
  {
    names: ["operator", "operators", "roots", "root", "root_operators", "root_operator"],
    apply: applyOperators,
  },
  { names: ["resolver", "account_resolver", "accounts_resolver"], apply: applyResolver },
  { names: ["resolver_tls"], apply: tlsSection("resolverTls") },
  { names: ["resolver_preload"], apply: applyResolverPreload },
  { names: ["resolver_pinned_accounts"], apply: applyPinnedAccounts },
  option(["no_auth_user"], str, "noAuthUser"),
  // Read before everything else (see configureSystemAccount); skipped here.
  { names: ["system_account", "system"], apply: ignore },
  option(["no_system_account", "no_system", "no_sys_acc"], bool, "noSystemAccount"),
  option(["no_header_support"], bool, "noHeaderSupport"),
  { names: ["trusted", "trusted_keys"], apply: applyTrusted },
  option(["connect_error_reports"], int, "connectErrorReports"),
  option(["reconnect_error_reports"], int, "reconnectErrorReports"),
  { names: ["websocket", "ws"], apply: applyWebSocket },
  {
    names: ["mqtt"],
    apply: mapSection("mqtt", (type) => `Expected mqtt to be a map, got ${type}`),
  },
  { names: ["server_tags"], apply: applyServerTags },
  { names: ["default_js_domain"], apply: applyDefaultJsDomain },
];

/** Spec by lower-case name (aliases included). */
export const OPTIONS_BY_NAME: ReadonlyMap<string, OptionSpec> = new Map(
  OPTION_SPECS.flatMap((spec) => spec.names.map((name) => [name, spec] as const)),
);
