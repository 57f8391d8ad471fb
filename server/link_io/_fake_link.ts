/**
 * @module
 * Test support for the link manager: a trivial line protocol ("fake" kind) whose links send
 * `HELLO <cid>\n` on start and collect the lines they read, a spec builder with a recording
 * retry policy and logger, and a polling helper. Used by `link_manager_test.ts` and
 * `link_tls_test.ts` only.
 */
import { Logger } from "../log/logger.ts";
import type { TlsSetup } from "../transport/tls_setup.ts";
import { waitFor } from "../../tests/helpers/poll.ts";
import type {
  DialRequest,
  LinkSpec,
  LinkTlsMode,
  LinkTransport,
  LinkUrl,
  ManagedLink,
  ReadyTransport,
} from "../links/core/link_spec.ts";

export { waitFor };

const enc = new TextEncoder();
const dec = new TextDecoder();

/** One link of the fake kind. */
export class FakeLink implements ManagedLink {
  readonly cid: number;
  readonly target: LinkUrl | null;
  readonly lines: string[] = [];
  closed = false;
  finished = false;
  closeReason = "";
  feeds = 0;
  ticks = 0;
  #partial = "";
  #transport: LinkTransport;

  constructor(ready: ReadyTransport<LinkUrl, string>) {
    this.cid = ready.cid;
    this.target = ready.target;
    this.#transport = ready.transport;
    this.send(`HELLO ${ready.cid}`);
  }

  send(line: string): void {
    this.#transport.write(enc.encode(line + "\n")).catch(() => this.close("Write Error"));
  }

  feed(bytes: Uint8Array, _now: number): void {
    this.feeds++;
    const parts = (this.#partial + dec.decode(bytes)).split("\n");
    this.#partial = parts.pop()!;
    this.lines.push(...parts);
  }

  tick(_now: number): void {
    this.ticks++;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.abort();
  }

  abort(): void {
    if (this.finished) return;
    this.finished = true;
    try {
      this.#transport.close();
    } catch {
      // already closed
    }
  }
}

/** What a fake spec records. */
export interface FakeRecord {
  readonly log: string[];
  readonly links: FakeLink[];
  /** Attempt numbers the retry policy was asked a delay for, in order. */
  readonly delaysAsked: number[];
  readonly handshakeFailures: string[];
}

/** A spec for the fake kind; `overrides` replace fields. */
export function fakeSpec(
  overrides: Partial<LinkSpec<LinkUrl, string, FakeLink>> & {
    port?: number;
    tlsMode?: LinkTlsMode;
    tls?: TlsSetup | null;
    retryDelayMs?: number;
    connectRetries?: number;
    connectErrorReports?: number;
  } = {},
): { spec: LinkSpec<LinkUrl, string, FakeLink>; record: FakeRecord } {
  const record: FakeRecord = { log: [], links: [], delaysAsked: [], handshakeFailures: [] };
  const logger = new Logger((line) => record.log.push(line.replace(/^\[0\] /, "")), {
    pid: 0,
    debug: true,
    trace: false,
    logtime: false,
    logtimeUTC: false,
  });
  let nextId = 1;
  const { port, retryDelayMs, connectRetries, connectErrorReports, ...rest } = overrides;
  const spec: LinkSpec<LinkUrl, string, FakeLink> = {
    name: "fake",
    idLabel: "fid",
    listen: { host: "127.0.0.1", port: port ?? 0 },
    tlsMode: "none",
    tls: null,
    tlsWhere: "fake tls",
    dialTimeoutMs: 1000,
    retry: {
      connectRetries: connectRetries ?? 0,
      connectErrorReports: connectErrorReports ?? 3600,
      reconnectErrorReports: 1,
      delayMs: (attempt) => {
        record.delaysAsked.push(attempt);
        return retryDelayMs ?? 10;
      },
    },
    texts: {
      listenError: (reason) => `Error listening on fake port: ${port ?? 0} - ${reason}`,
      listening: (hostPort) => `Listening for fake connections on ${hostPort}`,
      acceptError: (err) => `Error accepting fake connection: ${err}`,
      trying: (url, address) => `Trying to connect to fake on ${url.host}:${url.port} (${address})`,
      dialError: (attempt, error) =>
        `Error trying to connect to fake (attempt ${attempt}): ${error}`,
      handshakeClosed: "Fake connection closed: TLS Handshake Failure",
    },
    logger,
    allocateId: () => nextId++,
    handshakeFailed: (url: LinkUrl, _request: DialRequest<LinkUrl, string>) => {
      record.handshakeFailures.push(url.url);
    },
    createLink: (ready) => {
      const link = new FakeLink(ready);
      record.links.push(link);
      return link;
    },
    ...rest,
  };
  return { spec, record };
}

/** A loopback URL. */
export function loopback(port: number, host = "127.0.0.1"): LinkUrl {
  return { url: `fake://${host}:${port}`, host, port };
}

/** A port nothing listens on (bound once, then released). */
export function deadPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}
