/**
 * @module
 * Where the CPU goes when a sharded server talks to a cluster: starts node A with
 * `--shards 2` (two shard workers and a route worker) and node B (one isolate) routed together,
 * publishes on B to subscribers on A, and reports each of A's threads' share of A's CPU time
 * (main isolate, shard workers, route worker) from /proc/<pid>/task.
 *
 * ```sh
 * deno run -A bench/route_worker.ts [messages]
 * ```
 */
const N = Number(Deno.args[0] ?? 1_000_000);
const root = new URL("..", import.meta.url).pathname;
const enc = new TextEncoder();
const base = 20000 + Math.floor(Math.random() * 2000);
const [portA, portB, routeA, routeB] = [base, base + 1, base + 2, base + 3];

function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const name = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/comm`).trim();
      const f = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/stat`).split(") ")[1].split(" ");
      const label = name.startsWith("worker-") ? name : name.startsWith("denats") ||
          name.startsWith("nats-server") || name === "deno"
        ? "main isolate"
        : "runtime threads";
      out.set(label, (out.get(label) ?? 0) + Number(f[11]) + Number(f[12]));
    } catch {
      // thread ended
    }
  }
  return out;
}

async function node(port: number, route: number, peer: number, extra: string[]) {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/n.conf`,
    `cluster { name: bench, listen: 127.0.0.1:${route}, routes: [nats://127.0.0.1:${peer}] }\n`,
  );
  return new Deno.Command(`${root}bin/denats`, {
    args: ["-a", "127.0.0.1", "-p", String(port), "-c", `${dir}/n.conf`, ...extra],
    stdout: "null",
    stderr: Deno.env.get("BENCH_LOGS") ? "inherit" : "null",
  }).spawn();
}

/** Writes all of `bytes` (a socket write may take only part of it). */
async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

async function dial(port: number): Promise<Deno.TcpConn> {
  for (let i = 0; i < 100; i++) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      await writeAll(c, enc.encode('CONNECT {"verbose":false}\r\n'));
      return c;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`no server on ${port}`);
}

const a = await node(portA, routeA, routeB, ["--shards", Deno.env.get("SHARDS") ?? "2"]);
const b = await node(portB, routeB, routeA, []);
try {
  const subs = [await dial(portA), await dial(portA)];
  for (const s of subs) await writeAll(s, enc.encode("SUB bench 1\r\nSUB probe 2\r\n"));
  const pub = await dial(portB);
  // Every subscriber counts its deliveries from the start; "MSG bench " only (probes apart).
  const seen = [0, 0];
  const probed = [false, false];
  const readers = subs.map(async (s, i) => {
    let tail = "";
    const text = new TextDecoder();
    const own = new Uint8Array(1 << 16);
    while (seen[i] < N) {
      const n = await s.read(own);
      if (n === null) break;
      // Keep the last bytes: a "MSG bench " split across two reads is counted once.
      const chunk = tail + text.decode(own.subarray(0, n));
      seen[i] += chunk.split("MSG bench ").length - 1;
      if (chunk.includes("MSG probe ")) probed[i] = true;
      tail = chunk.slice(-9);
    }
  });
  // Wait until both subscriptions crossed the route.
  while (!probed[0] || !probed[1]) {
    await writeAll(pub, enc.encode("PUB probe 1\r\np\r\n"));
    await new Promise((r) => setTimeout(r, 50));
  }
  const counting = Promise.all(readers);
  const before = threadTicks(a.pid);
  const t0 = performance.now();
  const batch = enc.encode("PUB bench 16\r\n0123456789abcdef\r\n".repeat(1000));
  for (let i = 0; i < N / 1000; i++) await writeAll(pub, batch);
  const done = await Promise.race([
    counting.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 60_000)),
  ]);
  if (!done || seen[0] < N || seen[1] < N) {
    throw new Error(`not every message arrived within 60 s: ${seen.join(", ")} of ${N}`);
  }
  const ms = performance.now() - t0;
  const after = threadTicks(a.pid);
  let total = 0;
  const rows: [string, number][] = [];
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    total += d;
    rows.push([k, d]);
  }
  console.log(`${N} messages B -> A (2 subscribers on A): ${Math.round(N / (ms / 1000))} msgs/s`);
  console.log(`node A CPU ${(total / 100).toFixed(2)} s:`);
  for (const [k, d] of rows.sort()) {
    console.log(`  ${k.padEnd(16)} ${(d / 100).toFixed(2)} s  ${(100 * d / total).toFixed(0)}%`);
  }
  for (const c of [...subs, pub]) c.close();
} finally {
  a.kill("SIGINT");
  b.kill("SIGINT");
  await a.status;
  await b.status;
}
