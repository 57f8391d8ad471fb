/**
 * @module
 * The WebSocket client listener (nats-server websocket.go startWebsocketServer, wsUpgrade):
 * `Deno.serve` checks each upgrade request the way nats-server does (RFC 6455 4.2.1 points,
 * then the origin policy), answers failures with Go's `http.Error` status texts and logs
 * `<addr> - websocket handshake error: <reason>`, and hands every accepted WebSocket to the
 * server as a {@link WebSocketTransport}. Runs in the isolate that owns the listener.
 */
import type { Logger } from "../log/logger.ts";
import type { TlsSetup } from "./tls_setup.ts";
import { checkOrigin, type OriginPolicy, originPolicy } from "./ws_origin.ts";
import type { WebSocketSettings } from "./ws_options.ts";
import { type WebSocketClientInfo, WebSocketTransport } from "./ws_transport.ts";
import { listenHostname, remoteHost } from "./listen_host.ts";

/** Options of the WebSocket listeners. */
export interface WebSocketListenerOptions {
  reusePort?: boolean;
  /**
   * Leafnode connections on `/leafnode` (nats-server websocket.go: only when a leafnode port
   * is configured; without it they are refused with `Not configured to accept leaf node
   * connections`).
   */
  onLeaf?: WebSocketClientHandler;
}

/** Called for each WebSocket client once its socket is open. */
export type WebSocketClientHandler = (
  transport: WebSocketTransport,
  host: string,
  port: number,
  /** A leafnode on `/leafnode`: permessage-deflate was agreed (raw listener only). */
  compress?: boolean,
) => void;

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  405: "Method Not Allowed",
};

/** nats-server wsHeaderContains: a comma-separated token list holds `value`. */
function headerContains(headers: Headers, name: string, value: string): boolean {
  const v = headers.get(name);
  if (v === null) return false;
  const want = value.toLowerCase();
  return v.split(",").some((t) => t.trim().toLowerCase() === want);
}

/** A cookie's value from the `Cookie` header (quotes removed). */
export function cookie(headers: Headers, name: string): string | undefined {
  const raw = headers.get("cookie");
  if (!raw) return undefined;
  for (const part of raw.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      return part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    }
  }
  return undefined;
}

/** A textual IP address (Go `net.ParseIP` accepts it). */
export function isIp(text: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text)) {
    return text.split(".").every((n) => Number(n) <= 255);
  }
  return /^[0-9a-fA-F:.]+$/.test(text) && text.includes(":") && !text.includes(":::");
}

/**
 * Validates an upgrade request; returns null when it may be upgraded, else the HTTP status and
 * the reason nats-server logs.
 */
export function checkUpgrade(
  req: Pick<Request, "method" | "headers">,
  policy: OriginPolicy,
  tls: boolean,
): { status: number; reason: string } | null {
  const h = req.headers;
  if (req.method !== "GET") return { status: 405, reason: "request method must be GET" };
  if (!h.get("host")) return { status: 400, reason: "'Host' missing in request" };
  if (!headerContains(h, "upgrade", "websocket")) {
    return { status: 400, reason: "invalid value for header 'Upgrade'" };
  }
  if (!headerContains(h, "connection", "upgrade")) {
    return { status: 400, reason: "invalid value for header 'Connection'" };
  }
  if (!h.get("sec-websocket-key")) return { status: 400, reason: "key missing" };
  if (!headerContains(h, "sec-websocket-version", "13")) {
    return { status: 400, reason: "invalid version" };
  }
  const origin = h.get("origin") || h.get("sec-websocket-origin");
  const bad = checkOrigin(policy, origin, h.get("host"), tls);
  if (bad !== null) return { status: 403, reason: `origin not allowed: ${bad}` };
  return null;
}

/** The peer of an HTTP request (`Deno.ServeHandlerInfo.remoteAddr`). */
export interface HttpPeer {
  readonly hostname: string;
  readonly port: number;
}

/** Answers one HTTP request for a WebSocket connection (client, or leafnode on `/leafnode`). */
export type WebSocketRequestHandler = (req: Request, peer: HttpPeer) => Response;

/**
 * The request handler of a WebSocket listener (websocket.go wsUpgrade): checks the upgrade as
 * nats-server does, answers failures with Go's status texts and the `websocket handshake error`
 * log line, and hands each opened WebSocket to `onClient` (or `onLeaf` on `/leafnode`). Used by
 * the listener and by `ServerHandle.fetch` (an edge host's or an application's `Deno.serve`).
 * `accepting` false (lame duck, shutdown) answers 503. `secure` null: TLS is judged per request by
 * its URL's scheme (behind a host that terminates TLS). `quiet`: the origin errors are logged
 * elsewhere (another handler of the same settings).
 */
export function webSocketRequestHandler(
  settings: WebSocketSettings,
  secure: boolean | null,
  logger: Logger,
  onClient: WebSocketClientHandler,
  options: { onLeaf?: WebSocketClientHandler; accepting?: () => boolean; quiet?: boolean } = {},
): WebSocketRequestHandler {
  const { policy, errors } = originPolicy(settings.sameOrigin, settings.allowedOrigins);
  if (!options.quiet) { for (const e of errors) logger.error(e); }
  return (req, peer) => {
    const remote = { hostname: remoteHost(peer.hostname), port: peer.port };
    const remoteText = remote.hostname.includes(":")
      ? `[${remote.hostname}]:${remote.port}`
      : `${remote.hostname}:${remote.port}`;
    if (options.accepting && !options.accepting()) return new Response(null, { status: 503 });
    const bad = checkUpgrade(req, policy, secure ?? req.url.startsWith("https:"));
    if (bad) {
      logger.error(`${remoteText} - websocket handshake error: ${bad.reason}`);
      return new Response(`${STATUS_TEXT[bad.status]}\n`, {
        status: bad.status,
        headers: {
          "content-type": "text/plain; charset=utf-8",
          "x-content-type-options": "nosniff",
          "sec-websocket-version": "13",
        },
      });
    }
    // Read the request before upgrading: the request is closed afterwards.
    const path = new URL(req.url).pathname;
    const ua = req.headers.get("user-agent") ?? "";
    const fwd = req.headers.get("x-forwarded-for");
    const client: WebSocketClientInfo = {
      browser: ua.startsWith("Mozilla/"),
      forwardedFor: fwd && isIp(fwd) ? fwd : undefined,
      cookieJwt: settings.jwtCookie ? cookie(req.headers, settings.jwtCookie) : undefined,
    };
    const { socket, response } = Deno.upgradeWebSocket(req);
    if (path.startsWith("/leafnode")) {
      const onLeaf = options.onLeaf;
      if (onLeaf === undefined) {
        logger.error("Not configured to accept leaf node connections");
        socket.addEventListener("open", () => socket.close());
        return response;
      }
      const leaf = new WebSocketTransport(socket, { browser: false });
      socket.addEventListener("open", () => onLeaf(leaf, remote.hostname, remote.port));
      return response;
    }
    const transport = new WebSocketTransport(socket, client);
    socket.addEventListener("open", () => onClient(transport, remote.hostname, remote.port));
    return response;
  };
}

/** The running WebSocket listener. */
export class WebSocketListener {
  readonly host: string;
  readonly port: number;
  /** `ws` or `wss`. */
  readonly scheme: "ws" | "wss";
  #server: Deno.HttpServer<Deno.NetAddr>;
  #accepting = true;
  #closing: Promise<void> | null = null;

  /** Binds the listener (synchronously, like `Deno.listen`). */
  constructor(
    settings: WebSocketSettings,
    tls: TlsSetup | null,
    logger: Logger,
    onClient: WebSocketClientHandler,
    options: WebSocketListenerOptions = {},
  ) {
    this.scheme = tls ? "wss" : "ws";
    const handle = webSocketRequestHandler(settings, tls !== null, logger, onClient, {
      onLeaf: options.onLeaf,
      accepting: () => this.#accepting,
    });
    const handler = (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Response =>
      handle(req, info.remoteAddr);
    const port = settings.port <= 0 ? 0 : settings.port;
    const common = {
      hostname: listenHostname(settings.host),
      port,
      ...(options.reusePort ? { reusePort: true } : {}),
      onListen: () => {},
      onError: (err: unknown) => {
        logger.error(`websocket: ${err}`);
        return new Response(null, { status: 500 });
      },
    };
    this.#server = tls
      ? Deno.serve({ ...common, ...readCertAndKey(tls) }, handler)
      : Deno.serve(common, handler);
    this.host = settings.host;
    this.port = this.#server.addr.port;
  }

  /** Closes the listener (lame duck mode, shutdown); open WebSockets are not affected. */
  close(): Promise<void> {
    this.#accepting = false;
    this.#closing ??= this.#server.shutdown();
    return this.#closing;
  }
}

function readCertAndKey(tls: TlsSetup): { cert: string; key: string } {
  const s = tls.settings;
  return {
    cert: Deno.readTextFileSync(s.certFile!),
    key: Deno.readTextFileSync(s.keyFile!),
  };
}
