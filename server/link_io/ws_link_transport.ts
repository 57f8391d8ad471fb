/**
 * @module
 * The socket of a leafnode remote with a `ws://` or `wss://` URL (nats-server leafnode.go
 * leafNodeSolicitWSConnection): after the TCP connection (and, for `wss://`, the TLS client
 * handshake), an HTTP/1.1 upgrade request to `/leafnode` on the hub's WebSocket listener; then
 * the protocol byte stream travels in binary WebSocket messages, masked unless the hub accepted
 * `Nats-No-Masking`. Pings are answered, a close frame ends the stream. Compression is not
 * offered (a `ws_compress` remote runs uncompressed, which nats-server hubs accept).
 * IMPURE shell (crypto, sockets through the inner transport). Runs in the isolate that owns
 * the link sockets.
 */
import type { LinkTransport } from "../links/core/link_spec.ts";
import {
  closePayload,
  encodeFrame,
  FrameDecoder,
  isControl,
  MessageAssembler,
  Opcode,
} from "../transport/ws_frames.ts";
import { acceptKey } from "../transport/ws_raw_listener.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
/** Longest HTTP response head accepted (nats-server reads it with MAX_CONTROL_LINE_SIZE). */
const MAX_HEAD = 4096;

/** How to open one WebSocket leafnode connection. */
export interface WsLinkOptions {
  /** `host:port` for the Host header. */
  readonly hostPort: string;
  /** Runs the TLS client handshake first (`wss://`); null for `ws://`. */
  readonly secure: (() => Promise<boolean>) | null;
  /** `ws_no_masking`: ask the hub to accept unmasked frames. */
  readonly noMasking: boolean;
  /** Told why the upgrade failed (nats-server logs `Error soliciting websocket connection`). */
  onError(text: string): void;
  /** Told once the upgrade succeeded (`Leafnode compression=false masking=true`). */
  onOpen?(masking: boolean): void;
}

/** A WebSocket client stream over a link socket. */
export class WsLinkTransport implements LinkTransport {
  readonly #inner: LinkTransport;
  readonly #ready: Promise<boolean>;
  readonly #decoder = new FrameDecoder({ requireMask: false });
  readonly #assembler = new MessageAssembler();
  /** Payload bytes received and not yet read. */
  #queued: Uint8Array[] = [];
  #mask = true;
  #ended = false;
  #closed = false;

  constructor(inner: LinkTransport, options: WsLinkOptions) {
    this.#inner = inner;
    this.#ready = this.#open(options);
  }

  async #open(o: WsLinkOptions): Promise<boolean> {
    try {
      if (o.secure !== null && !(await o.secure())) return false;
      const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
      const request =
        `GET /leafnode HTTP/1.1\r\nHost: ${o.hostPort}\r\nUser-Agent: Go-http-client/1.1\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
        `Upgrade: websocket\r\n` + (o.noMasking ? "Nats-No-Masking: true\r\n" : "") + "\r\n";
      await this.#writeAll(enc.encode(request));
      const head = await this.#readHead();
      if (head === null) {
        o.onError("EOF");
        return false;
      }
      const lines = dec.decode(head.head).split("\r\n");
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const i = line.indexOf(":");
        if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
      }
      const status = lines[0].split(" ")[1];
      if (
        status !== "101" || headers.get("upgrade")?.toLowerCase() !== "websocket" ||
        headers.get("connection")?.toLowerCase() !== "upgrade" ||
        headers.get("sec-websocket-accept") !== await acceptKey(key)
      ) {
        o.onError("invalid websocket connection");
        return false;
      }
      this.#mask = !(o.noMasking && headers.get("nats-no-masking") === "true");
      o.onOpen?.(this.#mask);
      if (head.rest.length > 0) this.#consume(head.rest);
      return true;
    } catch (e) {
      o.onError((e as Error).message);
      return false;
    }
  }

  /** Reads the HTTP response head; returns it and the bytes after it. */
  async #readHead(): Promise<{ head: Uint8Array; rest: Uint8Array } | null> {
    let buf = new Uint8Array(0);
    const chunk = new Uint8Array(MAX_HEAD);
    while (buf.length < MAX_HEAD) {
      const n = await this.#inner.read(chunk);
      if (n === null) return null;
      const next = new Uint8Array(buf.length + n);
      next.set(buf);
      next.set(chunk.subarray(0, n), buf.length);
      buf = next;
      for (let i = 3; i < buf.length; i++) {
        if (buf[i] === 0x0a && buf[i - 1] === 0x0d && buf[i - 2] === 0x0a && buf[i - 3] === 0x0d) {
          return { head: buf.subarray(0, i - 3), rest: buf.slice(i + 1) };
        }
      }
    }
    throw new Error("websocket upgrade response too long");
  }

  #consume(bytes: Uint8Array): void {
    this.#decoder.push(bytes);
    for (let f = this.#decoder.next(); f !== null; f = this.#decoder.next()) {
      if (isControl(f.opcode)) {
        if (f.opcode === Opcode.Ping) void this.#send(Opcode.Pong, f.payload).catch(() => {});
        else if (f.opcode === Opcode.Close) this.#ended = true;
        continue;
      }
      const m = this.#assembler.add(f);
      if (m !== null && m.payload.length > 0) this.#queued.push(m.payload);
    }
  }

  async read(p: Uint8Array): Promise<number | null> {
    if (!(await this.#ready)) return null;
    const buf = new Uint8Array(Math.max(p.length, 4096));
    while (this.#queued.length === 0) {
      if (this.#ended) return null;
      const n = await this.#inner.read(buf);
      if (n === null) return null;
      this.#consume(buf.subarray(0, n));
    }
    const first = this.#queued[0];
    const n = Math.min(first.length, p.length);
    p.set(first.subarray(0, n));
    if (n === first.length) this.#queued.shift();
    else this.#queued[0] = first.subarray(n);
    return n;
  }

  async write(p: Uint8Array): Promise<number> {
    if (!(await this.#ready)) throw new Deno.errors.BrokenPipe("websocket not open");
    await this.#send(Opcode.Binary, p);
    return p.length;
  }

  #send(opcode: number, payload: Uint8Array): Promise<void> {
    const mask = this.#mask ? crypto.getRandomValues(new Uint8Array(4)) : undefined;
    return this.#writeAll(encodeFrame(opcode, payload, { fin: true, mask }));
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let off = 0;
    while (off < bytes.length) off += await this.#inner.write(bytes.subarray(off));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.#ready.then((open) => {
      if (!open) return;
      return this.#send(Opcode.Close, closePayload(1000)).catch(() => {});
    }).finally(() => {
      try {
        this.#inner.close();
      } catch {
        // already closed
      }
    });
  }
}
