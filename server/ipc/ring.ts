/**
 * @module
 * A single-producer single-consumer byte ring on a SharedArrayBuffer: the data plane between
 * two workers of the sharded runtime. The producer endpoint lives in one isolate and the
 * consumer endpoint in another (or both in one, for tests and `--shards 1` embedding); both
 * attach to the same buffer. Records are length-prefixed byte strings handed out in place.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate (shard, link and test workers).
 *
 * ## Layout (byte offsets into the SharedArrayBuffer)
 *
 * | offset | type            | field                                | writer           | reader   |
 * | ------ | --------------- | ------------------------------------ | ---------------- | -------- |
 * | 0      | Int32           | head: read position, free-running    | consumer         | producer |
 * | 64     | Int32           | tail: published write position       | producer         | consumer |
 * | 128    | Int32           | consumer waiting flag (1 = asleep)   | consumer (1),    | producer |
 * |        |                 |                                      | producer (0)     |          |
 * | 192    | Int32           | producer waiting flag (1 = asleep)   | producer (1),    | consumer |
 * |        |                 |                                      | consumer (0)     |          |
 * | 256    | Int32           | magic `RING_MAGIC`                   | createRing       | attach   |
 * | 260    | Int32           | capacity of the data area in bytes   | createRing       | attach   |
 * | 320    | Int32           | closed flag (1 = closed)             | either endpoint  | both     |
 * | 384    | Uint8[capacity] | data area (records)                  | producer         | consumer |
 *
 * Each index sits on its own 64-byte line so the two isolates never write the same line.
 * Head and tail are free-running 32-bit counters (they wrap at 2^32); the byte offset in the
 * data area is `counter & (capacity - 1)`, and `(tail - head) | 0` is the number of bytes in use,
 * so a full ring and an empty ring are told apart without wasting a slot.
 *
 * ## Records
 *
 * | offset | type          | field                                                   |
 * | ------ | ------------- | ------------------------------------------------------- |
 * | 0      | Int32         | length `n` of the record (>= 0), or -1: wrap marker     |
 * | 4      | Uint8[n]      | the record bytes                                        |
 * | 4 + n  | Uint8[0..3]   | padding to the next 4-byte boundary                     |
 *
 * A record never straddles the end of the data area: when it does not fit before the end, the
 * producer writes a wrap marker (when at least 4 bytes remain, which alignment guarantees) and
 * the record starts at offset 0; the skipped bytes count as used until the consumer passes them.
 * Records longer than `capacity / 2 - 4` bytes are rejected, so an empty ring always has room.
 *
 * ## Publication and wake-ups
 *
 * The producer writes any number of records (`tryReserve` + `commit`) and publishes them with
 * one `Atomics.store` of the tail (`publish`). A consumer with nothing to read sets its waiting
 * flag, re-reads the tail, and sleeps in `Atomics.waitAsync` on its flag word; `publish` calls
 * `Atomics.notify` only when it finds the flag set, and clears it first (one notify per sleep).
 * Sleeping on the flag word rather than on the tail means a wake-up from `close()` (which clears
 * the flags) cannot be lost: a waiter that arrives late sees the flag already 0 and returns.
 * The producer waits for space the same way with its own flag, woken by `release`.
 *
 * Deno does not count a pending `Atomics.waitAsync` as work that keeps an isolate's event loop
 * alive (denoland/deno#15358): a worker sleeping on a ring must also hold something that does
 * (a listener, an `onmessage` handler, a timer), or it may exit while waiting.
 *
 * Memory order: all index accesses are `Atomics` (sequentially consistent), so record bytes
 * written before the tail store are visible after the consumer's tail load, and a record the
 * consumer hands out stays intact until its head store (`release`).
 */

import { copyBytes } from "../protocol/copy.ts";

/** Value at byte 256 of every ring buffer. */
export const RING_MAGIC = 0x52494e47; // "RING"
/** Byte offset of the data area; the header before it holds the indices. */
export const RING_HEADER_BYTES = 384;
/** Smallest accepted data capacity. */
export const RING_MIN_CAPACITY = 16;
/** Largest accepted data capacity (counters must stay within 32 bits). */
export const RING_MAX_CAPACITY = 1 << 30;

/** Int32 index of each header field (byte offset / 4). Exported for tests and tools. */
export const RingIndex = {
  head: 0,
  tail: 16,
  consumerWaiting: 32,
  producerWaiting: 48,
  magic: 64,
  capacity: 65,
  closed: 80,
} as const;

const HEAD = RingIndex.head;
const TAIL = RingIndex.tail;
const CONSUMER_WAITING = RingIndex.consumerWaiting;
const PRODUCER_WAITING = RingIndex.producerWaiting;
const CLOSED = RingIndex.closed;
const WRAP = -1;

const RESOLVED_TRUE: Promise<boolean> = Promise.resolve(true);
const RESOLVED_FALSE: Promise<boolean> = Promise.resolve(false);

/** Bytes a record of `length` bytes takes in the data area (length word + padding). */
export function recordSlotBytes(length: number): number {
  return (length + 7) & ~3;
}

/** The largest record a ring of `capacity` data bytes accepts. */
export function maxRecordBytes(capacity: number): number {
  return (capacity >>> 1) - 4;
}

/**
 * The smallest power-of-two capacity whose rings accept records of `recordBytes` bytes, and at
 * least `minimum` (default 1 MiB).
 *
 * @example
 * ```ts
 * import { ringCapacityFor } from "./ring.ts";
 * if (ringCapacityFor(1024 * 1024 + 4096) !== 4 * 1024 * 1024) throw new Error();
 * ```
 */
export function ringCapacityFor(recordBytes: number, minimum = 1 << 20): number {
  return powerOfTwoAtLeast(Math.max(minimum, 2 * (recordBytes + 4)));
}

function powerOfTwoAtLeast(n: number): number {
  let capacity = RING_MIN_CAPACITY;
  while (capacity < n) capacity *= 2;
  return capacity;
}

/**
 * Allocates a ring whose data area holds `capacityBytes` bytes, rounded up to a power of two.
 * Hand the buffer to both endpoints (`postMessage` shares a SharedArrayBuffer).
 *
 * @example
 * ```ts
 * import { createRing, RingConsumer, RingProducer } from "./ring.ts";
 * const sab = createRing(1024);
 * const producer = RingProducer.attach(sab);
 * const consumer = RingConsumer.attach(sab);
 * const at = producer.tryReserve(3);
 * producer.buf.set([1, 2, 3], at);
 * producer.commit(3);
 * producer.publish();
 * const start = consumer.next();
 * if (consumer.buf[start + 2] !== 3 || consumer.end !== start + 3) throw new Error();
 * consumer.release();
 * ```
 */
export function createRing(capacityBytes: number): SharedArrayBuffer {
  if (!(capacityBytes > 0) || capacityBytes > RING_MAX_CAPACITY) {
    throw new RangeError(`Cannot create ring: capacity ${capacityBytes} out of range`);
  }
  const capacity = powerOfTwoAtLeast(capacityBytes);
  const sab = new SharedArrayBuffer(RING_HEADER_BYTES + capacity);
  const control = new Int32Array(sab, 0, RING_HEADER_BYTES >> 2);
  control[RingIndex.capacity] = capacity;
  Atomics.store(control, RingIndex.magic, RING_MAGIC);
  return sab;
}

/** Reads and checks the header of a ring buffer; returns its data capacity. */
function ringCapacity(sab: SharedArrayBuffer): number {
  if (!(sab instanceof SharedArrayBuffer) || sab.byteLength < RING_HEADER_BYTES) {
    throw new TypeError("Cannot attach ring: not a ring SharedArrayBuffer");
  }
  const control = new Int32Array(sab, 0, RING_HEADER_BYTES >> 2);
  const capacity = control[RingIndex.capacity];
  if (
    Atomics.load(control, RingIndex.magic) !== RING_MAGIC || capacity < RING_MIN_CAPACITY ||
    (capacity & (capacity - 1)) !== 0 || sab.byteLength !== RING_HEADER_BYTES + capacity
  ) {
    throw new TypeError("Cannot attach ring: bad header");
  }
  return capacity;
}

/** Marks the ring closed and wakes both endpoints. */
function closeRing(control: Int32Array): void {
  Atomics.store(control, CLOSED, 1);
  Atomics.store(control, CONSUMER_WAITING, 0);
  Atomics.notify(control, CONSUMER_WAITING);
  Atomics.store(control, PRODUCER_WAITING, 0);
  Atomics.notify(control, PRODUCER_WAITING);
}

/** Receives records from {@link RingConsumer.drain}; one object for the whole drain. */
export interface RecordSink {
  /** One record: `buf[start..end)`. The view is valid until the drain returns. */
  onRecord(buf: Uint8Array, start: number, end: number): void;
}

/** The writing endpoint of a ring. Use from one isolate only. */
export class RingProducer {
  /** The data area. A reservation's bytes are `buf[offset .. offset + length)`. */
  readonly buf: Uint8Array;
  /** Data area size in bytes (a power of two). */
  readonly capacity: number;
  /** The largest record accepted (`capacity / 2 - 4`). */
  readonly maxRecordBytes: number;
  #control: Int32Array;
  #words: Int32Array;
  #mask: number;
  /** Local write position, ahead of the published tail while a batch is open. */
  #tail: number;
  #published: number;
  /** Last head seen; refreshed only when the ring looks full. */
  #head: number;
  /** Data offset of the reserved record's length word, or -1. */
  #recordAt = -1;
  #reserved = 0;

  private constructor(sab: SharedArrayBuffer) {
    const capacity = ringCapacity(sab);
    this.capacity = capacity;
    this.maxRecordBytes = maxRecordBytes(capacity);
    this.buf = new Uint8Array(sab, RING_HEADER_BYTES, capacity);
    this.#words = new Int32Array(sab, RING_HEADER_BYTES, capacity >> 2);
    this.#control = new Int32Array(sab, 0, RING_HEADER_BYTES >> 2);
    this.#mask = capacity - 1;
    this.#tail = Atomics.load(this.#control, TAIL);
    this.#published = this.#tail;
    this.#head = Atomics.load(this.#control, HEAD);
  }

  /** The producer endpoint of the ring in `sab` (made by {@link createRing}). */
  static attach(sab: SharedArrayBuffer): RingProducer {
    return new RingProducer(sab);
  }

  /** Whether either endpoint closed the ring. */
  get closed(): boolean {
    return Atomics.load(this.#control, CLOSED) !== 0;
  }

  /** Bytes committed but not yet published. */
  get unpublishedBytes(): number {
    return (this.#tail - this.#published) | 0;
  }

  /** Bytes in use as last seen by the producer (published or not, not yet released). */
  get usedBytes(): number {
    return (this.#tail - this.#head) | 0;
  }

  /**
   * Reserves room for a record of up to `length` bytes; returns the offset in {@link buf} where
   * its bytes go, or -1 when the ring lacks space (then publish, and await
   * {@link waitForSpace}). Throws a RangeError when `length` exceeds {@link maxRecordBytes}.
   * A reservation is finished by {@link commit}; a new reservation abandons an uncommitted one.
   */
  tryReserve(length: number): number {
    if (!(length >= 0 && length <= this.maxRecordBytes)) {
      throw new RangeError(
        `Cannot reserve ${length} bytes: ring records are limited to ${this.maxRecordBytes}`,
      );
    }
    const slot = (length + 7) & ~3;
    const tail = this.#tail;
    const at = tail & this.#mask;
    const toEnd = this.capacity - at;
    const need = slot <= toEnd ? slot : toEnd + slot;
    if (this.capacity - ((tail - this.#head) | 0) < need) {
      this.#head = Atomics.load(this.#control, HEAD);
      if (this.capacity - ((tail - this.#head) | 0) < need) return -1;
    }
    if (slot <= toEnd) {
      this.#recordAt = at;
      this.#reserved = length;
      return at + 4;
    }
    this.#words[at >> 2] = WRAP;
    this.#tail = (tail + toEnd) | 0;
    this.#recordAt = 0;
    this.#reserved = length;
    return 4;
  }

  /**
   * Finishes the reserved record with its actual `length` (at most the reserved length). The
   * record becomes visible to the consumer at the next {@link publish}.
   */
  commit(length: number): void {
    const at = this.#recordAt;
    if (at < 0 || !(length >= 0 && length <= this.#reserved)) {
      throw new RangeError(`Cannot commit ${length} bytes: ${this.#reserved} reserved`);
    }
    this.#words[at >> 2] = length;
    this.#tail = (this.#tail + ((length + 7) & ~3)) | 0;
    this.#recordAt = -1;
  }

  /**
   * Copies `src[start..end)` into the ring as one record; false when the ring lacks space.
   * Does not publish.
   */
  tryWrite(src: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    const at = this.tryReserve(length);
    if (at < 0) return false;
    copyBytes(this.buf, at, src, start, end);
    this.commit(length);
    return true;
  }

  /**
   * Makes every committed record visible with one store of the tail, and wakes the consumer
   * if (and only if) it is asleep. Returns whether there was anything to publish.
   */
  publish(): boolean {
    const tail = this.#tail;
    if (tail === this.#published) return false;
    this.#published = tail;
    const control = this.#control;
    Atomics.store(control, TAIL, tail);
    if (
      Atomics.load(control, CONSUMER_WAITING) !== 0 &&
      Atomics.compareExchange(control, CONSUMER_WAITING, 1, 0) === 1
    ) {
      Atomics.notify(control, CONSUMER_WAITING);
    }
    return true;
  }

  /** Whether a record of `length` bytes fits now (reads the consumer's head). */
  hasSpace(length: number): boolean {
    this.#head = Atomics.load(this.#control, HEAD);
    return this.#fits(length);
  }

  #fits(length: number): boolean {
    const slot = (length + 7) & ~3;
    const toEnd = this.capacity - (this.#tail & this.#mask);
    const need = slot <= toEnd ? slot : toEnd + slot;
    return this.capacity - ((this.#tail - this.#head) | 0) >= need;
  }

  /**
   * Publishes what is committed, then resolves once a record of `length` bytes fits: true, or
   * false when the ring is closed or `timeoutMs` passes in one wait. Never blocks the thread.
   */
  waitForSpace(length = 0, timeoutMs?: number): Promise<boolean> {
    if (length > this.maxRecordBytes) {
      throw new RangeError(
        `Cannot wait for ${length} bytes: ring records are limited to ${this.maxRecordBytes}`,
      );
    }
    this.publish();
    if (this.hasSpace(length)) return RESOLVED_TRUE;
    if (this.closed) return RESOLVED_FALSE;
    return this.#sleepForSpace(length, timeoutMs);
  }

  async #sleepForSpace(length: number, timeoutMs: number | undefined): Promise<boolean> {
    const control = this.#control;
    for (;;) {
      Atomics.store(control, PRODUCER_WAITING, 1);
      if (this.hasSpace(length)) {
        Atomics.store(control, PRODUCER_WAITING, 0);
        return true;
      }
      if (Atomics.load(control, CLOSED) !== 0) return false;
      const wait = Atomics.waitAsync(control, PRODUCER_WAITING, 1, timeoutMs);
      const outcome = wait.async ? await wait.value : wait.value;
      Atomics.store(control, PRODUCER_WAITING, 0);
      if (outcome === "timed-out") return this.hasSpace(length);
    }
  }

  /** Closes the ring for both endpoints and wakes whichever sleeps. Records stay readable. */
  close(): void {
    closeRing(this.#control);
  }
}

/** The reading endpoint of a ring. Use from one isolate only. */
export class RingConsumer {
  /** The data area; records are handed out as offsets into it. */
  readonly buf: Uint8Array;
  /** Data area size in bytes (a power of two). */
  readonly capacity: number;
  #control: Int32Array;
  #words: Int32Array;
  #mask: number;
  /** Local read position, ahead of the released head during a drain. */
  #head: number;
  #released: number;
  /** Last tail seen; refreshed only when the consumer catches up with it. */
  #tail: number;
  #end = 0;
  #drainedBytes = 0;

  private constructor(sab: SharedArrayBuffer) {
    const capacity = ringCapacity(sab);
    this.capacity = capacity;
    this.buf = new Uint8Array(sab, RING_HEADER_BYTES, capacity);
    this.#words = new Int32Array(sab, RING_HEADER_BYTES, capacity >> 2);
    this.#control = new Int32Array(sab, 0, RING_HEADER_BYTES >> 2);
    this.#mask = capacity - 1;
    this.#head = Atomics.load(this.#control, HEAD);
    this.#released = this.#head;
    this.#tail = Atomics.load(this.#control, TAIL);
  }

  /** The consumer endpoint of the ring in `sab` (made by {@link createRing}). */
  static attach(sab: SharedArrayBuffer): RingConsumer {
    return new RingConsumer(sab);
  }

  /** Whether either endpoint closed the ring. */
  get closed(): boolean {
    return Atomics.load(this.#control, CLOSED) !== 0;
  }

  /** End offset (exclusive) in {@link buf} of the record last returned by {@link next}. */
  get end(): number {
    return this.#end;
  }

  /** Whether a published record is waiting to be read (reads the producer's tail). */
  get hasData(): boolean {
    if (this.#head !== this.#tail) return true;
    this.#tail = Atomics.load(this.#control, TAIL);
    return this.#head !== this.#tail;
  }

  /**
   * Advances to the next published record and returns the offset in {@link buf} where its
   * bytes start (they end at {@link end}), or -1 when none is published. The bytes stay valid
   * until {@link release}.
   */
  next(): number {
    let head = this.#head;
    for (;;) {
      if (head === this.#tail) {
        this.#tail = Atomics.load(this.#control, TAIL);
        if (head === this.#tail) {
          this.#head = head;
          return -1;
        }
      }
      const at = head & this.#mask;
      const length = this.#words[at >> 2];
      if (length === WRAP) {
        head = (head + this.capacity - at) | 0;
        continue;
      }
      this.#head = (head + ((length + 7) & ~3)) | 0;
      this.#end = at + 4 + length;
      return at + 4;
    }
  }

  /**
   * Returns the space of every record read so far to the producer with one store of the head,
   * and wakes the producer if it waits for space. Views handed out before are invalid after.
   */
  release(): void {
    const head = this.#head;
    if (head === this.#released) return;
    this.#released = head;
    const control = this.#control;
    Atomics.store(control, HEAD, head);
    if (
      Atomics.load(control, PRODUCER_WAITING) !== 0 &&
      Atomics.compareExchange(control, PRODUCER_WAITING, 1, 0) === 1
    ) {
      Atomics.notify(control, PRODUCER_WAITING);
    }
  }

  /**
   * Hands published records to `sink` in order, up to `limit` records and until `byteLimit`
   * bytes of records were handed over (the record that reaches it included), then releases
   * them once. Returns the number of records drained; {@link drainedBytes} has their bytes.
   */
  drain(sink: RecordSink, limit = Infinity, byteLimit = Infinity): number {
    const buf = this.buf;
    let count = 0;
    let bytes = 0;
    while (count < limit && bytes < byteLimit) {
      const start = this.next();
      if (start < 0) break;
      const end = this.#end;
      sink.onRecord(buf, start, end);
      bytes += end - start;
      count++;
    }
    this.#drainedBytes = bytes;
    this.release();
    return count;
  }

  /** Bytes of the records handed over by the last {@link drain}. */
  get drainedBytes(): number {
    return this.#drainedBytes;
  }

  /**
   * Releases what was read, then resolves true once a record is published, or false when the
   * ring is closed and empty or `timeoutMs` passes in one wait. Never blocks the thread.
   */
  waitForData(timeoutMs?: number): Promise<boolean> {
    this.release();
    if (this.hasData) return RESOLVED_TRUE;
    if (this.closed) return RESOLVED_FALSE;
    return this.#sleepForData(timeoutMs);
  }

  async #sleepForData(timeoutMs: number | undefined): Promise<boolean> {
    const control = this.#control;
    for (;;) {
      Atomics.store(control, CONSUMER_WAITING, 1);
      if (this.hasData) {
        Atomics.store(control, CONSUMER_WAITING, 0);
        return true;
      }
      if (Atomics.load(control, CLOSED) !== 0) return false;
      const wait = Atomics.waitAsync(control, CONSUMER_WAITING, 1, timeoutMs);
      const outcome = wait.async ? await wait.value : wait.value;
      Atomics.store(control, CONSUMER_WAITING, 0);
      if (outcome === "timed-out") return this.hasData;
    }
  }

  /** Closes the ring for both endpoints and wakes whichever sleeps. */
  close(): void {
    closeRing(this.#control);
  }
}
