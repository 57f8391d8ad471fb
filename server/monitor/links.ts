/**
 * @module
 * `/routez`, `/gatewayz` and `/leafz` with nats-server 2.9.10's shapes (monitor.go `Routez`,
 * `Gatewayz`, `Leafz`). The entries come from the server's optional {@link LinkMonitor}; without
 * one (no routes, gateways or leafnodes yet) they are empty exactly as nats-server's are.
 * Runs in the main isolate.
 */
import { goTime, preciseNow } from "./format.ts";
import type { LeafInfo, MonitoredServer, RemoteGatewayz, RouteInfo } from "./types.ts";

/** nats-server `Routez`. */
export interface Routez {
  server_id: string;
  now: string;
  import?: { allow?: string[]; deny?: string[] };
  export?: { allow?: string[]; deny?: string[] };
  num_routes: number;
  routes: RouteInfo[];
}

/** nats-server `Gatewayz`. */
export interface Gatewayz {
  server_id: string;
  now: string;
  name?: string;
  host?: string;
  port?: number;
  outbound_gateways: Record<string, RemoteGatewayz> | null;
  inbound_gateways: Record<string, RemoteGatewayz[]>;
}

/** nats-server `Leafz`: `leafs` is null when there are none, as there. */
export interface Leafz {
  server_id: string;
  now: string;
  leafnodes: number;
  leafs: LeafInfo[] | null;
}

/** nats-server `GatewayzOptions` (`acc_name` implies `accounts`). */
export interface GatewayzOptions {
  name?: string;
  accounts?: boolean;
  accountName?: string;
}

function permissionsOf(
  o: MonitoredServer["options"],
  key: "import" | "export",
): { allow?: string[]; deny?: string[] } | undefined {
  return o.clusterConfig?.permissions?.[key];
}

/** Route information, as nats-server's `Server.Routez`. */
export function routez(
  server: MonitoredServer,
  opts: { subs?: boolean; detail?: boolean } = {},
): Routez {
  const routes = server.links?.routes?.({ subs: !!opts.subs, detail: !!opts.detail }) ?? [];
  return {
    server_id: server.id,
    now: goTime(preciseNow()),
    import: permissionsOf(server.options, "import"),
    export: permissionsOf(server.options, "export"),
    num_routes: routes.length,
    routes,
  };
}

/** Gateway information, as nats-server's `Server.Gatewayz`. */
export function gatewayz(server: MonitoredServer, opts: GatewayzOptions = {}): Gatewayz {
  const now = goTime(preciseNow());
  const links = server.links;
  const self = links?.gateway?.() ?? null;
  if (self === null) {
    return { server_id: server.id, now, outbound_gateways: {}, inbound_gateways: {} };
  }
  const o = {
    name: opts.name ?? "",
    accounts: !!opts.accounts || (opts.accountName ?? "") !== "",
    accountName: opts.accountName ?? "",
  };
  return {
    server_id: server.id,
    now,
    name: self.name,
    host: self.host,
    port: self.port,
    outbound_gateways: links?.outboundGateways ? links.outboundGateways(o) : {},
    inbound_gateways: links?.inboundGateways?.(o) ?? {},
  };
}

/** Leafnode information, as nats-server's `Server.Leafz`. */
export function leafz(
  server: MonitoredServer,
  opts: { subs?: boolean; account?: string } = {},
): Leafz {
  const leafs = server.links?.leafs?.({ subs: !!opts.subs, account: opts.account ?? "" }) ?? [];
  return {
    server_id: server.id,
    now: goTime(preciseNow()),
    leafnodes: leafs.length,
    leafs: leafs.length > 0 ? leafs : null,
  };
}
