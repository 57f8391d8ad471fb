/**
 * @module
 * One client connection: lifecycle (read loop, timers, close) and the client protocol semantics
 * of each op (nats-server client.go processPub/processSub/processUnsub). CONNECT and
 * authorization live in `client_auth.ts`, routing a published message to subscribers in
 * `router.ts`. Runs in the isolate that owns the socket (a shard worker, the main isolate when
 * embedded, or a test).
 */
import { Parser } from "../protocol/parser.ts";
import { type MsgOp, ParseErrorKind, type ProtocolSink } from "../protocol/sink.ts";
import {
  hasGatewayReplyPrefixBytes,
  isReservedReplyBytes,
  isValidLiteralSubjectBytes,
  SYS_QUEUE_GROUP,
} from "../protocol/subject.ts";
import * as wire from "../protocol/wire_errors.ts";
import { CloseReason, type WireError } from "../protocol/wire_errors.ts";
import type { ConnectOptions, Transport } from "./transport.ts";
import type { Account } from "../accounts/account.ts";
import type { AuthResult } from "../accounts/auth.ts";
import type { ClientPermissions } from "./permissions.ts";
import { ClientAuth } from "./client_auth.ts";
import { traceDelSub, traceIn, traceOut, tracePub } from "./trace.ts";
import { newNonce } from "../server_id.ts";
import type { ClientContext } from "./context.ts";
import { Connection, type ConnectionProfile } from "../conn/connection.ts";
import type { TimerHandle } from "../conn/clock.ts";
import { type Receiver, type SublistEntry, Subscription } from "./subscription.ts";
import type { Publisher } from "../routing/fan_out.ts";
import { Kind } from "../routing/receiver.ts";
import { RewrittenOp } from "../accounts/import_routing.ts";
import { deliverToClient, sendNoResponders } from "./deliver.ts";
import { readLoop } from "../conn/read_loop.ts";
import { clientLogPrefix } from "./log_tag.ts";

export type { ConnectOptions, Transport } from "./transport.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const strictDec = new TextDecoder("utf-8", { fatal: true });

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

function isUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80) {
      try {
        strictDec.decode(bytes);
        return true;
      } catch {
        return false;
      }
    }
  }
  return true;
}
const PONG = enc.encode("PONG\r\n");
const OK = enc.encode("+OK\r\n");

/** The connection core's per-kind settings for clients (nats-server firstClientPingInterval). */
const CLIENT_PROFILE: ConnectionProfile = {
  pingTimerName: "Client",
  firstPingMs: 2000,
  alwaysPing: false,
};

/** A connected client, the sink of its own parser. */
export class ClientConnection extends Connection implements ProtocolSink, Receiver, Publisher {
  readonly ctx: ClientContext;
  readonly host: string;
  readonly remotePort: number;
  readonly startedAt: number;
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
  /** PONGs waiting for a barrier, and the chain that keeps them in order. */
  #pongsPending = 0;
  #pongChain: Promise<void> = Promise.resolve();
  /** A subscription changed since the last PING: the next PONG waits for other workers. */
  interestDirty = false;
  /** The nonce sent in INFO for nkey/JWT signatures, when auth needs one. */
  readonly nonce: string | undefined;
  readonly subs: Map<string, Subscription> = new Map();
  #transport: Transport;
  #parser: Parser;
  /** CONNECT, credentials, permissions and limits (client_auth.ts). */
  #auth: ClientAuth;
  #authTimer: TimerHandle | null = null;
  /** Scratch for PUBs whose subject an account mapping rewrites. */
  #mappedOp: RewrittenOp | null = null;
  /** CONNECT round-trip estimate start (performance.now() ms). */
  #acceptedAt = performance.now();

  constructor(
    ctx: ClientContext,
    cid: number,
    transport: Transport,
    host: string,
    remotePort: number,
    account: Account,
  ) {
    super(ctx, CLIENT_PROFILE, cid, transport);
    this.ctx = ctx;
    this.#transport = transport;
    this.host = host;
    this.remotePort = remotePort;
    this.account = account;
    account.connections++;
    this.startedAt = this.lastActivity;
    this.nonce = ctx.auth.needsNonce ? newNonce() : undefined;
    const o = ctx.options;
    this.#parser = new Parser(this, {
      maxControlLine: o.maxControlLine,
      maxPayload: o.maxPayload,
    });
    this.#auth = new ClientAuth(this, this.#parser, transport, this.#acceptedAt, {
      errAndClose: (err) => this.#errAndClose(err),
      sendOK: () => this.#sendOK(),
      clearAuthTimer: () => this.#authTimer?.cancel(),
    });
  }

  /** Receiver and publisher kind. */
  readonly kind = Kind.Client;

  /** nats-server `clientTypeString`: `"websocket"` on a WebSocket transport, else `"nats"`. */
  get clientType(): string {
    return this.#transport.kind === "WEBSOCKET" ? "websocket" : "nats";
  }

  /** Publisher: with CONNECT `echo:false` its own subscriptions are skipped. */
  get echoSkip(): Receiver | null {
    return this.opts.echo ? null : this;
  }

  /** Receiver: delivers a matched message to one of this connection's subscriptions. */
  receive(entry: SublistEntry, op: MsgOp): boolean {
    return deliverToClient(this, entry as Subscription, op);
  }

  /** Publisher: a request of this connection reached nobody. */
  noResponders(op: MsgOp): void {
    sendNoResponders(this, op);
  }

  /** `ip:port - cid:N` log prefix, as nats-server. */
  get logPrefix(): string {
    const custom = this.#transport.logPrefix?.(this.host, this.remotePort, this.cid);
    return clientLogPrefix(custom, this.host, this.remotePort, this.cid, this.opts);
  }

  /** Sends INFO and a closing error without serving the connection (max_connections). */
  reject(err: WireError): void {
    this.#send(this.ctx.infoLine(this.cid, this.host, this.nonce));
    this.#errAndClose(err);
  }

  /** Sends INFO, arms timers and runs the read loop until the connection ends. */
  async run(): Promise<void> {
    const ctx = this.ctx;
    ctx.logger.debug(`${this.logPrefix} - Client connection created`);
    const tls = this.#transport.secure ? this.#transport : null;
    if (tls?.handshakeFirst && !(await this.#secure())) return;
    this.#send(ctx.infoLine(this.cid, this.host, this.nonce));
    if (tls && !tls.handshakeFirst && !(await this.#secure())) return;
    if (ctx.authAnnounced) {
      const ms = Math.max(1, ctx.options.authTimeout * 1000);
      this.#authTimer = ctx.clock.after(ms, () => this.#authTimeout());
    }
    this.#parser.requireConnect = ctx.authAnnounced;
    if (ctx.auth.required && !ctx.authAnnounced) {
      // no_auth_user: until CONNECT says otherwise, the connection acts as that user.
      const auth = ctx.auth.authenticate({});
      if (auth) this.#applyAuth(auth);
    }
    this.startPings(Math.random);
    await readLoop(this.#transport, this, ctx);
  }

  /** ReadTarget: bytes read from the socket. */
  feed(bytes: Uint8Array): void {
    this.lastActivity = this.ctx.clock.now();
    this.#parser.parse(bytes);
  }

  /** TLS handshake on the transport (nats-server createClient); closes the client on failure. */
  async #secure(): Promise<boolean> {
    this.flushOutbound();
    const failed = await this.#transport.secure!(this.ctx.logger, this.logPrefix);
    if (failed !== null) this.close(failed);
    return failed === null && !this.closed;
  }

  // ---- output ----------------------------------------------------------------------------

  #send(bytes: Uint8Array): void {
    this.queueOutput(bytes);
  }

  /** Queues raw protocol bytes (async INFO). */
  sendRaw(bytes: Uint8Array): void {
    this.#send(bytes);
  }

  /** Sends `-ERR '<text>'`. */
  sendErr(text: string): void {
    if (this.ctx.logger.traceEnabled) traceOut(this, "-ERR", text);
    this.#send(enc.encode(`-ERR '${text}'\r\n`));
  }

  #sendOK(): void {
    if (!this.opts.verbose) return;
    if (this.ctx.logger.traceEnabled) traceOut(this, "OK");
    this.#send(OK);
  }

  /** Connection core: traces an op the core sends (PING). */
  protected traceOut(op: string): void {
    if (this.ctx.logger.traceEnabled) traceOut(this, op);
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Closes the connection: unsubscribes everything, flushes what is queued, then closes. */
  close(reason: string): void {
    if (!this.markClosed(reason)) return;
    this.#parser.stop();
    this.#authTimer?.cancel();
    this.#auth.clearExpiry();
    this.account.connections--;
    // Before the subscriptions go: the server snapshots them for /connz?state=closed.
    this.ctx.removed(this.cid);
    this.ctx.logger.debug(`${this.logPrefix} - Client connection closed: ${reason}`);
    const trace = this.ctx.logger.traceEnabled;
    for (const sub of this.subs.values()) {
      if (trace && !sub.closed) traceDelSub(this, sub.sidText);
      this.#dropSub(sub);
    }
    this.subs.clear();
    this.flushAndCloseTransport();
  }

  /** Sends a closing `-ERR` and closes with its reason (nats-server sendErr + closeConnection). */
  #errAndClose(err: WireError): void {
    this.#send(err.line);
    this.close(err.closeReason ?? CloseReason.ProtocolViolation);
  }

  #authTimeout(): void {
    if (this.#auth.connectReceived || this.closed) return;
    this.#errAndClose(wire.ERR_AUTHENTICATION_TIMEOUT);
  }

  // ---- ProtocolSink -------------------------------------------------------------------------

  onConnect(json: Uint8Array): void {
    this.#auth.connect(json);
  }

  /** Re-reads limits after a config reload. */
  applyLimits(): void {
    const o = this.ctx.options;
    this.#parser.limits = { maxControlLine: o.maxControlLine, maxPayload: o.maxPayload };
  }

  /** Re-checks this connection against reloaded auth settings (see {@link ClientAuth}). */
  reauthorize(): void {
    this.#auth.reauthorize();
  }

  /** CONNECT user, or the `no_auth_user` bound to it (nats-server `opts.Username`); monitoring. */
  get userName(): string {
    return this.#auth.userName;
  }

  /** nats-server `getRawAuthUser`: nkey, user name or token (`/connz?auth=1`). */
  get rawAuthUser(): string {
    return this.#auth.rawAuthUser;
  }

  /** Binds the authenticated user: name, account and permissions. */
  #applyAuth(auth: AuthResult): void {
    this.#auth.apply(auth);
  }

  onPub(op: MsgOp): void {
    if (this.ctx.logger.traceEnabled) tracePub(this, op);
    this.noteInbound(op.size);
    // Account mappings rewrite the subject before permissions and routing (parser.go MSG_END_N).
    const mappings = this.account.mappings;
    if (mappings !== null) op = mappings.mapOp(op, this.#mappedOp ??= new RewrittenOp());
    const buf = op.argBuf;
    if (this.opts.pedantic && !isValidLiteralSubjectBytes(buf, op.subjectStart, op.subjectEnd)) {
      this.sendErr(wire.ERR_INVALID_PUBLISH_SUBJECT.text);
    }
    if (hasGatewayReplyPrefixBytes(buf, op.subjectStart, op.subjectEnd)) {
      this.#pubViolation(wire.pubPermissionViolation(buf.subarray(op.subjectStart, op.subjectEnd)));
      return;
    }
    if (this.perms?.checksPublish) {
      const subject = dec.decode(buf.subarray(op.subjectStart, op.subjectEnd));
      if (!this.perms.canPublish(subject, this.ctx.now())) {
        this.#pubViolation(wire.pubPermissionViolation(subject));
        return;
      }
    }
    if (op.replyEnd > op.replyStart && isReservedReplyBytes(buf, op.replyStart, op.replyEnd)) {
      this.#pubViolation(wire.replyPermissionViolation(buf.subarray(op.replyStart, op.replyEnd)));
      return;
    }
    this.#sendOK();
    const gateways = this.ctx.fanOut.gateways;
    if (gateways !== null && gateways.publishReply(this.account, op)) return;
    this.ctx.fanOut.publish(this, op);
  }

  #pubViolation(text: string): void {
    this.sendErr(text);
    // client.go pubPermissionViolation / replySubjectViolation log their own text.
    this.#auth.logPubViolation(text);
  }

  onSub(subjectBytes: Uint8Array, queueBytes: Uint8Array | null, sidBytes: Uint8Array): void {
    const subject = dec.decode(subjectBytes);
    const queue = queueBytes ? dec.decode(queueBytes) : null;
    const sidText = dec.decode(sidBytes);
    if (this.ctx.logger.traceEnabled) {
      traceIn(
        this,
        "SUB",
        queue === null ? `${subject} ${sidText}` : `${subject} ${queue} ${sidText}`,
      );
    }
    if (queue === SYS_QUEUE_GROUP || (this.perms && !this.perms.canSubscribe(subject, queue))) {
      this.sendErr(wire.subPermissionViolation(subjectBytes, queueBytes));
      this.#auth.logSubViolation(subjectBytes, queueBytes, sidText);
      return;
    }
    const serverMax = this.ctx.options.maxSubscriptions;
    const limitSubs = this.#auth.limitSubs;
    const max = limitSubs >= 0 ? limitSubs : serverMax > 0 ? serverMax : -1;
    if (max >= 0 && this.subs.size >= max) {
      this.ctx.logger.error(`${this.logPrefix} - ${wire.ERR_MAXIMUM_SUBSCRIPTIONS_EXCEEDED.text}`);
      this.sendErr(wire.ERR_MAXIMUM_SUBSCRIPTIONS_EXCEEDED.text);
      return;
    }
    if (!this.subs.has(sidText)) {
      const sid = isAscii(sidBytes) ? undefined : sidBytes.slice();
      const sub = new Subscription(this, subject, queue, sidText, sid);
      if (!isUtf8(subjectBytes)) sub.subjectBytes = subjectBytes.slice();
      try {
        this.account.sublist.insert(sub);
      } catch {
        this.sendErr(wire.ERR_INVALID_SUBJECT.text);
        return;
      }
      this.subs.set(sidText, sub);
      this.interestDirty = true;
      this.ctx.interestChanged(this.account, sub, 1);
    }
    this.#sendOK();
  }

  onUnsub(sidBytes: Uint8Array, max: number): void {
    const sid = dec.decode(sidBytes);
    if (this.ctx.logger.traceEnabled) traceIn(this, "UNSUB", max >= 0 ? `${sid} ${max}` : sid);
    const sub = this.subs.get(sid);
    this.#sendOK();
    if (sub) {
      if (max > 0 && max > sub.delivered) sub.max = max;
      else this.removeSub(sub);
    }
  }

  onPing(): void {
    this.pingReceived();
    if (this.ctx.logger.traceEnabled) {
      traceIn(this, "PING");
      traceOut(this, "PONG");
    }
    // PONG means registered: after a SUB/UNSUB, answer only once every worker has it.
    const barrier = this.interestDirty ? this.ctx.pongBarrier() : null;
    this.interestDirty = false;
    if (barrier === null && this.#pongsPending === 0) {
      this.#send(PONG);
      return;
    }
    this.#pongsPending++;
    this.#pongChain = this.#pongChain.then(() => barrier).then(() => {
      this.#pongsPending--;
      this.#send(PONG);
    });
  }

  onPong(): void {
    if (this.ctx.logger.traceEnabled) traceIn(this, "PONG");
    this.pongReceived();
  }

  onInfo(json: Uint8Array): void {
    try {
      JSON.parse(dec.decode(json));
    } catch {
      this.close(CloseReason.ProtocolViolation);
    }
  }

  onOk(): void {}

  onErr(text: Uint8Array): void {
    this.ctx.logger.error(`${this.logPrefix} - Client Error ${dec.decode(text)}`);
    this.close(CloseReason.ParseError);
  }

  onParseError(kind: ParseErrorKind, detail: string): void {
    switch (kind) {
      case ParseErrorKind.UnknownOp:
        this.ctx.logger.error(`${this.logPrefix} - ${detail}`);
        this.#errAndClose(wire.ERR_UNKNOWN_PROTOCOL_OPERATION);
        return;
      case ParseErrorKind.AuthViolation:
        this.ctx.logger.error(`${this.logPrefix} - ${this.#auth.errorText()}`);
        this.#errAndClose(wire.ERR_AUTHORIZATION_VIOLATION);
        return;
      case ParseErrorKind.MaxControlLine:
        this.#errAndClose(wire.ERR_MAXIMUM_CONTROL_LINE_EXCEEDED);
        return;
      case ParseErrorKind.MaxPayload:
        this.ctx.logger.error(`${this.logPrefix} - ${detail}`);
        this.#errAndClose(wire.ERR_MAXIMUM_PAYLOAD_VIOLATION);
        return;
      default:
        this.ctx.logger.error(`${this.logPrefix} - ${detail}`);
        this.close(CloseReason.ProtocolViolation);
    }
  }

  // ---- subscriptions ------------------------------------------------------------------------

  /** Removes a subscription from this connection and its account. */
  removeSub(sub: Subscription): void {
    if (this.ctx.logger.traceEnabled && !sub.closed) traceDelSub(this, sub.sidText);
    if (this.subs.get(sub.sidText) === sub) this.subs.delete(sub.sidText);
    this.#dropSub(sub);
  }

  #dropSub(sub: Subscription): void {
    if (sub.closed) return;
    sub.closed = true;
    this.account.sublist.remove(sub);
    this.interestDirty = true;
    this.ctx.interestChanged(this.account, sub, -1);
  }
}
