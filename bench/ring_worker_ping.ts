/**
 * @module
 * Benchmark worker for `ring_bench.ts` wake-up latency runs. The pinger writes one record
 * holding its send time, publishes, and sleeps on the reply ring; the echo worker, asleep on
 * its ring, wakes, notes the one-way delay, and writes the record back. The pinger pauses
 * `idleMs` between pings so both sides are asleep in `Atomics.waitAsync` each time. Both clocks
 * are `performance.timeOrigin + performance.now()` (epoch milliseconds with microsecond
 * precision). Runs in a Web Worker.
 */

/// <reference lib="deno.worker" />

import { RingConsumer, RingProducer } from "../server/ipc/ring.ts";

/** Starts one side of a latency run. */
export interface PingJob {
  role: "pinger" | "echo";
  /** Ring this side reads. */
  inbound: SharedArrayBuffer;
  /** Ring this side writes. */
  outbound: SharedArrayBuffer;
  count: number;
  /** Pinger: pause between pings, in milliseconds. */
  idleMs: number;
}

/** Reported when a side is done: latencies in microseconds. */
export interface PingResult {
  role: "pinger" | "echo";
  /** Pinger: round trips. Echo: one-way delays (send to wake-up). */
  micros: number[];
}

const RECORD = 8;
const scratch = new Float64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);

function now(): number {
  return performance.timeOrigin + performance.now();
}

async function ping(job: PingJob): Promise<PingResult> {
  const producer = RingProducer.attach(job.outbound);
  const consumer = RingConsumer.attach(job.inbound);
  const micros: number[] = [];
  for (let i = 0; i < job.count; i++) {
    await new Promise((resolve) => setTimeout(resolve, job.idleMs));
    const sent = now();
    scratch[0] = sent;
    producer.tryWrite(scratchBytes, 0, RECORD);
    producer.publish();
    await consumer.waitForData();
    const back = now();
    consumer.next();
    consumer.release();
    micros.push((back - sent) * 1000);
  }
  producer.close();
  return { role: "pinger", micros };
}

async function echo(job: PingJob): Promise<PingResult> {
  const producer = RingProducer.attach(job.outbound);
  const consumer = RingConsumer.attach(job.inbound);
  const micros: number[] = [];
  for (let i = 0; i < job.count; i++) {
    if (!(await consumer.waitForData())) break;
    const woke = now();
    const start = consumer.next();
    for (let k = 0; k < RECORD; k++) scratchBytes[k] = consumer.buf[start + k];
    micros.push((woke - scratch[0]) * 1000);
    producer.tryWrite(consumer.buf, start, start + RECORD);
    consumer.release();
    producer.publish();
  }
  return { role: "echo", micros };
}

self.onmessage = async (event: MessageEvent<PingJob>) => {
  const job = event.data;
  self.postMessage(job.role === "pinger" ? await ping(job) : await echo(job));
};
