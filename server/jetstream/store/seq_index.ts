/**
 * @module
 * The per-sequence index of both stores: for every sequence from `base` on, its subject id (-1
 * when the sequence holds no message), accounted size and timestamp, plus two 32-bit slots the
 * file store uses for the record's block and offset. Columnar typed arrays, so a million
 * messages cost about 24 MB and no objects. The dead prefix is dropped lazily.
 *
 * Below `base`, the file store keeps sealed blocks as pages (index_pages.ts): presence bits in
 * memory, columns loaded on demand. Every query works across pages and the resident part alike.
 * PURE: no Deno APIs, timers or console output.
 */

import {
  clearPresent,
  type IndexPage,
  type IndexPager,
  isPresent,
  nextPresentIn,
  PageSet,
  prevPresentIn,
} from "./index_pages.ts";

const ABSENT = -1;
const INITIAL_CAPACITY = 1024;

/** Columnar seq -> (subject id, size, ts, slotA, slotB) index. */
export class SeqIndex {
  /** Sequence held in slot 0. */
  #base = 1;
  /** Slots in use: sequences base .. base + length - 1. */
  #length = 0;
  #subject = new Int32Array(INITIAL_CAPACITY);
  #size = new Uint32Array(INITIAL_CAPACITY);
  #ts = new BigInt64Array(INITIAL_CAPACITY);
  /** The same bytes as `#ts`, as 32-bit halves (bulk copies without a BigInt per entry). */
  #ts32 = new Uint32Array(this.#ts.buffer);
  #slotA = new Uint32Array(INITIAL_CAPACITY);
  #slotB = new Uint32Array(INITIAL_CAPACITY);
  /** Sealed ranges below `#base`. */
  readonly #pages = new PageSet();

  /** Keeps sealed ranges as pages loaded through `pager`, at most `maxLoaded` at a time. */
  usePager(pager: IndexPager, maxLoaded = 4): void {
    this.#pages.pager = pager;
    this.#pages.maxLoaded = Math.max(1, maxLoaded);
  }

  /** Forgets everything; the next sequence set must be >= `base`. */
  reset(base: number): void {
    this.#pages.clear();
    this.#base = base;
    this.#length = 0;
    if (this.#subject.length > INITIAL_CAPACITY * 64) this.#allocate(INITIAL_CAPACITY);
  }

  /** Records a message at `seq` (>= base; gaps in between become absent). */
  set(seq: number, subjectId: number, size: number, ts: bigint, slotA = 0, slotB = 0): void {
    let i = seq - this.#base;
    if (i < 0) throw new RangeError(`seq ${seq} below index base ${this.#base}`);
    if (i >= this.#subject.length) {
      this.#makeRoom(i + 1);
      i = seq - this.#base;
    }
    if (i >= this.#length) {
      if (i > this.#length) this.#subject.fill(ABSENT, this.#length, i);
      this.#length = i + 1;
    }
    this.#subject[i] = subjectId;
    this.#size[i] = size;
    this.#ts[i] = ts;
    this.#slotA[i] = slotA;
    this.#slotB[i] = slotB;
  }

  /**
   * Records the messages `seqs[from..to)` (ascending, above every sequence set so far) at once:
   * entry k has subject id `subjectMap[subjectIndex[k] + 1]`, size `sizes[k]`, time `ts[k]`,
   * slots `slotA` and `slotB[k]`.
   */
  setMany(
    seqs: Float64Array,
    from: number,
    to: number,
    subjectIndex: Int32Array,
    subjectMap: Int32Array,
    sizes: Uint32Array,
    ts: BigInt64Array,
    slotA: number,
    slotB: Uint32Array,
  ): void {
    if (from >= to) return;
    if (seqs[from] < this.#base) throw new RangeError(`seq ${seqs[from]} below index base`);
    const lastIndex = seqs[to - 1] - this.#base;
    if (lastIndex >= this.#subject.length) this.#makeRoom(lastIndex + 1);
    const base = this.#base;
    const subject = this.#subject, size = this.#size, ts32 = this.#ts32;
    const a = this.#slotA, b = this.#slotB;
    const src32 = new Uint32Array(ts.buffer, ts.byteOffset, ts.length * 2);
    let length = this.#length;
    for (let k = from; k < to; k++) {
      const i = seqs[k] - base;
      if (i > length) subject.fill(ABSENT, length, i);
      if (i >= length) length = i + 1;
      subject[i] = subjectMap[subjectIndex[k] + 1];
      size[i] = sizes[k];
      ts32[2 * i] = src32[2 * k];
      ts32[2 * i + 1] = src32[2 * k + 1];
      a[i] = slotA;
      b[i] = slotB[k];
    }
    this.#length = length;
  }

  /** Whether `seq` holds a message. */
  has(seq: number): boolean {
    const i = seq - this.#base;
    if (i >= 0) return i < this.#length && this.#subject[i] !== ABSENT;
    const p = this.#pages.find(seq);
    return p !== null && isPresent(p, seq);
  }

  /** Subject id at `seq`, or -1. */
  subjectId(seq: number): number {
    const i = seq - this.#base;
    if (i >= 0) return i < this.#length ? this.#subject[i] : ABSENT;
    const p = this.#pages.find(seq);
    if (p === null || !isPresent(p, seq)) return ABSENT;
    return this.#pages.cols(p).subject[seq - p.first];
  }

  /** Accounted size at `seq` (only meaningful when present). */
  size(seq: number): number {
    const i = seq - this.#base;
    if (i >= 0) return this.#size[i];
    const p = this.#pages.find(seq);
    return p === null ? 0 : this.#pages.cols(p).size[seq - p.first];
  }

  /** Timestamp at `seq` (only meaningful when present). */
  ts(seq: number): bigint {
    const i = seq - this.#base;
    if (i >= 0) return this.#ts[i];
    const p = this.#pages.find(seq);
    return p === null ? 0n : this.#pages.cols(p).ts[seq - p.first];
  }

  /** Half `word` (0 low, 1 high) of the timestamp at `seq` as a u32 (copies without a BigInt). */
  tsWord(seq: number, word: 0 | 1): number {
    const i = seq - this.#base;
    if (i >= 0) return this.#ts32[2 * i + word];
    const p = this.#pages.find(seq);
    return p === null ? 0 : this.#pages.cols(p).ts32[2 * (seq - p.first) + word];
  }

  slotA(seq: number): number {
    const i = seq - this.#base;
    if (i >= 0) return this.#slotA[i];
    return this.#pages.find(seq)?.key ?? 0;
  }

  slotB(seq: number): number {
    const i = seq - this.#base;
    if (i >= 0) return this.#slotB[i];
    const p = this.#pages.find(seq);
    return p === null ? 0 : this.#pages.cols(p).slotB[seq - p.first];
  }

  /** Updates the file location of a present message (block rewrite: same block). */
  setSlots(seq: number, slotA: number, slotB: number): void {
    const i = seq - this.#base;
    if (i >= 0) {
      this.#slotA[i] = slotA;
      this.#slotB[i] = slotB;
      return;
    }
    const p = this.#pages.find(seq);
    if (p === null) return;
    this.#pages.cols(p).slotB[seq - p.first] = slotB;
    p.dirty = true;
  }

  /** Marks `seq` absent. */
  clear(seq: number): void {
    const i = seq - this.#base;
    if (i >= 0) {
      if (i < this.#length) this.#subject[i] = ABSENT;
      return;
    }
    const p = this.#pages.find(seq);
    if (p === null || !isPresent(p, seq)) return;
    this.#pages.cols(p).subject[seq - p.first] = ABSENT;
    clearPresent(p, seq);
    p.dirty = true;
  }

  /** First present sequence in [from, to], or 0. */
  nextPresent(from: number, to: number): number {
    if (from < this.#base && this.#pages.pages.length > 0) {
      const pages = this.#pages.pages;
      for (let k = this.#pages.indexFrom(from); k < pages.length && pages[k].first <= to; k++) {
        const s = nextPresentIn(pages[k], from, to);
        if (s > 0) return s;
      }
    }
    let i = Math.max(from - this.#base, 0);
    const end = Math.min(to - this.#base, this.#length - 1);
    const subjects = this.#subject;
    for (; i <= end; i++) if (subjects[i] !== ABSENT) return i + this.#base;
    return 0;
  }

  /** Last present sequence in [from, to], or 0. */
  prevPresent(to: number, from: number): number {
    let i = Math.min(to - this.#base, this.#length - 1);
    const end = Math.max(from - this.#base, 0);
    const subjects = this.#subject;
    for (; i >= end; i--) if (subjects[i] !== ABSENT) return i + this.#base;
    if (from >= this.#base || this.#pages.pages.length === 0) return 0;
    const pages = this.#pages.pages;
    for (let k = Math.min(this.#pages.indexFrom(to), pages.length - 1); k >= 0; k--) {
      if (pages[k].last < from) break;
      const s = prevPresentIn(pages[k], to, from);
      if (s > 0) return s;
    }
    return 0;
  }

  /** First sequence in [from, to] holding subject id `id`, or 0. */
  nextWithSubject(id: number, from: number, to: number): number {
    if (from < this.#base && this.#pages.pages.length > 0) {
      const pages = this.#pages.pages;
      for (let k = this.#pages.indexFrom(from); k < pages.length && pages[k].first <= to; k++) {
        const s = this.#subjectIn(pages[k], id, from, to, 1);
        if (s > 0) return s;
      }
    }
    let i = Math.max(from - this.#base, 0);
    const end = Math.min(to - this.#base, this.#length - 1);
    const subjects = this.#subject;
    for (; i <= end; i++) if (subjects[i] === id) return i + this.#base;
    return 0;
  }

  /** Last sequence in [from, to] holding subject id `id`, or 0. */
  prevWithSubject(id: number, to: number, from: number): number {
    let i = Math.min(to - this.#base, this.#length - 1);
    const end = Math.max(from - this.#base, 0);
    const subjects = this.#subject;
    for (; i >= end; i--) if (subjects[i] === id) return i + this.#base;
    if (from >= this.#base || this.#pages.pages.length === 0) return 0;
    const pages = this.#pages.pages;
    for (let k = Math.min(this.#pages.indexFrom(to), pages.length - 1); k >= 0; k--) {
      if (pages[k].last < from) break;
      const s = this.#subjectIn(pages[k], id, to, from, -1);
      if (s > 0) return s;
    }
    return 0;
  }

  /** The first (step 1) or last (step -1) sequence of page `p` between a and b with subject `id`. */
  #subjectIn(p: IndexPage, id: number, a: number, b: number, step: 1 | -1): number {
    const lo = Math.max(Math.min(a, b), p.first), hi = Math.min(Math.max(a, b), p.last);
    if (lo > hi || nextPresentIn(p, lo, hi) === 0) return 0;
    const subjects = this.#pages.cols(p).subject;
    if (step === 1) {
      for (let s = lo; s <= hi; s++) if (subjects[s - p.first] === id) return s;
    } else {
      for (let s = hi; s >= lo; s--) if (subjects[s - p.first] === id) return s;
    }
    return 0;
  }

  /**
   * Adds the sealed range `first..last` with slotA `key` and presence bits `present` as a page
   * (columns loaded through the pager when needed). The resident part must be empty; it then
   * starts after `last`.
   */
  addPage(key: number, first: number, last: number, present: Uint8Array): void {
    if (this.#length > 0) throw new RangeError("index page added above resident entries");
    this.#pages.add({ key, first, last, present, cols: null, dirty: false });
    this.#base = last + 1;
  }

  /**
   * Turns the resident entries up to `last` (those of sealed block `key`, from `first`; their
   * columns were just saved by the caller) into a page; the resident part starts after `last`.
   */
  seal(key: number, first: number, last: number): void {
    const n = last - first + 1;
    const present = new Uint8Array((n + 7) >> 3);
    for (let s = Math.max(first, this.#base); s <= last && s < this.#base + this.#length; s++) {
      if (this.#subject[s - this.#base] === ABSENT) continue;
      const i = s - first;
      present[i >> 3] |= 1 << (i & 7);
    }
    this.#shiftTo(last + 1);
    this.#pages.add({ key, first, last, present, cols: null, dirty: false });
  }

  /** The page of block `key` was saved: it is no longer changed. */
  markSaved(key: number): void {
    for (const p of this.#pages.pages) if (p.key === key) p.dirty = false;
  }

  /** Saves every changed loaded page (a clean stop). */
  saveDirtyPages(): void {
    this.#pages.saveDirty();
  }

  /** Pages, and how many have their columns loaded (tests and monitoring). */
  pageCounts(): { pages: number; loaded: number } {
    return { pages: this.#pages.pages.length, loaded: this.#pages.loadedCount };
  }

  /** Drops slots below `seq` (they must all be absent or no longer wanted). */
  dropBelow(seq: number): void {
    if (seq <= this.#base) {
      this.#pages.dropBelow(seq);
      return;
    }
    this.#pages.clear();
    this.#shiftTo(seq);
  }

  /** Makes `seq` the resident base (entries below it dropped). */
  #shiftTo(seq: number): void {
    const dead = seq - this.#base;
    if (dead <= 0) return;
    if (dead >= this.#length) {
      this.#base = seq;
      this.#length = 0;
      return;
    }
    // Shift only when the dead prefix is large, so the cost is amortized.
    if (dead * 2 < this.#length && dead < 4096) {
      this.#subject.fill(ABSENT, 0, dead);
      return;
    }
    const n = this.#length - dead;
    this.#subject.copyWithin(0, dead, this.#length);
    this.#size.copyWithin(0, dead, this.#length);
    this.#ts.copyWithin(0, dead, this.#length);
    this.#slotA.copyWithin(0, dead, this.#length);
    this.#slotB.copyWithin(0, dead, this.#length);
    this.#base = seq;
    this.#length = n;
  }

  /**
   * Forgets sequences above `seq`. When `seq` is in a page, that page becomes the resident part
   * (its block is the active one again).
   */
  truncateAbove(seq: number): void {
    const n = seq - this.#base + 1;
    if (n > 0) {
      if (n < this.#length) this.#length = n;
      return;
    }
    this.#pages.dropAbove(seq);
    const p = this.#pages.find(seq);
    this.#length = 0;
    if (p === null) {
      this.#base = seq + 1;
      return;
    }
    const cols = this.#pages.cols(p);
    const count = seq - p.first + 1;
    this.#pages.remove(p);
    this.#base = p.first;
    if (count > this.#subject.length) this.#makeRoom(count);
    for (let i = 0; i < count; i++) {
      this.#subject[i] = isPresent(p, p.first + i) ? cols.subject[i] : ABSENT;
      this.#size[i] = cols.size[i];
      this.#ts32[2 * i] = cols.ts32[2 * i];
      this.#ts32[2 * i + 1] = cols.ts32[2 * i + 1];
      this.#slotA[i] = p.key;
      this.#slotB[i] = cols.slotB[i];
    }
    this.#length = count;
  }

  #makeRoom(needed: number): void {
    let capacity = Math.max(this.#subject.length, INITIAL_CAPACITY);
    while (capacity < needed) capacity *= 2;
    this.#allocate(capacity);
  }

  #allocate(capacity: number): void {
    const n = Math.min(this.#length, capacity);
    const subject = new Int32Array(capacity);
    subject.set(this.#subject.subarray(0, n));
    const size = new Uint32Array(capacity);
    size.set(this.#size.subarray(0, n));
    const ts = new BigInt64Array(capacity);
    ts.set(this.#ts.subarray(0, n));
    const slotA = new Uint32Array(capacity);
    slotA.set(this.#slotA.subarray(0, n));
    const slotB = new Uint32Array(capacity);
    slotB.set(this.#slotB.subarray(0, n));
    this.#subject = subject;
    this.#size = size;
    this.#ts = ts;
    this.#ts32 = new Uint32Array(ts.buffer);
    this.#slotA = slotA;
    this.#slotB = slotB;
    this.#length = n;
  }
}
