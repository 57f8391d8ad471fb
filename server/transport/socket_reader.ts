/**
 * @module
 * Pull-style reads over a push-style `node:net`/`node:tls` socket: `data` chunks are queued
 * and copied out by {@link SocketReader.read}; the socket is paused while more than
 * {@link HIGH_WATER} bytes wait, so a fast sender is held back by TCP flow control instead of
 * growing memory. Runs in the isolate that owns the socket.
 */

import { ChunkQueue } from "./chunk_queue.ts";

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
  #incoming = new ChunkQueue();
  #paused = false;

  constructor(socket: PushSocket) {
    this.#socket = socket;
    socket.on("data", (chunk) => {
      this.#incoming.push(chunk);
      if (this.#incoming.queued > HIGH_WATER && !this.#paused) {
        this.#paused = true;
        socket.pause();
      }
    });
    socket.on("end", () => this.#incoming.end());
    socket.on("close", () => this.#incoming.end());
    socket.on("error", (err) => this.#incoming.fail(err));
  }

  /** Bytes received and not read yet. */
  get queued(): number {
    return this.#incoming.queued;
  }

  /** Copies queued bytes into `p`; resolves null at end of stream, rejects on socket error. */
  async read(p: Uint8Array): Promise<number | null> {
    const n = await this.#incoming.read(p);
    if (this.#paused && this.#incoming.queued < LOW_WATER) {
      this.#paused = false;
      this.#socket.resume();
    }
    return n;
  }
}
