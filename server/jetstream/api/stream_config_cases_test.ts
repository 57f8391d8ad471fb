/**
 * The recorded nats-server 2.9.10 answers (stream_config_cases.ts, made by
 * tools/record_js_api.ts) replayed through our validators: every invalid stream and consumer
 * request must get the identical error JSON, and every valid answer must have the same keys as
 * ours.
 */
import assert from "node:assert/strict";
import { CONSUMER_CASES, type RecordedCase, STREAM_CASES } from "./stream_config_cases.ts";
import { type StreamRequestContext, UNLIMITED_ACCOUNT } from "./stream_requests.ts";
import { ApiSimulator } from "./_api_simulator.ts";

function freshContext(): StreamRequestContext {
  return {
    streams: [],
    limits: UNLIMITED_ACCOUNT,
    server: { maxMemory: 1 << 30, maxStore: 1e12, memReserved: 0, storeReserved: 0 },
    standalone: true,
  };
}

function replay(c: RecordedCase): unknown {
  const sim = new ApiSimulator(freshContext());
  for (const s of c.setup) sim.request(s.subject, s.body);
  return sim.request(c.request.subject, c.request.body);
}

for (const c of STREAM_CASES) {
  Deno.test(`stream case matches nats-server 2.9.10: ${c.name}`, () => {
    const ours = replay(c) as { error?: unknown } | null;
    const theirs = c.response as { error?: unknown } | null;
    if (theirs === null) return assert.equal(ours, null);
    assert.deepEqual(ours?.error, theirs.error);
  });
}

for (const c of CONSUMER_CASES) {
  Deno.test(`consumer case matches nats-server 2.9.10: ${c.name}`, () => {
    const ours = replay(c) as { error?: unknown } | null;
    const theirs = c.response as { error?: unknown } | null;
    if (theirs === null) return assert.equal(ours, null);
    assert.deepEqual(ours?.error, theirs.error);
  });
}

Deno.test("the recorded table holds ~40 or more invalid stream cases", () => {
  assert.ok(STREAM_CASES.length >= 40);
  assert.ok(STREAM_CASES.every((c) => (c.response as { error?: unknown })?.error !== undefined));
  assert.ok(CONSUMER_CASES.length >= 40);
});
