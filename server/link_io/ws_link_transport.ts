/**
 * @module
 * The socket of a leafnode remote with a `ws://` or `wss://` URL (nats-server leafnode.go
 * leafNodeSolicitWSConnection): after the TCP connection (and, for `wss://`, the TLS client
 * handshake), an HTTP/1.1 upgrade request to `/leafnode` on the hub's WebSocket listener; then
 * the protocol byte stream travels in binary WebSocket messages, masked unless the hub accepted
 * `Nats-No-Masking`. Pings are answered, a close frame ends the stream. A `ws_compression`
 * remote offers permessage-deflate with no context takeover; when the hub agrees, writes above
 * {@link COMPRESS_THRESHOLD} bytes go out deflated (RSV1) and the hub's deflated messages are
 * inflated, as nats-server does on both sides; a hub that does not answer the offer gets plain
 * frames, one that answers it without no-context-takeover both ways is refused.
 * IMPURE shell (crypto, sockets through the inner transport). Runs in the isolate that owns
 * the link sockets.
 */
import type { LinkTransport } from "../links/core/link_spec.ts";
import {
  closePayload,
  COMPRESS_THRESHOLD,
  deflateMessage,
  encodeFrame,
  FrameDecoder,
  inflateMessage,
  isControl,
  MessageAssembler,
  Opcode,
} from "../transport/ws_frames.ts";
import { acceptKey, deflateSupport, PMC_RESPONSE } from "../transport/ws_raw_listener.ts";

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
  /** `ws_compression`: offer permessage-deflate (no context takeover). */
  readonly compress?: boolean;
  /** Told why the upgrade failed (nats-server logs `Error soliciting websocket connection`). */
  onError(text: string): void;
  /** Told once the upgrade succeeded (`Leafnode compression=true masking=true`). */
  onOpen?(negotiated: { compress: boolean; masking: boolean }): void;
}

/**
 * The upgrade request, headers in the order Go's `http.Request.Write` puts them (Host,
 * User-Agent, then sorted by name).
 */
export function upgradeRequest(
  hostPort: string,
  key: string,
  o: { noMasking: boolean; compress: boolean },
): string {
  return `GET /leafnode HTTP/1.1\r\nHost: ${hostPort}\r\nUser-Agent: Go-http-client/1.1\r\n` +
    `Connection: Upgrade\r\n` + (o.noMasking ? "Nats-No-Masking: true\r\n" : "") +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
    (o.compress ? `Sec-Websocket-Extensions: ${PMC_RESPONSE}\r\n` : "") +
    "Upgrade: websocket\r\n\r\n";
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
  #compress = false;
  /** Inflating received messages, in order (reads wait for it). */
  #inflating: Promise<void> = Promise.resolve();
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
      const compress = o.compress === true;
      await this.#writeAll(enc.encode(upgradeRequest(o.hostPort, key, { ...o, compress })));
      const head = await this.#readHead();
      if (head === null) {
        o.onError("EOF");
        return false;
      }
      const lines = dec.decode(head.head).split("\r\n");
      const headers = new Map<string, string>();
      const extensions: string[] = [];
      for (const line of lines.slice(1)) {
        const i = line.indexOf(":");
        if (i <= 0) continue;
        const name = line.slice(0, i).trim().toLowerCase();
        const value = line.slice(i + 1).trim();
        headers.set(name, value);
        if (name === "sec-websocket-extensions") extensions.push(value);
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
      if (compress) {
        // A hub without compression leaves the offer unanswered: plain frames then.
        const agreed = deflateSupport(extensions);
        if (agreed.deflate && !agreed.noContextTakeover) {
          o.onError("compression negotiation error");
          return false;
        }
        this.#compress = agreed.deflate;
      }
      this.#mask = !(o.noMasking && headers.get("nats-no-masking") === "true");
      o.onOpen?.({ compress: this.#compress, masking: this.#mask });
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
      if (m === null) continue;
      if (m.compressed) {
        // websocket.go wsRead: RSV1 without negotiated compression is a protocol error.
        if (!this.#compress) throw new Error("compressed frame without permessage-deflate");
        const done = this.#inflating.then(() => inflateMessage(m.payload));
        this.#inflating = done.then((payload) => {
          if (payload.length > 0) this.#queued.push(payload);
        });
      } else if (m.payload.length > 0) {
        const payload = m.payload;
        this.#inflating = this.#inflating.then(() => void this.#queued.push(payload));
      }
    }
  }

  async read(p: Uint8Array): Promise<number | null> {
    if (!(await this.#ready)) return null;
    const buf = new Uint8Array(Math.max(p.length, 4096));
    await this.#inflating;
    while (this.#queued.length === 0) {
      if (this.#ended) return null;
      const n = await this.#inner.read(buf);
      if (n === null) return null;
      this.#consume(buf.subarray(0, n));
      await this.#inflating;
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
    if (this.#compress && p.length > COMPRESS_THRESHOLD) {
      await this.#send(Opcode.Binary, await deflateMessage(p), true);
    } else {
      await this.#send(Opcode.Binary, p);
    }
    return p.length;
  }

  #send(opcode: number, payload: Uint8Array, rsv1 = false): Promise<void> {
    const mask = this.#mask ? crypto.getRandomValues(new Uint8Array(4)) : undefined;
    return this.#writeAll(encodeFrame(opcode, payload, { fin: true, mask, rsv1 }));
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
