/**
 * @module
 * `/varz`: server identity, configuration and live counters, with nats-server 2.9.10's field
 * names, order, types and omit-when-empty rules (monitor.go `Varz`, `createVarz`,
 * `updateVarzRuntimeFields`). Durations (`ping_interval`, `write_deadline`) are integer
 * nanoseconds, as Go marshals `time.Duration`. Runs in the main isolate.
 */
import { SERVER_VERSION } from "../version.ts";
import { formatUptime, goTime, preciseNow } from "./format.ts";
import type { MonitoredServer } from "./types.ts";
import { clusterVarz, gatewayVarz, leafVarz, mqttVarz, websocketVarz } from "./varz_sections.ts";

/** The `go` field; denats reports the same value as in its INFO. */
export const GO_VERSION = "go1.19.4";
/** nats-server's default system account name. */
export const DEFAULT_SYSTEM_ACCOUNT = "$SYS";

const NS_PER_MS = 1_000_000;

/** nats-server `Varz` (undefined members are omitted from the JSON). */
export type Varz = Record<string, unknown>;

/** Options of {@link varz}; nats-server defines none. */
export type VarzOptions = Record<string, never>;

/** Sums subscriptions over all accounts (`subscriptions`). */
export function totalSubscriptions(server: MonitoredServer): number {
  let n = 0;
  for (const acc of server.accounts()) n += acc.sublist.count;
  return n;
}

/** The system account's name when one exists, else undefined. */
export function systemAccountName(server: MonitoredServer): string | undefined {
  const o = server.options;
  if (o.noSystemAccount) return undefined;
  const name = o.systemAccount ?? DEFAULT_SYSTEM_ACCOUNT;
  return server.account(name) !== null ? name : undefined;
}

function sortedStats(stats: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of [...stats.keys()].sort()) out[key] = stats.get(key)!;
  return out;
}

/**
 * Server information, as nats-server's `Server.Varz`.
 *
 * @example
 * ```ts ignore
 * const v = varz(server);
 * console.log(v.in_msgs, v.uptime);
 * ```
 */
export function varz(server: MonitoredServer, _opts: VarzOptions = {}): Varz {
  const o = server.options;
  const links = server.links;
  const nowMs = preciseNow();
  const tls = o.tls;
  const startMs = server.startedAt.getTime();
  const usage = server.monitor.usage;
  return {
    server_id: server.id,
    server_name: server.name,
    version: SERVER_VERSION,
    proto: 1,
    go: GO_VERSION,
    host: o.host,
    port: server.port,
    auth_required: server.auth.required || undefined,
    tls_required: tls !== undefined || undefined,
    tls_verify: tls?.verify === true || undefined,
    connect_urls: links?.connectUrls?.(),
    max_connections: o.maxConnections,
    max_subscriptions: o.maxSubscriptions > 0 ? o.maxSubscriptions : undefined,
    ping_interval: o.pingIntervalMs * NS_PER_MS,
    ping_max: o.pingMax,
    http_host: o.httpHost ?? o.host,
    http_port: o.httpPort,
    http_base_path: o.httpBasePath ?? "",
    https_port: o.httpsPort,
    auth_timeout: o.authTimeout,
    max_control_line: o.maxControlLine,
    max_payload: o.maxPayload,
    max_pending: o.maxPending,
    cluster: clusterVarz(o, links),
    gateway: gatewayVarz(o, links),
    leaf: leafVarz(o, links),
    mqtt: mqttVarz(o, links),
    websocket: websocketVarz(o, links),
    jetstream: server.jetstream
      ? { config: server.jetstream.varzConfig(), stats: server.jetstream.stats() }
      : {},
    tls_timeout: typeof tls?.timeout === "number" ? tls.timeout : 2,
    write_deadline: o.writeDeadlineMs * NS_PER_MS,
    start: goTime(startMs),
    now: goTime(nowMs),
    uptime: formatUptime(nowMs - startMs),
    mem: usage.rss(),
    cores: navigator.hardwareConcurrency,
    gomaxprocs: navigator.hardwareConcurrency,
    cpu: usage.cpu(),
    connections: server.clients.size,
    total_connections: server.stats.totalConnections,
    routes: links?.routes?.({ subs: false, detail: false }).length ?? 0,
    remotes: links?.remotes?.() ?? 0,
    leafnodes: links?.leafs?.({ subs: false, account: "" }).length ?? 0,
    in_msgs: server.stats.inMsgs,
    out_msgs: server.stats.outMsgs,
    in_bytes: server.stats.inBytes,
    out_bytes: server.stats.outBytes,
    slow_consumers: server.stats.slowConsumers,
    subscriptions: totalSubscriptions(server),
    http_req_stats: sortedStats(server.monitor.httpReqStats),
    config_load_time: goTime(server.monitor.configLoadTime),
    tags: o.tags?.length ? o.tags : undefined,
    system_account: systemAccountName(server),
  };
}
