/**
 * @module
 * One gateway connection's protocol handler (nats-server 2.9.10 gateway.go plus the GATEWAY
 * parts of client.go): the parser sink for INFO/CONNECT/RS+/RS-/A+/A-/RMSG/HMSG/PING. An
 * outbound link (this server dialed) sends messages and keeps what the remote told of its
 * interest ({@link OutboundInterest}); an inbound link receives messages and keeps what this
 * server told the remote ({@link InboundInterest}). Server-wide decisions go to its
 * {@link GatewayLinkHost}.
 * PURE: no Deno, timers or console; time arrives as arguments and sockets are injected.
 */
import type { Account } from "../../accounts/account.ts";
import type { Logger } from "../../log/logger.ts";
import { Connection, type ConnectionProfile } from "../../conn/connection.ts";
import type { TimerHandle } from "../../conn/clock.ts";
import { Kind } from "../../routing/receiver.ts";
import { GATEWAY_PROFILE, Parser } from "../../protocol/parser.ts";
import type { GatewaySink, MsgOp, ParseErrorKind, RoutedMsgOp } from "../../protocol/sink.ts";
import * as wire from "../../protocol/wire_errors.ts";
import { CloseReason } from "../../protocol/wire_errors.ts";
import type { RouteTransport } from "../route/route_host.ts";
import {
  accountNameBytes,
  appendRoutedMsg,
  parseRouteSub,
  parseRouteUnsub,
} from "../route/route_protocol.ts";
import { InboundInterest, OutboundInterest } from "./gateway_interest.ts";
import { parseGatewayConnect, parseGatewayInfo } from "./gateway_info.ts";
import type {
  GatewayLinkHost,
  GatewayLinkInit,
  GatewayUrl,
  RemoteGateway,
} from "./gateway_host.ts";
import { closeOnParseError } from "../core/link_parse_error.ts";

export type {
  GatewayLinkHost,
  GatewayLinkInit,
  GatewayUrl,
  RemoteGateway,
} from "./gateway_host.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The connection core's settings for gateways (pings regardless of traffic, at most 15 s). */
const GATEWAY_CONNECTION: ConnectionProfile = {
  pingTimerName: "Gateway",
  firstPingMs: 1000,
  alwaysPing: true,
};

/** One gateway connection. */
export class GatewayLink extends Connection implements GatewaySink {
  readonly kind = Kind.Gateway;
  /** This server dialed it: messages go out on it. */
  readonly outbound: boolean;
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly startedAt: number;
  /** The remote gateway's name (configured for outbound, from the INFO for inbound). */
  remoteName = "";
  remoteId = "";
  remoteServerName = "";
  /** The remote takes HMSG. */
  remoteHeaders = false;
  /** The remote wants `$GR.` replies (no `gateway_nrp`). */
  useOldPrefix = false;
  infoReceived = false;
  connectReceived = false;
  /** Registered as the outbound of its name, or as an inbound. */
  registered = false;
  /** Set before closing when no reconnect must follow. */
  noReconnect = false;
  /** Outbound: the remote gateway dialed, and the URL. */
  readonly remote: RemoteGateway | null;
  readonly url: GatewayUrl | null;
  /** Outbound: the remote's interest. */
  readonly outInterest: OutboundInterest | null;
  /** Inbound: what we told the remote. */
  readonly inInterest: InboundInterest | null;
  /** Inbound subscriptions events received (`/gatewayz` is silent on it; Go's `in.subs`). */
  readonly #host: GatewayLinkHost;
  readonly #parser: Parser;
  #authTimer: TimerHandle | null = null;

  constructor(host: GatewayLinkHost, transport: RouteTransport, init: GatewayLinkInit) {
    super(host.server, GATEWAY_CONNECTION, init.cid, transport);
    this.#host = host;
    this.remoteHost = init.remoteHost;
    this.remotePort = init.remotePort;
    this.startedAt = init.now;
    this.lastActivity = init.now;
    this.url = init.url;
    this.remote = init.url?.remote ?? null;
    this.outbound = init.url !== null;
    if (this.remote) this.remoteName = this.remote.name;
    this.outInterest = this.outbound ? new OutboundInterest(false) : null;
    this.inInterest = this.outbound ? null : new InboundInterest();
    this.#parser = new Parser(
      this,
      { maxControlLine: Number.MAX_SAFE_INTEGER, maxPayload: -1 },
      GATEWAY_PROFILE,
    );
  }

  /** `ip:port - gid:N`, as nats-server prefixes gateway log lines. */
  get logPrefix(): string {
    const h = this.remoteHost.includes(":") ? `[${this.remoteHost}]` : this.remoteHost;
    return `${h}:${this.remotePort} - gid:${this.cid}`;
  }

  get #logger(): Logger {
    return this.#host.server.logger;
  }

  /**
   * Opens the protocol (gateway.go createGateway): an outbound link waits for the remote's
   * INFO; an inbound one sends our INFO and expects CONNECT within the auth timeout.
   */
  start(): void {
    if (this.outbound) {
      if (this.remote) this.remote.connAttempts++;
      this.#logger.notice(
        `${this.logPrefix} - Creating outbound gateway connection to ${
          JSON.stringify(this.remoteName)
        }`,
      );
      return;
    }
    this.#logger.notice(`${this.logPrefix} - Processing inbound gateway connection`);
    this.#parser.requireConnect = true;
    const cfg = this.#host.config;
    const seconds = cfg.authTimeout > 0 ? cfg.authTimeout : this.#host.server.options.authTimeout;
    this.#authTimer = this.services.clock.after(seconds * 1000, () => this.#authTimeout());
    this.send(enc.encode(`INFO ${this.#host.infoJson()}\r\n`));
  }

  /** Outbound, on the first INFO: CONNECT then our INFO (sendGatewayConnect). */
  sendConnect(): void {
    const connect = this.#host.connectJson(this);
    this.#trace("->>", `CONNECT ${connect.replace(/"pass":"[^"]*"/, '"pass":"[REDACTED]"')}`);
    this.send(enc.encode(`CONNECT ${connect}\r\n`));
    this.#logger.debug(
      `${this.logPrefix} - Gateway connect protocol sent to ${JSON.stringify(this.remoteName)}`,
    );
    this.send(enc.encode(`INFO ${this.#host.infoJson()}\r\n`));
  }

  /** Arms the pings (after CONNECT+INFO outbound, after the CONNECT inbound). */
  armPings(): void {
    this.startPings(() => this.#host.random());
  }

  feed(bytes: Uint8Array, now: number): void {
    if (this.closed) return;
    this.lastActivity = now;
    this.#parser.parse(bytes);
  }

  #authTimeout(): void {
    this.#authTimer = null;
    if (this.closed || this.connectReceived) return;
    this.#logger.debug(`${this.logPrefix} - ${wire.ERR_AUTHENTICATION_TIMEOUT.text}`);
    this.send(wire.ERR_AUTHENTICATION_TIMEOUT.line);
    this.close(CloseReason.AuthenticationTimeout);
  }

  // ---- output ----------------------------------------------------------------------------

  /** Queues a protocol line given as text (without CRLF), traced. */
  sendLine(line: string): void {
    this.#trace("->>", line);
    this.send(enc.encode(`${line}\r\n`));
  }

  protected traceOut(op: string): void {
    this.#trace("->>", op);
  }

  protected override traceIn(op: string): void {
    this.#trace("<<-", op);
  }

  #trace(dir: "<<-" | "->>", text: string): void {
    if (this.#host.server.logger.traceEnabled) {
      this.#logger.trace(`${this.logPrefix} - ${dir} [${text}]`);
    }
  }

  /** `-ERR` then the error in the log (client.go sendErrAndErr). */
  sendErrAndErr(text: string): void {
    this.sendErr(text);
    this.#logger.error(`${this.logPrefix} - ${text}`);
  }

  sendErr(text: string): void {
    this.#trace("->>", `-ERR ${text}`);
    this.send(wire.encodeErr(text));
  }

  /**
   * Outbound: sends one message as RMSG/HMSG for `account`, naming `queueCount` queue groups
   * (sendMsgToGateways). Counts it and cuts at max_pending.
   */
  sendMessage(
    account: Account,
    op: MsgOp,
    queues: readonly Uint8Array[],
    queueCount: number,
  ): void {
    if (this.closed) return;
    appendRoutedMsg(
      this.out,
      accountNameBytes(account),
      op,
      queues,
      queueCount,
      this.remoteHeaders,
    );
    if (this.#host.server.logger.traceEnabled) {
      this.#trace(
        "->>",
        `RMSG ${account.name} ${dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd))}`,
      );
    }
    this.noteDelivery(op.size);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Closes the link (client.go closeConnection for a GATEWAY). */
  close(reason: string): void {
    if (!this.markClosed(reason)) return;
    this.#authTimer?.cancel();
    this.#parser.stop();
    this.#logger.notice(`${this.logPrefix} - Gateway connection closed: ${reason}`);
    this.flushAndCloseTransport();
    this.#host.linkClosed(this);
  }

  abort(): void {
    this.closeTransport();
  }

  // ---- GatewaySink --------------------------------------------------------------------------

  onConnect(json: Uint8Array): void {
    const text = dec.decode(json);
    this.#trace("<<-", `CONNECT ${text.replace(/"pass":"[^"]*"/, '"pass":"[REDACTED]"')}`);
    const c = parseGatewayConnect(text);
    if (c === null) {
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    this.connectReceived = true;
    this.#parser.requireConnect = false;
    this.#authTimer?.cancel();
    this.#authTimer = null;
    if (this.outbound) return;
    const cfg = this.#host.config;
    // client.go processConnect -> isGatewayAuthorized.
    if (cfg.username !== "" && (c.user !== cfg.username || (c.pass ?? "") !== cfg.password)) {
      this.#logger.error(`${this.logPrefix} - authentication error`);
      this.send(wire.ERR_AUTHORIZATION_VIOLATION.line);
      this.close(CloseReason.AuthenticationViolation);
      return;
    }
    // gateway.go processGatewayConnect.
    if (!c.gateway) {
      this.sendErrAndErr(wire.ERR_CONNECTED_TO_GATEWAY_PORT.text);
      this.close(CloseReason.WrongPort);
      return;
    }
    if (!this.#host.acceptsGateway(c.gateway)) {
      this.#logger.error(
        `${this.logPrefix} - Rejecting connection from gateway ${JSON.stringify(c.gateway)}`,
      );
      this.sendErr(wire.gatewayRejected(this.#host.name));
      this.close(CloseReason.WrongGateway);
      return;
    }
    this.armPings();
  }

  onInfo(json: Uint8Array): void {
    const text = dec.decode(json);
    this.#trace("<<-", `INFO ${text}`);
    const info = parseGatewayInfo(text);
    if (info === null) {
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    this.#host.processInfo(this, info);
  }

  onRouteSub(args: Uint8Array): void {
    if (this.#host.server.logger.traceEnabled) this.#trace("<<-", `RS+ ${dec.decode(args)}`);
    const interest = this.outInterest;
    if (interest === null) {
      this.#logger.error(`${this.logPrefix} - Received RS+ from gateway on inbound connection`);
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    const r = parseRouteSub(args, false);
    if (typeof r === "string") {
      this.#logger.error(
        `${this.logPrefix} - ${r.replace("processRemoteSub", "processGatewaySubjectSub")}`,
      );
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    const before = interest.queueSubs;
    if (interest.subjectSub(r)) this.#host.outboundInterest(r.account, r.subject, r.queue, 1);
    this.#host.remoteInterestChanged(this, interest.queueSubs - before);
  }

  onRouteUnsub(args: Uint8Array): void {
    if (this.#host.server.logger.traceEnabled) this.#trace("<<-", `RS- ${dec.decode(args)}`);
    const interest = this.outInterest;
    if (interest === null) {
      this.#logger.error(`${this.logPrefix} - Received RS- from gateway on inbound connection`);
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    const r = parseRouteUnsub(args);
    if (typeof r === "string") {
      this.#logger.error(`${this.logPrefix} - processGatewaySubjectUnsub ${r}`);
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    const parts = r.key.split(" ");
    const before = interest.queueSubs;
    const queue = parts[2] ?? null;
    if (interest.subjectUnsub(parts[0], parts[1], queue, r.key)) {
      this.#host.outboundInterest(parts[0], parts[1], queue, -1);
    }
    this.#host.remoteInterestChanged(this, interest.queueSubs - before);
  }

  onAccountInterest(args: Uint8Array, subscribe: boolean): void {
    const account = dec.decode(args).trim();
    this.#trace("<<-", `${subscribe ? "A+" : "A-"} ${account}`);
    const interest = this.outInterest;
    if (interest === null) return;
    if (subscribe) interest.accountSub(account);
    else interest.accountUnsub(account);
  }

  /** RMSG/HMSG from the remote (inbound links). */
  onPub(op: MsgOp): void {
    const m = op as RoutedMsgOp;
    if (this.#host.server.logger.traceEnabled) {
      this.#trace("<<-", `RMSG ${dec.decode(m.argBuf.subarray(m.accountStart, m.sizeEnd))}`);
    }
    this.noteInbound(m.size);
    this.#host.inboundMessage(this, m);
  }

  onSub(): void {}
  onUnsub(): void {}

  onPing(): void {
    this.answerPing();
  }

  onPong(): void {
    this.answerPong();
  }

  onOk(): void {}

  onErr(text: Uint8Array): void {
    this.#logger.error(`${this.logPrefix} - Gateway Error ${dec.decode(text)}`);
    this.close(CloseReason.ParseError);
  }

  onParseError(kind: ParseErrorKind, detail: string): void {
    closeOnParseError(this, this.#logger, "Gateway", kind, detail);
  }
}
