/**
 * @module
 * A server-side WebSocket over an upgraded `Deno.Conn`, with the part of the `WebSocket` API
 * `WebSocketTransport` (ws_transport.ts) uses (`send`, `close`, `readyState`, `bufferedAmount`, `message`,
 * `close` and `error` events), so raw-listener clients get the same transport as `Deno.serve`
 * ones. Framing follows nats-server websocket.go (behaviour only): client frames must be
 * masked, pings are answered, a close frame is echoed, a protocol error is a read error that
 * drops the connection (as nats-server 2.9.10 does in effect); with permessage-deflate, messages above {@link COMPRESS_THRESHOLD} bytes go out
 * compressed and RSV1 messages are inflated. Runs in the isolate that owns the connection.
 */
import {
  closePayload,
  COMPRESS_THRESHOLD,
  deflateMessage,
  encodeFrame,
  FrameDecoder,
  FrameError,
  inflateMessage,
  isControl,
  MessageAssembler,
  Opcode,
  parseClosePayload,
} from "./ws_frames.ts";

const READ_SIZE = 64 * 1024;
/** How long a close frame we sent waits for the peer's before the TCP connection is closed. */
const CLOSE_GRACE_MS = 1000;
const enc = new TextEncoder();

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

/** How the connection was negotiated. */
export interface RawWebSocketOptions {
  /** permessage-deflate was agreed (no context takeover both ways). */
  compress: boolean;
  /** Bytes read after the handshake's head (the first frames). */
  leftover?: Uint8Array;
  /** The largest message accepted (decoded size), else close 1009. */
  maxMessage?: number;
  /** Frames must be masked (default); false once `Nats-No-Masking` was granted. */
  requireMask?: boolean;
}

/** The `WebSocket` subset `WebSocketTransport` (ws_transport.ts) needs, over a raw connection. */
export class RawWebSocket extends EventTarget {
  binaryType: BinaryType = "arraybuffer";
  readyState: number = WebSocket.OPEN;
  readonly compress: boolean;
  #conn: Deno.Conn;
  #pending = 0;
  #writes: Promise<void> = Promise.resolve();
  #decoder: FrameDecoder;
  #assembler: MessageAssembler;
  #leftover: Uint8Array | undefined;
  #closeSent = false;
  #finished = false;
  #peerClosed: (() => void) | null = null;

  constructor(conn: Deno.Conn, options: RawWebSocketOptions) {
    super();
    this.#conn = conn;
    this.compress = options.compress;
    this.#leftover = options.leftover;
    this.#decoder = new FrameDecoder({
      requireMask: options.requireMask ?? true,
      maxPayload: options.maxMessage,
    });
    this.#assembler = new MessageAssembler(options.maxMessage);
  }

  /** Bytes given to {@link send} and not yet written. */
  get bufferedAmount(): number {
    return this.#pending;
  }

  /** Starts reading frames; call once the listeners are attached. */
  start(): void {
    void this.#readLoop();
  }

  /** Queues a binary message (a string goes as a text message). */
  send(data: Uint8Array | ArrayBuffer | string): void {
    if (this.readyState !== WebSocket.OPEN) throw new Error("websocket is not open");
    const opcode = typeof data === "string" ? Opcode.Text : Opcode.Binary;
    const bytes = typeof data === "string"
      ? enc.encode(data)
      : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : data;
    const deflate = this.compress && bytes.length > COMPRESS_THRESHOLD;
    this.#enqueue(bytes.length, async () => {
      if (!deflate) return encodeFrame(opcode, bytes);
      return encodeFrame(opcode, await deflateMessage(bytes), { rsv1: true });
    });
  }

  /** Sends a close frame after the queued messages, then closes the connection. */
  close(code?: number, reason?: string): void {
    if (this.readyState === WebSocket.CLOSING || this.readyState === WebSocket.CLOSED) return;
    this.readyState = WebSocket.CLOSING;
    this.#sendClose(code === undefined ? new Uint8Array(0) : closePayload(code, reason));
    void this.#writes.then(async () => {
      await Promise.race([
        new Promise<void>((resolve) => (this.#peerClosed = resolve)),
        new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS)),
      ]);
      this.#finish();
    });
  }

  #enqueue(size: number, frame: () => Promise<Uint8Array> | Uint8Array): void {
    this.#pending += size;
    this.#writes = this.#writes.then(async () => {
      try {
        if (!this.#finished) await writeAll(this.#conn, await frame());
      } catch (err) {
        this.#fail(err);
      } finally {
        this.#pending -= size;
      }
    });
  }

  #sendClose(payload: Uint8Array): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    this.#enqueue(0, () => encodeFrame(Opcode.Close, payload));
  }

  async #readLoop(): Promise<void> {
    const buf = new Uint8Array(READ_SIZE);
    try {
      if (this.#leftover?.length && await this.#consume(this.#leftover)) return;
      this.#leftover = undefined;
      while (!this.#finished) {
        const n = await this.#conn.read(buf);
        if (n === null) break;
        if (await this.#consume(buf.subarray(0, n))) return;
      }
      this.#finish();
    } catch (err) {
      // A protocol error (FrameError) is a read error: nats-server 2.9.10 logs `read error:
      // <reason>` and drops the connection before its queued close frame goes out.
      this.#fail(err);
      this.#finish();
    }
  }

  /** Feeds received bytes; true once a close frame ended the connection. */
  async #consume(bytes: Uint8Array): Promise<boolean> {
    this.#decoder.push(bytes);
    for (let frame = this.#decoder.next(); frame !== null; frame = this.#decoder.next()) {
      if (isControl(frame.opcode)) {
        if (frame.opcode === Opcode.Ping) {
          const payload = frame.payload;
          if (!this.#closeSent) this.#enqueue(0, () => encodeFrame(Opcode.Pong, payload));
        } else if (frame.opcode === Opcode.Close) {
          const { status, reason } = parseClosePayload(frame.payload);
          this.readyState = WebSocket.CLOSING;
          this.#sendClose(status === 1005 ? new Uint8Array(0) : closePayload(status, reason));
          this.#peerClosed?.();
          await this.#writes;
          this.#finish();
          return true;
        }
        continue;
      }
      const message = this.#assembler.add(frame);
      if (message === null) continue;
      let payload = message.payload;
      if (message.compressed) {
        if (!this.compress) throw new FrameError("compressed frame without permessage-deflate");
        payload = await inflateMessage(payload);
      }
      if (this.readyState !== WebSocket.OPEN) continue;
      const data = payload.buffer.byteLength === payload.length && payload.byteOffset === 0
        ? payload.buffer as ArrayBuffer
        : payload.slice().buffer as ArrayBuffer;
      this.dispatchEvent(new MessageEvent("message", { data }));
    }
    return false;
  }

  #fail(err: unknown): void {
    if (this.#finished) return;
    const message = err instanceof Error ? err.message : String(err);
    this.dispatchEvent(new ErrorEvent("error", { message }));
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.readyState = WebSocket.CLOSED;
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
    this.dispatchEvent(new CloseEvent("close"));
  }
}
