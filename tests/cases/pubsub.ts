/**
 * @module
 * Conformance cases for core PUB/SUB/MSG/UNSUB: delivery, reply subjects, wildcards,
 * auto-unsubscribe, sids, framing tolerance (case, whitespace, bare LF, split writes),
 * echo, pedantic and subject validation. Mirrors nats-server 2.9.10 `client.go`
 * (processPub, processSubEx, processUnsub) and `parser.go`. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import type { Suite } from "../helpers/cases.ts";
import { bin, RawClient } from "../helpers/raw_client.ts";
import { pub, sub, unsub } from "../helpers/frames.ts";

/** PUB/SUB cases. */
export const pubsubCases: Suite = (start) => [
  {
    name: "a published message is delivered as MSG with subject, sid, size and payload",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo", 1) + pub("foo", "hello"));
      await c.expect(/^MSG foo 1 5\r\nhello\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "a reply subject is passed through to MSG",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo", 1) + pub("foo", "hi", "_INBOX.abc"));
      await c.expect(/^MSG foo 1 _INBOX\.abc 2\r\nhi\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "messages reach subscribers on other connections and skip non-matching subjects",
    fn: async () => {
      await using t = await start();
      await using a = await RawClient.open(t);
      await using b = await RawClient.open(t);
      await using p = await RawClient.open(t);
      await a.send(sub("foo", "a1"));
      await b.send(sub("foo", "b1") + sub("Foo", "b2"));
      await a.flush();
      await b.flush();
      await p.send(pub("foo", "x") + pub("foo.bar", "y") + pub("fo", "z"));
      await p.expectNothing();
      assert.deepEqual(await a.expectMsg(), { op: "MSG", subject: "foo", sid: "a1", payload: "x" });
      assert.deepEqual(await b.expectMsg(), { op: "MSG", subject: "foo", sid: "b1", payload: "x" });
      await a.expectNothing();
      await b.expectNothing();
    },
  },
  {
    name: "the * wildcard matches exactly one token",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo.*.baz", 1) + sub("*", 2));
      for (const s of ["foo.bar.baz", "foo.baz", "foo.bar.baz.qux", "foo.x.baz", "top", "a.b"]) {
        await c.send(pub(s, s));
      }
      await c.expect(/^MSG foo\.bar\.baz 1 11\r\nfoo\.bar\.baz\r\n/);
      await c.expect(/^MSG foo\.x\.baz 1 9\r\nfoo\.x\.baz\r\n/);
      await c.expect(/^MSG top 2 3\r\ntop\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "the > wildcard matches one or more trailing tokens but not zero",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo.>", 1));
      for (const s of ["foo", "foo.bar", "foo.bar.baz", "bar.foo"]) await c.send(pub(s));
      await c.expect(/^MSG foo\.bar 1 0\r\n\r\n/);
      await c.expect(/^MSG foo\.bar\.baz 1 0\r\n\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "a lone > subscription receives every subject",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub(">", "all"));
      await c.send(pub("a", "1") + pub("a.b.c", "2") + pub("$SYS.like", "3"));
      assert.equal((await c.expectMsg()).subject, "a");
      assert.equal((await c.expectMsg()).subject, "a.b.c");
      assert.equal((await c.expectMsg()).subject, "$SYS.like");
      await c.expectNothing();
    },
  },
  {
    name: "a message matching several subscriptions of one connection is delivered once per sid",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo.bar", 1) + sub("foo.*", 2) + sub("foo.>", 3) + sub("foo.bar", 4));
      await c.send(pub("foo.bar", "m"));
      const sids = [];
      for (let i = 0; i < 4; i++) sids.push((await c.expectMsg()).sid);
      assert.deepEqual(sids.sort(), ["1", "2", "3", "4"]);
      await c.expectNothing();
    },
  },
  {
    name: "UNSUB stops delivery to that sid only",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo", 1) + sub("foo", 2) + unsub(1) + pub("foo", "x"));
      assert.equal((await c.expectMsg()).sid, "2");
      await c.expectNothing();
    },
  },
  {
    name: "UNSUB with a max auto-unsubscribes after that many deliveries",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo", 1) + unsub(1, 2));
      for (let i = 0; i < 4; i++) await c.send(pub("foo", `${i}`));
      assert.equal((await c.expectMsg()).payload, "0");
      assert.equal((await c.expectMsg()).payload, "1");
      await c.expectNothing();
    },
  },
  {
    name: "UNSUB with a max already reached, zero or unparsable removes the subscription at once",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo", 1) + pub("foo", "a") + pub("foo", "b"));
      await c.expectMsg();
      await c.expectMsg();
      await c.send(unsub(1, 2) + pub("foo", "c"));
      await c.expectNothing();
      await c.send(sub("bar", 2) + "UNSUB 2 0\r\n" + sub("baz", 3) + "UNSUB 3 x\r\n");
      await c.send(pub("bar", "d") + pub("baz", "e"));
      await c.expectNothing();
    },
  },
  {
    name: "a SUB reusing an existing sid is ignored and the first subscription stays",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t, { verbose: true });
      await c.send(sub("foo", 1));
      await c.expect(/^\+OK\r\n/);
      await c.send(sub("bar", 1));
      await c.expect(/^\+OK\r\n/);
      await c.send("PING\r\n");
      await c.expect(/^PONG\r\n/);
      await c.send(pub("bar", "no"));
      await c.expect(/^\+OK\r\n/);
      await c.send(pub("foo", "yes"));
      await c.expect(/^\+OK\r\nMSG foo 1 3\r\nyes\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "UNSUB of an unknown sid is ignored and the connection stays open",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(unsub(42) + unsub("nope", 3));
      await c.expectNothing();
      await c.send(sub("foo", 1) + pub("foo", "ok"));
      assert.equal((await c.expectMsg()).payload, "ok");
    },
  },
  {
    name: "sids are opaque tokens echoed back verbatim",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo", "Sid-Ab_9") + pub("foo", "x"));
      await c.expect(/^MSG foo Sid-Ab_9 1\r\nx\r\n/);
    },
  },
  {
    name: "empty, CRLF-containing and binary payloads are delivered byte for byte",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      const binary = new Uint8Array(256).map((_, i) => i);
      await c.send(sub("foo", 1) + pub("foo", "") + pub("foo", "a\r\nPING\r\nb"));
      await c.send(new TextEncoder().encode("PUB foo 256\r\n"));
      await c.send(binary);
      await c.send("\r\n");
      assert.equal((await c.expectMsg()).payload, "");
      assert.equal((await c.expectMsg()).payload, "a\r\nPING\r\nb");
      const m = await c.expectMsg();
      assert.equal(m.payload, String.fromCharCode(...binary));
      await c.expectNothing();
    },
  },
  {
    name: "operation names are case-insensitive",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.send('connect {"verbose":false}\r\nsub foo 1\r\npUb foo 1\r\nx\r\nping\r\n');
      await c.expect(/^MSG foo 1 1\r\nx\r\nPONG\r\n$/);
      await c.send("unsub 1\r\nPub foo 1\r\ny\r\nPiNg\r\n");
      await c.expect(/^PONG\r\n$/);
    },
  },
  {
    name: "arguments may be separated by runs of spaces and tabs",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send("SUB \t foo  \t 1\r\nPUB\tfoo   r \t 1\r\nx\r\n");
      await c.expect(/^MSG foo 1 r 1\r\nx\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "a bare LF ends a control line",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send("SUB foo 1\nPUB foo 1\nx\r\nPING\n");
      await c.expect(/^MSG foo 1 1\r\nx\r\nPONG\r\n$/);
    },
  },
  {
    name: "a frame written one byte at a time is reassembled",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo.bar", 7));
      await c.flush();
      const frame = new TextEncoder().encode(pub("foo.bar", "split payload", "r.1") + "PING\r\n");
      for (let i = 0; i < frame.length; i++) await c.send(frame.subarray(i, i + 1));
      await c.expect(/^MSG foo\.bar 7 r\.1 13\r\nsplit payload\r\nPONG\r\n$/);
    },
  },
  {
    name: "messages from one publisher arrive in publish order",
    fn: async () => {
      await using t = await start();
      await using s = await RawClient.open(t);
      await using p = await RawClient.open(t);
      await s.send(sub("seq", 1));
      await s.flush();
      let batch = "";
      for (let i = 0; i < 500; i++) batch += pub("seq", `${i}`);
      await p.send(batch);
      for (let i = 0; i < 500; i++) assert.equal((await s.expectMsg()).payload, `${i}`);
      await s.expectNothing();
    },
  },
  {
    name: "echo false suppresses a connection's own messages while others still receive them",
    fn: async () => {
      await using t = await start();
      await using quiet = await RawClient.open(t, { echo: false });
      await using other = await RawClient.open(t);
      await other.send(sub("foo", 9));
      await other.flush();
      await quiet.send(sub("foo", 1) + pub("foo", "mine"));
      await quiet.expectNothing();
      assert.equal((await other.expectMsg()).payload, "mine");
      await other.send(pub("foo", "theirs"));
      assert.equal((await quiet.expectMsg()).payload, "theirs");
    },
  },
  {
    name:
      "pedantic mode flags a wildcard or malformed publish subject, still routes it, stays open",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t, { pedantic: true });
      await c.send(sub("foo.*", 1) + pub("foo.*", "x"));
      await c.expect(/^-ERR 'Invalid Publish Subject'\r\nMSG foo\.\* 1 1\r\nx\r\n/);
      await c.send(pub("foo..bar", "y"));
      await c.expect(/^-ERR 'Invalid Publish Subject'\r\n/);
      await c.send(pub("foo.ok", "z"));
      await c.expect(/^MSG foo\.ok 1 1\r\nz\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "without pedantic a wildcard publish subject is routed literally without an error",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("foo.*", 1) + sub("foo.bar", 2) + pub("foo.*", "x"));
      await c.expect(/^MSG foo\.\* 1 1\r\nx\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "SUB with an invalid subject is refused with Invalid Subject and the connection stays",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      for (const [i, s] of ["foo..bar", ".foo", "foo.", "foo.>.bar", ">.foo"].entries()) {
        await c.send(sub(s, i + 1));
        await c.expect(/^-ERR 'Invalid Subject'\r\n/);
      }
      await c.send(sub("foo*.b>r", 10) + pub("foo*.b>r", "literal"));
      await c.expect(/^MSG foo\*\.b>r 10 7\r\nliteral\r\n/);
      await c.send(sub("foo", 1) + pub("foo", "x"));
      assert.equal((await c.expectMsg()).sid, "1", "a refused sid can be reused");
      await c.expectNothing();
    },
  },
  {
    name: "UTF-8 subjects and payloads are routed and delivered unchanged",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send(sub("grüße.*", 1) + pub("grüße.日本", "żółw"));
      const m = await c.expectMsg();
      assert.equal(m.subject, bin("grüße.日本"));
      assert.equal(m.payload, bin("żółw"));
    },
  },
];
