/**
 * @module
 * One leafnode connection's protocol handler (nats-server 2.9.10 leafnode.go plus the LEAF
 * parts of client.go), for both roles: the accepted side (a leaf connects to us, the hub: INFO
 * first, then CONNECT with auth) and the solicited side (we dial our hub: its INFO, our
 * CONNECT, its INFO with `connect_info`, within 2 s; that handshake runs in leaf_solicit.ts).
 * It is the parser sink for LS+/LS-/LMSG/HMSG/INFO/CONNECT/PING, the owner of the remote's
 * interest entries in its account's sublist, the keeper of what it told the remote
 * (`smap`, {@link LeafSubMap}), and a forwarding receiver that sends ONE LMSG per message with
 * the queue groups the remote must serve. Its receiver kind is `Leaf` while we are the hub and
 * `Hub` while the remote is our hub, which the DELIVERY table uses for split horizon.
 * PURE: no Deno, timers or console; time arrives as arguments, sockets and clocks are injected.
 */
import type { Account } from "../../accounts/account.ts";
import type { Logger } from "../../log/logger.ts";
import type { ForwardingReceiver, QueueFilter } from "../../routing/fan_out.ts";
import { Connection, type ConnectionProfile } from "../../conn/connection.ts";
import type { TimerHandle } from "../../conn/clock.ts";
import { Kind, originOf, type SublistEntry } from "../../routing/receiver.ts";
import { LEAF_PROFILE, Parser } from "../../protocol/parser.ts";
import type { MsgOp, ParseErrorKind, RoutedMsgOp, RouteSink } from "../../protocol/sink.ts";
import * as wire from "../../protocol/wire_errors.ts";
import { CloseReason } from "../../protocol/wire_errors.ts";
import {
  InterestChange,
  type RemoteEntry,
  RemoteInterest,
} from "../../interest/remote_interest.ts";
import type { Writer } from "../../client/outbound.ts";
import type { Permissions } from "../../options.ts";
import { appendRoutedMsg } from "../route/route_protocol.ts";
import { RoutedQueues } from "../route/route_inbound.ts";
import { RewrittenOp } from "../../accounts/import_routing.ts";
import type { LeafLinkHost, LeafLinkInit, LeafRemote, LeafUrl } from "./leaf_host.ts";
import { LeafSubMap } from "./leaf_sub_map.ts";
import { subjectIsLiteral } from "../../sublist/sublist.ts";
import { checkLeafConnect } from "./leaf_connect.ts";
import type { ClientPermissions } from "../../client/permissions.ts";
import {
  alwaysAnnounced,
  compilePermissions,
  DeliveryCheck,
  denyBoth,
  denyPublish,
  hubPermissions,
  remotePermissions,
} from "./leaf_permissions.ts";
import {
  leafSubLine,
  LOOP_DETECTION_PREFIX,
  parseLeafConnect,
  parseLeafInfo,
  parseLeafSub,
  parseLeafUnsub,
  redactConnect,
} from "./leaf_protocol.ts";
import { SolicitedHandshake } from "./leaf_solicit.ts";
import { closeOnParseError } from "../core/link_parse_error.ts";

const enc = new TextEncoder();

const dec = new TextDecoder();

/** leafnode.go leafNodeWaitBeforeClose. */
const MIN_VERSION_WAIT_MS = 5000;
export { CONNECT_PROCESS_MS } from "./leaf_solicit.ts";
/** leafnode.go leafNodeReconnectDelayAfterLoopDetected / ...AfterClusterNameSame. */
export const LOOP_DELAY_MS = 30_000;

/** The connection core's per-kind settings for leafnodes (nats-server firstPingInterval). */
const LEAF_CONNECTION: ConnectionProfile = {
  pingTimerName: "Leafnode",
  firstPingMs: 1000,
  alwaysPing: false,
};

/** The socket of a leafnode link. */
export interface LeafTransport extends Writer {
  close(): void;
}

/** One leafnode connection. */
export class LeafLink extends Connection implements RouteSink, ForwardingReceiver {
  /** `Leaf` (we are its hub) or `Hub` (it is ours); set once the roles are known. */
  kind: Kind;
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly startedAt: number;
  /** The remote config dialed (solicited side), else null. */
  readonly remote: LeafRemote | null;
  readonly url: LeafUrl | null;
  /** Bound account: at creation when solicited, at CONNECT when accepted. */
  account: Account | null;
  remoteServer = "";
  remoteId = "";
  remoteCluster = "";
  remoteDomain = "";
  /** The hub's INFO nonce (solicited side), signed with a remote's credentials. */
  nonce = "";
  /** Both sides take message headers. */
  headers = false;
  /** Registered with the manager (after CONNECT, or the hub's `connect_info` INFO). */
  registered = false;
  /**
   * What may cross the link (leaf_permissions.ts): publish = messages sent to the remote,
   * subscribe = interest announced to it. Null: everything.
   */
  permissions: ClientPermissions | null = null;
  /** What {@link permissions} was compiled from. */
  #permissionSpec: Permissions = {};
  /** Accepted side: the authenticated user's permissions (set by the host's authorize). */
  userPermissions: Permissions | undefined = undefined;
  /** Interest this link announced to the remote (leafnode.go `smap`). */
  readonly smap: LeafSubMap = new LeafSubMap();
  /** The remote's interest: entries of the account sublist owned by this link. */
  readonly subs: RemoteInterest = new RemoteInterest();
  readonly #host: LeafLinkHost;
  readonly #parser: Parser;
  #authTimer: TimerHandle | null = null;
  /** The handshake with the hub we dialed (solicited side), else null. */
  readonly #solicit: SolicitedHandshake | null;
  /** The link runs TLS (accepted with `leafnodes { tls {} }`, or secured after the INFO). */
  tls = false;
  #pending = false;
  #queues: Uint8Array[] = [];
  #queueCount = 0;
  readonly #routedQueues = new RoutedQueues();
  /** Scratch op for a message whose subject an account mapping rewrote. */
  #mappedOp: RewrittenOp | null = null;

  constructor(host: LeafLinkHost, transport: LeafTransport, init: LeafLinkInit) {
    super(host.server, LEAF_CONNECTION, init.cid, transport);
    this.#host = host;
    this.remoteHost = init.remoteHost;
    this.remotePort = init.remotePort;
    this.startedAt = init.now;
    this.lastActivity = init.now;
    this.remote = init.remote;
    this.url = init.url;
    this.account = init.account;
    this.#solicit = init.remote === null ? null : new SolicitedHandshake({
      link: this,
      host,
      clock: host.server.clock,
      startTls: init.startTls,
      trace: (dir, text) => this.#trace(dir, text),
      startPings: () => this.startPings(() => host.random()),
    });
    if (init.remote !== null) {
      const c = init.remote.config;
      this.setPermissions(remotePermissions(c.denyExports, c.denyImports));
    }
    // A solicited remote without `hub: true` is a spoke (we are the leaf of that hub).
    this.kind = init.remote !== null && !init.remote.config.hub ? Kind.Hub : Kind.Leaf;
    this.#parser = new Parser(
      this,
      { maxControlLine: Number.MAX_SAFE_INTEGER, maxPayload: host.server.options.maxPayload },
      LEAF_PROFILE,
    );
  }

  /** The leaf cluster messages from this link come from (receiver.ts OriginCluster). */
  get originCluster(): string {
    return this.remoteCluster;
  }

  /** Sets what may cross the link. */
  setPermissions(spec: Permissions): void {
    this.#permissionSpec = spec;
    this.permissions = compilePermissions(spec);
  }

  /** Adds `subjects` to the denies of both directions (JetStream API between domains). */
  denyBoth(subjects: readonly string[]): void {
    this.setPermissions(denyBoth(this.#permissionSpec, subjects));
  }

  /** Adds `subjects` to the publish denies: never sent over the link (our own JS domain). */
  denyOutgoing(subjects: readonly string[]): void {
    this.setPermissions(denyPublish(this.#permissionSpec, subjects));
  }

  /** True when this server dialed the connection. */
  get solicited(): boolean {
    return this.remote !== null;
  }

  /** True when the remote is our hub (nats-server isSpokeLeafNode). */
  get spoke(): boolean {
    return this.kind === Kind.Hub;
  }

  /** `ip:port - lid:N`, as nats-server prefixes leafnode log lines. */
  get logPrefix(): string {
    const h = this.remoteHost.includes(":") ? `[${this.remoteHost}]` : this.remoteHost;
    return `${h}:${this.remotePort} - lid:${this.cid}`;
  }

  get #logger(): Logger {
    return this.#host.server.logger;
  }

  /**
   * Opens the protocol (leafnode.go createLeafNode): an accepted link sends its INFO (unless
   * it went out before the TLS handshake: `infoJson` null) and waits for CONNECT within the
   * auth timeout; a solicited link waits for the hub's INFO. `wsCompression`: an accepted
   * WebSocket link, whether it agreed permessage-deflate (logged at debug level).
   */
  start(
    infoJson: string | null,
    authTimeoutMs: number,
    wsCompression: boolean | null = null,
  ): void {
    const suffix = this.account ? ` for account: ${this.account.name}` : "";
    this.#logger.notice(`${this.logPrefix} - Leafnode connection created${suffix} `);
    if (this.solicited) return;
    if (wsCompression !== null) {
      this.#logger.debug(`${this.logPrefix} - Leafnode compression=${wsCompression}`);
    }
    if (infoJson !== null) {
      this.#trace("->>", `INFO ${infoJson}`);
      this.send(enc.encode(`INFO ${infoJson}\r\n`));
    }
    this.#parser.requireConnect = true;
    this.#authTimer = this.services.clock.after(authTimeoutMs, () => this.#authTimeout());
  }

  feed(bytes: Uint8Array, now: number): void {
    if (this.closed) return;
    this.lastActivity = now;
    this.#parser.parse(bytes);
  }

  #authTimeout(): void {
    this.#authTimer = null;
    if (this.closed || this.registered) return;
    this.#logger.debug(`${this.logPrefix} - ${wire.ERR_AUTHENTICATION_TIMEOUT.text}`);
    this.send(wire.ERR_AUTHENTICATION_TIMEOUT.line);
    this.close(CloseReason.AuthenticationTimeout);
  }

  // ---- output ----------------------------------------------------------------------------

  protected traceOut(op: string): void {
    this.#trace("->>", op);
  }

  protected override traceIn(op: string): void {
    this.#trace("<<-", op);
  }

  #trace(dir: "<<-" | "->>", text: string): void {
    if (this.#logger.traceEnabled) this.#logger.trace(`${this.logPrefix} - ${dir} [${text}]`);
  }

  sendErr(text: string): void {
    this.#trace("->>", `-ERR '${text}'`);
    this.send(wire.encodeErr(text));
  }

  /**
   * An interest change for the remote (leafnode.go updateSmap / sendLeafNodeSubUpdate): sent
   * as LS+/LS- when the count crosses zero, or for every queue weight change.
   */
  updateInterest(key: string, queue: boolean, delta: number): void {
    if (this.closed || !this.registered) return;
    const n = this.smap.announce(key, queue, delta, this.permissions);
    if (n !== null) this.#sendInterest(key, n);
  }

  /** The snapshot of interest sent once registered (initLeafNodeSmapAndSendSubs). */
  sendAllInterest(entries: Iterable<[string, number]>): void {
    for (const [key, n] of this.smap.snapshot(entries, this.permissions)) {
      this.#sendInterest(key, n);
    }
  }

  #sendInterest(key: string, n: number): void {
    const line = leafSubLine(key, n);
    if (this.#logger.traceEnabled) this.#trace("->>", dec.decode(line.subarray(0, -2)));
    this.send(line);
  }

  // ---- Receiver / ForwardingReceiver: messages to the remote ------------------------------

  receive(entry: SublistEntry, op: MsgOp): boolean {
    if (this.closed || !this.registered) return false;
    // Never into the leaf cluster the message came from, directly or over a route (it
    // delivered there itself: client.go "cluster wide no echo").
    if (
      this.remoteCluster !== "" && originOf(this.#host.server.fanOut.sender) === this.remoteCluster
    ) {
      return false;
    }
    // client.go deliverMsg: a LEAF with permissions delivers only what it may publish.
    if (this.permissions !== null) {
      const denied = this.#deliveries.denied(this.permissions, op, this.services.clock);
      if (denied !== null) {
        this.#logger.debug(`${this.logPrefix} - Not permitted to deliver to "${denied}"`);
        return false;
      }
    }
    if (!this.#pending) {
      this.#pending = true;
      this.#host.server.fanOut.pendForward(this);
    }
    if (entry.queue !== null) this.#queues[this.#queueCount++] = (entry as RemoteEntry).queueBytes;
    return true;
  }

  /** Delivery permission checks, once per subject of a run of messages. */
  readonly #deliveries = new DeliveryCheck();

  forward(_account: Account, op: MsgOp): void {
    const queues = this.#queueCount;
    this.#pending = false;
    this.#queueCount = 0;
    if (this.closed) return;
    appendRoutedMsg(this.out, null, op, this.#queues, queues, this.headers);
    this.noteDelivery(op.size);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** client.go closeConnection for a LEAF: logs, drops the remote's interest, unregisters. */
  close(reason: string): void {
    if (!this.markClosed(reason)) return;
    this.#authTimer?.cancel();
    this.#solicit?.cancel();
    this.#parser.stop();
    // A failed client handshake was logged by the handshake already.
    if (reason !== CloseReason.TLSHandshakeError) {
      this.#logger.notice(
        `${this.logPrefix} - Leafnode connection closed: ${reason} account: ${
          this.account?.name ?? ""
        }`,
      );
    }
    for (const e of this.subs.removeOwner(this)) {
      this.#host.remoteInterest(this, e, -e.weight, InterestChange.Removed);
    }
    this.flushAndCloseTransport();
    this.#host.linkClosed(this);
  }

  abort(): void {
    this.closeTransport();
  }

  // ---- sink: handshake --------------------------------------------------------------------

  onConnect(json: Uint8Array): void {
    const text = dec.decode(json);
    this.#trace("<<-", `CONNECT ${redactConnect(text)}`);
    if (this.solicited || this.registered) return;
    const c = parseLeafConnect(text);
    if (c === null) {
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    this.#parser.requireConnect = false;
    this.#authTimer?.cancel();
    this.#authTimer = null;
    const account = this.#host.authorize(this, c);
    if (account === null) {
      this.send(wire.ERR_AUTHORIZATION_VIOLATION.line);
      this.close(CloseReason.AuthenticationViolation);
      return;
    }
    this.account = account;
    const refused = checkLeafConnect(c, this.#host.clusterName(), this.#host.minVersion());
    if (refused !== null) {
      // min_version: our INFO first (the remote then stalls instead of retrying at once), the
      // error, and the connection closes after 5 s.
      if (refused.delayed) this.send(this.#host.connectInfoLine(this));
      this.#logger.error(`${this.logPrefix} - ${refused.text}`);
      this.sendErr(refused.text);
      if (!refused.delayed) this.close(refused.reason);
      else {
        this.#authTimer = this.services.clock.after(
          MIN_VERSION_WAIT_MS,
          () => this.close(refused.reason),
        );
      }
      return;
    }
    this.headers = !this.#host.server.options.noHeaderSupport && c.headers === true;
    this.remoteServer = c.name ?? "";
    this.remoteId = c.server_id ?? "";
    if (c.is_hub) this.kind = Kind.Hub;
    this.setPermissions(hubPermissions(this.userPermissions, c.deny_pub ?? []));
    this.remoteCluster = c.cluster ?? "";
    this.remoteDomain = c.domain ?? "";
    this.startPings(() => this.#host.random());
    this.registered = true;
    this.#host.accepted(this, c);
  }

  onInfo(json: Uint8Array): void {
    const text = dec.decode(json);
    this.#trace("<<-", `INFO ${text}`);
    const info = parseLeafInfo(text);
    if (info === null) {
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    this.#solicit?.onInfo(info); // leaf_solicit.ts; an accepted link ignores INFOs
  }

  // ---- sink: interest ---------------------------------------------------------------------

  /** LS+ (leafnode.go processLeafSub). */
  onRouteSub(args: Uint8Array, _hasOrigin: boolean): void {
    if (this.#logger.traceEnabled) this.#trace("<<-", `LS+ ${dec.decode(args)}`);
    const account = this.account;
    if (account === null || !this.registered) return;
    const r = parseLeafSub(args);
    if (typeof r === "string") {
      this.#logger.error(`${this.logPrefix} - ${r}`);
      this.close(CloseReason.ProtocolViolation);
      return;
    }
    if (
      r.subject.startsWith(LOOP_DETECTION_PREFIX) && r.subject === this.#host.loopSubject(account)
    ) {
      this.handleLoop(true);
      return;
    }
    // processLeafSub: a hub refuses interest in a literal subject it may not send there.
    const p = this.permissions;
    if (
      p !== null && !this.spoke && !alwaysAnnounced(r.subject) && subjectIsLiteral(r.subject) &&
      !p.canPublish(r.subject, this.services.clock.now())
    ) {
      this.#permissionViolation(r.subject);
      return;
    }
    const held = this.subs.get(this, r.key);
    if (held !== undefined) {
      if (r.queue === null) return;
      const before = held.weight;
      this.subs.setWeight(held, Math.max(0, r.weight));
      if (held.weight !== before) {
        this.#host.remoteInterest(this, held, held.weight - before, InterestChange.Weight);
      }
      return;
    }
    let entry: RemoteEntry;
    try {
      entry = this.subs.add(
        this,
        account,
        r.key,
        r.subject,
        r.subjectBytes,
        r.queue,
        r.queue === null ? undefined : enc.encode(r.queue),
        Math.max(0, r.weight),
      );
    } catch (e) {
      this.#logger.error(
        `${this.logPrefix} - Could not insert subscription: ${(e as Error).message}`,
      );
      this.sendErr(wire.ERR_INVALID_SUBSCRIPTION.text);
      return;
    }
    this.#host.remoteInterest(this, entry, 1, InterestChange.Added);
  }

  /** LS- (leafnode.go processLeafUnsub). */
  onRouteUnsub(args: Uint8Array): void {
    if (this.#logger.traceEnabled) this.#trace("<<-", `LS- ${dec.decode(args)}`);
    const entry = this.subs.get(this, parseLeafUnsub(args));
    if (entry === undefined) return;
    this.subs.remove(entry);
    this.#host.remoteInterest(this, entry, -entry.weight, InterestChange.Removed);
  }

  /** leafnode.go leafPermViolation for an LS+: -ERR, the error logged, closed (30 s delay). */
  #permissionViolation(subject: string): void {
    if (this.remote !== null) this.remote.connectDelayMs = LOOP_DELAY_MS;
    this.sendErr(`Permissions Violation for Subscription to ${JSON.stringify(subject)}`);
    this.#logger.error(
      `${this.logPrefix} - Subscription Violation on ${
        JSON.stringify(subject)
      } - Check other side configuration`,
    );
    this.close(CloseReason.ProtocolViolation);
  }

  /**
   * leafnode.go handleLeafNodeLoop: a loop (our own `$LDS.` subject came back): the error to
   * the remote (when we found it), the error logged, a 30 s delay before a solicited link
   * dials again.
   */
  handleLoop(sendErr: boolean): void {
    if (this.remote !== null) this.remote.connectDelayMs = LOOP_DELAY_MS;
    const text = wire.leafnodeLoop(this.account?.name ?? "", "30s");
    if (sendErr) this.sendErr(text);
    this.#logger.error(`${this.logPrefix} - ${text}`);
    this.close(CloseReason.ProtocolViolation);
  }

  // ---- sink: messages ---------------------------------------------------------------------

  /** LMSG/HMSG from the remote (leafnode.go processInboundLeafMsg). */
  onPub(op: MsgOp): void {
    const m = op as RoutedMsgOp;
    if (this.#logger.traceEnabled) {
      this.#trace("<<-", `LMSG ${dec.decode(m.argBuf.subarray(m.subjectStart, m.sizeEnd))}`);
    }
    this.noteInbound(m.size);
    const account = this.account;
    if (account === null || !this.registered) return;
    let queues: QueueFilter | null = this.#routedQueues.reset(m);
    let delivered: MsgOp = m;
    // Account mappings apply to a leaf's messages as to a client's (parser.go MSG_END_N); a
    // mapped message without a queue list may go to local queue groups (leafnode.go
    // processInboundLeafMsg pmrIgnoreEmptyQueueFilter).
    const mappings = account.mappings;
    if (mappings !== null) {
      delivered = mappings.mapOp(m, this.#mappedOp ??= new RewrittenOp());
      if (delivered !== m && m.queuesEnd <= m.queuesStart) queues = null;
    }
    this.#host.server.fanOut.deliver(this.kind, account, delivered, this, queues);
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

  /** client.go processErr for a LEAF (the connection stays; leafProcessErr). */
  onErr(text: Uint8Array): void {
    const err = dec.decode(text);
    this.#logger.error(`${this.logPrefix} - Leafnode Error ${err}`);
    if (err.includes(wire.ERR_LEAFNODE_SAME_CLUSTER_NAME.text)) {
      if (this.remote !== null) this.remote.connectDelayMs = LOOP_DELAY_MS;
      this.#logger.error(
        `${this.logPrefix} - Leafnode connection dropped with same cluster name error. ` +
          `Delaying attempt to reconnect for 30s`,
      );
      return;
    }
    if (err.includes("Loop detected")) this.handleLoop(false);
  }

  onParseError(kind: ParseErrorKind, detail: string): void {
    closeOnParseError(this, this.#logger, "Leafnode", kind, detail);
  }
}
