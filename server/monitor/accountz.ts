/**
 * @module
 * `/accountz` (account names, or one account's detail) and `/accstatz` (per-account connection
 * and message counts), as nats-server monitor.go `Accountz`, `accountInfo`, `AccountStatz` and
 * events.go `Account.statz`. Message counts are those of open connections plus the totals
 * folded in when connections closed. Runs in the isolate that owns the accounts.
 */
import { type SublistStats, sublistStats } from "../sublist/sublist.ts";
import { goTime, preciseNow } from "./format.ts";
import { QueryError } from "./query.ts";
import type { MonitoredAccount, MonitoredServer } from "./types.ts";
import { systemAccountName } from "./varz.ts";

/** nats-server `AccountInfo` (the members denats can fill; others are omitted). */
export interface AccountInfo {
  account_name: string;
  update_time: string;
  is_system?: boolean;
  expired: boolean;
  complete: boolean;
  jetstream_enabled: boolean;
  leafnode_connections: number;
  client_connections: number;
  subscriptions: number;
  exports?: unknown[];
  imports?: unknown[];
  sublist_stats: SublistStats;
}

/** nats-server `Accountz`. */
export interface Accountz {
  server_id: string;
  now: string;
  system_account?: string;
  accounts?: string[];
  account_detail?: AccountInfo;
}

/** nats-server `AccountStat`. */
export interface AccountStat {
  acc: string;
  conns: number;
  leafnodes: number;
  total_conns: number;
  sent: { msgs: number; bytes: number };
  received: { msgs: number; bytes: number };
  slow_consumers: number;
}

/** nats-server `AccountStatz`. */
export interface AccountStatz {
  server_id: string;
  now: string;
  account_statz: AccountStat[];
}

function localConnections(server: MonitoredServer, account: string): number {
  let n = 0;
  for (const c of server.clients.values()) if (c.account.name === account) n++;
  return n;
}

function accountInfo(server: MonitoredServer, acc: MonitoredAccount): AccountInfo {
  const system = systemAccountName(server);
  return {
    account_name: acc.name,
    update_time: goTime(server.monitor.configLoadTime),
    is_system: acc.name === system || undefined,
    expired: false,
    complete: true,
    jetstream_enabled: server.jetstream?.accountNames?.().includes(acc.name) ?? false,
    leafnode_connections: 0,
    client_connections: localConnections(server, acc.name),
    subscriptions: acc.sublist.count,
    ...server.accountLinks?.(acc.name),
    sublist_stats: sublistStats(acc.sublist.counters()),
  };
}

/**
 * Account names, or the detail of `opts.account`. Throws {@link QueryError} for an unknown
 * account (`Account X does not exist`).
 */
export function accountz(server: MonitoredServer, opts: { account?: string } = {}): Accountz {
  const result: Accountz = {
    server_id: server.id,
    now: goTime(preciseNow()),
    system_account: systemAccountName(server),
  };
  const name = opts.account ?? "";
  if (name === "") {
    result.accounts = [...server.accounts()].map((a) => a.name);
    return result;
  }
  const acc = server.account(name);
  if (acc === null) throw new QueryError(`Account ${name} does not exist`);
  result.account_detail = accountInfo(server, acc);
  return result;
}

function accountStat(server: MonitoredServer, name: string, conns: number): AccountStat {
  const closed = server.monitor.closedTotals(name);
  let inMsgs = closed.inMsgs;
  let inBytes = closed.inBytes;
  let outMsgs = closed.outMsgs;
  let outBytes = closed.outBytes;
  for (const c of server.clients.values()) {
    if (c.account.name !== name) continue;
    inMsgs += c.inMsgs;
    inBytes += c.inBytes;
    outMsgs += c.outMsgs;
    outBytes += c.outBytes;
  }
  return {
    acc: name,
    conns,
    leafnodes: 0,
    total_conns: conns,
    sent: { msgs: outMsgs, bytes: outBytes },
    received: { msgs: inMsgs, bytes: inBytes },
    slow_consumers: closed.slowConsumers,
  };
}

/**
 * Per-account statistics: accounts with local connections, or all of them with
 * `includeUnused`, optionally limited to `accounts`.
 */
export function accountStatz(
  server: MonitoredServer,
  opts: { accounts?: string[]; includeUnused?: boolean } = {},
): AccountStatz {
  const names = opts.accounts?.length
    ? opts.accounts.filter((n) => server.account(n) !== null)
    : [...server.accounts()].map((a) => a.name);
  const stats: AccountStat[] = [];
  for (const name of names) {
    const conns = localConnections(server, name);
    if (opts.includeUnused || conns !== 0) stats.push(accountStat(server, name, conns));
  }
  return { server_id: server.id, now: goTime(preciseNow()), account_statz: stats };
}
