/**
 * @module
 * Conformance cases for protocol errors: which ones send `-ERR` before closing, which close
 * silently (argument errors), and the payload / control-line limits. Mirrors nats-server
 * 2.9.10 `parser.go` (parseErr, overMaxControlLineLimit) and `client.go` (processPub,
 * processHeaderPub, parseSub, processUnsub, maxPayloadViolation). Runs in the test isolate.
 */
import assert from "node:assert/strict";
import type { Suite } from "../helpers/cases.ts";
import { RawClient } from "../helpers/raw_client.ts";
import type { Target } from "../helpers/target.ts";
import { headerBlock, hpub, pub, sub } from "../helpers/frames.ts";

const UNKNOWN_OP = "-ERR 'Unknown Protocol Operation'\r\n";
const MAX_PAYLOAD = "-ERR 'Maximum Payload Violation'\r\n";
const MAX_CONTROL_LINE = "-ERR 'maximum control line exceeded'\r\n";

/** Opens a fresh connection, sends `input` and returns what arrived before the close. */
async function closeReply(t: Target, input: string, connect = {}): Promise<string> {
  await using c = await RawClient.open(t, connect);
  await c.send(input);
  return await c.expectClosed();
}

/** Opens a connection with the shortest CONNECT that turns verbose off (17 bytes). */
async function openTerse(t: Target): Promise<RawClient> {
  const c = await RawClient.dial(t);
  await c.readInfo();
  await c.send('CONNECT {"verbose":false}\r\n');
  await c.expectNothing();
  return c;
}

/** Protocol error cases. */
export const errorCases: Suite = (start) => [
  {
    name: "an unknown operation gets Unknown Protocol Operation and the connection is closed",
    fn: async () => {
      await using t = await start();
      const inputs = ["FOO bar\r\n", "PUBX foo 1\r\n", "MSG foo 1 1\r\nx\r\n", "RS+ foo\r\n"];
      for (const input of inputs) {
        assert.equal(await closeReply(t, input), UNKNOWN_OP, JSON.stringify(input));
      }
    },
  },
  {
    name: "PUB, SUB or UNSUB followed directly by CRLF is an unknown operation",
    fn: async () => {
      await using t = await start();
      for (const op of ["PUB", "SUB", "UNSUB", "HPUB"]) {
        assert.equal(await closeReply(t, `${op}\r\n`, { headers: true }), UNKNOWN_OP, op);
      }
    },
  },
  {
    name: "PUB with a wrong argument count or a bad size closes the connection without an -ERR",
    fn: async () => {
      await using t = await start();
      for (const args of ["foo", "foo bar", "foo r x 1", "foo -1", "foo 99999999999999999999"]) {
        assert.equal(await closeReply(t, `PUB ${args}\r\n`), "", `PUB ${args}`);
      }
    },
  },
  {
    name: "HPUB with a wrong argument count or bad sizes closes the connection without an -ERR",
    fn: async () => {
      await using t = await start();
      for (const args of ["foo 12", "foo r 1 2 3 4", "foo x 12", "foo 12 x"]) {
        assert.equal(await closeReply(t, `HPUB ${args}\r\n`, { headers: true }), "", args);
      }
    },
  },
  {
    name: "SUB or UNSUB with a wrong argument count closes the connection without an -ERR",
    fn: async () => {
      await using t = await start();
      for (const input of ["SUB foo\r\n", "SUB foo q 1 extra\r\n", "UNSUB 1 2 3\r\n"]) {
        assert.equal(await closeReply(t, input), "", JSON.stringify(input));
      }
    },
  },
  {
    name: "a payload longer than its declared size is an unknown operation",
    fn: async () => {
      await using t = await start();
      for (const input of ["PUB foo 2\r\nhiXX\r\n", "PUB foo 2\r\nhi\nPING\r\n"]) {
        assert.equal(await closeReply(t, input), UNKNOWN_OP, JSON.stringify(input));
      }
    },
  },
  {
    name: "a PUB over max_payload gets Maximum Payload Violation on its control line and is closed",
    fn: async () => {
      await using t = await start({ maxPayload: 16 });
      assert.equal(await closeReply(t, "PUB foo 17\r\n"), MAX_PAYLOAD);
      assert.equal(await closeReply(t, "HPUB foo 12 17\r\n", { headers: true }), MAX_PAYLOAD);
    },
  },
  {
    name: "a PUB of exactly max_payload bytes is delivered",
    fn: async () => {
      await using t = await start({ maxPayload: 16 });
      await using c = await RawClient.open(t, { headers: true });
      const payload = "0123456789abcdef";
      await c.send(sub("foo", 1) + pub("foo", payload));
      assert.equal((await c.expectMsg()).payload, payload);
      const hdr = headerBlock();
      await c.send(hpub("foo", hdr, "x".repeat(16 - hdr.length)));
      assert.equal((await c.expectMsg()).op, "HMSG");
      await c.expectNothing();
    },
  },
  {
    name: "a control line over max_control_line gets maximum control line exceeded and is closed",
    fn: async () => {
      await using t = await start({ maxControlLine: 64 });
      const long = "a".repeat(100);
      assert.equal(await closeReply(t, `SUB ${long} 1\r\n`), MAX_CONTROL_LINE);
      assert.equal(await closeReply(t, `PUB ${long} 1\r\nx\r\n`), MAX_CONTROL_LINE);
      assert.equal(await closeReply(t, `SUB ${long}`), MAX_CONTROL_LINE, "without CRLF");
    },
  },
  {
    name: "max_control_line counts the argument bytes after the operation name",
    fn: async () => {
      await using t = await start({ maxControlLine: 32 });
      await using c = await openTerse(t);
      const subject = "s".repeat(30);
      await c.send(sub(subject, 1) + pub(subject, "ok"));
      await c.expect(/^MSG s+ 1 2\r\nok\r\n/);
      await using d = await openTerse(t);
      await d.send(sub(subject + "s", 1));
      assert.equal(await d.expectClosed(), MAX_CONTROL_LINE);
    },
  },
  {
    name: "max_control_line applies to the CONNECT line too",
    fn: async () => {
      await using t = await start({ maxControlLine: 32 });
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.send(`CONNECT {"verbose":false,"name":"abcdefg"}\r\n`);
      assert.equal(await c.expectClosed(), MAX_CONTROL_LINE);
    },
  },
  {
    name: "a payload is not limited by max_control_line",
    fn: async () => {
      await using t = await start({ maxControlLine: 32 });
      await using c = await openTerse(t);
      const payload = "p".repeat(1000);
      await c.send(sub("foo", 1) + pub("foo", payload));
      assert.equal((await c.expectMsg()).payload, payload);
    },
  },
  {
    name: "+OK, PONG and a well-formed INFO sent by a client are ignored",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send('+OK\r\nPONG\r\nINFO {"server_id":"x"}\r\n');
      await c.expectNothing();
    },
  },
  {
    name: "an INFO with bad JSON or an -ERR sent by a client closes the connection silently",
    fn: async () => {
      await using t = await start();
      assert.equal(await closeReply(t, "INFO nope\r\n"), "");
      assert.equal(await closeReply(t, "-ERR 'client says no'\r\n"), "");
    },
  },
  {
    name: "PING with trailing bytes before the line end is still answered with PONG",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send("PINGX\r\nPING foo\r\n");
      await c.expect(/^PONG\r\nPONG\r\n$/);
      await c.expectNothing();
    },
  },
  {
    name: "an error on one connection leaves other connections working",
    fn: async () => {
      await using t = await start();
      await using good = await RawClient.open(t);
      await good.send(sub("foo", 1));
      await good.flush();
      assert.equal(await closeReply(t, "GARBAGE\r\n"), UNKNOWN_OP);
      assert.equal(await closeReply(t, "PUB foo\r\n"), "");
      await using p = await RawClient.open(t);
      await p.send(pub("foo", "still here"));
      assert.equal((await good.expectMsg()).payload, "still here");
    },
  },
];
