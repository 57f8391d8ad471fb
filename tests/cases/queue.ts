/**
 * @module
 * Conformance cases for queue groups: one member per group per message, plain subscribers get
 * everything, distribution across members, groups are independent. Mirrors nats-server 2.9.10
 * `client.go` (processMsgResults). Runs in the test isolate.
 */
import assert from "node:assert/strict";
import type { Suite } from "../helpers/cases.ts";
import { type Delivery, RawClient } from "../helpers/raw_client.ts";
import { pub, sub, unsub } from "../helpers/frames.ts";

/** Collects the next `count` deliveries. */
async function collect(c: RawClient, count: number): Promise<Delivery[]> {
  const out: Delivery[] = [];
  for (let i = 0; i < count; i++) out.push(await c.expectMsg());
  return out;
}

/** Publishes `n` numbered messages on `subject`, then waits for the publisher's PONG. */
async function publishNumbered(p: RawClient, subject: string, n: number): Promise<void> {
  let batch = "";
  for (let i = 0; i < n; i++) batch += pub(subject, `${i}`);
  await p.send(batch);
  await p.expectNothing();
}

/**
 * Counts MSGs received by each client after a barrier: flushes each one and parses everything
 * before its PONG.
 */
async function counts(clients: RawClient[]): Promise<number[]> {
  const result: number[] = [];
  for (const c of clients) {
    const text = await c.flush();
    result.push(text.match(/^MSG /gm)?.length ?? 0);
  }
  return result;
}

/** Queue group cases. */
export const queueCases: Suite = (start) => [
  {
    name: "each message goes to exactly one queue member while plain subscribers get all",
    fn: async () => {
      await using t = await start();
      await using q1 = await RawClient.open(t);
      await using q2 = await RawClient.open(t);
      await using plain = await RawClient.open(t);
      await using p = await RawClient.open(t);
      await q1.send(sub("work", 1, "g"));
      await q2.send(sub("work", 1, "g"));
      await plain.send(sub("work", 1));
      for (const c of [q1, q2, plain]) await c.flush();
      await publishNumbered(p, "work", 100);
      const all = await collect(plain, 100);
      assert.deepEqual(all.map((m) => m.payload), [...Array(100).keys()].map(String));
      const [n1, n2] = await counts([q1, q2]);
      assert.equal(n1 + n2, 100, `queue members got ${n1} + ${n2}`);
    },
  },
  {
    name: "queue deliveries are spread across members",
    fn: async () => {
      await using t = await start();
      const members = [];
      for (let i = 0; i < 3; i++) {
        const m = await RawClient.open(t);
        members.push(m);
        await m.send(sub("spread", `m${i}`, "g"));
        await m.flush();
      }
      try {
        await using p = await RawClient.open(t);
        await publishNumbered(p, "spread", 300);
        const got = await counts(members);
        assert.equal(got.reduce((a, b) => a + b, 0), 300);
        for (const n of got) assert.ok(n > 0, `every member receives some: ${got}`);
      } finally {
        for (const m of members) await m.close();
      }
    },
  },
  {
    name: "every queue group receives its own copy of each message",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("jobs", "a1", "alpha") + sub("jobs", "a2", "alpha"));
      await c.send(sub("jobs", "b1", "beta") + pub("jobs", "x"));
      const sids = (await collect(c, 2)).map((m) => m.sid).sort();
      assert.equal(sids.length, 2);
      assert.match(sids[0], /^a[12]$/);
      assert.equal(sids[1], "b1");
      await c.expectNothing();
    },
  },
  {
    name: "queue subscriptions honour wildcards and pass the reply subject to the chosen member",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("svc.*", 1, "g") + sub("svc.>", 2, "g"));
      await c.send(pub("svc.echo", "ping", "_INBOX.1"));
      const m = await c.expectMsg();
      assert.equal(m.subject, "svc.echo");
      assert.equal(m.reply, "_INBOX.1");
      assert.ok(m.sid === "1" || m.sid === "2");
      await c.expectNothing();
    },
  },
  {
    name: "an unsubscribed queue member stops receiving and the rest of the group takes over",
    fn: async () => {
      await using t = await start();
      await using q1 = await RawClient.open(t);
      await using q2 = await RawClient.open(t);
      await using p = await RawClient.open(t);
      await q1.send(sub("work", 1, "g"));
      await q2.send(sub("work", 1, "g"));
      await q1.flush();
      await q2.flush();
      await q1.send(unsub(1));
      await q1.flush();
      await publishNumbered(p, "work", 50);
      assert.deepEqual(await counts([q1, q2]), [0, 50]);
    },
  },
  {
    name: "queue names are case-sensitive and distinct groups",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo", 1, "Group") + sub("foo", 2, "group") + pub("foo", "x"));
      const sids = (await collect(c, 2)).map((m) => m.sid).sort();
      assert.deepEqual(sids, ["1", "2"]);
      await c.expectNothing();
    },
  },
];
