/**
 * @module
 * Where a sharded server's CPU goes: starts `bin/denats --shards N` with monitoring, runs
 * natsbench multi-connection scenarios several times (fresh server each run, so connections
 * land on workers anew), and reports for each run which worker got which connection (from the
 * `shard` field of `/connz`), the delivered rate, and the CPU of every thread of the process
 * (from /proc): the main isolate, each worker isolate, V8's helper threads (GC, compiler) and
 * the runtime's I/O threads. Linux only.
 *
 * ```sh
 * deno run -A bench/shard_cpu.ts [--shards 2] [--runs 5] [--only pubsub2x2,fan2x4]
 * ```
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    shards: { type: "string", default: "2" },
    runs: { type: "string", default: "5" },
    only: { type: "string", default: "" },
  },
});
const SHARDS = Number(values.shards);
const RUNS = Number(values.runs);
const root = new URL("..", import.meta.url).pathname;
const natsbench = Deno.env.get("NATSBENCH") ?? `${root}../shared/natsbench/natsbench`;

/** Scenarios of `bench/compare.sh --multi` with more than one client connection (same arguments). */
const SCENARIOS: Record<string, string[]> = {
  pubsub1x4: ["pubsub", "-z", "128", "-S", "4", "-n", "2000000"],
  queue1x4: ["queue", "-z", "128", "-S", "4", "-n", "3000000"],
  pubsub2x2: ["pubsub", "-z", "16", "-p", "2", "-S", "2", "-n", "4000000"],
  pub2sub2: ["pubsub", "-z", "128", "-p", "2", "-S", "2", "-n", "3000000"],
  fan2x4: ["pubsub", "-z", "128", "-p", "2", "-S", "4", "-n", "2000000"],
  pub16x2: ["pub", "-z", "16", "-p", "2", "-n", "20000000"],
};

/** CPU time (1/100 s) of every thread of `pid`, by thread name (names repeat: summed). */
function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/stat`);
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]);
      const group = /^worker-\d+$/.test(name)
        ? name
        : name.startsWith("V8 ")
        ? "v8 helpers"
        : name.startsWith("tokio")
        ? "io threads"
        : "main";
      out.set(group, (out.get(group) ?? 0) + ticks);
    } catch {
      // the thread ended
    }
  }
  return out;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await new Deno.Command(natsbench, {
      args: ["ping", "-s", `nats://127.0.0.1:${port}`, "-t", "5"],
      stdout: "null",
      stderr: "null",
    }).output();
    if (r.success) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("server did not start");
}

/** Placement as `W0:pub0,sub1 | W1:...` from /connz. */
async function placement(httpPort: number): Promise<string> {
  const connz = await (await fetch(`http://127.0.0.1:${httpPort}/connz`)).json();
  const by = new Map<number, string[]>();
  for (const c of connz.connections as { name?: string; shard?: number }[]) {
    if (!c.name?.startsWith("natsbench-") || c.shard === undefined) continue;
    const list = by.get(c.shard) ?? [];
    list.push(c.name.slice("natsbench-".length).replace("-", ""));
    by.set(c.shard, list);
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0])
    .map(([w, names]) => `W${w}:${names.sort().join(",")}`).join(" | ");
}

async function run(name: string, args: string[]): Promise<void> {
  const port = freePort();
  const httpPort = freePort();
  const server = new Deno.Command(`${root}bin/denats`, {
    args: [
      "-a",
      "127.0.0.1",
      "-p",
      String(port),
      "-m",
      String(httpPort),
      "--shards",
      String(SHARDS),
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await waitReady(port);
    const before = threadTicks(server.pid);
    const bench = new Deno.Command(natsbench, {
      args: [...args, "-s", `nats://127.0.0.1:${port}`, "-d", "10", "-q"],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const where = await placement(httpPort);
    const result = JSON.parse(new TextDecoder().decode((await bench.output()).stdout));
    const after = threadTicks(server.pid);
    const rate = result.sub_msgs_per_s || result.pub_msgs_per_s;
    const seconds = result.elapsed_s as number;
    const cpu = [...after.entries()].sort().map(([group, ticks]) => {
      const pct = Math.round((ticks - (before.get(group) ?? 0)) / seconds);
      return `${group} ${pct}%`;
    });
    console.log(
      `${name.padEnd(9)} ${Math.round(rate).toLocaleString("en-US").padStart(10)} msgs/s  ` +
        `client ${Math.round(result.client_cpu_pct)}%  ${cpu.join(", ")}  [${where}]`,
    );
  } finally {
    server.kill("SIGTERM");
    await server.status;
  }
}

const only = values.only ? values.only.split(",") : Object.keys(SCENARIOS);
console.log(`bin/denats --shards ${SHARDS}, ${RUNS} runs per scenario (CPU: % of one core)`);
for (const name of only) {
  if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name}`);
  for (let i = 0; i < RUNS; i++) await run(name, SCENARIOS[name]);
}
