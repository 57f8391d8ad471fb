/**
 * @module
 * The per-sequence index both stores keep in memory: for every sequence from `base` on, its
 * subject id (-1 when the sequence holds no message), accounted size and timestamp, plus two
 * 32-bit slots the file store uses for the record's block and offset. Columnar typed arrays, so
 * a million messages cost about 28 MB and no objects. The dead prefix is dropped lazily.
 * PURE: no Deno APIs, timers or console output.
 */

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

  /** Forgets everything; the next sequence set must be >= `base`. */
  reset(base: number): void {
    this.#base = base;
    this.#length = 0;
    if (this.#subject.length > INITIAL_CAPACITY * 64) this.#allocate(INITIAL_CAPACITY);
  }

  /**
   * Makes room for sequences up to `last` at once (a recovery that knows its range: one
   * allocation instead of doublings; slots never written cost no memory).
   */
  reserve(last: number): void {
    const needed = last - this.#base + 1;
    if (needed > this.#subject.length) this.#allocate(needed);
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
    return i >= 0 && i < this.#length && this.#subject[i] !== ABSENT;
  }

  /** Subject id at `seq`, or -1. */
  subjectId(seq: number): number {
    const i = seq - this.#base;
    return i >= 0 && i < this.#length ? this.#subject[i] : ABSENT;
  }

  /** Accounted size at `seq` (only meaningful when present). */
  size(seq: number): number {
    return this.#size[seq - this.#base];
  }

  /** Timestamp at `seq` (only meaningful when present). */
  ts(seq: number): bigint {
    return this.#ts[seq - this.#base];
  }

  slotA(seq: number): number {
    return this.#slotA[seq - this.#base];
  }

  slotB(seq: number): number {
    return this.#slotB[seq - this.#base];
  }

  /** Updates the file location of a present message (block rewrite). */
  setSlots(seq: number, slotA: number, slotB: number): void {
    const i = seq - this.#base;
    this.#slotA[i] = slotA;
    this.#slotB[i] = slotB;
  }

  /** Marks `seq` absent. */
  clear(seq: number): void {
    const i = seq - this.#base;
    if (i >= 0 && i < this.#length) this.#subject[i] = ABSENT;
  }

  /** First present sequence in [from, to], or 0. */
  nextPresent(from: number, to: number): number {
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
    return 0;
  }

  /** First sequence in [from, to] holding subject id `id`, or 0. */
  nextWithSubject(id: number, from: number, to: number): number {
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
    return 0;
  }

  /** Drops slots below `seq` (they must all be absent or no longer wanted). */
  dropBelow(seq: number): void {
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

  /** Forgets sequences above `seq`. */
  truncateAbove(seq: number): void {
    const n = seq - this.#base + 1;
    if (n < this.#length) this.#length = Math.max(n, 0);
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
