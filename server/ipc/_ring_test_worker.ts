/**
 * @module
 * Test worker for `ring_test.ts`: one end of a ring in its own isolate. As the producer it
 * writes `count` records of varying sizes (sequence number first, then bytes derived from it)
 * and publishes once per `batch` records; as the consumer it checks every sequence number and
 * size. Both return a checksum of every byte they wrote or read. Runs in a Web Worker.
 */

/// <reference lib="deno.worker" />

import { type RecordSink, RingConsumer, RingProducer } from "./ring.ts";

/** What the test sends to start a worker. */
export interface RingTestJob {
  role: "producer" | "consumer";
  sab: SharedArrayBuffer;
  count: number;
  batch: number;
  /** Largest record size (sizes above are clipped to it). */
  maxSize: number;
}

/** What a worker answers when done. */
export interface RingTestResult {
  role: "producer" | "consumer";
  records: number;
  bytes: number;
  checksum: number;
  /** Producer: times it waited for space. Consumer: times it waited for data. */
  waits: number;
  /** Consumer: the first error found, or "". */
  error: string;
}

/** Size of record `seq`: 4 to 203 bytes, and 3,000 every 997th record; at most `maxSize`. */
export function recordSize(seq: number, maxSize: number): number {
  const size = seq % 997 === 0 ? 3000 : 4 + ((Math.imul(seq, 0x9e3779b1) >>> 24) % 200);
  return size < maxSize ? size : maxSize;
}

function checksumStep(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 16777619);
}

async function produce(job: RingTestJob): Promise<RingTestResult> {
  const producer = RingProducer.attach(job.sab);
  const buf = producer.buf;
  let hash = 0x811c9dc5 | 0;
  let bytes = 0;
  let waits = 0;
  let sinceBatch = 0;
  for (let seq = 0; seq < job.count; seq++) {
    const size = recordSize(seq, job.maxSize);
    let at = producer.tryReserve(size);
    while (at < 0) {
      waits++;
      await producer.waitForSpace(size);
      at = producer.tryReserve(size);
    }
    buf[at] = seq;
    buf[at + 1] = seq >>> 8;
    buf[at + 2] = seq >>> 16;
    buf[at + 3] = seq >>> 24;
    for (let i = 4; i < size; i++) buf[at + i] = (seq + i * 7) & 255;
    for (let i = 0; i < size; i++) hash = checksumStep(hash, buf[at + i]);
    producer.commit(size);
    bytes += size;
    if (++sinceBatch === job.batch) {
      producer.publish();
      sinceBatch = 0;
    }
  }
  producer.publish();
  return { role: "producer", records: job.count, bytes, checksum: hash, waits, error: "" };
}

class CheckingSink implements RecordSink {
  readonly maxSize: number;
  expected = 0;
  bytes = 0;
  hash = 0x811c9dc5 | 0;
  error = "";

  constructor(maxSize: number) {
    this.maxSize = maxSize;
  }

  onRecord(buf: Uint8Array, start: number, end: number): void {
    const seq = (buf[start] | (buf[start + 1] << 8) | (buf[start + 2] << 16) |
      (buf[start + 3] << 24)) >>> 0;
    if (this.error === "") {
      if (seq !== this.expected) this.error = `record ${this.expected}: got sequence ${seq}`;
      else if (end - start !== recordSize(seq, this.maxSize)) {
        this.error = `record ${seq}: ${end - start} bytes, expected ${
          recordSize(seq, this.maxSize)
        }`;
      }
    }
    let hash = this.hash;
    for (let i = start; i < end; i++) hash = checksumStep(hash, buf[i]);
    this.hash = hash;
    this.bytes += end - start;
    this.expected++;
  }
}

async function consume(job: RingTestJob): Promise<RingTestResult> {
  const consumer = RingConsumer.attach(job.sab);
  const sink = new CheckingSink(job.maxSize);
  let waits = 0;
  while (sink.expected < job.count) {
    if (!consumer.hasData) waits++;
    if (!(await consumer.waitForData())) break;
    consumer.drain(sink);
  }
  return {
    role: "consumer",
    records: sink.expected,
    bytes: sink.bytes,
    checksum: sink.hash,
    waits,
    error: sink.error,
  };
}

self.onmessage = async (event: MessageEvent<RingTestJob>) => {
  const job = event.data;
  const result = job.role === "producer" ? await produce(job) : await consume(job);
  self.postMessage(result);
};
