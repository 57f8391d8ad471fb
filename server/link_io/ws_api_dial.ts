/**
 * @module
 * A leafnode remote of an edge server, dialed with the `WebSocket` API (hosts that only allow
 * HTTP and WebSocket): `ws(s)://host:port/leafnode` on the hub's WebSocket listener, as
 * nats-server's leafNodeSolicitWSConnection asks for it; the runtime does TLS for `wss://`,
 * masking and framing. The link then reads and writes the protocol bytes through a
 * {@link WebSocketTransport}. IMPURE shell (network). Runs in the isolate of the edge server.
 */
import type { LinkTransport } from "../links/core/link_spec.ts";
import { WebSocketTransport } from "../transport/ws_transport.ts";
import { joinHostPort } from "../links/route/cluster_options.ts";

/** The hub endpoint of a `ws://`/`wss://` remote (credentials stay in CONNECT, not the URL). */
export function leafWebSocketEndpoint(u: { scheme: string; host: string; port: number }): string {
  return `${u.scheme}://${joinHostPort(u.host, u.port)}/leafnode`;
}

/**
 * Opens a WebSocket to `url`; resolves once it is open, rejects with the runtime's reason when
 * it fails first. Messages that arrive right after the opening are queued in the transport.
 * `signal` gives up: a socket still connecting is closed (the WebSocket API has no handshake
 * timeout of its own), an open one is the caller's.
 */
export function openWebSocket(url: string, signal?: AbortSignal): Promise<LinkTransport> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error("websocket: dial aborted"));
      return;
    }
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch (e) {
      reject(e);
      return;
    }
    const transport = new WebSocketTransport(socket, { browser: false });
    let settled = false;
    signal?.addEventListener("abort", () => {
      if (settled) return;
      settled = true;
      transport.close();
      reject(new Error("websocket: dial aborted"));
    }, { once: true });
    socket.addEventListener("open", () => {
      settled = true;
      resolve(transport);
    }, { once: true });
    socket.addEventListener("error", (e) => {
      if (settled) return;
      settled = true;
      reject(new Error((e as ErrorEvent).message || `websocket: cannot connect to ${url}`));
    }, { once: true });
    socket.addEventListener("close", (e) => {
      if (settled) return;
      settled = true;
      reject(new Error(`websocket: closed before opening (${e.code})`));
    }, { once: true });
  });
}
