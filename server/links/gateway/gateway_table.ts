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
import type { RoutedMsgOp } from "../../protocol/sink.ts";
import { CloseReason } from "../../protocol/wire_errors.ts";
import * as wire from "../../protocol/wire_errors.ts";
import { joinHostPort, parseRouteUrl } from "../route/cluster_options.ts";
import { ClusterInterest, TallyChange } from "./cluster_interest.ts";
import {
  gatewayHash,
  gatewayReplyPrefix,
  oldGatewayHash,
  oldGatewayReplyPrefix,
} from "./gateway_hash.ts";
import type {
  GatewayEffects,
  GatewayLinkHost,
  GatewayServer,
  GatewayUrl,
  RemoteGateway,
  RouteTarget,
} from "./gateway_host.ts";
import type { GatewayRouter } from "./gateway_router.ts";
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
import { InterestNotice } from "./gateway_interest.ts";
import type { GatewayLink } from "./gateway_link.ts";
import { RecentInterest } from "./gateway_replies.ts";
import type { GatewayMeshInterest } from "./gateway_mesh_interest.ts";

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
export class GatewayTable implements GatewayLinkHost {
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
  /** Subscriptions made in the last 2 s (a request's reply to these is mapped). */
  readonly recent: RecentInterest = new RecentInterest();
  /** Queue subscriptions held by outbound links (collect delivered queue names when > 0). */
  #queueSubs = 0;
  readonly #effects: GatewayEffects;
  readonly #random: () => number;
  /** The gateways' interest in the ring mesh (a sharded server's link worker), or null. */
  meshInterest: GatewayMeshInterest | null = null;
  /**
   * Remote interest held by outbound links changed (RS+/RS- in interest-only mode): the leafs
   * this server is the hub of learn it (leafnode.go updateInterestForAccountOnGateway).
   */
  leafInterest:
    | ((account: string, subject: string, queue: string | null, delta: number) => void)
    | null = null;
  /** The message path (set by the router it belongs to). */
  router!: GatewayRouter;
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

  /** True when an outbound link holds queue interest. */
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
      if (!link.outInterest!.interestOnly) this.meshInterest?.optimisticLink(1);
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
    for (const account of this.#accountNames()) this.switchToInterestOnly(link, account);
  }

  #accountNames(): string[] {
    const names: string[] = [];
    const accounts = (this.server as { accounts?(): Iterable<Account> }).accounts?.();
    if (accounts) { for (const a of accounts) names.push(a.name); }
    return names;
  }

  /**
   * A new account (server.go registerAccount): switched to interest-only on every inbound link
   * at once, as 2.9.10 does for every account.
   */
  accountAdded(account: string): void {
    this.meshInterest?.addAccount(account);
    for (const link of this.inbound.values()) this.switchToInterestOnly(link, account);
  }

  /**
   * gateway.go switchAccountToInterestMode (a leafnode connected for `account`): every inbound
   * link still optimistic for it switches to interest-only.
   */
  switchAccountToInterestMode(account: string): void {
    for (const link of this.inbound.values()) {
      if (!link.closed) this.switchToInterestOnly(link, account);
    }
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
      if (this.out.get(link.remoteName) === link) {
        this.out.delete(link.remoteName);
        if (!link.outInterest!.interestOnly) this.meshInterest?.optimisticLink(-1);
      }
      const i = this.outOrdered.indexOf(link);
      if (i >= 0) this.outOrdered.splice(i, 1);
      this.#queueSubs -= link.outInterest?.queueSubs ?? 0;
      const mesh = this.meshInterest;
      const leafs = this.leafInterest;
      if ((mesh !== null || leafs !== null) && link.outInterest !== null) {
        for (const { account, sub } of link.outInterest.held()) {
          mesh?.outboundChanged(account, sub.subject, sub.queue, -1);
          leafs?.(account, sub.subject, sub.queue, -1);
        }
      }
      const remote = link.remote;
      if (remote && !link.noReconnect && this.running && this.remotes.get(remote.name) === remote) {
        const delay = Math.floor(this.#random() * 100) +
          (remote.implicit ? 0 : GATEWAY_RECONNECT_DELAY_MS);
        this.#effects.solicit(remote, false, delay);
      }
    } else this.inbound.delete(link.cid);
  }

  /** gateway.go processInboundGatewayMsg: the router's. */
  inboundMessage(link: GatewayLink, op: RoutedMsgOp): void {
    this.router.inboundMessage(link, op);
  }

  /** The clock of the gateway code. */
  now(): number {
    return this.#effects.now();
  }

  /** The route to the server of this cluster whose ID hashes to `hash`, or null. */
  routeByServerHash(hash: string): RouteTarget | null {
    return this.#effects.routeByServerHash(hash);
  }

  remoteInterestChanged(_link: GatewayLink, queueDelta: number): void {
    this.#queueSubs += queueDelta;
  }

  outboundInterest(account: string, subject: string, queue: string | null, delta: 1 | -1): void {
    this.meshInterest?.outboundChanged(account, subject, queue, delta);
    this.leafInterest?.(account, subject, queue, delta);
  }

  /**
   * The remote interest every outbound link holds for `account` (leafnode.go
   * initLeafNodeSmapAndSendSubs reads each outbound gateway's `outsim` for a new leaf).
   */
  *outboundSubs(account: string): Iterable<{ subject: string; queue: string | null }> {
    for (const link of this.out.values()) {
      if (link.closed || link.outInterest === null) continue;
      for (const held of link.outInterest.held()) if (held.account === account) yield held.sub;
    }
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
  switchToInterestOnly(link: GatewayLink, account: string): void {
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
    if (queue !== null) this.meshInterest?.localQueueChanged(account, subject, queue, added);
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
}
