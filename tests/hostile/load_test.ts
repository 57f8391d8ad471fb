/**
 * @module
 * The hostile-load benchmark's scenarios (bench/hostile_scenarios.ts), short and small, against
 * denats as a child process (so RSS is the server's alone) and nats-server when installed: a
 * flood to a subscriber that never reads (stalled at half `max_pending`, never holding more than
 * one message over `max_pending`), garbage connections, and both at once. Each asserts the server
 * stays up, every probe request is answered, and the probe's p99 latency and the RSS stay under
 * bounds chosen from measurements with a wide margin (the machine is shared and noisy: inside the
 * parallel test run probe p99 measured 56-212 ms on both servers, alone 4-65 ms; a read loop
 * that held the event loop under a flood measured 232-401 ms alone).
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import {
  deadline,
  type Endpoint,
  type ProbeResult,
  runFlood,
  runGarbage,
  runProbe,
  sleep,
} from "../../bench/hostile_scenarios.ts";
import { assertServing, type HostileKind, type HostileTarget, report } from "./_servers.ts";
import { startDenatsProcess, startNatsServer } from "./_servers.ts";
import { natsServerAvailable } from "../helpers/spawn_server.ts";

const SECONDS = 4;
const WORKERS = 4;
/** 256 KiB: small enough that the flood's subscriber is cut within the run. */
const MAX_PENDING = 256 * 1024;
/** One flood message as delivered: `MSG flood 1 128\r\n` + 128 bytes + CRLF. */
const FLOOD_FRAME = "MSG flood 1 128\r\n".length + 128 + 2;
/** Probe p99 bound, ms: several times what either server measured inside the parallel suite. */
const PROBE_P99_BOUND_MS = 750;
/**
 * Peak RSS bound, MB. Measured on the shared 2-core machine with these settings: denats 73 to
 * 143 (idle about 56), nats-server 17 to 181 (the garbage case: closed-connection records with
 * 2,000 subscriptions each). The bound leaves room for a loaded machine and GC timing; a leak
 * per hostile connection or an unbounded pending queue goes far past it. nats-server keeps more
 * per closed connection (it reached 329 and 409 MB in runs alone), so its bound is wider: the
 * reference is checked for staying up, not held to denats' figure.
 */
const RSS_BOUND_MB = 400;
const NATS_SERVER_RSS_BOUND_MB = 800;

const kinds: HostileKind[] = [{ name: "denats process", start: startDenatsProcess }];
if (natsServerAvailable()) kinds.push({ name: "nats-server", start: startNatsServer });
else console.warn("tests/hostile: nats-server not found; load cases run against denats only");

function endpoint(t: HostileTarget): Endpoint {
  return { hostname: t.host, port: t.port };
}

interface PendingWatch {
  max: number;
  samples: number;
}

/** Polls `/connz` for the flood subscriber's `pending_bytes` until `stop`. */
async function watchPending(t: HostileTarget, stop: Promise<void>): Promise<PendingWatch> {
  const w: PendingWatch = { max: 0, samples: 0 };
  let stopped = false;
  stop.then(() => (stopped = true));
  while (!stopped) {
    try {
      const res = await fetch(`${t.monitorUrl}/connz?subs=1&limit=1000`);
      const body = await res.json() as {
        connections?: { pending_bytes?: number; subscriptions_list?: string[] }[];
      };
      for (const c of body.connections ?? []) {
        if (!c.subscriptions_list?.includes("flood")) continue;
        w.max = Math.max(w.max, c.pending_bytes ?? 0);
        w.samples++;
      }
    } catch {
      // monitoring busy: the next poll
    }
    await Promise.race([sleep(25), stop]);
  }
  return w;
}

function probeFigures(p: ProbeResult): Record<string, number> {
  const lat = [...p.latencies].sort((a, b) => a - b);
  const q = (x: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(x * lat.length))]);
  return { probes: p.sent, lost: p.lost, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: q(1) };
}

/** The highest `VmRSS` of the server process sampled every 100 ms until `stop`, MB. */
async function peakRss(t: HostileTarget, stop: Promise<void>): Promise<number> {
  let stopped = false;
  stop.then(() => (stopped = true));
  let peak = await t.rssMb();
  while (!stopped) {
    await Promise.race([sleep(100), stop]);
    peak = Math.max(peak, await t.rssMb());
  }
  return peak;
}

for (const kind of kinds) {
  for (const scenario of ["flood", "garbage", "mixed"] as const) {
    Deno.test(
      `${kind.name}: ${scenario} load for ${SECONDS}s leaves the server up, every probe answered and RSS bounded`,
      async () => {
        await using t = await kind.start(`max_payload: 65536\nmax_pending: ${MAX_PENDING}\n`);
        const ep = endpoint(t);
        const rssIdle = await t.rssMb();
        const load = deadline(SECONDS * 1000);
        const [peak, probe, flood, garbage, pending] = await Promise.all([
          peakRss(t, load.done),
          runProbe(ep, load.done),
          scenario === "garbage" ? null : runFlood(ep, load.done),
          scenario === "flood" ? null : runGarbage(ep, load.done, WORKERS),
          scenario === "garbage" ? null : watchPending(t, load.done),
        ]);
        const varz = await t.varz();
        const figures = probeFigures(probe);
        report(kind, `${scenario} ${SECONDS}s`, {
          ...figures,
          rssIdleMb: Math.round(rssIdle),
          rssPeakMb: Math.round(peak),
          hostileConnections: garbage?.handled,
          floodCuts: flood?.cut,
          slowConsumers: varz.slow_consumers,
          maxPendingSeen: pending?.max,
        });
        await assertServing(t);
        assert.equal(probe.lost, 0, `${probe.lost} of ${probe.sent} probe requests unanswered`);
        assert.ok(probe.sent >= 10, `only ${probe.sent} probes sent`);
        assert.ok(
          figures.p99Ms < PROBE_P99_BOUND_MS,
          `probe p99 ${figures.p99Ms} ms (bound ${PROBE_P99_BOUND_MS} ms)`,
        );
        const bound = kind.name.startsWith("denats") ? RSS_BOUND_MB : NATS_SERVER_RSS_BOUND_MB;
        assert.ok(peak < bound, `peak RSS ${peak} MB (bound ${bound} MB)`);
        if (garbage) assert.ok(garbage.handled > 0, "no hostile connection was handled");
        if (flood) {
          // Both servers stall the publisher at half max_pending (client.go queueOutbound), so
          // within a short run the subscriber may or may not be cut; it never holds more than
          // max_pending plus the message that tips it over.
          assert.ok(
            pending!.max <= MAX_PENDING + FLOOD_FRAME,
            `pending_bytes ${pending!.max} > max_pending ${MAX_PENDING} + one message`,
          );
        }
      },
    );
  }
}
