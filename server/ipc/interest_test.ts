/**
 * @module
 * Tests for the replicated interest table: weights and their transitions, interest applied
 * from decoded SUB/UNSUB records, peer removal, and delivery plans (one copy per peer, queue
 * groups chosen by weight over local and remote members).
 */

import assert from "node:assert/strict";
import { type DeliveryPlan, InterestChange, InterestTable } from "./interest.ts";
import { decodeInterest, encodeInterest, FrameKind, InterestView } from "./frames.ts";
import type { MatchResult, SubscriptionLike } from "../sublist/sublist.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function subject(text: string): Uint8Array {
  return encoder.encode(text);
}

function plan(
  table: InterestTable,
  text: string,
  local: MatchResult<SubscriptionLike> | null = null,
  random: () => number = Math.random,
): DeliveryPlan {
  const bytes = subject(text);
  return table.plan(bytes, 0, bytes.length, local, random);
}

/** The plan as `peer:queue,queue` strings, sorted by peer. */
function shape(p: DeliveryPlan): string[] {
  const out: string[] = [];
  for (let i = 0; i < p.peerCount; i++) {
    const queues = p.queues[i].slice(0, p.queueCounts[i]).map((q) => decoder.decode(q));
    out.push(`${p.peers[i]}:${queues.sort().join(",")}`);
  }
  return out.sort();
}

/** A generator of fixed "random" numbers, cycling. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

Deno.test("interest weights add up and the entry goes when they reach zero", () => {
  const table = new InterestTable();
  assert.equal(table.add(1, "orders.*"), InterestChange.Added);
  assert.equal(table.add(1, "orders.*", null, 2), InterestChange.Weight);
  assert.equal(table.weightOf(1, "orders.*"), 3);
  assert.equal(table.count, 1);
  assert.equal(table.remove(1, "orders.*", null, 2), InterestChange.Weight);
  assert.equal(table.remove(1, "orders.*"), InterestChange.Removed);
  assert.equal(table.count, 0);
  assert.equal(table.weightOf(1, "orders.*"), 0);
  assert.equal(table.remove(1, "orders.*"), InterestChange.Weight, "removing absent interest");
  assert.deepEqual(shape(plan(table, "orders.new")), []);
});

Deno.test("the same subject held by two peers and in two queues makes separate entries", () => {
  const table = new InterestTable();
  table.add(1, "a.b");
  table.add(2, "a.b");
  table.add(1, "a.b", "q1", 2);
  table.add(1, "a.b", "q2");
  assert.equal(table.count, 4);
  assert.equal(table.weightOf(1, "a.b", "q1"), 2);
  assert.equal(table.weightOf(2, "a.b", "q1"), 0);
  assert.equal(table.entries(1).length, 3);
  assert.equal(table.entries().length, 4);
  assert.equal(table.match(subject("a.b"), 0, 3).psubs.length, 2);
  assert.equal(table.match(subject("a.b"), 0, 3).qsubs.length, 2);
});

Deno.test("each peer with plain interest gets one copy however many subjects match", () => {
  const table = new InterestTable();
  table.add(1, "orders.*");
  table.add(1, "orders.>");
  table.add(1, "orders.new", null, 5);
  table.add(3, ">");
  table.add(2, "other");
  assert.deepEqual(shape(plan(table, "orders.new")), ["1:", "3:"]);
  assert.deepEqual(shape(plan(table, "other")), ["2:", "3:"]);
  assert.deepEqual(shape(plan(table, "none.here")), ["3:"]);
});

Deno.test("a queue group goes to one remote member chosen by weight", () => {
  const table = new InterestTable();
  table.add(1, "svc", "workers", 1);
  table.add(2, "svc", "workers", 3);
  // Total weight 4: [0, 0.25) picks peer 1, [0.25, 1) peer 2.
  assert.deepEqual(shape(plan(table, "svc", null, () => 0.1)), ["1:workers"]);
  assert.deepEqual(shape(plan(table, "svc", null, () => 0.3)), ["2:workers"]);
  assert.deepEqual(shape(plan(table, "svc", null, () => 0.999)), ["2:workers"]);
  const counts = new Map<number, number>();
  const random = sequence(...Array.from({ length: 1000 }, (_, i) => i / 1000));
  for (let i = 0; i < 1000; i++) {
    const p = plan(table, "svc", null, random);
    assert.equal(p.peerCount, 1);
    counts.set(p.peers[0], (counts.get(p.peers[0]) ?? 0) + 1);
  }
  assert.deepEqual([counts.get(1), counts.get(2)], [250, 750]);
});

Deno.test("a peer with plain interest and a won queue group gets one copy naming the group", () => {
  const table = new InterestTable();
  table.add(4, "svc.>");
  table.add(4, "svc.*", "workers");
  table.add(4, "svc.a", "audit");
  table.add(5, "svc.a", "audit", 3);
  const p = plan(table, "svc.a", null, () => 0);
  assert.deepEqual(shape(p), ["4:audit,workers"]);
  assert.deepEqual(shape(plan(table, "svc.a", null, () => 0.9)), ["4:workers", "5:audit"]);
});

function localResult(...queues: [string, number][]): MatchResult<SubscriptionLike> {
  return {
    psubs: [],
    qsubs: queues.map(([queue, members]) =>
      Array.from({ length: members }, () => ({ subject: "svc", queue }))
    ),
  };
}

Deno.test("local queue members compete with remote ones, one weight each", () => {
  const table = new InterestTable();
  table.add(1, "svc", "workers", 2);
  const local = localResult(["other", 1], ["workers", 2]);
  // Total weight 4: [0, 0.5) is local (2 members), [0.5, 1) goes to peer 1.
  const kept = plan(table, "svc", local, () => 0.49);
  assert.deepEqual(shape(kept), []);
  assert.deepEqual([...kept.localRemote.subarray(0, 2)], [0, 0]);
  const sent = plan(table, "svc", local, () => 0.5);
  assert.deepEqual(shape(sent), ["1:workers"]);
  assert.deepEqual([...sent.localRemote.subarray(0, 2)], [0, 1], "the local group is skipped");
  const again = plan(table, "svc", local, () => 0.1);
  assert.deepEqual([...again.localRemote.subarray(0, 2)], [0, 0], "flags reset per plan");
});

Deno.test("queue groups only held locally stay local", () => {
  const table = new InterestTable();
  table.add(1, "svc");
  const local = localResult(["workers", 1]);
  const p = plan(table, "svc", local, () => 0.99);
  assert.deepEqual(shape(p), ["1:"]);
  assert.equal(p.localRemote[0], 0);
});

Deno.test("removing a peer drops all its interest and only its interest", () => {
  const table = new InterestTable();
  table.add(1, "a.*");
  table.add(1, "b", "q", 4);
  table.add(2, "a.*");
  assert.equal(table.removePeer(1), 2);
  assert.equal(table.removePeer(1), 0);
  assert.equal(table.count, 1);
  assert.deepEqual(shape(plan(table, "a.x")), ["2:"]);
  assert.deepEqual(shape(plan(table, "b")), []);
});

Deno.test("peers with large ids are planned", () => {
  const table = new InterestTable();
  table.add(1000, "x");
  table.add(3, "x");
  assert.deepEqual(shape(plan(table, "x")), ["1000:", "3:"]);
  assert.deepEqual(shape(plan(table, "x")), ["1000:", "3:"], "again, with the stamps reused");
});

function applyRecord(
  table: InterestTable,
  peer: number,
  kind: typeof FrameKind.Sub | typeof FrameKind.Unsub,
  subjectBytes: Uint8Array,
  queue: string,
  weight: number,
): InterestChange {
  const queueBytes = encoder.encode(queue);
  const out = new Uint8Array(64 + subjectBytes.length + queueBytes.length);
  const end = encodeInterest(out, 3, {
    kind,
    account: 0,
    weight,
    subjectBuf: subjectBytes,
    subjectStart: 0,
    subjectEnd: subjectBytes.length,
    queueBuf: queueBytes,
    queueStart: 0,
    queueEnd: queueBytes.length,
  });
  return table.apply(peer, decodeInterest(out, 3, end, new InterestView()));
}

Deno.test("interest records from the ring apply weights like the string API", () => {
  const table = new InterestTable();
  assert.equal(applyRecord(table, 7, FrameKind.Sub, subject("svc.*"), "workers", 3), 1);
  assert.equal(applyRecord(table, 7, FrameKind.Sub, subject("svc.*"), "workers", 1), 0);
  assert.equal(table.weightOf(7, "svc.*", "workers"), 4);
  assert.deepEqual(shape(plan(table, "svc.x")), ["7:workers"]);
  assert.equal(applyRecord(table, 7, FrameKind.Unsub, subject("svc.*"), "workers", 4), -1);
  assert.equal(table.count, 0);
  assert.equal(applyRecord(table, 7, FrameKind.Unsub, subject("svc.*"), "", 1), 0);
});

Deno.test("non-ASCII and non-UTF-8 subjects from the ring match their bytes", () => {
  const table = new InterestTable();
  applyRecord(table, 1, FrameKind.Sub, subject("prix.é"), "", 1);
  assert.equal(table.weightOf(1, "prix.é"), 1);
  assert.deepEqual(shape(plan(table, "prix.é")), ["1:"]);
  const opaque = new Uint8Array([0x61, 0x2e, 0xff, 0xfe]);
  applyRecord(table, 2, FrameKind.Sub, opaque, "", 1);
  assert.equal(table.match(opaque, 0, opaque.length).psubs.length, 1);
  assert.equal(applyRecord(table, 2, FrameKind.Unsub, opaque, "", 1), -1);
  assert.equal(table.match(opaque, 0, opaque.length).psubs.length, 0);
});

Deno.test("an invalid subject is refused and leaves nothing behind", () => {
  const table = new InterestTable();
  assert.throws(() => table.add(1, "a..b"));
  assert.equal(table.count, 0);
  assert.equal(table.weightOf(1, "a..b"), 0);
});
