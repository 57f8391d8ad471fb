/**
 * @module
 * Conformance suite for {@link Sublist}, run once with the match cache and once without.
 * Cases follow nats-server's `server/sublist_test.go` (behaviour, not code) plus a randomized
 * differential test against a brute-force scan with {@link subjectMatches}.
 */

import assert from "node:assert/strict";
import { CACHE_MAX } from "./match_cache.ts";
import { subjectMatches } from "./subject_match.ts";
import {
  addSublistCounters,
  EMPTY_RESULT,
  type MatchResult,
  Sublist,
  sublistStats,
} from "./sublist.ts";

interface TestSub {
  readonly id: string;
  readonly subject: string;
  readonly queue: string | null;
}

let nextId = 0;
function sub(subject: string, queue: string | null = null): TestSub {
  return { id: `${subject}${queue === null ? "" : ` q=${queue}`} #${nextId++}`, subject, queue };
}

const encoder = new TextEncoder();

/** Matches through the byte API, with the subject placed mid-buffer among other bytes. */
function match(sublist: Sublist<TestSub>, subject: string): MatchResult<TestSub> {
  const bytes = encoder.encode(subject);
  const buf = new Uint8Array(bytes.length + 10).fill(0x2e);
  buf.set(bytes, 4);
  return sublist.match(buf, 4, 4 + bytes.length);
}

/** A comparable view of a result: sorted plain ids, and sorted groups of sorted ids. */
function shape(result: MatchResult<TestSub>): { plain: string[]; groups: string[][] } {
  const plain = result.psubs.map((s) => s.id).sort();
  const groups = result.qsubs.map((group) => group.map((s) => s.id).sort());
  groups.sort((a, b) => a[0] < b[0] ? -1 : 1);
  return { plain, groups };
}

function assertMatches(
  sublist: Sublist<TestSub>,
  subject: string,
  plain: readonly TestSub[],
  groups: readonly (readonly TestSub[])[] = [],
): void {
  const expected = {
    plain: plain.map((s) => s.id).sort(),
    groups: groups.map((g) => g.map((s) => s.id).sort()).sort((a, b) => a[0] < b[0] ? -1 : 1),
  };
  assert.deepEqual(shape(match(sublist, subject)), expected, `byte match of '${subject}'`);
  assert.deepEqual(shape(sublist.matchString(subject)), expected, `string match of '${subject}'`);
  const interest = expected.plain.length + expected.groups.length > 0;
  assert.equal(sublist.hasInterest(subject), interest, `interest in '${subject}'`);
}

/** mulberry32: a small seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function conformance(mode: string, cache: boolean): void {
  const make = () => new Sublist<TestSub>({ cache });
  const test = (name: string, fn: () => void) => Deno.test(`${name} (${mode})`, fn);

  test("sublist starts empty and matches nothing", () => {
    const sublist = make();
    assert.equal(sublist.count, 0);
    assert.equal(sublist.cacheEnabled, cache);
    assert.equal(match(sublist, "foo"), EMPTY_RESULT);
    assert.deepEqual(sublist.all(), []);
  });

  test("a literal subscription matches only its exact subject", () => {
    const sublist = make();
    const foo = sub("foo");
    const fooBarBaz = sub("foo.bar.baz");
    sublist.insert(foo);
    sublist.insert(fooBarBaz);
    assert.equal(sublist.count, 2);
    assertMatches(sublist, "foo", [foo]);
    assertMatches(sublist, "foo.bar.baz", [fooBarBaz]);
    assertMatches(sublist, "foo.bar", []);
    assertMatches(sublist, "foo.bar.baz.qux", []);
    assertMatches(sublist, "fo", []);
  });

  test("a * subscription matches exactly one token in its position", () => {
    const sublist = make();
    const lit = sub("a.b.c");
    const first = sub("*.b.c");
    const middle = sub("a.*.c");
    const last = sub("a.b.*");
    const all = sub("*.*.*");
    for (const s of [lit, first, middle, last, all]) sublist.insert(s);
    assertMatches(sublist, "a.b.c", [lit, first, middle, last, all]);
    assertMatches(sublist, "x.b.c", [first, all]);
    assertMatches(sublist, "a.x.c", [middle, all]);
    assertMatches(sublist, "a.b.x", [last, all]);
    assertMatches(sublist, "a.b", []);
    assertMatches(sublist, "a.b.c.d", []);
  });

  test("a > subscription matches one or more trailing tokens", () => {
    const sublist = make();
    const fooAll = sub("foo.>");
    const everything = sub(">");
    sublist.insert(fooAll);
    sublist.insert(everything);
    assertMatches(sublist, "foo", [everything]);
    assertMatches(sublist, "foo.bar", [fooAll, everything]);
    assertMatches(sublist, "foo.bar.baz.qux", [fooAll, everything]);
    assertMatches(sublist, "bar.baz", [everything]);
  });

  test("mixed wildcards combine as NATS specifies", () => {
    const sublist = make();
    const starFwc = sub("foo.*.>");
    const lead = sub("*.bar.>");
    const twoStars = sub("*.*");
    const starEnd = sub("foo.*");
    for (const s of [starFwc, lead, twoStars, starEnd]) sublist.insert(s);
    assertMatches(sublist, "foo.bar", [twoStars, starEnd]);
    assertMatches(sublist, "foo.bar.baz", [starFwc, lead]);
    assertMatches(sublist, "x.bar.y.z", [lead]);
    assertMatches(sublist, "foo.x.y", [starFwc]);
  });

  test("a single-token subscription does not match a two-token subject", () => {
    const sublist = make();
    const foo = sub("foo");
    sublist.insert(foo);
    assertMatches(sublist, "foo", [foo]);
    assertMatches(sublist, "foo.bar", []);
  });

  test("wildcard characters inside a token are literal", () => {
    const sublist = make();
    const starDash = sub("foo.*-");
    const gtDash = sub("foo.>-");
    sublist.insert(starDash);
    sublist.insert(gtDash);
    assertMatches(sublist, "foo.bar", []);
    assertMatches(sublist, "foo.*-", [starDash]);
    assertMatches(sublist, "foo.>-", [gtDash]);
    assert.equal(sublist.remove(sub("foo.bar")), false);
    assert.equal(sublist.count, 2);
  });

  test("queue subscriptions are grouped by queue name across matching nodes", () => {
    const sublist = make();
    const plain = sub("foo.bar");
    const q1 = sub("foo.bar", "workers");
    const q2 = sub("foo.*", "workers");
    const q3 = sub("foo.>", "workers");
    const other = sub("foo.bar", "auditors");
    for (const s of [plain, q1, q2, q3, other]) sublist.insert(s);
    assertMatches(sublist, "foo.bar", [plain], [[q1, q2, q3], [other]]);
    assertMatches(sublist, "foo.baz", [], [[q2, q3]]);
    assertMatches(sublist, "foo.baz.qux", [], [[q3]]);
    const result = match(sublist, "foo.bar");
    for (const group of result.qsubs) {
      assert.ok(group.length > 0);
      assert.ok(group.every((member) => member.queue === group[0].queue));
    }
  });

  test("removing the last member of a queue group drops the group", () => {
    const sublist = make();
    const a = sub("jobs", "q");
    const b = sub("jobs", "q");
    const p = sub("jobs");
    for (const s of [a, b, p]) sublist.insert(s);
    assertMatches(sublist, "jobs", [p], [[a, b]]);
    assert.equal(sublist.remove(a), true);
    assertMatches(sublist, "jobs", [p], [[b]]);
    assert.equal(sublist.remove(b), true);
    assertMatches(sublist, "jobs", [p]);
    assert.equal(match(sublist, "jobs").qsubs.length, 0);
    assert.equal(sublist.remove(p), true);
    assert.equal(match(sublist, "jobs"), EMPTY_RESULT);
  });

  test("inserting the same subscription twice is a no-op, distinct equal subs both match", () => {
    const sublist = make();
    const one = sub("dup");
    const twin = sub("dup");
    sublist.insert(one);
    assertMatches(sublist, "dup", [one]);
    sublist.insert(one);
    assert.equal(sublist.count, 1);
    assertMatches(sublist, "dup", [one]);
    sublist.insert(twin);
    assert.equal(sublist.count, 2);
    assertMatches(sublist, "dup", [one, twin]);
    const queued = sub("dup.*", "g");
    sublist.insert(queued);
    sublist.insert(queued);
    assertMatches(sublist, "dup.x", [], [[queued]]);
    assert.equal(sublist.count, 3);
  });

  test("removing unknown subscriptions returns false and changes nothing", () => {
    const sublist = make();
    const held = sub("a.b.c");
    sublist.insert(held);
    assertMatches(sublist, "a.b.c", [held]);
    assert.equal(sublist.remove(sub("a.b.c")), false);
    assert.equal(sublist.remove(sub("a.b")), false);
    assert.equal(sublist.remove(sub("a.b.c.d")), false);
    assert.equal(sublist.remove(sub("a.*.c")), false);
    assert.equal(sublist.remove(sub("a.>")), false);
    assert.equal(sublist.remove(sub("a.b.c", "q")), false);
    assert.equal(sublist.remove(sub("a.b..d")), false);
    assert.equal(sublist.remove(sub("a.>.b")), false);
    assert.equal(sublist.count, 1);
    assertMatches(sublist, "a.b.c", [held]);
    assert.equal(sublist.remove(held), true);
    assert.equal(sublist.remove(held), false);
    assert.equal(sublist.count, 0);
    assert.equal(sublist.localStats().num_removes, 1);
  });

  test("removing a subscription prunes only emptied nodes", () => {
    const sublist = make();
    const deep = sub("a.b.c");
    const shallow = sub("a.b");
    const wild = sub("a.*.c");
    for (const s of [deep, shallow, wild]) sublist.insert(s);
    assert.equal(sublist.remove(shallow), true);
    assertMatches(sublist, "a.b.c", [deep, wild]);
    assertMatches(sublist, "a.b", []);
    assert.equal(sublist.remove(deep), true);
    assertMatches(sublist, "a.b.c", [wild]);
    assert.equal(sublist.remove(wild), true);
    assert.deepEqual(sublist.all(), []);
    sublist.insert(shallow);
    assertMatches(sublist, "a.b", [shallow]);
  });

  test("invalid subjects are rejected on insert", () => {
    const sublist = make();
    for (const subject of ["", ".foo", "foo.", "foo..bar", "foo.bar..baz", "foo.>.bar", ">.>"]) {
      assert.throws(() => sublist.insert(sub(subject)), /invalid subject/, subject);
    }
    assert.equal(sublist.count, 0);
    assert.deepEqual(sublist.all(), []);
  });

  test("malformed publish subjects never crash and match nothing", () => {
    const sublist = make();
    sublist.insert(sub(">"));
    sublist.insert(sub(">", "queue"));
    for (const subject of ["", ".foo", "..foo", "foo..", "foo.", "foo..bar", "foo...bar", "."]) {
      assert.equal(match(sublist, subject), EMPTY_RESULT, subject);
      assert.equal(sublist.matchString(subject), EMPTY_RESULT, subject);
      assert.equal(sublist.hasInterest(subject), false, subject);
    }
    const invalidUtf8 = new Uint8Array([0x66, 0xff, 0xfe, 0x2e, 0x61]);
    assert.equal(sublist.match(invalidUtf8, 0, invalidUtf8.length).psubs.length, 1);
    assert.equal(sublist.match(invalidUtf8, 0, invalidUtf8.length).psubs.length, 1);
    const long = new Uint8Array(70_000).fill(0x61);
    assert.equal(sublist.match(long, 0, long.length).psubs.length, 1);
    assert.equal(sublist.match(long, 5, 2), EMPTY_RESULT);
  });

  test("non-ASCII subjects match by their UTF-8 bytes", () => {
    const sublist = make();
    const wild = sub("ünï.*");
    const lit = sub("ünï.cødé.😀");
    sublist.insert(wild);
    sublist.insert(lit);
    assertMatches(sublist, "ünï.cødé", [wild]);
    assertMatches(sublist, "ünï.cødé.😀", [lit]);
    assertMatches(sublist, "uni.code", []);
  });

  test("a match reads only the given range of the buffer", () => {
    const sublist = make();
    const foo = sub("foo");
    sublist.insert(foo);
    const buf = encoder.encode("PUB foo.bar 5");
    assert.deepEqual(sublist.match(buf, 4, 7).psubs, [foo]);
    assert.equal(sublist.match(buf, 4, 11), EMPTY_RESULT);
    assert.deepEqual(sublist.match(buf, 4, 7).psubs, [foo]);
  });

  test("results reflect inserts and removes made between matches", () => {
    const sublist = make();
    const lit = sub("foo.bar");
    sublist.insert(lit);
    assertMatches(sublist, "foo.bar", [lit]);
    assertMatches(sublist, "foo.baz", []);
    // The classic cache bug: a cached result missing a newly inserted wildcard subscription.
    const star = sub("foo.*");
    sublist.insert(star);
    assertMatches(sublist, "foo.bar", [lit, star]);
    assertMatches(sublist, "foo.baz", [star]);
    const fwc = sub(">");
    sublist.insert(fwc);
    assertMatches(sublist, "foo.bar", [lit, star, fwc]);
    const twin = sub("foo.bar");
    sublist.insert(twin);
    assertMatches(sublist, "foo.bar", [lit, star, fwc, twin]);
    const q1 = sub("foo.*", "q");
    const q2 = sub("foo.bar", "q");
    sublist.insert(q1);
    assertMatches(sublist, "foo.bar", [lit, star, fwc, twin], [[q1]]);
    sublist.insert(q2);
    assertMatches(sublist, "foo.bar", [lit, star, fwc, twin], [[q1, q2]]);
    assertMatches(sublist, "foo.baz", [star, fwc], [[q1]]);
    sublist.remove(star);
    assertMatches(sublist, "foo.bar", [lit, fwc, twin], [[q1, q2]]);
    assertMatches(sublist, "foo.baz", [fwc], [[q1]]);
    sublist.remove(q1);
    assertMatches(sublist, "foo.bar", [lit, fwc, twin], [[q2]]);
    assertMatches(sublist, "foo.baz", [fwc]);
    sublist.remove(lit);
    sublist.remove(q2);
    assertMatches(sublist, "foo.bar", [fwc, twin]);
    sublist.remove(fwc);
    sublist.remove(twin);
    assert.equal(match(sublist, "foo.bar"), EMPTY_RESULT);
    assert.equal(match(sublist, "foo.baz"), EMPTY_RESULT);
  });

  test("a result already handed out is not changed by later inserts or removes", () => {
    const sublist = make();
    const a = sub("x.y");
    const q = sub("x.y", "g");
    sublist.insert(a);
    sublist.insert(q);
    const before = match(sublist, "x.y");
    const snapshot = shape(before);
    sublist.insert(sub("x.*"));
    sublist.insert(sub("x.>", "g"));
    sublist.remove(a);
    assert.deepEqual(shape(before), snapshot);
  });

  test("removeBatch removes many subscriptions and keeps results correct", () => {
    const sublist = make();
    const keep = sub("k.1");
    const wilds = Array.from({ length: 20 }, (_, i) => sub(`w${i}.*`));
    const literals = Array.from({ length: 5 }, (_, i) => sub(`w${i}.x`));
    sublist.insert(keep);
    for (const s of [...wilds, ...literals]) sublist.insert(s);
    assertMatches(sublist, "w3.x", [wilds[3], literals[3]]);
    assertMatches(sublist, "k.1", [keep]);
    assert.equal(sublist.removeBatch([...literals.slice(0, 2), sub("nope")]), 2);
    assertMatches(sublist, "w1.x", [wilds[1]]);
    assert.equal(sublist.removeBatch([...wilds, ...literals.slice(2)]), 23);
    assertMatches(sublist, "w3.x", []);
    assertMatches(sublist, "k.1", [keep]);
    assert.equal(sublist.count, 1);
  });

  test("all() returns every subscription held", () => {
    const sublist = make();
    const subs = [sub("a"), sub("a.b"), sub("a.*"), sub("a.>"), sub(">"), sub("*"), sub("a", "q")];
    for (const s of subs) sublist.insert(s);
    const ids = (list: readonly TestSub[]) => list.map((s) => s.id).sort();
    assert.deepEqual(ids(sublist.all()), ids(subs));
    sublist.remove(subs[2]);
    assert.deepEqual(ids(sublist.all()), ids(subs.filter((_, i) => i !== 2)));
  });

  test("stats count inserts, removes, matches and cache use", () => {
    const sublist = make();
    const foo = sub("foo");
    sublist.insert(foo);
    sublist.insert(sub("foo", "q"));
    for (let i = 0; i < 4; i++) match(sublist, "foo");
    sublist.remove(foo);
    const stats = sublist.localStats();
    assert.equal(stats.num_subscriptions, 1);
    assert.equal(stats.num_inserts, 2);
    assert.equal(stats.num_removes, 1);
    assert.equal(stats.num_matches, 4);
    if (cache) {
      assert.equal(stats.num_cache, 1);
      assert.equal(stats.cache_hit_rate, 0.75);
      assert.equal(stats.max_fanout, 1);
      assert.equal(stats.avg_fanout, 1);
    } else {
      assert.deepEqual(
        [stats.num_cache, stats.cache_hit_rate, stats.max_fanout, stats.avg_fanout],
        [0, 0, 0, 0],
      );
    }
    const generation = sublist.generation;
    sublist.insert(sub("bar"));
    assert.ok(sublist.generation > generation);
  });

  test("the cache stays bounded and correct across evictions", () => {
    const sublist = make();
    const all = sub("load.>");
    sublist.insert(all);
    const hot = sub("hot");
    sublist.insert(hot);
    for (let i = 0; i < 5 * CACHE_MAX; i++) {
      assert.deepEqual(match(sublist, `load.${i}`).psubs, [all]);
      assert.deepEqual(match(sublist, "hot").psubs, [hot]);
      assert.ok(sublist.localStats().num_cache <= (cache ? CACHE_MAX : 0));
    }
    const star = sub("load.*");
    sublist.insert(star);
    for (let i = 0; i < 5 * CACHE_MAX; i += 97) assertMatches(sublist, `load.${i}`, [all, star]);
    if (cache) assert.ok(sublist.localStats().cache_hit_rate > 0.4);
  });

  const differential = (random: () => number, literals: readonly string[], steps: number) => {
    const words = [...literals.slice(0, -1), "*", ">"];
    const literalWords = literals;
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    const randomPattern = () => {
      const length = 1 + Math.floor(random() * 4);
      const tokens: string[] = [];
      for (let i = 0; i < length; i++) {
        const word = pick(words);
        tokens.push(word === ">" && i + 1 < length ? "*" : word);
      }
      return tokens.join(".");
    };
    const randomSubject = () => {
      const length = 1 + Math.floor(random() * 5);
      return Array.from({ length }, () => pick(literalWords)).join(".");
    };
    const sublist = make();
    const held: TestSub[] = [];
    for (let step = 0; step < steps; step++) {
      const roll = random();
      if (roll < 0.25 || held.length === 0) {
        const s = sub(randomPattern(), random() < 0.3 ? pick(["q1", "q2"]) : null);
        sublist.insert(s);
        held.push(s);
      } else if (roll < 0.4) {
        const [gone] = held.splice(Math.floor(random() * held.length), 1);
        assert.equal(sublist.remove(gone), true);
      } else {
        const subject = randomSubject();
        const expectedPlain: TestSub[] = [];
        const expectedGroups = new Map<string, TestSub[]>();
        for (const s of held) {
          if (!subjectMatches(s.subject, subject)) continue;
          if (s.queue === null) expectedPlain.push(s);
          else expectedGroups.set(s.queue, [...(expectedGroups.get(s.queue) ?? []), s]);
        }
        assertMatches(sublist, subject, expectedPlain, [...expectedGroups.values()]);
      }
      assert.equal(sublist.count, held.length);
    }
    assert.equal(sublist.all().length, held.length);
  };

  test("randomized matches agree with a brute-force scan under interleaved churn", () => {
    differential(prng(cache ? 0x5eed : 0xbeef), ["a", "b", "c", "foo", "bar", "ü"], 6000);
  });

  test("randomized matches agree with a brute-force scan on wide trie levels", () => {
    const literals = Array.from({ length: 24 }, (_, i) => `t${i}`);
    differential(prng(cache ? 0x1234 : 0x4321), literals, 6000);
  });
}

conformance("cache on", true);
conformance("cache off", false);

Deno.test("aggregated sublist counters keep nats-server's cache hit rate", () => {
  const first = new Sublist<TestSub>();
  const second = new Sublist<TestSub>();
  first.insert(sub("foo"));
  second.insert(sub("bar"));
  second.insert(sub("bar", "q"));
  for (let i = 0; i < 4; i++) {
    first.matchString("foo");
    second.matchString("bar");
  }
  assert.equal(first.localStats().cache_hit_rate, 0.75);
  const total = sublistStats(addSublistCounters(first.counters(), second.counters()));
  assert.deepEqual(total, {
    num_subscriptions: 3,
    num_cache: 2,
    num_inserts: 3,
    num_removes: 0,
    num_matches: 8,
    cache_hit_rate: 0.75,
    max_fanout: 2,
    avg_fanout: 1.5,
  });
});

Deno.test("unique subjects do not push hot subjects out of the match cache", () => {
  const sublist = new Sublist<TestSub>();
  const replies = sub("_INBOX.client.*");
  const orders = sub("orders.>");
  sublist.insert(replies);
  sublist.insert(orders);
  for (let i = 0; i < 600; i++) match(sublist, `orders.warm.${i}`);
  for (let i = 0; i < 50_000; i++) {
    assert.deepEqual(match(sublist, `_INBOX.client.${i}`).psubs, [replies]);
    assert.deepEqual(match(sublist, `orders.hot.${i % 8}`).psubs, [orders]);
  }
  const stats = sublist.localStats();
  assert.ok(stats.num_cache <= CACHE_MAX);
  assert.ok(stats.cache_hit_rate > 0.45, `hit rate ${stats.cache_hit_rate}`);
});

Deno.test("a string subject matched again sees every insert and remove in between", () => {
  for (const cache of [true, false]) {
    const sublist = new Sublist<TestSub>({ cache });
    const deliver = "_INBOX.abc.1";
    assert.equal(sublist.hasInterest(deliver), false);
    assert.equal(sublist.matchString(deliver).psubs.length, 0);
    assert.equal(sublist.matchString(deliver).psubs.length, 0);
    assert.equal(sublist.hasInterest(deliver), false);
    const a = sub("_INBOX.abc.*");
    sublist.insert(a);
    assert.deepEqual(shape(sublist.matchString(deliver)).plain, [a.id]);
    assert.equal(sublist.hasInterest(deliver), true);
    const q = sub(">", "g");
    sublist.insert(q);
    assert.deepEqual(shape(sublist.matchString(deliver)), { plain: [a.id], groups: [[q.id]] });
    sublist.remove(a);
    assert.deepEqual(shape(sublist.matchString(deliver)), { plain: [], groups: [[q.id]] });
    assert.equal(sublist.hasInterest(deliver), true);
    sublist.remove(q);
    assert.equal(sublist.hasInterest(deliver), false);
    assert.equal(sublist.matchString(deliver).qsubs.length, 0);
    // Another subject in between, then the first one again.
    sublist.insert(a);
    assert.equal(sublist.matchString("other").psubs.length, 0);
    assert.deepEqual(shape(sublist.matchString(deliver)).plain, [a.id]);
  }
});
