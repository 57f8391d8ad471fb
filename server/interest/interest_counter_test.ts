/**
 * @module
 * Tests for the aggregated local interest: plain interest announced on 0->1 and withdrawn on
 * 1->0, queue groups on every change of their member count (nats-server
 * updateRouteSubscriptionMap).
 */
import assert from "node:assert/strict";
import { InterestCounter, InterestUpdate } from "./interest_counter.ts";

Deno.test("plain interest is announced on the first subscription and withdrawn on the last", () => {
  const local = new InterestCounter();
  assert.equal(local.change("$G", "foo", null, 1).update, InterestUpdate.Sub);
  assert.equal(local.change("$G", "foo", null, 1).update, InterestUpdate.None);
  assert.equal(local.change("$G", "foo", null, -1).update, InterestUpdate.None);
  const last = local.change("$G", "foo", null, -1);
  assert.equal(last.update, InterestUpdate.Unsub);
  assert.equal(last.entry.count, 0);
  assert.equal(local.size, 0);
});

Deno.test("a queue group is announced with its member count on every change", () => {
  const local = new InterestCounter();
  assert.deepEqual(
    [1, 1, -1].map((d) => {
      const { update, entry } = local.change("$G", "svc", "workers", d);
      return [update, entry.count];
    }),
    [[InterestUpdate.Sub, 1], [InterestUpdate.Sub, 2], [InterestUpdate.Sub, 1]],
  );
  assert.equal(local.change("$G", "svc", "workers", -1).update, InterestUpdate.Unsub);
});

Deno.test("accounts, subjects and queues are counted apart; removing absent interest does nothing", () => {
  const local = new InterestCounter();
  local.change("$G", "foo", null, 1);
  local.change("A", "foo", null, 1);
  local.change("$G", "foo", "q", 1);
  assert.equal(local.size, 3);
  assert.equal(local.change("$G", "bar", null, -1).update, InterestUpdate.None);
  assert.equal(local.size, 3);
  assert.deepEqual(
    [...local.entries()].map((e) => [e.account, e.subject, e.queue, e.count]),
    [["$G", "foo", null, 1], ["A", "foo", null, 1], ["$G", "foo", "q", 1]],
  );
});

Deno.test("non-UTF-8 subject bytes are kept for the announcement", () => {
  const local = new InterestCounter();
  const bytes = new Uint8Array([0x61, 0xff]);
  const { entry } = local.change("$G", "a\ufffd", null, 1, bytes);
  assert.equal(entry.subjectBytes, bytes);
});
