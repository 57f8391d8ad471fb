/**
 * @module
 * `/jsz` with nats-server 2.9.10's `JSInfo` shape. JetStream does not run yet, so the answer is
 * nats-server's "disabled" one (and `leader-only` is refused the same way).
 * Runs in the main isolate.
 */
import { goTime, preciseNow } from "./format.ts";
import { QueryError } from "./query.ts";
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
  config: { max_memory: number; max_storage: number; store_dir?: string; domain?: string };
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
}

/**
 * JetStream information, as nats-server's `Server.Jsz` (totals only; the per-account details of
 * `accounts`/`streams`/`consumer` arrive with the stream engine).
 */
export function jsz(server: MonitoredServer, opts: JszOptions = {}): JSInfo {
  const js = server.jetstream;
  if (js) {
    // A single server is its own leader: `leader-only` answers like the plain request.
    return {
      server_id: server.id,
      now: goTime(preciseNow()),
      config: js.varzConfig(),
      ...js.stats(),
      ...js.totals(),
    };
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
 * Health, as nats-server's `healthz`: "ok" while the server accepts connections. The JetStream
 * checks apply once JetStream runs.
 */
export function healthz(_server: MonitoredServer, _opts: HealthzOptions = {}): HealthStatus {
  return { status: "ok" };
}
