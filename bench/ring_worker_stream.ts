/**
 * @module
 * Benchmark worker for `ring_bench.ts` throughput runs: as the producer it writes `count`
 * records of `size` bytes and publishes the tail once per `batch` records; as the consumer it
 * drains them (reading each record's first and last byte). Runs in a Web Worker.
 */

/// <reference lib="deno.worker" />

import { type RecordSink, RingConsumer, RingProducer } from "../server/ipc/ring.ts";

/** Starts one side of a throughput run. */
export interface StreamJob {
  role: "producer" | "consumer";
  sab: SharedArrayBuffer;
  count: number;
  /** Producer: records per tail publication. */
  batch: number;
  /** Producer: bytes per record. */
  size: number;
}

/** Reported when a side is done. */
export interface StreamResult {
  role: "producer" | "consumer";
  records: number;
  /** Producer: times the ring was full. Consumer: times it slept waiting for data. */
  waits: number;
  /** Consumer: sum of bytes read, so the reads are not optimized away. */
  touched: number;
}

async function produce(job: StreamJob): Promise<StreamResult> {
  const producer = RingProducer.attach(job.sab);
  const buf = producer.buf;
  const size = job.size;
  const batch = job.batch;
  let waits = 0;
  let open = 0;
  for (let seq = 0; seq < job.count; seq++) {
    let at = producer.tryReserve(size);
    while (at < 0) {
      waits++;
      await producer.waitForSpace(size);
      at = producer.tryReserve(size);
    }
    buf[at] = seq;
    buf[at + size - 1] = seq >>> 8;
    producer.commit(size);
    if (++open === batch) {
      producer.publish();
      open = 0;
    }
  }
  producer.publish();
  return { role: "producer", records: job.count, waits, touched: 0 };
}

class TouchingSink implements RecordSink {
  records = 0;
  touched = 0;
  onRecord(buf: Uint8Array, start: number, end: number): void {
    this.touched += buf[start] + buf[end - 1];
    this.records++;
  }
}

async function consume(job: StreamJob): Promise<StreamResult> {
  const consumer = RingConsumer.attach(job.sab);
  const sink = new TouchingSink();
  let waits = 0;
  while (sink.records < job.count) {
    if (!consumer.hasData) waits++;
    if (!(await consumer.waitForData())) break;
    consumer.drain(sink);
  }
  return { role: "consumer", records: sink.records, waits, touched: sink.touched };
}

self.onmessage = async (event: MessageEvent<StreamJob>) => {
  const job = event.data;
  self.postMessage(job.role === "producer" ? await produce(job) : await consume(job));
};
