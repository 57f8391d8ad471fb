/**
 * @module
 * The cluster as one server sees it (nats-server route.go / server.go): registered routes by
 * connection and by remote server id, duplicate-route resolution, gossip of new routes to the
 * known ones and implicit routes learned from it, the dynamic cluster name, reconnect decisions
 * (client.go reconnect), this server's aggregated interest sent to every route, and the client
 * connect URLs advertised by the other servers (ref-counted, as `refCountedUrlSet`).
 * Sockets and timers are the {@link ClusterEffects} of the impure owner (cluster_manager.ts).
 * PURE: no Deno APIs, timers or console output. Runs in whichever isolate owns the route sockets.
 */
import { ClientPermissions } from "../../client/permissions.ts";
import { CloseReason } from "../../protocol/wire_errors.ts";
import * as wire from "../../protocol/wire_errors.ts";
import {
  type ClusterConfig,
  joinHostPort,
  parseRouteUrl,
  redactUrl,
  routeHostKey,
  type RouteUrl,
} from "./cluster_options.ts";
import {
  gossipInfoJson,
  type LocalRouteInfo,
  routeConnectJson,
  routeInfoJson,
  type RouteInfoMessage,
} from "./route_info.ts";
import { InterestCounter, InterestUpdate } from "../../interest/interest_counter.ts";
import { type ClusterServer, type RouteLink, type RouteLinkHost, RouteType } from "./route_link.ts";

const enc = new TextEncoder();

/** How soliciting one URL proceeds (route.go connectToRoute arguments). */
export interface SolicitOptions {
  /** Wait before the first attempt (reConnectToRoute's random delay, +1s when explicit). */
  delayMs: number;
  /** Explicit routes are retried forever while still configured. */
  tryForEver: boolean;
  /** Error reporting uses connect_error_reports (first connect) or reconnect_error_reports. */
  firstConnect: boolean;
}

/** What the route table asks of its impure owner. */
export interface ClusterEffects {
  /** Dial `url` (after `delayMs`), retrying as route.go connectToRoute does. */
  solicit(url: RouteUrl, routeType: RouteType, opts: SolicitOptions): void;
  /** The client INFO changed (cluster name or connect URLs); `notify` sends async INFOs. */
  clientInfoChanged(notify: boolean): void;
  /** A route brought (`add`) or took away a server's leafnode URLs (route.go addLeafNodeURL). */
  leafnodeUrlsChanged?(urls: readonly string[], add: boolean): void;
}

/** The server's routes and cluster-wide state. */
export class RouteTable implements RouteLinkHost {
  readonly server: ClusterServer;
  readonly config: ClusterConfig;
  readonly permissions: ClientPermissions | null;
  readonly random: () => number;
  readonly local: InterestCounter = new InterestCounter();
  /** Registered routes by connection id (nats-server `s.routes`). */
  readonly routes: Map<number, RouteLink> = new Map();
  /** Registered routes by remote server id (`s.remotes`). */
  readonly remotes: Map<string, RouteLink> = new Map();
  /** Every open route connection, registered or not yet. */
  readonly links: Set<RouteLink> = new Set();
  clusterName: string;
  clusterDynamic: boolean;
  /** Our route INFO fields (host/port/ip/connect URLs filled in when the listener is up). */
  localInfo: LocalRouteInfo;
  running = true;
  readonly #effects: ClusterEffects;
  readonly #urlCounts = new Map<string, number>();
  #urlsTouched = false;

  constructor(
    server: ClusterServer,
    config: ClusterConfig,
    effects: ClusterEffects,
    random: () => number,
    clusterName: string,
    localInfo: LocalRouteInfo,
  ) {
    this.server = server;
    this.config = config;
    this.#effects = effects;
    this.random = random;
    this.clusterName = clusterName;
    this.clusterDynamic = config.name === "";
    this.localInfo = localInfo;
    const p = config.permissions;
    this.permissions = p && (p.import || p.export)
      ? new ClientPermissions({ publish: p.import, subscribe: p.export })
      : null;
  }

  /** This server's route INFO (with a nonce for a new connection, `ldm` in lame duck mode). */
  routeInfoJson(nonce = "", ldm = false): string {
    return routeInfoJson(
      { ...this.localInfo, cluster: this.clusterName, dynamic: this.clusterDynamic },
      nonce,
      ldm,
    );
  }

  /** The CONNECT for a route we dial (credentials from its URL). */
  connectJson(url: RouteUrl): string {
    return routeConnectJson({
      user: url.user,
      pass: url.pass,
      tlsRequired: this.localInfo.tls === true,
      headers: !this.server.options.noHeaderSupport,
      serverId: this.server.id,
      cluster: this.clusterName,
      dynamic: this.clusterDynamic,
    });
  }

  /** True while `url` is among the configured routes (route.go routeStillValid). */
  routeStillValid(url: RouteUrl): boolean {
    const key = routeHostKey(url);
    return this.config.routes.some((r) => routeHostKey(r) === key);
  }

  /** The client `connect_urls` (ours first, then the other servers'), or [] before any. */
  clientConnectUrls(own: readonly string[]): string[] {
    if (!this.#urlsTouched) return [];
    return [...own, ...this.#urlCounts.keys()];
  }

  // ---- local interest -----------------------------------------------------------------------

  /** A local subscription changed (route.go updateRouteSubscriptionMap). */
  localInterestChanged(
    account: string,
    subject: string,
    queue: string | null,
    delta: number,
    subjectBytes?: Uint8Array,
  ): void {
    const { update, entry } = this.local.change(account, subject, queue, delta, subjectBytes);
    if (update === InterestUpdate.None) return;
    const subscribe = update === InterestUpdate.Sub;
    for (const route of this.routes.values()) route.sendInterest(entry, subscribe);
  }

  // ---- RouteLinkHost --------------------------------------------------------------------------

  acceptConnectCluster(link: RouteLink, cluster: string, dynamic: boolean): boolean {
    if (cluster === this.clusterName) return true;
    if (this.clusterDynamic && (!dynamic || this.clusterName < cluster)) {
      // route.go processRouteConnect: take their name when it is configured or bigger.
      this.#setClusterName(cluster);
      if (!dynamic) this.clusterDynamic = false;
      this.#removeAllRoutesExcept(link);
      return true;
    }
    link.rejectCluster(wire.clusterNameMismatch(cluster, this.clusterName));
    return false;
  }

  processInfo(link: RouteLink, info: RouteInfoMessage): void {
    if (link.closed) return;
    const log = this.server.logger;
    if (info.server_id === this.server.id) {
      link.remoteId = info.server_id;
      link.close(CloseReason.DuplicateRoute);
      return;
    }
    if (info.cluster && info.cluster !== this.clusterName) {
      if (this.clusterDynamic && (!info.cluster_dynamic || this.clusterName < info.cluster)) {
        this.#setClusterName(info.cluster);
        this.#removeAllRoutesExcept(link);
      } else {
        link.close(CloseReason.ClusterNameConflict);
        return;
      }
    }
    if (link.infoReceived) {
      this.#asyncInfo(link, info);
      return;
    }
    if (!link.didSolicit && info.server_name === this.server.name) {
      log.error(
        `${link.logPrefix} - Remote server has a duplicate name: ${
          JSON.stringify(info.server_name)
        }`,
      );
      link.close(CloseReason.DuplicateServerName);
      return;
    }
    link.adoptInfo(info);
    if (link.url === null) {
      link.url = parseRouteUrl(`nats-route://${joinHostPort(info.host ?? "", info.port ?? 0)}/`);
    }
    const { added, sendInfo } = this.#addRoute(link, info);
    if (!added) {
      log.debug(`${link.logPrefix} - Detected duplicate remote route "${info.server_id}"`);
      link.close(CloseReason.DuplicateRoute);
      return;
    }
    log.debug(`${link.logPrefix} - Registering remote route "${info.server_id}"`);
    link.sendAllInterest(this.local.entries());
    for (const json of this.server.gatewayGossip?.forNewRoute() ?? []) {
      link.send(enc.encode(`INFO ${json}\r\n`));
    }
    if (sendInfo) {
      const ip = info.ip || `nats-route://${joinHostPort(link.remoteHost, info.port ?? 0)}/`;
      const line = enc.encode(`INFO ${gossipInfoJson(info, ip)}\r\n`);
      for (const r of this.routes.values()) if (r.remoteId !== info.server_id) r.send(line);
    }
    if (!this.config.noAdvertise) this.#changeConnectUrls(link.connectUrls, true);
    if (info.gateway_url) this.server.gatewayGossip?.clusterUrl(info.gateway_url, true);
    if (info.leafnode_urls?.length) this.#effects.leafnodeUrlsChanged?.(info.leafnode_urls, true);
  }

  /** route.go addRoute: registers unless this remote is already connected. */
  #addRoute(link: RouteLink, info: RouteInfoMessage): { added: boolean; sendInfo: boolean } {
    if (!this.running) return { added: false, sendInfo: false };
    const existing = this.remotes.get(link.remoteId);
    if (existing === undefined) {
      this.routes.set(link.cid, link);
      this.remotes.set(link.remoteId, link);
      link.connectUrls = info.connect_urls ?? [];
      return { added: true, sendInfo: this.routes.size > 1 };
    }
    // The duplicate goes; the survivor takes over a solicited role and always retries, so a
    // pair where each side kept the other connection does not end with no route at all.
    if (link.didSolicit) {
      existing.didSolicit = true;
      existing.url = link.url;
      existing.routeType = link.routeType;
    }
    existing.retry = true;
    return { added: false, sendInfo: false };
  }

  /** A later INFO on a registered route: gossip, lame duck, permission updates. */
  #asyncInfo(link: RouteLink, info: RouteInfoMessage): void {
    if (info.gateway) {
      this.#gatewayInfo(link, info);
      return;
    }
    if (link.remoteId !== "" && link.remoteId !== info.server_id) {
      this.#implicitRoute(info);
      return;
    }
    if (info.ldm && !this.config.noAdvertise) {
      this.#changeConnectUrls(link.connectUrls, false);
      link.connectUrls = [];
    }
  }

  /** route.go processRouteInfo: an INFO about a gateway, for the gateway code. */
  #gatewayInfo(link: RouteLink, info: RouteInfoMessage): void {
    const gossip = this.server.gatewayGossip;
    if (gossip) gossip.fromRoute(info, link.remoteId);
    else {
      this.server.logger.error(
        `Received information about gateway ${JSON.stringify(info.gateway)} from ` +
          `${link.remoteId}, but gateway is not configured`,
      );
    }
  }

  /** route.go processImplicitRoute: dial a server learned by gossip, once. */
  #implicitRoute(info: RouteInfoMessage): void {
    const id = info.server_id;
    if (id === this.server.id || this.remotes.has(id)) return;
    const key = joinHostPort(info.host ?? "", info.port ?? 0).toLowerCase();
    if (this.config.routes.some((r) => routeHostKey(r) === key)) return;
    const parsed = parseRouteUrl(info.ip ?? "");
    if (parsed === null) {
      this.server.logger.error(`Error parsing URL from INFO: ${JSON.stringify(info.ip ?? "")}`);
      return;
    }
    let url = parsed;
    if (info.auth_required) {
      const u = encodeURIComponent(this.config.username);
      const p = encodeURIComponent(this.config.password);
      url = {
        ...parsed,
        user: this.config.username,
        pass: this.config.password,
        url: parsed.url.replace("://", `://${u}:${p}@`),
      };
    }
    this.#effects.solicit(url, RouteType.Implicit, {
      delayMs: 0,
      tryForEver: false,
      firstConnect: true,
    });
  }

  linkClosed(link: RouteLink): void {
    this.links.delete(link);
    const registered = this.routes.get(link.cid) === link;
    this.routes.delete(link.cid);
    if (this.remotes.get(link.remoteId) === link) this.remotes.delete(link.remoteId);
    if (registered && link.connectUrls.length > 0 && !this.config.noAdvertise) {
      this.#changeConnectUrls(link.connectUrls, false);
    }
    const gatewayUrl = link.info?.gateway_url;
    if (registered && gatewayUrl) this.server.gatewayGossip?.clusterUrl(gatewayUrl, false);
    const leafUrls = link.info?.leafnode_urls;
    if (registered && leafUrls?.length) this.#effects.leafnodeUrlsChanged?.(leafUrls, false);
    this.#reconnect(link);
  }

  /** client.go reconnect for a route. */
  #reconnect(link: RouteLink): void {
    if (link.noReconnect || !this.running) return;
    const retryImplicit = link.retry || (link.didSolicit && link.routeType === RouteType.Implicit);
    if (!link.didSolicit && !retryImplicit) return;
    const log = this.server.logger;
    const rid = link.remoteId;
    const url = link.url;
    if (rid !== "" && this.remotes.has(rid)) {
      log.debug(`Not attempting reconnect for solicited route, already connected to "${rid}"`);
      return;
    }
    if (rid === this.server.id) {
      log.debug(`Detected route to self, ignoring "${redactUrl(url?.url ?? "")}"`);
      return;
    }
    if (url === null || (link.routeType === RouteType.Implicit && !retryImplicit)) return;
    log.debug(`Attempting reconnect for solicited route "${redactUrl(url.url)}"`);
    const explicit = link.routeType === RouteType.Explicit;
    this.#effects.solicit(url, link.routeType, {
      delayMs: Math.floor(this.random() * 100) + (explicit ? 1000 : 0),
      tryForEver: explicit,
      firstConnect: false,
    });
  }

  #setClusterName(name: string): void {
    this.clusterName = name;
    this.server.logger.notice(`Cluster name updated to ${name}`);
    this.#effects.clientInfoChanged(false);
  }

  #removeAllRoutesExcept(link: RouteLink): void {
    for (const r of [...this.routes.values()]) {
      if (r !== link) r.close(CloseReason.ClusterNameConflict);
    }
  }

  /** server.go updateServerINFOAndSendINFOToClients. */
  #changeConnectUrls(urls: readonly string[], add: boolean): void {
    let changed = false;
    for (const url of urls) {
      const n = this.#urlCounts.get(url) ?? 0;
      if (add) {
        this.#urlCounts.set(url, n + 1);
        if (n === 0) changed = true;
      } else if (n > 0) {
        if (n === 1) {
          this.#urlCounts.delete(url);
          changed = true;
        } else this.#urlCounts.set(url, n - 1);
      }
    }
    if (!changed) return;
    this.#urlsTouched = true;
    this.#effects.clientInfoChanged(true);
  }

  /** Closes every route (server shutdown): no reconnects. */
  closeAll(): void {
    this.running = false;
    for (const link of [...this.links]) {
      link.noReconnect = true;
      link.close(CloseReason.ServerShutdown);
    }
  }
}
