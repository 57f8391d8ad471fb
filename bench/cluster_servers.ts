/**
 * @module
 * The server side of the cluster benchmark (cluster.ts): launches a 2-node cluster of one binary
 * (denats or nats-server) on free local ports, waits until the route is up on both sides via
 * `/routez`, and reads the servers' CPU time and peak RSS from `/proc`. Runs in the benchmark's
 * `deno run -A` process (Linux only).
 */

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

/** One server process (denats or nats-server) with a cluster port and a monitor port. */
class Server {
  readonly child: Deno.ChildProcess;
  readonly port: number;
  readonly mport: number;
  constructor(bin: string, port: number, cport: number, otherCport: number) {
    this.port = port;
    this.mport = freePort();
    this.child = new Deno.Command(bin, {
      args: [
        "-a",
        "127.0.0.1",
        "-p",
        String(port),
        "-m",
        String(this.mport),
        "--cluster",
        `nats://127.0.0.1:${cport}`,
        "--routes",
        `nats://127.0.0.1:${otherCport}`,
        "--cluster_name",
        "bench",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  }
  get pid(): number {
    return this.child.pid;
  }
  async routez(): Promise<{ server_id: string; routes: { remote_id: string; rid: number }[] }> {
    const r = await fetch(`http://127.0.0.1:${this.mport}/routez`);
    return await r.json();
  }
  async kill(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await this.child.status;
  }
}

/**
 * Two servers (A and B) of one kind, routed to each other on free ports, started at once.
 * `ready()` waits for the route, `usage()` reads CPU and RSS since then, `stop()` kills both.
 */
export class Cluster {
  readonly kind: string;
  readonly a: Server;
  readonly b: Server;
  base: { a: ProcStat; b: ProcStat } | null = null;
  constructor(kind: string, bin: string) {
    this.kind = kind;
    const ca = freePort(), cb = freePort();
    this.a = new Server(bin, freePort(), ca, cb);
    this.b = new Server(bin, freePort(), cb, ca);
  }
  /** Waits until each server has exactly one route, to the other, unchanged over two polls. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let last = "";
    let stable = 0;
    while (performance.now() < deadline) {
      try {
        const [ra, rb] = await Promise.all([this.a.routez(), this.b.routez()]);
        const ok = ra.routes?.length === 1 && rb.routes?.length === 1 &&
          ra.routes[0].remote_id === rb.server_id && rb.routes[0].remote_id === ra.server_id;
        const key = ok ? `${ra.routes[0].rid}/${rb.routes[0].rid}` : "";
        if (ok && key === last) {
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
    throw new Error(`${this.kind}: route between A and B not up within ${timeoutMs} ms`);
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
