import assert from "node:assert/strict";
import { latin1, utf8Bytes } from "./chars.ts";
import {
  CRLF,
  decimalLength,
  deliveryHeaderLength,
  encodeDeliveryHeader,
  encodeInfo,
  encodeMsgHeader,
  msgHeaderLength,
  OK,
  PING,
  PONG,
  writeBytes,
  writeDecimal,
} from "./encode.ts";
import { Parser } from "./parser.ts";
import type { MsgOp, ProtocolSink } from "./sink.ts";

Deno.test("fixed protocol lines are PING, PONG, +OK and CRLF", () => {
  assert.equal(latin1(PING), "PING\r\n");
  assert.equal(latin1(PONG), "PONG\r\n");
  assert.equal(latin1(OK), "+OK\r\n");
  assert.equal(latin1(CRLF), "\r\n");
});

Deno.test("writeDecimal writes the same digits as String() for many integers", () => {
  const out = new Uint8Array(20);
  const values = [0, 1, 9, 10, 99, 100, 101, 999_999_999, 1_000_000_000, 2 ** 31, 2 ** 53 - 1];
  for (let k = 0; k < 2000; k++) values.push(Math.floor(Math.random() * 1e12));
  for (const n of values) {
    const end = writeDecimal(out, 3, n);
    assert.equal(latin1(out, 3, end), String(n));
    assert.equal(decimalLength(n), String(n).length);
  }
});

Deno.test("writeBytes copies short and long ranges", () => {
  const src = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const out = new Uint8Array(400);
  assert.equal(writeBytes(out, 5, src, 10, 20), 15);
  assert.deepEqual(out.subarray(5, 15), src.subarray(10, 20));
  assert.equal(writeBytes(out, 0, src, 0, 300), 300);
  assert.deepEqual(out.subarray(0, 300), src);
});

const cases: Array<[string, string, string, number]> = [
  ["foo", "1", "", 16],
  ["foo.bar.baz", "123", "_INBOX.abc", 0],
  ["a", "", "", 1_048_576],
  ["a", "", "r", 7],
];

Deno.test("encodeMsgHeader matches string-built MSG lines", () => {
  for (const [subject, sid, reply, size] of cases) {
    const s = utf8Bytes(`xx${subject}`);
    const r = utf8Bytes(`yyy${reply}`);
    const len = msgHeaderLength(subject.length, sid.length, reply.length, size);
    const out = new Uint8Array(len + 4);
    const end = encodeMsgHeader(out, 2, s, 2, s.length, utf8Bytes(sid), r, 3, r.length, size);
    const expected = `MSG ${subject} ${sid ? sid + " " : ""}${reply ? reply + " " : ""}${size}\r\n`;
    assert.equal(latin1(out, 2, end), expected);
    assert.equal(end - 2, len);
  }
});

/** Parses one op and returns a copy of the resulting MsgOp (with its own buffers). */
function parseOne(text: string): MsgOp {
  let got: MsgOp | null = null;
  const sink = {
    onPub(op: MsgOp) {
      got = { ...op, argBuf: op.argBuf.slice(), payloadBuf: op.payloadBuf.slice() };
    },
  } as unknown as ProtocolSink;
  const parser = new Parser(sink, { maxControlLine: 4096, maxPayload: 1 << 20 });
  parser.headers = true;
  parser.parse(utf8Bytes(text));
  assert.ok(got);
  return got;
}

function delivery(op: MsgOp, sid: string, headers: boolean): string {
  const sidBytes = utf8Bytes(sid);
  const subjectLength = op.subjectEnd - op.subjectStart;
  const replyLength = op.replyEnd - op.replyStart;
  const len = deliveryHeaderLength(op, subjectLength, sidBytes.length, replyLength, headers);
  const out = new Uint8Array(len);
  const a = op.argBuf;
  const end = encodeDeliveryHeader(
    out,
    0,
    op,
    a,
    op.subjectStart,
    op.subjectEnd,
    sidBytes,
    a,
    op.replyStart,
    op.replyEnd,
    headers,
  );
  assert.equal(end, len);
  return latin1(out);
}

Deno.test("delivery headers echo the publisher's size digits like nats-server", () => {
  assert.equal(delivery(parseOne("PUB foo 007\r\n1234567\r\n"), "1", true), "MSG foo 1 007\r\n");
  assert.equal(delivery(parseOne("PUB foo r 2\r\nhi\r\n"), "9", false), "MSG foo 9 r 2\r\n");
});

Deno.test("delivery headers use HMSG only for header messages to header-aware clients", () => {
  const hpub = parseOne("HPUB foo r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n");
  assert.equal(delivery(hpub, "1", true), "HMSG foo 1 r 12 14\r\n");
  assert.equal(delivery(hpub, "1", false), "MSG foo 1 r 2\r\n");
  const zero = parseOne("HPUB foo 0 2\r\nhi\r\n");
  assert.equal(delivery(zero, "1", true), "MSG foo 1 2\r\n");
});

Deno.test("encodeInfo keeps nats-server's space before CRLF", () => {
  assert.equal(latin1(encodeInfo('{"port":4222}')), 'INFO {"port":4222} \r\n');
  assert.equal(encodeInfo('{"n":"é"}').length, 'INFO {"n":"é"} \r\n'.length + 1);
});
