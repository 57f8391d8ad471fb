/**
 * @module
 * Ring benchmarks between two real Web Workers: records per second with the tail published
 * once per record versus once per batch, and the wake-up (hop) latency of an idle consumer.
 *
 * `deno run --allow-read bench/ring_bench.ts` prints a table (records/s, latency percentiles);
 * `deno bench bench/ring_bench.ts` runs the same work as bench cases (worker start-up excluded),
 * where records/s is the record count divided by the time per iteration.
 */

import { createRing } from "../server/ipc/ring.ts";
import type { StreamJob, StreamResult } from "./ring_worker_stream.ts";
import type { PingJob, PingResult } from "./ring_worker_ping.ts";

/** Bytes of a PUB ring record for a 16-byte payload on a short subject. */
const RECORD_BYTES = 48;
const RING_BYTES = 1 << 20;

function spawn(url: string): Worker {
  return new Worker(new URL(url, import.meta.url).href, { type: "module" });
}

function reply<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<T>) => resolve(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`ring bench worker failed: ${event.message}`));
    };
  });
}

/** Two started stream workers, waiting for their jobs. */
interface StreamPair {
  producer: Worker;
  consumer: Worker;
}

function streamPair(): StreamPair {
  return {
    producer: spawn("./ring_worker_stream.ts"),
    consumer: spawn("./ring_worker_stream.ts"),
  };
}

/** Pushes `count` records through a fresh ring; returns the elapsed milliseconds. */
async function stream(pair: StreamPair, count: number, batch: number): Promise<number> {
  const sab = createRing(RING_BYTES);
  const job: StreamJob = { role: "consumer", sab, count, batch, size: RECORD_BYTES };
  const consumed = reply<StreamResult>(pair.consumer);
  const produced = reply<StreamResult>(pair.producer);
  pair.consumer.postMessage(job);
  const start = performance.now();
  pair.producer.postMessage({ ...job, role: "producer" });
  const [, received] = await Promise.all([produced, consumed]);
  const elapsed = performance.now() - start;
  if (received.records !== count) throw new Error(`received ${received.records} of ${count}`);
  return elapsed;
}

function terminate(...workers: Worker[]): void {
  for (const worker of workers) worker.terminate();
}

/** Runs `count` idle ping-pongs; returns round trips and one-way delays in microseconds. */
async function pingPong(
  count: number,
  idleMs: number,
): Promise<{ rtt: number[]; oneWay: number[] }> {
  const there = createRing(64 * 1024);
  const back = createRing(64 * 1024);
  const pinger = spawn("./ring_worker_ping.ts");
  const echo = spawn("./ring_worker_ping.ts");
  try {
    const echoed = reply<PingResult>(echo);
    const pinged = reply<PingResult>(pinger);
    const job: PingJob = { role: "echo", inbound: there, outbound: back, count, idleMs };
    echo.postMessage(job);
    pinger.postMessage({ ...job, role: "pinger", inbound: back, outbound: there });
    const [rtt, oneWay] = await Promise.all([pinged, echoed]);
    return { rtt: rtt.micros, oneWay: oneWay.micros };
  } finally {
    terminate(pinger, echo);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1];
}

async function printTable(): Promise<void> {
  const count = 2_000_000;
  console.log(`ring: ${count} records of ${RECORD_BYTES} bytes, ${RING_BYTES >> 10} KiB ring`);
  console.log("tail published every | records/s (median of 5) | best");
  for (const batch of [1, 16, 64, 256]) {
    const pair = streamPair();
    try {
      await stream(pair, 200_000, batch); // warm-up
      const rates: number[] = [];
      for (let run = 0; run < 5; run++) {
        rates.push(count / (await stream(pair, count, batch)) * 1000);
      }
      const label = batch === 1 ? "record" : `${batch} records`;
      const m = (median(rates) / 1e6).toFixed(2);
      const best = (Math.max(...rates) / 1e6).toFixed(2);
      console.log(`${label.padEnd(20)} | ${m}M`.padEnd(46) + ` | ${best}M`);
    } finally {
      terminate(pair.producer, pair.consumer);
    }
  }
  const pings = 2000;
  const { rtt, oneWay } = await pingPong(pings, 1);
  const skip = 50; // start-up
  const r = rtt.slice(skip).sort((a, b) => a - b);
  const o = oneWay.slice(skip).sort((a, b) => a - b);
  const us = (n: number) => `${n.toFixed(0)} us`;
  console.log(`idle wake-up, ${pings - skip} pings 1 ms apart (both sides asleep each time):`);
  console.log(
    `  round trip (two hops):                 p50 ${us(percentile(r, 0.5))}, ` +
      `p99 ${us(percentile(r, 0.99))}`,
  );
  console.log(
    `  one hop, round trip / 2:               p50 ${us(percentile(r, 0.5) / 2)}, ` +
      `p99 ${us(percentile(r, 0.99) / 2)}`,
  );
  console.log(
    `  one hop, cross-worker clocks:          p50 ${us(percentile(o, 0.5))}, ` +
      `p99 ${us(percentile(o, 0.99))}`,
  );
}

if (import.meta.main) {
  await printTable();
} else {
  const count = 1_000_000;
  for (const batch of [1, 256]) {
    Deno.bench({
      name: `ring: ${count} records of ${RECORD_BYTES} bytes, tail published every ${batch}`,
      group: "ring throughput",
      baseline: batch === 256,
      n: 5,
      warmup: 1,
      async fn(b) {
        const pair = streamPair();
        try {
          await stream(pair, 10_000, batch);
          b.start();
          await stream(pair, count, batch);
          b.end();
        } finally {
          terminate(pair.producer, pair.consumer);
        }
      },
    });
  }
  Deno.bench({
    name: "ring: 200 idle wake-up round trips, 1 ms apart",
    n: 3,
    warmup: 1,
    async fn() {
      await pingPong(200, 1);
    },
  });
}
