/**
 * @module
 * The sealed part of the sequence index (seq_index.ts) kept out of memory: one page per sealed
 * file-store block, covering the block's sequence range. A page always holds its presence bits
 * (one bit per sequence: the index answers `has` and scans for present sequences without the
 * page's columns), and loads its columns (subject id, size, time, offset) on demand through an
 * {@link IndexPager} (the file store reads the block's summary). At most a few pages are loaded
 * at a time, least recently used first out; a changed page is saved by the pager before its
 * columns are dropped. Evicted column arrays are reused for the next load (fresh memory is what
 * costs most). The memory store never has pages.
 * PURE: no Deno APIs, timers or console output.
 */

/** A page's columns, indexed by `seq - page.first`. Absent sequences have subject -1. */
export interface PageColumns {
  subject: Int32Array;
  size: Uint32Array;
  ts: BigInt64Array;
  /** The same bytes as `ts`, as 32-bit halves. */
  ts32: Uint32Array;
  slotB: Uint32Array;
}

/** A sealed range of the index (one file-store block). */
export interface IndexPage {
  /** slotA of every entry (the block id). */
  readonly key: number;
  readonly first: number;
  last: number;
  /** Presence bits: bit i (byte i >> 3, bit i & 7) is sequence first + i. */
  present: Uint8Array;
  cols: PageColumns | null;
  /** Changed since it was last saved or loaded. */
  dirty: boolean;
}

/** Loads and saves page columns (the file store: block summaries). */
export interface IndexPager {
  /**
   * Fills `cols` (length last - first + 1) with page `page`'s entries (and marks it dirty when
   * they did not come from where `save` puts them); throws when it cannot.
   */
  load(page: IndexPage, cols: PageColumns): void;
  /** Saves a changed page (before its columns are dropped). */
  save(page: IndexPage, cols: PageColumns): void;
}

/** New columns for `n` entries. */
export function newColumns(n: number): PageColumns {
  const ts = new BigInt64Array(n);
  return {
    subject: new Int32Array(n),
    size: new Uint32Array(n),
    ts,
    ts32: new Uint32Array(ts.buffer),
    slotB: new Uint32Array(n),
  };
}

/** Whether `seq` (inside `p`) is present. */
export function isPresent(p: IndexPage, seq: number): boolean {
  const i = seq - p.first;
  return (p.present[i >> 3] & (1 << (i & 7))) !== 0;
}

/** Marks `seq` (inside `p`) absent. */
export function clearPresent(p: IndexPage, seq: number): void {
  const i = seq - p.first;
  p.present[i >> 3] &= ~(1 << (i & 7));
}

/** First present sequence of `p` in [from, to], or 0. */
export function nextPresentIn(p: IndexPage, from: number, to: number): number {
  let i = Math.max(from, p.first) - p.first;
  const end = Math.min(to, p.last) - p.first;
  const bits = p.present;
  while (i <= end) {
    if ((i & 7) === 0 && bits[i >> 3] === 0) {
      i += 8;
      continue;
    }
    if ((bits[i >> 3] & (1 << (i & 7))) !== 0) return p.first + i;
    i++;
  }
  return 0;
}

/** Last present sequence of `p` in [from, to], or 0. */
export function prevPresentIn(p: IndexPage, to: number, from: number): number {
  let i = Math.min(to, p.last) - p.first;
  const end = Math.max(from, p.first) - p.first;
  const bits = p.present;
  while (i >= end) {
    if ((i & 7) === 7 && bits[i >> 3] === 0) {
      i -= 8;
      continue;
    }
    if ((bits[i >> 3] & (1 << (i & 7))) !== 0) return p.first + i;
    i--;
  }
  return 0;
}

/** The pages of an index, ascending and disjoint, with the loaded ones in LRU order. */
export class PageSet {
  readonly pages: IndexPage[] = [];
  #loaded: IndexPage[] = [];
  #pool: PageColumns[] = [];
  #hit: IndexPage | null = null;
  pager: IndexPager | null = null;
  maxLoaded = 4;

  /** The page holding `seq`, or null. */
  find(seq: number): IndexPage | null {
    const h = this.#hit;
    if (h !== null && seq >= h.first && seq <= h.last) return h;
    const i = this.indexFrom(seq);
    const p = this.pages[i];
    if (p === undefined || seq < p.first) return null;
    this.#hit = p;
    return p;
  }

  /** Position of the first page whose last sequence is >= `seq` (pages.length when none). */
  indexFrom(seq: number): number {
    const pages = this.pages;
    let lo = 0, hi = pages.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pages[mid].last < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The columns of `p`, loaded when needed (evicting the least recently used page). */
  cols(p: IndexPage): PageColumns {
    const loaded = this.#loaded;
    if (p.cols !== null) {
      if (loaded[loaded.length - 1] !== p) {
        const at = loaded.indexOf(p);
        if (at >= 0) loaded.splice(at, 1);
        loaded.push(p);
      }
      return p.cols;
    }
    while (loaded.length >= this.maxLoaded) this.#evict(loaded.shift()!);
    const n = p.last - p.first + 1;
    const cols = this.#columns(n);
    if (this.pager === null) throw new Error("index page without a pager");
    p.dirty = false;
    // The pager may mark it changed (rebuilt from elsewhere than where it saves it).
    this.pager.load(p, cols);
    p.cols = cols;
    loaded.push(p);
    return cols;
  }

  /** Appends `p` (above every page). */
  add(p: IndexPage): void {
    const last = this.pages[this.pages.length - 1];
    if (last !== undefined && p.first <= last.last) throw new RangeError("index pages overlap");
    this.pages.push(p);
  }

  /** Removes the pages entirely below `seq`. */
  dropBelow(seq: number): void {
    let n = 0;
    while (n < this.pages.length && this.pages[n].last < seq) n++;
    for (const p of this.pages.splice(0, n)) this.#forget(p);
  }

  /** Removes the pages entirely above `seq`. */
  dropAbove(seq: number): void {
    while (this.pages.length > 0 && this.pages[this.pages.length - 1].first > seq) {
      this.#forget(this.pages.pop()!);
    }
  }

  /** Removes `p` (its columns are not saved). */
  remove(p: IndexPage): void {
    const at = this.pages.indexOf(p);
    if (at >= 0) this.pages.splice(at, 1);
    this.#forget(p);
  }

  clear(): void {
    for (const p of this.pages) this.#forget(p);
    this.pages.length = 0;
  }

  /** Saves every changed loaded page. */
  saveDirty(): void {
    for (const p of this.#loaded) {
      if (p.dirty && p.cols !== null) {
        this.pager?.save(p, p.cols);
        p.dirty = false;
      }
    }
  }

  /** Loaded pages (for tests and monitoring). */
  get loadedCount(): number {
    return this.#loaded.length;
  }

  #evict(p: IndexPage): void {
    if (p.dirty && p.cols !== null) this.pager?.save(p, p.cols);
    p.dirty = false;
    if (p.cols !== null && this.#pool.length < 2) this.#pool.push(p.cols);
    p.cols = null;
  }

  #forget(p: IndexPage): void {
    const at = this.#loaded.indexOf(p);
    if (at >= 0) this.#loaded.splice(at, 1);
    if (this.#hit === p) this.#hit = null;
    p.cols = null;
  }

  /** Columns for `n` entries: a pooled set when one is large enough. */
  #columns(n: number): PageColumns {
    for (let i = 0; i < this.#pool.length; i++) {
      const c = this.#pool[i];
      if (c.subject.buffer.byteLength / 4 < n) continue;
      this.#pool.splice(i, 1);
      const ts = new BigInt64Array(c.ts.buffer, 0, n);
      return {
        subject: new Int32Array(c.subject.buffer, 0, n),
        size: new Uint32Array(c.size.buffer, 0, n),
        ts,
        ts32: new Uint32Array(c.ts.buffer, 0, 2 * n),
        slotB: new Uint32Array(c.slotB.buffer, 0, n),
      };
    }
    return newColumns(n);
  }
}
