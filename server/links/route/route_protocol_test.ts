/**
 * @module
 * Route wire helpers: RS+/RS- lines, RS+/RS- argument decoding, and the RMSG/HMSG written for
 * a message (reply, `+ reply queues`, `| queues`, headers kept or stripped).
 */
import assert from "node:assert/strict";
import { Outbound } from "../../client/outbound.ts";
import type { MsgOp } from "../../protocol/sink.ts";
import {
  appendRoutedMsg,
  parseRouteSub,
  parseRouteUnsub,
  routeSubLine,
  routeUnsubLine,
} from "./route_protocol.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("RS+ and RS- lines, with queue weights on RS+ only", () => {
  assert.equal(
    dec.decode(routeSubLine("$G", "foo.*", null, 1)),
    "RS+ $G foo.* \r\n".replace(" \r", "\r"),
  );
  assert.equal(dec.decode(routeSubLine("ACC", "bar", "q", 7)), "RS+ ACC bar q 7\r\n");
  assert.equal(dec.decode(routeUnsubLine("ACC", "bar", "q")), "RS- ACC bar q\r\n");
  const opaque = new Uint8Array([0x61, 0xff]);
  assert.deepEqual([...routeSubLine("$G", opaque, null, 1)], [
    ...enc.encode("RS+ $G a"),
    0xff,
    13,
    10,
  ]);
});

Deno.test("RS+/RS-/LS+ arguments decode to the key RS- names", () => {
  const sub = parseRouteSub(enc.encode("$G  foo\tq 12"), false);
  assert.deepEqual(
    typeof sub === "object" && [sub.account, sub.subject, sub.queue, sub.weight, sub.key],
    [
      "$G",
      "foo",
      "q",
      12,
      "$G foo q",
    ],
  );
  const ls = parseRouteSub(enc.encode("origin $G foo"), true);
  assert.equal(typeof ls === "object" && ls.key, "$G foo");
  assert.equal(
    parseRouteSub(enc.encode("$G foo q"), false),
    "processRemoteSub Parse Error: '$G foo q'",
  );
  assert.deepEqual(parseRouteUnsub(enc.encode("$G foo q")), { account: "$G", key: "$G foo q" });
});

function op(line: string, payload: string, hdr = -1): MsgOp {
  const argBuf = enc.encode(line);
  const t = line.split(" ");
  const at = (i: number) => line.indexOf(t[i]);
  const size = t[t.length - 1];
  const m: MsgOp = {
    argBuf,
    subjectStart: 0,
    subjectEnd: t[0].length,
    replyStart: t.length > (hdr < 0 ? 2 : 3) ? at(1) : t[0].length,
    replyEnd: t.length > (hdr < 0 ? 2 : 3) ? at(1) + t[1].length : t[0].length,
    headerSize: hdr,
    size: Number(size),
    sizeStart: line.length - size.length,
    sizeEnd: line.length,
    headerSizeStart: hdr < 0 ? 0 : at(t.length - 2),
    headerSizeEnd: hdr < 0 ? 0 : at(t.length - 2) + t[t.length - 2].length,
    payloadBuf: enc.encode(payload),
    payloadStart: 0,
    payloadEnd: payload.length,
  };
  return m;
}

function routed(
  m: MsgOp,
  queues: string[],
  headers = true,
  account: string | null = "$G",
  origin: string | null = null,
): string {
  const out = new Outbound({ write: (p) => Promise.resolve(p.length) }, () => 0);
  const n = appendRoutedMsg(
    out,
    account === null ? null : enc.encode(account),
    m,
    queues.map((q) => enc.encode(q)),
    queues.length,
    headers,
    origin === null ? null : enc.encode(origin),
  );
  const text = dec.decode(out.buf.subarray(0, out.len));
  assert.equal(n, out.len, "the size computed up front is exact");
  return text;
}

Deno.test("RMSG forms: plain, reply, queues with and without reply, headers", () => {
  assert.equal(routed(op("foo 05", "hello"), []), "RMSG $G foo 05\r\nhello\r\n");
  assert.equal(routed(op("foo _R 5", "hello"), []), "RMSG $G foo _R 5\r\nhello\r\n");
  assert.equal(routed(op("foo 5", "hello"), ["a", "b"]), "RMSG $G foo | a b 5\r\nhello\r\n");
  assert.equal(routed(op("foo _R 5", "hello"), ["a"]), "RMSG $G foo + _R a 5\r\nhello\r\n");
  const h = "NATS/1.0\r\n\r\n";
  assert.equal(routed(op("foo 12 14", h + "hi", 12), []), `HMSG $G foo 12 14\r\n${h}hi\r\n`);
  assert.equal(
    routed(op("foo _R 12 14", h + "hi", 12), ["q"]),
    `HMSG $G foo + _R q 12 14\r\n${h}hi\r\n`,
  );
  // A route without header support gets the body only (client.go msgHeaderForRouteOrLeaf).
  assert.equal(routed(op("foo 12 14", h + "hi", 12), [], false), "RMSG $G foo 2\r\nhi\r\n");
});

Deno.test("leafnode LMSG/HMSG forms name no account", () => {
  assert.equal(
    routed(op("foo _R 5", "hello"), ["q"], true, null),
    "LMSG foo + _R q 5\r\nhello\r\n",
  );
  const h = "NATS/1.0\r\n\r\n";
  assert.equal(
    routed(op("foo 12 14", h + "hi", 12), [], true, null),
    `HMSG foo 12 14\r\n${h}hi\r\n`,
  );
});

Deno.test("a leaf's message on a route is an LMSG with its origin cluster and a header size", () => {
  assert.equal(
    routed(op("foo _R 5", "hello"), ["q"], true, "$G", "LC"),
    "LMSG LC $G foo + _R q 0 5\r\nhello\r\n",
  );
  const h = "NATS/1.0\r\n\r\n";
  assert.equal(
    routed(op("foo 12 14", h + "hi", 12), [], true, "$G", "LC"),
    `LMSG LC $G foo 12 14\r\n${h}hi\r\n`,
  );
  assert.equal(
    routed(op("foo 12 14", h + "hi", 12), [], false, "$G", "LC"),
    "LMSG LC $G foo 0 2\r\nhi\r\n",
  );
});
