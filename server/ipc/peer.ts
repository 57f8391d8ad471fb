/**
 * @module
 * The peer interface every mesh worker sees every other one through (shard workers, and link
 * workers for routes, gateways and leaf nodes), and {@link RingPeer}, its implementation on
 * the outbound ring to that peer. Sends never fail for lack of space: when the ring is full,
 * records wait, in order, in a spill buffer, and `backlogged` tells the caller to stop reading
 * its sockets until {@link MeshPeer.drained} resolves (back-pressure bounded by one read).
 * PURE: no Deno APIs, timers or console output. Runs in every mesh worker.
 */

import { copyBytes } from "../protocol/copy.ts";
import type { MsgOp } from "../protocol/sink.ts";
import type { WorkerRole } from "./control.ts";
import {
  accountFrameLength,
  BARRIER_BYTES,
  encodeAccount,
  encodeBarrier,
  encodeInterest,
  encodePub,
  interestFrameLength,
  type InterestRecord,
  pubFrameLength,
} from "./frames.ts";
import type { RingProducer } from "./ring.ts";

/** Another worker of the mesh, as a sender sees it. */
export interface MeshPeer {
  /** The peer's worker id. */
  readonly id: number;
  readonly role: WorkerRole;
  /**
   * Sends one copy of a published message for account index `account`, asking the peer to
   * serve the first `queueCount` queue groups named in `queues`. False when the record can
   * never fit the peer's ring (the caller splits or falls back); true otherwise.
   */
  sendPub(
    account: number,
    op: MsgOp,
    queues: readonly Uint8Array[] | null,
    queueCount: number,
  ): boolean;
  /** Sends an interest change (SUB/UNSUB with weight). */
  sendInterest(interest: InterestRecord): void;
  /** Binds account index `index` to `name` (UTF-8) for the records that follow. */
  sendAccount(index: number, name: Uint8Array): void;
  /** Sends a barrier; the peer answers with {@link barrierAck} once all before it is applied. */
  barrier(seq: number): void;
  /** Answers a barrier received from this peer. */
  barrierAck(seq: number): void;
  /** Makes everything sent visible to the peer (once per socket read or ring drain). */
  flush(): void;
  /** Records wait in memory because the ring was full: stop reading until {@link drained}. */
  readonly backlogged: boolean;
  /** Resolves true once nothing waits in memory, or false when the ring was closed. */
  drained(): Promise<boolean>;
  /** Closes the ring to the peer (it died or the server stops). */
  close(): void;
}

const INITIAL_SPILL = 4096;

/**
 * A {@link MeshPeer} writing to the outbound ring of one peer.
 *
 * @example
 * ```ts
 * import { createRing, RingConsumer, RingProducer } from "./ring.ts";
 * import { RingPeer } from "./peer.ts";
 * import { decodeBarrierSeq, FrameKind } from "./frames.ts";
 * const sab = createRing(4096);
 * const peer = new RingPeer(1, "shard", RingProducer.attach(sab));
 * peer.barrier(42);
 * peer.flush();
 * const consumer = RingConsumer.attach(sab);
 * const start = consumer.next();
 * if (consumer.buf[start] !== FrameKind.Barrier) throw new Error();
 * if (decodeBarrierSeq(consumer.buf, start) !== 42) throw new Error();
 * ```
 */
export class RingPeer implements MeshPeer {
  readonly id: number;
  readonly role: WorkerRole;
  readonly #producer: RingProducer;
  readonly #ring: Uint8Array;
  /** Records that did not fit: `u32 length` + bytes each, from `#spillStart` to `#spillEnd`. */
  #spill = new Uint8Array(0);
  #spillStart = 0;
  #spillEnd = 0;
  /** Where the record being written goes: the ring's buffer or the spill buffer. */
  #target: Uint8Array;
  #fullWaits = 0;
  /** Most bytes the spill buffer ever held at once. */
  #spillPeak = 0;

  constructor(id: number, role: WorkerRole, producer: RingProducer) {
    this.id = id;
    this.role = role;
    this.#producer = producer;
    this.#ring = producer.buf;
    this.#target = producer.buf;
  }

  get backlogged(): boolean {
    return this.#spillEnd > this.#spillStart;
  }

  /** Bytes waiting in memory for ring space. */
  get spilledBytes(): number {
    return this.#spillEnd - this.#spillStart;
  }

  /** Most bytes ever waiting in the spill buffer at once (the bound back-pressure keeps). */
  get spillPeak(): number {
    return this.#spillPeak;
  }

  /** Times a record found the ring full and went to the spill buffer. */
  get fullWaits(): number {
    return this.#fullWaits;
  }

  /** Whether the ring was closed (by either side). */
  get closed(): boolean {
    return this.#producer.closed;
  }

  sendPub(
    account: number,
    op: MsgOp,
    queues: readonly Uint8Array[] | null,
    queueCount: number,
  ): boolean {
    const length = pubFrameLength(op, queues, queueCount);
    if (length > this.#producer.maxRecordBytes) return false;
    const at = this.#begin(length);
    encodePub(this.#target, at, account, op, queues, queueCount);
    this.#end(length);
    return true;
  }

  sendInterest(interest: InterestRecord): void {
    const length = interestFrameLength(interest);
    const at = this.#begin(length);
    encodeInterest(this.#target, at, interest);
    this.#end(length);
  }

  sendAccount(index: number, name: Uint8Array): void {
    const length = accountFrameLength(name.length);
    const at = this.#begin(length);
    encodeAccount(this.#target, at, index, name);
    this.#end(length);
  }

  barrier(seq: number): void {
    const at = this.#begin(BARRIER_BYTES);
    encodeBarrier(this.#target, at, seq, false);
    this.#end(BARRIER_BYTES);
  }

  barrierAck(seq: number): void {
    const at = this.#begin(BARRIER_BYTES);
    encodeBarrier(this.#target, at, seq, true);
    this.#end(BARRIER_BYTES);
  }

  flush(): void {
    if (this.#spillEnd > this.#spillStart) this.#moveSpill();
    this.#producer.publish();
  }

  async drained(): Promise<boolean> {
    for (;;) {
      this.flush();
      if (this.#spillEnd === this.#spillStart) return true;
      const spill = this.#spill;
      const at = this.#spillStart;
      const length = spill[at] | (spill[at + 1] << 8) | (spill[at + 2] << 16) |
        (spill[at + 3] << 24);
      if (!(await this.#producer.waitForSpace(length))) return false;
    }
  }

  close(): void {
    this.#producer.close();
  }

  /** Starts a record of `length` bytes; returns where it goes in `#target`. */
  #begin(length: number): number {
    if (this.#spillEnd === this.#spillStart) {
      const at = this.#producer.tryReserve(length);
      if (at >= 0) {
        this.#target = this.#ring;
        return at;
      }
      this.#fullWaits++;
    }
    const need = this.#spillEnd + 4 + length;
    if (need > this.#spill.length) this.#growSpill(4 + length);
    const spill = this.#spill;
    const at = this.#spillEnd;
    spill[at] = length;
    spill[at + 1] = length >>> 8;
    spill[at + 2] = length >>> 16;
    spill[at + 3] = length >>> 24;
    this.#target = spill;
    return at + 4;
  }

  /** Finishes the record started by {@link #begin}. */
  #end(length: number): void {
    if (this.#target === this.#ring) this.#producer.commit(length);
    else {
      this.#spillEnd += 4 + length;
      const held = this.#spillEnd - this.#spillStart;
      if (held > this.#spillPeak) this.#spillPeak = held;
    }
  }

  /** Makes room for `extra` more spill bytes, moving live records to the front. */
  #growSpill(extra: number): void {
    const live = this.#spillEnd - this.#spillStart;
    let size = Math.max(INITIAL_SPILL, this.#spill.length);
    while (size < live + extra) size *= 2;
    if (size === this.#spill.length) this.#spill.copyWithin(0, this.#spillStart, this.#spillEnd);
    else {
      const next = new Uint8Array(size);
      next.set(this.#spill.subarray(this.#spillStart, this.#spillEnd), 0);
      this.#spill = next;
    }
    this.#spillStart = 0;
    this.#spillEnd = live;
  }

  /** Moves spilled records into the ring, in order, while they fit. */
  #moveSpill(): void {
    const producer = this.#producer;
    const ring = this.#ring;
    const spill = this.#spill;
    let at = this.#spillStart;
    while (at < this.#spillEnd) {
      const length = spill[at] | (spill[at + 1] << 8) | (spill[at + 2] << 16) |
        (spill[at + 3] << 24);
      const to = producer.tryReserve(length);
      if (to < 0) break;
      copyBytes(ring, to, spill, at + 4, at + 4 + length);
      producer.commit(length);
      at += 4 + length;
    }
    if (at === this.#spillEnd) {
      this.#spillStart = 0;
      this.#spillEnd = 0;
    } else this.#spillStart = at;
  }
}
