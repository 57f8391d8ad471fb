import assert from "node:assert/strict";
import { GO_ZERO_TIME, goTimeNs, msToNs, parseGoTimeNs } from "./js_time.ts";

Deno.test("goTimeNs: Go's RFC 3339 nano text", () => {
  assert.equal(goTimeNs(0n), GO_ZERO_TIME);
  assert.equal(goTimeNs(1_796_644_500_405_085_281n), "2026-12-07T11:55:00.405085281Z");
  assert.equal(goTimeNs(1_796_644_500_410_000_000n), "2026-12-07T11:55:00.41Z");
  assert.equal(goTimeNs(1_796_644_500_000_000_001n), "2026-12-07T11:55:00.000000001Z");
});

Deno.test("parseGoTimeNs: round trip and offsets", () => {
  for (const ns of [1n, 1_796_644_500_405_085_281n, 1_796_644_500_000_000_000n]) {
    assert.equal(parseGoTimeNs(goTimeNs(ns)), ns);
  }
  assert.equal(
    parseGoTimeNs("2026-12-07T12:55:00.5+01:00"),
    parseGoTimeNs("2026-12-07T11:55:00.5Z"),
  );
  assert.equal(parseGoTimeNs("yesterday"), null);
  assert.equal(parseGoTimeNs(GO_ZERO_TIME), 0n);
});

Deno.test("msToNs keeps sub-millisecond digits", () => {
  assert.equal(msToNs(1.5), 1_500_000n);
  assert.equal(msToNs(1_796_644_500_405), 1_796_644_500_405_000_000n);
});
