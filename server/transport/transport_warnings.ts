/**
 * @module
 * denats' own startup warnings about the client-side transports (options Deno cannot honour),
 * computed from the options alone so that a sharded server's main isolate can log them once
 * without starting any listener. Runs in the isolate that starts the server.
 */
import type { ServerOptions } from "../options.ts";
import { parseTlsSection, TlsConfigError, unsupportedTlsWarnings } from "./tls_options.ts";
import { enabledWebSocket } from "./ws_options.ts";

const HANDSHAKE_TIMEOUT_WARNING =
  "websocket: 'handshake_timeout' is not enforced: Deno.serve has no per-request read timeout";

/**
 * denats' own startup warnings for the client-side transports, in the order a server logs them:
 * client-port TLS options Deno's TLS stack cannot apply, a WebSocket `handshake_timeout` that
 * `Deno.serve` cannot enforce (the raw listener used with `compression` does), and WebSocket TLS
 * options it cannot apply. A sharded server's main isolate logs them once (its shards are
 * silent). Options that fail validation are left to the errors.
 */
export function clientTransportWarnings(o: ServerOptions): string[] {
  const out: string[] = [];
  if (o.tls) {
    const parsed = parseTlsSection(o.tls);
    if (parsed.error !== undefined) throw new TlsConfigError(parsed.error);
    out.push(...unsupportedTlsWarnings(parsed.settings!, "tls"));
  }
  const ws = enabledWebSocket(o);
  if (ws === null) return out;
  if (ws.handshakeTimeoutMs > 0 && !ws.compression) out.push(HANDSHAKE_TIMEOUT_WARNING);
  if (ws.tls && !ws.tls.verify && ws.tls.certFile) {
    out.push(...unsupportedTlsWarnings(ws.tls, "websocket tls"));
  }
  return out;
}
