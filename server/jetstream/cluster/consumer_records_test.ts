import assert from "node:assert/strict";
import { ReplicaConsumers } from "./consumer_records.ts";

Deno.test("replica consumers: records kept in order, a snapshot replaces them", () => {
  const held = new ReplicaConsumers();
  held.apply({ kind: "consumer-state", name: "A", ackPolicy: "explicit", state: "AA==" });
  assert.equal(held.size, 0, "a state before its config is not kept");
  held.apply({ kind: "consumer", name: "A", config: '{"name":"A"}', created: "" });
  held.apply({ kind: "consumer-state", name: "A", ackPolicy: "explicit", state: "AQ==" });
  held.apply({ kind: "consumer", name: "B", config: '{"name":"B"}', created: "" });
  // A config update keeps the state.
  held.apply({ kind: "consumer", name: "A", config: '{"name":"A","v":2}', created: "" });
  assert.deepEqual(held.list(), [
    { name: "A", body: '{"name":"A","v":2}', state: "AQ==" },
    { name: "B", body: '{"name":"B"}', state: null },
  ]);
  held.apply({ kind: "consumer-removed", name: "B" });
  assert.deepEqual(held.list().map((c) => c.name), ["A"]);

  const body = JSON.stringify({ name: "C", created: "", config: { ack_policy: "all" } });
  const recs = held.replace([{ name: "C", body, state: "Ag==" }]);
  assert.deepEqual(recs, [
    { kind: "consumer-removed", name: "A" },
    { kind: "consumer", name: "C", config: body, created: "" },
    { kind: "consumer-state", name: "C", ackPolicy: "all", state: "Ag==" },
  ]);
  assert.deepEqual(held.list(), [{ name: "C", body, state: "Ag==" }]);
});
