/**
 * @module
 * Dual-stack listening as Go's net.Listen does it: a wildcard host (`0.0.0.0`, `::`, or empty)
 * binds one IPv6 socket with IPV6_V6ONLY off, so IPv4 and IPv6 clients both reach it (`ss -ltn`
 * shows `*:4222` for nats-server). Log lines keep the configured host; only the hostname passed to
 * `Deno.listen`/`Deno.serve` changes. Remote IPv4 addresses then arrive IPv4-mapped
 * (`::ffff:127.0.0.1`): {@link remoteHost} strips that prefix. Any isolate.
 */
import { invalidPortError, listenErrorText } from "./listen_errors.ts";

let ipv6: boolean | null = null;

/** True when this host can bind an IPv6 socket (checked once, then cached). */
export function canListenIpv6(): boolean {
  if (ipv6 === null) {
    try {
      Deno.listen({ hostname: "::", port: 0 }).close();
      ipv6 = true;
    } catch {
      ipv6 = false;
    }
  }
  return ipv6;
}

/** True for a host meaning "all interfaces". */
export function isWildcardHost(host: string | undefined): boolean {
  return !host || host === "0.0.0.0" || host === "::" || host === "[::]";
}

/**
 * The hostname to bind for a configured host: `::` (dual-stack) for a wildcard when IPv6 is
 * available, `0.0.0.0` for a wildcard without IPv6, otherwise the host itself.
 *
 * @example
 * ```ts
 * import { listenHostname } from "./listen_host.ts";
 * console.log(listenHostname("127.0.0.1")); // "127.0.0.1"
 * ```
 */
export function listenHostname(host: string | undefined, ipv6Available = canListenIpv6()): string {
  if (!isWildcardHost(host)) return host!;
  return ipv6Available ? "::" : "0.0.0.0";
}

/**
 * A remote address as nats-server reports it: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes the
 * plain IPv4 address; anything else is returned unchanged.
 *
 * @example
 * ```ts
 * import { remoteHost } from "./listen_host.ts";
 * console.log(remoteHost("::ffff:127.0.0.1")); // "127.0.0.1"
 * ```
 */
export function remoteHost(hostname: string): string {
  if (hostname.length > 7 && hostname.slice(0, 7).toLowerCase() === "::ffff:") {
    const rest = hostname.slice(7);
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(rest)) return rest;
  }
  return hostname;
}

/**
 * Binds a client port (dual-stack on a wildcard host, `reusePort` for shards); a failure carries
 * Go's `listen tcp` text, which the process logs as nats-server's `Error listening on port` line.
 */
export function listenClientPort(
  host: string,
  configured: number,
  reusePort: boolean,
): Deno.TcpListener {
  const invalid = invalidPortError(configured);
  if (invalid) throw new Error(invalid);
  const port = configured <= 0 ? 0 : configured;
  try {
    return Deno.listen({
      hostname: listenHostname(host),
      port,
      transport: "tcp",
      ...(reusePort ? { reusePort: true } : {}),
    });
  } catch (err) {
    throw new Error(listenErrorText(host, configured, err));
  }
}

/** What {@link acceptLoop} needs of the server. */
export interface AcceptHandlers {
  /** Accepting starts once this settles (a shard waits until the mesh is linked). */
  after?: Promise<unknown>;
  running(): boolean;
  /** A new TCP connection (no-delay set) from `host:port`. */
  serve(conn: Deno.TcpConn, host: string, port: number): void;
  /** The listener failed while the server runs (`Error accepting client connection: ...`). */
  error(err: unknown): void;
}

/** Accepts connections on `listener` until it closes (nats-server AcceptLoop). */
export async function acceptLoop(listener: Deno.Listener, h: AcceptHandlers): Promise<void> {
  try {
    if (h.after) await h.after;
    if (!h.running()) return;
    for await (const conn of listener) {
      const tcp = conn as Deno.TcpConn;
      try {
        tcp.setNoDelay(true);
      } catch {
        // not a TCP socket
      }
      const addr = tcp.remoteAddr as Deno.NetAddr;
      h.serve(tcp, remoteHost(addr.hostname), addr.port);
    }
  } catch (err) {
    if (h.running()) h.error(err);
  }
}

/** Closes a listener that may already be closed (shutdown, lame duck). */
export function closeListener(listener: Deno.Listener | null): void {
  try {
    listener?.close();
  } catch {
    // already closed
  }
}
