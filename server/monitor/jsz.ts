/**
 * @module
 * `/jsz` with nats-server 2.9.10's `JSInfo` shape (monitor.go `Jsz`): the server totals, and
 * with `accounts`/`streams`/`consumers`/`config`/`acc`/`offset`/`limit` the account_details
 * (each with stream_detail and consumer_detail); without JetStream nats-server's "disabled"
 * answer (and `leader-only` is refused the same way). Runs in the main isolate.
 */
import { goTime, preciseNow } from "./format.ts";
import { QueryError } from "./query.ts";
import { goQuote } from "../protocol/wire_errors.ts";
import type { MonitoredServer } from "./types.ts";

/** nats-server `JSzOptions`. */
export interface JszOptions {
  account?: string;
  accounts?: boolean;
  streams?: boolean;
  consumer?: boolean;
  config?: boolean;
  leaderOnly?: boolean;
  offset?: number;
  limit?: number;
}

/** nats-server `JSInfo` (embedding `JetStreamStats`). */
export interface JSInfo {
  server_id: string;
  now: string;
  disabled?: boolean;
  config: {
    max_memory: number;
    max_storage: number;
    store_dir?: string;
    domain?: string;
    compress_ok?: boolean;
  };
  memory: number;
  storage: number;
  reserved_memory: number;
  reserved_storage: number;
  accounts: number;
  ha_assets: number;
  api: { total: number; errors: number };
  streams: number;
  consumers: number;
  messages: number;
  bytes: number;
  meta_cluster?: Record<string, unknown>;
  account_details?: Record<string, unknown>[];
}

/**
 * JetStream information, as nats-server's `Server.Jsz`: `consumer` implies `streams`, which
 * implies `accounts`; `acc` naming a JetStream account lists that account alone; otherwise
 * `accounts` lists every JetStream account (sorted by name when `offset` is set), at most
 * `limit` (default 1024) of them.
 */
export function jsz(server: MonitoredServer, opts: JszOptions = {}): JSInfo {
  const js = server.jetstream;
  if (js) {
    // A single server is its own leader: `leader-only` answers like the plain request; in a
    // cluster only the meta leader answers it.
    if (opts.leaderOnly && js.isMetaLeader?.() === false) {
      throw new QueryError("filtered response: not leader");
    }
    const info: JSInfo = {
      server_id: server.id,
      now: goTime(preciseNow()),
      config: js.varzConfig(),
      ...js.stats(),
      ...js.totals(),
    };
    const meta = js.metaCluster?.() ?? null;
    if (meta !== null) info.meta_cluster = meta;
    const consumers = opts.consumer === true;
    const streams = consumers || opts.streams === true;
    const accounts = streams || opts.accounts === true;
    const names = selectAccounts(js.accountNames?.() ?? [], {
      ...opts,
      accounts,
      limit: opts.limit || 1024,
    });
    const cluster = clusterOf(server);
    const details = [];
    for (const name of names) {
      const d = js.accountDetail?.(name, {
        streams,
        consumers,
        config: opts.config === true,
        cluster,
      });
      if (d) details.push(d);
    }
    if (details.length > 0) info.account_details = details;
    return info;
  }
  if (opts.leaderOnly) throw new QueryError("filtered response: not leader");
  return {
    server_id: server.id,
    now: goTime(preciseNow()),
    disabled: true,
    config: { max_memory: 0, max_storage: 0 },
    memory: 0,
    storage: 0,
    reserved_memory: 0,
    reserved_storage: 0,
    accounts: 0,
    ha_assets: 0,
    api: { total: 0, errors: 0 },
    streams: 0,
    consumers: 0,
    messages: 0,
    bytes: 0,
  };
}

/**
 * `$SYS.REQ.ACCOUNT.<acc>.JSZ` (nats-server `JszAccount`): the account's detail (streams only
 * with `streams`, consumers only with both), or the error nats-server answers with.
 */
export function jszAccount(server: MonitoredServer, opts: JszOptions): Record<string, unknown> {
  const js = server.jetstream;
  if (!js) throw new Error("jetstream not enabled");
  const acc = opts.account ?? "";
  if (server.account(acc === "" ? undefined : acc) === null || acc === "") {
    throw new Error(`account ${goQuote(acc)} not found`);
  }
  const detail = js.accountDetail?.(acc, {
    streams: opts.streams === true,
    consumers: opts.consumer === true,
    config: opts.config === true,
    cluster: clusterOf(server),
  });
  if (!detail) throw new Error(`account ${goQuote(acc)} not jetstream enabled`);
  return detail;
}

/** The accounts whose details `/jsz` shows (see {@link jsz}). */
export function selectAccounts(all: readonly string[], opts: JszOptions): string[] {
  if (opts.account !== undefined && opts.account !== "" && all.includes(opts.account)) {
    return [opts.account];
  }
  if (!opts.accounts) return [];
  let list = [...all];
  const offset = opts.offset ?? 0;
  if (offset > 0) {
    list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    list = offset > list.length ? [] : list.slice(offset);
  }
  const limit = opts.limit ?? 0;
  if (limit > 0 && limit < list.length) list = list.slice(0, limit);
  return list;
}

/** nats-server `clusterInfo(nil)`: this server's cluster name and itself as leader. */
export function clusterOf(
  server: Pick<MonitoredServer, "options" | "name">,
): Record<string, unknown> {
  const c = server.options.cluster as { name?: unknown } | undefined;
  const out: Record<string, unknown> = {};
  if (typeof c?.name === "string" && c.name !== "") out.name = c.name;
  if (server.name !== "") out.leader = server.name;
  return out;
}

/** nats-server `HealthStatus`. */
export interface HealthStatus {
  status: string;
  error?: string;
}

/** nats-server `HealthzOptions`. */
export interface HealthzOptions {
  jsEnabledOnly?: boolean;
  jsServerOnly?: boolean;
}

/**
 * Health, as nats-server's `healthz`: "ok" while the server accepts connections; with JetStream
 * configured but not running, "unavailable" with `JetStream not enabled`; in a JetStream
 * cluster also without a meta leader, behind it, or with a stream of this server not current
 * (`js-enabled-only` stops after the enabled check, `js-server-only` before the streams).
 */
export function healthz(server: MonitoredServer, opts: HealthzOptions = {}): HealthStatus {
  if (server.options.jetstreamConfig?.enabled && !server.jetstream) {
    return { status: "unavailable", error: "JetStream not enabled" };
  }
  if (opts.jsEnabledOnly) return { status: "ok" };
  // Clustered: the meta leader, then this server's streams.
  const problem = server.jetstream?.clusterHealth?.(opts.jsServerOnly === true) ?? null;
  if (problem !== null) return { status: "unavailable", error: problem };
  return { status: "ok" };
}
