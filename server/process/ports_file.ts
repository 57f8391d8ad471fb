/**
 * @module
 * The ports file nats-server writes for harnesses (server.go `logPorts`, `PortsInfo`):
 * `<ports_file_dir>/<basename(argv0)>_<pid>.ports` holding
 * `{"nats":[...],"monitoring":[...],"cluster":[...],"profile":[...],"websocket":[...]}` (2.9.10 has
 * no leafnode or gateway entries),
 * with a listener on all interfaces expanded to every interface address. Main isolate only.
 */

/** Listener URLs by kind, as in nats-server `Ports` (empty kinds are omitted). */
export interface Ports {
  nats?: string[];
  monitoring?: string[];
  cluster?: string[];
  profile?: string[];
  websocket?: string[];
}

/** An interface address as Deno.networkInterfaces() reports it. */
export interface InterfaceAddress {
  name: string;
  family: "IPv4" | "IPv6";
  address: string;
}

function bracket(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * URLs for a listener: one per interface address when bound to all interfaces, interfaces in
 * the order first seen and IPv4 before IPv6 within each, as nats-server lists them.
 */
export function listenerUrls(
  scheme: string,
  host: string,
  port: number,
  interfaces: InterfaceAddress[],
): string[] {
  if (host !== "0.0.0.0" && host !== "::" && host !== "") {
    return [`${scheme}://${bracket(host)}:${port}`];
  }
  const order: string[] = [];
  const byName = new Map<string, InterfaceAddress[]>();
  for (const i of interfaces) {
    let list = byName.get(i.name);
    if (!list) {
      list = [];
      byName.set(i.name, list);
      order.push(i.name);
    }
    list.push(i);
  }
  const urls: string[] = [];
  for (const name of order) {
    const list = byName.get(name)!;
    const sorted = [
      ...list.filter((a) => a.family === "IPv4"),
      ...list.filter((a) => a.family === "IPv6"),
    ];
    for (const a of sorted) urls.push(`${scheme}://${bracket(a.address.split("%")[0])}:${port}`);
  }
  return urls;
}

/** The file name nats-server uses: `<basename(argv0)>_<pid>.ports`. */
export function portsFileName(argv0: string, pid: number): string {
  const base = argv0.split(/[\\/]/).pop() || "nats-server";
  return `${base.replace(/\.exe$/, "")}_${pid}.ports`;
}

/** Writes the ports file (mode 0666, as nats-server); returns its path. */
export function writePortsFileSync(dir: string, argv0: string, pid: number, ports: Ports): string {
  const path = `${dir.replace(/\/+$/, "")}/${portsFileName(argv0, pid)}`;
  Deno.writeTextFileSync(path, JSON.stringify(ports), { mode: 0o666 });
  return path;
}

/** Writes the pid file: the decimal pid, no newline, mode 0660 (nats-server 2.9.10 `logPid`). */
export function writePidFileSync(path: string, pid: number): void {
  Deno.writeTextFileSync(path, String(pid), { mode: 0o660 });
}
