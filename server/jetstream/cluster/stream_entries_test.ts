import assert from "node:assert/strict";
import { checkStreamConfig, zeroStreamConfig } from "../api/stream_config.ts";
import { MemoryStore } from "../store/memory_store.ts";
import { buildHeaders } from "../../protocol/headers.ts";
import {
  decodeStreamEntry,
  DENATS_STREAM_OP,
  encodeConsumerRecord,
  encodeStreamEntry,
  purgeBound,
} from "./stream_entries.ts";
import { EntryOp } from "./entries.ts";
import { decodeStreamSnapshot, encodeStreamSnapshot } from "./stream_catchup.ts";

function config(extra: Record<string, unknown> = {}) {
  const c = checkStreamConfig({ ...zeroStreamConfig(), name: "S", subjects: ["s.>"], ...extra });
  if (!("config" in c)) throw new Error("config");
  return c.config;
}

Deno.test("stream entries: a stored message is nats-server's streamMsgOp, read back with its id and rollup", () => {
  const header = buildHeaders([["Nats-Msg-Id", "id-7"], ["Nats-Rollup", "sub"]]);
  const data = new TextEncoder().encode("hello");
  const bytes = encodeStreamEntry({
    op: "stored",
    subject: "s.a",
    header,
    data,
    seq: 7,
    ts: 123n,
    msgId: "id-7",
    rollup: "sub",
  }, 999n)!;
  assert.equal(bytes[0], EntryOp.StreamMsg);
  const withRollups = decodeStreamEntry(bytes, config({ allow_rollup_hdrs: true }));
  assert.ok(withRollups?.kind === "stream" && withRollups.entry.op === "stored");
  assert.deepEqual(
    { ...withRollups.entry, header: null, data: null },
    {
      op: "stored",
      subject: "s.a",
      header: null,
      data: null,
      seq: 7,
      ts: 123n,
      msgId: "id-7",
      rollup: "sub",
    },
  );
  assert.deepEqual(withRollups.entry.data, data);
  assert.equal(withRollups.ts, 123n);
  // A stream that does not allow rollup headers applies none.
  const plain = decodeStreamEntry(bytes, config());
  assert.ok(plain?.kind === "stream" && plain.entry.op === "stored");
  assert.equal(plain.entry.rollup, "");
});

Deno.test("stream entries: skips, bounded purges, deletes and removals round-trip; config and expiry are not replicated", () => {
  const cfg = config();
  for (
    const e of [
      { op: "skip", through: 9 },
      { op: "purge", filter: "s.b", seq: 12, keep: 0 },
      { op: "delete", seq: 3, erase: true },
      { op: "remove", seq: 4 },
    ] as const
  ) {
    const bytes = encodeStreamEntry(e, 55n, e.op === "purge" ? 12 : 0)!;
    assert.equal(bytes[0], DENATS_STREAM_OP);
    const d = decodeStreamEntry(bytes, cfg);
    assert.deepEqual(d, { kind: "stream", entry: e, ts: 55n });
  }
  assert.equal(encodeStreamEntry({ op: "expire" }, 1n), null);
  assert.equal(encodeStreamEntry({ op: "config", config: cfg }, 1n), null);
  assert.equal(decodeStreamEntry(new Uint8Array([DENATS_STREAM_OP, 0x7b]), cfg), null);
  assert.equal(decodeStreamEntry(new Uint8Array([]), cfg), null);
});

Deno.test("stream entries: consumer records and stream snapshots round-trip", () => {
  const cfg = config();
  const recs = [
    { kind: "consumer", name: "D", config: '{"name":"D"}', created: "" },
    { kind: "consumer-removed", name: "D" },
    { kind: "consumer-state", name: "D", ackPolicy: "explicit", state: "AQID" },
  ] as const;
  for (const r of recs) assert.deepEqual(decodeStreamEntry(encodeConsumerRecord(r), cfg), r);
  const snap = encodeStreamSnapshot({ first: 5, last: 90 });
  assert.deepEqual(decodeStreamSnapshot(snap), { first: 5, last: 90, consumers: [] });
  const held = [{ name: "D", body: '{"name":"D"}', state: "AQID" }, {
    name: "E",
    body: '{"name":"E"}',
    state: null,
  }];
  const withConsumers = encodeStreamSnapshot({ first: 1, last: 2, consumers: held });
  assert.deepEqual(decodeStreamSnapshot(withConsumers), { first: 1, last: 2, consumers: held });
  // An older snapshot (no consumers) reads back with none.
  const old = new TextEncoder().encode('{"first":3,"last":4}');
  assert.deepEqual(decodeStreamSnapshot(old), { first: 3, last: 4, consumers: [] });
  assert.equal(decodeStreamSnapshot(new TextEncoder().encode("{}")), null);
});

Deno.test("stream entries: a purge's bound is the first sequence the leader kept", () => {
  const store = new MemoryStore();
  const data = new Uint8Array(1);
  for (let i = 0; i < 10; i++) store.storeMsg(i % 2 === 0 ? "s.a" : "s.b", null, data, BigInt(i));
  // purge seq 4: everything below 4.
  assert.equal(purgeBound({ filter: "", seq: 4, keep: 0 }, store), 4);
  // A whole purge: above the last sequence.
  assert.equal(purgeBound({ filter: "s.a", seq: 0, keep: 0 }, store), 11);
  // keep 2 of s.b (2, 4, 6, 8, 10 left after the leader's purge: 8 and 10): the bound is 8.
  store.purgeEx("s.b", 0, 2);
  assert.equal(purgeBound({ filter: "s.b", seq: 0, keep: 2 }, store), 8);
  // keep with no filter: the stream's first.
  store.purgeEx("", 0, 3);
  assert.equal(purgeBound({ filter: "", seq: 0, keep: 3 }, store), store.state().firstSeq);
});
