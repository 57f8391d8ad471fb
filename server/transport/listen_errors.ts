/**
 * @module
 * Listener errors worded as Go's net package words them in nats-server 2.9.10 logs
 * (`listen tcp 0.0.0.0:4222: bind: address already in use`, `listen tcp: address 99999: invalid
 * port`), and the fatal startup line each listener kind logs (server.go `AcceptLoop`,
 * `StartMonitoring`, route.go `startRouteAcceptLoop`). Any isolate; no I/O.
 */

/** `host:port`, with an IPv6 host in brackets (Go net.JoinHostPort). */
function joinHostPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Go's error for a port it refuses before binding (`-1` means "any port" and is valid), or null.
 *
 * @example
 * ```ts
 * import { invalidPortError } from "./listen_errors.ts";
 * console.log(invalidPortError(99999)); // "listen tcp: address 99999: invalid port"
 * ```
 */
export function invalidPortError(port: number): string | null {
  if (port === -1 || (Number.isInteger(port) && port >= 0 && port <= 65535)) return null;
  return `listen tcp: address ${port}: invalid port`;
}

/**
 * Go's `listen tcp` error text for a failed bind of `host:port` (the configured host, `0.0.0.0`
 * for the default).
 */
export function listenErrorText(host: string, port: number, err: unknown): string {
  const invalid = invalidPortError(port);
  if (invalid) return invalid;
  const where = `listen tcp ${joinHostPort(host || "0.0.0.0", port)}: bind`;
  if (err instanceof Deno.errors.AddrInUse) return `${where}: address already in use`;
  if (err instanceof Deno.errors.AddrNotAvailable) {
    return `${where}: cannot assign requested address`;
  }
  if (err instanceof Deno.errors.PermissionDenied) return `${where}: permission denied`;
  return err instanceof Error ? err.message : String(err);
}

/** Prefix of the monitoring listener's error (server.go `startMonitoring`). */
export const MONITOR_LISTEN_PREFIX = "can't listen to the monitor port: ";
/** Prefix of the route listener's error (route.go `startRouteAcceptLoop`). */
export const ROUTE_LISTEN_PREFIX = "Error listening on router port: ";
/** Prefix of the gateway listener's error (gateway.go `startGatewayAcceptLoop`). */
export const GATEWAY_LISTEN_PREFIX = "Error listening on gateway port: ";

/** JetStream's startup failures (server.go Start): `Can't start JetStream: <reason>`. */
export const JETSTREAM_FATAL_PREFIX = "Can't start JetStream: ";

/**
 * The fatal line nats-server logs when `start` fails with `message` (the client listener is the
 * default culprit): monitoring errors become `Can't start monitoring: ...`, route and gateway
 * listener errors and JetStream's stand as they are, anything else is `Error listening on port: host:port, "reason"`.
 *
 * @example
 * ```ts
 * import { startupFatalLine } from "./listen_errors.ts";
 * console.log(startupFatalLine("0.0.0.0", 99999, "listen tcp: address 99999: invalid port"));
 * // Error listening on port: 0.0.0.0:99999, "listen tcp: address 99999: invalid port"
 * ```
 */
export function startupFatalLine(host: string, port: number, message: string): string {
  if (message.startsWith(MONITOR_LISTEN_PREFIX)) return `Can't start monitoring: ${message}`;
  const standsAlone = [ROUTE_LISTEN_PREFIX, GATEWAY_LISTEN_PREFIX, JETSTREAM_FATAL_PREFIX];
  if (standsAlone.some((prefix) => message.startsWith(prefix))) return message;
  return `Error listening on port: ${joinHostPort(host, port)}, ${JSON.stringify(message)}`;
}
