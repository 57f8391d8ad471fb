/**
 * @module
 * A WebSocket test client over raw TCP and the server's frame codec (`ws_frames.ts`), so a test
 * controls the upgrade request (offering `permessage-deflate`), sees the 101 response's
 * headers, sends masked, optionally compressed messages, and records whether each message it
 * received was compressed. Runs in the test isolate.
 */
import {
  deflateMessage,
  encodeFrame,
  FrameDecoder,
  inflateMessage,
  isControl,
  MessageAssembler,
  Opcode,
  parseClosePayload,
} from "../../server/transport/ws_frames.ts";
import { waitFor } from "../helpers/poll.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** One message the client received. */
export interface ReceivedMessage {
  compressed: boolean;
  /** Decompressed text. */
  text: string;
}

/** A connected raw WebSocket client. */
export class RawWsClient {
  readonly head: string;
  readonly messages: ReceivedMessage[] = [];
  /** Close frame status and reason received, if any. */
  closeFrame: { status: number; reason: string } | null = null;
  /** The server closed the connection. */
  ended = false;
  #conn: Deno.Conn;
  #loop: Promise<void>;
  #error: unknown = null;

  private constructor(conn: Deno.Conn, head: string, rest: Uint8Array) {
    this.#conn = conn;
    this.head = head;
    this.#loop = this.#read(rest).catch((e) => void (this.#error = e));
  }

  /** Upgrades on `port` (`GET /`), adding `headers`; throws unless the answer is 101. */
  static async connect(port: number, headers: Record<string, string> = {}): Promise<RawWsClient> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const lines = [
      "GET / HTTP/1.1",
      `Host: 127.0.0.1:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    await conn.write(enc.encode(lines.join("\r\n") + "\r\n\r\n"));
    let got = new Uint8Array(0);
    const buf = new Uint8Array(4096);
    for (;;) {
      const text = dec.decode(got);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        const head = text.slice(0, end);
        if (!head.startsWith("HTTP/1.1 101 ")) {
          conn.close();
          throw new Error(`upgrade refused: ${head}`);
        }
        const headBytes = enc.encode(text.slice(0, end + 4)).length;
        return new RawWsClient(conn, head, got.slice(headBytes));
      }
      const n = await conn.read(buf);
      if (n === null) throw new Error("closed during the handshake");
      const grown = new Uint8Array(got.length + n);
      grown.set(got);
      grown.set(buf.subarray(0, n), got.length);
      got = grown;
    }
  }

  /** A response header's value (case-insensitive name), or null. */
  header(name: string): string | null {
    for (const line of this.head.split("\r\n").slice(1)) {
      const colon = line.indexOf(":");
      if (line.slice(0, colon).trim().toLowerCase() === name.toLowerCase()) {
        return line.slice(colon + 1).trim();
      }
    }
    return null;
  }

  /** Everything received, decompressed, as text. */
  get text(): string {
    return this.messages.map((m) => m.text).join("");
  }

  async #read(rest: Uint8Array): Promise<void> {
    const decoder = new FrameDecoder();
    const assembler = new MessageAssembler();
    const buf = new Uint8Array(64 * 1024);
    let chunk: Uint8Array | null = rest;
    while (chunk !== null) {
      decoder.push(chunk);
      for (let f = decoder.next(); f !== null; f = decoder.next()) {
        if (f.masked) throw new Error("server frames must not be masked");
        if (isControl(f.opcode)) {
          if (f.opcode === Opcode.Close) {
            this.closeFrame = parseClosePayload(f.payload);
          }
          continue;
        }
        const m = assembler.add(f);
        if (!m) continue;
        const payload = m.compressed ? await inflateMessage(m.payload) : m.payload;
        this.messages.push({ compressed: m.compressed, text: dec.decode(payload) });
      }
      const n = await this.#conn.read(buf);
      chunk = n === null ? null : buf.subarray(0, n);
    }
    this.ended = true;
  }

  /** Sends one binary message, deflated (RSV1) when `compress`, masked unless `masked` is false. */
  async send(text: string, compress: boolean, masked = true): Promise<void> {
    const payload = compress ? await deflateMessage(enc.encode(text)) : enc.encode(text);
    const mask = masked ? crypto.getRandomValues(new Uint8Array(4)) : undefined;
    await this.#conn.write(encodeFrame(Opcode.Binary, payload, { rsv1: compress, mask }));
  }

  /** Waits until the server closes the connection; resolves the close frame it sent, if any. */
  async closed(timeoutMs = 3000): Promise<{ status: number; reason: string } | null> {
    await waitFor(() => this.ended || this.#error, timeoutMs, "connection closed");
    return this.closeFrame;
  }

  /** Waits until the received text matches. */
  async expect(pattern: RegExp, timeoutMs = 3000): Promise<RegExpMatchArray> {
    return await waitFor(
      () => {
        if (this.#error) throw this.#error;
        return this.text.match(pattern);
      },
      timeoutMs,
      `ws text ${pattern}`,
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#conn.close();
    } catch { /* closed */ }
    await this.#loop;
  }
}
