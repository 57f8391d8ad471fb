/**
 * @module
 * Raw WebSocket test clients: {@link WsClient} speaks NATS over Deno's global `WebSocket`
 * (optionally with request headers such as `Origin` or `User-Agent`) and waits for received
 * text to match a regex; {@link httpUpgrade} sends a hand-written upgrade request over TCP to
 * see the HTTP status and body a listener answers with. Runs in the test isolate.
 */
import { waitFor } from "../helpers/poll.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** How a WebSocket ended. */
export interface WsClose {
  code: number;
  reason: string;
}

/** A NATS-over-WebSocket client with regex expectations on what it received. */
export class WsClient {
  readonly socket: WebSocket;
  /** Everything received, as text. */
  text = "";
  /** Size of each message received. */
  readonly sizes: number[] = [];
  readonly closed: Promise<WsClose>;
  #closedValue: WsClose | null = null;

  constructor(url: string, headers: Record<string, string> = {}) {
    // Deno's WebSocket accepts request headers as a second-argument option.
    const Ctor = WebSocket as unknown as new (
      url: string,
      opts: { headers: Record<string, string> },
    ) => WebSocket;
    this.socket = new Ctor(url, { headers });
    this.socket.binaryType = "arraybuffer";
    this.socket.onmessage = (e) => {
      const bytes = typeof e.data === "string" ? enc.encode(e.data) : new Uint8Array(e.data);
      this.sizes.push(bytes.length);
      this.text += dec.decode(bytes);
    };
    this.closed = new Promise((resolve) => {
      this.socket.onclose = (e) => {
        this.#closedValue = { code: e.code, reason: e.reason };
        resolve(this.#closedValue);
      };
    });
    this.socket.onerror = () => {};
  }

  /** Resolves once open; rejects if the socket closes first. */
  async open(): Promise<void> {
    await waitFor(
      () => {
        if (this.#closedValue) throw new Error(`websocket closed: ${this.#closedValue.code}`);
        return this.socket.readyState === WebSocket.OPEN;
      },
      3000,
      "websocket open",
    );
  }

  /** Sends protocol text as a binary message (or a text message). */
  send(text: string, asText = false): void {
    this.socket.send(asText ? text : enc.encode(text));
  }

  /** Waits until the received text matches. */
  async expect(pattern: RegExp, timeoutMs = 3000): Promise<RegExpMatchArray> {
    return await waitFor(() => this.text.match(pattern), timeoutMs, `ws text ${pattern}`);
  }

  close(): void {
    try {
      this.socket.close();
    } catch { /* closed */ }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 500))]);
  }
}

/** The HTTP answer to a hand-written upgrade request. */
export interface HttpAnswer {
  status: number;
  head: string;
  body: string;
}

/** Sends an upgrade request (headers given verbatim) and reads the answer's head and body. */
export async function httpUpgrade(
  port: number,
  headers: Record<string, string>,
  method = "GET",
): Promise<HttpAnswer> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const lines = [
      `${method} / HTTP/1.1`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    await conn.write(enc.encode(lines.join("\r\n") + "\r\n\r\n"));
    let text = "";
    const buf = new Uint8Array(8192);
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const headEnd = text.indexOf("\r\n\r\n");
      if (headEnd >= 0) {
        const head = text.slice(0, headEnd);
        const status = Number(head.split(" ")[1]);
        if (status === 101) return { status, head, body: "" };
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? "-1");
        const body = text.slice(headEnd + 4);
        if (length >= 0 && body.length >= length) return { status, head, body };
      }
      const n = await conn.read(buf);
      if (n === null) break;
      text += dec.decode(buf.subarray(0, n));
    }
    const headEnd = text.indexOf("\r\n\r\n");
    return {
      status: Number(text.split(" ")[1]),
      head: text.slice(0, headEnd),
      body: text.slice(headEnd + 4),
    };
  } finally {
    conn.close();
  }
}

/** A valid upgrade request's headers for `port`, with `extra` added or overriding. */
export function upgradeHeaders(
  port: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    Host: `127.0.0.1:${port}`,
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
    ...extra,
  };
}
