/**
 * @module
 * One client connection: lifecycle (read loop, timers, close) and the client protocol semantics
 * of each op (nats-server client.go processConnect/processPub/processSub/processUnsub).
 * Routing a published message to subscribers lives in `router.ts`. Runs in the isolate that
 * owns the socket (a shard worker, the main isolate when embedded, or a test).
 */
import { Parser } from "../protocol/parser.ts";
import { type MsgOp, ParseErrorKind, type ProtocolSink } from "../protocol/sink.ts";
import { isValidLiteralSubject } from "../protocol/subject.ts";
import * as wire from "../protocol/wire_errors.ts";
import { CloseReason } from "../protocol/wire_errors.ts";
import type { Account } from "../accounts/account.ts";
import { ClientPermissions } from "./permissions.ts";
import type { ClientContext, Flushable } from "./context.ts";
import { Outbound } from "./outbound.ts";
import { Subscription } from "./subscription.ts";
import { routeMessage } from "./router.ts";

/** The transport a client runs on (a Deno.Conn satisfies it). */
export interface Transport {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
}

/** CONNECT options (nats-server `ClientOpts`), with nats-server's defaults before CONNECT. */
export interface ConnectOptions {
  verbose: boolean;
  pedantic: boolean;
  echo: boolean;
  headers: boolean;
  noResponders: boolean;
  protocol: number;
  name: string;
  lang: string;
  version: string;
  user?: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const PONG = enc.encode("PONG\r\n");
const PING = enc.encode("PING\r\n");
const OK = enc.encode("+OK\r\n");
const READ_MIN = 4 * 1024;
const READ_MAX = 64 * 1024;
/** nats-server `firstClientPingInterval`. */
const FIRST_PING_MS = 2000;

/** A connected client, the sink of its own parser. */
export class ClientConnection implements ProtocolSink, Flushable {
  readonly cid: number;
  readonly ctx: ClientContext;
  readonly host: string;
  readonly remotePort: number;
  readonly startedAt: number;
  readonly out: Outbound;
  account: Account;
  opts: ConnectOptions = {
    verbose: true,
    pedantic: true,
    echo: true,
    headers: false,
    noResponders: false,
    protocol: 0,
    name: "",
    lang: "",
    version: "",
  };
  perms: ClientPermissions | null = null;
  readonly subs = new Map<string, Subscription>();
  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  lastActivity: number;
  closed = false;
  closeReason: CloseReason | null = null;
  dirty = false;
  #transport: Transport;
  #parser: Parser;
  #connectReceived = false;
  #authTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setTimeout> | undefined;
  #pingsOut = 0;
  #flushClose = false;

  constructor(
    ctx: ClientContext,
    cid: number,
    transport: Transport,
    host: string,
    remotePort: number,
    account: Account,
  ) {
    this.ctx = ctx;
    this.cid = cid;
    this.#transport = transport;
    this.host = host;
    this.remotePort = remotePort;
    this.account = account;
    this.startedAt = ctx.now();
    this.lastActivity = this.startedAt;
    const o = ctx.options;
    this.#parser = new Parser(this, {
      maxControlLine: o.maxControlLine,
      maxPayload: o.maxPayload,
    });
    this.out = new Outbound(transport, () => ctx.now());
    this.out.onError = () => this.close(CloseReason.WriteError);
    this.out.onDrained = () => {
      if (this.#flushClose) this.#finishClose();
    };
  }

  /** `ip:port - cid:N` log prefix, as nats-server. */
  get logPrefix(): string {
    return `${this.host}:${this.remotePort} - cid:${this.cid}`;
  }

  /** Sends INFO, arms timers and runs the read loop until the connection ends. */
  async run(): Promise<void> {
    const ctx = this.ctx;
    ctx.logger.debug(`${this.logPrefix} - Client connection created`);
    this.#send(ctx.infoLine(this.cid, this.host));
    if (ctx.auth.required) {
      const ms = Math.max(1, ctx.options.authTimeout * 1000);
      this.#authTimer = setTimeout(() => this.#authTimeout(), ms);
    }
    this.#schedulePing(Math.min(FIRST_PING_MS, ctx.options.pingIntervalMs));
    let buf = new Uint8Array(READ_MIN);
    while (!this.closed) {
      let n: number | null;
      try {
        n = await this.#transport.read(buf);
      } catch {
        this.close(CloseReason.ReadError);
        break;
      }
      if (n === null) {
        this.close(CloseReason.ClientClosed);
        break;
      }
      if (this.closed) break;
      this.lastActivity = ctx.now();
      this.#parser.parse(buf.subarray(0, n));
      if (n === buf.length && buf.length < READ_MAX) buf = new Uint8Array(buf.length * 2);
    }
  }

  // ---- output ----------------------------------------------------------------------------

  #send(bytes: Uint8Array): void {
    if (this.closed) return;
    this.out.append(bytes);
    this.ctx.markDirty(this);
  }

  /** Sends `-ERR '<text>'`. */
  sendErr(text: string): void {
    this.#send(enc.encode(`-ERR '${text}'\r\n`));
  }

  #sendOK(): void {
    if (this.opts.verbose) this.#send(OK);
  }

  /** Starts writing queued output (called once per turn by the server). */
  flushOutbound(): void {
    this.dirty = false;
    this.out.flush();
  }

  /** Queues this connection for a flush; called by the router after appending a message. */
  noteOutput(): void {
    if (this.out.pending > this.ctx.options.maxPending) {
      this.slowConsumer(CloseReason.SlowConsumerPendingBytes);
      return;
    }
    this.ctx.markDirty(this);
  }

  /** Cuts a slow consumer off, as nats-server does (no -ERR, the connection is closed). */
  slowConsumer(reason: CloseReason): void {
    if (this.closed) return;
    this.ctx.stats.slowConsumers++;
    this.ctx.logger.notice(
      `${this.logPrefix} - Slow Consumer Detected: ${
        reason === CloseReason.SlowConsumerWriteDeadline
          ? "WriteDeadline of " + this.ctx.options.writeDeadlineMs / 1000 + "s exceeded"
          : "MaxPending of " + this.ctx.options.maxPending + " exceeded"
      }`,
    );
    this.out.close();
    this.close(reason);
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Closes the connection: unsubscribes everything, flushes what is queued, then closes. */
  close(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.#parser.stop();
    clearTimeout(this.#authTimer);
    clearTimeout(this.#pingTimer);
    for (const sub of this.subs.values()) this.#dropSub(sub);
    this.subs.clear();
    this.ctx.logger.debug(`${this.logPrefix} - Client connection closed: ${reason}`);
    this.ctx.removed(this.cid);
    if (this.out.pending > 0 && reason !== CloseReason.WriteError) {
      this.#flushClose = true;
      this.out.flush();
      // Bound the wait for a peer that never reads.
      setTimeout(() => this.#finishClose(), 500);
    } else {
      this.#finishClose();
    }
  }

  #finishClose(): void {
    this.out.close();
    try {
      this.#transport.close();
    } catch {
      // already closed
    }
  }

  /** Closes with an error text first (nats-server sendErr + closeConnection). */
  #errAndClose(text: string, reason: CloseReason): void {
    this.sendErr(text);
    this.close(reason);
  }

  #authTimeout(): void {
    if (this.#connectReceived || this.closed) return;
    this.#errAndClose(wire.ERR_AUTHENTICATION_TIMEOUT.text, CloseReason.AuthenticationTimeout);
  }

  #schedulePing(ms: number): void {
    this.#pingTimer = setTimeout(() => this.#pingTick(), ms);
  }

  #pingTick(): void {
    if (this.closed) return;
    const o = this.ctx.options;
    if (this.#pingsOut + 1 > o.pingMax) {
      this.#errAndClose(wire.ERR_STALE_CONNECTION.text, CloseReason.StaleConnection);
      return;
    }
    this.#pingsOut++;
    this.#send(PING);
    this.#schedulePing(o.pingIntervalMs);
  }

  /** True (and the connection closed) when an op arrives before a required CONNECT. */
  #notAuthorized(): boolean {
    if (this.#connectReceived || !this.ctx.auth.required) return false;
    this.#errAndClose(wire.ERR_AUTHORIZATION_VIOLATION.text, CloseReason.AuthenticationViolation);
    return true;
  }

  // ---- ProtocolSink -------------------------------------------------------------------------

  onConnect(json: Uint8Array): void {
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(dec.decode(json));
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new Error("type");
    } catch {
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    const o = this.opts;
    const bool = (k: string, d: boolean) => (typeof raw[k] === "boolean" ? raw[k] as boolean : d);
    const str = (k: string) => (typeof raw[k] === "string" ? raw[k] as string : "");
    o.verbose = bool("verbose", o.verbose);
    o.pedantic = bool("pedantic", o.pedantic);
    o.echo = bool("echo", o.echo);
    o.headers = bool("headers", o.headers) && !this.ctx.options.noHeaderSupport;
    o.noResponders = bool("no_responders", o.noResponders);
    o.protocol = typeof raw.protocol === "number" ? raw.protocol : 0;
    o.name = str("name");
    o.lang = str("lang");
    o.version = str("version");
    this.#connectReceived = true;
    clearTimeout(this.#authTimer);
    if (o.protocol < 0 || o.protocol > 1) {
      this.#errAndClose(
        wire.ERR_INVALID_CLIENT_PROTOCOL.text,
        CloseReason.BadClientProtocolVersion,
      );
      return;
    }
    if (raw.account !== undefined || raw.new_account !== undefined) {
      this.#errAndClose(wire.ERR_AUTHORIZATION_VIOLATION.text, CloseReason.AuthenticationViolation);
      return;
    }
    const auth = this.ctx.auth.authenticate({
      user: typeof raw.user === "string" ? raw.user : undefined,
      pass: typeof raw.pass === "string" ? raw.pass : undefined,
      auth_token: typeof raw.auth_token === "string" ? raw.auth_token : undefined,
      nkey: typeof raw.nkey === "string" ? raw.nkey : undefined,
      jwt: typeof raw.jwt === "string" ? raw.jwt : undefined,
    });
    if (auth === null) {
      this.ctx.logger.error(`${this.logPrefix} - ${wire.ERR_AUTHORIZATION_VIOLATION.text}`);
      this.#errAndClose(wire.ERR_AUTHORIZATION_VIOLATION.text, CloseReason.AuthenticationViolation);
      return;
    }
    if (auth.user?.user) o.user = auth.user.user;
    if (auth.account) {
      const acc = this.ctx.account(auth.account);
      if (acc) this.account = acc;
    }
    if (auth.permissions) this.perms = new ClientPermissions(auth.permissions);
    if (o.noResponders && !o.headers) {
      this.#errAndClose(
        wire.ERR_NO_RESPONDERS_REQUIRES_HEADERS.text,
        CloseReason.NoRespondersRequiresHeaders,
      );
      return;
    }
    this.#sendOK();
  }

  onPub(op: MsgOp): void {
    if (this.#notAuthorized()) return;
    if (op.headerSize >= 0 && !this.opts.headers) {
      this.close(CloseReason.MsgHeaderViolation);
      return;
    }
    const size = op.size;
    this.inMsgs++;
    this.inBytes += size;
    const stats = this.ctx.stats;
    stats.inMsgs++;
    stats.inBytes += size;
    if (this.opts.pedantic || this.perms !== null) {
      const subject = dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd));
      if (this.opts.pedantic && !isValidLiteralSubject(subject)) {
        this.sendErr(wire.ERR_INVALID_PUBLISH_SUBJECT.text);
      }
      if (this.perms?.checksPublish && !this.perms.canPublish(subject, this.ctx.now())) {
        const text = wire.pubPermissionViolation(subject);
        this.ctx.logger.error(`${this.logPrefix} - ${text}`);
        this.sendErr(text);
        return;
      }
    }
    if (this.opts.verbose) this.#send(OK);
    routeMessage(this, op);
  }

  onSub(subjectBytes: Uint8Array, queueBytes: Uint8Array | null, sidBytes: Uint8Array): void {
    if (this.#notAuthorized()) return;
    const subject = dec.decode(subjectBytes);
    const queue = queueBytes ? dec.decode(queueBytes) : null;
    const sidText = dec.decode(sidBytes);
    if (this.perms && !this.perms.canSubscribe(subject, queue)) {
      const text = wire.subPermissionViolation(subject, queue);
      this.ctx.logger.error(`${this.logPrefix} - ${text}`);
      this.sendErr(text);
      return;
    }
    const max = this.ctx.options.maxSubscriptions;
    if (max > 0 && this.subs.size >= max) {
      this.ctx.logger.error(`${this.logPrefix} - ${wire.ERR_MAXIMUM_SUBSCRIPTIONS_EXCEEDED.text}`);
      this.sendErr(wire.ERR_MAXIMUM_SUBSCRIPTIONS_EXCEEDED.text);
      return;
    }
    if (!this.subs.has(sidText)) {
      const sub = new Subscription(this, subject, queue, sidBytes.slice(), sidText);
      try {
        this.account.sublist.insert(sub);
      } catch {
        this.sendErr(wire.ERR_INVALID_SUBJECT.text);
        return;
      }
      this.subs.set(sidText, sub);
    }
    this.#sendOK();
  }

  onUnsub(sidBytes: Uint8Array, max: number): void {
    if (this.#notAuthorized()) return;
    const sub = this.subs.get(dec.decode(sidBytes));
    if (sub) {
      if (max > 0 && max > sub.delivered) sub.max = max;
      else this.removeSub(sub);
    }
    this.#sendOK();
  }

  onPing(): void {
    if (this.#notAuthorized()) return;
    this.#send(PONG);
  }

  onPong(): void {
    if (this.#notAuthorized()) return;
    this.#pingsOut = 0;
  }

  onInfo(_json: Uint8Array): void {
    this.#notAuthorized();
  }

  onOk(): void {
    this.#notAuthorized();
  }

  onErr(text: Uint8Array): void {
    if (this.#notAuthorized()) return;
    this.ctx.logger.error(`${this.logPrefix} - Client Error ${dec.decode(text)}`);
    this.close(CloseReason.ParseError);
  }

  onParseError(kind: ParseErrorKind, detail: string): void {
    if (kind !== ParseErrorKind.UnknownOp && this.#notAuthorized()) return;
    switch (kind) {
      case ParseErrorKind.UnknownOp:
        this.ctx.logger.error(`${this.logPrefix} - ${detail}`);
        this.#errAndClose(wire.ERR_UNKNOWN_PROTOCOL_OPERATION.text, CloseReason.ParseError);
        return;
      case ParseErrorKind.MaxControlLine:
        this.#errAndClose(
          wire.ERR_MAXIMUM_CONTROL_LINE_EXCEEDED.text,
          CloseReason.MaxControlLineExceeded,
        );
        return;
      case ParseErrorKind.MaxPayload:
        this.ctx.logger.error(`${this.logPrefix} - ${detail}`);
        this.#errAndClose(wire.ERR_MAXIMUM_PAYLOAD_VIOLATION.text, CloseReason.MaxPayloadExceeded);
        return;
      default:
        this.ctx.logger.error(`${this.logPrefix} - ${detail}`);
        this.close(CloseReason.ProtocolViolation);
    }
  }

  // ---- subscriptions ------------------------------------------------------------------------

  /** Removes a subscription from this connection and its account. */
  removeSub(sub: Subscription): void {
    if (this.subs.get(sub.sidText) === sub) this.subs.delete(sub.sidText);
    this.#dropSub(sub);
  }

  #dropSub(sub: Subscription): void {
    if (sub.closed) return;
    sub.closed = true;
    this.account.sublist.remove(sub);
  }
}
