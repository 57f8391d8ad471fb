/**
 * @module
 * The leafnode kind of link (nats-server 2.9.10 leafnode.go startLeafNodeAcceptLoop,
 * solicitLeafNodeRemotes, connectToRemoteLeafNode, createLeafNode, addLeafNodeConnection,
 * initLeafNodeSmapAndSendSubs, updateLeafNodes): a {@link LinkSpec} for leafnodes run by the
 * generic `LinkManager` (listener, dials, read loops, ticker, shutdown), plus the leaf glue:
 * hub-side auth and account binding, both INFOs and the CONNECT, the registered links by
 * account, the interest each link must announce (local subscriptions, routes' interest for
 * the leafs we are the hub of, other leafs' interest under the spoke rule), loop detection
 * subjects, reconnects with the configured and gossiped URLs, and `/leafz` data. Protocol
 * logic lives in `leaf_link.ts` (pure). Runs in the isolate that owns the leaf sockets: a
 * single-isolate server, or the link (route) worker of a sharded one, where the shards'
 * interest arrives through the mesh and the leafs' interest is announced to it
 * ({@link LeafMeshInterest}).
 */
import type { Account } from "../../accounts/account.ts";
import type { InterestChange, RemoteEntry } from "../../interest/remote_interest.ts";
import type { LeafNodeConfig } from "../../link_options.ts";
import { LinkManager } from "../../link_io/link_manager.ts";
import { WsLinkTransport } from "../../link_io/ws_link_transport.ts";
import { leafWebSocketEndpoint, openWebSocket } from "../../link_io/ws_api_dial.ts";
import { signWithCredentials } from "../../link_io/leaf_credentials.ts";
import { tlsImpl } from "../../transport/tls_loader.ts";
import type { TlsSetup } from "../../transport/tls_setup.ts";
import type { TlsSettings } from "../../transport/tls_options.ts";
import { clientConnectUrls } from "../../link_io/addresses.ts";
import type { LeafInfo, LinkMonitor } from "../../monitor/types.ts";
import { preciseNow } from "../../monitor/format.ts";
import { newNonce } from "../../server_id.ts";
import { SERVER_VERSION } from "../../version.ts";
import * as wire from "../../protocol/wire_errors.ts";
import { CloseReason } from "../../protocol/wire_errors.ts";
import {
  type LinkSpec,
  LinkTlsMode,
  type LinkTransport,
  type ReadyTransport,
} from "../core/link_spec.ts";
import { joinHostPort, splitHostPort } from "../route/cluster_options.ts";
import type { LeafLinkHost, LeafRemote, LeafUrl } from "./leaf_host.ts";
import { LeafLink } from "./leaf_link.ts";
import { type LeafConnectMessage, leafInfoJson, type LeafInfoMessage } from "./leaf_protocol.ts";
import { isWebSocketUrl, newLeafRemote, updateDiscovered } from "./leaf_urls.ts";
import { leafInfos } from "./leaf_snapshot.ts";
import { LeafGatewayReplies } from "./leaf_gw_replies.ts";
import { authorizeLeaf } from "./leaf_auth.ts";
import { solicitedConnectJson } from "./leaf_connect.ts";
import { applyLeafJetStream } from "./leaf_jetstream.ts";
import { leafAuthTimeoutSeconds, standaloneClusterName } from "./leaf_options.ts";
import { sameRemote } from "./leaf_reload.ts";
import { LeafMeshInterest } from "./leaf_mesh_interest.ts";
import { LeafInterest } from "./leaf_interest.ts";
import type { LeafHostServer } from "./leaf_host.ts";

export type { LeafHostServer } from "./leaf_host.ts";
import type { InterestSource } from "../../mesh/mesh_node.ts";

/** nats-server DEFAULT_LEAF_NODE_RECONNECT and (routes') DEFAULT_ROUTE_DIAL. */
const DEFAULT_RECONNECT_MS = 1000;
const LEAF_DIAL_TIMEOUT_MS = 1000;

/** leafnode.go leafnodeTLSInsecureWarning. */
const TLS_INSECURE_WARNING = "TLS certificate chain and hostname of solicited leafnodes will " +
  "not be verified. DO NOT USE IN PRODUCTION!";

/** A remote without `tls {}` whose hub requires TLS: system roots, 2 s (DEFAULT_LEAF_TLS_TIMEOUT). */
const DEFAULT_REMOTE_TLS: TlsSettings = {
  verify: false,
  map: false,
  insecure: false,
  timeoutSeconds: 2,
  rateLimit: 0,
  pinnedCerts: null,
  cipherSuites: null,
  curvePreferences: null,
  handshakeFirst: false,
};

const enc = new TextEncoder();

/** Leafnodes of one server: a leafnode {@link LinkSpec} run by a LinkManager, and the glue. */
export class LeafManager implements LeafLinkHost {
  /** `leafnodes {}`; replaced by a reload that nats-server lets through (users, TLS). */
  config: LeafNodeConfig;
  readonly server: LeafHostServer;
  readonly #links: LinkManager<LeafUrl, LeafRemote, LeafLink>;
  /** Registered links by account and the interest each must announce. */
  readonly #interest: LeafInterest;
  readonly #remotes: LeafRemote[] = [];
  #ownUrl = "";
  /** Other servers' leafnode URLs learned through routes, with how many routes brought each. */
  readonly #gossiped = new Map<string, number>();
  #running = false;
  /** Accept-side TLS (`leafnodes { tls {} }`): INFO, then the server handshake. */
  #acceptTls: TlsSetup | null;
  /** Client-side TLS of each remote, made when first needed. */
  readonly #remoteTls = new Map<LeafRemote, TlsSetup>();
  /** Nonces of INFOs sent before a TLS handshake, by connection id, until the link exists. */
  readonly #prefaceNonces = new Map<number, string>();
  /** Set while a leafnode connection from the WebSocket listener is being adopted. */
  #adoptingWebSocket = false;
  /** The WebSocket being adopted agreed permessage-deflate. */
  #adoptingCompression = false;

  /** Reads `server.options.leafnodeConfig`; null when there is no listener and no remote. */
  static create(server: LeafHostServer): LeafManager | null {
    const config = server.options.leafnodeConfig;
    if (!config || (config.port === 0 && config.remotes.length === 0)) return null;
    return new LeafManager(server, config);
  }

  private constructor(server: LeafHostServer, config: LeafNodeConfig) {
    this.server = server;
    this.config = config;
    this.#acceptTls = config.tls && config.port !== 0
      ? new (tlsImpl().TlsSetup)(config.tls, false, server.logger)
      : null;
    this.#links = new LinkManager(this.#leafSpec(), { pressure: server });
    this.#interest = new LeafInterest(server);
  }

  get #reconnectMs(): number {
    return this.config.reconnectSeconds > 0
      ? this.config.reconnectSeconds * 1000
      : DEFAULT_RECONNECT_MS;
  }

  #leafSpec(): LinkSpec<LeafUrl, LeafRemote, LeafLink> {
    // deno-lint-ignore no-this-alias
    const manager = this;
    const s = this.server;
    const c = this.config;
    return {
      name: "leafnode",
      idLabel: "lid",
      listen: { host: c.host, port: c.port },
      tlsMode: LinkTlsMode.InfoThenTls,
      // Read per accepted connection: a reload may replace it.
      get tls() {
        return manager.#acceptTls;
      },
      tlsWhere: "leafnodes tls",
      dialTimeoutMs: LEAF_DIAL_TIMEOUT_MS,
      retry: {
        connectRetries: 0,
        get connectErrorReports() {
          return s.options.connectErrorReports;
        },
        get reconnectErrorReports() {
          return s.options.reconnectErrorReports;
        },
        delayMs: () => this.#reconnectMs,
      },
      texts: {
        listenError: (reason) => `Error listening on leafnode port: ${c.port} - ${reason}`,
        listening: (hostPort) => `Listening for leafnode connections on ${hostPort}`,
        acceptError: (err) => `Error accepting leafnode connection: ${err}`,
        trying: (url, address) => {
          const hp = joinHostPort(url.host, url.port);
          return `Trying to connect as leafnode to remote server on "${hp}"${
            address === hp ? "" : ` (${address})`
          }`;
        },
        dialError: (attempt, error, url) =>
          `Error trying to connect as leafnode to remote server ${
            JSON.stringify(joinHostPort(url.host, url.port))
          } (attempt ${attempt}): ${error}`,
        handshakeClosed: "Leafnode connection closed: TLS Handshake Failure account: ",
        insecureWarning: TLS_INSECURE_WARNING,
      },
      get logger() {
        return s.logger;
      },
      allocateId: () => s.allocateConnectionId(),
      stillWanted: () => this.#running,
      wrapTransport: (ready) => this.#webSocket(ready),
      // An edge server dials with the WebSocket API only (edge_options.ts allows ws(s) URLs).
      openTransport: (url) =>
        !s.options.edge
          ? null
          : isWebSocketUrl(url)
          ? (signal) => openWebSocket(leafWebSocketEndpoint(url), signal)
          : () => Promise.reject(new Error(`edge: ${url.scheme}:// is not dialed without TCP`)),
      acceptPreface: (cid) => {
        const nonce = newNonce();
        // Bounded: a failed handshake never creates its link (oldest entries go first).
        if (this.#prefaceNonces.size >= 1024) {
          this.#prefaceNonces.delete(this.#prefaceNonces.keys().next().value!);
        }
        this.#prefaceNonces.set(cid, nonce);
        return enc.encode(`INFO ${this.#infoJson(cid, nonce)}\r\n`);
      },
      createLink: (ready) => this.#createLink(ready),
    };
  }

  /** This server's leafnode URL for routes to gossip ("" without a listener or with no_advertise). */
  get advertisedUrl(): string {
    return this.config.noAdvertise ? "" : this.#ownUrl;
  }

  /**
   * Routes brought (`add`) or took away other servers' leafnode URLs (route.go addLeafNodeURL,
   * removeLeafNodeURL): our leafs get an async INFO with the new `leafnode_urls`.
   */
  gossip(urls: readonly string[], add: boolean): void {
    let changed = false;
    for (const url of urls) {
      if (url === this.#ownUrl) continue;
      const n = (this.#gossiped.get(url) ?? 0) + (add ? 1 : -1);
      if (n > 0) {
        if (!this.#gossiped.has(url)) changed = true;
        this.#gossiped.set(url, n);
      } else if (this.#gossiped.delete(url)) changed = true;
    }
    if (!changed || !this.#running) return;
    // sendAsyncLeafNodeInfo.
    const line = enc.encode(`INFO ${this.#infoJson(0, "")}\r\n`);
    for (const link of this.registered()) if (!link.solicited) link.send(line);
  }

  /** The bound leafnode port (0 without a listener). */
  get port(): number {
    return this.#links.port;
  }

  /** Every leafnode link being read (registered or not). */
  get links(): ReadonlySet<LeafLink> {
    return this.#links.active;
  }

  /** Registered leafnode links. */
  registered(): LeafLink[] {
    return this.#interest.registered();
  }

  /** Opens the listener (when `port` is set) and solicits the remotes. */
  start(): void {
    const s = this.server;
    if (this.config.port !== 0) {
      const port = this.#links.listen();
      const adv = this.config.advertise;
      const urls = clientConnectUrls(
        { ...s.options, clientAdvertise: adv, host: this.config.host },
        port,
      );
      this.#ownUrl = urls[0] ?? joinHostPort(this.config.host || "127.0.0.1", port);
      if (adv) s.logger.notice(`Advertise address for leafnode is set to ${this.#ownUrl}`);
    }
    this.#running = true;
    // startLeafNodeAcceptLoop also warns for a remote's `insecure` (once).
    const acceptInsecure = this.#acceptTls?.settings.insecure === true;
    if (!acceptInsecure && this.config.remotes.some((r) => r.tls?.insecure)) {
      s.logger.warn(TLS_INSECURE_WARNING);
    }
    const interest = this.#interest;
    s.onInterest((account, sub, delta) => interest.local(account, sub, delta));
    if (s.isRouteWorker) {
      interest.mesh = new LeafMeshInterest((name, subject, queue, delta) => {
        const account = s.account(name);
        if (account !== null) s.mesh?.onLocalInterest(account, { subject, queue }, delta);
      });
    }
    const gateways = s.gateway?.table;
    if (gateways) {
      gateways.leafInterest = (account, subject, queue, delta) =>
        interest.gatewayChanged(account, subject, queue, delta);
    } else if (this.config.remotes.length > 0 && s.fanOut.gateways === null) {
      // A spoke without gateways still gets requests that crossed its hub's gateways. In a
      // link worker the shards map the replies and send the responses here (mesh `_GR_.>`).
      const fanOut = s.fanOut;
      s.fanOut.gateways = new LeafGatewayReplies(
        () => s.clock.now(),
        (a, op) => interest.toHubs(a, op),
        interest.mesh ? () => fanOut.sender === null : null,
      );
      for (const r of this.config.remotes) interest.mesh?.addReplyAccount(r.localAccount || "$G");
    }
    this.#links.run();
    for (const config of this.config.remotes) {
      const remote = newLeafRemote(config);
      if (remote === null) {
        s.logger.debug("Empty remote leafnode definition, nothing to connect");
        continue;
      }
      this.#remotes.push(remote);
      this.#solicit(remote, 0, true);
    }
  }

  #solicit(remote: LeafRemote, delayMs: number, firstConnect: boolean): void {
    this.#links.dial({
      targets: remote.urls,
      context: remote,
      delayMs,
      tryForEver: true,
      firstConnect,
    });
  }

  /** leafnode.go createLeafNode: the link of an accepted (target null) or dialed socket. */
  #createLink(ready: ReadyTransport<LeafUrl, LeafRemote>): LeafLink {
    const s = this.server;
    const remote = ready.request?.context ?? null;
    let account: Account | null = null;
    if (remote !== null) {
      const name = remote.config.localAccount || "$G";
      account = s.account(name);
      if (account === null) {
        s.logger.error(
          `Unable to lookup account ${name} for solicited leafnode connection: ` +
            `account not found`,
        );
      }
    }
    const url = ready.target;
    const startTls = ready.startTls;
    const link = new LeafLink(this, ready.transport, {
      cid: ready.cid,
      remoteHost: ready.remoteHost,
      remotePort: ready.remotePort,
      remote,
      url,
      account,
      startTls: remote !== null && url !== null && startTls && !isWebSocketUrl(url)
        ? () => startTls(this.#tlsFor(remote), url.host)
        : null,
      now: preciseNow(),
    });
    if (remote !== null && account === null) {
      link.close(CloseReason.MissingAccount);
      return link;
    }
    // With accept-side TLS the INFO went out before the handshake (acceptPreface).
    link.tls = remote === null && this.#acceptTls !== null && !this.#adoptingWebSocket;
    let info: string | null = null;
    if (remote === null) {
      const prefaced = this.#prefaceNonces.get(link.cid);
      this.#prefaceNonces.delete(link.cid);
      link.nonce = prefaced ?? newNonce();
      if (!link.tls) info = this.#infoJson(link.cid, link.nonce);
    }
    const wsCompression = remote === null && this.#adoptingWebSocket
      ? this.#adoptingCompression
      : null;
    link.start(info, leafAuthTimeoutSeconds(this.config) * 1000, wsCompression);
    return link;
  }

  /** The leafnode listener's INFO (startLeafNodeAcceptLoop, sendPermsAndAccountInfo). */
  #infoJson(cid: number, nonce: string, extra: Partial<LeafInfoMessage> = {}): string {
    const s = this.server;
    const own = splitHostPort(this.#ownUrl);
    const host = own?.host ?? this.#ownUrl;
    const port = Number(own?.port ?? 0);
    return leafInfoJson({
      server_id: s.id,
      server_name: s.name,
      version: SERVER_VERSION,
      proto: 1,
      go: "go1.19.4",
      host,
      port,
      headers: !s.options.noHeaderSupport,
      auth_required: true,
      tls_required: this.#acceptTls !== null,
      tls_verify: this.#acceptTls?.settings.verify === true,
      max_payload: s.options.maxPayload,
      ip: this.#ownUrl,
      client_id: cid,
      nonce,
      cluster: this.clusterName(),
      leafnode_urls: [...(this.#ownUrl ? [this.#ownUrl] : []), ...this.#gossiped.keys()],
      info_on_connect: true,
      jetstream: s.options.jetstreamConfig?.enabled ?? false,
      domain: s.options.jetstreamConfig?.domain ?? "",
      ...extra,
    });
  }

  /**
   * leafnode.go leafNodeSolicitWSConnection: a `ws://`/`wss://` remote speaks WebSocket (after
   * the TLS client handshake for `wss://`) to the hub's `/leafnode` endpoint.
   */
  #webSocket(ready: ReadyTransport<LeafUrl, LeafRemote>): LinkTransport {
    const url = ready.target;
    const remote = ready.request?.context;
    if (url === null || remote === undefined || !isWebSocketUrl(url)) return ready.transport;
    const log = this.server.logger;
    const prefix = `${joinHostPort(ready.remoteHost, ready.remotePort)} - lid:${ready.cid}`;
    const startTls = ready.startTls;
    return new WsLinkTransport(ready.transport, {
      hostPort: joinHostPort(url.host, url.port),
      secure: url.scheme === "wss" && startTls
        ? () => startTls(this.#tlsFor(remote), url.host)
        : null,
      noMasking: remote.config.wsNoMasking,
      compress: remote.config.wsCompression,
      onError: (text) => log.error(`${prefix} - Error soliciting websocket connection: ${text}`),
      onOpen: ({ compress, masking }) =>
        log.debug(`${prefix} - Leafnode compression=${compress} masking=${masking}`),
    });
  }

  /**
   * A leafnode connection on the WebSocket listener's `/leafnode` endpoint (websocket.go
   * startWebsocketServer: only with a leafnode port configured, else refused there).
   */
  adoptWebSocket(transport: LinkTransport, host: string, port: number, compress = false): void {
    this.#adoptingWebSocket = true;
    this.#adoptingCompression = compress;
    try {
      this.#links.adopt(transport, host, port);
    } finally {
      this.#adoptingWebSocket = false;
    }
  }

  /** A remote's client TLS: its `tls {}`, or system roots when only the hub asks for TLS. */
  /**
   * A `leafnodes {}` reload nats-server lets through (leaf_reload.ts: users with the same
   * names, passwords and accounts; TLS; remotes reordered or with other deny lists). New
   * connections are authorized with the new users and, when the listener had TLS and still
   * has, secured with the new TLS; each running remote dials with its new TLS from then on
   * (reload.go updateRemoteLeafNodesTLSConfig) and keeps the rest of its settings.
   */
  reload(next: LeafNodeConfig): void {
    this.config = next;
    if (this.#acceptTls !== null && next.tls && next.port !== 0) {
      const old = this.#acceptTls;
      this.#acceptTls = new (tlsImpl().TlsSetup)(next.tls, false, this.server.logger);
      old.close();
    }
    for (const remote of this.#remotes) {
      const same = next.remotes.find((r) => sameRemote(r, remote.config));
      if (same === undefined) continue;
      remote.config = { ...remote.config, tls: same.tls };
      this.#remoteTls.get(remote)?.close();
      this.#remoteTls.delete(remote);
    }
  }

  #tlsFor(remote: LeafRemote): TlsSetup {
    let setup = this.#remoteTls.get(remote);
    if (setup === undefined) {
      const settings = remote.config.tls ?? DEFAULT_REMOTE_TLS;
      setup = new (tlsImpl().TlsSetup)(settings, false, this.server.logger);
      this.#remoteTls.set(remote, setup);
    }
    return setup;
  }

  // ---- LeafLinkHost ------------------------------------------------------------------------

  random(): number {
    return Math.random();
  }

  /**
   * This server's cluster name; with remotes and no cluster, the server name (server.go
   * NewServer: a stable name for solicited leafnodes).
   */
  clusterName(): string {
    const s = this.server;
    return s.cluster ? s.cluster.clusterName : standaloneClusterName(s.options);
  }

  /** auth.go isLeafNodeAuthorized (leaf_auth.ts). */
  authorize(link: LeafLink, c: LeafConnectMessage): Account | null {
    const result = authorizeLeaf(this.server, this.config, link, c);
    if (result === null) return null;
    link.userPermissions = result.permissions;
    return result.account;
  }

  accepted(link: LeafLink, c: LeafConnectMessage): void {
    const account = link.account!;
    // addLeafNodeConnection: a new accepted link from the same server replaces the old one.
    if (c.name) {
      for (const old of this.#interest.links(account)) {
        if (
          !old.solicited && old !== link && old.remoteServer === c.name &&
          old.remoteCluster === (c.cluster ?? "")
        ) {
          old.sendErr(wire.ERR_DUPLICATE_REMOTE_LEAFNODE.text);
          old.close(CloseReason.DuplicateRemoteLeafnodeConnection);
          this.server.logger.warn(`${link.logPrefix} - Replacing connection from same server`);
          break;
        }
      }
    }
    this.#register(link);
    // sendPermsAndAccountInfo: our INFO again, with the account the leaf is bound to here.
    link.send(this.connectInfoLine(link));
    this.#interest.sendAll(link);
    // processLeafNodeConnect: the account's leafnode connect event (gateways only).
    this.server.system?.leafNodeConnected?.(account.name);
  }

  minVersion(): string {
    return this.config.minVersion;
  }

  /** sendPermsAndAccountInfo: our INFO with the account and permissions of the link. */
  connectInfoLine(link: LeafLink): Uint8Array {
    // The leaf enforces the user's permissions on its side too (import = subscribe).
    const user = link.userPermissions;
    const info = this.#infoJson(link.cid, "", {
      import: user?.subscribe,
      export: user?.publish,
      remote_account: link.account?.name ?? "",
      connect_info: true,
    });
    return enc.encode(`INFO ${info}\r\n`);
  }

  connectJson(link: LeafLink): string {
    return solicitedConnectJson(this.server, link, this.clusterName(), signWithCredentials);
  }

  infoReceived(link: LeafLink, info: LeafInfoMessage): void {
    const remote = link.remote;
    if (remote === null) return;
    if (info.leafnode_urls?.length) updateDiscovered(remote, info.leafnode_urls);
    if (info.remote_account) remote.remoteAccount = info.remote_account;
  }

  solicitedReady(link: LeafLink): void {
    this.#register(link);
    this.#interest.sendAll(link);
    // leafNodeFinishConnectProcess: a `hub: true` remote announces the connect too.
    if (link.remote?.config.hub) this.server.system?.leafNodeConnected?.(link.account!.name);
  }

  #register(link: LeafLink): void {
    this.#interest.add(link);
    applyLeafJetStream(this.server, link, link.account!);
  }

  linkClosed(link: LeafLink): void {
    this.#interest.remove(link);
    const remote = link.remote;
    if (remote === null || !this.#running) return;
    // leafnode.go reConnectToRemoteLeafNode: the reconnect interval, plus any delay set by a
    // loop or a cluster name conflict.
    const delay = this.#reconnectMs + remote.connectDelayMs;
    remote.connectDelayMs = 0;
    this.#solicit(remote, delay, false);
  }

  loopSubject(account: Account): string {
    return this.#interest.loopSubject(account);
  }

  // ---- interest (leaf_interest.ts) -----------------------------------------------------------

  /** Link worker: a shard's SUB/UNSUB (mesh, `delta` its signed weight). */
  peerInterestChanged(account: Account, subject: string, queue: string | null, delta: number) {
    this.#interest.peerChanged(account, subject, queue, delta);
  }

  /** The leafs' mesh interest, replayed to a worker that joins (link worker only). */
  meshSubscriptions(): Iterable<[Account, InterestSource]> {
    return this.#interest.meshSubscriptions();
  }

  /** A route's RS+/RS- (weight change `delta`): the links we are the hub of. */
  routeInterestChanged(account: Account, sub: RemoteEntry, delta: number): void {
    this.#interest.routeChanged(account, sub, delta);
  }

  remoteInterest(link: LeafLink, entry: RemoteEntry, delta: number, change: InterestChange): void {
    this.#interest.remote(link, entry, delta, change);
  }

  // ---- monitoring --------------------------------------------------------------------------

  /** `/leafz` entries (monitor.go Leafz). */
  leafz(opts: { subs: boolean; account: string }): LeafInfo[] {
    return leafInfos(this.registered(), opts);
  }

  /** `routes`' monitoring data plus `/leafz` and the leafnode port (`/varz`). */
  monitor(routes: LinkMonitor | undefined): LinkMonitor {
    return {
      ...routes,
      leafs: (opts) => this.leafz(opts),
      boundPort: (section) =>
        section === "leafnodes" ? this.port : routes?.boundPort?.(section) ?? 0,
    };
  }

  /** Stops listening and dialing, closes every leafnode link and waits for the loops. */
  async close(): Promise<void> {
    this.#running = false;
    await this.#links.close();
    this.#acceptTls?.close();
    for (const setup of this.#remoteTls.values()) setup.close();
  }
}
