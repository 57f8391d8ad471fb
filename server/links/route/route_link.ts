/**
 * @module
 * One route connection's protocol handler (nats-server route.go plus the ROUTER parts of
 * client.go): the parser sink for RS+/RS-/RMSG/HMSG/LMSG/INFO/CONNECT/PING, the owner of the
 * route's remote-interest entries in account sublists, and a forwarding receiver that sends
 * ONE RMSG per message with the queue groups the remote must serve. Server-wide decisions
 * (registration, duplicates, gossip, cluster name) go to its {@link RouteLinkHost}.
 * PURE: no Deno, timers or console; time arrives as arguments and sockets are injected, so
 * it runs in whichever isolate owns the route socket (main isolate today, a route worker later).
 */
import type { Account } from "../../accounts/account.ts";
import type { Logger } from "../../log/logger.ts";
import type { ForwardingReceiver } from "../../routing/fan_out.ts";
import { Connection, type ConnectionProfile } from "../../conn/connection.ts";
import type { TimerHandle } from "../../conn/clock.ts";
import { Kind, originOf, type SublistEntry } from "../../routing/receiver.ts";
import { Parser, ROUTE_PROFILE } from "../../protocol/parser.ts";
import type { MsgOp, ParseErrorKind, RoutedMsgOp, RouteSink } from "../../protocol/sink.ts";
import * as wire from "../../protocol/wire_errors.ts";
import { CloseReason } from "../../protocol/wire_errors.ts";
import type { RouteUrl } from "./cluster_options.ts";
import type { RouteLinkHost, RouteLinkInit, RouteTransport, RouteType } from "./route_host.ts";
import { RoutedQueues } from "./route_inbound.ts";
import {
  parseRouteConnect,
  parseRouteInfo,
  type RouteConnectMessage,
  type RouteInfoMessage,
} from "./route_info.ts";

export {
  type ClusterServer,
  type RouteLinkHost,
  type RouteLinkInit,
  type RouteTransport,
  RouteType,
} from "./route_host.ts";
import type { CountedInterest } from "../../interest/interest_counter.ts";
import type { RemoteEntry } from "../../interest/remote_interest.ts";
import { RemoteSubRefusal, RouteSubs } from "./route_subs.ts";
import {
  accountNameBytes,
  appendRoutedMsg,
  parseRouteSub,
  parseRouteUnsub,
  routeSubLine,
  routeUnsubLine,
} from "./route_protocol.ts";
import { closeOnParseError } from "../core/link_parse_error.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The connection core's per-kind settings for routes (nats-server firstPingInterval). */
const ROUTE_CONNECTION: ConnectionProfile = {
  pingTimerName: "Router",
  firstPingMs: 1000,
  alwaysPing: false,
};

/** One route connection. */
export class RouteLink extends Connection implements RouteSink, ForwardingReceiver {
  /** Receiver and sender kind. */
  readonly kind = Kind.Route;
  /** True when this server dialed (or took over a dialed duplicate's role). */
  didSolicit: boolean;
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly startedAt: number;
  url: RouteUrl | null;
  routeType: RouteType;
  /** Reconnect even if implicit (set on the survivor of a duplicate pair). */
  retry = false;
  /** Set before closing when no reconnect must follow. */
  noReconnect = false;
  remoteId = "";
  remoteName = "";
  remoteHeaders = false;
  remoteAuthRequired = false;
  lnoc = false;
  /** Origin cluster of the LMSG being delivered ("" for RMSG/HMSG: receiver.ts OriginCluster). */
  originCluster = "";
  infoReceived = false;
  connectReceived = false;
  /** Client URLs the remote advertised (removed from ours when it goes). */
  connectUrls: string[] = [];
  /** The remote's INFO as first received (gossiped to other routes). */
  info: RouteInfoMessage | null = null;
  /** Remote interest held for this route (its entries in the account sublists). */
  readonly subs: RouteSubs;
  readonly #host: RouteLinkHost;
  readonly #parser: Parser;
  #authTimer: TimerHandle | null = null;
  /** Forwarding state of the message being routed. */
  #pending = false;
  #queues: Uint8Array[] = [];
  #queueCount = 0;
  #lastAccountBytes: Uint8Array | null = null;
  #lastAccount: Account | null = null;
  /** The queue list of the routed message being delivered. */
  readonly #routedQueues = new RoutedQueues();

  constructor(host: RouteLinkHost, transport: RouteTransport, init: RouteLinkInit) {
    super(host.server, ROUTE_CONNECTION, init.cid, transport);
    this.#host = host;
    this.subs = new RouteSubs(
      this,
      (name) => host.server.account(name),
      host.permissions,
      host.server.remoteInterestListener ?? null,
    );
    this.remoteHost = init.remoteHost;
    this.remotePort = init.remotePort;
    this.url = init.url;
    this.didSolicit = init.url !== null;
    this.routeType = init.routeType;
    this.startedAt = init.now;
    this.lastActivity = init.now;
    // client.go: routes have no max payload and no max control line (mpay -1, kind != CLIENT).
    this.#parser = new Parser(
      this,
      { maxControlLine: Number.MAX_SAFE_INTEGER, maxPayload: -1 },
      ROUTE_PROFILE,
    );
  }

  /** `ip:port - rid:N`, as nats-server prefixes route log lines. */
  get logPrefix(): string {
    const h = this.remoteHost.includes(":") ? `[${this.remoteHost}]` : this.remoteHost;
    return `${h}:${this.remotePort} - rid:${this.cid}`;
  }

  get #logger(): Logger {
    return this.#host.server.logger;
  }

  /**
   * Opens the protocol (route.go createRoute): a solicited route sends CONNECT, then both
   * sides send INFO. An accepted route must send CONNECT first, within the auth timeout when
   * the cluster has credentials.
   */
  start(connectJson: string | null, infoJson: string, _now: number): void {
    const cfg = this.#host.config;
    // client.go awaitingAuth: only an accepted route with an auth timer must open with CONNECT.
    if (!this.didSolicit && cfg.username !== "") {
      this.#parser.requireConnect = true;
      const ms = cfg.authTimeout * 1000;
      this.#authTimer = this.services.clock.after(ms, () => this.#authTimeout());
    }
    if (connectJson !== null) {
      this.#logger.debug(`${this.logPrefix} - Route connect msg sent`);
      this.#trace("->>", `CONNECT ${connectJson.replace(/"pass":"[^"]*"/, '"pass":"[REDACTED]"')}`);
      this.send(enc.encode(`CONNECT ${connectJson}\r\n`));
    }
    // server.go generateRouteInfoJSON: `INFO <json> \r\n` (forwarded INFOs have no space).
    this.send(enc.encode(`INFO ${infoJson} \r\n`));
    this.startPings(() => this.#host.random());
    this.#logger.notice(`${this.logPrefix} - Route connection created`);
  }

  /** Bytes read from the socket. */
  feed(bytes: Uint8Array, now: number): void {
    if (this.closed) return;
    this.lastActivity = now;
    this.#parser.parse(bytes);
  }

  #authTimeout(): void {
    this.#authTimer = null;
    if (this.closed || this.connectReceived) return;
    this.#logger.debug(`${this.logPrefix} - ${wire.ERR_AUTHENTICATION_TIMEOUT.text}`);
    this.#errAndClose(wire.ERR_AUTHENTICATION_TIMEOUT.line, CloseReason.AuthenticationTimeout);
  }

  // ---- output ----------------------------------------------------------------------------

  /** Connection core: traces an op the core sends (PING). */
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

  /** RS+ for one local interest (skipped when the route may not import the subject). */
  sendInterest(entry: CountedInterest, subscribe: boolean): void {
    if (this.closed || !this.#canImport(entry.subject)) return;
    const subject = entry.subjectBytes ?? entry.subject;
    const line = subscribe
      ? routeSubLine(entry.account, subject, entry.queue, entry.count)
      : routeUnsubLine(entry.account, subject, entry.queue);
    if (this.#host.server.logger.traceEnabled) this.#trace("->>", dec.decode(line.subarray(0, -2)));
    this.send(line);
  }

  /** All local interest, once the route is registered (route.go sendSubsToRoute). */
  sendAllInterest(entries: Iterable<CountedInterest>): void {
    for (const e of entries) this.sendInterest(e, true);
    this.#logger.debug(`${this.logPrefix} - Sent local subscriptions to route`);
  }

  #canImport(subject: string): boolean {
    const p = this.#host.permissions;
    return p === null || p.canPublish(subject, 0);
  }

  // ---- Receiver / ForwardingReceiver: messages to the remote ------------------------------

  receive(entry: SublistEntry, _op: MsgOp): boolean {
    if (this.closed) return false;
    if (!this.#pending) {
      this.#pending = true;
      this.#host.server.fanOut.pendForward(this);
    }
    if (entry.queue !== null) this.#queues[this.#queueCount++] = (entry as RemoteEntry).queueBytes;
    return true;
  }

  forward(account: Account, op: MsgOp): void {
    const queues = this.#queueCount;
    this.#pending = false;
    this.#queueCount = 0;
    if (this.closed) return;
    // A leafnode's message keeps its origin cluster (LMSG) for routes that understand it.
    const origin = this.lnoc ? originOf(this.#host.server.fanOut.sender) : "";
    appendRoutedMsg(
      this.out,
      accountNameBytes(account),
      op,
      this.#queues,
      queues,
      this.remoteHeaders,
      origin === "" ? null : enc.encode(origin),
    );
    // Counts, cuts at max_pending, and stalls the publishers of a route far behind.
    this.noteDelivery(op.size);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Closes the route (client.go closeConnection for a ROUTER): logs, drops remote interest. */
  close(reason: string): void {
    if (!this.markClosed(reason)) return;
    this.#authTimer?.cancel();
    this.#parser.stop();
    this.#logger.notice(`${this.logPrefix} - Router connection closed: ${reason}`);
    this.#removeRemoteSubs();
    this.flushAndCloseTransport();
    this.#host.linkClosed(this);
  }

  /** Closes the socket now, dropping unsent bytes (shutdown). */
  abort(): void {
    this.closeTransport();
  }

  #removeRemoteSubs(): void {
    for (const [name, n] of this.subs.clear()) {
      this.#logger.debug(`${this.logPrefix} - Removing ${n} subscriptions for account "${name}"`);
    }
  }

  #errAndClose(line: Uint8Array, reason: string): void {
    this.send(line);
    this.close(reason);
  }

  #sendErr(text: string): void {
    this.#trace("->>", `-ERR ${text}`);
    this.send(wire.encodeErr(text));
  }

  // ---- RouteSink ----------------------------------------------------------------------------

  onConnect(json: Uint8Array): void {
    const text = dec.decode(json);
    this.#trace("<<-", `CONNECT ${text.replace(/"pass":"[^"]*"/, '"pass":"[REDACTED]"')}`);
    const c = parseRouteConnect(text);
    if (c === null) {
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    this.connectReceived = true;
    this.#parser.requireConnect = false;
    this.#authTimer?.cancel();
    this.#authTimer = null;
    if (!this.#authorized(c)) {
      const hasUsers = (this.#host.server.options.users?.length ?? 0) > 0;
      this.#logger.error(
        `${this.logPrefix} - authentication error${
          hasUsers ? ` - User ${JSON.stringify(c.user ?? "")}` : ""
        }`,
      );
      this.#errAndClose(wire.ERR_AUTHORIZATION_VIOLATION.line, CloseReason.AuthenticationViolation);
      return;
    }
    // route.go processRouteConnect.
    if (c.lang) {
      this.#sendErr(wire.ERR_CONNECTED_TO_ROUTE_PORT.text);
      this.#logger.error(`${this.logPrefix} - ${wire.ERR_CONNECTED_TO_ROUTE_PORT.text}`);
      this.close(CloseReason.WrongPort);
      return;
    }
    if (c.gateway) {
      const text = wire.gatewayOnRoutePort(c.gateway);
      this.#logger.error(`${this.logPrefix} - ${text}`);
      this.#sendErr(text);
      this.close(CloseReason.WrongGateway);
      return;
    }
    if (!this.#host.acceptConnectCluster(this, c.cluster ?? "", c.cluster_dynamic === true)) return;
    this.remoteId = c.name ?? "";
    this.lnoc = c.lnoc === true;
    this.remoteHeaders = !this.#host.server.options.noHeaderSupport && c.headers === true;
  }

  /** route.go isRouterAuthorized: the single cluster user, when one is configured. */
  #authorized(c: RouteConnectMessage): boolean {
    const cfg = this.#host.config;
    if (cfg.username === "") return true;
    return c.user === cfg.username && (c.pass ?? "") === cfg.password;
  }

  /** Rejects a CONNECT whose cluster name conflicts (called by the host). */
  rejectCluster(text: string): void {
    this.#logger.error(`${this.logPrefix} - ${text}`);
    this.#sendErr(text);
    this.close(CloseReason.ClusterNameConflict);
  }

  onInfo(json: Uint8Array): void {
    const text = dec.decode(json);
    this.#trace("<<-", `INFO ${text}`);
    const info = parseRouteInfo(text);
    if (info === null) {
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    this.#host.processInfo(this, info);
  }

  /** Records the remote's identity from its first INFO (route.go processRouteInfo). */
  adoptInfo(info: RouteInfoMessage): void {
    this.infoReceived = true;
    this.info = info;
    this.remoteId = info.server_id;
    this.remoteName = info.server_name ?? "";
    this.remoteAuthRequired = info.auth_required === true;
    this.lnoc = info.lnoc === true;
    this.remoteHeaders = !this.#host.server.options.noHeaderSupport && info.headers === true;
  }

  onRouteSub(args: Uint8Array, hasOrigin: boolean): void {
    if (this.#host.server.logger.traceEnabled) {
      this.#trace("<<-", `${hasOrigin ? "LS+" : "RS+"} ${dec.decode(args)}`);
    }
    const r = parseRouteSub(args, hasOrigin);
    if (typeof r === "string") {
      this.#logger.error(`${this.logPrefix} - ${r}`);
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    let refused: RemoteSubRefusal | null;
    try {
      refused = this.subs.add(r);
    } catch (e) {
      this.#logger.error(
        `${this.logPrefix} - Could not insert subscription: ${(e as Error).message}`,
      );
      this.#sendErr(wire.ERR_INVALID_SUBSCRIPTION.text);
      return;
    }
    if (refused === RemoteSubRefusal.UnknownAccount) {
      // route.go processRemoteSub (static resolver) logs an error and ignores the interest.
      // nats-server always sends its $SYS interest; without a system account that is noise.
      const line =
        `${this.logPrefix} - Unknown account "${r.account}" for remote subject "${r.subject}"`;
      if (r.account === "$SYS") this.#logger.debug(line);
      else this.#logger.error(line);
    } else if (refused === RemoteSubRefusal.NotExported) {
      this.#logger.debug(
        `${this.logPrefix} - Can not export "${r.subject}", ignoring remote subscription request`,
      );
    }
  }

  onRouteUnsub(args: Uint8Array): void {
    if (this.#host.server.logger.traceEnabled) this.#trace("<<-", `RS- ${dec.decode(args)}`);
    const r = parseRouteUnsub(args);
    if (typeof r === "string") {
      this.#logger.error(`${this.logPrefix} - processRemoteUnsub ${r}`);
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    this.subs.remove(r.key);
  }

  /** A routed message (RMSG/HMSG/LMSG): delivered to this server's own receivers only. */
  onPub(op: MsgOp): void {
    const m = op as RoutedMsgOp;
    if (this.#host.server.logger.traceEnabled) {
      this.#trace("<<-", `RMSG ${dec.decode(m.argBuf.subarray(m.accountStart, m.sizeEnd))}`);
    }
    this.noteInbound(m.size);
    // A reply routed back from another cluster for a requester on this server.
    const gateways = this.#host.server.fanOut.gateways;
    if (gateways !== null && gateways.routedReply(Kind.Route, m)) return;
    const acc = this.#accountOf(m);
    if (acc === null) {
      const name = dec.decode(m.argBuf.subarray(m.accountStart, m.accountEnd));
      const subject = dec.decode(m.argBuf.subarray(m.subjectStart, m.subjectEnd));
      this.#logger.debug(
        `${this.logPrefix} - Unknown account "${name}" for routed message on subject: "${subject}"`,
      );
      return;
    }
    // Local receivers only (in the route worker: the shards holding them), DELIVERY rules;
    // an LMSG's origin keeps it out of the leafs of that cluster.
    this.originCluster = m.originEnd > m.originStart
      ? dec.decode(m.argBuf.subarray(m.originStart, m.originEnd))
      : "";
    const fan = this.#host.server.fanOut;
    fan.deliver(
      Kind.Route,
      acc,
      m,
      this.originCluster === "" ? null : this,
      this.#routedQueues.reset(m),
    );
  }

  #accountOf(m: RoutedMsgOp): Account | null {
    const buf = m.argBuf;
    const s = m.accountStart, e = m.accountEnd;
    const last = this.#lastAccountBytes;
    if (last !== null && last.length === e - s) {
      let same = true;
      for (let i = 0; i < last.length; i++) {
        if (last[i] !== buf[s + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.#lastAccount;
    }
    const acc = this.#host.server.account(dec.decode(buf.subarray(s, e)));
    if (acc !== null) {
      this.#lastAccountBytes = buf.slice(s, e);
      this.#lastAccount = acc;
    }
    return acc;
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
    this.#logger.error(`${this.logPrefix} - Route Error ${dec.decode(text)}`);
    this.close(CloseReason.ParseError);
  }

  onParseError(kind: ParseErrorKind, detail: string): void {
    closeOnParseError(this, this.#logger, "Router", kind, detail);
  }
}
