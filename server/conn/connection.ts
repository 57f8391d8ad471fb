/**
 * @module
 * The connection core shared by every connection kind (client, route, and next gateway and
 * leaf): the coalescing outbound buffer flushed once per turn, the message and byte counters,
 * the PING timer with stale detection (nats-server client.go setFirstPingTimer /
 * processPingTimer, the same rule for every kind), the slow-consumer cut at `max_pending` and
 * at `write_deadline`, the producer stall registration, and the bounded flush on close. A kind
 * extends {@link Connection} with its protocol (its parser sink) and nothing else; the read side
 * is the one read loop of `read_loop.ts`.
 * PURE: no Deno APIs, timers or console output: time and timers come from an injected
 * {@link Clock}. Runs in the isolate that owns the socket.
 */
import type { Logger } from "../log/logger.ts";
import type { Flushable, ServerStats } from "../client/context.ts";
import { Outbound, type Writer } from "../client/outbound.ts";
import type { FanOut } from "../routing/fan_out.ts";
import { STALL_BYTES } from "../routing/fan_out.ts";
import { CloseReason, ERR_STALE_CONNECTION } from "../protocol/wire_errors.ts";
import type { Clock, TimerHandle } from "./clock.ts";

const PING = new TextEncoder().encode("PING\r\n");
const PONG_LINE = new TextEncoder().encode("PONG\r\n");

/** Longest the queued output of a closing connection may take to go out. */
const CLOSE_FLUSH_MS = 500;
/** nats-server DEFAULT_RTT_MEASUREMENT_INTERVAL: a PING is due at least this often. */
const RTT_MEASUREMENT_MS = 60 * 60_000;
/** nats-server gatewayMaxPingInterval. */
const GATEWAY_MAX_PING_MS = 15_000;

/** The options a connection reads (live: a reload replaces them). */
export interface ConnectionLimits {
  readonly maxPending: number;
  readonly pingIntervalMs: number;
  readonly pingMax: number;
  readonly writeDeadlineMs: number;
}

/** What a connection needs from the server that owns it. */
export interface ConnectionServices {
  readonly options: ConnectionLimits;
  readonly logger: Logger;
  readonly stats: ServerStats;
  readonly fanOut: FanOut;
  readonly clock: Clock;
  /** Queues a connection for the flush at the end of this turn. */
  markDirty(c: Flushable): void;
}

/** The socket side the core writes to and closes. */
export interface ConnectionTransport extends Writer {
  /** `reason` is the close reason (a WebSocket transport sends it in its close frame). */
  close(reason?: string): void;
}

/** Per-kind behaviour of the core (nats-server switches on `c.kind` for these). */
export interface ConnectionProfile {
  /** `Client`, `Router`, `Gateway`, `Leafnode`: the `<kind> Ping Timer` debug line. */
  readonly pingTimerName: string;
  /** First PING at most this long after the start (firstClientPingInterval / firstPingInterval). */
  readonly firstPingMs: number;
  /** Gateways: PINGs regardless of traffic, at most every 15 s. */
  readonly alwaysPing: boolean;
}

/** One connection of any kind: output, counters, pings, slow consumer, close. */
export abstract class Connection implements Flushable {
  readonly cid: number;
  readonly out: Outbound;
  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  /** Last read or delivery (ms since the epoch). */
  lastActivity: number;
  /** Round trip in ms (`/connz` and `/routez` `rtt`); 0 until measured. */
  rttMs = 0;
  closed = false;
  closeReason: string | null = null;
  protected readonly services: ConnectionServices;
  readonly #profile: ConnectionProfile;
  readonly #transport: ConnectionTransport;
  #dirty = false;
  /** A message was appended since the last flush: the flush counts as activity. */
  #delivered = false;
  #pingTimer: TimerHandle | null = null;
  #pingsOut = 0;
  #pingSentAt = 0;
  #lastPingIn = 0;
  #closeTimer: TimerHandle | null = null;
  #transportClosed = false;

  protected constructor(
    services: ConnectionServices,
    profile: ConnectionProfile,
    cid: number,
    transport: ConnectionTransport,
  ) {
    this.services = services;
    this.#profile = profile;
    this.cid = cid;
    this.#transport = transport;
    this.lastActivity = services.clock.now();
    this.out = new Outbound(transport, () => services.clock.now());
    this.out.onError = () => this.close(CloseReason.WriteError);
    this.out.onDrained = () => {
      if (this.closed) this.closeTransport();
    };
  }

  /** `ip:port - cid:N` (or `rid:N`, ...): every log line of this connection starts with it. */
  abstract get logPrefix(): string;

  /** Closes the connection with a nats-server close reason. */
  abstract close(reason: string): void;

  // ---- output ----------------------------------------------------------------------------

  /** Queues protocol bytes (INFO, PONG, -ERR ...) for the end-of-turn flush. */
  protected queueOutput(bytes: Uint8Array): void {
    if (this.closed) return;
    this.out.append(bytes);
    this.queueFlush();
  }

  /** Queues this connection for the end-of-turn flush, once per turn. */
  protected queueFlush(): void {
    if (this.#dirty) return;
    this.#dirty = true;
    this.services.markDirty(this);
  }

  /**
   * After a message was appended to {@link out}: counts it, cuts a slow consumer over
   * `max_pending`, queues the flush, and registers a receiver far behind so that the
   * publisher's read loop waits for it (producer stall).
   */
  noteDelivery(bytes: number): void {
    this.outMsgs++;
    this.outBytes += bytes;
    const stats = this.services.stats;
    stats.outMsgs++;
    stats.outBytes += bytes;
    this.noteOutput();
  }

  /** {@link noteDelivery} without the counters (a no-responders status). */
  noteOutput(): void {
    if (this.out.pending > this.services.options.maxPending) {
      this.slowConsumer(CloseReason.SlowConsumerPendingBytes);
      return;
    }
    this.#delivered = true;
    this.queueFlush();
    if (this.out.pending > this.stallBytes) this.services.fanOut.noteStalled(this);
  }

  /**
   * Pending bytes past which this connection stalls its producers: {@link STALL_BYTES}, or half
   * `max_pending` when lower (nats-server queueOutbound: `pb > mp/2`). Without the lower level a
   * small `max_pending` cut the receiver before any stall, so a flood's read loop delivered to it
   * until the cut without ever waiting and held every other connection meanwhile.
   */
  get stallBytes(): number {
    return Math.min(STALL_BYTES, this.services.options.maxPending / 2);
  }

  /** Counts a message read from this connection. */
  protected noteInbound(bytes: number): void {
    this.inMsgs++;
    this.inBytes += bytes;
    const stats = this.services.stats;
    stats.inMsgs++;
    stats.inBytes += bytes;
  }

  /** Starts writing queued output (called once per turn by the server's flush). */
  flushOutbound(): void {
    this.#dirty = false;
    // nats-server flushClients: a delivery counts as activity of the receiving connection.
    if (this.#delivered) {
      this.#delivered = false;
      this.lastActivity = this.services.clock.now();
    }
    this.out.flush();
  }

  /** Cuts a slow consumer off, as nats-server does (no -ERR, the connection is closed). */
  slowConsumer(reason: string): void {
    if (this.closed) return;
    const o = this.services.options;
    this.services.stats.slowConsumers++;
    this.services.logger.notice(
      `${this.logPrefix} - Slow Consumer Detected: ${
        reason === CloseReason.SlowConsumerWriteDeadline
          ? `WriteDeadline of ${o.writeDeadlineMs / 1000}s exceeded`
          : `MaxPending of ${o.maxPending} Exceeded`
      }`,
    );
    this.out.close();
    this.close(reason);
  }

  /** Queues protocol bytes for the remote (dropped once closed). */
  send(bytes: Uint8Array): void {
    if (this.closed) return;
    this.out.append(bytes);
    this.noteOutput();
  }

  /** A link manager's tick: the write deadline. */
  tick(now: number): void {
    if (!this.closed) this.checkWriteDeadline(now);
  }

  /** Cuts the connection when a write has been stuck past `write_deadline` (called by a sweep). */
  checkWriteDeadline(now: number): void {
    const started = this.out.writeStartedAt;
    if (started > 0 && now - started > this.services.options.writeDeadlineMs) {
      this.slowConsumer(CloseReason.SlowConsumerWriteDeadline);
    }
  }

  // ---- pings ---------------------------------------------------------------------------

  /** Arms the first PING (nats-server setFirstPingTimer: capped, plus up to 20% at random). */
  protected startPings(random: () => number): void {
    let d = this.services.options.pingIntervalMs;
    if (d > this.#profile.firstPingMs) d = this.#profile.firstPingMs;
    if (this.#profile.alwaysPing && d > GATEWAY_MAX_PING_MS) d = GATEWAY_MAX_PING_MS;
    this.#armPing(d + Math.floor(random() * (d / 5)));
  }

  #armPing(ms: number): void {
    this.#pingTimer = this.services.clock.after(ms, () => this.#pingTimerFired());
  }

  /** nats-server processPingTimer: PING unless there was recent activity, stale past ping_max. */
  #pingTimerFired(): void {
    this.#pingTimer = null;
    if (this.closed) return;
    const log = this.services.logger;
    log.debug(`${this.logPrefix} - ${this.#profile.pingTimerName} Ping Timer`);
    const o = this.services.options;
    let interval = o.pingIntervalMs;
    if (this.#profile.alwaysPing && interval > GATEWAY_MAX_PING_MS) interval = GATEWAY_MAX_PING_MS;
    const now = this.services.clock.now();
    const needRtt = this.rttMs === 0 || now - this.#pingSentAt > RTT_MEASUREMENT_MS;
    let send = true;
    if (!this.#profile.alwaysPing && !needRtt) {
      if (now - this.lastActivity < interval) {
        send = false;
        log.debug(
          `${this.logPrefix} - Delaying PING due to client activity ${
            goSeconds(now - this.lastActivity)
          } ago`,
        );
      } else if (now - this.#lastPingIn < interval) {
        send = false;
        log.debug(
          `${this.logPrefix} - Delaying PING due to remote ping ${
            goSeconds(now - this.#lastPingIn)
          } ago`,
        );
      }
    }
    if (send) {
      if (this.#pingsOut + 1 > o.pingMax) {
        log.debug(`${this.logPrefix} - Stale Client Connection - Closing`);
        this.queueOutput(ERR_STALE_CONNECTION.line);
        this.close(CloseReason.StaleConnection);
        return;
      }
      this.#pingsOut++;
      this.#pingSentAt = now;
      this.traceOut("PING");
      this.queueOutput(PING);
    }
    this.#armPing(interval);
  }

  /** The remote sent PING (a later PING of ours may wait: nats-server `c.ping.last`). */
  protected pingReceived(): void {
    this.#lastPingIn = this.services.clock.now();
  }

  /** Traces a protocol op received (links log `<<- [op]`); default: nothing. */
  protected traceIn(_op: string): void {}

  /** A link's PING from the remote: traced and answered with PONG (nats-server processPing). */
  protected answerPing(): void {
    this.pingReceived();
    this.traceIn("PING");
    this.traceOut("PONG");
    this.send(PONG_LINE);
  }

  /** A link's PONG from the remote: traced, then {@link pongReceived}. */
  protected answerPong(): void {
    this.traceIn("PONG");
    this.pongReceived();
  }

  /** The remote answered our PING: resets the stale count and measures the round trip. */
  protected pongReceived(): void {
    this.#pingsOut = 0;
    if (this.#pingSentAt > 0) {
      this.rttMs = Math.max(1e-6, this.services.clock.now() - this.#pingSentAt);
    }
  }

  /** Traces an outgoing op (`->> [PING]`); kinds trace in their own shapes. */
  protected abstract traceOut(op: string): void;

  // ---- close ---------------------------------------------------------------------------

  /**
   * Marks the connection closed and stops its timers; the kind then releases what it holds
   * and calls {@link flushAndCloseTransport}. False when it was closed already.
   */
  protected markClosed(reason: string): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.closeReason = reason;
    this.#pingTimer?.cancel();
    this.#pingTimer = null;
    return true;
  }

  /**
   * Sends what is still queued (bounded: at most {@link CLOSE_FLUSH_MS}), then closes the
   * socket; at once after a write error.
   */
  protected flushAndCloseTransport(): void {
    if (this.out.pending > 0 && this.closeReason !== CloseReason.WriteError) {
      this.out.flush();
      this.#closeTimer = this.services.clock.after(CLOSE_FLUSH_MS, () => this.closeTransport());
    } else {
      this.closeTransport();
    }
  }

  /** Closes the socket now, dropping unsent bytes. */
  closeTransport(): void {
    if (this.#transportClosed) return;
    this.#transportClosed = true;
    this.#closeTimer?.cancel();
    this.#closeTimer = null;
    this.out.close();
    try {
      this.#transport.close(this.closeReason ?? undefined);
    } catch {
      // already closed
    }
  }

  /** Whether the socket is closed. */
  get finished(): boolean {
    return this.#transportClosed;
  }
}

/** Go's `time.Duration.Round(time.Second)` text for small values (`0s`, `3s`, `1m5s`). */
function goSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m}m0s` : `${m}m${s % 60}s`;
}
