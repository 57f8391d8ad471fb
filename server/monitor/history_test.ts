import { deepStrictEqual, strictEqual } from "node:assert";
import { type HistorySample, ThroughputHistory } from "./history.ts";

const at = (t: number): HistorySample => ({
  t,
  in_msgs: t,
  out_msgs: 0,
  in_bytes: 0,
  out_bytes: 0,
  connections: 0,
  subscriptions: 0,
  system_subscriptions: 0,
});

Deno.test("history keeps the last `capacity` samples, oldest first", () => {
  const h = new ThroughputHistory(3);
  for (let i = 1; i <= 5; i++) strictEqual(h.record(at(i * 1000)), true);
  deepStrictEqual(h.toJSON().samples.map((s) => s.t), [3000, 4000, 5000]);
  strictEqual(h.toJSON().interval_ms, 1000);
});

Deno.test("history drops a sample that comes too soon (two listeners share it)", () => {
  const h = new ThroughputHistory(10);
  h.record(at(1000));
  strictEqual(h.record(at(1500)), false);
  strictEqual(h.record(at(2000)), true);
  strictEqual(h.size, 2);
});

Deno.test("toJSON(since) returns only later samples", () => {
  const h = new ThroughputHistory(10);
  for (const t of [1000, 2000, 3000]) h.record(at(t));
  deepStrictEqual(h.toJSON(2000).samples.map((s) => s.t), [3000]);
  deepStrictEqual(h.toJSON(5000).samples, []);
  strictEqual(h.toJSON().samples.length, 3);
});
