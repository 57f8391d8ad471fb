/**
 * @module
 * Addresses this server is reachable at: the client URLs it advertises in `connect_urls`
 * (server.go getClientConnectURLs: `client_advertise`, else every global unicast interface
 * address when listening on 0.0.0.0/::, else the listen host) and the `host:port` pairs of its
 * own route listener (`routesToSelf`), which route solicitation skips. Main isolate.
 */
import type { ServerOptions } from "../options.ts";
import { joinHostPort, splitHostPort } from "../links/route/cluster_options.ts";

function interfaces(): Deno.NetworkInterfaceInfo[] {
  try {
    return Deno.networkInterfaces();
  } catch {
    return [];
  }
}

/** Go `net.IP.IsGlobalUnicast` for a textual address (no loopback, link-local, multicast). */
function isGlobalUnicast(address: string, family: "IPv4" | "IPv6"): boolean {
  if (family === "IPv4") {
    return !/^(127\.|0\.|169\.254\.|22[4-9]\.|23\d\.|255\.255\.255\.255)/.test(address);
  }
  const a = address.toLowerCase();
  return !(a === "::1" || a === "::" || a.startsWith("fe8") || a.startsWith("fe9") ||
    a.startsWith("fea") || a.startsWith("feb") || a.startsWith("ff"));
}

/** The client URLs (`host:port`) this server advertises to clients and other servers. */
export function clientConnectUrls(o: ServerOptions, port: number): string[] {
  if (o.clientAdvertise) {
    const hp = splitHostPort(o.clientAdvertise);
    if (hp) return [joinHostPort(hp.host, hp.port || port)];
    return [joinHostPort(o.clientAdvertise, port)];
  }
  const host = o.host;
  if (host !== "0.0.0.0" && host !== "::" && host !== "") return [joinHostPort(host, port)];
  const urls: string[] = [];
  for (const i of interfaces()) {
    if (!isGlobalUnicast(i.address, i.family)) continue;
    const url = joinHostPort(i.address.replace(/%.*$/, ""), port);
    if (!urls.includes(url)) urls.push(url);
  }
  return urls;
}

/** Every `ip:port` of the local interfaces with the route port (route.go routesToSelf). */
export function routesToSelf(routePort: number): Set<string> {
  const out = new Set<string>();
  for (const i of interfaces()) out.add(joinHostPort(i.address.replace(/%.*$/, ""), routePort));
  out.add(joinHostPort("127.0.0.1", routePort));
  out.add(joinHostPort("::1", routePort));
  return out;
}
