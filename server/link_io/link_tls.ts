/**
 * @module
 * Link TLS for any link kind (nats-server 2.9.10 client.go doTLSHandshake for a ROUTER,
 * GATEWAY or LEAF; route.go createRoute, gateway.go createGateway, leafnode.go
 * createLeafNode). TLS-first (routes, gateways): the handshake runs before any INFO or
 * CONNECT on the raw socket. INFO-then-TLS (the accept side of leaf nodes): a plaintext
 * preface (the INFO) goes out first, then the server handshake. The accepting side is the TLS
 * server and requires and verifies the peer's certificate against `ca_file` (always for routes
 * and gateways, with `verify` for leaf nodes); the dialing side is the TLS client, presents its
 * certificate and verifies the server's chain and host name (the URL's host) unless
 * `insecure`. `pinned_certs` is checked on both sides, and `timeout` bounds the handshake.
 * Uses `node:tls` over the `Deno.Conn` for both sides (`Deno.startTls` cannot present a client
 * certificate). Loaded lazily through `transport/tls_loader.ts`. Runs in the isolate that owns
 * the link sockets.
 */
import tls from "node:tls";
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "../log/logger.ts";
import { connDuplex, writeAll } from "../transport/conn_duplex.ts";
import { SocketReader } from "../transport/socket_reader.ts";
import type { TlsSetup } from "../transport/tls_setup.ts";
import {
  firstRecordError,
  peerCertificate,
  pinnedCertError,
  writeSocket,
} from "../transport/tls_transport.ts";
import { goAlertError, goVerifyError } from "../transport/tls_errors.ts";
import type { LinkTransport } from "../links/core/link_spec.ts";

/** How one link's handshake runs and logs. */
export interface SecureLinkOptions {
  /** The kind in log lines (`route`, `gateway`, `leafnode`). */
  readonly kind: string;
  /** The host dialed (this side is the TLS client), or null for an accepted link. */
  readonly dialedHost: string | null;
  /** Accepted links of INFO-then-TLS kinds: plaintext bytes sent before the handshake. */
  readonly preface?: Uint8Array | null;
  /** Accepted links: require and verify the peer's certificate (routes, gateways: always). */
  readonly verifyPeer: boolean;
  /** Notice after a failure: `Router connection closed: TLS Handshake Failure`. */
  readonly closedText: string;
  readonly logger: Logger;
  /** Log prefix: `ip:port - rid:N`. */
  readonly prefix: string;
}

type Outcome = { ok: true } | { ok: false; error: string; timeout?: boolean };

function addr(a: Deno.Addr): string {
  const n = a as Deno.NetAddr;
  return n.hostname.includes(":") ? `[${n.hostname}]:${n.port}` : `${n.hostname}:${n.port}`;
}

/** Go's x509 wording for a failed verification of the server we dialed. */
function goServerVerifyError(err: Error | string, host: string): string {
  const code = typeof err === "string" ? err : (err as { code?: string }).code ?? "";
  const msg = typeof err === "string" ? err : err.message;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID" || /altname|does not match/i.test(msg)) {
    return `x509: certificate is not valid for ${host}`;
  }
  const text = goVerifyError(code || msg);
  return text.replace("tls: failed to verify client certificate: ", "");
}

class SecuredLink implements LinkTransport {
  #socket: tls.TLSSocket;
  #conn: Deno.Conn;
  #reader: SocketReader;
  #closed = false;

  constructor(socket: tls.TLSSocket, conn: Deno.Conn) {
    this.#socket = socket;
    this.#conn = conn;
    this.#reader = new SocketReader(socket);
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#reader.read(p);
  }

  write(p: Uint8Array): Promise<number> {
    return writeSocket(this.#socket, p);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    // A TLS socket over a stream does not always close that stream: close the conn too.
    closeConn(this.#conn);
  }
}

/**
 * Runs a link's TLS handshake on `conn`: as the server for an accepted link (`dialedHost`
 * null, after the `preface` when given), as the client for a dialed one. Logs as nats-server
 * does and returns the secured socket, or null after closing the connection when the
 * handshake failed.
 */
export async function secureLink(
  conn: Deno.Conn,
  setup: TlsSetup,
  opts: SecureLinkOptions,
): Promise<LinkTransport | null> {
  const { dialedHost, logger, prefix, kind } = opts;
  const solicited = dialedHost !== null;
  if (!solicited && opts.preface && opts.preface.length > 0) {
    try {
      await writeAll(conn, opts.preface);
    } catch {
      // the peer is gone: the peek below sees EOF
    }
  }
  logger.debug(`${prefix} - Starting TLS ${kind} ${solicited ? "client" : "server"} handshake`);
  const deadline = Date.now() + setup.timeoutMs;
  const timeout = (): Outcome => ({
    ok: false,
    error: `read tcp ${addr(conn.localAddr)}->${addr(conn.remoteAddr)}: i/o timeout`,
    timeout: true,
  });
  let socket: tls.TLSSocket | null = null;
  let outcome: Outcome;
  if (solicited) {
    const insecure = setup.settings.insecure;
    const duplex = connDuplex(conn, null);
    socket = tls.connect({
      socket: duplex,
      secureContext: setup.clientContext,
      servername: isIP(dialedHost) ? undefined : dialedHost,
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    outcome = await handshake(socket, duplex, "secureConnect", conn, deadline, timeout);
    if (outcome.ok && !insecure) {
      if (!socket.authorized) {
        outcome = {
          ok: false,
          error: goServerVerifyError(String(socket.authorizationError ?? ""), dialedHost),
        };
      } else {
        const peer = socket.getPeerCertificate(false) as unknown as tls.PeerCertificate;
        const bad = tls.checkServerIdentity(dialedHost, peer);
        if (bad) outcome = { ok: false, error: goServerVerifyError(bad, dialedHost) };
      }
    }
  } else {
    const first = await peek(conn, deadline);
    if (first === "timeout") outcome = timeout();
    else if (first === null) outcome = { ok: false, error: "EOF" };
    else if (firstRecordError(first)) outcome = { ok: false, error: firstRecordError(first)! };
    else if (!setup.secureContext) {
      outcome = { ok: false, error: "tls: no certificates configured" };
    } else {
      const duplex = connDuplex(conn, first);
      socket = new tls.TLSSocket(duplex, {
        isServer: true,
        secureContext: setup.secureContext,
        requestCert: opts.verifyPeer,
        rejectUnauthorized: opts.verifyPeer,
      });
      outcome = await handshake(socket, duplex, "secure", conn, deadline, timeout);
      if (outcome.ok && opts.verifyPeer) {
        const ssl = (socket as unknown as { ssl?: { verifyError?: () => string | null } }).ssl;
        const code = typeof ssl?.verifyError === "function" ? ssl.verifyError() : null;
        if (code) outcome = { ok: false, error: goVerifyError(code) };
      }
    }
  }
  if (outcome.ok && setup.settings.pinnedCerts) {
    outcome = checkPinned(socket!, setup.settings.pinnedCerts, logger, prefix);
  }
  if (!outcome.ok) {
    logger.error(`${prefix} - TLS ${kind} handshake error: ${outcome.error}`);
    socket?.destroy();
    closeConn(conn);
    logger.notice(`${prefix} - ${opts.closedText}`);
    if (outcome.timeout) {
      setTimeout(() => logger.error(`${prefix} - TLS handshake timeout`), 0);
    }
    return null;
  }
  const s = socket!;
  const version = (s.getProtocol() ?? "").replace(/^TLSv/, "");
  const c = s.getCipher() as { standardName?: string; name: string } | null;
  logger.debug(`${prefix} - TLS handshake complete`);
  logger.debug(`${prefix} - TLS version ${version}, cipher suite ${c?.standardName ?? c?.name}`);
  return new SecuredLink(s, conn);
}

function closeConn(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

function handshake(
  socket: tls.TLSSocket,
  duplex: Duplex,
  event: "secure" | "secureConnect",
  conn: Deno.Conn,
  deadline: number,
  timeout: () => Outcome,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      socket.off(event, onSecure);
      socket.off("error", onError);
      socket.off("_tlsError", onError);
      socket.off("close", onClose);
      duplex.off("end", onClose);
      duplex.off("close", onClose);
      resolve(outcome);
    };
    const onSecure = () => finish({ ok: true });
    const onError = (err: Error) => finish({ ok: false, error: goAlertError(err, conn) });
    const onClose = () => finish({ ok: false, error: "EOF" });
    const timer = setTimeout(() => finish(timeout()), Math.max(0, deadline - Date.now()));
    socket.on(event, onSecure);
    socket.on("error", onError);
    socket.on("_tlsError", onError);
    socket.on("close", onClose);
    // The peer hanging up mid-handshake ends the stream under the TLS socket.
    duplex.on("end", onClose);
    duplex.on("close", onClose);
  });
}

/** Reads the first bytes of an accepted link, or "timeout" at the deadline. */
async function peek(conn: Deno.Conn, deadline: number): Promise<Uint8Array | null | "timeout"> {
  const buf = new Uint8Array(16 * 1024);
  const read = conn.read(buf).then(
    (n) => (n === null ? null : buf.subarray(0, n)),
    () => null,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
  });
  const result = await Promise.race([read, expired]);
  clearTimeout(timer);
  return result;
}

/** client.go matchesPinnedCert: the peer's SPKI SHA-256 must be listed. */
function checkPinned(
  socket: tls.TLSSocket,
  pins: ReadonlySet<string>,
  logger: Logger,
  prefix: string,
): Outcome {
  const error = pinnedCertError(peerCertificate(socket), pins, logger, prefix);
  return error === null ? { ok: true } : { ok: false, error };
}
