/**
 * @module
 * A `node:stream` Duplex over an accepted `Deno.Conn`, so `node:tls` can run the server side
 * of a TLS handshake on a connection the server accepted with `Deno.listen` (after writing
 * the plaintext INFO on it). Reads pull from the conn only while the TLS layer wants data
 * (back-pressure); writes resolve when the conn has taken the bytes. Runs in the isolate that
 * owns the connection.
 */
import { Duplex } from "node:stream";
import { Buffer } from "node:buffer";

const READ_SIZE = 64 * 1024;

/**
 * Wraps `conn` as a Duplex. `pre` are bytes already read from the conn (the peeked start of
 * the TLS ClientHello); they are delivered first.
 */
export function connDuplex(conn: Deno.Conn, pre: Uint8Array | null): Duplex {
  let pumping = false;
  const buf = new Uint8Array(READ_SIZE);
  const duplex: Duplex = new Duplex({
    read() {
      if (pumping) return;
      pumping = true;
      pump();
    },
    write(chunk: Uint8Array, _encoding, callback) {
      writeAll(conn, chunk).then(() => callback(), (err) => callback(err as Error));
    },
    final(callback) {
      conn.closeWrite().then(() => callback(), () => callback());
    },
    destroy(err, callback) {
      try {
        conn.close();
      } catch {
        // already closed
      }
      callback(err);
    },
  });
  if (pre && pre.length > 0) duplex.push(Buffer.from(pre));

  async function pump(): Promise<void> {
    for (;;) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch (err) {
        pumping = false;
        // A read cut short because the conn was closed (our side shutting the connection down)
        // ends the stream; an 'error' then may find no listener left and go uncaught.
        const closed = err instanceof Deno.errors.Interrupted ||
          err instanceof Deno.errors.BadResource;
        if (!duplex.destroyed) duplex.destroy(closed ? undefined : err as Error);
        return;
      }
      if (n === null) {
        pumping = false;
        duplex.push(null);
        return;
      }
      if (!duplex.push(Buffer.from(buf.subarray(0, n)))) {
        pumping = false;
        return;
      }
    }
  }
  return duplex;
}

/** Writes every byte of `p` to `conn`. */
export async function writeAll(conn: Deno.Conn, p: Uint8Array): Promise<void> {
  let off = 0;
  while (off < p.length) off += await conn.write(off === 0 ? p : p.subarray(off));
}
