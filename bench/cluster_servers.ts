/**
 * @module
 * The server side of the cluster benchmark (cluster.ts): launches two servers A and B of one
 * binary (denats or nats-server) on free local ports, joined by a route (a 2-node cluster), a
 * gateway (two 1-node clusters of a super-cluster) or a leaf connection (A a leaf node of hub B,
 * or with `hub` B a leaf node of hub A),
 * waits until the link is up on both sides (`/routez`, `/gatewayz`, `/leafz`), and reads the
 * servers' CPU time and peak RSS from `/proc`. Runs in the benchmark's `deno run -A` process
 * (Linux only).
 */
import type { Topology } from "./cluster_options.ts";

const usedPorts = new Set<number>();
function freePort(): number {
  for (let i = 0; i < 1000; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (usedPorts.has(port)) continue;
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      usedPorts.add(port);
      return port;
    } catch {
      // taken
    }
  }
  throw new Error("no free port");
}

const CLK_TCK = 100;

/** CPU time and peak RSS of a process. */
export interface ProcStat {
  cpu: number; // seconds (user + system)
  hwm: number; // bytes
}

/** Reads `pid`'s CPU time (`/proc/<pid>/stat`) and peak RSS (`VmHWM`). */
export function procStat(pid: number): ProcStat {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // f[0] is field 3 (state): utime is field 14, stime field 15
  const cpu = (Number(f[11]) + Number(f[12])) / CLK_TCK;
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return { cpu, hwm: m ? Number(m[1]) * 1024 : 0 };
}

/** One server process (denats or nats-server) with a client port and a monitor port. */
class Server {
  readonly child: Deno.ChildProcess;
  readonly port: number;
  readonly mport: number;
  /** `linkConf(clientPort, monitorPort)`: the conf file text that joins it to its peer. */
  constructor(bin: string, port: number, linkConf: string) {
    this.port = port;
    this.mport = freePort();
    const conf = Deno.makeTempFileSync({ prefix: "cluster_bench_", suffix: ".conf" });
    Deno.writeTextFileSync(
      conf,
      `listen: "127.0.0.1:${port}"\nhttp: "127.0.0.1:${this.mport}"\n${linkConf}\n`,
    );
    this.conf = conf;
    this.child = new Deno.Command(bin, {
      args: ["-c", conf],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  }
  readonly conf: string;
  get pid(): number {
    return this.child.pid;
  }
  async monitor<T>(path: string): Promise<T> {
    const r = await fetch(`http://127.0.0.1:${this.mport}/${path}`);
    return await r.json();
  }
  async kill(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await this.child.status;
    Deno.removeSync(this.conf);
  }
}

/** The conf lines of A and B for a topology, on the link ports `la` and `lb`. */
function linkConfs(topology: Topology, la: number, lb: number): [string, string] {
  const url = (port: number) => `nats://127.0.0.1:${port}`;
  switch (topology) {
    case "route":
      return [
        `cluster { name: bench, listen: "127.0.0.1:${la}", routes: ["${url(lb)}"] }`,
        `cluster { name: bench, listen: "127.0.0.1:${lb}", routes: ["${url(la)}"] }`,
      ];
    case "gateway":
      return [
        `gateway { name: A, listen: "127.0.0.1:${la}", gateways: [{name: B, url: "${url(lb)}"}] }`,
        `gateway { name: B, listen: "127.0.0.1:${lb}", gateways: [{name: A, url: "${url(la)}"}] }`,
      ];
    case "leaf":
      return [
        `leafnodes { remotes: [{ url: "${url(lb)}" }] }`,
        `leafnodes { listen: "127.0.0.1:${lb}" }`,
      ];
    case "hub":
      return [
        `leafnodes { listen: "127.0.0.1:${la}" }`,
        `leafnodes { remotes: [{ url: "${url(la)}" }] }`,
      ];
  }
}

/** A key naming the link between A and B once it is up on both sides, else "". */
async function linkKey(topology: Topology, a: Server, b: Server): Promise<string> {
  if (topology === "route") {
    type Routez = { server_id: string; routes: { remote_id: string; rid: number }[] };
    const [ra, rb] = await Promise.all([a.monitor<Routez>("routez"), b.monitor<Routez>("routez")]);
    const ok = ra.routes?.length === 1 && rb.routes?.length === 1 &&
      ra.routes[0].remote_id === rb.server_id && rb.routes[0].remote_id === ra.server_id;
    return ok ? `${ra.routes[0].rid}/${rb.routes[0].rid}` : "";
  }
  if (topology === "gateway") {
    type Gw = { outbound_gateways?: Record<string, { connection?: { cid: number } }> };
    type Gatewayz = Gw & { inbound_gateways?: Record<string, unknown[]> };
    const [ga, gb] = await Promise.all([
      a.monitor<Gatewayz>("gatewayz"),
      b.monitor<Gatewayz>("gatewayz"),
    ]);
    const outA = ga.outbound_gateways?.B?.connection?.cid;
    const outB = gb.outbound_gateways?.A?.connection?.cid;
    const ok = outA !== undefined && outB !== undefined &&
      ga.inbound_gateways?.B?.length === 1 && gb.inbound_gateways?.A?.length === 1;
    return ok ? `${outA}/${outB}` : "";
  }
  type Leafz = { leafs?: { port: number }[] };
  const [la, lb] = await Promise.all([a.monitor<Leafz>("leafz"), b.monitor<Leafz>("leafz")]);
  const ok = la.leafs?.length === 1 && lb.leafs?.length === 1;
  return ok ? `${la.leafs![0].port}/${lb.leafs![0].port}` : "";
}

/**
 * Two servers (A and B) of one kind, joined by `topology` on free ports, started at once.
 * `ready()` waits for the link, `usage()` reads CPU and RSS since then, `stop()` kills both.
 */
export class Cluster {
  readonly kind: string;
  readonly topology: Topology;
  readonly a: Server;
  readonly b: Server;
  base: { a: ProcStat; b: ProcStat } | null = null;
  constructor(kind: string, bin: string, topology: Topology = "route") {
    this.kind = kind;
    this.topology = topology;
    const [confA, confB] = linkConfs(topology, freePort(), freePort());
    this.a = new Server(bin, freePort(), confA);
    this.b = new Server(bin, freePort(), confB);
  }
  /** Waits until the link between A and B is up on both sides, unchanged over two polls. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let last = "";
    let stable = 0;
    while (performance.now() < deadline) {
      try {
        const key = await linkKey(this.topology, this.a, this.b);
        if (key !== "" && key === last) {
          if (++stable >= 2) {
            this.base = { a: procStat(this.a.pid), b: procStat(this.b.pid) };
            return;
          }
        } else stable = 0;
        last = key;
      } catch {
        // not listening yet
      }
      await sleep(150);
    }
    throw new Error(`${this.kind}: ${this.topology} between A and B not up within ${timeoutMs} ms`);
  }
  usage(): { cpuA: number; cpuB: number; rssA: number; rssB: number } {
    const a = procStat(this.a.pid), b = procStat(this.b.pid);
    return {
      cpuA: a.cpu - this.base!.a.cpu,
      cpuB: b.cpu - this.base!.b.cpu,
      rssA: a.hwm,
      rssB: b.hwm,
    };
  }
  async stop(): Promise<void> {
    await Promise.all([this.a.kill(), this.b.kill()]);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
