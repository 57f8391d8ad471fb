/**
 * @module
 * Tests for the Go value formats of the monitoring JSON (durations, uptimes, times, escaping).
 */
import assert from "node:assert/strict";
import { formatRtt, formatUptime, goDuration, goTime, marshal, marshalIndent } from "./format.ts";

Deno.test("goDuration formats like Go's time.Duration.String", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [1, "1ns"],
    [999, "999ns"],
    [1_000, "1µs"],
    [201_000, "201µs"],
    [1_500, "1.5µs"],
    [1_914_286, "1.914286ms"],
    [1_000_000, "1ms"],
    [1_000_000_000, "1s"],
    [1_500_000_000, "1.5s"],
    [120e9, "2m0s"],
    [3_723e9, "1h2m3s"],
    [90_000e9, "25h0m0s"],
    [-1_500_000_000, "-1.5s"],
    [61_000_000_001, "1m1.000000001s"],
  ];
  for (const [ns, text] of cases) assert.equal(goDuration(ns), text, `${ns}ns`);
});

Deno.test("formatRtt truncates sub-millisecond round trips to microseconds", () => {
  assert.equal(formatRtt(0), "0s");
  assert.equal(formatRtt(0.2014567), "201µs");
  assert.equal(formatRtt(1.914286), "1.914286ms");
  assert.equal(formatRtt(1e-6), "1ns");
});

Deno.test("formatUptime follows nats-server myUptime", () => {
  assert.equal(formatUptime(0), "0s");
  assert.equal(formatUptime(999), "0s");
  assert.equal(formatUptime(62_000), "1m2s");
  assert.equal(formatUptime(3_600_000), "1h0m0s");
  assert.equal(formatUptime(86_400_000), "1d0h0m0s");
  assert.equal(formatUptime(366 * 86_400_000), "1y1d0h0m0s");
  assert.equal(formatUptime(-5), "0s");
});

Deno.test("goTime writes RFC 3339 UTC with trailing zeros trimmed", () => {
  const base = Date.UTC(2026, 10, 22, 0, 35, 37);
  assert.equal(goTime(base), "2026-11-22T00:35:37Z");
  assert.equal(goTime(base + 263.3808), "2026-11-22T00:35:37.263381Z");
  assert.equal(goTime(base + 100), "2026-11-22T00:35:37.1Z");
  assert.equal(goTime(base + 999.9999), "2026-11-22T00:35:38Z");
});

Deno.test("marshal helpers escape <, > and & like Go's encoding/json", () => {
  assert.equal(marshal({ s: "a.> & <b>" }), '{"s":"a.\\u003e \\u0026 \\u003cb\\u003e"}');
  assert.equal(marshalIndent({ a: [1], b: {} }), '{\n  "a": [\n    1\n  ],\n  "b": {}\n}');
  assert.deepEqual(JSON.parse(marshalIndent({ s: "foo.>" })), { s: "foo.>" });
});
