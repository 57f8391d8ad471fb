/**
 * @module
 * The sequence index with pages: queries across pages and the resident part, columns loaded on
 * demand and evicted (changed pages saved first), sealing resident entries, truncating into a
 * page, dropping pages below a sequence.
 */

import assert from "node:assert/strict";
import { SeqIndex } from "./seq_index.ts";
import type { IndexPage, IndexPager, PageColumns } from "./index_pages.ts";

/** A pager over saved copies of page columns, counting loads and saves. */
class MemoryPager implements IndexPager {
  saved = new Map<number, { subject: number[]; size: number[]; ts: bigint[]; slotB: number[] }>();
  loads = 0;
  saves = 0;
  load(page: IndexPage, cols: PageColumns): void {
    this.loads++;
    const s = this.saved.get(page.key)!;
    for (let i = 0; i < s.subject.length; i++) {
      cols.subject[i] = s.subject[i];
      cols.size[i] = s.size[i];
      cols.ts[i] = s.ts[i];
      cols.slotB[i] = s.slotB[i];
    }
  }
  save(page: IndexPage, cols: PageColumns): void {
    this.saves++;
    const n = page.last - page.first + 1;
    this.saved.set(page.key, {
      subject: [...cols.subject.subarray(0, n)],
      size: [...cols.size.subarray(0, n)],
      ts: [...cols.ts.subarray(0, n)],
      slotB: [...cols.slotB.subarray(0, n)],
    });
  }
}

/** Index with blocks of 10 sequences (1-10 key 1, 11-20 key 2, ...) sealed, 41-45 resident. */
function paged(maxLoaded = 1): { x: SeqIndex; pager: MemoryPager } {
  const x = new SeqIndex();
  const pager = new MemoryPager();
  x.usePager(pager, maxLoaded);
  for (let key = 1; key <= 4; key++) {
    const first = (key - 1) * 10 + 1;
    for (let s = first; s < first + 10; s++) {
      x.set(s, s % 3 + 1, s * 10, BigInt(s) * 100n, key, s * 7);
    }
    const cols = {
      subject: Array.from({ length: 10 }, (_, i) => (first + i) % 3 + 1),
      size: Array.from({ length: 10 }, (_, i) => (first + i) * 10),
      ts: Array.from({ length: 10 }, (_, i) => BigInt(first + i) * 100n),
      slotB: Array.from({ length: 10 }, (_, i) => (first + i) * 7),
    };
    pager.saved.set(key, cols);
    x.seal(key, first, first + 9);
  }
  for (let s = 41; s <= 45; s++) x.set(s, 9, 1, BigInt(s), 5, 0);
  return { x, pager };
}

Deno.test("seq index pages answer presence without loading and fields by loading on demand", () => {
  const { x, pager } = paged();
  assert.deepEqual(x.pageCounts(), { pages: 4, loaded: 0 });
  assert.equal(x.has(15), true);
  assert.equal(x.nextPresent(1, 45), 1);
  assert.equal(x.prevPresent(40, 1), 40);
  assert.equal(pager.loads, 0, "presence needs no columns");
  assert.deepEqual([x.subjectId(15), x.size(15), x.ts(15), x.slotA(15), x.slotB(15)], [
    1,
    150,
    1500n,
    2,
    105,
  ]);
  assert.equal(pager.loads, 1);
  assert.equal(x.subjectId(44), 9, "resident entries as before");
  assert.equal(x.nextWithSubject(2, 17, 45), 19);
  assert.equal(x.prevWithSubject(3, 30, 1), 29);
  assert.ok(x.pageCounts().loaded <= 1, "one page loaded at a time");
});

Deno.test("seq index pages save a changed page before evicting it, and reload it changed", () => {
  const { x, pager } = paged();
  x.clear(12);
  x.setSlots(13, 2, 999);
  assert.equal(x.has(12), false);
  assert.equal(x.subjectId(25), 25 % 3 + 1, "loads page 3");
  assert.equal(pager.saves, 1, "page 2 saved when evicted");
  assert.equal(x.has(12), false);
  assert.equal(x.slotB(13), 999);
  assert.equal(x.nextPresent(12, 45), 13);
});

Deno.test("seq index pages: truncating into a page makes it resident, dropping below removes pages", () => {
  const { x } = paged(2);
  x.clear(18);
  x.truncateAbove(17);
  assert.deepEqual(x.pageCounts().pages, 1, "page 1 left; page 2 is resident again");
  assert.equal(x.has(17), true);
  assert.equal(x.has(18), false);
  assert.equal(x.has(41), false);
  assert.equal(x.slotA(17), 2);
  x.set(18, 5, 1, 0n, 2, 1);
  assert.equal(x.subjectId(18), 5);
  x.dropBelow(11);
  assert.deepEqual(x.pageCounts().pages, 0);
  assert.equal(x.has(5), false);
  assert.equal(x.nextPresent(1, 20), 11);
});
