/**
 * @module
 * The raw NATS client of the cluster benchmark (cluster.ts): plain TCP, writes pre-built bytes,
 * and a minimal parser for MSG, PING, PONG and -ERR. Runs in the benchmark's `deno run -A`
 * process.
 */

const enc = new TextEncoder();

/** Bytes the client writes and scans for. */
export const CR = 13, LF = 10, SP = 32;

/** Gets each MSG: its sid and the reply and payload as ranges of `buf` (valid during the call). */
export type MsgHandler = (
  sid: number,
  buf: Uint8Array,
  replyStart: number,
  replyEnd: number,
  payloadStart: number,
  payloadLen: number,
) => void;

/**
 * A raw TCP NATS client: `connect` sends CONNECT and waits for the first PONG; a read loop
 * parses MSG (to `onMsg`), PING, PONG and -ERR (kept in `error`).
 */
export class RawConn {
  readonly conn: Deno.TcpConn;
  #buf = new Uint8Array(1 << 20);
  #start = 0;
  #end = 0;
  #pongs: (() => void)[] = [];
  #closed = false;
  error: string | null = null;
  onMsg: MsgHandler = () => {};
  /** Called after every read that was parsed (subscriber progress). */
  onRead: () => void = () => {};

  private constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  static async connect(port: number): Promise<RawConn> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    const c = new RawConn(conn);
    c.#readLoop();
    await c.write(
      enc.encode(`CONNECT {"verbose":false,"pedantic":false,"echo":false,"protocol":1}\r\n`),
    );
    await c.ping();
    return c;
  }

  async write(b: Uint8Array): Promise<void> {
    let off = 0;
    while (off < b.length) off += await this.conn.write(b.subarray(off));
  }

  /** PING, resolved at the matching PONG (the server has processed everything sent before). */
  async ping(): Promise<void> {
    const p = new Promise<void>((r) => this.#pongs.push(r));
    await this.write(enc.encode("PING\r\n"));
    await p;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }

  async #readLoop(): Promise<void> {
    try {
      while (true) {
        if (this.#end === this.#buf.length) {
          if (this.#start > 0) {
            this.#buf.copyWithin(0, this.#start, this.#end);
            this.#end -= this.#start;
            this.#start = 0;
          } else {
            const nb = new Uint8Array(this.#buf.length * 2);
            nb.set(this.#buf.subarray(0, this.#end));
            this.#buf = nb;
          }
        }
        const n = await this.conn.read(this.#buf.subarray(this.#end));
        if (n === null) break;
        this.#end += n;
        this.#parse();
        if (this.#start === this.#end) this.#start = this.#end = 0;
        this.onRead();
      }
    } catch (e) {
      if (!this.#closed) this.error ??= `read: ${e}`;
    }
    if (!this.#closed) this.error ??= "connection closed by server";
  }

  #parse(): void {
    const b = this.#buf;
    let p = this.#start;
    const end = this.#end;
    while (p < end) {
      // control line
      let eol = -1;
      for (let i = p; i < end - 1; i++) {
        if (b[i] === CR && b[i + 1] === LF) {
          eol = i;
          break;
        }
      }
      if (eol < 0) break;
      const c0 = b[p];
      if (c0 === 77 /* M */) {
        // MSG <subject> <sid> [reply] <#bytes>
        const tok: number[] = [];
        let i = p + 4;
        let ts = i;
        for (; i <= eol; i++) {
          if (i === eol || b[i] === SP) {
            if (i > ts) tok.push(ts, i);
            ts = i + 1;
          }
        }
        let len = 0;
        for (let k = tok[tok.length - 2]; k < tok[tok.length - 1]; k++) len = len * 10 + b[k] - 48;
        const ps = eol + 2;
        if (ps + len + 2 > end) break; // wait for the rest
        let sid = 0;
        for (let k = tok[2]; k < tok[3]; k++) sid = sid * 10 + b[k] - 48;
        const hasReply = tok.length === 8;
        this.onMsg(sid, b, hasReply ? tok[4] : 0, hasReply ? tok[5] : 0, ps, len);
        p = ps + len + 2;
        continue;
      }
      if (c0 === 80 /* P */) {
        if (b[p + 1] === 73 /* PING */) {
          this.write(enc.encode("PONG\r\n")).catch(() => {});
        } else {
          this.#pongs.shift()?.();
        }
      } else if (c0 === 45 /* -ERR */) {
        this.error ??= new TextDecoder().decode(b.subarray(p, eol));
      }
      p = eol + 2;
    }
    this.#start = p;
  }
}
