/**
 * @module
 * Memory and latency under hostile load, nats-server vs denats in the same run: each server is
 * started alone on free loopback ports, then for each scenario (flood, garbage, mixed) a fresh
 * server gets the load (hostile_scenarios.ts) for `--duration` seconds while a probe times a
 * request/reply every 50 ms and `/proc/<pid>/status` is sampled; after the load the script waits
 * `--after` seconds and samples RSS again. Prints one table per scenario with both servers and
 * the denats/nats-server ratios. Runs with `deno run -A bench/hostile_load.ts` (Linux only).
 */
import {
  deadline,
  type Endpoint,
  procMemory,
  runFlood,
  runGarbage,
  runProbe,
  sampleRss,
  sleep,
} from "./hostile_scenarios.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SCENARIOS = ["flood", "garbage", "mixed"] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Options {
  duration: number; // seconds of load
  after: number; // seconds to wait after the load before the last RSS sample
  workers: number; // garbage loops
  only: Scenario[];
  servers: string[];
  denats: string;
  natsServer: string;
}

const USAGE = `usage: deno run -A bench/hostile_load.ts [options]
  --duration S     seconds of load per scenario (default 20)
  --after S        seconds to wait after the load before sampling RSS again (default 60)
  --workers N      concurrent garbage loops (default 8)
  --only LIST      scenarios, comma-separated: flood,garbage,mixed (default all)
  --servers LIST   nats-server,denats (default both, in that order)
  --denats PATH    denats command (default bin/denats)
  --nats-server P  nats-server binary (default /usr/sbin/nats-server)`;

function parseArgs(args: string[]): Options {
  const o: Options = {
    duration: 20,
    after: 60,
    workers: 8,
    only: [...SCENARIOS],
    servers: ["nats-server", "denats"],
    denats: `${ROOT}bin/denats`,
    natsServer: "/usr/sbin/nats-server",
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = () => args[++i] ?? usage(`${a} needs a value`);
    const num = () => {
      const x = Number(v());
      return Number.isFinite(x) && x >= 0 ? x : usage(`${a}: not a number`);
    };
    if (a === "--duration") o.duration = num();
    else if (a === "--after") o.after = num();
    else if (a === "--workers") o.workers = num();
    else if (a === "--only") o.only = v().split(",") as Scenario[];
    else if (a === "--servers") o.servers = v().split(",");
    else if (a === "--denats") o.denats = v();
    else if (a === "--nats-server") o.natsServer = v();
    else usage(a === "--help" || a === "-h" ? "" : `unknown option ${a}`);
  }
  for (const s of o.only) if (!SCENARIOS.includes(s)) usage(`unknown scenario ${s}`);
  return o;
}

function usage(msg: string): never {
  if (msg) console.error(msg);
  console.error(USAGE);
  Deno.exit(msg ? 2 : 0);
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** One server process listening on loopback. */
class Server {
  readonly child: Deno.ChildProcess;
  readonly ep: Endpoint;
  constructor(bin: string) {
    this.ep = { hostname: "127.0.0.1", port: freePort() };
    this.child = new Deno.Command(bin, {
      args: ["-a", "127.0.0.1", "-p", String(this.ep.port), "-m", String(freePort())],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  }
  get pid(): number {
    return this.child.pid;
  }
  /** Waits for the INFO line of a first connection. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const end = performance.now() + timeoutMs;
    while (performance.now() < end) {
      try {
        const c = await Deno.connect(this.ep);
        const n = await c.read(new Uint8Array(4096));
        c.close();
        if (n !== null && n > 0) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`server on port ${this.ep.port} not up within ${timeoutMs} ms`);
  }
  async stop(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await this.child.status;
  }
}

/** Figures of one scenario against one server (MB and ms). */
interface Row {
  idle: number;
  p50: number;
  p99: number;
  max: number;
  probes: number;
  lost: number;
  peak: number; // VmHWM at the end of the load
  atEnd: number; // VmRSS when the load stopped
  after: number; // VmRSS `--after` seconds later
  handled: number; // hostile connections
  cut: number; // flood subscribers cut
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function runScenario(bin: string, scenario: Scenario, o: Options): Promise<Row> {
  const server = new Server(bin);
  try {
    await server.ready();
    await sleep(500);
    const idle = procMemory(server.pid).rss;
    const load = deadline(o.duration * 1000);
    const rss = sampleRss(server.pid, load.done);
    const probe = runProbe(server.ep, load.done);
    const flood = scenario !== "garbage" ? runFlood(server.ep, load.done) : null;
    const garbage = scenario !== "flood" ? runGarbage(server.ep, load.done, o.workers) : null;
    const [peakSample, fl, ga] = await Promise.all([rss, flood, garbage]);
    const atEnd = procMemory(server.pid);
    const pr = await probe;
    if (o.after > 0) await sleep(o.after * 1000);
    const after = procMemory(server.pid).rss;
    const lat = pr.latencies.sort((a, b) => a - b);
    return {
      idle,
      p50: quantile(lat, 0.5),
      p99: quantile(lat, 0.99),
      max: lat.at(-1) ?? NaN,
      probes: pr.sent,
      lost: pr.lost,
      peak: Math.max(atEnd.hwm, peakSample),
      atEnd: atEnd.rss,
      after,
      handled: ga?.handled ?? 0,
      cut: fl?.cut ?? 0,
    };
  } finally {
    await server.stop();
  }
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "-");
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "-");

function printTable(scenario: Scenario, rows: Map<string, Row>): void {
  const cols = [
    ["probe p50 ms", (r: Row) => f1(r.p50)],
    ["probe p99 ms", (r: Row) => f1(r.p99)],
    ["probe max ms", (r: Row) => f1(r.max)],
    ["probes (lost)", (r: Row) => `${r.probes} (${r.lost})`],
    ["idle RSS MB", (r: Row) => f0(r.idle)],
    ["peak RSS MB", (r: Row) => f0(r.peak)],
    ["RSS at end MB", (r: Row) => f0(r.atEnd)],
    ["RSS after MB", (r: Row) => f0(r.after)],
    ["hostile conns", (r: Row) => String(r.handled)],
    ["subs cut", (r: Row) => String(r.cut)],
  ] as const;
  const names = [...rows.keys()];
  console.log(`\n${scenario}`);
  console.log(["", ...names].map((s) => s.padStart(14)).join(" "));
  for (const [label, get] of cols) {
    console.log(
      [label, ...names.map((n) => get(rows.get(n)!))].map((s) => s.padStart(14)).join(" "),
    );
  }
  const n = rows.get("nats-server"), d = rows.get("denats");
  if (!n || !d) return;
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) + "x" : "-");
  const afterLimit = Math.max(n.after, 2 * d.idle);
  console.log(
    `ratios denats/nats-server: p99 ${ratio(d.p99, n.p99)} (target <= 3x or <= 10 ms),` +
      ` peak RSS ${ratio(d.peak, n.peak)} (<= 1.5x),` +
      ` RSS after ${f0(d.after)} MB vs limit ${f0(afterLimit)} MB,` +
      (scenario === "flood" ? "" : ` hostile conns ${ratio(d.handled, n.handled)} (>= 0.8x)`),
  );
}

async function main(): Promise<void> {
  const o = parseArgs(Deno.args);
  const bins: Record<string, string> = { "nats-server": o.natsServer, denats: o.denats };
  console.log(
    `hostile_load: ${o.duration} s load, ${o.workers} garbage loops, RSS again after ${o.after} s`,
  );
  for (const scenario of o.only) {
    const rows = new Map<string, Row>();
    for (const name of o.servers) {
      if (!bins[name]) usage(`unknown server ${name}`);
      rows.set(name, await runScenario(bins[name], scenario, o));
    }
    printTable(scenario, rows);
  }
}

if (import.meta.main) await main();
