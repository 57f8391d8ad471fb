/**
 * @module
 * The system account's machinery (nats-server server.go setSystemAccount, events.go
 * initEventTracking, internalSendLoop, registerSystemImports): an internal connection
 * (server/internal/) in the system account that answers `$SYS.REQ.*` requests and publishes
 * client connect/disconnect, account connection, statsz and shutdown events, its subscriptions
 * announced to routes like a client's; internal connections in every other account that hold
 * nats-server's three automatic service imports (`$SYS.REQ.ACCOUNT.PING.CONNZ`,
 * `$SYS.REQ.SERVER.PING.CONNZ`, `$SYS.REQ.ACCOUNT.PING.STATZ`, answered for that account only).
 * Outgoing messages wait in a send queue drained after the current turn's work (the Go send
 * loop), and get the `server` block with the next sequence number when sent. Single-isolate
 * servers only: a shard worker never builds one. Runs in the isolate that owns the connections.
 */
import type { Account } from "../accounts/account.ts";
import { GLOBAL_ACCOUNT } from "../accounts/account.ts";
import { marshal, preciseNow } from "../monitor/format.ts";
import type { MonitoredConn, MonitoredServer, MonitoredStats } from "../monitor/types.ts";
import {
  ACCOUNT_ENDPOINTS,
  ACCOUNT_REQUEST_STRUCTS,
  type AccountEndpoint,
  accountEndpointData,
  accountStatzData,
  filteredOut,
  type FilterTarget,
  type RequestOptions,
  SERVER_ENDPOINTS,
  SERVER_REQUEST_STRUCTS,
  type ServerEndpoint,
  serverEndpointData,
  SkipReply,
} from "./endpoints.ts";
import {
  accountConnsEvent,
  type AccountStat,
  type ApiError,
  apiResponse,
  type ClientView,
  connectEvent,
  disconnectEvent,
  leafNodeConnectEvent,
  leafNodeConnectSubject,
  Nuid,
  type ServerInfo,
  serverInfo,
  statsMessage,
  systemHash,
} from "./events.ts";
import { decodeGoStruct, type GoStruct } from "./go_json.ts";
import { accountStat, serverIdentity, serverStats } from "./server_stats.ts";
import {
  InternalConnection,
  type InternalContext,
  InternalKind,
  type InternalMsg,
} from "../internal/internal_connection.ts";

/** nats-server `AuthenticationViolation.String()`: the close reason of a refused login. */
const AUTH_FAILURE = "Authentication Failure";
/** nats-server's default system account name. */
export const DEFAULT_SYSTEM_ACCOUNT = "$SYS";
/** nats-server `eventsHBInterval`: statsz ceiling and account-connections heartbeat (30s). */
export const DEFAULT_STATSZ_INTERVAL_MS = 30_000;
/** nats-server `startStatszTimer`: the first statsz goes out after 250ms, then doubles. */
export const FIRST_STATSZ_MS = 250;

/** A client connection as the system service reads it. */
export type SystemClientView = MonitoredConn & ClientView;

/** What the system service needs of the server (`Server` satisfies it). */
export interface SystemHost extends MonitoredServer, InternalContext {
  readonly clients: ReadonlyMap<number, SystemClientView>;
  readonly stats: MonitoredStats;
  readonly auth: { readonly required: boolean };
  readonly logger: { warn(msg: string): void; error(msg: string): void };
  account(name?: string): Account | null;
  accounts(): Iterable<Account>;
  bindAccount(name: string): Account;
  /** Cluster name when routes are configured. */
  readonly cluster: { readonly clusterName: string } | null;
  /** Gateways, when enabled (nats-server `gateway.enabled`). */
  readonly gateway?: {
    readonly table: { readonly name: string; switchAccountToInterestMode(account: string): void };
  } | null;
  /** Leafnodes, when configured: the registered links and their accounts. */
  readonly leafnodes?: { registered(): Iterable<{ readonly account: Account | null }> } | null;
}

/** Tuning for tests. */
export interface SystemServiceOptions {
  /** Statsz ceiling and account heartbeat in ms (default 30s, nats-server `eventsHBInterval`). */
  statszIntervalMs?: number;
}

interface Outgoing {
  from: InternalConnection;
  subject: string;
  reply: string;
  /** The payload, given the `server` block when the message carries one. */
  build: (server: ServerInfo) => unknown;
}

/** The system account name `options` ask for, or null when there is none. */
export function configuredSystemAccount(
  options: { systemAccount?: string; noSystemAccount: boolean },
  operatorSystemAccount?: string,
): string | null {
  if (options.noSystemAccount) return null;
  return options.systemAccount ?? operatorSystemAccount ?? DEFAULT_SYSTEM_ACCOUNT;
}

/** The system account's internal clients, event publishing and request handling. */
export class SystemService {
  readonly account: Account;
  readonly #host: SystemHost;
  readonly #sys: InternalConnection;
  readonly #imports = new Map<string, InternalConnection>();
  readonly #ids = new Nuid();
  readonly #statszMs: number;
  #seq = 1;
  #sendq: Outgoing[] = [];
  #scheduled = false;
  #running = false;
  #stopped = false;
  #statszTimer: ReturnType<typeof setTimeout> | undefined;
  #currentStatszMs = FIRST_STATSZ_MS;
  readonly #connsTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Other servers seen in `$SYS.SERVER.*.STATSZ` (events.go `sys.servers`, ids only). */
  readonly #knownServers = new Set<string>();

  constructor(host: SystemHost, account: Account, opts: SystemServiceOptions = {}) {
    this.#host = host;
    this.account = account;
    this.#statszMs = opts.statszIntervalMs ?? DEFAULT_STATSZ_INTERVAL_MS;
    this.#sys = new InternalConnection(host, account, {
      kind: InternalKind.System,
      name: "system",
      onError: (err, msg) => this.#handlerError(err, msg),
    });
    this.#subscribeSystem();
    for (const acc of [...host.accounts()]) this.accountAdded(acc);
    // nats-server's send queue has its own internal client (one more connection id).
    host.allocateConnectionId();
  }

  /** Starts the statsz heartbeat (250ms, doubling up to the interval). */
  start(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    this.#currentStatszMs = FIRST_STATSZ_MS;
    this.#statszTimer = setTimeout(() => this.#heartbeat(), this.#currentStatszMs);
  }

  /** The current statsz period in ms (tests). */
  get statszPeriodMs(): number {
    return this.#currentStatszMs;
  }

  // ---- server hooks ---------------------------------------------------------------------

  /** A new account: it gets the system service imports (nats-server registerSystemImports). */
  accountAdded(acc: Account): void {
    if (acc === this.account || this.#imports.has(acc.name) || this.#stopped) return;
    const client = new InternalConnection(this.#host, acc, {
      kind: InternalKind.Account,
      name: `system-imports-${acc.name}`,
      onError: (err, msg) => this.#handlerError(err, msg),
    });
    this.#imports.set(acc.name, client);
    // Service import subscriptions stay on this server (accounts.go addServiceImportSub).
    const local = { local: true };
    const connz = (m: InternalMsg) => this.#accountRequest(client, "CONNZ", acc.name, m);
    client.subscribe("$SYS.REQ.ACCOUNT.PING.CONNZ", local, connz);
    client.subscribe("$SYS.REQ.SERVER.PING.CONNZ", local, connz);
    client.subscribe(
      "$SYS.REQ.ACCOUNT.PING.STATZ",
      local,
      (m) => this.#accountRequest(client, "STATZ", acc.name, m),
    );
  }

  /**
   * `/accountz` detail: the system account's service exports, or the three service imports of
   * another account (nats-server addSystemAccountExports / registerSystemImports); with
   * JetStream running, also the `$JS.API.>` export and its import in every other account
   * (nats-server checkJetStreamExports / enableAllJetStreamServiceImportsAndMappings).
   */
  accountLinks(
    name: string,
    jetstream = false,
  ): { exports?: unknown[]; imports?: unknown[] } {
    const sys = this.account.name;
    if (name === sys) {
      const service = (subject: string, response_type: string) => ({
        subject,
        type: "service",
        response_type,
      });
      return {
        exports: [
          service("$SYS.REQ.ACCOUNT.*.CONNZ", "Streamed"),
          service("$SYS.REQ.ACCOUNT.*.STATZ", "Streamed"),
          service("$SYS.DEBUG.SUBSCRIBERS", "Singleton"),
          ...(jetstream ? [service("$JS.API.>", "Singleton")] : []),
        ],
      };
    }
    if (!this.#imports.has(name)) return {};
    const service = (subject: string, to: string) => ({
      subject,
      account: sys,
      to,
      type: "service",
      invalid: false,
      share: false,
      tracking: false,
    });
    const connz = `$SYS.REQ.ACCOUNT.${name}.CONNZ`;
    return {
      imports: [
        service("$SYS.REQ.ACCOUNT.PING.CONNZ", connz),
        service("$SYS.REQ.SERVER.PING.CONNZ", connz),
        service("$SYS.REQ.ACCOUNT.PING.STATZ", `$SYS.REQ.ACCOUNT.${name}.STATZ`),
        ...(jetstream ? [service("$JS.API.>", "$JS.API.>")] : []),
      ],
    };
  }

  /** A connection was accepted: it starts out in the global account (createClient). */
  clientAdded(c: SystemClientView): void {
    if (c.account.name === GLOBAL_ACCOUNT) this.#accountConnsUpdate(GLOBAL_ACCOUNT);
  }

  /** A connection authenticated: account registration, then the connect event. */
  clientAuthorized(c: SystemClientView): void {
    const name = c.account.name;
    if (this.#host.auth.required) this.#accountConnsUpdate(name);
    if (name === GLOBAL_ACCOUNT) return;
    const id = this.#ids.next();
    const now = preciseNow();
    this.#send(this.#sys, `$SYS.ACCOUNT.${name}.CONNECT`, "", (si) => connectEvent(id, now, si, c));
  }

  /**
   * A connection closed (after it left the server's client list). One refused for bad
   * credentials gets nats-server's `$SYS.SERVER.<id>.CLIENT.AUTH.ERR` event (sendAuthErrorEvent).
   */
  clientRemoved(c: SystemClientView, reason: string): void {
    if (reason === AUTH_FAILURE) {
      const id = this.#ids.next();
      const stop = preciseNow();
      const subject = `$SYS.SERVER.${this.#host.id}.CLIENT.AUTH.ERR`;
      this.#send(this.#sys, subject, "", (si) => disconnectEvent(id, stop, si, c, reason));
    }
    const name = c.account.name;
    if (name === GLOBAL_ACCOUNT) return;
    this.#accountConnsUpdate(name);
    const id = this.#ids.next();
    const stop = preciseNow();
    this.#send(
      this.#sys,
      `$SYS.ACCOUNT.${name}.DISCONNECT`,
      "",
      (si) => disconnectEvent(id, stop, si, c, reason),
    );
  }

  /**
   * A leafnode connection registered for `account` (events.go sendLeafNodeConnect, called by
   * the accepting side, and by the soliciting side of a `hub: true` remote): with gateways
   * enabled, the `$SYS.ACCOUNT.<acc>.LEAFNODE.CONNECT` event, then the account switches to
   * interest-only on the inbound gateways. Without gateways, nothing (as 2.9.10).
   */
  leafNodeConnected(account: string): void {
    if (this.#stopped || !this.#host.gateway) return;
    this.#sendLeafNodeConnect(account);
    this.#host.gateway.table.switchAccountToInterestMode(account);
  }

  #sendLeafNodeConnect(account: string): void {
    this.#send(
      this.#sys,
      leafNodeConnectSubject(account),
      "",
      (si) => leafNodeConnectEvent(si, account),
    );
  }

  /** events.go leafNodeConnected: another server's leaf connected; gateways go interest-only. */
  #leafNodeConnectReceived(m: InternalMsg): void {
    let acc: unknown;
    try {
      acc = (JSON.parse(m.string()) as { acc?: unknown }).acc;
    } catch (err) {
      this.#host.logger.error(
        `Error unmarshalling account connections request message: ${(err as Error).message}`,
      );
      return;
    }
    const gateway = this.#host.gateway;
    if (typeof acc !== "string" || acc === "" || !gateway) return;
    if (this.#host.account(acc) !== null) gateway.table.switchAccountToInterestMode(acc);
  }

  /**
   * events.go remoteServerUpdate / processNewServer, the part about leafnodes: on the first
   * statsz of another server, each account with leafnode connections is announced again
   * (ensureGWsInterestOnlyForLeafNodes), once per account.
   */
  #statszReceived(m: InternalMsg): void {
    let id: unknown;
    try {
      id = (JSON.parse(m.string()) as { server?: { id?: unknown } }).server?.id;
    } catch {
      return;
    }
    if (typeof id !== "string" || id === this.#host.id || this.#knownServers.has(id)) return;
    this.#knownServers.add(id);
    if (!this.#host.gateway) return;
    const sent = new Set<string>();
    for (const link of this.#host.leafnodes?.registered() ?? []) {
      const name = link.account?.name;
      if (name === undefined || sent.has(name)) continue;
      sent.add(name);
      this.#sendLeafNodeConnect(name);
    }
  }

  /**
   * Sends `$SYS.SERVER.<id>.SHUTDOWN` with what is still queued, then stops for good (nothing
   * more is sent). The connections stay subscribed until the server closes them after its
   * routes, so no RS- goes out for them (nats-server sends none on shutdown).
   */
  shutdown(): void {
    if (this.#stopped) return;
    clearTimeout(this.#statszTimer);
    for (const t of this.#connsTimers.values()) clearTimeout(t);
    this.#connsTimers.clear();
    this.#send(this.#sys, `$SYS.SERVER.${this.#host.id}.SHUTDOWN`, "", (si) => si);
    this.#drain();
    this.#stopped = true;
    this.#running = false;
  }

  // ---- subscriptions --------------------------------------------------------------------

  #subscribeSystem(): void {
    const sys = this.#sys;
    const id = this.#host.id;
    const hash = systemHash(this.#host.name);
    const ignore = () => {};
    sys.subscribe(`$SYS._INBOX.${hash}.*`, ignore);
    sys.subscribe("$SYS.SERVER.ACCOUNT.*.CONNS", ignore);
    sys.subscribe(`$SYS._INBOX_.${id}`, ignore);
    sys.subscribe("$SYS.REQ.ACCOUNT.NSUBS", ignore);
    sys.subscribe("$SYS.SERVER.*.STATSZ", (m) => this.#statszReceived(m));
    // events.go remoteServerShutdown: a server that comes back is a new server again.
    sys.subscribe("$SYS.SERVER.*.SHUTDOWN", (m) => {
      this.#knownServers.delete(m.subject.split(".")[2]);
    });
    sys.subscribe("$SYS.ACCOUNT.*.CLAIMS.UPDATE", ignore);
    sys.subscribe("$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE", ignore);
    sys.subscribe("$SYS.REQ.SERVER.PING", (m) => this.#statszRequest(m));
    for (const ep of SERVER_ENDPOINTS) {
      const handler = (m: InternalMsg) => this.#serverRequest(ep, m);
      sys.subscribe(`$SYS.REQ.SERVER.${id}.${ep}`, handler);
      sys.subscribe(`$SYS.REQ.SERVER.PING.${ep}`, handler);
    }
    for (const ep of ACCOUNT_ENDPOINTS) {
      sys.subscribe(`$SYS.REQ.ACCOUNT.*.${ep}`, (m) => {
        const acc = m.subject.split(".")[3];
        if (ep === "CONNS") this.#connsRequest(acc, m);
        else this.#accountRequest(sys, ep, acc, m);
      });
    }
    sys.subscribe("$SYS.REQ.ACCOUNT.PING.STATZ", (m) => this.#pingStatz(m));
    sys.subscribe(leafNodeConnectSubject("*"), (m) => this.#leafNodeConnectReceived(m));
    sys.subscribe(`$SYS.LATENCY.M2.${hash}`, ignore);
    // events.go sysSubscribeInternal: the one system subscription not announced to routes.
    sys.subscribe("$SYS.DEBUG.SUBSCRIBERS", { local: true }, ignore);
  }

  // ---- requests -------------------------------------------------------------------------

  #filterTarget(): FilterTarget {
    const o = this.#host.options;
    return {
      name: this.#host.name,
      host: o.host,
      cluster: this.#host.cluster?.clusterName ?? "",
      tags: o.tags ?? [],
      domain: "",
    };
  }

  /**
   * nats-server `zReq`: decode the body into the endpoint's struct (400 on failure), apply the
   * server filter, then answer `{server, data}` or `{server, data: null, error}` (500).
   */
  #zReq(
    from: InternalConnection,
    m: InternalMsg,
    struct: GoStruct,
    data: (o: RequestOptions) => unknown,
  ): void {
    if (m.reply === "") return;
    let opts: RequestOptions = {};
    if (m.data.length > 0) {
      try {
        opts = decodeGoStruct(m.string(), struct);
      } catch (err) {
        this.#respond(from, m.reply, null, { code: 400, description: (err as Error).message });
        return;
      }
      if (filteredOut(opts, this.#filterTarget())) return;
    }
    let result: unknown;
    try {
      result = data(opts);
    } catch (err) {
      if (err instanceof SkipReply) return;
      this.#respond(from, m.reply, null, { code: 500, description: (err as Error).message });
      return;
    }
    this.#respond(from, m.reply, result);
  }

  #respond(from: InternalConnection, reply: string, data: unknown, error?: ApiError): void {
    this.#send(from, reply, "", (si) => apiResponse(si, data, error));
  }

  #serverRequest(ep: ServerEndpoint, m: InternalMsg): void {
    if (ep === "STATSZ") {
      this.#statszRequest(m);
      return;
    }
    this.#zReq(
      this.#sys,
      m,
      SERVER_REQUEST_STRUCTS[ep],
      (o) => serverEndpointData(ep, this.#host, o),
    );
  }

  #accountRequest(
    from: InternalConnection,
    ep: Exclude<AccountEndpoint, "CONNS">,
    acc: string,
    m: InternalMsg,
  ): void {
    const struct = ACCOUNT_REQUEST_STRUCTS[ep];
    this.#zReq(from, m, struct, (o) => accountEndpointData(ep, this.#host, acc, o));
  }

  #pingStatz(m: InternalMsg): void {
    this.#zReq(this.#sys, m, ACCOUNT_REQUEST_STRUCTS.STATZ, (o) => {
      const accounts = Array.isArray(o.accounts) ? o.accounts as string[] : [];
      return accountStatzData(this.#host, accounts, o.include_unused === true);
    });
  }

  /** nats-server `statszReq`: no reply means the broadcast subject. */
  #statszRequest(m: InternalMsg): void {
    const reply = m.reply !== "" ? m.reply : `$SYS.SERVER.${this.#host.id}.STATSZ`;
    if (m.data.length > 0) {
      let opts: RequestOptions;
      try {
        opts = decodeGoStruct(m.string(), SERVER_REQUEST_STRUCTS.STATSZ);
      } catch (err) {
        this.#respond(this.#sys, reply, null, { code: 400, description: (err as Error).message });
        return;
      }
      if (filteredOut(opts, this.#filterTarget())) return;
    }
    this.#sendStatsz(reply);
  }

  /** nats-server `connsRequest`: this server's count for the account, when it has clients. */
  #connsRequest(acc: string, m: InternalMsg): void {
    if (m.data.length > 0) {
      try {
        const req = JSON.parse(m.string()) as { acc?: unknown };
        if (req.acc !== acc) return;
      } catch {
        return;
      }
    }
    if (this.#host.account(acc) === null || m.reply === "") return;
    if (accountStat(this.#host, acc).conns > 0) this.#accountConnsUpdate(acc, [m.reply]);
  }

  // ---- events ---------------------------------------------------------------------------

  /**
   * nats-server `sendAccConnsUpdate`: the account's connection count on both CONNS subjects (or
   * to `subjects`), re-sent every interval while it has connections.
   */
  #accountConnsUpdate(name: string, subjects?: string[]): void {
    if (this.#stopped) return;
    const all = subjects ??
      [`$SYS.SERVER.ACCOUNT.${name}.CONNS`, `$SYS.ACCOUNT.${name}.SERVER.CONNS`];
    // Counted only when someone listens: a connection storm nobody watches costs no scan of
    // the client list per connection (and no heartbeat, which nobody would see).
    const to = all.filter((subject) => this.#listened(this.#sys, subject));
    if (to.length === 0) return;
    const id = this.#ids.next();
    const now = preciseNow();
    const stat = this.#countAccount(name);
    for (const subject of to) {
      this.#send(this.#sys, subject, "", (si) => accountConnsEvent(id, now, si, stat));
    }
  }

  /** The account's stat; re-arms its heartbeat while it has connections. */
  #countAccount(name: string): AccountStat {
    const stat = accountStat(this.#host, name);
    clearTimeout(this.#connsTimers.get(name));
    this.#connsTimers.delete(name);
    if (stat.total_conns > 0 && this.#running && !this.#stopped) {
      this.#connsTimers.set(name, setTimeout(() => this.#accountConnsUpdate(name), this.#statszMs));
    }
    return stat;
  }

  #heartbeat(): void {
    if (!this.#running) return;
    if (this.#currentStatszMs < this.#statszMs) {
      this.#currentStatszMs = Math.min(this.#currentStatszMs * 2, this.#statszMs);
    }
    this.#statszTimer = setTimeout(() => this.#heartbeat(), this.#currentStatszMs);
    this.#sendStatsz(`$SYS.SERVER.${this.#host.id}.STATSZ`);
  }

  /** nats-server `sendStatsz`: the `ServerStatsMsg`, its numbers taken when it is sent. */
  #sendStatsz(subject: string): void {
    this.#send(
      this.#sys,
      subject,
      "",
      (si) => statsMessage(si, serverStats(this.#host, this.account.name)),
    );
  }

  // ---- the send loop ----------------------------------------------------------------------

  #send(from: InternalConnection, subject: string, reply: string, build: Outgoing["build"]): void {
    if (this.#stopped) return;
    this.#sendq.push({ from, subject, reply, build });
    this.#schedule();
  }

  #handlerError(err: unknown, msg: InternalMsg): void {
    this.#host.logger.warn(`Error handling system request on "${msg.subject}": ${err}`);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#drain());
  }

  /**
   * Sends queued messages until the queue is empty (requests are handled by the connections
   * after the fan-out that delivered them; their answers queue here).
   */
  #drain(): void {
    this.#scheduled = false;
    while (this.#sendq.length > 0) {
      const out = this.#sendq;
      this.#sendq = [];
      for (const m of out) this.#publish(m);
    }
  }

  /** True when a subscriber other than the sending internal connection would get `subject`. */
  #listened(from: InternalConnection, subject: string): boolean {
    const r = from.account.sublist.matchString(subject);
    if (r.qsubs.length > 0 || r.psubs.some((e) => e.owner !== from)) return true;
    // Listeners in other clusters (gateway interest, or a reply routed back by a gateway).
    return this.#host.fanOut.gateways?.interested(from.account, subject) ?? false;
  }

  #publish(m: Outgoing): void {
    if (m.from.closed || !this.#listened(m.from, m.subject)) return;
    const si = serverInfo(serverIdentity(this.#host), ++this.#seq, preciseNow());
    m.from.publish(m.subject, marshal(m.build(si)), { reply: m.reply });
  }
}
