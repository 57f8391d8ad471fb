/**
 * @module
 * The `websocket {}` block as denats uses it: the settings type (filled by
 * `config/websocket_block.ts`), nats-server 2.9.10's startup checks with their texts
 * (websocket.go validateWebsocketOptions), and
 * the auth options WebSocket clients authenticate with (websocket.go wsConfigAuth, auth.go
 * processClientOrLeafAuthentication: the block's `authorization`/`no_auth_user` override the
 * top-level ones). PURE: no Deno, node, files or timers.
 */
import type { RawSection, ServerOptions } from "../options.ts";
import type { TlsSettings } from "./tls_options.ts";
import { plainToTree } from "../config/link_configs.ts";
import { NormalizeContext } from "../config/normalize_context.ts";
import { applyWebSocket } from "../config/websocket_block.ts";

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

/**
 * Normalizes a raw `websocket {}` section through the config pipeline's websocket block
 * (`config/websocket_block.ts`), for callers holding a raw map (tests, tools); servers read
 * the typed `options.websocketConfig`. Null when absent or without a port (disabled).
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
  const ctx = new NormalizeContext();
  applyWebSocket(plainToTree(raw), ctx);
  if (ctx.errors.length > 0) return { error: ctx.errors[0].reason };
  const settings = ctx.options.websocketConfig;
  return settings && settings.port !== 0 ? settings : null;
}

/**
 * The WebSocket listener settings when the listener is on (typed `websocketConfig` with a
 * port other than 0), else null.
 */
export function enabledWebSocket(o: Partial<ServerOptions>): WebSocketSettings | null {
  const ws = o.websocketConfig;
  return ws && ws.port !== 0 ? ws : null;
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
  // Options that did not go through the pipeline (unit tests) have only the raw block.
  const ws = o.websocketConfig ? enabledWebSocket(o) : parseWebSocketSection(o.websocket);
  if (ws === null) return null;
  if ("error" in ws) return ws.error;
  return validateWebSocketSettings(o, ws);
}

/** nats-server validateWebsocketOptions for typed settings: the error text, or null. */
export function validateWebSocketSettings(o: ServerOptions, ws: WebSocketSettings): string | null {
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
