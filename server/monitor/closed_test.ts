/**
 * @module
 * Tests for the closed-connection ring and close-time snapshots.
 */
import assert from "node:assert/strict";
import { ClosedConnections } from "./closed.ts";
import { FakeServer } from "./_fake.ts";

Deno.test("the closed ring keeps the newest entries, oldest first", () => {
  const ring = new ClosedConnections<number>(3);
  assert.deepEqual(ring.list(), []);
  for (let i = 1; i <= 7; i++) ring.add(i);
  assert.deepEqual(ring.list(), [5, 6, 7]);
  assert.equal(ring.size, 3);
  assert.equal(ring.total, 7);
  ring.add(8);
  ring.add(9);
  assert.deepEqual(ring.list(), [7, 8, 9]);
});

Deno.test("the default ring holds 10,000 connections like nats-server", () => {
  assert.equal(new ClosedConnections().capacity, 10_000);
});

Deno.test("a closing connection is snapshotted with stop, reason, subs and account totals", () => {
  const s = new FakeServer();
  const c = s.connect(
    { inMsgs: 3, inBytes: 30, outMsgs: 2, outBytes: 20, userName: "bob" },
    65_000,
  );
  s.subscribe(c, "foo");
  s.subscribe(c, "bar.*", "q");
  s.close(c, "Slow Consumer (Pending Bytes)");
  const [cc] = s.monitor.closed.list();
  assert.equal(cc.info.cid, c.cid);
  assert.equal(cc.info.reason, "Slow Consumer (Pending Bytes)");
  assert.equal(cc.info.uptime, "1m5s");
  assert.equal(cc.info.subscriptions, 2);
  assert.ok(cc.info.stop);
  assert.equal(cc.user, "bob");
  assert.equal(cc.acc, "");
  assert.deepEqual(cc.subs.map((d) => [d.account, d.subject, d.qgroup]), [
    ["$G", "foo", undefined],
    ["$G", "bar.*", "q"],
  ]);
  const totals = s.monitor.closedTotals("$G");
  assert.deepEqual(totals, { inMsgs: 3, inBytes: 30, outMsgs: 2, outBytes: 20, slowConsumers: 1 });
});

Deno.test("a closed connection keeps its subscriptions packed and expands them on demand", () => {
  const s = new FakeServer();
  const c = s.connect({}, 1_000);
  for (let i = 0; i < 2000; i++) {
    const sub = s.subscribe(c, `g.${i}`, i === 1500 ? "workers" : undefined);
    if (i === 900) Object.assign(sub, { delivered: 5, max: 10 });
  }
  s.close(c, "Client Closed");
  const [cc] = s.monitor.closed.list();
  assert.equal(cc.subCount, 2000);
  assert.equal(cc.info.subscriptions, 2000);
  const subjects = cc.subjects;
  assert.equal(subjects.length, 2000);
  assert.equal(subjects[1999], "g.1999");
  const detail = cc.subs;
  assert.equal(detail.length, 2000);
  assert.equal(detail[1500].qgroup, "workers");
  assert.equal(detail[1499].qgroup, undefined);
  assert.equal(detail[7].subject, "g.7");
  assert.equal(detail[7].cid, c.cid);
  assert.equal(detail[7].msgs, 0);
  assert.equal(detail[7].max, undefined);
  assert.equal(detail[900].msgs, 5);
  assert.equal(detail[900].max, 10);
});
