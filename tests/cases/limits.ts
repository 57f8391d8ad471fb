/**
 * @module
 * Conformance cases for server limits and timers: max_connections, max_subscriptions,
 * ping_interval / ping_max (stale connections) and max_pending (slow consumers). Mirrors
 * nats-server 2.9.10 `server.go` (createClient), `client.go` (maxConnExceeded,
 * maxSubsExceeded, processPingTimer, queueOutbound). Runs in the test isolate.
 */
import assert from "node:assert/strict";
import type { Suite } from "../helpers/cases.ts";
import { RawClient } from "../helpers/raw_client.ts";
import { waitFor } from "../helpers/poll.ts";
import { pub, sub, unsub } from "../helpers/frames.ts";

const MAX_SUBS = "-ERR 'maximum subscriptions exceeded'\r\n";

/** Limit and timer cases. */
export const limitCases: Suite = (start) => [
  {
    name: "a connection over max_connections gets maximum connections exceeded and is closed",
    fn: async () => {
      await using t = await start({ maxConnections: 1 });
      await using first = await RawClient.open(t);
      await using second = await RawClient.dial(t);
      const rest = await second.expectClosed();
      assert.match(rest, /^INFO \{.*\} \r\n-ERR 'maximum connections exceeded'\r\n$/);
      await first.expectNothing();
    },
  },
  {
    name: "a slot freed under max_connections can be used by a new connection",
    fn: async () => {
      await using t = await start({ maxConnections: 1 });
      const first = await RawClient.open(t);
      await first.close();
      await waitFor(
        async () => {
          await using c = await RawClient.dial(t);
          try {
            await c.readInfo();
            await c.connect();
            return await c.flush() === "";
          } catch {
            return false; // refused while the server still counts the old connection
          }
        },
        3000,
        "a new connection to be accepted",
      );
    },
  },
  {
    name:
      "a SUB over max_subscriptions gets maximum subscriptions exceeded and the connection stays",
    fn: async () => {
      await using t = await start({ maxSubscriptions: 2 });
      await using c = await RawClient.open(t);
      await c.send(sub("a", 1) + sub("b", 2));
      await c.expectNothing();
      await c.send(sub("c", 3));
      await c.expect(/^-ERR 'maximum subscriptions exceeded'\r\n/);
      await c.send(pub("a", "1") + pub("b", "2") + pub("c", "3"));
      assert.equal((await c.expectMsg()).sid, "1");
      assert.equal((await c.expectMsg()).sid, "2");
      await c.expectNothing();
      await c.send(unsub(1) + sub("c", 3) + pub("c", "again"));
      assert.equal((await c.expectMsg()).sid, "3");
      await c.expectNothing();
    },
  },
  {
    name: "at max_subscriptions even a SUB reusing an existing sid is refused",
    fn: async () => {
      await using t = await start({ maxSubscriptions: 1 });
      await using c = await RawClient.open(t);
      await c.send(sub("a", 1));
      await c.expectNothing();
      await c.send(sub("a", 1));
      assert.equal(await c.flush(), MAX_SUBS);
    },
  },
  {
    name: "max_subscriptions counts per connection",
    fn: async () => {
      await using t = await start({ maxSubscriptions: 1 });
      await using a = await RawClient.open(t);
      await using b = await RawClient.open(t);
      await a.send(sub("x", 1));
      await b.send(sub("x", 1));
      await a.expectNothing();
      await b.expectNothing();
    },
  },
  {
    name: "a client that never answers server PINGs is closed with Stale Connection after ping_max",
    fn: async () => {
      await using t = await start({ pingIntervalMs: 100, pingMax: 2 });
      await using c = await RawClient.open(t);
      const rest = await c.expectClosed(3000);
      assert.equal(rest, "PING\r\nPING\r\n-ERR 'Stale Connection'\r\n");
    },
  },
  {
    name: "a client that answers server PINGs with PONG stays connected",
    fn: async () => {
      await using t = await start({ pingIntervalMs: 100, pingMax: 1 });
      await using c = await RawClient.open(t);
      for (let i = 0; i < 4; i++) {
        await c.expect(/^PING\r\n/, 2000);
        await c.send("PONG\r\n");
      }
      await c.send(sub("foo", 1) + pub("foo", "alive"));
      await c.expect(/MSG foo 1 5\r\nalive\r\n/);
      assert.equal(c.closed, false);
    },
  },
  {
    name:
      "a subscriber that stops reading is closed as a slow consumer while others are unaffected",
    fn: async () => {
      const size = 40 * 1024;
      await using t = await start({ maxPending: 64 * 1024, maxPayload: size });
      await using slow = await RawClient.open(t);
      await using other = await RawClient.open(t);
      await using p = await RawClient.open(t);
      await slow.send(sub("firehose", 1));
      await other.send(sub("chat", 1));
      await slow.flush();
      await other.flush();
      slow.pause();
      const total = 800;
      const payload = "x".repeat(size);
      for (let i = 0; i < total; i += 50) {
        let batch = "";
        for (let j = 0; j < 50; j++) batch += pub("firehose", payload);
        await p.send(batch);
      }
      await p.expectNothing(10_000);
      const rest = await slow.expectClosed(10_000);
      const delivered = rest.match(/MSG firehose 1 /g)?.length ?? 0;
      assert.ok(delivered < total, `slow consumer got ${delivered} of ${total} before the close`);
      assert.ok(!rest.includes("-ERR"), "a slow consumer is closed without an -ERR");
      await p.send(pub("chat", "still fine"));
      assert.equal((await other.expectMsg()).payload, "still fine");
      await p.expectNothing();
    },
  },
];
