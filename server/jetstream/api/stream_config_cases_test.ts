/**
 * The recorded nats-server 2.9.10 answers (stream_config_cases.ts, made by
 * tools/record_js_api.ts) replayed through our validators: every invalid stream and consumer
 * request must get the identical error JSON, and every valid answer must have the same keys as
 * ours.
 */
import assert from "node:assert/strict";
import {
  CONSUMER_CASES,
  type RecordedCase,
  STREAM_CASES,
  VALID_CASES,
} from "./stream_config_cases.ts";
import {
  accountInfoResponse,
  consumerInfoResponse,
  emptyStreamState,
  streamCreateResponse,
} from "./api_types.ts";
import type { ConsumerConfig } from "./consumer_config.ts";
import type { StreamConfig } from "./stream_config.ts";
import { type StreamRequestContext, UNLIMITED_ACCOUNT } from "./stream_requests.ts";
import { ApiSimulator, type SimAnswer } from "./_api_simulator.ts";
import { consumerConfigToJson } from "./consumer_config.ts";
import { streamConfigToJson } from "./stream_config.ts";

function freshContext(): StreamRequestContext {
  return {
    streams: [],
    limits: UNLIMITED_ACCOUNT,
    server: { maxMemory: 1 << 30, maxStore: 1e12, memReserved: 0, storeReserved: 0 },
    standalone: true,
  };
}

function replay(c: RecordedCase): SimAnswer {
  const sim = new ApiSimulator(freshContext());
  for (const s of c.setup) sim.request(s.subject, s.body);
  return sim.request(c.request.subject, c.request.body);
}

for (const c of STREAM_CASES) {
  Deno.test(`stream case matches nats-server 2.9.10: ${c.name}`, () => {
    const ours = replay(c);
    const theirs = c.response as { error?: unknown; config?: Record<string, unknown> } | null;
    if (theirs === null) return assert.equal(ours, null);
    assert.deepEqual(ours?.error, theirs.error);
    if (theirs.config) {
      assert.deepEqual(streamConfigToJson(ours!.config as StreamConfig), theirs.config);
    }
  });
}

for (const c of CONSUMER_CASES) {
  Deno.test(`consumer case matches nats-server 2.9.10: ${c.name}`, () => {
    const ours = replay(c);
    const theirs = c.response as { error?: unknown; config?: Record<string, unknown> } | null;
    if (theirs === null) return assert.equal(ours, null);
    assert.deepEqual(ours?.error, theirs.error);
    if (theirs.config) {
      assert.deepEqual(consumerConfigToJson(ours!.config as ConsumerConfig), theirs.config);
    }
  });
}

Deno.test("the recorded table holds ~40 or more invalid stream cases", () => {
  assert.ok(STREAM_CASES.length >= 40);
  const failing = (c: RecordedCase) => (c.response as { error?: unknown })?.error !== undefined;
  assert.ok(STREAM_CASES.filter(failing).length >= 40);
  assert.ok(CONSUMER_CASES.filter(failing).length >= 40);
});

/** Every key path of a JSON value (`a.b`, arrays by their first element as `a[]`). */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.length ? keyPaths(value[0], `${prefix}[]`) : [];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...keyPaths(v, path)];
  });
}

function recorded(name: string): Record<string, unknown> {
  const c = VALID_CASES.find((v) => v.name === name);
  assert.ok(c, name);
  return c.response as Record<string, unknown>;
}

Deno.test("a valid STREAM.CREATE answer has nats-server's keys, key order and config", () => {
  const c = VALID_CASES.find((v) => v.name === "valid stream create")!;
  const sim = new ApiSimulator(freshContext());
  const answer = sim.request(c.request.subject, c.request.body)!;
  const theirs = recorded("valid stream create");
  const ours = streamCreateResponse({
    config: answer.config as StreamConfig,
    created: theirs.created as string,
    state: emptyStreamState(),
  }, true);
  assert.deepEqual(keyPaths(ours), keyPaths(theirs));
  assert.deepEqual(ours, theirs);
});

for (const name of ["valid durable pull consumer create", "valid push consumer create"]) {
  Deno.test(`a ${name} answer has nats-server's keys, key order and config`, () => {
    const c = VALID_CASES.find((v) => v.name === name)!;
    const sim = new ApiSimulator(freshContext());
    for (const s of c.setup) sim.request(s.subject, s.body);
    const answer = sim.request(c.request.subject, c.request.body)!;
    const theirs = recorded(name);
    const zero = { consumer_seq: 0, stream_seq: 0 };
    const ours = consumerInfoResponse("CONSUMER.CREATE", {
      stream_name: "S",
      name: theirs.name as string,
      created: theirs.created as string,
      config: answer.config as ConsumerConfig,
      delivered: zero,
      ack_floor: zero,
      num_ack_pending: 0,
      num_redelivered: 0,
      num_waiting: 0,
      num_pending: 0,
    });
    assert.deepEqual(keyPaths(ours), keyPaths(theirs));
    assert.deepEqual(ours, theirs);
  });
}

Deno.test("an account INFO answer has nats-server's keys and key order", () => {
  const theirs = recorded("account info");
  const ours = accountInfoResponse({
    memory: 0,
    storage: 0,
    streams: 1,
    consumers: 0,
    limits: UNLIMITED_ACCOUNT,
    api: { total: theirs.api ? (theirs.api as { total: number }).total : 0, errors: 0 },
  });
  assert.deepEqual(keyPaths(ours), keyPaths(theirs));
  assert.deepEqual(ours.limits, theirs.limits);
});
