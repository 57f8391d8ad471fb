/**
 * @module
 * The `websocket {}` block as denats uses it: normalized settings and nats-server 2.9.10's
 * checks with their texts (opts.go parseWebsocket, websocket.go validateWebsocketOptions), and
 * the auth options WebSocket clients authenticate with (websocket.go wsConfigAuth, auth.go
 * processClientOrLeafAuthentication: the block's `authorization`/`no_auth_user` override the
 * top-level ones). PURE: no Deno, node, files or timers.
 */
import type { RawSection, ServerOptions } from "../options.ts";
import { parseTlsSection, type TlsSettings } from "./tls_options.ts";

/** Normalized `websocket {}` settings. */
export interface WebSocketSettings {
  host: string;
  /** -1 or 0 = random. */
  port: number;
  advertise?: string;
  noTls: boolean;
  tls: TlsSettings | null;
  sameOrigin: boolean;
  allowedOrigins: string[];
  /** Milliseconds, 0 = none. */
  handshakeTimeoutMs: number;
  compression: boolean;
  jwtCookie?: string;
  noAuthUser?: string;
  username?: string;
  password?: string;
  token?: string;
  /** `authorization { timeout }` in seconds, 0 = the server's auth timeout. */
  authTimeout: number;
}

const GO_DURATION_PART = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g;
const MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

function goDurationMs(text: string): number | null {
  if (!/^(?:[0-9]*\.?[0-9]+(?:ns|us|µs|ms|s|m|h))+$/.test(text)) return null;
  let ms = 0;
  for (const m of text.matchAll(GO_DURATION_PART)) ms += Number(m[1]) * MS[m[2]];
  return ms;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * Normalizes a `websocket {}` section (field names already checked by the config pipeline).
 * Returns null when the section is absent or has no port (WebSocket disabled).
 *
 * @example
 * ```ts
 * import { parseWebSocketSection } from "./ws_options.ts";
 * const ws = parseWebSocketSection({ listen: "127.0.0.1:8080", no_tls: true });
 * if (ws === null || "error" in ws || ws.port !== 8080 || ws.host !== "127.0.0.1") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseWebSocketSection(
  raw: RawSection | undefined,
): WebSocketSettings | { error: string } | null {
  if (!raw) return null;
  const s: WebSocketSettings = {
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
  for (const [key, value] of Object.entries(raw)) {
    switch (key.toLowerCase()) {
      case "listen": {
        const text = String(value);
        const i = text.lastIndexOf(":");
        if (i < 0) s.port = Number(text);
        else {
          s.host = text.slice(0, i).replace(/^\[(.*)\]$/, "$1");
          s.port = Number(text.slice(i + 1));
        }
        break;
      }
      case "port":
        s.port = Number(value);
        break;
      case "host":
      case "net":
        s.host = String(value);
        break;
      case "advertise":
        s.advertise = str(value);
        break;
      case "no_tls":
        s.noTls = value === true;
        break;
      case "tls": {
        const parsed = parseTlsSection(value as RawSection);
        if (parsed.error !== undefined) return { error: parsed.error };
        s.tls = parsed.settings;
        break;
      }
      case "same_origin":
        s.sameOrigin = value === true;
        break;
      case "allowed_origins":
      case "allowed_origin":
      case "allow_origins":
      case "allow_origin":
      case "origins":
      case "origin":
        s.allowedOrigins = Array.isArray(value) ? value.map(String) : [String(value)];
        break;
      case "handshake_timeout":
        if (typeof value === "number") s.handshakeTimeoutMs = value * 1000;
        else {
          const ms = goDurationMs(String(value));
          if (ms === null) return { error: `time: invalid duration ${JSON.stringify(value)}` };
          s.handshakeTimeoutMs = ms;
        }
        break;
      case "compress":
      case "compression":
        s.compression = value === true;
        break;
      case "authorization":
      case "authentication": {
        const auth = (value ?? {}) as Record<string, unknown>;
        for (const [k, v] of Object.entries(auth)) {
          const lower = k.toLowerCase();
          if (lower === "user" || lower === "username") s.username = str(v);
          else if (lower === "pass" || lower === "password") s.password = str(v);
          else if (lower === "token") s.token = str(v);
          else if (lower === "timeout") s.authTimeout = typeof v === "number" ? v : 1;
        }
        break;
      }
      case "jwt_cookie":
        s.jwtCookie = str(value);
        break;
      case "no_auth_user":
        s.noAuthUser = str(value);
        break;
    }
  }
  if (s.port === 0) return null;
  if (s.host === "") s.host = "0.0.0.0";
  return s;
}

/** True when the block overrides client auth for WebSocket clients (wsConfigAuth). */
export function hasAuthOverride(ws: WebSocketSettings): boolean {
  return !!(ws.username || ws.token || ws.noAuthUser);
}

/**
 * nats-server's startup checks for the WebSocket block (validateWebsocketOptions), or null.
 *
 * @example
 * ```ts
 * import { defaultOptions } from "../options.ts";
 * import { validateWebSocket } from "./ws_options.ts";
 * const o = { ...defaultOptions(), websocket: { port: 8080 } };
 * if (validateWebSocket(o) !== "websocket requires TLS configuration") throw new Error();
 * ```
 */
export function validateWebSocket(o: ServerOptions): string | null {
  const ws = parseWebSocketSection(o.websocket);
  if (ws === null) return null;
  if ("error" in ws) return ws.error;
  if (!ws.tls && !ws.noTls) return "websocket requires TLS configuration";
  for (const origin of ws.allowedOrigins) {
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/\[[^\]]*$/.test(origin)) {
      return `unable to parse allowed origin: parse ${JSON.stringify(origin)}: ` +
        "missing ']' in host";
    }
  }
  const users = o.users ?? [];
  if (ws.noAuthUser) {
    if (users.length === 0) {
      return `no_auth_user: ${JSON.stringify(ws.noAuthUser)} present, but users are not defined`;
    }
    if (!users.some((u) => u.user === ws.noAuthUser)) {
      return `no_auth_user: ${JSON.stringify(ws.noAuthUser)} not present as user or nkey in ` +
        "authorization block or account configuration";
    }
  }
  if (users.length > 0) {
    if (ws.username) {
      return "websocket authentication username not compatible with presence of users/nkeys";
    }
    if (ws.token) {
      return "websocket authentication token not compatible with presence of users/nkeys";
    }
  }
  const trusted = (o.trustedKeys?.length ?? 0) > 0 ||
    (Array.isArray(o.operator) && o.operator.length > 0);
  if (ws.jwtCookie && !trusted) {
    return "trusted operators or trusted keys configuration is required for JWT " +
      `authentication via cookie ${JSON.stringify(ws.jwtCookie)}`;
  }
  return null;
}

/**
 * The options WebSocket clients authenticate with: with an override, the block's
 * `no_auth_user`, user/password and token replace the top-level ones and its `timeout` the
 * auth timeout; the users list and accounts stay the server's.
 *
 * @example
 * ```ts
 * import { defaultOptions } from "../options.ts";
 * import { webSocketAuthOptions } from "./ws_options.ts";
 * const o = { ...defaultOptions(), authorizationToken: "top" };
 * const ws = webSocketAuthOptions(o, {
 *   host: "", port: 1, noTls: true, tls: null, sameOrigin: false, allowedOrigins: [],
 *   handshakeTimeoutMs: 0, compression: false, authTimeout: 0, token: "ws",
 * });
 * if (ws.authorizationToken !== "ws") throw new Error();
 * ```
 */
export function webSocketAuthOptions(o: ServerOptions, ws: WebSocketSettings): ServerOptions {
  const timeout = ws.authTimeout > 0 ? ws.authTimeout : o.authTimeout;
  if (!hasAuthOverride(ws)) return timeout === o.authTimeout ? o : { ...o, authTimeout: timeout };
  return {
    ...o,
    authTimeout: timeout,
    noAuthUser: ws.noAuthUser,
    username: ws.username,
    password: ws.password,
    authorizationToken: ws.token,
  };
}
