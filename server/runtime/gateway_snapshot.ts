/**
 * @module
 * `/gatewayz` and the gateway parts of `/varz` in a sharded server: the link worker describes
 * its gateways as plain data (every account of every link), the main isolate answers each query
 * from it (name and account filters applied as `GatewayManager.monitor` does). Worker side:
 * {@link gatewayData}; main side: {@link gatewayMonitor}.
 */
import type { LinkMonitor, RemoteGatewayz } from "../monitor/types.ts";

/** The link worker's gateways as structured-cloneable data. */
export interface GatewayData {
  gateway: { name: string; host: string; port: number } | null;
  outbound: Record<string, RemoteGatewayz>;
  inbound: Record<string, RemoteGatewayz[]>;
  remoteUrls: Record<string, string[]>;
  port: number;
}

const ALL = { name: "", accounts: true, accountName: "" };

/**
 * The gateway data of a worker's links, or undefined without gateways; `names`: the configured
 * remote gateways (their URLs are listed even while not connected).
 */
export function gatewayData(links: LinkMonitor, names: string[]): GatewayData | undefined {
  const gateway = links.gateway?.() ?? null;
  if (gateway === null) return undefined;
  const outbound = links.outboundGateways?.(ALL) ?? {};
  const inbound = links.inboundGateways?.(ALL) ?? {};
  const remoteUrls: Record<string, string[]> = {};
  for (const name of new Set([...names, ...Object.keys(outbound), ...Object.keys(inbound)])) {
    const urls = links.gatewayRemoteUrls?.(name);
    if (urls) remoteUrls[name] = urls;
  }
  return { gateway, outbound, inbound, remoteUrls, port: links.boundPort?.("gateway") ?? 0 };
}

/** One link's entry cut to the query (accounts only when asked, one account by name). */
function cut(
  g: RemoteGatewayz,
  opts: { accounts: boolean; accountName: string },
): RemoteGatewayz {
  const out = { ...g };
  const accounts = (g.accounts ?? []).filter((a) =>
    opts.accountName === "" || (a as { name?: string }).name === opts.accountName
  );
  delete out.accounts;
  if (opts.accounts && accounts.length > 0) out.accounts = accounts;
  return out;
}

/** The gateway part of a {@link LinkMonitor} over a link worker's {@link GatewayData}. */
export function gatewayMonitor(data: GatewayData): LinkMonitor {
  return {
    gateway: () => data.gateway,
    outboundGateways: (opts) => {
      if (opts.name && data.outbound[opts.name] === undefined) return null;
      const out: Record<string, RemoteGatewayz> = {};
      for (const [name, g] of Object.entries(data.outbound)) {
        if (!opts.name || name === opts.name) out[name] = cut(g, opts);
      }
      return out;
    },
    inboundGateways: (opts) => {
      const out: Record<string, RemoteGatewayz[]> = {};
      for (const [name, list] of Object.entries(data.inbound)) {
        if (!opts.name || name === opts.name) out[name] = list.map((g) => cut(g, opts));
      }
      return out;
    },
    gatewayRemoteUrls: (name) => data.remoteUrls[name],
    boundPort: (section) => (section === "gateway" ? data.port : 0),
  };
}
