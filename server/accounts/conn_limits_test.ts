/**
 * @module
 * Unit tests for combining user, account and server connection limits.
 */
import assert from "node:assert/strict";
import { combineLimits } from "./conn_limits.ts";

const SERVER = { maxPayload: 1_048_576, maxSubscriptions: 0 };

Deno.test("the smallest set limit wins and -1 means unlimited", () => {
  assert.deepEqual(
    combineLimits({ maxPayload: -1, maxSubscriptions: 10 }, {
      maxPayload: 500,
      maxSubscriptions: 20,
    }, SERVER)
      .limits,
    { maxPayload: 500, maxSubscriptions: 10 },
  );
  assert.deepEqual(combineLimits(null, null, SERVER).limits, {
    maxPayload: 1_048_576,
    maxSubscriptions: -1,
  });
});

Deno.test("a zero JWT limit is a limit of zero, as in nats-server", () => {
  assert.deepEqual(
    combineLimits({ maxPayload: 0, maxSubscriptions: 0 }, null, SERVER).limits,
    { maxPayload: 0, maxSubscriptions: 0 },
  );
});

Deno.test("server options override larger user or account limits, with nats-server's log line", () => {
  const { limits, notes } = combineLimits(
    { maxPayload: 5000, maxSubscriptions: 50 },
    null,
    { maxPayload: 1000, maxSubscriptions: 5 },
  );
  assert.deepEqual(limits, { maxPayload: 1000, maxSubscriptions: 5 });
  assert.deepEqual(notes, [
    "Max Payload set to 1000 from server overrides account or user config",
    "Max Subscriptions set to 5 from server overrides account or user config",
  ]);
});
