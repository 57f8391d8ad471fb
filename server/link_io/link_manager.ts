/**
 * @module
 * The socket work of every link kind, driven by a {@link LinkSpec} (nats-server route.go
 * startRouteAcceptLoop / createRoute / connectToRoute, and their gateway.go and leafnode.go
 * twins): the listener and accept loop, TLS-first or INFO-then-TLS handshakes, dialing with a
 * timeout, retries and a per-attempt delay, single URLs or configured plus discovered URL sets
 * (in rotation or at random), one read loop per link, a ticker driving every active link's
 * `tick(now)`, and a shutdown that closes everything and waits for every task.
 * IMPURE shell (Deno.listen, Deno.connect, timers) beside the pure link logic of
 * `server/links/`; runs in the isolate that owns the link sockets (a single-isolate server, or
 * a link worker of a sharded one).
 */
import { preciseNow } from "../monitor/format.ts";
import { NO_PRESSURE, readLoop, type ReadPressure } from "../conn/read_loop.ts";
import { CloseReason } from "../protocol/wire_errors.ts";
import { tlsImpl } from "../transport/tls_loader.ts";
import { listenHostname, remoteHost } from "../transport/listen_host.ts";
import { listenErrorText } from "../transport/listen_errors.ts";
import type { TlsSetup } from "../transport/tls_setup.ts";
import { joinHostPort } from "../links/route/cluster_options.ts";
import {
  type DialRequest,
  type LinkSpec,
  LinkTlsMode,
  type LinkTransport,
  type LinkUrl,
  type ManagedLink,
} from "../links/core/link_spec.ts";
import { LinkUrls } from "../links/core/link_urls.ts";
import { UpgradableTransport } from "./upgradable_transport.ts";

const TICK_MS = 100;

/** What the host provides around the sockets of one link kind. */
export interface LinkManagerOptions {
  /**
   * The isolate's back-pressure sources, applied after each read by the connection core's read
   * loop (mesh rings, slow local receivers); none by default.
   */
  pressure?: ReadPressure;
  /** Milliseconds since the epoch, fractional (default: `preciseNow`). */
  now?(): number;
  /** Random numbers in [0, 1) for picking URLs (default: `Math.random`). */
  random?(): number;
  /** Ticker period (default 100 ms). */
  tickMs?: number;
}

/** Go's `dial tcp host:port: ...` text for a failed `Deno.connect`. */
export function goDialError(host: string, port: number, err: unknown): string {
  const addr = joinHostPort(host, port);
  if (err instanceof Deno.errors.ConnectionRefused) {
    return `dial tcp ${addr}: connect: connection refused`;
  }
  if (err instanceof Deno.errors.TimedOut) return `dial tcp ${addr}: i/o timeout`;
  return `dial tcp ${addr}: ${(err as Error).message.replace(/ \(os error \d+\)$/, "")}`;
}

function closeQuietly(c: { close(): void }): void {
  try {
    c.close();
  } catch {
    // already closed
  }
}

function addrText(a: Deno.NetAddr): string {
  const ip = remoteHost(a.hostname);
  const h = ip.includes(":") ? `[${ip}]` : ip;
  return `${h}:${a.port}`;
}

/** Listener, dialers, read loops and ticker of one link kind. */
export class LinkManager<T extends LinkUrl, C, L extends ManagedLink> {
  readonly spec: LinkSpec<T, C, L>;
  readonly #pressure: ReadPressure;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #tickMs: number;
  #listener: Deno.Listener | null = null;
  #port = 0;
  #running = false;
  #closed = false;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  /** Dials in flight (each rejects and aborts when called). */
  #cancels = new Set<() => void>();
  #wakers = new Set<() => void>();
  #tasks = new Set<Promise<void>>();
  /** Links still ticking: open ones and closed ones flushing their last bytes. */
  #active = new Set<L>();
  #self: ReadonlySet<string> = new Set();
  /** Connections in their TLS handshake (closed on shutdown). */
  #handshaking = new Set<Deno.Conn>();

  constructor(spec: LinkSpec<T, C, L>, opts: LinkManagerOptions = {}) {
    this.spec = spec;
    this.#pressure = opts.pressure ?? NO_PRESSURE;
    this.#now = opts.now ?? preciseNow;
    this.#random = opts.random ?? Math.random;
    this.#tickMs = opts.tickMs ?? TICK_MS;
  }

  /** The bound port (0 before {@link listen}). */
  get port(): number {
    return this.#port;
  }

  /** True between {@link run} and {@link close}. */
  get running(): boolean {
    return this.#running;
  }

  /** Links being read or still flushing. */
  get active(): ReadonlySet<L> {
    return this.#active;
  }

  /** Tasks not yet ended (accept loop, dials, handshakes, read loops). */
  get pendingTasks(): number {
    return this.#tasks.size;
  }

  /**
   * Binds the listener and logs as nats-server does (TLS warnings, then `Listening for ...`).
   * Throws the kind's `listenError` text when the port cannot be bound.
   */
  listen(): number {
    const spec = this.spec;
    const { host, port } = spec.listen;
    try {
      // A wildcard host listens dual-stack, as Go's listener does.
      this.#listener = Deno.listen({ hostname: listenHostname(host), port: port < 0 ? 0 : port });
    } catch (e) {
      throw new Error(spec.texts.listenError(listenErrorText(host, port, e)));
    }
    this.#port = (this.#listener.addr as Deno.NetAddr).port;
    if (spec.tls) {
      spec.tls.warnUnsupported(spec.tlsWhere);
      if (spec.tls.settings.insecure && spec.texts.insecureWarning) {
        spec.logger.warn(spec.texts.insecureWarning);
      }
    }
    // nats-server logs the configured host, 0.0.0.0 when none (setBaselineOptions).
    spec.logger.notice(spec.texts.listening(joinHostPort(host || "0.0.0.0", this.#port)));
    this.#self = spec.selfAddresses?.(this.#port) ?? new Set();
    return this.#port;
  }

  /** Starts the ticker and, when listening, the accept loop. Dials are taken from now on. */
  run(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    this.#ticker = setInterval(() => this.#tick(), this.#tickMs);
    if (this.#listener) this.#track(this.#acceptLoop(this.#listener));
  }

  /** Dials (after `delayMs`), retrying per the kind's policy; ignored unless running. */
  dial(request: DialRequest<T, C>): void {
    if (this.#running) this.#track(this.#connect(request));
  }

  #track(task: Promise<void>): void {
    this.#tasks.add(task);
    task.finally(() => this.#tasks.delete(task));
  }

  async #acceptLoop(listener: Deno.Listener): Promise<void> {
    try {
      for await (const conn of listener) this.#admit(conn as Deno.TcpConn, null, null);
    } catch (err) {
      if (this.#running) this.spec.logger.error(this.spec.texts.acceptError(err));
    }
  }

  /** A new socket (accepted: target null): TLS first when the kind says so, then the link. */
  #admit(conn: Deno.TcpConn, target: T | null, request: DialRequest<T, C> | null): void {
    if (!this.#running) {
      closeQuietly(conn);
      return;
    }
    try {
      conn.setNoDelay(true);
    } catch {
      // not TCP
    }
    const cid = this.spec.allocateId();
    const { tlsMode } = this.spec;
    const tls = target !== null && this.spec.dialTls ? this.spec.dialTls(target) : this.spec.tls;
    const secure = tls !== null &&
      (tlsMode === LinkTlsMode.TlsFirst || (tlsMode === LinkTlsMode.InfoThenTls && !target));
    if (secure) {
      this.#track(this.#secure(tls, conn, target, request, cid));
      return;
    }
    if (tlsMode === LinkTlsMode.InfoThenTls && target !== null) {
      // The kind's protocol may secure the socket after the remote's plaintext INFO.
      this.#startLink(conn, new UpgradableTransport(conn), target, request, cid);
      return;
    }
    this.#startLink(conn, conn, target, request, cid);
  }

  /** `startTls` of a dialed INFO-then-TLS link: the client handshake, as the kind asks. */
  #upgrader(
    conn: Deno.TcpConn,
    transport: UpgradableTransport,
    cid: number,
  ): (setup: TlsSetup, host: string) => Promise<boolean> {
    const spec = this.spec;
    const prefix = `${addrText(conn.remoteAddr as Deno.NetAddr)} - ${spec.idLabel}:${cid}`;
    return (setup, host) => {
      const upgraded = transport.upgrade(async (raw) => {
        this.#handshaking.add(conn);
        const secured = await tlsImpl().secureLink(raw, setup, {
          kind: spec.name,
          dialedHost: host,
          verifyPeer: true,
          closedText: spec.texts.handshakeClosed,
          logger: spec.logger,
          prefix,
        });
        this.#handshaking.delete(conn);
        return secured;
      });
      this.#track(upgraded.then(() => {}));
      return upgraded;
    };
  }

  async #secure(
    setup: TlsSetup,
    conn: Deno.TcpConn,
    target: T | null,
    request: DialRequest<T, C> | null,
    cid: number,
  ): Promise<void> {
    const spec = this.spec;
    const prefix = `${addrText(conn.remoteAddr as Deno.NetAddr)} - ${spec.idLabel}:${cid}`;
    const infoFirst = spec.tlsMode === LinkTlsMode.InfoThenTls;
    this.#handshaking.add(conn);
    const socket = await tlsImpl().secureLink(conn, setup, {
      kind: spec.name,
      dialedHost: target?.host ?? null,
      preface: infoFirst && target === null ? spec.acceptPreface?.(cid) ?? null : null,
      verifyPeer: !infoFirst || setup.settings.verify,
      closedText: spec.texts.handshakeClosed,
      logger: spec.logger,
      prefix,
    });
    this.#handshaking.delete(conn);
    if (socket === null) {
      if (target !== null && request !== null && this.#running) {
        spec.handshakeFailed?.(target, request);
      }
      return;
    }
    if (!this.#running) {
      socket.close();
      return;
    }
    this.#startLink(conn, socket, target, request, cid);
  }

  #startLink(
    conn: Deno.TcpConn,
    transport: LinkTransport,
    target: T | null,
    request: DialRequest<T, C> | null,
    cid: number,
  ): void {
    const addr = conn.remoteAddr as Deno.NetAddr;
    const ready = {
      transport,
      cid,
      remoteHost: remoteHost(addr.hostname),
      remotePort: addr.port,
      target,
      request,
      startTls: transport instanceof UpgradableTransport
        ? this.#upgrader(conn, transport, cid)
        : undefined,
    };
    const framed = target !== null && this.spec.wrapTransport
      ? this.spec.wrapTransport(ready)
      : transport;
    const link = this.spec.createLink(
      framed === transport ? ready : { ...ready, transport: framed },
    );
    this.#active.add(link);
    this.#track(this.#readLoop(framed, link));
  }

  /**
   * Runs a link on a transport accepted elsewhere (a leafnode connection on the WebSocket
   * listener): the kind's link, a read loop and the ticker, like an accepted socket. Closed
   * at once when not running.
   */
  adopt(transport: LinkTransport, host: string, port: number): L | null {
    if (!this.#running) {
      transport.close();
      return null;
    }
    return this.#run(transport, host, port, null, null);
  }

  /** The kind's link on a ready transport (adopted, or opened by `openTransport`). */
  #run(
    transport: LinkTransport,
    host: string,
    port: number,
    target: T | null,
    request: DialRequest<T, C> | null,
  ): L {
    const link = this.spec.createLink({
      transport,
      cid: this.spec.allocateId(),
      remoteHost: host,
      remotePort: port,
      target,
      request,
    });
    this.#active.add(link);
    this.#track(this.#readLoop(transport, link));
    return link;
  }

  /**
   * One link's read loop: the connection core's (`server/conn/read_loop.ts`), with the host's
   * back-pressure. The only place link bytes are read.
   */
  #readLoop(transport: LinkTransport, link: L): Promise<void> {
    const now = this.#now;
    const target = {
      get closed() {
        return link.closed;
      },
      feed: (bytes: Uint8Array) => link.feed(bytes, now()),
      close: (reason: string) => link.close(reason),
    };
    return readLoop(transport, target, this.#pressure);
  }

  #tick(): void {
    const now = this.#now();
    for (const link of this.#active) {
      link.tick(now);
      if (link.finished) this.#active.delete(link);
    }
  }

  /** Waits `ms`; false when the manager stopped meanwhile. */
  #sleep(ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(this.#running);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.#timers.delete(t);
        this.#wakers.delete(wake);
        resolve(this.#running);
      };
      const t = setTimeout(wake, ms);
      this.#timers.add(t);
      this.#wakers.add(wake);
    });
  }

  /** The next URL of a request and whether it is the only one it can ever pick. */
  #pick(request: DialRequest<T, C>): { target: T; single: boolean } {
    const t = request.targets;
    if (t instanceof LinkUrls) return { target: t.pick(this.#random), single: t.size === 1 };
    return { target: t, single: true };
  }

  /**
   * The URLs of the next attempt: one picked URL, or with `everyUrlPerAttempt` every URL of the
   * set in its round order (gateway.go solicitGateway).
   */
  #round(request: DialRequest<T, C>): { targets: T[]; single: boolean } {
    const t = request.targets;
    if (request.everyUrlPerAttempt && t instanceof LinkUrls) {
      return { targets: t.round(this.#random), single: t.size === 1 };
    }
    const { target, single } = this.#pick(request);
    return { targets: [target], single };
  }

  /** Dial attempts of one request (route.go connectToRoute; gateway.go, leafnode.go alike). */
  async #connect(request: DialRequest<T, C>): Promise<void> {
    const spec = this.spec;
    const log = spec.logger;
    if (!(await this.#sleep(request.delayMs))) return;
    let attempts = 0;
    let selfPicks = 0;
    while (this.#running) {
      const round = this.#round(request);
      let dialed = false;
      for (const target of round.targets) {
        if (spec.stillWanted && !spec.stillWanted(target, request)) return;
        const host = target.host === "localhost" ? "127.0.0.1" : target.host;
        const address = joinHostPort(host, target.port);
        // server.go getRandomIP: our own listener's addresses are skipped for good.
        if (this.#self.has(address)) continue;
        dialed = true;
        const every = request.firstConnect
          ? spec.retry.connectErrorReports
          : spec.retry.reconnectErrorReports;
        const report = (n: number) => n === 1 || (every > 0 && n % every === 0);
        if (spec.texts.connecting) {
          const text = spec.texts.connecting(target, address, attempts + 1);
          if (report(attempts + 1)) log.notice(text);
          else log.debug(text);
        } else log.debug(spec.texts.trying(target, address));
        const open = spec.openTransport?.(target) ?? null;
        let conn: Deno.TcpConn | LinkTransport | null = null;
        let error = "";
        try {
          conn = await this.#bounded(
            open ?? (() => Deno.connect({ hostname: host, port: target.port })),
          );
        } catch (e) {
          error = open ? `${(e as Error).message ?? e}` : goDialError(host, target.port, e);
        }
        if (conn === null) {
          const text = spec.texts.dialError(attempts + 1, error, target, address);
          if (report(attempts + 1)) log.error(text);
          else log.debug(text);
          if (!this.#running) return;
          continue;
        }
        if (!this.#running || (spec.stillWanted && !spec.stillWanted(target, request))) {
          closeQuietly(conn);
          return;
        }
        if (open) this.#run(conn, host, target.port, target, request);
        else this.#admit(conn as Deno.TcpConn, target, request);
        return;
      }
      if (!dialed) {
        // Only our own addresses: give up when nothing else can ever be picked.
        if (round.single || round.targets.length === 0 || ++selfPicks > 64) return;
        continue;
      }
      attempts++;
      const retry = spec.retry;
      if (
        !request.tryForEver && (retry.connectRetries <= 0 || attempts > retry.connectRetries) &&
        !spec.dialAbandoned?.(round.targets[0], request)
      ) {
        return;
      }
      if (!(await this.#sleep(retry.delayMs(attempts)))) return;
    }
  }

  /**
   * A dial bounded by the kind's dial timeout (Go net.DialTimeout). A timeout or {@link close}
   * rejects it and aborts `dial`'s signal (a WebSocket still connecting is closed); a late
   * connection is closed.
   */
  #bounded<X extends { close(): void }>(dial: (signal: AbortSignal) => Promise<X>): Promise<X> {
    const abort = new AbortController();
    return new Promise((resolve, reject) => {
      let done = false;
      const settle = () => {
        done = true;
        clearTimeout(t);
        this.#timers.delete(t);
        this.#cancels.delete(cancel);
      };
      const fail = (e: unknown) => {
        if (done) return;
        settle();
        abort.abort();
        reject(e);
      };
      const cancel = () => fail(new Error("dial cancelled: the server is shutting down"));
      const t = setTimeout(
        () => fail(new Deno.errors.TimedOut("i/o timeout")),
        this.spec.dialTimeoutMs,
      );
      this.#timers.add(t);
      this.#cancels.add(cancel);
      dial(abort.signal).then((conn) => {
        if (done) {
          closeQuietly(conn);
          return;
        }
        settle();
        resolve(conn);
      }, fail);
    });
  }

  /**
   * Stops listening and dialing, closes every link (the kind's `shutdownLinks`, then drops
   * unsent bytes) and waits for every task to end.
   */
  async close(): Promise<void> {
    if (this.#closed || (!this.#running && this.#listener === null)) return;
    this.#closed = true;
    this.#running = false;
    if (this.#listener) closeQuietly(this.#listener);
    for (const cancel of [...this.#cancels]) cancel();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const conn of this.#handshaking) closeQuietly(conn);
    for (const wake of [...this.#wakers]) wake();
    if (this.spec.shutdownLinks) this.spec.shutdownLinks();
    else for (const link of [...this.#active]) link.close(CloseReason.ServerShutdown);
    for (const link of this.#active) link.abort();
    clearInterval(this.#ticker);
    await Promise.allSettled([...this.#tasks]);
  }
}
