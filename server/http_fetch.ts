/**
 * @module
 * `ServerHandle.fetch` for a single-isolate server: an HTTP request from the embedding
 * program's (or an edge host's) `Deno.serve`. A WebSocket upgrade becomes a client (or a
 * leafnode on `/leafnode`, with a leafnode port); any other request gets the monitoring
 * endpoints when `http_port`/`https_port` is set (an edge server binds neither), else 404.
 * Runs in the isolate that owns the server.
 */
import { handleMonitorRequest } from "./monitor/router.ts";
import type { MonitoredServer } from "./monitor/types.ts";
import type { HttpPeer, WebSocketRequestHandler } from "./transport/ws_listener.ts";

/** The peer of a request handed over without one. */
const NO_PEER: HttpPeer = { hostname: "0.0.0.0", port: 0 };

/** Answers `req`; `requests` null (not started or stopped) answers 503. */
export function answerHttp(
  server: MonitoredServer,
  requests: WebSocketRequestHandler | null,
  req: Request,
  peer: HttpPeer = NO_PEER,
): Response {
  if (requests === null) return new Response(null, { status: 503 });
  if (req.headers.get("upgrade") !== null) return requests(req, peer);
  const o = server.options;
  if (o.httpPort === 0 && o.httpsPort === 0) return new Response(null, { status: 404 });
  try {
    return handleMonitorRequest(server, req);
  } catch (err) {
    return new Response(`monitoring error: ${err}`, { status: 500 });
  }
}
