/**
 * @module
 * The JSON messages of the system account, with nats-server 2.9.10's member names, order and
 * omit-when-empty rules (events.go `ServerInfo`, `ClientInfo`, `ConnectEventMsg`,
 * `DisconnectEventMsg`, `AccountNumConns`, `accNumConnsReq`, `ServerStatsMsg`, `ServerAPIResponse`)
 * and the NUID event ids. Builders take the time as an argument; no I/O. Runs in the isolate
 * that owns the connections.
 */
import { goTime } from "../monitor/format.ts";
import { BASE62_DIGITS, randomBase62 } from "../protocol/base62.ts";

/** `type` of a client connect event. */
export const CONNECT_EVENT_TYPE = "io.nats.server.advisory.v1.client_connect";
/** `type` of a client disconnect event. */
export const DISCONNECT_EVENT_TYPE = "io.nats.server.advisory.v1.client_disconnect";
/** `type` of an account connections event. */
export const ACCOUNT_CONNS_TYPE = "io.nats.server.advisory.v1.account_connections";

/** nats-server `ServerInfo`: who sent an event (filled when the message is sent). */
export interface ServerInfo {
  name: string;
  host: string;
  id: string;
  cluster?: string;
  domain?: string;
  ver: string;
  tags?: string[];
  seq: number;
  jetstream: boolean;
  time: string;
}

/** The parts of {@link ServerInfo} that do not change from one message to the next. */
export interface ServerIdentity {
  name: string;
  host: string;
  id: string;
  cluster?: string;
  version: string;
  tags?: string[];
  jetstream: boolean;
}

/** {@link ServerInfo} for message number `seq` sent at `nowMs`. */
export function serverInfo(who: ServerIdentity, seq: number, nowMs: number): ServerInfo {
  return {
    name: who.name,
    host: who.host,
    id: who.id,
    cluster: who.cluster || undefined,
    ver: who.version,
    tags: who.tags?.length ? who.tags : undefined,
    seq,
    jetstream: who.jetstream,
    time: goTime(nowMs),
  };
}

/** nats-server `DataStats`. */
export interface DataStats {
  msgs: number;
  bytes: number;
}

/** What an event needs to know about a client connection. */
export interface ClientView {
  readonly cid: number;
  readonly host: string;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly account: { readonly name: string };
  /** nats-server `getRawAuthUser`: nkey, user or token. */
  readonly rawAuthUser: string;
  readonly opts: { readonly name: string; readonly lang: string; readonly version: string };
  /** Last round trip in milliseconds (0 = not measured). */
  readonly rttMs: number;
  readonly inMsgs: number;
  readonly inBytes: number;
  readonly outMsgs: number;
  readonly outBytes: number;
  /** `"nats"` or `"websocket"` (nats-server `clientTypeString`). */
  readonly clientType?: string;
}

/** nats-server `ClientInfo`, the members 2.9.10 fills for client connect/disconnect events. */
export interface ClientInfo {
  start?: string;
  host?: string;
  id?: number;
  acc: string;
  user?: string;
  name?: string;
  lang?: string;
  ver?: string;
  rtt?: number;
  stop?: string;
  kind?: string;
  client_type?: string;
}

/** The `client` block of a connect event, or of a disconnect event when `stopMs` is given. */
export function clientInfo(c: ClientView, stopMs?: number): ClientInfo {
  const rttNs = stopMs === undefined ? 0 : Math.round(c.rttMs * 1e6);
  return {
    start: goTime(c.startedAt),
    host: c.host || undefined,
    id: c.cid || undefined,
    acc: c.account.name,
    user: c.rawAuthUser || undefined,
    name: c.opts.name || undefined,
    lang: c.opts.lang || undefined,
    ver: c.opts.version || undefined,
    rtt: rttNs > 0 ? rttNs : undefined,
    stop: stopMs === undefined ? undefined : goTime(stopMs),
    kind: "Client",
    client_type: c.clientType ?? "nats",
  };
}

/** nats-server `ConnectEventMsg`. */
export function connectEvent(id: string, nowMs: number, server: ServerInfo, c: ClientView) {
  return {
    type: CONNECT_EVENT_TYPE,
    id,
    timestamp: goTime(nowMs),
    server,
    client: clientInfo(c),
  };
}

/**
 * nats-server `DisconnectEventMsg`: `sent` is what the client sent (its inbound counts),
 * `received` what it was sent.
 */
export function disconnectEvent(
  id: string,
  stopMs: number,
  server: ServerInfo,
  c: ClientView,
  reason: string,
) {
  return {
    type: DISCONNECT_EVENT_TYPE,
    id,
    timestamp: goTime(stopMs),
    server,
    client: clientInfo(c, stopMs),
    sent: { msgs: c.inMsgs, bytes: c.inBytes },
    received: { msgs: c.outMsgs, bytes: c.outBytes },
    reason,
  };
}

/** nats-server `AccountStat` (shared by CONNS events and STATZ replies). */
export interface AccountStat {
  acc: string;
  conns: number;
  leafnodes: number;
  total_conns: number;
  sent: DataStats;
  received: DataStats;
  slow_consumers: number;
}

/** nats-server `AccountNumConns`: the typed event header, the sender, then the stat. */
export function accountConnsEvent(
  id: string,
  nowMs: number,
  server: ServerInfo,
  stat: AccountStat,
) {
  return { type: ACCOUNT_CONNS_TYPE, id, timestamp: goTime(nowMs), server, ...stat };
}

/** nats-server `leafNodeConnectEventSubj`: a leafnode connected for `account`. */
export function leafNodeConnectSubject(account: string): string {
  return `$SYS.ACCOUNT.${account}.LEAFNODE.CONNECT`;
}

/**
 * nats-server `accNumConnsReq`, the body of the leafnode connect event (and of CONNS requests):
 * the sender, then the account. No type, id or timestamp.
 *
 * @example
 * ```ts
 * import { leafNodeConnectEvent } from "./events.ts";
 * const si = { name: "n", host: "h", id: "I", ver: "2.9.10", seq: 1, jetstream: false, time: "" };
 * if (Object.keys(leafNodeConnectEvent(si, "A")).join() !== "server,acc") throw new Error();
 * ```
 */
export function leafNodeConnectEvent(server: ServerInfo, account: string) {
  return { server, acc: account };
}

/** nats-server `ServerStats` (routes and gateways only when there are some). */
export interface ServerStats {
  start: string;
  mem: number;
  cores: number;
  cpu: number;
  connections: number;
  total_connections: number;
  active_accounts: number;
  subscriptions: number;
  sent: DataStats;
  received: DataStats;
  slow_consumers: number;
  routes?: RouteStat[];
  active_servers?: number;
}

/** nats-server `RouteStat`. */
export interface RouteStat {
  rid: number;
  name?: string;
  sent: DataStats;
  received: DataStats;
  pending: number;
}

/** nats-server `ServerStatsMsg`. */
export function statsMessage(server: ServerInfo, stats: ServerStats) {
  return { server, statsz: stats };
}

/** nats-server `ApiError`. */
export interface ApiError {
  code: number;
  description: string;
}

/**
 * nats-server `ServerAPIResponse`: `data` is omitted for a bad request (400) and `null` for a
 * failed one (500), as Go marshals an untyped vs. a typed nil.
 */
export function apiResponse(server: ServerInfo, data: unknown, error?: ApiError) {
  if (error === undefined) return { server, data };
  if (error.code === 400) return { server, error };
  return { server, data: null, error };
}

const DIGITS = BASE62_DIGITS;
const BASE = 62;
const PREFIX_LENGTH = 12;
const SEQ_LENGTH = 10;
/** Kept below 2^53 so the sequence stays an exact integer (nats-server uses 62^10). */
const MAX_SEQ = 2 ** 52;

function randomBelow(n: number): number {
  return Math.floor(Math.random() * n);
}

/**
 * Event ids as nats-server's NUID: 22 base-62 characters, a random 12-character prefix and a
 * 10-character sequence that grows by a random step.
 *
 * @example
 * ```ts
 * import { Nuid } from "./events.ts";
 * const ids = new Nuid();
 * const a = ids.next();
 * if (a.length !== 22 || a === ids.next()) throw new Error("bad nuid");
 * ```
 */
export class Nuid {
  #prefix = randomBase62(PREFIX_LENGTH);
  #seq = randomBelow(MAX_SEQ / 2);
  #inc = 33 + randomBelow(300);

  /** The next id. */
  next(): string {
    this.#seq += this.#inc;
    if (this.#seq >= MAX_SEQ) {
      this.#prefix = randomBase62(PREFIX_LENGTH);
      this.#seq = randomBelow(MAX_SEQ / 2);
      this.#inc = 33 + randomBelow(300);
    }
    let n = this.#seq;
    let tail = "";
    for (let i = 0; i < SEQ_LENGTH; i++) {
      tail = DIGITS[n % BASE] + tail;
      n = Math.floor(n / BASE);
    }
    return this.#prefix + tail;
  }
}

/**
 * An 8-character base-62 digest of the server name, used in the server's private inbox and
 * latency subjects (nats-server `getHash`; any stable digest serves that purpose).
 *
 * @example
 * ```ts
 * import { systemHash } from "./events.ts";
 * if (systemHash("a") !== systemHash("a") || systemHash("a").length !== 8) throw new Error();
 * ```
 */
export function systemHash(name: string): string {
  const bytes = new TextEncoder().encode(name);
  let out = "";
  for (let round = 0; round < 8; round++) {
    let h = (0x811c9dc5 ^ round) >>> 0;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    out += DIGITS[h % BASE];
  }
  return out;
}
