/**
 * @module
 * A dialed link's socket that the kind's protocol may secure later (nats-server leafnode.go
 * leafNodeResumeConnectProcess: the hub's INFO arrives in plaintext, then the leaf runs the
 * TLS client handshake on the same connection). Until {@link UpgradableTransport.upgrade} is
 * called it reads and writes the TCP connection; from the call on, reads and writes wait for
 * the handshake and then go through the TLS socket, so no handshake byte is read as protocol.
 * IMPURE shell (Deno.Conn). Runs in the isolate that owns the link sockets.
 */
import type { LinkTransport } from "../links/core/link_spec.ts";

/** A TCP link socket that can switch to TLS once. */
export class UpgradableTransport implements LinkTransport {
  readonly #conn: Deno.Conn;
  #inner: LinkTransport;
  #pending: Promise<LinkTransport | null> | null = null;
  #closed = false;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
    this.#inner = conn;
  }

  /** True once an upgrade was started. */
  get upgrading(): boolean {
    return this.#pending !== null;
  }

  /**
   * Runs `secure` (the TLS client handshake on the raw connection) and switches to its
   * socket; false when it failed (the handshake closed the connection).
   */
  async upgrade(secure: (conn: Deno.Conn) => Promise<LinkTransport | null>): Promise<boolean> {
    if (this.#pending !== null) return (await this.#pending) !== null;
    this.#pending = secure(this.#conn);
    const secured = await this.#pending;
    if (secured === null) return false;
    if (this.#closed) {
      secured.close();
      return false;
    }
    this.#inner = secured;
    return true;
  }

  async #current(): Promise<LinkTransport | null> {
    if (this.#pending !== null) await this.#pending;
    return this.#inner;
  }

  async read(p: Uint8Array): Promise<number | null> {
    if (this.#pending !== null && (await this.#pending) === null) return null;
    return this.#inner.read(p);
  }

  async write(p: Uint8Array): Promise<number> {
    const t = await this.#current();
    if (t === null || (this.#pending !== null && (await this.#pending) === null)) {
      throw new Deno.errors.BrokenPipe("TLS handshake failed");
    }
    return t.write(p);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#inner.close();
    } catch {
      // already closed
    }
    if (this.#inner !== this.#conn) {
      try {
        this.#conn.close();
      } catch {
        // already closed
      }
    }
  }
}
