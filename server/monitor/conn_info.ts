/**
 * @module
 * `ConnInfo` and `SubDetail`, the per-connection records of `/connz` (nats-server monitor.go
 * `ConnInfo.fill`, `newSubDetail`, `newClientSubDetail`), built from a live connection or kept
 * for a closed one. Field order and omit-when-empty rules follow nats-server's JSON tags.
 * Runs in the isolate that owns the connections (today the main isolate).
 */
import { formatRtt, formatUptime, goTime } from "./format.ts";
import type { MonitoredConn, MonitoredSub } from "./types.ts";

/** nats-server's global account name; `account` fields leave it out. */
export const GLOBAL_ACCOUNT_NAME = "$G";

/** nats-server `SubDetail`. */
export interface SubDetail {
  account?: string;
  subject: string;
  qgroup?: string;
  sid: string;
  msgs: number;
  max?: number;
  cid: number;
}

/** nats-server `ConnInfo` (undefined members are omitted from the JSON). */
export interface ConnInfo {
  cid: number;
  kind?: string;
  type?: string;
  ip: string;
  port: number;
  start: string;
  last_activity: string;
  stop?: string;
  reason?: string;
  rtt?: string;
  uptime: string;
  idle: string;
  pending_bytes: number;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  subscriptions: number;
  name?: string;
  lang?: string;
  version?: string;
  tls_version?: string;
  tls_cipher_suite?: string;
  authorized_user?: string;
  account?: string;
  subscriptions_list?: string[];
  subscriptions_list_detail?: SubDetail[];
  jwt?: string;
  issuer_key?: string;
  name_tag?: string;
  tags?: string[];
  mqtt_client?: string;
  /** denats only: the shard worker owning the connection (`--shards` > 1; absent otherwise). */
  shard?: number;
}

/** Raw numbers kept beside a ConnInfo for sorting (the JSON holds formatted strings). */
export interface ConnSortKeys {
  startMs: number;
  lastMs: number;
  /** Stop time for closed connections, else undefined. */
  stopMs?: number;
}

/** A ConnInfo with its sort keys. */
export interface ConnRecord {
  info: ConnInfo;
  keys: ConnSortKeys;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === "" ? undefined : text;
}

/** Rebuilds `ci` with keys in nats-server's order and empty optional members dropped. */
export function orderConnInfo(ci: ConnInfo): ConnInfo {
  return {
    cid: ci.cid,
    kind: nonEmpty(ci.kind),
    type: nonEmpty(ci.type),
    ip: ci.ip,
    port: ci.port,
    start: ci.start,
    last_activity: ci.last_activity,
    stop: ci.stop,
    reason: nonEmpty(ci.reason),
    rtt: nonEmpty(ci.rtt),
    uptime: ci.uptime,
    idle: ci.idle,
    pending_bytes: ci.pending_bytes,
    in_msgs: ci.in_msgs,
    out_msgs: ci.out_msgs,
    in_bytes: ci.in_bytes,
    out_bytes: ci.out_bytes,
    subscriptions: ci.subscriptions,
    name: nonEmpty(ci.name),
    lang: nonEmpty(ci.lang),
    version: nonEmpty(ci.version),
    tls_version: nonEmpty(ci.tls_version),
    tls_cipher_suite: nonEmpty(ci.tls_cipher_suite),
    authorized_user: nonEmpty(ci.authorized_user),
    account: nonEmpty(ci.account),
    subscriptions_list: ci.subscriptions_list?.length ? ci.subscriptions_list : undefined,
    subscriptions_list_detail: ci.subscriptions_list_detail?.length
      ? ci.subscriptions_list_detail
      : undefined,
    jwt: nonEmpty(ci.jwt),
    issuer_key: nonEmpty(ci.issuer_key),
    name_tag: nonEmpty(ci.name_tag),
    tags: ci.tags?.length ? ci.tags : undefined,
    mqtt_client: nonEmpty(ci.mqtt_client),
    shard: ci.shard,
  };
}

/** What the activity part of a ConnInfo reads of a connection (a client's, a gateway's). */
export type ConnActivitySource = Pick<
  MonitoredConn,
  "startedAt" | "lastActivity" | "rttMs" | "out" | "inMsgs" | "outMsgs" | "inBytes" | "outBytes"
>;

/**
 * The ConnInfo fields from `start` to `out_bytes` (nats-server `ConnInfo.fill`, also used for
 * a gateway's `/gatewayz` connection) at `nowMs`, in Go's field order.
 */
export function connActivity(c: ConnActivitySource, nowMs: number) {
  return {
    start: goTime(c.startedAt),
    last_activity: goTime(c.lastActivity),
    rtt: formatRtt(c.rttMs),
    uptime: formatUptime(nowMs - c.startedAt),
    idle: formatUptime(nowMs - c.lastActivity),
    pending_bytes: c.out.pending,
    in_msgs: c.inMsgs,
    out_msgs: c.outMsgs,
    in_bytes: c.inBytes,
    out_bytes: c.outBytes,
  };
}

/**
 * The ConnInfo of a connection at `nowMs` (nats-server `ConnInfo.fill`): no subscription lists,
 * no user or account (those depend on the query).
 */
export function connRecord(c: MonitoredConn, nowMs: number): ConnRecord {
  const info: ConnInfo = {
    cid: c.cid,
    kind: "Client",
    type: "nats",
    ip: c.remotePort !== 0 ? c.host : "",
    port: c.remotePort,
    ...connActivity(c, nowMs),
    subscriptions: c.subs.size,
    name: c.opts.name,
    lang: c.opts.lang,
    version: c.opts.version,
    shard: c.shard,
  };
  return { info, keys: { startMs: c.startedAt, lastMs: c.lastActivity } };
}

/** `newClientSubDetail` (no account) or `newSubDetail` (with the owner's account). */
export function subDetail(sub: MonitoredSub, cid: number, account?: string): SubDetail {
  return {
    account: nonEmpty(account),
    subject: sub.subject,
    qgroup: sub.queue ?? undefined,
    sid: sub.sidText,
    msgs: sub.delivered,
    max: sub.max > 0 ? sub.max : undefined,
    cid,
  };
}

/** Subscription subjects of a connection (`subscriptions_list`). */
export function subjectList(c: MonitoredConn): string[] {
  const out: string[] = [];
  for (const sub of c.subs.values()) out.push(sub.subject);
  return out;
}

/** Subscription details of a connection (`subscriptions_list_detail`, no account). */
export function detailList(c: MonitoredConn): SubDetail[] {
  const out: SubDetail[] = [];
  for (const sub of c.subs.values()) out.push(subDetail(sub, c.cid));
  return out;
}

/** The `account` member: the account name unless it is the global account. */
export function accountMember(name: string): string | undefined {
  return name === "" || name === GLOBAL_ACCOUNT_NAME ? undefined : name;
}
