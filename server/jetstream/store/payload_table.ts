/**
 * @module
 * The payloads of the memory store by sequence. Sequences only grow, so they are kept in a dense
 * array (a deque: removals at the front advance its head), with a `Map` for the rare store whose
 * sequences jump far while it holds messages. Copies of small messages are carved out of shared
 * 64 KiB slabs instead of one `ArrayBuffer` each: hundreds of thousands of retained buffers made
 * every V8 garbage collection slower (the memory store's per-message cost grew with its size).
 * A slab stays alive while any view of it does, so one that is no longer filled and whose live
 * bytes drop below a quarter of it has its survivors copied out to their own buffers (memory
 * held for slab messages is at most about four times their bytes).
 * PURE: no Deno APIs, timers or console output.
 */

import type { Payload } from "./stream_core.ts";

/** Bytes of one slab. */
export const SLAB_BYTES = 64 * 1024;
/** Messages (header + data) above this size get their own buffer. */
export const SLAB_MAX_MSG = 8 * 1024;
/** Largest gap of sequences the dense array fills with holes before switching to a map. */
const MAX_DENSE_GAP = 4096;

/** A shared buffer for small payloads. */
class Slab {
  readonly buf = new Uint8Array(SLAB_BYTES);
  used = 0;
  /** Bytes of its messages still stored. */
  live = 0;
  /** Sequences stored in it (to copy survivors out). */
  readonly seqs: number[] = [];
}

/** A stored payload and the slab holding its bytes (null: own buffers). */
interface Slot extends Payload {
  slab: Slab | null;
}

/**
 * Payloads by sequence (see the module doc).
 *
 * @example
 * ```ts
 * import { PayloadTable } from "./payload_table.ts";
 * const t = new PayloadTable();
 * const data = new TextEncoder().encode("hi");
 * t.add(1, null, data);
 * data[0] = 0; // the table holds a copy
 * if (new TextDecoder().decode(t.get(1)!.data) !== "hi") throw new Error();
 * t.remove(1);
 * if (t.size !== 0 || t.get(1) !== undefined) throw new Error();
 * ```
 */
export class PayloadTable {
  /** Dense mode: the slot of sequence `first + i - head` at `items[i]`. */
  #items: (Slot | undefined)[] = [];
  #head = 0;
  #first = 0;
  #count = 0;
  /** Sparse mode (sequences jumped far): every slot by sequence. */
  #sparse: Map<number, Slot> | null = null;
  /** The slab being filled. */
  #slab: Slab | null = null;

  /** Payloads held. */
  get size(): number {
    return this.#sparse !== null ? this.#sparse.size : this.#count;
  }

  /** The payload of `seq`, or undefined. */
  get(seq: number): Payload | undefined {
    return this.#slot(seq);
  }

  /** Stores a copy of `header` and `data` for `seq` (higher than every sequence held). */
  add(seq: number, header: Uint8Array | null, data: Uint8Array): void {
    const slot = this.#copy(seq, header, data);
    if (this.#sparse !== null && this.#sparse.size === 0) this.#sparse = null;
    const sparse = this.#sparse;
    if (sparse !== null) {
      sparse.set(seq, slot);
      return;
    }
    if (this.#count === 0) {
      this.#items = [];
      this.#head = 0;
      this.#first = seq;
    }
    const at = this.#head + seq - this.#first;
    const items = this.#items;
    if (at < items.length || at - items.length > MAX_DENSE_GAP) {
      this.#toSparse().set(seq, slot);
      return;
    }
    while (items.length < at) items.push(undefined);
    items.push(slot);
    this.#count++;
  }

  /** Removes `seq`; returns its payload (undefined when not held). */
  remove(seq: number): Payload | undefined {
    const slot = this.#take(seq);
    if (slot !== undefined) this.#release(slot, null);
    return slot;
  }

  /** Removes every sequence below `floor`. */
  removeBelow(floor: number): void {
    const touched = new Set<Slab>();
    const sparse = this.#sparse;
    if (sparse !== null) {
      for (const [seq, slot] of sparse) {
        if (seq >= floor) continue;
        sparse.delete(seq);
        this.#release(slot, touched);
      }
    } else {
      let seq = this.#first;
      while (seq < floor && this.#count > 0) {
        const slot = this.#take(seq);
        if (slot !== undefined) this.#release(slot, touched);
        seq = Math.max(seq + 1, this.#first);
      }
    }
    for (const slab of touched) this.#check(slab);
  }

  /** Removes every sequence above `seq`. */
  removeAbove(seq: number): void {
    const touched = new Set<Slab>();
    const sparse = this.#sparse;
    if (sparse !== null) {
      for (const [s, slot] of sparse) {
        if (s <= seq) continue;
        sparse.delete(s);
        this.#release(slot, touched);
      }
    } else {
      const items = this.#items;
      const keep = Math.max(this.#head, this.#head + seq - this.#first + 1);
      for (let i = items.length - 1; i >= keep; i--) {
        const slot = items[i];
        if (slot === undefined) continue;
        this.#count--;
        this.#release(slot, touched);
      }
      if (keep < items.length) items.length = keep;
    }
    for (const slab of touched) this.#check(slab);
  }

  /** Removes everything. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#count = 0;
    this.#sparse = null;
    this.#slab = null;
  }

  #slot(seq: number): Slot | undefined {
    if (this.#sparse !== null) return this.#sparse.get(seq);
    if (seq < this.#first) return undefined;
    return this.#items[this.#head + seq - this.#first];
  }

  /** Unlinks the slot of `seq` (the slab is not told). */
  #take(seq: number): Slot | undefined {
    const sparse = this.#sparse;
    if (sparse !== null) {
      const slot = sparse.get(seq);
      if (slot !== undefined) sparse.delete(seq);
      return slot;
    }
    if (seq < this.#first) return undefined;
    const items = this.#items;
    const at = this.#head + seq - this.#first;
    const slot = items[at];
    if (slot === undefined) return undefined;
    items[at] = undefined;
    this.#count--;
    if (this.#count === 0) {
      this.#items = [];
      this.#head = 0;
      this.#first = seq + 1;
    } else if (at === this.#head) {
      while (items[this.#head] === undefined) {
        this.#head++;
        this.#first++;
      }
      if (this.#head >= 1024 && this.#head * 2 >= items.length) {
        this.#items = items.slice(this.#head);
        this.#head = 0;
      }
    }
    return slot;
  }

  #toSparse(): Map<number, Slot> {
    const sparse = new Map<number, Slot>();
    const items = this.#items;
    for (let i = this.#head; i < items.length; i++) {
      const slot = items[i];
      if (slot !== undefined) sparse.set(this.#first + i - this.#head, slot);
    }
    this.#items = [];
    this.#head = 0;
    this.#count = 0;
    this.#sparse = sparse;
    return sparse;
  }

  #copy(seq: number, header: Uint8Array | null, data: Uint8Array): Slot {
    const hdrLen = header !== null ? header.length : 0;
    const total = hdrLen + data.length;
    if (total === 0) return { header: null, data: new Uint8Array(0), slab: null };
    if (total > SLAB_MAX_MSG) {
      return { header: hdrLen > 0 ? header!.slice() : null, data: data.slice(), slab: null };
    }
    let slab = this.#slab;
    if (slab === null || slab.used + total > SLAB_BYTES) {
      const full = slab;
      slab = this.#slab = new Slab();
      // Removals while it was being filled did not count: it may already be mostly empty.
      if (full !== null) this.#check(full);
    }
    const buf = slab.buf;
    const at = slab.used;
    let hdr: Uint8Array | null = null;
    if (hdrLen > 0) {
      buf.set(header!, at);
      hdr = buf.subarray(at, at + hdrLen);
    }
    buf.set(data, at + hdrLen);
    slab.used = at + total;
    slab.live += total;
    slab.seqs.push(seq);
    return { header: hdr, data: buf.subarray(at + hdrLen, at + total), slab };
  }

  /** A removed slot gives its bytes back to its slab. */
  #release(slot: Slot, touched: Set<Slab> | null): void {
    const slab = slot.slab;
    if (slab === null) return;
    slab.live -= (slot.header?.length ?? 0) + slot.data.length;
    if (touched !== null) touched.add(slab);
    else this.#check(slab);
  }

  /** A full slab mostly emptied: its survivors move to their own buffers. */
  #check(slab: Slab): void {
    if (slab === this.#slab || slab.live === 0 || slab.live * 4 >= SLAB_BYTES) return;
    for (const seq of slab.seqs) {
      const slot = this.#slot(seq);
      if (slot === undefined || slot.slab !== slab) continue;
      slot.header = slot.header !== null ? slot.header.slice() : null;
      slot.data = slot.data.slice();
      slot.slab = null;
    }
    slab.live = 0;
    slab.seqs.length = 0;
  }
}
