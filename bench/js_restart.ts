/**
 * @module
 * Restart time of a JetStream file stream, nats-server vs denats in the same run: each server
 * gets a fresh store directory and a stream `BENCH` (`bench.>`, file storage) filled with
 * `--n` messages (default 1,000,000) of `--size` bytes on 100 subjects, published with acks.
 * Then the server is stopped cleanly (SIGTERM) and started again, and later killed (SIGKILL)
 * and started again; each restart is timed from the spawn to the first `STREAM.INFO` reply that
 * shows every message (and, for comparison, to the first INFO line of a client connection).
 * A server started on an empty store is timed the same way, as the process start-up baseline,
 * once before and once after the restarts (the first start of a run is often the slowest: cold
 * caches); the time spent recovering the stream is a restart minus the lower of the two.
 * Memory: the server's peak RSS (VmHWM of /proc/<pid>/status) after the fill and once the stream
 * is ready after each restart, and its RSS at those points (VmRSS).
 *
 * Usage: deno run -A bench/js_restart.ts [--n 1000000] [--size 128] [--servers nats-server,denats]
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";

const ROOT = new URL("..", import.meta.url).pathname;

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : fallback;
}

const n = Number(arg("n", "1000000"));
const size = Number(arg("size", "128"));
const servers = arg("servers", "nats-server,denats").split(",");
const BINS: Record<string, string> = {
  "nats-server": arg("nats-server", "/usr/sbin/nats-server"),
  denats: arg("denats", `${ROOT}bin/denats`),
};

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One server process on a store directory. */
class Proc {
  readonly child: Deno.ChildProcess;
  readonly startedAt = performance.now();
  constructor(bin: string, readonly port: number, dir: string) {
    this.child = new Deno.Command(bin, {
      args: ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", dir],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  }
  /** Peak and current RSS in MB (VmHWM, VmRSS of /proc/<pid>/status). */
  memory(): { peak: number; rss: number } {
    const status = Deno.readTextFileSync(`/proc/${this.child.pid}/status`);
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { peak: kb("VmHWM") / 1024, rss: kb("VmRSS") / 1024 };
  }
  async stop(signal: "SIGTERM" | "SIGKILL"): Promise<void> {
    this.child.kill(signal);
    await this.child.status;
  }
}

/** Milliseconds from the spawn to the first INFO line a client receives. */
async function untilInfo(p: Proc, timeoutMs = 600_000): Promise<number> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port: p.port });
      const got = await c.read(new Uint8Array(4096));
      c.close();
      if (got !== null && got > 0) return performance.now() - p.startedAt;
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  throw new Error("server did not start");
}

/** Milliseconds from the spawn to a `STREAM.INFO` reply with `messages` messages. */
async function untilStream(p: Proc, messages: number, timeoutMs = 600_000): Promise<number> {
  const end = performance.now() + timeoutMs;
  let nc: NatsConnection | null = null;
  while (performance.now() < end) {
    try {
      nc ??= await connect({ port: p.port, reconnect: false });
      const jsm = await jetstreamManager(nc, { timeout: 1000 });
      const si = await jsm.streams.info("BENCH");
      if (si.state.messages === messages) {
        const ms = performance.now() - p.startedAt;
        await nc.close();
        return ms;
      }
    } catch {
      // JetStream not up yet (no responders, timeout) or the stream still loading
    }
    await sleep(5);
  }
  await nc?.close();
  throw new Error(`stream BENCH did not show ${messages} messages`);
}

async function fill(port: number): Promise<number> {
  const nc = await connect({ port });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "BENCH", subjects: ["bench.>"], storage: "file" as never });
  const js = jetstream(nc);
  const payload = new Uint8Array(size).fill(7);
  const t = performance.now();
  const WINDOW = 2000;
  let pending: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    pending.push(js.publish(`bench.${i % 100}`, payload));
    if (pending.length === WINDOW) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  const ms = performance.now() - t;
  await nc.close();
  return ms;
}

interface Row {
  emptyInfo: number;
  emptyReady: number;
  emptyAgain: number;
  fillS: number;
  storeMb: number;
  cleanInfo: number;
  cleanReady: number;
  crashInfo: number;
  crashReady: number;
  fillMem: { peak: number; rss: number };
  cleanMem: { peak: number; rss: number };
  crashMem: { peak: number; rss: number };
}

function duSync(dir: string): number {
  let bytes = 0;
  for (const e of Deno.readDirSync(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) bytes += duSync(path);
    else if (e.isFile) bytes += Deno.statSync(path).size;
  }
  return bytes;
}

async function measure(bin: string): Promise<Row> {
  const dir = Deno.makeTempDirSync({ prefix: "js_restart_" });
  const port = freePort();
  try {
    // Baseline: JetStream on an empty store.
    const empty = async (sub: string) => {
      const p = new Proc(bin, port, `${dir}/${sub}`);
      const info = await untilInfo(p);
      const nc = await connect({ port });
      const t = performance.now();
      await (await jetstreamManager(nc)).getAccountInfo();
      const ready = info + (performance.now() - t);
      await nc.close();
      await p.stop("SIGTERM");
      return [info, ready];
    };
    const [emptyInfo, emptyReady] = await empty("empty");
    let p = new Proc(bin, port, `${dir}/store`);
    await untilInfo(p);
    const fillMs = await fill(port);
    await untilStream(p, n);
    const fillMem = p.memory();
    await p.stop("SIGTERM");
    const storeMb = duSync(`${dir}/store`) / 1e6;

    p = new Proc(bin, port, `${dir}/store`);
    const [cleanInfo, cleanReady] = await Promise.all([untilInfo(p), untilStream(p, n)]);
    const cleanMem = p.memory();
    await p.stop("SIGKILL");

    p = new Proc(bin, port, `${dir}/store`);
    const [crashInfo, crashReady] = await Promise.all([untilInfo(p), untilStream(p, n)]);
    const crashMem = p.memory();
    await p.stop("SIGTERM");
    const [, emptyAgain] = await empty("empty-again");
    return {
      emptyInfo,
      emptyReady,
      emptyAgain,
      fillS: fillMs / 1000,
      storeMb,
      cleanInfo,
      cleanReady,
      crashInfo,
      crashReady,
      fillMem,
      cleanMem,
      crashMem,
    };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const rows = new Map<string, Row>();
for (const name of servers) {
  console.error(`${name}: filling ${n} messages of ${size} bytes and restarting...`);
  rows.set(name, await measure(BINS[name]));
}
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (m: { peak: number; rss: number }) => `${m.peak.toFixed(0)}/${m.rss.toFixed(0)} MB`;
const lines: [string, (r: Row) => string][] = [
  ["empty store: first INFO", (r) => s(r.emptyInfo)],
  ["empty store: JetStream answers", (r) => s(r.emptyReady)],
  ["empty store again: JS answers", (r) => s(r.emptyAgain)],
  ["fill (acked publishes)", (r) => `${r.fillS.toFixed(1)} s`],
  ["store size on disk", (r) => `${r.storeMb.toFixed(0)} MB`],
  ["after SIGTERM: first INFO", (r) => s(r.cleanInfo)],
  ["after SIGTERM: stream ready", (r) => s(r.cleanReady)],
  ["after SIGKILL: first INFO", (r) => s(r.crashInfo)],
  ["after SIGKILL: stream ready", (r) => s(r.crashReady)],
  ["recovery after SIGTERM", (r) => s(r.cleanReady - Math.min(r.emptyReady, r.emptyAgain))],
  ["recovery after SIGKILL", (r) => s(r.crashReady - Math.min(r.emptyReady, r.emptyAgain))],
  ["peak/current RSS after fill", (r) => mb(r.fillMem)],
  ["peak/current RSS, SIGTERM start", (r) => mb(r.cleanMem)],
  ["peak/current RSS, SIGKILL start", (r) => mb(r.crashMem)],
];
console.log(`restart of a ${n}-message file stream (${size}-byte payloads, 100 subjects)`);
console.log(`${"".padEnd(32)}${servers.map((x) => x.padStart(14)).join("")}`);
for (const [label, f] of lines) {
  console.log(`${label.padEnd(32)}${servers.map((x) => f(rows.get(x)!).padStart(14)).join("")}`);
}
const a = rows.get("nats-server"), b = rows.get("denats");
if (a && b) {
  console.log(
    `ratios denats/nats-server, stream ready: after SIGTERM ${
      (b.cleanReady / a.cleanReady).toFixed(2)
    }x, after SIGKILL ${(b.crashReady / a.crashReady).toFixed(2)}x (target <= 1.0x)`,
  );
}
