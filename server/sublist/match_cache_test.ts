/**
 * @module
 * Unit tests for the byte-keyed match cache: hashing, lookups by bytes and by string, deletion,
 * and the bounded CLOCK sweep.
 */

import assert from "node:assert/strict";
import { CACHE_MAX, CACHE_SWEEP, hashBytes, MatchCache } from "./match_cache.ts";

const encoder = new TextEncoder();

function put(cache: MatchCache<string>, subject: string, result = subject): void {
  const key = encoder.encode(subject);
  cache.set(key, 0, key.length, hashBytes(key, 0, key.length), result);
}

function lookup(cache: MatchCache<string>, subject: string): string | undefined {
  const key = encoder.encode(subject);
  return cache.get(key, 0, key.length, hashBytes(key, 0, key.length));
}

Deno.test("hashBytes depends on exactly the bytes of the given range", () => {
  const line = encoder.encode("PUB foo.bar 2");
  const alone = encoder.encode("foo.bar");
  assert.equal(hashBytes(line, 4, 11), hashBytes(alone, 0, alone.length));
  assert.notEqual(hashBytes(line, 4, 11), hashBytes(line, 4, 10));
  assert.notEqual(hashBytes(alone, 0, 0), hashBytes(encoder.encode("a"), 0, 1));
  const seen = new Set<number>();
  const buckets = new Set<number>();
  for (let i = 0; i < 10_000; i++) {
    const key = encoder.encode(`orders.${i % 40}.item.${i}`);
    seen.add(hashBytes(key, 0, key.length));
    if (i < 1024) buckets.add(hashBytes(key, 0, key.length) & 2047);
  }
  assert.ok(seen.size >= 9_990, `distinct hashes: ${seen.size}`);
  assert.ok(buckets.size > 750, `buckets used by 1024 keys: ${buckets.size}`);
});

Deno.test("match cache admits every key until half full, then keys that missed twice", () => {
  const cache = new MatchCache<string>("empty");
  const hashOf = (subject: string) => {
    const key = encoder.encode(subject);
    return hashBytes(key, 0, key.length);
  };
  for (let i = 0; i < CACHE_SWEEP; i++) {
    assert.equal(cache.admit(hashOf(`warm.${i}`)), true);
    put(cache, `warm.${i}`);
  }
  assert.equal(cache.admit(hashOf("once")), false);
  assert.equal(cache.admit(hashOf("twice")), false);
  assert.equal(cache.admit(hashOf("twice")), true);
  for (let i = 0; i < 20_000; i++) cache.admit(hashOf(`unique.${i}`));
  assert.equal(cache.admit(hashOf("once")), false, "the window was reset");
});

Deno.test("match cache finds entries by their key bytes only", () => {
  const cache = new MatchCache<string>("empty");
  put(cache, "foo.bar", "R1");
  put(cache, "foo.baz", "R2");
  assert.equal(cache.size, 2);
  assert.equal(lookup(cache, "foo.bar"), "R1");
  assert.equal(lookup(cache, "foo.baz"), "R2");
  assert.equal(lookup(cache, "foo.ba"), undefined);
  assert.equal(lookup(cache, "foo.barr"), undefined);
  const buf = encoder.encode("PUB foo.bar 2");
  assert.equal(cache.get(buf, 4, 11, hashBytes(buf, 4, 11)), "R1");
  assert.equal(cache.slotOf(buf, 4, 11, hashBytes(buf, 4, 11)) >= 0, true);
  assert.equal(cache.slotOf(buf, 4, 10, hashBytes(buf, 4, 10)), -1);
});

Deno.test("match cache stores keys longer than an arena segment", () => {
  const cache = new MatchCache<string>("empty");
  const long = "x".repeat(300) + ".y";
  put(cache, long, "L");
  put(cache, "short", "S");
  assert.equal(lookup(cache, long), "L");
  assert.equal(lookup(cache, "x".repeat(300) + ".z"), undefined);
  assert.equal(lookup(cache, "short"), "S");
  const slot = cache.slotOf(
    encoder.encode(long),
    0,
    long.length,
    hashBytes(encoder.encode(long), 0, long.length),
  );
  assert.equal(cache.keyLengthAt(slot), long.length);
  assert.equal(cache.keyOffsetAt(slot), 0);
});

Deno.test("match cache separates keys that share a hash bucket", () => {
  const cache = new MatchCache<string>("empty");
  for (let i = 0; i < CACHE_MAX; i++) put(cache, `s.${i}`);
  assert.equal(cache.size, CACHE_MAX);
  for (let i = 0; i < CACHE_MAX; i++) assert.equal(lookup(cache, `s.${i}`), `s.${i}`);
});

Deno.test("match cache deletes and replaces entries by slot", () => {
  const cache = new MatchCache<string>("empty");
  put(cache, "a");
  put(cache, "b");
  put(cache, "c");
  const b = encoder.encode("b");
  const slot = cache.slotOf(b, 0, 1, hashBytes(b, 0, 1));
  assert.ok(slot >= 0 && cache.isLive(slot));
  const offset = cache.keyOffsetAt(slot);
  const stored = cache.keyBufferAt(slot).subarray(offset, offset + cache.keyLengthAt(slot));
  assert.deepEqual(stored, b);
  cache.replaceAt(slot, "B");
  assert.equal(lookup(cache, "b"), "B");
  cache.deleteAt(slot);
  cache.deleteAt(slot);
  assert.equal(cache.size, 2);
  assert.equal(cache.isLive(slot), false);
  assert.equal(lookup(cache, "b"), undefined);
  assert.equal(lookup(cache, "a"), "a");
  assert.equal(lookup(cache, "c"), "c");
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(lookup(cache, "a"), undefined);
  put(cache, "a");
  assert.equal(lookup(cache, "a"), "a");
});

Deno.test("a full match cache sweeps down to the sweep size and keeps recently hit entries", () => {
  const cache = new MatchCache<string>("empty");
  for (let i = 0; i < CACHE_MAX; i++) put(cache, `k.${i}`);
  for (let i = 0; i < CACHE_MAX; i += 4) assert.equal(lookup(cache, `k.${i}`), `k.${i}`);
  put(cache, "new");
  assert.equal(cache.size, CACHE_SWEEP + 1);
  for (let i = 0; i < CACHE_MAX; i += 4) assert.equal(lookup(cache, `k.${i}`), `k.${i}`);
  assert.equal(lookup(cache, "new"), "new");
  for (let i = 0; i < 10 * CACHE_MAX; i++) {
    put(cache, `more.${i}`);
    assert.ok(cache.size <= CACHE_MAX);
  }
});
