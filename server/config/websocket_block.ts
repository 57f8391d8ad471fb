/**
 * @module
 * The `websocket {}` block (alias `ws`; nats-server 2.9.10 opts.go `parseWebsocket`,
 * `parseSimpleAuth`, `parseStringArray`), validated key by key into the
 * {@link WebSocketSettings} the WebSocket transport uses. parseWebsocket recovers its panics:
 * a failed type assertion is reported at the value and ends the block. Pure; main isolate.
 */
import type { RawSection } from "../options.ts";
import type { WebSocketSettings } from "../transport/ws_options.ts";
import {
  custom,
  field,
  FieldTable,
  parseListenValue,
  parseTlsBlock,
  stopBlock,
} from "./block_spec.ts";
import { DurationError, nanosToMs, parseGoDuration } from "./duration.ts";
import {
  asBool,
  asInt,
  asMap,
  asString,
  type NormalizeContext,
  recoverPanic,
} from "./normalize_context.ts";
import { type ConfNode, goTypeName, toPlain } from "./tree.ts";

const AUTH = new FieldTable<WebSocketSettings>([
  field(["user", "username"], asString, (s, v) => (s.username = v)),
  field(["pass", "password"], asString, (s, v) => (s.password = v)),
  field(["token"], asString, (s, v) => (s.token = v)),
  custom(["timeout"], (node, _ctx, s) => {
    s.authTimeout = node.kind === "integer" || node.kind === "float" ? node.value : 1;
  }),
]);

/** nats-server parseStringArray: a string or a list of strings. */
function stringArray(node: ConfNode, ctx: NormalizeContext, what: string): string[] {
  if (node.kind === "string") return [node.value];
  if (node.kind !== "array") {
    ctx.error(node, `error parsing ${what}: unsupported type ${goTypeName(node)}`);
    return [];
  }
  const out: string[] = [];
  for (const entry of node.value) {
    if (entry.kind === "string") out.push(entry.value);
    else ctx.error(entry, `error parsing ${what}: unsupported type in array ${goTypeName(entry)}`);
  }
  return out;
}

const WEBSOCKET = new FieldTable<WebSocketSettings>([
  custom(["listen"], (node, ctx, s) => {
    const hp = parseListenValue(node, ctx, "listen");
    if (hp) [s.host, s.port] = [hp.host, hp.port];
  }),
  field(["port"], asInt, (s, v) => (s.port = v)),
  field(["host", "net"], asString, (s, v) => (s.host = v)),
  field(["advertise"], asString, (s, v) => (s.advertise = v)),
  field(["no_tls"], asBool, (s, v) => (s.noTls = v)),
  custom(["tls"], (node, ctx, s) => {
    const tls = parseTlsBlock(node, ctx);
    if (tls) s.tls = tls;
  }),
  field(["same_origin"], asBool, (s, v) => (s.sameOrigin = v)),
  custom(
    ["allowed_origins", "allowed_origin", "allow_origins", "allow_origin", "origins", "origin"],
    (node, ctx, s) => (s.allowedOrigins = stringArray(node, ctx, "allowed origins")),
  ),
  custom(["handshake_timeout"], (node, ctx, s) => {
    if (node.kind === "integer") s.handshakeTimeoutMs = node.value * 1000;
    else if (node.kind === "string") {
      try {
        s.handshakeTimeoutMs = nanosToMs(parseGoDuration(node.value));
      } catch (err) {
        if (!(err instanceof DurationError)) throw err;
        ctx.error(node, err.message);
      }
    } else {
      ctx.error(node, `error parsing handshake timeout: unsupported type ${goTypeName(node)}`);
      s.handshakeTimeoutMs = 0;
    }
  }),
  field(["compress", "compression"], asBool, (s, v) => (s.compression = v)),
  custom(["authorization", "authentication"], (node, ctx, s) => {
    if (recoverPanic(ctx, () => AUTH.walk(asMap(node), ctx, s)) === undefined) {
      // parseSimpleAuth recovers, returns nil, and parseWebsocket dereferences it.
      ctx.error(node, "runtime error: invalid memory address or nil pointer dereference");
      stopBlock();
    }
  }),
  field(["jwt_cookie"], asString, (s, v) => (s.jwtCookie = v)),
  field(["no_auth_user"], asString, (s, v) => (s.noAuthUser = v)),
]);

/** An empty websocket block (nats-server zero values). */
export function defaultWebSocketSettings(): WebSocketSettings {
  return {
    host: "",
    port: 0,
    noTls: false,
    tls: null,
    sameOrigin: false,
    allowedOrigins: [],
    handshakeTimeoutMs: 0,
    compression: false,
    authTimeout: 0,
  };
}

/**
 * `websocket` / `ws`: sets `websocketConfig` (typed; on when its port is not 0; an empty host
 * means all interfaces, `0.0.0.0`) and `websocket` (raw).
 *
 * @example
 * ```ts
 * import { parseConfigText } from "./normalize.ts";
 * const r = parseConfigText("websocket { port: 8080, no_tls: true }", { file: "a.conf" });
 * r.options.websocketConfig?.host; // "0.0.0.0"
 * ```
 */
export function applyWebSocket(node: ConfNode, ctx: NormalizeContext): void {
  if (node.kind !== "map") {
    ctx.error(node, `Expected websocket to be a map, got ${goTypeName(node)}`);
    return;
  }
  const settings = defaultWebSocketSettings();
  recoverPanic(ctx, () => WEBSOCKET.walk(node, ctx, settings));
  ctx.options.websocket = toPlain(node) as RawSection;
  if (settings.host === "") settings.host = "0.0.0.0";
  ctx.options.websocketConfig = settings;
}
