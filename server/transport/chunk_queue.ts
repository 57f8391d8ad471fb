/**
 * @module
 * Received chunks waiting for a pull-style `read(p)`: the shared part of the transports that
 * are fed by events (node sockets, WebSockets). Runs in the isolate that owns the connection.
 */

/** A FIFO of received byte chunks, read out into caller buffers. */
export class ChunkQueue {
  #chunks: Uint8Array[] = [];
  #offset = 0;
  #queued = 0;
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;

  /** Bytes received and not read yet. */
  get queued(): number {
    return this.#queued;
  }

  /** Queues a received chunk. */
  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#queued += chunk.length;
    this.#notify();
  }

  /** The stream ended: reads return null once the queue is empty. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** The stream failed (the first error is kept); `drop` discards what is queued. */
  fail(err: Error, drop = false): void {
    this.#error ??= err;
    if (drop) {
      this.#chunks = [];
      this.#offset = 0;
      this.#queued = 0;
    }
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Copies queued bytes into `p`; resolves null at end of stream, rejects on error. */
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
    return n;
  }
}
