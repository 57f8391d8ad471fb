/**
 * @module
 * Everything between an accepted client socket and a `ClientConnection`, for the server's
 * composition root: the client-port TLS material (plaintext INFO, then the handshake), the
 * WebSocket listener with its auth view, the INFO fields TLS adds and the startup notices
 * and warnings nats-server prints for them. Runs in the isolate that owns the listeners.
 */
import { loadBcrypt, optionsUseBcrypt } from "../accounts/bcrypt.ts";
import { defaultWebSocketSettings } from "../config/websocket_block.ts";
import type { Transport } from "../client/client.ts";
import type { ClientContext } from "../client/context.ts";
import { type Logger, silentLogger } from "../log/logger.ts";
import type { ServerOptions } from "../options.ts";
import { parseTlsSection, tlsInfoFields, type TlsSettings } from "./tls_options.ts";
import { clientTransportWarnings } from "./transport_warnings.ts";
import { TlsConfigError } from "./tls_options.ts";
import type { TlsSetup } from "./tls_setup.ts";
import { tlsImpl } from "./tls_loader.ts";
import { WebSocketAuth, webSocketClientContext } from "./ws_context.ts";
import {
  WebSocketListener,
  type WebSocketRequestHandler,
  webSocketRequestHandler,
} from "./ws_listener.ts";
import { RawWebSocketListener } from "./ws_raw_listener.ts";
import {
  enabledWebSocket,
  validateWebSocket,
  validateWebSocketSettings,
  webSocketAuthOptions,
  type WebSocketSettings,
} from "./ws_options.ts";

/** Runs a client connection on a transport (the server's registry, limits, read loop). */
export type ServeClient = (
  transport: Transport,
  host: string,
  port: number,
  ctx: ClientContext,
) => void;

function tlsSettings(raw: ServerOptions["tls"]): TlsSettings | null {
  if (!raw) return null;
  const parsed = parseTlsSection(raw);
  if (parsed.error !== undefined) throw new TlsConfigError(parsed.error);
  return parsed.settings;
}

/**
 * nats-server's startup errors for the `tls` and `websocket` options (file-independent
 * checks), or null. For the config pipeline and `validateOptions`.
 *
 * @example
 * ```ts
 * import { defaultOptions } from "../options.ts";
 * import { validateTransportOptions } from "./client_transports.ts";
 * const o = { ...defaultOptions(), tls: { key_file: "k.pem" } };
 * if (validateTransportOptions(o) !== "missing 'cert_file' in TLS configuration") throw 1;
 * ```
 */
export function validateTransportOptions(o: ServerOptions): string | null {
  if (o.tls) {
    const parsed = parseTlsSection(o.tls);
    if (parsed.error !== undefined) return parsed.error;
  }
  return validateWebSocket(o);
}

/** How a {@link ClientTransports} is set up. */
export interface ClientTransportsOptions {
  /**
   * Leafnode connections on the WebSocket listener's `/leafnode` endpoint (a server with a
   * leafnode port); without it they are refused.
   */
  onLeafWebSocket?: (transport: Transport, host: string, port: number, compress?: boolean) => void;
  /**
   * A shard worker: the WebSocket listener binds with `reusePort` and nothing is logged (the
   * main isolate logs the listeners once).
   */
  shard?: boolean;
  /**
   * The WebSocket port to bind instead of the configured one (a shard joining the port the
   * first shard got for `websocket { port: -1 }`); 0 or absent: as configured.
   */
  websocketPort?: number;
  /**
   * WebSocket clients are handed to the server only once this resolves (a shard waits for its
   * ring links, as it does before accepting on the client port); their input is queued meanwhile.
   */
  acceptAfter?: Promise<void>;
  /** No WebSocket listener even with `websocket { port }` (an edge server: `fetch` only). */
  noListener?: boolean;
}

/** WebSocket settings of `ServerHandle.fetch` without a `websocket {}` block. */
const FETCH_WEBSOCKET: WebSocketSettings = { ...defaultWebSocketSettings(), noTls: true };

/** The client-side listeners and wrappers of one server. */
export class ClientTransports {
  /** Client-port TLS, or null when clients connect in plaintext. */
  readonly tls: TlsSetup | null;
  /**
   * The WebSocket listener, when `websocket { port }` is set: our own RFC 6455 server when
   * `compression` is on (`Deno.serve` cannot negotiate permessage-deflate), else `Deno.serve`.
   */
  readonly websocket: WebSocketListener | RawWebSocketListener | null = null;
  /** WebSocket upgrade requests arriving through `ServerHandle.fetch` (no listener of ours). */
  readonly requests: WebSocketRequestHandler;
  #wsTls: TlsSetup | null = null;
  #accepting = true;

  /**
   * Loads TLS material (throws {@link TlsConfigError} with nats-server's message) and starts
   * the WebSocket listener, logging what nats-server logs. Call where nats-server starts its
   * WebSocket server: after monitoring, before the client listener.
   */
  constructor(server: ClientContext, serve: ServeClient, options: ClientTransportsOptions = {}) {
    const o = server.options;
    const log = options.shard ? silentLogger() : server.logger;
    const settings = tlsSettings(o.tls);
    this.tls = settings
      ? new (tlsImpl().TlsSetup)(settings, o.allowNonTls === true, server.logger)
      : null;
    if (!options.shard) { for (const w of clientTransportWarnings(o)) server.logger.warn(w); }
    // An edge server (no listener) takes the block whatever its port: nothing is bound.
    const parsed = options.noListener ? o.websocketConfig ?? null : enabledWebSocket(o);
    const ws = parsed && options.websocketPort
      ? { ...parsed, port: options.websocketPort }
      : parsed;
    if (parsed !== null && ws !== null) {
      // Behind a host's HTTP server its host terminates TLS: no TLS of ours is required.
      const checked = options.noListener ? { ...parsed, noTls: true } : parsed;
      const invalid = validateWebSocketSettings(o, checked);
      if (invalid) throw new TlsConfigError(invalid);
      if (!options.noListener) this.#wsTls = this.#webSocketTls(ws, log);
    }
    // `ServerHandle.fetch` takes WebSocket clients with the `websocket {}` settings (its port
    // aside), or with the defaults when there is none.
    const wsSettings = ws ?? FETCH_WEBSOCKET;
    const auth = new WebSocketAuth(server, wsSettings);
    if (optionsUseBcrypt(webSocketAuthOptions(o, wsSettings))) void loadBcrypt();
    const ctx = webSocketClientContext(server, auth);
    const gate = options.acceptAfter;
    let open = gate === undefined;
    void gate?.then(() => (open = true));
    const onClient = (transport: Transport, host: string, port: number) => {
      if (open) serve(transport, host, port, ctx);
      else void gate!.then(() => serve(transport, host, port, ctx));
    };
    // Requests through `fetch`: a client opening after the server stopped is closed at once.
    const onFetched = (transport: Transport, host: string, port: number) => {
      if (this.#accepting) onClient(transport, host, port);
      else transport.close();
    };
    this.requests = webSocketRequestHandler(wsSettings, null, server.logger, onFetched, {
      onLeaf: options.onLeafWebSocket,
      accepting: () => this.#accepting,
      // The listener below logs the origin errors of the same settings.
      quiet: ws !== null && !options.noListener,
    });
    if (ws === null || options.noListener) return;
    const Listener = ws.compression ? RawWebSocketListener : WebSocketListener;
    this.websocket = new Listener(ws, this.#wsTls, server.logger, onClient, {
      reusePort: options.shard === true,
      onLeaf: options.onLeafWebSocket,
    });
    const l = this.websocket;
    const shown = l.host.includes(":") ? `[${l.host}]` : l.host;
    log.notice(`Listening for websocket clients on ${l.scheme}://${shown}:${l.port}`);
    if (l.scheme === "ws") log.warn("Websocket not configured with TLS. DO NOT USE IN PRODUCTION!");
  }

  #webSocketTls(ws: WebSocketSettings, log: Logger): TlsSetup | null {
    if (!ws.tls) return null;
    if (ws.tls.verify) {
      throw new TlsConfigError(
        "websocket: client certificate verification ('verify', 'verify_and_map') is not " +
          "supported by denats: Deno.serve cannot request client certificates",
      );
    }
    if (!ws.tls.certFile) {
      throw new TlsConfigError("websocket: 'cert_file' and 'key_file' are required for wss");
    }
    return new (tlsImpl().TlsSetup)(ws.tls, false, log);
  }

  /** The transport for a connection accepted on the client port. */
  wrap(conn: Deno.Conn): Transport {
    return this.tls ? new (tlsImpl().TlsServerTransport)(conn, this.tls) : conn;
  }

  /** INFO fields for TLS (`tls_required`/`tls_available`, `tls_verify`), in nats-server order. */
  infoFields(): Record<string, boolean> {
    return tlsInfoFields(this.tls?.settings ?? null, this.tls?.allowNonTls ?? false);
  }

  /** The bound WebSocket port, 0 when there is no WebSocket listener. */
  get websocketPort(): number {
    return this.websocket?.port ?? 0;
  }

  /** `ws://host:port` / `wss://...` of the WebSocket listener (ports file), or null. */
  get websocketUrl(): string | null {
    const l = this.websocket;
    if (!l) return null;
    return `${l.scheme}://${l.host.includes(":") ? `[${l.host}]` : l.host}:${l.port}`;
  }

  /** Stops accepting WebSocket clients (lame duck mode). */
  stopAccepting(): void {
    this.#accepting = false;
    void this.websocket?.close();
  }

  /** Closes the WebSocket listener and stops TLS timers. */
  async close(): Promise<void> {
    this.#accepting = false;
    this.tls?.close();
    this.#wsTls?.close();
    await this.websocket?.close();
  }
}
