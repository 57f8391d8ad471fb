/**
 * @module
 * The columnar sequence index: growth, gaps, lookups in both directions, dropping the prefix and
 * truncating the tail.
 */

import assert from "node:assert/strict";
import { SeqIndex } from "./seq_index.ts";

Deno.test("seq index grows past its capacity and keeps every field", () => {
  const x = new SeqIndex();
  for (let s = 1; s <= 5000; s++) x.set(s, s % 7, s * 2, BigInt(s) * 10n, s + 1, s + 2);
  assert.equal(x.subjectId(4999), 4999 % 7);
  assert.equal(x.size(4999), 9998);
  assert.equal(x.ts(4999), 49990n);
  assert.deepEqual([x.slotA(4999), x.slotB(4999)], [5000, 5001]);
  assert.equal(x.has(5001), false);
});

Deno.test("seq index finds present sequences and subjects in both directions across gaps", () => {
  const x = new SeqIndex();
  x.set(10, 1, 1, 0n);
  x.set(15, 2, 1, 0n);
  x.set(20, 1, 1, 0n);
  assert.equal(x.has(12), false);
  assert.equal(x.nextPresent(11, 30), 15);
  assert.equal(x.prevPresent(19, 1), 15);
  assert.equal(x.nextWithSubject(1, 11, 30), 20);
  assert.equal(x.prevWithSubject(1, 19, 1), 10);
  x.clear(15);
  assert.equal(x.nextPresent(11, 19), 0);
});

Deno.test("seq index drops its prefix and truncates its tail", () => {
  const x = new SeqIndex();
  for (let s = 1; s <= 10_000; s++) x.set(s, 1, 1, BigInt(s));
  x.dropBelow(9_000);
  assert.equal(x.has(8_999), false);
  assert.equal(x.ts(9_500), 9_500n);
  x.truncateAbove(9_600);
  assert.equal(x.has(9_601), false);
  assert.equal(x.has(9_600), true);
  x.set(9_700, 3, 1, 1n);
  assert.equal(x.nextPresent(9_601, 9_800), 9_700);
  x.reset(20_000);
  assert.equal(x.has(9_700), false);
  x.set(20_000, 1, 1, 1n);
  assert.equal(x.has(20_000), true);
});
