/**
 * @module
 * Conformance cases for headers (HPUB/HMSG, header stripping for clients without headers,
 * refused HPUB) and the no-responders 503 status. Mirrors nats-server 2.9.10 `client.go`
 * (processHeaderPub, msgHeader, processInboundClientMsg, subForReply). Runs in the test isolate.
 */
import assert from "node:assert/strict";
import type { Suite } from "../helpers/cases.ts";
import { RawClient } from "../helpers/raw_client.ts";
import { headerBlock, hpub, pub, sub } from "../helpers/frames.ts";

const HEADERS = { headers: true };
const NO_RESPONDERS = { headers: true, no_responders: true };

/** Header and no-responders cases. */
export const headersCases: Suite = (start) => [
  {
    name: "HPUB is delivered as HMSG with header size, total size and the header block",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t, HEADERS);
      const hdr = headerBlock({ "X-Trace": "abc", Multi: "a b" });
      await c.send(sub("foo", 1) + hpub("foo", hdr, "payload"));
      const m = await c.expect(/^HMSG foo 1 (\d+) (\d+)\r\n/);
      assert.equal(Number(m[1]), hdr.length);
      assert.equal(Number(m[2]), hdr.length + 7);
      await c.expect(/^NATS\/1\.0\r\nX-Trace: abc\r\nMulti: a b\r\n\r\npayload\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "HPUB with a reply subject is delivered as HMSG carrying the reply",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t, HEADERS);
      await c.send(sub("foo", 1) + hpub("foo", headerBlock({ A: "b" }), "hi", "rep.ly"));
      await c.expect(/^HMSG foo 1 rep\.ly 18 20\r\nNATS\/1\.0\r\nA: b\r\n\r\nhi\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "a client without headers support receives a header message as MSG with only the payload",
    fn: async () => {
      await using t = await start();
      await using plain = await RawClient.open(t, { headers: false });
      await using rich = await RawClient.open(t, HEADERS);
      await plain.send(sub("foo", 1));
      await rich.send(sub("foo", 2));
      await plain.flush();
      await rich.flush();
      await rich.send(hpub("foo", headerBlock({ K: "v" }), "body", "r"));
      await plain.expect(/^MSG foo 1 r 4\r\nbody\r\n/);
      await rich.expect(/^HMSG foo 2 r 18 22\r\nNATS\/1\.0\r\nK: v\r\n\r\nbody\r\n/);
      await plain.expectNothing();
    },
  },
  {
    name: "a plain PUB reaches a headers client as MSG",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t, HEADERS);
      await c.send(sub("foo", 1) + pub("foo", "plain"));
      await c.expect(/^MSG foo 1 5\r\nplain\r\n/);
    },
  },
  {
    name: "HPUB with a zero header size is delivered as a plain MSG",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t, HEADERS);
      await c.send(sub("foo", 1) + "HPUB foo 0 2\r\nhi\r\n");
      await c.expect(/^MSG foo 1 2\r\nhi\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "HPUB from a client that did not announce headers closes the connection without an -ERR",
    fn: async () => {
      await using t = await start();
      for (const opts of [{}, { headers: false }]) {
        await using c = await RawClient.open(t, opts);
        await c.send(hpub("foo", headerBlock(), "hi"));
        assert.equal(await c.expectClosed(), "");
      }
      await using before = await RawClient.dial(t);
      await before.readInfo();
      await before.send(hpub("foo", headerBlock(), "hi"));
      assert.equal(await before.expectClosed(), "", "HPUB before CONNECT");
    },
  },
  {
    name: "HPUB on a server with header support disabled closes the connection without an -ERR",
    fn: async () => {
      await using t = await start({ noHeaderSupport: true });
      await using c = await RawClient.open(t, HEADERS);
      await c.send(hpub("foo", headerBlock(), "hi"));
      assert.equal(await c.expectClosed(), "");
    },
  },
  {
    name: "HPUB with a header size larger than the total size closes without an -ERR",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t, HEADERS);
      await c.send("HPUB foo 14 12\r\nNATS/1.0\r\n\r\nhi\r\n");
      assert.equal(await c.expectClosed(), "");
    },
  },
  {
    name: "a request with no responders gets a 503 HMSG with empty payload on the reply sid",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t, NO_RESPONDERS);
      await c.send(sub("reply.1", 9) + pub("service", "req", "reply.1"));
      await c.expect(/^HMSG reply\.1 9 16 16\r\nNATS\/1\.0 503\r\n\r\n\r\n/);
      await c.send(hpub("service", headerBlock({ A: "b" }), "req", "reply.1"));
      await c.expect(/^HMSG reply\.1 9 16 16\r\nNATS\/1\.0 503\r\n\r\n\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "the 503 goes once, to the requester's first subscription matching the reply",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t, NO_RESPONDERS);
      await c.send(sub("_INBOX.>", "inbox") + pub("service", "", "_INBOX.abc.1"));
      await c.expect(/^HMSG _INBOX\.abc\.1 inbox 16 16\r\nNATS\/1\.0 503\r\n\r\n\r\n/);
      await c.send(sub("_INBOX.abc.1", "exact") + pub("service", "", "_INBOX.abc.1"));
      const m = await c.expect(
        /^HMSG _INBOX\.abc\.1 (inbox|exact) 16 16\r\nNATS\/1\.0 503\r\n\r\n\r\n/,
      );
      assert.ok(m[1]);
      await c.expectNothing();
    },
  },
  {
    name: "no 503 is sent without no_responders or when the requester has no reply subscription",
    fn: async () => {
      await using t = await start();
      await using off = await RawClient.open(t, HEADERS);
      await off.send(sub("r", 1) + pub("service", "", "r"));
      await off.expectNothing();
      await using on = await RawClient.open(t, NO_RESPONDERS);
      await on.send(pub("service", "", "r"));
      await on.expectNothing();
      await on.send(sub("r", 2, "q") + pub("service", "", "r"));
      await on.expectNothing();
    },
  },
  {
    name: "no 503 is sent when any subscriber receives the request",
    fn: async () => {
      await using t = await start();
      await using responder = await RawClient.open(t);
      await responder.send(sub("service", 1, "workers"));
      await responder.flush();
      await using c = await RawClient.open(t, NO_RESPONDERS);
      await c.send(sub("r", 1) + pub("service", "q", "r"));
      await c.expectNothing();
      await responder.expect(/^MSG service 1 r 1\r\nq\r\n/);
    },
  },
  {
    name: "a requester with echo false whose only responder is itself gets a 503",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t, { ...NO_RESPONDERS, echo: false });
      await c.send(sub("service", 1) + sub("r", 2) + pub("service", "q", "r"));
      await c.expect(/^HMSG r 2 16 16\r\nNATS\/1\.0 503\r\n\r\n\r\n/);
      await c.expectNothing();
    },
  },
];
