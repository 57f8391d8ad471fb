/**
 * @module
 * Tests for Go duration parsing and formatting.
 */

import assert from "node:assert/strict";
import { DurationError, formatGoDuration, parseGoDuration } from "./duration.ts";

Deno.test("Go durations parse to nanoseconds", () => {
  const cases: [string, bigint][] = [
    ["0", 0n],
    ["1ns", 1n],
    ["1us", 1_000n],
    ["1\u00b5s", 1_000n],
    ["1.5ms", 1_500_000n],
    ["2s", 2_000_000_000n],
    ["1m30s", 90_000_000_000n],
    ["1h", 3_600_000_000_000n],
    ["-1.5h", -5_400_000_000_000n],
    ["+.5s", 500_000_000n],
  ];
  for (const [text, nanos] of cases) assert.equal(parseGoDuration(text), nanos, text);
});

Deno.test("Go duration errors keep Go's texts", () => {
  const cases: [string, string][] = [
    ["", 'time: invalid duration ""'],
    ["abc", 'time: invalid duration "abc"'],
    ["1", 'time: missing unit in duration "1"'],
    ["1x", 'time: unknown unit "x" in duration "1x"'],
    ["127.0.0.1:4222", 'time: missing unit in duration "127.0.0.1:4222"'],
    ["3000000h", 'time: invalid duration "3000000h"'],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseGoDuration(text),
      (err) => err instanceof DurationError && err.message === message,
    );
  }
});

Deno.test("Go durations format like time.Duration.String", () => {
  const cases: [bigint, string][] = [
    [0n, "0s"],
    [1n, "1ns"],
    [1_500n, "1.5\u00b5s"],
    [500_000_000n, "500ms"],
    [10_000_000_000n, "10s"],
    [90_000_000_000n, "1m30s"],
    [120_000_000_000n, "2m0s"],
    [3_600_000_000_000n, "1h0m0s"],
    [-1_500_000_000n, "-1.5s"],
  ];
  for (const [nanos, text] of cases) assert.equal(formatGoDuration(nanos), text);
});
