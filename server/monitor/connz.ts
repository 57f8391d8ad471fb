/**
 * @module
 * `/connz`: open and closed client connections with filtering, sorting and paging, following
 * nats-server 2.9.10 monitor.go `Connz` and monitor_sort_opts.go, quirks included (a `cid`
 * lookup with `state=all` searches closed connections only; `total` counts before the `user`
 * filter; an unknown `acc` answers with an empty `server_id` and `null` connections).
 * Runs in the isolate that owns the connections.
 */
import type { ClosedConn } from "./closed.ts";
import {
  accountMember,
  type ConnInfo,
  type ConnRecord,
  connRecord,
  detailList,
  orderConnInfo,
  subjectList,
} from "./conn_info.ts";
import { goTime, preciseNow } from "./format.ts";
import { type ConnState, QueryError } from "./query.ts";
import type { MonitoredConn, MonitoredServer } from "./types.ts";

/** nats-server `DefaultConnListSize`. */
export const DEFAULT_CONN_LIST_SIZE = 1024;

/** Sort orders accepted by `/connz?sort=` in nats-server 2.9.10 (`SortOpt.IsValid`). */
export const SORT_OPTIONS = [
  "cid",
  "start",
  "subs",
  "pending",
  "msgs_to",
  "msgs_from",
  "bytes_to",
  "bytes_from",
  "last",
  "idle",
  "uptime",
  "stop",
  "reason",
] as const;
/** One of {@link SORT_OPTIONS}. */
export type SortOption = typeof SORT_OPTIONS[number];

/** nats-server `ConnzOptions` (the subset its HTTP handler sets). */
export interface ConnzOptions {
  sort?: string;
  /** Include `authorized_user` and `account`. */
  auth?: boolean;
  /** Include `subscriptions_list`. */
  subs?: boolean;
  /** Include `subscriptions_list_detail` (wins over `subs`). */
  subsDetail?: boolean;
  offset?: number;
  limit?: number;
  cid?: number;
  mqttClient?: string;
  state?: ConnState;
  user?: string;
  acc?: string;
}

/** nats-server `Connz`. */
export interface Connz {
  server_id: string;
  now: string;
  num_connections: number;
  total: number;
  offset: number;
  limit: number;
  connections: ConnInfo[] | null;
}

type Compare = (a: ConnRecord, b: ConnRecord) => number;

function descending(key: (r: ConnRecord) => number): Compare {
  return (a, b) => key(b) - key(a);
}

function comparator(sort: SortOption, nowMs: number): Compare {
  switch (sort) {
    case "cid":
    case "start":
      return (a, b) => a.info.cid - b.info.cid;
    case "subs":
      return descending((r) => r.info.subscriptions);
    case "pending":
      return descending((r) => r.info.pending_bytes);
    case "msgs_to":
      return descending((r) => r.info.out_msgs);
    case "msgs_from":
      return descending((r) => r.info.in_msgs);
    case "bytes_to":
      return descending((r) => r.info.out_bytes);
    case "bytes_from":
      return descending((r) => r.info.in_bytes);
    case "last":
      return descending((r) => r.keys.lastMs);
    case "idle":
      // nats-server 2.9.10 sorts "idle" by last activity minus start, descending.
      return descending((r) => r.keys.lastMs - r.keys.startMs);
    case "uptime": {
      const up = (r: ConnRecord) => (r.keys.stopMs ?? nowMs) - r.keys.startMs;
      return (a, b) => up(a) - up(b);
    }
    case "stop":
      return descending((r) => r.keys.stopMs ?? 0);
    case "reason":
      return (a, b) => {
        const x = a.info.reason ?? "";
        const y = b.info.reason ?? "";
        return x < y ? -1 : x > y ? 1 : 0;
      };
  }
}

/** True when `sort` is a valid `/connz` sort option ("" means the default). */
export function isValidSort(sort: string): sort is SortOption | "" {
  return sort === "" || (SORT_OPTIONS as readonly string[]).includes(sort);
}

function openRecord(c: MonitoredConn, nowMs: number, o: Required<ConnzOptions>): ConnRecord {
  const rec = connRecord(c, nowMs);
  const info = rec.info;
  if (c.subs.size > 0) {
    if (o.subsDetail) info.subscriptions_list_detail = detailList(c);
    else if (o.subs) info.subscriptions_list = subjectList(c);
  }
  if (o.auth) {
    info.authorized_user = c.rawAuthUser;
    info.account = accountMember(c.account.name);
  }
  rec.info = orderConnInfo(info);
  return rec;
}

function closedRecord(cc: ClosedConn, o: Required<ConnzOptions>): ConnRecord {
  const info: ConnInfo = { ...cc.info };
  if (cc.subCount > 0) {
    if (o.subsDetail) info.subscriptions_list_detail = cc.subs;
    else if (o.subs) info.subscriptions_list = cc.subjects;
  }
  if (o.auth) {
    info.authorized_user = cc.user;
    info.account = accountMember(cc.acc);
  }
  return { info: orderConnInfo(info), keys: cc.keys };
}

/**
 * Connection information, as nats-server's `Server.Connz`. Throws {@link QueryError} for option
 * combinations nats-server rejects.
 *
 * @example
 * ```ts ignore
 * const page = connz(server, { sort: "msgs_from", limit: 10, subs: true });
 * ```
 */
export function connz(server: MonitoredServer, opts: ConnzOptions = {}): Connz {
  const sortText = opts.sort ?? "";
  if (!isValidSort(sortText)) throw new QueryError(`invalid sorting option: ${sortText}`);
  const sort: SortOption = sortText === "" ? "cid" : sortText;
  const state = opts.state ?? "open";
  const o: Required<ConnzOptions> = {
    sort,
    auth: opts.auth ?? false,
    subs: opts.subs ?? false,
    subsDetail: opts.subsDetail ?? false,
    offset: Math.max(0, opts.offset ?? 0),
    limit: (opts.limit ?? 0) <= 0 ? DEFAULT_CONN_LIST_SIZE : opts.limit!,
    cid: opts.cid ?? 0,
    mqttClient: opts.mqttClient ?? "",
    state,
    user: opts.user ?? "",
    acc: opts.acc ?? "",
  };
  if (sort === "stop" && state !== "closed") {
    throw new QueryError("sort by stop only valid on closed connections");
  }
  if (sort === "reason" && state !== "closed") {
    throw new QueryError("sort by reason only valid on closed connections");
  }
  if (o.cid > 0) o.limit = 1;
  const nowMs = preciseNow();
  const result: Connz = {
    server_id: "",
    now: goTime(nowMs),
    num_connections: 0,
    total: 0,
    offset: o.offset,
    limit: o.limit,
    connections: null,
  };

  let clist: MonitoredConn[];
  if (o.acc !== "") {
    if (server.account(o.acc) === null) return result;
    clist = [...server.clients.values()].filter((c) => c.account.name === o.acc);
  } else {
    clist = [...server.clients.values()];
  }
  result.server_id = server.id;

  let closed: ClosedConn[] = [];
  if (state === "open") result.total = clist.length;
  else {
    closed = server.monitor.closed.list();
    result.total = (state === "all" ? clist.length : 0) + closed.length;
  }
  if (o.acc !== "" && closed.length > 0) {
    const kept = closed.filter((cc) => cc.acc === o.acc);
    result.total -= closed.length - kept.length;
    closed = kept;
  }

  let open: MonitoredConn[] = [];
  if (o.cid > 0) {
    if (state === "closed" || state === "all") {
      const found = closed.find((cc) => cc.info.cid === o.cid);
      closed = found ? [found] : [];
    } else {
      const c = server.clients.get(o.cid);
      if (c) open = [c];
    }
  } else if (state === "open" || state === "all") {
    // No MQTT clients exist, so an mqtt_client filter leaves no open connection.
    open = clist.filter((c) => (o.user === "" || c.userName === o.user) && o.mqttClient === "");
  }

  if (open.length === 0 && closed.length === 0) {
    result.connections = [];
    return result;
  }

  const records: ConnRecord[] = open.map((c) => openRecord(c, nowMs, o));
  for (const cc of closed) {
    if (o.user !== "" && cc.user !== o.user) continue;
    if (o.mqttClient !== "") continue;
    records.push(closedRecord(cc, o));
  }
  records.sort(comparator(sort, nowMs));
  const end = Math.min(o.offset + o.limit, records.length);
  const start = Math.min(o.offset, records.length);
  result.connections = records.slice(start, end).map((r) => r.info);
  result.num_connections = result.connections.length;
  return result;
}
