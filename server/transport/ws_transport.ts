/**
 * @module
 * A NATS client over a WebSocket (nats-server websocket.go): binary (and, from clients like
 * nats.ws, text) messages in are the protocol byte stream; writes go out as binary messages,
 * at most 4096 bytes each for browsers (wsFrameSizeForBrowsers); closing sends a close frame
 * with the status nats-server maps from the close reason (wsEnqueueCloseMessage). Built on the
 * `WebSocket` that `Deno.upgradeWebSocket` returns. Runs in the isolate that owns the socket.
 */
import { CloseReason } from "../protocol/wire_errors.ts";
import { ChunkQueue } from "./chunk_queue.ts";

/** nats-server wsFrameSizeForBrowsers. */
export const BROWSER_FRAME_SIZE = 4096;
/** Received bytes queued beyond this close the connection (the read loop is not keeping up). */
export const MAX_QUEUED_READ = 64 * 1024 * 1024;
/** `bufferedAmount` above which a write waits for the socket to drain. */
const WRITE_HIGH_WATER = 1024 * 1024;
const DRAIN_POLL_MS = 5;

const STATUS_BY_REASON: Record<string, number> = {
  [CloseReason.ClientClosed]: 1000,
  [CloseReason.AuthenticationTimeout]: 1008,
  [CloseReason.AuthenticationViolation]: 1008,
  [CloseReason.SlowConsumerPendingBytes]: 1008,
  [CloseReason.SlowConsumerWriteDeadline]: 1008,
  [CloseReason.MaxAccountConnectionsExceeded]: 1008,
  [CloseReason.MaxConnectionsExceeded]: 1008,
  [CloseReason.MaxControlLineExceeded]: 1008,
  [CloseReason.MaxSubscriptionsExceeded]: 1008,
  [CloseReason.MissingAccount]: 1008,
  [CloseReason.AuthenticationExpired]: 1008,
  [CloseReason.Revocation]: 1008,
  [CloseReason.TLSHandshakeError]: 1015,
  [CloseReason.ParseError]: 1002,
  [CloseReason.ProtocolViolation]: 1002,
  [CloseReason.BadClientProtocolVersion]: 1002,
  [CloseReason.MaxPayloadExceeded]: 1009,
  [CloseReason.ServerShutdown]: 1001,
  [CloseReason.WriteError]: 1006,
  [CloseReason.ReadError]: 1006,
  [CloseReason.StaleConnection]: 1006,
};

/**
 * The close status nats-server sends for a close reason. 1006 and 1015 may not appear in a
 * close frame (RFC 6455 7.4.1); the WebSocket API refuses them, so those close without one.
 */
export function closeStatus(reason: string | undefined): number {
  return (reason && STATUS_BY_REASON[reason]) || 1011;
}

/** nats-server wsCreateCloseMessage: the reason, cut to fit a control frame. */
function closeBody(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= 123) return reason;
  return new TextDecoder().decode(bytes.subarray(0, 120)).replace(/\uFFFD+$/, "") + "...";
}

/** What the upgrade request told us about the client. */
export interface WebSocketClientInfo {
  /** JWT from the `jwt_cookie` cookie, if configured and present. */
  cookieJwt?: string;
  /** A valid IP from `X-Forwarded-For`. */
  forwardedFor?: string;
  /** `User-Agent` starts with `Mozilla/`. */
  browser: boolean;
}

const enc = new TextEncoder();

/** A client connection's transport over a WebSocket. */
export class WebSocketTransport {
  /** nats-server connection type (allowed_connection_types). */
  readonly kind = "WEBSOCKET";
  readonly credentials: { jwt?: string } | undefined;
  readonly info: WebSocketClientInfo;
  #socket: WebSocket;
  #incoming = new ChunkQueue();
  #closed = false;

  constructor(socket: WebSocket, info: WebSocketClientInfo) {
    this.#socket = socket;
    this.info = info;
    this.credentials = info.cookieJwt !== undefined ? { jwt: info.cookieJwt } : undefined;
    socket.binaryType = "arraybuffer";
    socket.addEventListener("message", (e) => this.#onMessage(e.data));
    socket.addEventListener("close", () => this.#incoming.end());
    socket.addEventListener("error", (e) => {
      this.#incoming.fail(new Error((e as ErrorEvent).message || "websocket error"));
    });
  }

  /** nats-server's WebSocket log prefix: `[fwd/]ip:port - wid:N`. */
  logPrefix(host: string, port: number, cid: number): string {
    const fwd = this.info.forwardedFor;
    const via = fwd ? `${fwd.includes(":") ? `[${fwd}]` : fwd}/` : "";
    const addr = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    return `${via}${addr} - wid:${cid}`;
  }

  #onMessage(data: unknown): void {
    const bytes = typeof data === "string"
      ? enc.encode(data)
      : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : null;
    if (!bytes || bytes.length === 0) return;
    this.#incoming.push(bytes);
    if (this.#incoming.queued > MAX_QUEUED_READ) {
      this.#incoming.fail(new Error("websocket read queue limit exceeded"), true);
    }
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#incoming.read(p);
  }

  async write(p: Uint8Array): Promise<number> {
    const socket = this.#socket;
    if (socket.readyState !== WebSocket.OPEN) throw new Error("websocket is not open");
    // Copies: the caller reuses its buffer once the write resolves.
    if (this.info.browser && p.length > BROWSER_FRAME_SIZE) {
      for (let off = 0; off < p.length; off += BROWSER_FRAME_SIZE) {
        socket.send(p.slice(off, off + BROWSER_FRAME_SIZE));
      }
    } else socket.send(p.slice());
    while (socket.bufferedAmount > WRITE_HIGH_WATER && socket.readyState === WebSocket.OPEN) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
    return p.length;
  }

  close(reason?: string): void {
    if (this.#closed) return;
    this.#closed = true;
    // Reads end now: the peer's answer to the close frame (and so the "close" event) may never
    // come (nats-server does not answer a leafnode's).
    this.#incoming.end();
    const socket = this.#socket;
    if (socket.readyState !== WebSocket.OPEN && socket.readyState !== WebSocket.CONNECTING) {
      return;
    }
    const status = closeStatus(reason);
    try {
      if (status === 1006 || status === 1015) socket.close();
      else socket.close(status, closeBody(reason ?? ""));
    } catch {
      // A dialed WebSocket (an edge leafnode) may only send 1000 or 3000-4999.
      try {
        socket.close();
      } catch {
        // already closing
      }
    }
  }
}
