/**
 * @module
 * The WebSocket client listener used when `websocket { compression: true }`: `Deno.serve`
 * cannot negotiate permessage-deflate, so this one reads the HTTP/1.1 upgrade request off a
 * raw `Deno.listen`/`Deno.listenTls` connection (nats-server websocket.go wsUpgrade, behaviour
 * only). It runs the same checks as {@link WebSocketListener} ({@link checkUpgrade}, the origin
 * policy, Go `http.Error` answers and `<addr> - websocket handshake error: <reason>` logs),
 * enforces `handshake_timeout`, answers 101 with
 * `Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover;
 * client_no_context_takeover` when the client offers it (and `Nats-No-Masking: true`, then
 * accepting unmasked frames, when asked for it), and hands each client to the server
 * as the same {@link WebSocketTransport}, over a {@link RawWebSocket}. Runs in the isolate
 * that owns the listener.
 */
import type { Logger } from "../log/logger.ts";
import type { TlsSetup } from "./tls_setup.ts";
import {
  checkUpgrade,
  cookie,
  isIp,
  type WebSocketClientHandler,
  type WebSocketListener,
  type WebSocketListenerOptions,
} from "./ws_listener.ts";
import { originPolicy } from "./ws_origin.ts";
import type { WebSocketSettings } from "./ws_options.ts";
import { RawWebSocket } from "./ws_raw_socket.ts";
import { type WebSocketClientInfo, WebSocketTransport } from "./ws_transport.ts";
import { listenHostname, remoteHost } from "./listen_host.ts";

/** RFC 6455 1.3. */
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** nats-server wsPMCExtension and its answer (wsPMCFullResponse). */
export const PMC_EXTENSION = "permessage-deflate";
export const PMC_RESPONSE =
  "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
/** nats-server wsNoMaskingHeader. */
const NO_MASKING_HEADER = "Nats-No-Masking";
/** Requests with a longer head are refused (Go's `http.DefaultMaxHeaderBytes` is 1 MiB). */
const MAX_HEAD = 1024 * 1024;
const READ_SIZE = 16 * 1024;
const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  405: "Method Not Allowed",
  431: "Request Header Fields Too Large",
  503: "Service Unavailable",
};
const enc = new TextEncoder();
const dec = new TextDecoder();

/** The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key` (RFC 6455 4.2.2). */
export async function acceptKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", enc.encode(key + WS_GUID));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/** nats-server wsPMCExtensionSupport: some offered extension has a `permessage-deflate` token. */
export function offersDeflate(headers: Headers): boolean {
  const value = headers.get("sec-websocket-extensions");
  return value ? deflateSupport([value]).deflate : false;
}

/**
 * nats-server wsPMCExtensionSupport over the `Sec-WebSocket-Extensions` values: `deflate` when
 * some extension has a `permessage-deflate` token, `noContextTakeover` when the parameters after
 * it include both `server_no_context_takeover` and `client_no_context_takeover`.
 *
 * @example
 * ```ts
 * import { deflateSupport, PMC_RESPONSE } from "./ws_raw_listener.ts";
 * const s = deflateSupport([PMC_RESPONSE]);
 * if (!s.deflate || !s.noContextTakeover) throw new Error();
 * if (deflateSupport(["permessage-deflate"]).noContextTakeover) throw new Error();
 * ```
 */
export function deflateSupport(values: readonly string[]): {
  deflate: boolean;
  noContextTakeover: boolean;
} {
  for (const value of values) {
    for (const extension of value.split(",")) {
      const params = extension.split(";").map((p) => p.trim().toLowerCase());
      const at = params.indexOf(PMC_EXTENSION);
      if (at < 0) continue;
      const rest = params.slice(at + 1);
      const noContextTakeover = rest.includes("server_no_context_takeover") &&
        rest.includes("client_no_context_takeover");
      return { deflate: true, noContextTakeover };
    }
  }
  return { deflate: false, noContextTakeover: false };
}

/** A parsed request head. */
interface RequestHead {
  method: string;
  path: string;
  headers: Headers;
}

/** Parses an HTTP/1.1 request head (without the blank line); null when malformed. */
export function parseRequestHead(text: string): RequestHead | null {
  const lines = text.split("\r\n");
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0]);
  if (!m) return null;
  const headers = new Headers();
  try {
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) return null;
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
  } catch {
    return null;
  }
  return { method: m[1], path: m[2], headers };
}

/** Go `http.Error` plus nats-server's `Sec-Websocket-Version` header. */
function httpError(status: number): Uint8Array {
  const body = `${STATUS_TEXT[status] ?? "Error"}\n`;
  return enc.encode(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n` +
      "Content-Type: text/plain; charset=utf-8\r\n" +
      "Sec-Websocket-Version: 13\r\n" +
      "X-Content-Type-Options: nosniff\r\n" +
      `Date: ${new Date().toUTCString()}\r\n` +
      `Content-Length: ${body.length}\r\n` +
      "Connection: close\r\n\r\n" + body,
  );
}

function findHeadEnd(bytes: Uint8Array, length: number): number {
  for (let i = 3; i < length; i++) {
    if (
      bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13
    ) return i + 1;
  }
  return -1;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

/** The running raw WebSocket listener; same surface as {@link WebSocketListener}. */
export class RawWebSocketListener implements Pick<WebSocketListener, "host" | "port" | "scheme"> {
  readonly host: string;
  readonly port: number;
  /** `ws` or `wss`. */
  readonly scheme: "ws" | "wss";
  #listener: Deno.Listener;
  #settings: WebSocketSettings;
  #logger: Logger;
  #onClient: WebSocketClientHandler;
  #onLeaf: WebSocketClientHandler | undefined;
  #policy: ReturnType<typeof originPolicy>["policy"];
  #handshakes = new Set<Deno.Conn>();
  #closing: Promise<void> | null = null;
  #loop: Promise<void>;

  /** Binds the listener (synchronously, like `Deno.listen`). */
  constructor(
    settings: WebSocketSettings,
    tls: TlsSetup | null,
    logger: Logger,
    onClient: WebSocketClientHandler,
    options: WebSocketListenerOptions = {},
  ) {
    const { policy, errors } = originPolicy(settings.sameOrigin, settings.allowedOrigins);
    for (const e of errors) logger.error(e);
    this.#policy = policy;
    this.#settings = settings;
    this.#logger = logger;
    this.#onClient = onClient;
    this.#onLeaf = options.onLeaf;
    this.scheme = tls ? "wss" : "ws";
    const bind = {
      hostname: listenHostname(settings.host),
      port: settings.port <= 0 ? 0 : settings.port,
      ...(options.reusePort ? { reusePort: true } : {}),
    };
    this.#listener = tls
      ? Deno.listenTls({
        ...bind,
        cert: Deno.readTextFileSync(tls.settings.certFile!),
        key: Deno.readTextFileSync(tls.settings.keyFile!),
      })
      : Deno.listen(bind);
    this.host = settings.host;
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#loop = this.#acceptLoop();
  }

  async #acceptLoop(): Promise<void> {
    while (true) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return; // closed
      }
      void this.#handshake(conn);
    }
  }

  async #handshake(conn: Deno.Conn): Promise<void> {
    const addr = conn.remoteAddr as Deno.NetAddr;
    const remote: Deno.NetAddr = { ...addr, hostname: remoteHost(addr.hostname) };
    const remoteText = remote.hostname.includes(":")
      ? `[${remote.hostname}]:${remote.port}`
      : `${remote.hostname}:${remote.port}`;
    this.#handshakes.add(conn);
    const timeoutMs = this.#settings.handshakeTimeoutMs;
    const timer = timeoutMs > 0 ? setTimeout(() => closeQuietly(conn), timeoutMs) : undefined;
    const fail = async (status: number, reason?: string) => {
      if (reason) this.#logger.error(`${remoteText} - websocket handshake error: ${reason}`);
      try {
        await writeAll(conn, httpError(status));
      } catch { /* gone */ }
      closeQuietly(conn);
    };
    try {
      let buf = new Uint8Array(READ_SIZE);
      let length = 0;
      let headEnd = -1;
      while (headEnd < 0) {
        if (length === buf.length) {
          if (length >= MAX_HEAD) return await fail(431);
          const grown = new Uint8Array(buf.length * 2);
          grown.set(buf);
          buf = grown;
        }
        const n = await conn.read(buf.subarray(length));
        if (n === null) return closeQuietly(conn);
        const from = Math.max(0, length - 3);
        length += n;
        const at = findHeadEnd(buf.subarray(from, length), length - from);
        if (at >= 0) headEnd = from + at;
      }
      const head = parseRequestHead(dec.decode(buf.subarray(0, headEnd - 4)));
      if (head === null) return await fail(400);
      if (this.#closing) return await fail(503);
      const bad = checkUpgrade(head, this.#policy, this.scheme === "wss");
      if (bad) return await fail(bad.status, bad.reason);
      if (length > headEnd) {
        return await fail(400, "client sent data before handshake is complete");
      }
      await this.#upgrade(conn, head, remote);
    } catch {
      closeQuietly(conn);
    } finally {
      clearTimeout(timer);
      this.#handshakes.delete(conn);
    }
  }

  async #upgrade(conn: Deno.Conn, head: RequestHead, remote: Deno.NetAddr): Promise<void> {
    const h = head.headers;
    const compress = this.#settings.compression && offersDeflate(h);
    // websocket.go wsUpgrade: `Nats-No-Masking: true` is granted; frames may then come unmasked.
    const noMasking = h.get(NO_MASKING_HEADER) === "true";
    const answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" +
      `Connection: Upgrade\r\nSec-WebSocket-Accept: ${await acceptKey(
        h.get("sec-websocket-key")!,
      )}\r\n` +
      (compress ? `Sec-WebSocket-Extensions: ${PMC_RESPONSE}\r\n` : "") +
      (noMasking ? `${NO_MASKING_HEADER}: true\r\n` : "") + "\r\n";
    await writeAll(conn, enc.encode(answer));
    const socket = new RawWebSocket(conn, { compress, requireMask: !noMasking });
    if (head.path.startsWith("/leafnode")) {
      const onLeaf = this.#onLeaf;
      if (onLeaf === undefined) {
        this.#logger.error("Not configured to accept leaf node connections");
        socket.close();
        return;
      }
      const leaf = new WebSocketTransport(socket as unknown as WebSocket, { browser: false });
      onLeaf(leaf, remote.hostname, remote.port, compress);
      socket.start();
      return;
    }
    const ua = h.get("user-agent") ?? "";
    const fwd = h.get("x-forwarded-for");
    const jwtCookie = this.#settings.jwtCookie;
    const client: WebSocketClientInfo = {
      browser: ua.startsWith("Mozilla/"),
      forwardedFor: fwd && isIp(fwd) ? fwd : undefined,
      cookieJwt: jwtCookie ? cookie(h, jwtCookie) : undefined,
    };
    const transport = new WebSocketTransport(socket as unknown as WebSocket, client);
    this.#onClient(transport, remote.hostname, remote.port);
    socket.start();
  }

  /** Closes the listener (lame duck mode, shutdown); open WebSockets are not affected. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      closeQuietly(this.#listener);
      for (const conn of this.#handshakes) closeQuietly(conn);
      await this.#loop;
    })();
    return this.#closing;
  }
}

function closeQuietly(c: { close(): void }): void {
  try {
    c.close();
  } catch {
    // already closed
  }
}
