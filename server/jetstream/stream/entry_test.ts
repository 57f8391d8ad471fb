import assert from "node:assert/strict";
import { applyStreamEntry, type MirrorEntry, type MsgEntry } from "./entry.ts";
import { config, machine } from "./_test_util.ts";
import { jsApiError } from "../api/errors.ts";

const enc = new TextEncoder();

function msg(subject: string, over: Partial<MsgEntry> = {}): MsgEntry {
  return {
    op: "msg",
    subject,
    header: null,
    data: enc.encode("x"),
    msgId: "",
    rollup: "",
    skip: false,
    ...over,
  };
}

/** A mirror entry of the origin's message `seq` (data `x`, no header). */
function mirrored(subject: string, seq: number, ts: bigint, msgId: string): MirrorEntry {
  return { op: "mirror", subject, header: null, data: enc.encode("x"), seq, ts, msgId };
}

Deno.test("a message entry stores with the time passed in and remembers its id", async () => {
  const m = machine(config());
  const r = applyStreamEntry(m, msg("s.a", { msgId: "id1" }), 1_000n);
  assert.equal(r.op, "msg");
  if (r.op !== "msg") return;
  assert.equal(r.seq, 1);
  await r.persisted;
  assert.equal(m.store.loadMsg(1).ts, 1_000n);
  assert.equal(m.lastMsgId, "id1");
  assert.deepEqual(m.dedupe.find("id1"), { id: "id1", seq: 1, ts: 1_000n });
});

Deno.test("a skipped message uses a sequence, stores nothing and records its id with seq 0", () => {
  const m = machine(config({ retention: "interest" }));
  const r = applyStreamEntry(m, msg("s.a", { skip: true, msgId: "q" }), 5n);
  assert.ok(r.op === "msg" && r.seq === 1);
  const st = m.store.state();
  assert.equal(st.msgs, 0);
  assert.equal(st.lastSeq, 1);
  assert.equal(m.dedupe.find("q")?.seq, 0);
});

Deno.test("a refused message (discard new at max_msgs) reports seq 0 and a rejected persist", async () => {
  const m = machine(config({ max_msgs: 1, discard: "new" }));
  applyStreamEntry(m, msg("s.a"), 1n);
  const r = applyStreamEntry(m, msg("s.b", { msgId: "late" }), 2n);
  assert.ok(r.op === "msg");
  if (r.op !== "msg") return;
  assert.equal(r.seq, 0);
  await assert.rejects(r.persisted, /maximum messages exceeded/);
  assert.equal(m.dedupe.find("late"), undefined);
});

Deno.test("the account limit error removes the message just stored", () => {
  const m = machine(config(), () => jsApiError("JSAccountResourcesExceededErr"));
  const r = applyStreamEntry(m, msg("s.a"), 1n);
  assert.ok(r.op === "msg" && r.limitError?.err_code === 10002);
  assert.equal(m.store.state().msgs, 0);
});

Deno.test("rollup sub keeps only the new message of its subject; rollup all of the stream", () => {
  const m = machine(config({ allow_rollup_hdrs: true }));
  for (const s of ["s.a", "s.a", "s.b"]) applyStreamEntry(m, msg(s), 1n);
  applyStreamEntry(m, msg("s.a", { rollup: "sub" }), 2n);
  assert.equal(m.store.state().msgs, 2);
  assert.equal(m.store.filteredState(1, "s.a").first, 4);
  applyStreamEntry(m, msg("s.c", { rollup: "all" }), 3n);
  const st = m.store.state();
  assert.equal(st.msgs, 1);
  assert.equal(st.firstSeq, 5);
});

Deno.test("purge, delete, config, expire and remove entries change the store", () => {
  const m = machine(config({ max_age: 1_000_000_000 }));
  for (let i = 0; i < 5; i++) applyStreamEntry(m, msg(`s.${i % 2}`), BigInt(i) * 1_000_000n);
  assert.deepEqual(applyStreamEntry(m, { op: "purge", filter: "s.0", seq: 0, keep: 1 }, 0n), {
    op: "purge",
    purged: 2,
  });
  assert.deepEqual(applyStreamEntry(m, { op: "delete", seq: 2, erase: true }, 0n), {
    op: "delete",
    removed: true,
  });
  assert.deepEqual(applyStreamEntry(m, { op: "remove", seq: 99 }, 0n), {
    op: "remove",
    removed: false,
  });
  const next = config({ max_age: 1_000_000_000, max_msgs: 1 });
  applyStreamEntry(m, { op: "config", config: next }, 0n);
  assert.equal(m.config, next);
  assert.equal(m.store.state().msgs, 1);
  // The last message was stored at 4 ms: it expires once max_age (1 s) has passed.
  assert.deepEqual(applyStreamEntry(m, { op: "expire" }, 900_000_000n), {
    op: "expire",
    expired: 0,
  });
  assert.deepEqual(applyStreamEntry(m, { op: "expire" }, 1_004_000_000n), {
    op: "expire",
    expired: 1,
  });
});

Deno.test("a mirror entry stores with the origin's sequence and time; a fresh mirror starts there", () => {
  const m = machine(config({ subjects: undefined, mirror: { name: "O" } }));
  const first = applyStreamEntry(m, mirrored("o.1", 7, 99n, ""), 5n);
  assert.deepEqual([first.op, (first as { stored: boolean }).stored], ["mirror", true]);
  assert.deepEqual([m.store.state().firstSeq, m.store.state().lastSeq], [7, 7]);
  assert.equal(m.store.loadMsg(7).ts, 99n);
  // Anything but the next sequence is a mismatch once the mirror holds state.
  const gap = applyStreamEntry(m, mirrored("o.1", 9, 0n, ""), 5n);
  assert.equal((gap as { mismatch: boolean }).mismatch, true);
  assert.equal(m.store.state().lastSeq, 7);
  const skip = applyStreamEntry(m, { op: "skip", through: 8 }, 6n);
  assert.deepEqual(skip, { op: "skip", skipped: 1 });
  const next = applyStreamEntry(m, mirrored("o.2", 9, 0n, "k"), 11n);
  assert.equal((next as { stored: boolean }).stored, true);
  assert.deepEqual([m.store.loadMsg(9).ts, m.lastMsgId, m.store.state().msgs], [11n, "k", 2]);
});

Deno.test("a skip entry on an empty mirror moves its floor in one step", () => {
  const m = machine(config({ subjects: undefined, mirror: { name: "O" } }));
  assert.deepEqual(applyStreamEntry(m, { op: "skip", through: 1000 }, 1n), {
    op: "skip",
    skipped: 1000,
  });
  assert.deepEqual([m.store.state().firstSeq, m.store.state().lastSeq], [1001, 1000]);
  assert.deepEqual(applyStreamEntry(m, { op: "skip", through: 10 }, 1n), {
    op: "skip",
    skipped: 0,
  });
});
