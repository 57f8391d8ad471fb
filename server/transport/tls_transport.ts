/**
 * @module
 * A client connection on a TLS listener (nats-server server.go createClient, client.go
 * doTLSHandshake): INFO goes out in plaintext on the accepted `Deno.Conn`, then
 * {@link TlsServerTransport.secure} peeks at the first bytes (a plaintext client fails with Go's
 * "first record does not look like a TLS handshake"; with `allow_non_tls` it stays plaintext),
 * runs the server handshake with `node:tls` over the conn, checks the client certificate
 * (`verify`, `pinned_certs`) and keeps it for `verify_and_map`. With `handshake_first` the
 * handshake runs before INFO. Runs in the isolate that owns the connection.
 */
import tls from "node:tls";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import type { Logger } from "../log/logger.ts";
import { CloseReason, ERR_CONNECTION_THROTTLING } from "../protocol/wire_errors.ts";
import { connDuplex, writeAll } from "./conn_duplex.ts";
import { SocketReader } from "./socket_reader.ts";
import type { TlsSetup } from "./tls_setup.ts";
import { parseCertificate, type PeerCertificate } from "./x509_der.ts";
import { goAlertError, goVerifyError } from "./tls_errors.ts";

/** What the handshake contributes to authentication. */
export interface TlsCredentials {
  /** The client certificate when the listener maps certificates to users; null = none. */
  tlsCert?: PeerCertificate | null;
}

type Outcome = { ok: true } | { ok: false; error: string; timeout?: boolean };

function addr(a: Deno.Addr): string {
  const n = a as Deno.NetAddr;
  return n.hostname.includes(":") ? `[${n.hostname}]:${n.port}` : `${n.hostname}:${n.port}`;
}

/** Writes `p` to a node TLS socket; resolves with its length once the socket took it. */
export function writeSocket(socket: tls.TLSSocket, p: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.write(Buffer.from(p.buffer, p.byteOffset, p.length), (err) => {
      if (err) reject(err);
      else resolve(p.length);
    });
  });
}

/** The peer's certificate, parsed; null when it sent none or it does not parse. */
export function peerCertificate(socket: tls.TLSSocket): PeerCertificate | null {
  const raw = (socket.getPeerCertificate(true) as { raw?: Uint8Array } | null)?.raw;
  if (!raw || raw.length === 0) return null;
  try {
    return parseCertificate(new Uint8Array(raw));
  } catch {
    return null;
  }
}

/**
 * client.go matchesPinnedCert: the peer's SPKI SHA-256 must be one of `pins`. Returns null, or
 * the error after logging what nats-server logs.
 */
export function pinnedCertError(
  cert: PeerCertificate | null,
  pins: ReadonlySet<string>,
  logger: Logger,
  prefix: string,
): string | null {
  if (!cert) {
    logger.debug(`${prefix} - Failed pinned cert test as client did not provide a certificate`);
    return "certificate not pinned";
  }
  const keyId = createHash("sha256").update(cert.spki).digest("hex");
  if (!pins.has(keyId)) {
    logger.debug(`${prefix} - Failed pinned cert test for key id: ${keyId}`);
    return "certificate not pinned";
  }
  return null;
}

/** Go's verdict on the first bytes of a would-be TLS stream (crypto/tls conn.go). */
export function firstRecordError(b: Uint8Array): string | null {
  if (b[0] === 0x80) return "tls: unsupported SSLv2 handshake received";
  if ((b[0] !== 0x16 && b[0] !== 0x15) || (b.length > 1 && b[1] >= 0x10)) {
    return "tls: first record does not look like a TLS handshake";
  }
  return null;
}

/** A client transport that upgrades to TLS after (or before) INFO. */
export class TlsServerTransport {
  readonly handshakeFirst: boolean;
  /** Set after the handshake when the listener maps certificates to users. */
  credentials: TlsCredentials | undefined;
  #conn: Deno.Conn;
  #setup: TlsSetup;
  #socket: tls.TLSSocket | null = null;
  #reader: SocketReader | null = null;
  /** Bytes read while peeking that the plaintext read loop still has to see. */
  #pre: Uint8Array | null = null;
  /** A peek read still in flight when a mixed-mode peek timed out. */
  #pendingPeek: Promise<Uint8Array | null> | null = null;
  #lastWrite: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(conn: Deno.Conn, setup: TlsSetup) {
    this.#conn = conn;
    this.#setup = setup;
    this.handshakeFirst = setup.settings.handshakeFirst;
  }

  /** True once the connection runs TLS. */
  get secured(): boolean {
    return this.#socket !== null;
  }

  /** The negotiated TLS version (`1.3`) and cipher suite, once secured. */
  get tlsState(): { version: string; cipher: string } | null {
    const s = this.#socket;
    if (!s) return null;
    const version = (s.getProtocol() ?? "").replace(/^TLSv/, "");
    const c = s.getCipher() as { standardName?: string; name: string } | null;
    return { version, cipher: c?.standardName ?? c?.name ?? "" };
  }

  read(p: Uint8Array): Promise<number | null> {
    if (this.#reader) return this.#reader.read(p);
    return this.#readPlain(p);
  }

  async #readPlain(p: Uint8Array): Promise<number | null> {
    if (!this.#pre && this.#pendingPeek) {
      this.#pre = await this.#pendingPeek;
      this.#pendingPeek = null;
      if (this.#pre === null) return null;
    }
    const pre = this.#pre;
    if (pre) {
      const n = Math.min(p.length, pre.length);
      p.set(pre.subarray(0, n));
      this.#pre = n === pre.length ? null : pre.subarray(n);
      return n;
    }
    return this.#conn.read(p);
  }

  write(p: Uint8Array): Promise<number> {
    const socket = this.#socket;
    if (!socket) {
      const done = writeAll(this.#conn, p).then(() => p.length);
      this.#lastWrite = done.catch(() => {});
      return done;
    }
    return writeSocket(socket, p);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#socket) {
      this.#socket.destroy();
      return;
    }
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }

  /**
   * Runs the server side of the handshake once the INFO written so far has gone out.
   * Returns null when the connection may proceed (secured, or plaintext under
   * `allow_non_tls`), else the close reason; failures are logged as nats-server logs them.
   */
  async secure(logger: Logger, prefix: string): Promise<string | null> {
    await this.#lastWrite;
    const setup = this.#setup;
    let deadline = Date.now() + setup.timeoutMs;
    let first: Uint8Array | null | "timeout" | undefined;
    if (setup.allowNonTls && !this.handshakeFirst) {
      first = await this.#peek(deadline);
      if (first === "timeout" || first === null || firstRecordError(first) !== null) {
        if (first !== "timeout") this.#pre = first;
        // A plaintext client has no certificate to map (auth then fails, as in nats-server).
        if (setup.settings.map) this.credentials = { tlsCert: null };
        return null;
      }
      deadline = Date.now() + setup.timeoutMs;
    }
    if (!setup.allowConnection(Date.now())) {
      this.#pre = null;
      await writeAll(this.#conn, ERR_CONNECTION_THROTTLING.line).catch(() => {});
      return CloseReason.MaxConnectionsExceeded;
    }
    logger.debug(`${prefix} - Starting TLS client connection handshake`);
    first ??= await this.#peek(deadline);
    let outcome: Outcome;
    if (first === "timeout") outcome = this.#timeout();
    else if (first === null) outcome = { ok: false, error: "EOF" };
    else if (firstRecordError(first)) outcome = { ok: false, error: firstRecordError(first)! };
    else if (!setup.secureContext) {
      outcome = { ok: false, error: "tls: no certificates configured" };
    } else outcome = await this.#handshake(first, deadline);
    if (outcome.ok) outcome = this.#checkPeer(logger, prefix);
    if (!outcome.ok) {
      logger.error(`${prefix} - TLS handshake error: ${outcome.error}`);
      if (outcome.timeout) {
        // nats-server's tlsTimeout fires after the read deadline error has closed the client.
        setTimeout(() => {
          logger.error(`${prefix} - TLS handshake timeout`);
          logger.trace(`${prefix} - ->> [-ERR Secure Connection - TLS Required]`);
        }, 0);
      }
      return CloseReason.TLSHandshakeError;
    }
    const state = this.tlsState!;
    logger.debug(`${prefix} - TLS handshake complete`);
    logger.debug(`${prefix} - TLS version ${state.version}, cipher suite ${state.cipher}`);
    return null;
  }

  #timeout(): Outcome {
    const local = addr(this.#conn.localAddr);
    const remote = addr(this.#conn.remoteAddr);
    return { ok: false, error: `read tcp ${local}->${remote}: i/o timeout`, timeout: true };
  }

  /** Reads the first bytes, or "timeout" at the deadline (the read stays pending). */
  async #peek(deadline: number): Promise<Uint8Array | null | "timeout"> {
    const buf = new Uint8Array(16 * 1024);
    const read = this.#conn.read(buf).then(
      (n) => (n === null ? null : buf.subarray(0, n)),
      () => null,
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
    });
    const result = await Promise.race([read, timeout]);
    clearTimeout(timer);
    if (result === "timeout") this.#pendingPeek = read;
    return result;
  }

  #handshake(first: Uint8Array, deadline: number): Promise<Outcome> {
    const verify = this.#setup.settings.verify;
    const socket = new tls.TLSSocket(connDuplex(this.#conn, first), {
      isServer: true,
      secureContext: this.#setup.secureContext!,
      requestCert: verify,
      rejectUnauthorized: verify,
    });
    this.#socket = socket;
    return new Promise<Outcome>((resolve) => {
      const finish = (outcome: Outcome) => {
        clearTimeout(timer);
        socket.off("secure", onSecure);
        socket.off("error", onError);
        socket.off("_tlsError", onError);
        socket.off("close", onClose);
        resolve(outcome);
      };
      const onSecure = () => finish({ ok: true });
      const onError = (err: Error) => finish({ ok: false, error: goAlertError(err, this.#conn) });
      const onClose = () => finish({ ok: false, error: "EOF" });
      const timer = setTimeout(() => finish(this.#timeout()), Math.max(0, deadline - Date.now()));
      socket.on("secure", onSecure);
      socket.on("error", onError);
      socket.on("_tlsError", onError);
      socket.on("close", onClose);
    });
  }

  /** Client certificate checks after a completed handshake: verify, pinned certs, mapping. */
  #checkPeer(logger: Logger, prefix: string): Outcome {
    const socket = this.#socket!;
    const settings = this.#setup.settings;
    if (settings.verify) {
      const ssl = (socket as unknown as { ssl?: { verifyError?: () => string | null } }).ssl;
      if (typeof ssl?.verifyError !== "function") {
        return { ok: false, error: "tls: client certificate verification unavailable" };
      }
      const code = ssl.verifyError();
      if (code) return { ok: false, error: goVerifyError(code) };
    }
    const cert = settings.map || settings.pinnedCerts ? peerCertificate(socket) : null;
    if (settings.pinnedCerts) {
      const error = pinnedCertError(cert, settings.pinnedCerts, logger, prefix);
      if (error !== null) return { ok: false, error };
    }
    this.#reader = new SocketReader(socket);
    if (settings.map) this.credentials = { tlsCert: cert };
    return { ok: true };
  }
}
