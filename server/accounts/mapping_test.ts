import assert from "node:assert/strict";
import {
  AccountMappings,
  compileMappings,
  type MapDest,
  Mapping,
  mappingError,
  SubjectTransform,
} from "./mapping.ts";

const to = (subject: string, weight = 100, cluster = ""): MapDest => ({ subject, weight, cluster });
const apply = (src: string, dest: string, subject: string) =>
  new SubjectTransform(src, dest).apply(subject.split("."));

/** A deterministic [0, 1) source (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("a literal source maps to its destination as written", () => {
  assert.equal(apply("foo", "bar.baz", "foo"), "bar.baz");
  // Placeholders mean nothing without wildcards in the source (nats-server uses dest as is).
  assert.equal(apply("foo", "bar.$1", "foo"), "bar.$1");
});

Deno.test("wildcards are placed by {{wildcard(n)}} and legacy $n, in any order", () => {
  assert.equal(apply("a.*.*", "b.{{wildcard(2)}}.{{wildcard(1)}}", "a.x.y"), "b.y.x");
  assert.equal(apply("a.*.*", "b.$2.$1", "a.x.y"), "b.y.x");
  assert.equal(apply("a.*.*", "b.{{ Wildcard( 1 ) }}.$2.$1", "a.x.y"), "b.x.y.x");
  assert.equal(apply("orders.*", "orders.{{wildcard(1)}}.x", "orders.eu"), "orders.eu.x");
});

Deno.test("a trailing > carries the remaining tokens", () => {
  assert.equal(apply("a.>", "b.>", "a.x.y.z"), "b.x.y.z");
  assert.equal(apply("a.*.>", "b.$1.c.>", "a.x.y.z"), "b.x.c.y.z");
  assert.equal(apply(">", "pre.>", "x.y"), "pre.x.y");
});

Deno.test("partition hashes the chosen tokens with FNV-1a into n buckets", () => {
  // FNV-1a 32 of "foo" is 0xa9f37ed7 = 2851307223; mod 10 = 3.
  assert.equal(apply("a.*", "p.{{partition(10,1)}}.$1", "a.foo"), "p.3.foo");
  const buckets = new Set<string>();
  for (let i = 0; i < 200; i++) buckets.add(apply("a.*", "{{partition(4,1)}}.$1", `a.k${i}`)[0]);
  assert.deepEqual([...buckets].sort(), ["0", "1", "2", "3"]);
});

Deno.test("split and slice functions make several tokens from one", () => {
  assert.equal(apply("a.*", "b.{{split(1,-)}}", "a.x-y--z"), "b.x.y.z");
  assert.equal(apply("a.*", "b.{{splitFromLeft(1,2)}}", "a.abcdef"), "b.ab.cdef");
  assert.equal(apply("a.*", "b.{{splitFromRight(1,2)}}", "a.abcdef"), "b.abcd.ef");
  assert.equal(apply("a.*", "b.{{sliceFromLeft(1,4)}}", "a.abcdefghij"), "b.abcd.efgh.ij");
  assert.equal(apply("a.*", "b.{{sliceFromRight(1,4)}}", "a.abcdefghij"), "b.ab.cdef.ghij");
  assert.equal(apply("a.*", "b.{{sliceFromLeft(1,20)}}", "a.short"), "b.short");
});

Deno.test("invalid mappings fail with nats-server's texts", () => {
  const cases: [string, MapDest[], string][] = [
    ["a.*", [to("b")], "invalid mapping destination: not using all of the token wildcard(s) in b"],
    ["a.*", [to("b.{{foo(1)}}")], "invalid mapping destination: unknown function in {{foo(1)}}"],
    [
      "a.*.*",
      [to("b.$1.$3")],
      "invalid mapping destination: wildcard index out of range in $3: [3]",
    ],
    [
      "a.*",
      [to("b.{{wildcard(1,2)}}")],
      "invalid mapping destination: too many arguments passed to the function in {{wildcard(1,2)}}",
    ],
    [
      "a.*",
      [to("b.{{split(1,a b)}}")],
      "invalid mapping destination: function argument is invalid or in the wrong format in {{split(1,a b)}}",
    ],
    ["a.>", [to("b.*")], "invalid subject"],
    ["a", [to("b c")], "invalid mapping destination: invalid subject"],
    ["a", [to("b..c")], "invalid mapping destination: invalid subject in "],
    ["a", [to("b", 60), to("c", 50)], "total weight needs to be <= 100"],
    ["a", [to("b", 60), to("b", 10)], 'duplicate entry for "b"'],
  ];
  for (const [src, dests, text] of cases) assert.equal(mappingError(src, dests), text, src);
  assert.equal(mappingError("a.*", [to("b.$1")]), null);
});

Deno.test("only subjects matching the source are mapped; the first matching mapping wins", () => {
  const m = new AccountMappings([
    new Mapping("a.*", [to("one.$1")]),
    new Mapping("a.>", [to("many.>")]),
    new Mapping("lit", [to("eral")]),
  ]);
  assert.equal(m.select("a.x"), "one.x");
  assert.equal(m.select("a.x.y"), "many.x.y");
  assert.equal(m.select("lit"), "eral");
  assert.equal(m.select("a"), null);
  assert.equal(m.select("lit.x"), null);
});

Deno.test("weighted destinations are picked in proportion to their weights", () => {
  const m = new AccountMappings(
    [new Mapping("foo", [to("bar", 20), to("baz", 50)])],
    "",
    seeded(7),
  );
  const counts: Record<string, number> = {};
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const s = m.select("foo")!;
    counts[s] = (counts[s] ?? 0) + 1;
  }
  // The 30% left over stays on the source subject.
  assert.deepEqual(Object.keys(counts).sort(), ["bar", "baz", "foo"]);
  for (const [subject, share] of [["bar", 0.2], ["baz", 0.5], ["foo", 0.3]] as const) {
    assert.ok(Math.abs(counts[subject] / n - share) < 0.02, `${subject}: ${counts[subject]}`);
  }
});

Deno.test("naming the source among weighted destinations drops the unassigned share", () => {
  const m = new AccountMappings(
    [new Mapping("foo", [to("foo", 30), to("bar", 30)])],
    "",
    () => 0.9,
  );
  assert.equal(m.select("foo"), "");
});

Deno.test("cluster-scoped destinations apply only on that cluster", () => {
  // Weights count across clusters; each list gets the unassigned share on the source.
  const mapping = new Mapping("foo", [to("east", 40, "east"), to("any", 60)]);
  assert.equal(new AccountMappings([mapping], "east", () => 0).select("foo"), "east");
  assert.equal(new AccountMappings([mapping], "east", () => 0.99).select("foo"), "foo");
  assert.equal(new AccountMappings([mapping], "west", () => 0.99).select("foo"), "any");
  assert.equal(new AccountMappings([mapping], "", () => 0).select("foo"), "foo");
});

Deno.test("a raw config section compiles; no valid mappings gives null", () => {
  const m = compileMappings({
    "src.subject": "dest.subject",
    "orders.*": "orders.{{wildcard(1)}}.x",
    foo: [{ destination: "bar", weight: "50%" }, { dest: "baz", weight: 50 }],
  });
  assert.ok(m);
  assert.equal(m.select("src.subject"), "dest.subject");
  assert.equal(m.select("orders.eu"), "orders.eu.x");
  assert.match(m.select("foo")!, /^ba[rz]$/);
  assert.equal(compileMappings(undefined), null);
  assert.equal(compileMappings({ "a.*": "b" }), null);
});
