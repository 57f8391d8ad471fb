/**
 * @module
 * RawClient: a raw NATS protocol test client over `Deno.connect`. It sends text or bytes and
 * waits (with a deadline, never a sleep) until what it received matches a regex. Received bytes
 * are kept as a binary string (one char per byte), so offsets equal byte counts; use
 * {@link bin} to build expectations for UTF-8 text. Runs in the test isolate.
 */

const encoder = new TextEncoder();

/** Encodes `text` as UTF-8 and returns it as a binary string (one char per byte). */
export function bin(text: string): string {
  return bytesToBinary(encoder.encode(text));
}

function bytesToBinary(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/** Escapes `text` for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One MSG or HMSG delivery. Text fields are binary strings. */
export interface Delivery {
  op: "MSG" | "HMSG";
  subject: string;
  sid: string;
  reply?: string;
  /** Header block (HMSG only), including the trailing blank line. */
  headers?: string;
  payload: string;
}

/** Where to connect: any {@link Target} fits. */
export interface Address {
  host: string;
  port: number;
}

type Waiter = () => void;

/** The INFO line as nats-server 2.9.10 writes it: `INFO {json} \r\n`. */
export const INFO_LINE = /^INFO (\{[^\r\n]*\}) \r\n/;

/** A raw-protocol connection to a server under test. Dispose of it with `await using`. */
export class RawClient {
  readonly #conn: Deno.TcpConn;
  #text = "";
  #received = 0;
  #eof = false;
  #closedByUs = false;
  #readError: unknown;
  #waiters = new Set<Waiter>();
  #paused = false;
  #resume: PromiseWithResolvers<void> | undefined;
  readonly #loop: Promise<void>;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
    this.#loop = this.#readLoop();
  }

  /** Opens a TCP connection; the INFO the server sends is left unread in the buffer. */
  static async dial(address: Address): Promise<RawClient> {
    const conn = await Deno.connect({ hostname: address.host, port: address.port });
    conn.setNoDelay(true);
    return new RawClient(conn);
  }

  /**
   * Dials, reads INFO, sends CONNECT (merged over `{verbose:false, pedantic:false}`) and
   * completes a PING/PONG round trip, so the connection is registered when this returns.
   * With `verbose:true` the CONNECT's `+OK` is consumed too.
   */
  static async open(
    address: Address,
    connectOpts: Record<string, unknown> = {},
  ): Promise<RawClient> {
    const client = await RawClient.dial(address);
    try {
      await client.readInfo();
      await client.connect(connectOpts);
      const before = await client.flush();
      const ack = connectOpts.verbose === true ? "+OK\r\n" : "";
      if (before !== ack) throw new Error(`CONNECT answered with ${JSON.stringify(before)}`);
    } catch (err) {
      await client.close();
      throw err;
    }
    return client;
  }

  /** Total bytes received so far. */
  get receivedBytes(): number {
    return this.#received;
  }

  /** True once the server closed the connection (EOF or reset). */
  get closed(): boolean {
    return this.#eof;
  }

  /** Received text not consumed yet. */
  pending(): string {
    return this.#text;
  }

  async #readLoop(): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        if (this.#paused) {
          this.#resume = Promise.withResolvers<void>();
          await this.#resume.promise;
          if (this.#closedByUs) break;
        }
        const n = await this.#conn.read(buf);
        if (n === null) break;
        this.#received += n;
        this.#text += bytesToBinary(buf.subarray(0, n));
        this.#notify();
      }
    } catch (err) {
      if (!this.#closedByUs) this.#readError = err;
    } finally {
      this.#eof = true;
      this.#notify();
    }
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** Stops reading from the socket (the server's writes then back up). */
  pause(): void {
    this.#paused = true;
  }

  /** Resumes reading after {@link pause}. */
  resume(): void {
    this.#paused = false;
    this.#resume?.resolve();
  }

  /** Sends text (encoded as UTF-8) or bytes. Throws if the socket fails. */
  async send(data: string | Uint8Array): Promise<void> {
    let bytes = typeof data === "string" ? encoder.encode(data) : data;
    while (bytes.length > 0) {
      const n = await this.#conn.write(bytes);
      bytes = bytes.subarray(n);
    }
  }

  /** Like {@link send}, but returns false instead of throwing when the socket is broken. */
  async trySend(data: string | Uint8Array): Promise<boolean> {
    try {
      await this.send(data);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Waits until `probe` returns a value for the unconsumed text, or fails on timeout or
   * when the connection closes first. `probe` may throw to fail fast.
   */
  #waitUntil<T>(probe: (text: string) => T | undefined, timeoutMs: number, what: string) {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          finish(new Error(`timed out after ${timeoutMs}ms waiting for ${what}; ${this.#dump()}`)),
        timeoutMs,
      );
      const finish = (err: Error | undefined, value?: T) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (err) reject(err);
        else resolve(value as T);
      };
      const check = () => {
        let value: T | undefined;
        try {
          value = probe(this.#text);
        } catch (err) {
          return finish(err as Error);
        }
        if (value !== undefined) return finish(undefined, value);
        if (this.#eof) {
          const cause = this.#readError ? ` (${this.#readError})` : "";
          finish(new Error(`connection closed${cause} while waiting for ${what}; ${this.#dump()}`));
        }
      };
      this.#waiters.add(check);
      check();
    });
  }

  #dump(): string {
    const text = this.#text.length > 400 ? this.#text.slice(0, 400) + "..." : this.#text;
    return `unconsumed: ${JSON.stringify(text)}`;
  }

  /** Waits until `re` matches the unconsumed text; consumes through the end of the match. */
  expect(re: RegExp, timeoutMs = 2000): Promise<RegExpExecArray> {
    const pattern = new RegExp(re.source, re.flags.replace("g", ""));
    return this.#waitUntil(
      (text) => {
        const m = pattern.exec(text);
        if (!m) return undefined;
        this.#text = text.slice(m.index + m[0].length);
        return m;
      },
      timeoutMs,
      String(re),
    );
  }

  /**
   * Reads the INFO line the server sends first and returns its parsed JSON. nats-server
   * writes `INFO {json} \r\n` (a space before CRLF); {@link INFO_LINE} accepts exactly that.
   */
  async readInfo(timeoutMs = 2000): Promise<Record<string, unknown>> {
    const m = await this.expect(INFO_LINE, timeoutMs);
    return JSON.parse(m[1]);
  }

  /** Sends `CONNECT {json}`; defaults to `verbose:false, pedantic:false`. */
  async connect(opts: Record<string, unknown> = {}): Promise<void> {
    await this.send(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, ...opts })}\r\n`);
  }

  /**
   * Sends PING and waits for PONG; returns everything received before it. PONG is a barrier:
   * the server has processed everything sent before the PING.
   */
  async flush(timeoutMs = 2000): Promise<string> {
    await this.send("PING\r\n");
    const m = await this.expect(/PONG\r\n/, timeoutMs);
    return m.input.slice(0, m.index);
  }

  /** Barrier asserting that nothing but PONG arrives in answer to a PING. */
  async expectNothing(timeoutMs = 2000): Promise<void> {
    const before = await this.flush(timeoutMs);
    if (before !== "") {
      throw new Error(`expected nothing before PONG, got ${JSON.stringify(before)}`);
    }
  }

  /** Waits for the next frame to be a MSG or HMSG and returns it (payload included). */
  expectMsg(timeoutMs = 2000): Promise<Delivery> {
    return this.#waitUntil(
      (text) => {
        const eol = text.indexOf("\r\n");
        if (eol < 0) return undefined;
        const line = text.slice(0, eol);
        const args = line.split(" ");
        const op = args.shift();
        if (op !== "MSG" && op !== "HMSG") {
          throw new Error(`expected MSG or HMSG, got ${JSON.stringify(line)}; ${this.#dump()}`);
        }
        const total = Number(args[args.length - 1]);
        const headerLen = op === "HMSG" ? Number(args[args.length - 2]) : 0;
        const fixed = op === "HMSG" ? 4 : 3;
        const start = eol + 2;
        if (text.length < start + total + 2) return undefined;
        if (text.slice(start + total, start + total + 2) !== "\r\n") {
          throw new Error(
            `payload of ${JSON.stringify(line)} not followed by CRLF; ${this.#dump()}`,
          );
        }
        this.#text = text.slice(start + total + 2);
        const body = text.slice(start, start + total);
        const delivery: Delivery = {
          op,
          subject: args[0],
          sid: args[1],
          payload: body.slice(headerLen),
        };
        if (args.length === fixed + 1) delivery.reply = args[2];
        if (op === "HMSG") delivery.headers = body.slice(0, headerLen);
        return delivery;
      },
      timeoutMs,
      "MSG/HMSG",
    );
  }

  /**
   * Waits for the server to close the connection; returns the unconsumed text received
   * before the close (e.g. `-ERR '...'\r\n`, or "" for a close without a word).
   */
  async expectClosed(timeoutMs = 2000): Promise<string> {
    if (this.#paused) this.resume();
    await this.#waitUntil(() => this.#eof || undefined, timeoutMs, "the server to close");
    const rest = this.#text;
    this.#text = "";
    return rest;
  }

  /** Closes the socket (if still open) and waits for the read loop to end. */
  async close(): Promise<void> {
    if (!this.#closedByUs) {
      this.#closedByUs = true;
      try {
        this.#conn.close();
      } catch { /* already closed */ }
      this.#resume?.resolve();
    }
    await this.#loop;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
