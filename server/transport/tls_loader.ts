/**
 * @module
 * Loads the TLS implementation (Deno's `node:tls` layer) only when a configuration uses TLS:
 * loading Node compatibility costs about 15 MB of memory at startup. Call
 * {@link prepareTransports} before constructing a server with these options.
 */
import type { ServerOptions } from "../options.ts";

type TlsImpl = typeof import("./tls_impl.ts");

let impl: TlsImpl | null = null;

/** True when the options need the TLS implementation (client port, WebSocket or route TLS). */
export function optionsUseTls(o: Partial<ServerOptions>): boolean {
  const ws = o.websocket as Record<string, unknown> | undefined;
  if (o.tls !== undefined || (ws !== undefined && typeof ws.tls === "object" && ws.tls !== null)) {
    return true;
  }
  const gateway = o.gatewayConfig;
  if (gateway && (gateway.tls || gateway.gateways.some((g) => g.tls))) return true;
  // Leafnodes: accept-side `tls {}`, and any remote may meet a hub that requires TLS.
  if (o.leafnodeConfig?.tls || (o.leafnodeConfig?.remotes.length ?? 0) > 0) return true;
  const cluster = o.cluster as Record<string, unknown> | undefined;
  return cluster !== undefined && cluster !== null &&
    Object.keys(cluster).some((k) => k.toLowerCase() === "tls");
}

/** Loads the TLS implementation when these options need it. */
export async function prepareTransports(o: Partial<ServerOptions>): Promise<void> {
  if (optionsUseTls(o)) impl ??= await import("./tls_impl.ts");
}

/** The TLS implementation; {@link prepareTransports} must have loaded it. */
export function tlsImpl(): TlsImpl {
  if (impl === null) {
    throw new Error("TLS support is not loaded (await prepareTransports(options) first)");
  }
  return impl;
}
