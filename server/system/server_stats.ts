/**
 * @module
 * The figures system events carry: this server's identity (events.go ServerInfo, as
 * internalSendLoop fills it), its `statsz` numbers (ServerStats) and one account's connection
 * stat (AccountStat). Read from the host when an event is sent. Runs where the system service
 * runs.
 */
import { accountStatz } from "../monitor/accountz.ts";
import { goTime } from "../monitor/format.ts";
import { totalSubscriptions } from "../monitor/varz.ts";
import { SERVER_VERSION } from "../version.ts";
import type { AccountStat, ServerIdentity, ServerStats } from "./events.ts";
import type { SystemHost } from "./system_service.ts";

/** The `server` object of every event. */
export function serverIdentity(host: SystemHost): ServerIdentity {
  const o = host.options;
  return {
    name: host.name,
    host: o.host,
    id: host.id,
    // events.go internalSendLoop: with gateways, the gateway name is the cluster.
    cluster: host.gateway?.table.name ?? host.cluster?.clusterName,
    version: SERVER_VERSION,
    tags: o.tags,
    jetstream: host.jetstream != null,
  };
}

/** nats-server `sendStatsz`'s numbers, taken now; `systemAccount` always counts as active. */
export function serverStats(host: SystemHost, systemAccount: string): ServerStats {
  const active = new Set<string>([systemAccount]);
  for (const c of host.clients.values()) active.add(c.account.name);
  const routes = host.links?.routes?.({ subs: false, detail: false }) ?? [];
  return {
    start: goTime(host.startedAt.getTime()),
    mem: host.monitor.usage.rss(),
    cores: navigator.hardwareConcurrency,
    cpu: host.monitor.usage.cpu(),
    connections: host.clients.size,
    total_connections: host.stats.totalConnections,
    active_accounts: active.size,
    subscriptions: totalSubscriptions(host),
    sent: { msgs: host.stats.outMsgs, bytes: host.stats.outBytes },
    received: { msgs: host.stats.inMsgs, bytes: host.stats.inBytes },
    slow_consumers: host.stats.slowConsumers,
    routes: routes.length > 0
      ? routes.map((r) => ({
        rid: r.rid,
        name: (r as { remote_name?: string }).remote_name || undefined,
        sent: { msgs: r.out_msgs, bytes: r.out_bytes },
        received: { msgs: r.in_msgs, bytes: r.in_bytes },
        pending: r.pending_size,
      }))
      : undefined,
    active_servers: 1,
  };
}

/** The account's connection stat (zeros when it has none). */
export function accountStat(host: SystemHost, name: string): AccountStat {
  return accountStatz(host, { accounts: [name], includeUnused: true }).account_statz[0] ?? {
    acc: name,
    conns: 0,
    leafnodes: 0,
    total_conns: 0,
    sent: { msgs: 0, bytes: 0 },
    received: { msgs: 0, bytes: 0 },
    slow_consumers: 0,
  };
}
