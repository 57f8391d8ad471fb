/**
 * @module
 * Pull-style reads over a push-style `node:net`/`node:tls` socket: `data` chunks are queued
 * and copied out by {@link SocketReader.read}; the socket is paused while more than
 * {@link HIGH_WATER} bytes wait, so a fast sender is held back by TCP flow control instead of
 * growing memory. Runs in the isolate that owns the socket.
 */

/** The socket events and flow control this reader uses (a node socket satisfies it). */
export interface PushSocket {
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "end" | "close", listener: () => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** Queued bytes above which the socket is paused. */
export const HIGH_WATER = 256 * 1024;
/** Queued bytes below which a paused socket is resumed. */
export const LOW_WATER = 64 * 1024;

/** Queue of received chunks with back-pressure. */
export class SocketReader {
  #socket: PushSocket;
  #chunks: Uint8Array[] = [];
  #offset = 0;
  #queued = 0;
  #ended = false;
  #error: Error | null = null;
  #paused = false;
  #wake: (() => void) | null = null;

  constructor(socket: PushSocket) {
    this.#socket = socket;
    socket.on("data", (chunk) => {
      this.#chunks.push(chunk);
      this.#queued += chunk.length;
      if (this.#queued > HIGH_WATER && !this.#paused) {
        this.#paused = true;
        socket.pause();
      }
      this.#notify();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("error", (err) => {
      this.#error ??= err;
      this.#notify();
    });
  }

  /** Bytes received and not read yet. */
  get queued(): number {
    return this.#queued;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Copies queued bytes into `p`; resolves null at end of stream, rejects on socket error. */
  async read(p: Uint8Array): Promise<number | null> {
    while (this.#queued === 0) {
      if (this.#error) throw this.#error;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    let n = 0;
    while (n < p.length && this.#chunks.length > 0) {
      const head = this.#chunks[0];
      const take = Math.min(p.length - n, head.length - this.#offset);
      p.set(head.subarray(this.#offset, this.#offset + take), n);
      n += take;
      this.#offset += take;
      if (this.#offset === head.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    this.#queued -= n;
    if (this.#paused && this.#queued < LOW_WATER) {
      this.#paused = false;
      this.#socket.resume();
    }
    return n;
  }
}
