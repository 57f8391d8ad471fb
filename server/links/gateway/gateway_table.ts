/**
 * @module
 * The gateways of one server (nats-server 2.9.10 gateway.go `srvGateway`): the remote gateways
 * (configured, or learned by gossip: implicit), the registered links (one outbound per remote
 * name, any number of inbound), this cluster's gateway URLs, the cluster interest the inbound
 * links announce, the message path both ways (processInboundGatewayMsg, sendMsgToGateways) and
 * reply routing (`_GR_.<cluster>.<server>.<reply>`). Sockets and dials belong to the shell
 * (`GatewayManager`, through {@link GatewayEffects}).
 * PURE: no Deno APIs, timers or console output. Runs in the isolate owning the gateway links.
 */
import type { Account } from "../../accounts/account.ts";
import type { GatewayConfig } from "../../link_options.ts";
import type { MsgOp, RoutedMsgOp } from "../../protocol/sink.ts";
import type { GatewayForwarder } from "../../routing/fan_out.ts";
import { Kind } from "../../routing/receiver.ts";
import { CloseReason } from "../../protocol/wire_errors.ts";
import * as wire from "../../protocol/wire_errors.ts";
import { joinHostPort, parseRouteUrl } from "../route/cluster_options.ts";
import { accountNameBytes, appendRoutedMsg } from "../route/route_protocol.ts";
import { RoutedQueues } from "../route/route_inbound.ts";
import { ClusterInterest, TallyChange } from "./cluster_interest.ts";
import {
  gatewayHash,
  gatewayReplyPrefix,
  GW_CLUSTER_OFFSET,
  GW_HASH_LEN,
  GW_SERVER_OFFSET,
  GW_SUBJECT_OFFSET,
  OLD_GW_REPLY_PREFIX,
  OLD_GW_SUBJECT_OFFSET,
  oldGatewayHash,
  oldGatewayReplyPrefix,
  RoutedReply,
  routedReplyKind,
} from "./gateway_hash.ts";
import type {
  GatewayEffects,
  GatewayLinkHost,
  GatewayServer,
  GatewayUrl,
  RemoteGateway,
} from "./gateway_host.ts";
import {
  GatewayCmd,
  gatewayCmdAccount,
  gatewayCmdInfoJson,
  gatewayConnectJson,
  gatewayGossipInfoJson,
  gatewayInfoJson,
  type GatewayInfoMessage,
  gatewayRouteGossipJson,
  type LocalGatewayInfo,
} from "./gateway_info.ts";
import { InterestNotice, NoInterestReply } from "./gateway_interest.ts";
import type { GatewayLink } from "./gateway_link.ts";
import { rewriteOp } from "./gateway_ops.ts";
import { RecentInterest, ReplyMappings } from "./gateway_replies.ts";

const dec = new TextDecoder();

/** gateway.go gatewayReconnectDelay. */
export const GATEWAY_RECONNECT_DELAY_MS = 1000;

/** A remote gateway from the configuration, its URLs parsed (bad ones dropped). */
function configuredRemote(name: string, urls: readonly string[], tls: boolean): RemoteGateway {
  const remote: RemoteGateway = {
    name,
    implicit: false,
    urls: [],
    configuredCount: 0,
    tls,
    connAttempts: 0,
  };
  for (const text of urls) {
    const u = parseRouteUrl(text);
    if (u) remote.urls.push({ ...u, remote });
  }
  (remote as { configuredCount: number }).configuredCount = remote.urls.length;
  return remote;
}

/** Server-wide gateway state and decisions. */
export class GatewayTable implements GatewayLinkHost, GatewayForwarder {
  readonly server: GatewayServer;
  readonly config: GatewayConfig;
  readonly name: string;
  readonly local: LocalGatewayInfo;
  /** `_GR_.<cluster hash>.<server hash>.` and `$GR.<old hash>.`. */
  readonly replyPrefix: string;
  readonly oldReplyPrefix: string;
  readonly clusterHash: string;
  readonly serverHash: string;
  readonly oldHash: string;
  readonly remotes: Map<string, RemoteGateway> = new Map();
  /** Outbound links by remote name, and in sending order (lowest RTT first). */
  readonly out: Map<string, GatewayLink> = new Map();
  outOrdered: GatewayLink[] = [];
  readonly inbound: Map<number, GatewayLink> = new Map();
  /** Every link created and not yet closed (registered or not). */
  readonly links: Set<GatewayLink> = new Set();
  /** This cluster's gateway URLs (ref-counted: ours, and the ones routes told). */
  readonly #urls = new Map<string, number>();
  readonly interest: ClusterInterest = new ClusterInterest();
  readonly recent: RecentInterest = new RecentInterest();
  readonly replies: ReplyMappings = new ReplyMappings();
  /** Queue subscriptions held by outbound links (collect delivered queue names when > 0). */
  #queueSubs = 0;
  readonly #effects: GatewayEffects;
  readonly #random: () => number;
  readonly #routedQueues = new RoutedQueues();
  running = true;

  constructor(
    server: GatewayServer,
    config: GatewayConfig,
    effects: GatewayEffects,
    random: () => number,
    local: LocalGatewayInfo,
  ) {
    this.server = server;
    this.config = config;
    this.name = config.name;
    this.local = local;
    this.#effects = effects;
    this.#random = random;
    this.clusterHash = gatewayHash(config.name);
    this.serverHash = gatewayHash(server.id);
    this.oldHash = oldGatewayHash(config.name);
    this.replyPrefix = gatewayReplyPrefix(config.name, server.id);
    this.oldReplyPrefix = oldGatewayReplyPrefix(config.name);
    for (const g of config.gateways) {
      if (g.name === config.name) continue;
      this.remotes.set(
        g.name,
        configuredRemote(g.name, g.urls, (g.tls ?? config.tls) !== undefined),
      );
    }
  }

  random(): number {
    return this.#random();
  }

  /** True when an outbound link holds queue interest (GatewayForwarder). */
  get collectQueues(): boolean {
    return this.#queueSubs > 0;
  }

  // ---- URLs and handshake documents -------------------------------------------------------

  /** Adds a URL of this cluster's gateways; true when new. */
  addUrl(url: string): boolean {
    const n = this.#urls.get(url) ?? 0;
    this.#urls.set(url, n + 1);
    return n === 0;
  }

  /** Removes one reference of a URL; true when it is gone. */
  removeUrl(url: string): boolean {
    const n = this.#urls.get(url);
    if (n === undefined) return false;
    if (n > 1) {
      this.#urls.set(url, n - 1);
      return false;
    }
    this.#urls.delete(url);
    return true;
  }

  /**
   * Another server of this cluster runs gateways at `url` (route.go addGatewayURL /
   * removeGatewayURL): the inbound links get our INFO again with the new list.
   */
  clusterUrl(url: string, added: boolean): void {
    const changed = added ? this.addUrl(url) : this.removeUrl(url);
    if (!changed || !this.running) return;
    for (const link of this.inbound.values()) link.sendLine(`INFO ${this.infoJson()}`);
  }

  get urls(): string[] {
    return [...this.#urls.keys()];
  }

  infoJson(): string {
    return gatewayInfoJson(this.local, this.urls);
  }

  connectJson(link: GatewayLink): string {
    const url = link.url;
    const user = url?.user !== undefined ? url.user : this.config.username;
    const pass = url?.user !== undefined ? url.pass ?? "" : this.config.password;
    return gatewayConnectJson({
      user,
      pass,
      tlsRequired: link.remote?.tls ?? false,
      serverId: this.server.id,
      gateway: this.name,
    });
  }

  acceptsGateway(name: string): boolean {
    return !this.config.rejectUnknown || this.remotes.has(name);
  }

  // ---- INFO ---------------------------------------------------------------------------------

  /** gateway.go processGatewayInfo. */
  processInfo(link: GatewayLink, info: GatewayInfoMessage): void {
    if (link.closed) return;
    const first = !link.infoReceived;
    link.infoReceived = true;
    if (first) link.remoteId = info.server_id;
    if (link.outbound) this.#outboundInfo(link, info, first);
    else if (first) this.#inboundFirstInfo(link, info);
  }

  #outboundInfo(link: GatewayLink, info: GatewayInfoMessage, first: boolean): void {
    const log = this.server.logger;
    const name = link.remoteName;
    if (!info.gateway) {
      link.sendErrAndErr(wire.gatewayWrongPort(name));
      link.close(CloseReason.WrongPort);
      return;
    }
    if (info.gateway !== name) {
      if (!first && info.gateway_cmd === GatewayCmd.Gossip) {
        if (!this.acceptsGateway(info.gateway)) return;
        this.implicitGateway(info);
        return;
      }
      log.error(
        `${link.logPrefix} - Failing connection to gateway ${JSON.stringify(name)}, ` +
          `remote gateway name is ${JSON.stringify(info.gateway)}`,
      );
      link.sendErr(wire.gatewayWrongDestination(this.name, name, info.gateway));
      link.close(CloseReason.WrongGateway);
      return;
    }
    if (info.gateway_urls && info.gateway_urls.length > 0 && link.remote) {
      this.#updateUrls(link.remote, info.gateway_urls, true);
    }
    if (first) {
      link.remoteServerName = info.server_name ?? "";
      link.outInterest!.interestOnly = info.gateway_iom === true;
      link.useOldPrefix = info.gateway_nrp !== true;
      link.remoteHeaders = !this.server.options.noHeaderSupport && info.headers === true;
      link.sendConnect();
      if (this.out.has(name) || !this.running) {
        link.noReconnect = true;
        link.close(CloseReason.WrongGateway);
        return;
      }
      this.out.set(name, link);
      this.outOrdered.push(link);
      this.#orderOutbound();
      link.registered = true;
      log.notice(
        `${link.logPrefix} - Outbound gateway connection to ${JSON.stringify(name)} ` +
          `(${info.server_id}) registered`,
      );
      link.armPings();
    } else if ((info.gateway_cmd ?? 0) > 0) {
      const cmd = info.gateway_cmd;
      if (cmd === GatewayCmd.AllSubsStart || cmd === GatewayCmd.AllSubsComplete) {
        const which = cmd === GatewayCmd.AllSubsStart ? "start" : "complete";
        const account = gatewayCmdAccount(info);
        if (account === "") {
          link.sendErrAndErr(wire.gatewayAccountAbsent(which));
          link.close(CloseReason.ProtocolViolation);
          return;
        }
        if (cmd === GatewayCmd.AllSubsStart) {
          log.debug(
            `${link.logPrefix} - Gateway ${JSON.stringify(info.gateway)}: switching account ` +
              `${JSON.stringify(account)} to Interest-Only mode`,
          );
          link.outInterest!.allSubsStart(account);
        } else {
          link.outInterest!.allSubsComplete(account);
          log.debug(
            `${link.logPrefix} - Gateway ${JSON.stringify(info.gateway)}: switching account ` +
              `${JSON.stringify(account)} to Interest-Only mode complete`,
          );
        }
      } else log.warn(`Received unknown command ${cmd} from gateway ${JSON.stringify(name)}`);
      return;
    }
    // forwardNewGatewayToLocalCluster: the other servers of this cluster dial it too.
    this.#effects.forwardToRoutes(
      gatewayRouteGossipJson(
        this.server.id,
        this.server.options.serverName ?? "",
        info.gateway,
        info.gateway_urls ?? [],
      ),
    );
  }

  #inboundFirstInfo(link: GatewayLink, info: GatewayInfoMessage): void {
    link.remoteName = info.gateway ?? "";
    link.remoteServerName = info.server_name ?? "";
    this.inbound.set(link.cid, link);
    link.registered = true;
    this.server.logger.notice(
      `${link.logPrefix} - Inbound gateway connection from ${JSON.stringify(link.remoteName)} ` +
        `(${info.server_id}) registered`,
    );
    this.#sendQueueSubs(link);
    this.implicitGateway(info);
    this.#gossipTo(link);
    // 2.9.0+: every account switches to interest-only right away (gateway_iom).
    for (const account of this.#accountNames()) this.#switchToInterestOnly(link, account);
  }

  #accountNames(): string[] {
    const names: string[] = [];
    const accounts = (this.server as { accounts?(): Iterable<Account> }).accounts?.();
    if (accounts) { for (const a of accounts) names.push(a.name); }
    return names;
  }

  /** gateway.go gossipGatewaysToInboundGateway. */
  #gossipTo(link: GatewayLink): void {
    for (const [name, remote] of this.remotes) {
      if (name === link.remoteName) continue;
      const urls = remote.urls.map((u) => joinHostPort(u.host, u.port));
      if (urls.length === 0) continue;
      link.sendLine(`INFO ${gatewayGossipInfoJson(this.server.id, name, urls)}`);
    }
  }

  /**
   * gateway.go processImplicitGateway: a gateway learned by gossip (or from an inbound link's
   * INFO) is dialed unless known; a known one gets the advertised URLs added.
   */
  implicitGateway(info: GatewayInfoMessage): void {
    const name = info.gateway;
    if (!name || name === this.name || !this.running) return;
    const known = this.remotes.get(name);
    if (known) {
      this.#updateUrls(known, info.gateway_urls ?? [], false);
      return;
    }
    const remote: RemoteGateway = {
      name,
      implicit: true,
      urls: [],
      configuredCount: 0,
      tls: this.config.tls !== undefined,
      connAttempts: 0,
    };
    this.#updateUrls(remote, info.gateway_urls ?? [], false);
    if (remote.urls.length === 0) return;
    this.remotes.set(name, remote);
    this.#effects.solicit(remote, true, 0);
  }

  /** gateway.go updateURLs (replace the discovered ones) / addURLs (add). */
  #updateUrls(remote: RemoteGateway, hostPorts: readonly string[], replace: boolean): void {
    if (replace) remote.urls.splice(remote.configuredCount);
    const scheme = remote.tls ? "tls" : "nats";
    for (const hp of hostPorts) {
      const u = parseRouteUrl(`${scheme}://${hp}`);
      if (!u) continue;
      const key = joinHostPort(u.host, u.port).toLowerCase();
      if (remote.urls.some((x) => joinHostPort(x.host, x.port).toLowerCase() === key)) continue;
      remote.urls.push({ ...u, remote } as GatewayUrl);
    }
  }

  /**
   * route.go processGatewayInfoFromRoute: a gateway another server of this cluster connected
   * to (gossip command), dialed from here too.
   */
  fromRoute(info: GatewayInfoMessage, routeId: string): void {
    if (info.gateway_cmd === GatewayCmd.Gossip) this.implicitGateway(info);
    else {
      this.server.logger.error(`Unknown command ${info.gateway_cmd} from server ${routeId}`);
    }
  }

  /** route.go sendGatewayConfigsToRoute: the gateways we have an outbound link to. */
  forNewRoute(): string[] {
    const out: string[] = [];
    for (const link of this.out.values()) {
      const remote = link.remote;
      if (!remote) continue;
      const urls = remote.urls.map((u) => joinHostPort(u.host, u.port));
      if (urls.length === 0) continue;
      out.push(gatewayRouteGossipJson(this.server.id, "", remote.name, urls));
    }
    return out;
  }

  /** Whether `name` has a registered inbound link. */
  hasInbound(name: string): boolean {
    for (const l of this.inbound.values()) if (l.remoteName === name) return true;
    return false;
  }

  #orderOutbound(): void {
    this.outOrdered.sort((a, b) => (a.rttMs || Infinity) - (b.rttMs || Infinity));
  }

  /** A dial of an implicit gateway gave up: forget it, unless it connected to us meanwhile. */
  dialAbandoned(remote: RemoteGateway): boolean {
    if (!remote.implicit) return false;
    if (this.hasInbound(remote.name)) return true;
    if (this.remotes.get(remote.name) === remote && !this.out.has(remote.name)) {
      this.remotes.delete(remote.name);
    }
    return false;
  }

  /** Whether a dial of `remote` is still wanted. */
  stillWanted(remote: RemoteGateway): boolean {
    return this.running && this.remotes.get(remote.name) === remote && !this.out.has(remote.name);
  }

  linkClosed(link: GatewayLink): void {
    this.links.delete(link);
    if (link.outbound) {
      if (this.out.get(link.remoteName) === link) this.out.delete(link.remoteName);
      const i = this.outOrdered.indexOf(link);
      if (i >= 0) this.outOrdered.splice(i, 1);
      this.#queueSubs -= link.outInterest?.queueSubs ?? 0;
      const remote = link.remote;
      if (remote && !link.noReconnect && this.running && this.remotes.get(remote.name) === remote) {
        const delay = Math.floor(this.#random() * 100) +
          (remote.implicit ? 0 : GATEWAY_RECONNECT_DELAY_MS);
        this.#effects.solicit(remote, false, delay);
      }
    } else this.inbound.delete(link.cid);
  }

  remoteInterestChanged(_link: GatewayLink, queueDelta: number): void {
    this.#queueSubs += queueDelta;
  }

  /** Closes every link (shutdown). */
  closeAll(): void {
    this.running = false;
    for (const l of [...this.links]) l.close(CloseReason.ServerShutdown);
  }

  // ---- interest announced to inbound links --------------------------------------------------

  /** gateway.go sendQueueSubsToGateway: every queue interest of the cluster, weight 1. */
  #sendQueueSubs(link: GatewayLink): void {
    for (const account of this.interest.accounts()) {
      for (const e of this.interest.entries(account, true)) {
        link.sendLine(`RS+ ${account} ${e.subject} ${e.queue} 1`);
      }
    }
  }

  /** gateway.go gatewaySwitchAccountToSendAllSubs: start, every plain RS+, complete. */
  #switchToInterestOnly(link: GatewayLink, account: string): void {
    if (!link.inInterest!.beginInterestOnly(account)) return;
    const log = this.server.logger;
    const quoted = `Gateway ${JSON.stringify(link.remoteName)}: switching account ` +
      `${JSON.stringify(account)} to Interest-Only mode`;
    log.debug(`${link.logPrefix} - ${quoted}`);
    link.sendLine(`INFO ${gatewayCmdInfoJson(this.name, GatewayCmd.AllSubsStart, account)}`);
    for (const e of this.interest.entries(account, false)) {
      link.sendLine(`RS+ ${account} ${e.subject}`);
    }
    link.sendLine(`INFO ${gatewayCmdInfoJson(this.name, GatewayCmd.AllSubsComplete, account)}`);
    log.debug(`${link.logPrefix} - ${quoted} complete`);
  }

  /**
   * Local or route interest changed by `delta` (gateway.go gatewayUpdateSubInterest): on the
   * first or last subscription of an entry, the inbound links are told (RS+/RS-/A+).
   */
  interestChanged(account: string, subject: string, queue: string | null, delta: number): void {
    if (delta > 0) this.recent.add(account, subject, this.#effects.now());
    const change = this.interest.change(account, subject, queue, delta);
    if (change === TallyChange.None) return;
    const added = change === TallyChange.First;
    for (const link of this.inbound.values()) {
      if (link.closed) continue;
      if (queue !== null) {
        if (added) link.inInterest!.queueInterestAdded(account);
        link.sendLine(
          added ? `RS+ ${account} ${subject} ${queue} 1` : `RS- ${account} ${subject} ${queue}`,
        );
        continue;
      }
      const notice = link.inInterest!.plainInterestChanged(account, subject, added);
      if (notice === InterestNotice.SubjectSub) link.sendLine(`RS+ ${account} ${subject}`);
      else if (notice === InterestNotice.SubjectUnsub) link.sendLine(`RS- ${account} ${subject}`);
      else if (notice === InterestNotice.AccountSub) link.sendLine(`A+ ${account}`);
    }
  }

  // ---- messages from the remote ----------------------------------------------------------

  /** gateway.go processInboundGatewayMsg. */
  inboundMessage(link: GatewayLink, op: RoutedMsgOp): void {
    if (this.handleRoutedReply(Kind.Gateway, op, link)) return;
    const buf = op.argBuf;
    const accountName = dec.decode(buf.subarray(op.accountStart, op.accountEnd));
    const account = this.server.account(accountName);
    if (account === null) {
      this.#unknownAccount(link, accountName, op);
      return;
    }
    const r = account.sublist.match(buf, op.subjectStart, op.subjectEnd);
    if (r.psubs.length === 0) {
      const subject = dec.decode(buf.subarray(op.subjectStart, op.subjectEnd));
      this.#noSubjectInterest(link, account, subject);
      if (op.queuesEnd <= op.queuesStart) return;
    }
    this.server.fanOut.deliver(Kind.Gateway, account, op, null, this.#routedQueues.reset(op));
  }

  #unknownAccount(link: GatewayLink, accountName: string, op: RoutedMsgOp): void {
    const subject = dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd));
    this.server.logger.debug(
      `${link.logPrefix} - Unknown account ${JSON.stringify(accountName)} for gateway message ` +
        `on subject: ${JSON.stringify(subject)}`,
    );
    if (this.interest.hasAccount(accountName)) return;
    if (link.inInterest!.noAccountInterest(accountName)) link.sendLine(`A- ${accountName}`);
  }

  /** gateway.go gatewayHandleSubjectNoInterest. */
  #noSubjectInterest(link: GatewayLink, account: Account, subject: string): void {
    const reply = link.inInterest!.noSubjectInterest(
      account.name,
      subject,
      account.sublist.count > 0,
    );
    if (reply === NoInterestReply.SubjectUnsub) link.sendLine(`RS- ${account.name} ${subject}`);
    else if (reply === NoInterestReply.AccountUnsub) link.sendLine(`A- ${account.name}`);
    else if (reply === NoInterestReply.SwitchToInterestOnly) {
      this.#switchToInterestOnly(link, account.name);
    }
  }

  /**
   * gateway.go handleGatewayReply: a message on `_GR_.<cluster>.<server>.<subject>` (or
   * `$GR.<cluster>.<subject>`) from a gateway or a route. Not for this cluster: dropped; for
   * another server of this cluster (from a gateway): passed to its route; else delivered here on
   * the plain subject. Returns false when the subject is not a routed reply.
   */
  routedReply(from: Kind, op: RoutedMsgOp): boolean {
    return this.handleRoutedReply(from, op, null);
  }

  /** {@link routedReply} with the gateway link the message came on (null from a route). */
  handleRoutedReply(from: Kind, op: RoutedMsgOp, link: GatewayLink | null): boolean {
    const buf = op.argBuf;
    const ss = op.subjectStart;
    const kind = routedReplyKind(buf, ss, op.subjectEnd);
    if (kind === RoutedReply.None) return false;
    let offset: number;
    let serverHash: string | null = null;
    if (kind === RoutedReply.Old) {
      const h = dec.decode(
        buf.subarray(ss + OLD_GW_REPLY_PREFIX.length, ss + OLD_GW_SUBJECT_OFFSET - 1),
      );
      if (h !== this.oldHash) return true;
      offset = OLD_GW_SUBJECT_OFFSET;
    } else {
      const h = dec.decode(
        buf.subarray(ss + GW_CLUSTER_OFFSET, ss + GW_CLUSTER_OFFSET + GW_HASH_LEN),
      );
      if (h !== this.clusterHash) return true;
      serverHash = dec.decode(
        buf.subarray(ss + GW_SERVER_OFFSET, ss + GW_SERVER_OFFSET + GW_HASH_LEN),
      );
      offset = GW_SUBJECT_OFFSET;
    }
    const accountName = dec.decode(buf.subarray(op.accountStart, op.accountEnd));
    const account = this.server.account(accountName);
    if (account === null) {
      const subject = dec.decode(buf.subarray(ss + offset, op.subjectEnd));
      this.server.logger.debug(
        `${link?.logPrefix ?? ""} - Unknown account ${JSON.stringify(accountName)} for ` +
          `${from === Kind.Gateway ? "gateway" : "routed"} message on subject: ${
            JSON.stringify(subject)
          }`,
      );
      if (link !== null && !this.interest.hasAccount(accountName)) {
        if (link.inInterest?.noAccountInterest(accountName)) link.sendLine(`A- ${accountName}`);
      }
      return true;
    }
    if (from === Kind.Gateway && serverHash !== null && serverHash !== this.serverHash) {
      const route = this.#effects.routeByServerHash(serverHash);
      if (route !== null && !route.closed) {
        appendRoutedMsg(route.out, accountNameBytes(account), op, [], 0, route.remoteHeaders);
        route.noteDelivery(op.size);
        return true;
      }
    }
    op.subjectStart = ss + offset;
    try {
      this.server.fanOut.deliver(from, account, op, null, null);
    } finally {
      op.subjectStart = ss;
    }
    return true;
  }

  // ---- messages to the remotes (GatewayForwarder) -------------------------------------------

  /**
   * gateway.go sendMsgToGateways: after the local fan-out of a message from a client (or an
   * internal connection), one copy to each outbound gateway with interest, naming the remote's
   * queue groups not served yet (each group served by one cluster only). A routed reply goes
   * only to the gateway of its cluster. Returns true when a copy went out.
   */
  send(account: Account, op: MsgOp, servedQueues: string[]): boolean {
    const links = this.outOrdered;
    if (links.length === 0 || op.subjectEnd === op.subjectStart) return false;
    const buf = op.argBuf;
    const kind = routedReplyKind(buf, op.subjectStart, op.subjectEnd);
    let dstHash = "";
    if (kind === RoutedReply.New) {
      const s = op.subjectStart + GW_CLUSTER_OFFSET;
      dstHash = dec.decode(buf.subarray(s, s + GW_HASH_LEN));
    } else if (kind === RoutedReply.Old) {
      const s = op.subjectStart + OLD_GW_REPLY_PREFIX.length;
      dstHash = dec.decode(buf.subarray(s, s + 4));
    }
    let mapped: MsgOp | null = null;
    let checkReply = op.replyEnd > op.replyStart;
    let sent = false;
    const queues: Uint8Array[] = [];
    for (let i = 0; i < links.length; i++) {
      const link = links[i];
      if (link.closed) continue;
      let queueCount = 0;
      if (kind !== RoutedReply.None) {
        const name = link.remoteName;
        const h = kind === RoutedReply.New ? gatewayHash(name) : oldGatewayHash(name);
        if (h !== dstHash) continue;
      } else {
        const interest = link.outInterest!.interest(
          account.name,
          buf,
          op.subjectStart,
          op.subjectEnd,
        );
        if (!interest.plain && interest.queues === null) continue;
        if (interest.queues !== null) {
          for (const group of interest.queues.qsubs) {
            if (group.length === 0) continue;
            const q = group[0].queue!;
            if (servedQueues.includes(q)) continue;
            servedQueues.push(q);
            queues[queueCount++] = group[0].queueBytes;
          }
        }
        if (!interest.plain && queueCount === 0) continue;
      }
      let out: MsgOp = op;
      if (checkReply) {
        checkReply = false;
        const reply = dec.decode(buf.subarray(op.replyStart, op.replyEnd));
        if (this.recent.matches(account.name, reply, this.#effects.now())) {
          const prefix = link.useOldPrefix ? this.oldReplyPrefix : this.replyPrefix;
          mapped = rewriteOp(op, null, prefix + reply);
        }
      }
      if (mapped !== null) out = mapped;
      link.sendMessage(account, out, queues, queueCount);
      sent = true;
    }
    return sent;
  }

  // ---- replies delivered to local clients --------------------------------------------------

  /**
   * A message with a routed reply is delivered to a local client: the client sees the plain
   * reply; its response will be mapped back (client.go deliverMsg trackGWReply). Returns the
   * number of reply bytes to skip (0 when the reply is not routed).
   */
  replyOffset(buf: Uint8Array, start: number, end: number): number {
    const kind = routedReplyKind(buf, start, end);
    if (kind === RoutedReply.None) return 0;
    return kind === RoutedReply.New ? GW_SUBJECT_OFFSET : OLD_GW_SUBJECT_OFFSET;
  }

  /** Records the routed reply `buf[start, end)` delivered in `account`. */
  trackReply(account: Account, buf: Uint8Array, start: number, end: number, offset: number): void {
    this.replies.track(
      account.name,
      dec.decode(buf.subarray(start, end)),
      offset,
      this.#effects.now(),
    );
  }

  /**
   * A client publishes: when the subject is a reply delivered with a routed prefix, the message
   * goes straight to the origin cluster's gateway (client.go handleGWReplyMap); true when done.
   */
  publishReply(account: Account, op: MsgOp): boolean {
    if (!this.replies.active) return false;
    const subject = dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd));
    const routed = this.replies.lookup(account.name, subject, this.#effects.now());
    if (routed === null) return false;
    this.send(account, rewriteOp(op, routed, null), []);
    return true;
  }
}
