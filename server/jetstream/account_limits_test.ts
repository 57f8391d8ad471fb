import assert from "node:assert/strict";
import { parseAccountJetStream, unlimitedJs } from "./account_limits.ts";

Deno.test("account jetstream: bool and string forms", () => {
  assert.deepEqual(parseAccountJetStream(true), { limits: unlimitedJs(), errors: [] });
  assert.deepEqual(parseAccountJetStream(false), { limits: null, errors: [] });
  assert.deepEqual(parseAccountJetStream("Enabled").limits, unlimitedJs());
  assert.deepEqual(parseAccountJetStream("disable").limits, null);
  assert.deepEqual(parseAccountJetStream(undefined).limits, null);
});

Deno.test("account jetstream: a map sets each limit by any of its names", () => {
  const r = parseAccountJetStream({
    mem: 1024,
    disk: 2048,
    streams: 3,
    consumers: 4,
    max_ack_pending: 5,
    mem_max_stream_bytes: 6,
    store_max_stream_bytes: 7,
    max_bytes: true,
  });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.limits, {
    max_memory: 1024,
    max_storage: 2048,
    max_streams: 3,
    max_consumers: 4,
    max_ack_pending: 5,
    memory_max_stream_bytes: 6,
    storage_max_stream_bytes: 7,
    max_bytes_required: true,
  });
});

Deno.test("account jetstream: nats-server's errors", () => {
  assert.deepEqual(
    parseAccountJetStream("on").errors,
    ["Expected 'enabled' or 'disabled' for string value, got 'on'"],
  );
  assert.deepEqual(
    parseAccountJetStream([1]).errors,
    ["Expected map, bool or string to define JetStream, got []interface {}"],
  );
  assert.deepEqual(
    parseAccountJetStream({ max_mem: "lots" }).errors,
    ['Expected a parseable size for "max_mem", got lots'],
  );
  assert.deepEqual(
    parseAccountJetStream({ max_bytes: 1 }).errors,
    ['Expected a parseable bool for "max_bytes", got 1'],
  );
  const unknown = parseAccountJetStream({ max_streams: 2, bogus: 1 });
  assert.deepEqual(unknown.errors, ['unknown field "bogus"']);
  assert.deepEqual(unknown.limits?.max_streams, 2);
});
