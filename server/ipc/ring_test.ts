/**
 * @module
 * Tests for the SPSC ring: layout and attachment, wrap-around of every record size from every
 * head position, full and empty, batched publication, wake-ups, back-pressure, close, and a
 * producer and a consumer in two real Web Workers exchanging two million records.
 */

import assert from "node:assert/strict";
import {
  createRing,
  maxRecordBytes,
  recordSlotBytes,
  RING_HEADER_BYTES,
  RING_MAGIC,
  ringCapacityFor,
  RingConsumer,
  RingIndex,
  RingProducer,
} from "./ring.ts";
import type { RingTestJob, RingTestResult } from "./_ring_test_worker.ts";

/** Writes a record of `size` bytes whose bytes are `(tag + i) & 255`; false when full. */
function write(producer: RingProducer, size: number, tag: number): boolean {
  const at = producer.tryReserve(size);
  if (at < 0) return false;
  for (let i = 0; i < size; i++) producer.buf[at + i] = (tag + i) & 255;
  producer.commit(size);
  return true;
}

/** Reads the next record and checks its size and bytes; returns its start offset. */
function readBack(consumer: RingConsumer, size: number, tag: number): number {
  const start = consumer.next();
  assert.ok(start >= 0, `record tagged ${tag} of ${size} bytes is there`);
  assert.equal(consumer.end - start, size, `size of record tagged ${tag}`);
  for (let i = 0; i < size; i++) {
    assert.equal(consumer.buf[start + i], (tag + i) & 255, `byte ${i} of record tagged ${tag}`);
  }
  return start;
}

/**
 * Awaits `promise` while holding a timer: Deno does not count a pending `Atomics.waitAsync` as
 * work that keeps the event loop alive (denoland/deno#15358), and a test has no other work.
 */
async function keepAlive<T>(promise: Promise<T>): Promise<T> {
  const timer = setInterval(() => {}, 1000);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
  }
}

/** Moves both endpoints' positions to `offset` by writing and consuming filler records. */
function advanceTo(producer: RingProducer, consumer: RingConsumer, offset: number): void {
  let moved = 0;
  while (moved < offset) {
    const slot = Math.min(offset - moved, recordSlotBytes(producer.maxRecordBytes));
    assert.ok(write(producer, slot - 4, 0));
    moved += slot;
  }
  producer.publish();
  while (consumer.next() >= 0);
  consumer.release();
}

/** How many records of `size` fit from data offset `at` in an empty ring (the layout's rules). */
function expectedFit(capacity: number, at: number, size: number): number {
  const slot = recordSlotBytes(size);
  let free = capacity;
  let count = 0;
  for (;;) {
    const toEnd = capacity - at;
    const need = slot <= toEnd ? slot : toEnd + slot;
    if (need > free) return count;
    free -= need;
    at = slot <= toEnd ? (at + slot) % capacity : slot;
    count++;
  }
}

Deno.test("a ring's capacity is a power of two and its header carries the magic", () => {
  const sab = createRing(1000);
  assert.equal(sab.byteLength, RING_HEADER_BYTES + 1024);
  const control = new Int32Array(sab, 0, RING_HEADER_BYTES >> 2);
  assert.equal(control[RingIndex.magic], RING_MAGIC);
  assert.equal(control[RingIndex.capacity], 1024);
  const producer = RingProducer.attach(sab);
  assert.equal(producer.capacity, 1024);
  assert.equal(producer.maxRecordBytes, 508);
  assert.equal(maxRecordBytes(1024), 508);
  assert.equal(ringCapacityFor(100, 0), 256);
  assert.equal(ringCapacityFor(1 << 20), 4 << 20);
});

Deno.test("each index of the ring header sits on its own 64-byte line", () => {
  const lines = [
    RingIndex.head,
    RingIndex.tail,
    RingIndex.consumerWaiting,
    RingIndex.producerWaiting,
  ]
    .map((index) => (index * 4) >> 6);
  assert.equal(new Set(lines).size, 4);
  assert.ok(RingIndex.closed * 4 + 4 <= RING_HEADER_BYTES);
  assert.equal(RING_HEADER_BYTES % 64, 0);
});

Deno.test("attaching rejects buffers that are not rings", () => {
  assert.throws(() => RingProducer.attach(new SharedArrayBuffer(1024)), TypeError);
  assert.throws(() => RingConsumer.attach(new SharedArrayBuffer(8)), TypeError);
  assert.throws(() => createRing(0), RangeError);
  assert.throws(() => createRing(2 ** 31), RangeError);
});

Deno.test("an empty ring hands out nothing and a full ring refuses a reservation", () => {
  const sab = createRing(256);
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  assert.equal(consumer.next(), -1);
  assert.equal(consumer.hasData, false);
  let written = 0;
  while (write(producer, 60, written)) written++;
  assert.equal(written, 4, "four 64-byte slots fill 256 bytes");
  assert.equal(producer.usedBytes, 256);
  assert.equal(producer.tryReserve(0), -1);
  producer.publish();
  for (let i = 0; i < written; i++) readBack(consumer, 60, i);
  assert.equal(consumer.next(), -1);
  assert.equal(producer.tryReserve(0), -1, "nothing is free before the consumer releases");
  consumer.release();
  assert.ok(write(producer, 60, 9));
});

Deno.test("records of every size wrap around correctly from every head position", () => {
  const capacity = 64;
  for (let offset = 0; offset < capacity; offset += 4) {
    for (let size = 0; size <= maxRecordBytes(capacity); size++) {
      const sab = createRing(capacity);
      const producer = RingProducer.attach(sab);
      const consumer = RingConsumer.attach(sab);
      advanceTo(producer, consumer, offset);
      const context = `size ${size} from offset ${offset}`;
      for (let round = 0; round < 3; round++) {
        let count = 0;
        while (write(producer, size, round * 50 + count)) count++;
        if (round === 0) assert.equal(count, expectedFit(capacity, offset, size), context);
        assert.ok(count >= 1, `${context}: an empty ring takes one record`);
        producer.publish();
        for (let i = 0; i < count; i++) {
          const start = readBack(consumer, size, round * 50 + i);
          assert.ok(consumer.end <= capacity, `${context}: the record does not straddle the end`);
          assert.equal(start % 4, 0, `${context}: records are aligned`);
        }
        assert.equal(consumer.next(), -1, context);
        consumer.release();
      }
    }
  }
});

Deno.test("ring positions survive the wrap of the 32-bit counters", () => {
  const sab = createRing(128);
  const control = new Int32Array(sab, 0, RING_HEADER_BYTES >> 2);
  const start = 0xffffff00 | 0;
  control[RingIndex.head] = start;
  control[RingIndex.tail] = start;
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  for (let i = 0; i < 400; i++) {
    const size = (i * 13) % 40;
    assert.ok(write(producer, size, i));
    producer.publish();
    readBack(consumer, size, i);
    consumer.release();
  }
  assert.ok(control[RingIndex.tail] > 0 && control[RingIndex.tail] < 0x10000, "the tail wrapped");
  while (write(producer, 20, 7));
  assert.ok(producer.usedBytes > 128 - recordSlotBytes(20), "filled up to the last slot");
});

Deno.test("committed records stay invisible until the batch is published", () => {
  const sab = createRing(1024);
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  const control = new Int32Array(sab, 0, RING_HEADER_BYTES >> 2);
  for (let i = 0; i < 10; i++) write(producer, 8, i);
  assert.equal(control[RingIndex.tail], 0, "no tail store before publish");
  assert.equal(producer.unpublishedBytes, 120);
  assert.equal(consumer.next(), -1);
  assert.equal(producer.publish(), true);
  assert.equal(producer.publish(), false, "nothing new to publish");
  assert.equal(control[RingIndex.tail], 120);
  for (let i = 0; i < 10; i++) readBack(consumer, 8, i);
  assert.equal(control[RingIndex.head], 0, "the head moves only on release");
  consumer.release();
  assert.equal(control[RingIndex.head], 120);
});

Deno.test("commit takes a shorter length than reserved and rejects a longer one", () => {
  const sab = createRing(1024);
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  const at = producer.tryReserve(100);
  producer.buf.set([1, 2, 3], at);
  assert.throws(() => producer.commit(101), RangeError);
  producer.commit(3);
  assert.throws(() => producer.commit(3), RangeError, "no reservation open");
  producer.publish();
  const start = consumer.next();
  assert.deepEqual([...consumer.buf.subarray(start, consumer.end)], [1, 2, 3]);
});

Deno.test("records over half the capacity are rejected", () => {
  const producer = RingProducer.attach(createRing(256));
  assert.throws(() => producer.tryReserve(producer.maxRecordBytes + 1), RangeError);
  assert.throws(() => producer.tryReserve(-1), RangeError);
  assert.throws(() => producer.waitForSpace(1000), RangeError);
  assert.ok(producer.tryReserve(producer.maxRecordBytes) >= 0);
});

Deno.test("drain hands every record to the sink and releases once at the end", () => {
  const sab = createRing(1024);
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  const control = new Int32Array(sab, 0, RING_HEADER_BYTES >> 2);
  for (let i = 0; i < 20; i++) write(producer, i, i);
  producer.publish();
  const seen: number[] = [];
  const heads: number[] = [];
  const sink = {
    onRecord(buf: Uint8Array, start: number, end: number) {
      seen.push(end - start);
      if (end > start) assert.equal(buf[start], seen.length - 1);
      heads.push(Atomics.load(control, RingIndex.head));
    },
  };
  assert.equal(consumer.drain(sink, 5), 5);
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  assert.ok(heads.every((head) => head === 0));
  assert.equal(control[RingIndex.head], 4 + 8 + 8 + 8 + 8);
  assert.equal(consumer.drain(sink), 15);
  assert.equal(seen.length, 20);
});

Deno.test("drain stops once a byte budget is reached, the record that reaches it included", () => {
  const sab = createRing(1024);
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  for (let i = 0; i < 10; i++) write(producer, 10, i); // ten records of 10 bytes
  producer.publish();
  const seen: number[] = [];
  const sink = {
    onRecord(buf: Uint8Array, start: number) {
      seen.push(buf[start]);
    },
  };
  assert.equal(consumer.drain(sink, Infinity, 25), 3);
  assert.equal(consumer.drainedBytes, 30);
  assert.equal(consumer.drain(sink, 2, 1000), 2);
  assert.equal(consumer.drainedBytes, 20);
  assert.equal(consumer.drain(sink), 5);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(consumer.drain(sink, Infinity, 25), 0);
  assert.equal(consumer.drainedBytes, 0);
});

/** Counts `Atomics.notify` calls made while `body` runs. */
async function countNotifies(body: () => Promise<void> | void): Promise<number> {
  const original = Atomics.notify;
  let calls = 0;
  Atomics.notify = (array, index, count) => {
    calls++;
    return original(array as Int32Array, index, count);
  };
  try {
    await body();
  } finally {
    Atomics.notify = original;
  }
  return calls;
}

Deno.test("publish notifies only when the consumer sleeps, once per sleep", async () => {
  const sab = createRing(4096);
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  const control = new Int32Array(sab, 0, RING_HEADER_BYTES >> 2);
  const busy = await countNotifies(() => {
    for (let i = 0; i < 50; i++) {
      write(producer, 4, i);
      producer.publish();
    }
  });
  assert.equal(busy, 0, "no notify while the consumer is awake");
  while (consumer.next() >= 0);
  const woken = await countNotifies(async () => {
    const waiting = consumer.waitForData();
    assert.equal(control[RingIndex.consumerWaiting], 1, "the consumer set its flag");
    write(producer, 4, 1);
    producer.publish();
    assert.equal(control[RingIndex.consumerWaiting], 0, "publish cleared the flag");
    write(producer, 4, 2);
    producer.publish();
    assert.equal(await keepAlive(waiting), true);
  });
  assert.equal(woken, 1);
});

Deno.test("a waiting consumer resolves at once when data is already published", async () => {
  const sab = createRing(256);
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  write(producer, 4, 0);
  producer.publish();
  assert.equal(await consumer.waitForData(), true);
  assert.equal(await consumer.waitForData(5), true, "still unread");
  readBack(consumer, 4, 0);
  assert.equal(await keepAlive(consumer.waitForData(5)), false, "timed out on an empty ring");
});

Deno.test("a producer blocks on a full ring and resumes when the consumer releases", async () => {
  const sab = createRing(256);
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  let written = 0;
  while (write(producer, 28, written)) written++;
  assert.equal(written, 8);
  let resumed = false;
  const space = producer.waitForSpace(28).then((ok) => {
    resumed = true;
    return ok;
  });
  assert.equal(consumer.hasData, true, "waitForSpace published the batch first");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(resumed, false, "still blocked: nothing released");
  readBack(consumer, 28, 0);
  readBack(consumer, 28, 1);
  consumer.release();
  assert.equal(await keepAlive(space), true);
  assert.ok(write(producer, 28, 8));
  assert.ok(write(producer, 28, 9));
  assert.equal(producer.tryReserve(28), -1, "the two released slots are taken again");
});

Deno.test("closing the ring wakes a sleeping consumer and a sleeping producer", async () => {
  const idle = createRing(256);
  const consumer = RingConsumer.attach(idle);
  const asleep = consumer.waitForData();
  RingProducer.attach(idle).close();
  assert.equal(await keepAlive(asleep), false);
  assert.equal(consumer.closed, true);

  const full = createRing(64);
  const producer = RingProducer.attach(full);
  while (write(producer, 12, 0));
  const blocked = producer.waitForSpace(12);
  RingConsumer.attach(full).close();
  assert.equal(await keepAlive(blocked), false);
  assert.equal(await producer.waitForSpace(12), false, "closed and still full");
});

Deno.test("records published before a close can still be drained", async () => {
  const sab = createRing(256);
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  write(producer, 10, 3);
  producer.publish();
  producer.close();
  assert.equal(await consumer.waitForData(), true);
  readBack(consumer, 10, 3);
  assert.equal(await consumer.waitForData(), false);
});

function runWorker(job: RingTestJob): { worker: Worker; done: Promise<RingTestResult> } {
  const worker = new Worker(new URL("./_ring_test_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const done = new Promise<RingTestResult>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<RingTestResult>) => resolve(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`ring test worker failed: ${event.message}`));
    };
  });
  worker.postMessage(job);
  return { worker, done };
}

/** Runs a producer and a consumer worker on one ring; fails after `deadlineMs` (a lost wake-up). */
async function exchange(
  capacity: number,
  count: number,
  batch: number,
  deadlineMs: number,
): Promise<{ sent: RingTestResult; received: RingTestResult }> {
  const sab = createRing(capacity);
  const maxSize = maxRecordBytes(capacity);
  const consumer = runWorker({ role: "consumer", sab, count, batch, maxSize });
  const producer = runWorker({ role: "producer", sab, count, batch, maxSize });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    const [sent, received] = await Promise.race([
      Promise.all([producer.done, consumer.done]),
      deadline,
    ]);
    return { sent, received };
  } finally {
    clearTimeout(timer);
    producer.worker.terminate();
    consumer.worker.terminate();
  }
}

Deno.test("two workers exchange two million records of varying sizes in order", async () => {
  const count = 2_000_000;
  const { sent, received } = await exchange(64 * 1024, count, 64, 60_000);
  assert.equal(received.error, "");
  assert.equal(received.records, count);
  assert.equal(received.bytes, sent.bytes);
  assert.equal(received.checksum, sent.checksum);
  assert.ok(sent.waits > 0, "the 64 KiB ring filled up and applied back-pressure");
});

Deno.test("two workers on a 1 KiB ring publishing every record never lose a wake-up", async () => {
  const count = 200_000;
  const { sent, received } = await exchange(1024, count, 1, 60_000);
  assert.equal(received.error, "");
  assert.equal(received.records, count);
  assert.equal(received.checksum, sent.checksum);
  assert.ok(sent.waits > 0 && received.waits > 0, "both sides slept");
});
