/**
 * @module
 * Monitoring across shard workers: each worker describes its connections, subscriptions and
 * counters as plain (structured-cloneable) data; the main isolate combines the workers' data
 * into one {@link MonitoredServer}, so every endpoint shows one server (ARCHITECTURE.md
 * invariant 5). Worker side: {@link workerSnapshot}, {@link connData}. Main side:
 * {@link combineSnapshots}.
 */
import type { ClientConnection } from "../client/client.ts";
import { sumCounters, type WorkerCounters } from "../ipc/control.ts";
import type { MonitorState } from "../monitor/state.ts";
import type {
  MonitoredAccount,
  MonitoredConn,
  MonitoredServer,
  MonitoredSub,
  RouteInfo,
  SublistEntryView,
} from "../monitor/types.ts";
import type { JetStreamMonitor, LinkMonitor } from "../monitor/types.ts";
import { isClientSub } from "../monitor/types.ts";
import type { ServerOptions } from "../options.ts";
import type { Server } from "../server.ts";
import { type GatewayData, gatewayData, gatewayMonitor } from "./gateway_snapshot.ts";
import { type LeafData, leafData, leafMonitor } from "./leaf_snapshot.ts";
import { addSublistCounters, type SublistCounters } from "../sublist/sublist.ts";
import { clusterOf } from "../monitor/jsz.ts";
import { type JetStreamData, jetStreamData, jetStreamMonitor } from "./jetstream_snapshot.ts";

/** One account of one worker: local subscriptions only (replicated interest left out). */
export interface AccountData {
  name: string;
  count: number;
  counters: SublistCounters;
  entries: SublistEntryView[];
}

/** The route worker's route data (`/routez` with details, `/varz` cluster fields). */
export interface LinkData {
  /** Undefined when the link worker runs gateways only. */
  routes?: RouteInfo[];
  remotes: number;
  connectUrls?: string[];
  clusterPort: number;
  gateways?: GatewayData;
  /** The leafnodes (`/leafz` with subscriptions, every account), when configured. */
  leafs?: LeafData;
}

/** What a worker reports for monitoring. */
export interface WorkerSnapshot {
  counters: WorkerCounters;
  conns: MonitoredConn[];
  accounts: AccountData[];
  /** Set by the route worker. */
  links?: LinkData;
  /** Set by the JetStream worker. */
  jetstream?: JetStreamData;
}

/** A connection as plain data; `shard` is the owning worker's id in a sharded server. */
export function connData(c: ClientConnection, shard?: number): MonitoredConn {
  const subs = new Map<string, MonitoredSub>();
  for (const s of c.subs.values()) {
    subs.set(s.sidText, {
      subject: s.subject,
      queue: s.queue,
      sidText: s.sidText,
      delivered: s.delivered,
      max: s.max,
    });
  }
  return {
    cid: c.cid,
    host: c.host,
    remotePort: c.remotePort,
    startedAt: c.startedAt,
    lastActivity: c.lastActivity,
    inMsgs: c.inMsgs,
    outMsgs: c.outMsgs,
    inBytes: c.inBytes,
    outBytes: c.outBytes,
    rttMs: c.rttMs,
    out: { pending: c.out.pending },
    opts: { name: c.opts.name, lang: c.opts.lang, version: c.opts.version },
    userName: c.userName,
    rawAuthUser: c.rawAuthUser,
    account: { name: c.account.name },
    subs,
    closeReason: c.closeReason,
    shard,
  };
}

/** The worker's counters. */
export function workerCounters(server: Server): WorkerCounters {
  const st = server.stats;
  let subscriptions = 0;
  for (const c of server.clients.values()) subscriptions += c.subs.size;
  return {
    inMsgs: st.inMsgs,
    outMsgs: st.outMsgs,
    inBytes: st.inBytes,
    outBytes: st.outBytes,
    slowConsumers: st.slowConsumers,
    connections: server.clients.size,
    totalConnections: st.totalConnections,
    subscriptions,
    ringFullWaits: server.mesh?.fullWaits ?? 0,
    ringSpillPeak: server.mesh?.spillPeak ?? 0,
  };
}

/**
 * Everything monitoring needs from one worker (`shard`: its worker id; `jsz`: the query of a
 * `/jsz` request, for the JetStream worker's account details).
 */
export function workerSnapshot(
  server: Server,
  shard?: number,
  jsz?: Readonly<Record<string, string>>,
): WorkerSnapshot {
  const conns: MonitoredConn[] = [];
  for (const c of server.clients.values()) conns.push(connData(c, shard));
  const accounts: AccountData[] = [];
  for (const a of server.accounts()) {
    const entries: SublistEntryView[] = [];
    for (const e of a.sublist.all()) {
      if (!isClientSub(e)) continue;
      entries.push({
        subject: e.subject,
        queue: e.queue,
        sidText: e.sidText,
        delivered: e.delivered,
        max: e.max,
        owner: { cid: e.owner.cid, account: { name: e.owner.account.name } },
      } as SublistEntryView);
    }
    accounts.push({ name: a.name, count: entries.length, counters: a.sublist.counters(), entries });
  }
  const snapshot: WorkerSnapshot = { counters: workerCounters(server), conns, accounts };
  if (server.jetstream) {
    snapshot.jetstream = jetStreamData(server.jetstream, jsz, clusterOf(server));
  }
  const links = server.links;
  if (links?.routes || links?.gateway || links?.leafs) {
    const names = server.options.gatewayConfig?.gateways.map((g) => g.name) ?? [];
    snapshot.links = {
      routes: links.routes?.({ subs: true, detail: true }),
      remotes: links.remotes?.() ?? 0,
      connectUrls: links.connectUrls?.(),
      clusterPort: links.boundPort?.("cluster") ?? 0,
      gateways: gatewayData(links, names),
      leafs: leafData(links),
    };
  }
  return snapshot;
}

/** A {@link LinkMonitor} over the route worker's data (subscription lists cut to the query). */
function linkMonitor(data: LinkData): LinkMonitor {
  const gateways = data.gateways ? gatewayMonitor(data.gateways) : {};
  const leafs = data.leafs ? leafMonitor(data.leafs) : {};
  const routes = data.routes;
  return {
    ...gateways,
    ...leafs,
    routes: routes && ((opts) =>
      routes.map((r) => {
        const out = { ...r };
        const detail = r.subscriptions_list_detail;
        delete out.subscriptions_list_detail;
        delete out.subscriptions_list;
        if (detail && opts.detail) out.subscriptions_list_detail = detail;
        else if (detail && opts.subs) {
          out.subscriptions_list = detail.map((d) => (d as { subject: string }).subject);
        }
        return out;
      })),
    remotes: () => data.remotes,
    connectUrls: () => data.connectUrls,
    boundPort: (section) =>
      section === "cluster"
        ? data.clusterPort
        : section === "leafnodes"
        ? leafs.boundPort?.(section) ?? 0
        : gateways.boundPort?.(section) ?? 0,
  };
}

/** Identity and state the main isolate keeps for the combined view. */
export interface MainView {
  id: string;
  name: string;
  options: ServerOptions;
  startedAt: Date;
  port: number;
  authRequired: boolean;
  monitor: MonitorState;
  logger: { warn(msg: string): void };
}

/** Combines worker snapshots into one server for the monitoring collectors. */
export function combineSnapshots(main: MainView, snapshots: WorkerSnapshot[]): MonitoredServer {
  const counters = sumCounters(snapshots.map((s) => s.counters));
  const clients = new Map<number, MonitoredConn>();
  const byName = new Map<string, AccountData>();
  let links: LinkMonitor | undefined;
  let jetstream: JetStreamMonitor | null = null;
  for (const s of snapshots) {
    if (s.links) links = linkMonitor(s.links);
    if (s.jetstream) jetstream = jetStreamMonitor(s.jetstream);
    for (const c of s.conns) clients.set(c.cid, c);
    for (const a of s.accounts) {
      const held = byName.get(a.name);
      if (!held) {
        byName.set(a.name, { ...a, entries: [...a.entries] });
      } else {
        held.count += a.count;
        held.counters = addSublistCounters(held.counters, a.counters);
        held.entries.push(...a.entries);
      }
    }
  }
  const accounts: MonitoredAccount[] = [...byName.values()].map((a) => ({
    name: a.name,
    sublist: { count: a.count, counters: () => a.counters, all: () => a.entries },
  }));
  return {
    id: main.id,
    name: main.name,
    options: main.options,
    startedAt: main.startedAt,
    port: main.port,
    stats: counters,
    clients,
    auth: { required: main.authRequired },
    monitor: main.monitor,
    logger: main.logger,
    links,
    jetstream,
    accounts: () => accounts,
    account: (name?: string) => accounts.find((a) => a.name === (name ?? "$G")) ?? null,
  };
}
