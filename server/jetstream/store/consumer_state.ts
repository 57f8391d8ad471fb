/**
 * @module
 * Consumer state: the bookkeeping of a consumer's deliveries and acks (after nats-server 2.9.10
 * `consumerMemStore` in `server/memstore.go`), and the binary encoding of that state that the
 * file store writes to `obs/<name>.state`.
 *
 * ## Encoding
 *
 * `0x4A 0x01` (magic, version), then unsigned LEB128 varints: ack floor consumer seq, ack floor
 * stream seq, delivered consumer seq, delivered stream seq, pending count; per pending entry: stream
 * seq - ack floor stream seq, consumer seq - ack floor consumer seq, timestamp (i64 ns, 8 bytes
 * little endian); then the redelivered count and per entry: stream seq - ack floor stream seq,
 * count. Last, a CRC-32 of everything before it (u32 little endian).
 * PURE: no Deno APIs, timers or console output.
 */

import { crc32 } from "./crc32.ts";
import {
  AckPolicy,
  type ConsumerState,
  type ConsumerStoreConfig,
  type PendingEntry,
  StoreError,
  StoreErrorCode,
} from "./types.ts";

const MAGIC = 0x4a;
const VERSION = 1;

/** An empty consumer state. */
export function emptyConsumerState(): ConsumerState {
  return {
    delivered: { consumerSeq: 0, streamSeq: 0 },
    ackFloor: { consumerSeq: 0, streamSeq: 0 },
    pending: new Map(),
    redelivered: new Map(),
  };
}

/** A deep copy of `s`. */
export function copyConsumerState(s: ConsumerState): ConsumerState {
  const pending = new Map<number, PendingEntry>();
  for (const [seq, p] of s.pending) {
    pending.set(seq, { sequence: p.sequence, timestamp: p.timestamp });
  }
  return {
    delivered: { ...s.delivered },
    ackFloor: { ...s.ackFloor },
    pending,
    redelivered: new Map(s.redelivered),
  };
}

class Writer {
  buf = new Uint8Array(64);
  n = 0;
  #room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
  byte(b: number): void {
    this.#room(1);
    this.buf[this.n++] = b;
  }
  uvarint(v: number): void {
    this.#room(10);
    while (v >= 0x80) {
      this.buf[this.n++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.n++] = v;
  }
  i64(v: bigint): void {
    this.#room(8);
    new DataView(this.buf.buffer).setBigInt64(this.n, v, true);
    this.n += 8;
  }
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end: number) {}
  #need(k: number): void {
    if (this.pos + k > this.end) throw new StoreError(StoreErrorCode.Corrupt, "consumer state");
  }
  byte(): number {
    this.#need(1);
    return this.buf[this.pos++];
  }
  uvarint(): number {
    let v = 0, mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
    throw new StoreError(StoreErrorCode.Corrupt, "consumer state varint");
  }
  i64(): bigint {
    this.#need(8);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset).getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }
}

/**
 * Encodes a consumer state (format in the module doc).
 *
 * @example
 * ```ts
 * import { decodeConsumerState, emptyConsumerState, encodeConsumerState } from "./consumer_state.ts";
 * import assert from "node:assert";
 * const s = emptyConsumerState();
 * s.delivered = { consumerSeq: 3, streamSeq: 10 };
 * s.pending.set(10, { sequence: 3, timestamp: 5n });
 * assert.deepEqual(decodeConsumerState(encodeConsumerState(s)), s);
 * ```
 */
export function encodeConsumerState(s: ConsumerState): Uint8Array {
  const w = new Writer();
  w.byte(MAGIC);
  w.byte(VERSION);
  w.uvarint(s.ackFloor.consumerSeq);
  w.uvarint(s.ackFloor.streamSeq);
  w.uvarint(s.delivered.consumerSeq);
  w.uvarint(s.delivered.streamSeq);
  w.uvarint(s.pending.size);
  for (const [seq, p] of s.pending) {
    w.uvarint(seq - s.ackFloor.streamSeq);
    w.uvarint(p.sequence - s.ackFloor.consumerSeq);
    w.i64(p.timestamp);
  }
  w.uvarint(s.redelivered.size);
  for (const [seq, count] of s.redelivered) {
    w.uvarint(seq - s.ackFloor.streamSeq);
    w.uvarint(count);
  }
  const crc = crc32(w.buf, 0, w.n);
  w.i64(0n); // room
  w.n -= 8;
  new DataView(w.buf.buffer).setUint32(w.n, crc, true);
  return w.buf.slice(0, w.n + 4);
}

/** Decodes {@link encodeConsumerState}'s bytes; throws StoreError "corrupt state" when invalid. */
export function decodeConsumerState(buf: Uint8Array): ConsumerState {
  if (buf.length < 6) throw new StoreError(StoreErrorCode.Corrupt, "consumer state too short");
  const end = buf.length - 4;
  const crc = new DataView(buf.buffer, buf.byteOffset).getUint32(end, true);
  if (crc !== crc32(buf, 0, end)) {
    throw new StoreError(StoreErrorCode.Corrupt, "consumer state checksum");
  }
  const r = new Reader(buf, end);
  if (r.byte() !== MAGIC || r.byte() !== VERSION) {
    throw new StoreError(StoreErrorCode.Corrupt, "consumer state version");
  }
  const s = emptyConsumerState();
  s.ackFloor.consumerSeq = r.uvarint();
  s.ackFloor.streamSeq = r.uvarint();
  s.delivered.consumerSeq = r.uvarint();
  s.delivered.streamSeq = r.uvarint();
  for (let i = r.uvarint(); i > 0; i--) {
    const seq = r.uvarint() + s.ackFloor.streamSeq;
    const sequence = r.uvarint() + s.ackFloor.consumerSeq;
    s.pending.set(seq, { sequence, timestamp: r.i64() });
  }
  for (let i = r.uvarint(); i > 0; i--) {
    const seq = r.uvarint() + s.ackFloor.streamSeq;
    s.redelivered.set(seq, r.uvarint());
  }
  if (r.pos !== end) throw new StoreError(StoreErrorCode.Corrupt, "consumer state trailing bytes");
  return s;
}

/**
 * The consumer state machine of nats-server's `consumerMemStore`: deliveries, acks (explicit,
 * all, none), redelivery counts, and wholesale updates (from a leader or a snapshot).
 */
export class ConsumerStateMachine {
  protected config: ConsumerStoreConfig;
  protected current: ConsumerState = emptyConsumerState();
  protected closed = false;

  constructor(config: ConsumerStoreConfig) {
    this.config = { ...config };
  }

  #open(): void {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
  }

  /** Hook: the state changed. */
  protected changed(): void {}

  setStarting(streamSeq: number): void {
    this.#open();
    this.current.delivered.streamSeq = streamSeq;
    this.changed();
  }

  updateConfig(config: ConsumerStoreConfig): void {
    this.config = { ...config };
  }

  updateDelivered(consumerSeq: number, streamSeq: number, deliveryCount: number, ts: bigint): void {
    this.#open();
    const s = this.current;
    if (deliveryCount !== 1 && this.config.ackPolicy === AckPolicy.None) {
      throw new StoreError(StoreErrorCode.NoAckPolicy);
    }
    if (consumerSeq <= s.ackFloor.consumerSeq) return;
    if (this.config.ackPolicy !== AckPolicy.None) {
      if (streamSeq <= s.delivered.streamSeq) {
        const p = s.pending.get(streamSeq);
        if (p) {
          p.sequence = consumerSeq;
          p.timestamp = ts;
        }
      } else {
        s.pending.set(streamSeq, { sequence: consumerSeq, timestamp: ts });
      }
      if (consumerSeq > s.delivered.consumerSeq) s.delivered.consumerSeq = consumerSeq;
      if (streamSeq > s.delivered.streamSeq) s.delivered.streamSeq = streamSeq;
      if (deliveryCount > 1) s.redelivered.set(streamSeq, deliveryCount - 1);
    } else {
      // In place (two objects a delivery otherwise): state() hands out copies only.
      s.delivered.consumerSeq = s.ackFloor.consumerSeq = consumerSeq;
      s.delivered.streamSeq = s.ackFloor.streamSeq = streamSeq;
    }
    this.changed();
  }

  updateAcks(consumerSeq: number, streamSeq: number): void {
    this.#open();
    const s = this.current;
    if (this.config.ackPolicy === AckPolicy.None) throw new StoreError(StoreErrorCode.NoAckPolicy);
    if (!s.pending.has(streamSeq)) throw new StoreError(StoreErrorCode.MsgNotFound);
    if (consumerSeq <= s.ackFloor.consumerSeq) return;
    if (this.config.ackPolicy === AckPolicy.All) {
      const gap = streamSeq - s.ackFloor.streamSeq;
      s.ackFloor = { consumerSeq, streamSeq };
      for (let seq = streamSeq; seq > streamSeq - gap; seq--) {
        s.pending.delete(seq);
        s.redelivered.delete(seq);
      }
      this.changed();
      return;
    }
    const p = s.pending.get(streamSeq)!;
    s.pending.delete(streamSeq);
    consumerSeq = p.sequence;
    s.redelivered.delete(streamSeq);
    if (s.pending.size === 0) {
      s.ackFloor = { ...s.delivered };
    } else if (consumerSeq === s.ackFloor.consumerSeq + 1) {
      const first = s.ackFloor.consumerSeq === 0;
      s.ackFloor = { consumerSeq, streamSeq };
      if (!first && s.delivered.consumerSeq > consumerSeq) {
        for (let ss = streamSeq + 1; ss < s.delivered.streamSeq; ss++) {
          const next = s.pending.get(ss);
          if (next) {
            if (next.sequence > 0) {
              s.ackFloor = { consumerSeq: next.sequence - 1, streamSeq: ss - 1 };
            }
            break;
          }
        }
      }
    }
    this.changed();
  }

  /** Replaces the state (Go's `Update`), with its sanity checks and error texts. */
  update(state: ConsumerState): void {
    this.#open();
    if (state.ackFloor.consumerSeq > state.delivered.consumerSeq) {
      throw new StoreError(StoreErrorCode.BadAckFloor);
    }
    if (state.ackFloor.streamSeq > state.delivered.streamSeq) {
      throw new StoreError(StoreErrorCode.BadStreamAckFloor);
    }
    for (const seq of state.pending.keys()) {
      if (seq <= state.ackFloor.streamSeq || seq > state.delivered.streamSeq) {
        throw new Error(`bad pending entry, sequence [${seq}] out of range`);
      }
    }
    if (state.delivered.consumerSeq < this.current.delivered.consumerSeq) {
      throw new StoreError(StoreErrorCode.OldUpdate);
    }
    this.current = copyConsumerState(state);
    this.changed();
  }

  state(): ConsumerState {
    this.#open();
    return copyConsumerState(this.current);
  }

  encodedState(): Uint8Array {
    this.#open();
    return encodeConsumerState(this.current);
  }
}
