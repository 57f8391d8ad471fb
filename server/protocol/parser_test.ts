import assert from "node:assert/strict";
import { bytes, chunkings, feed, type FeedOptions, newParser } from "./_parser_testing.ts";
import { Parser } from "./parser.ts";
import type { MsgOp, ProtocolSink } from "./sink.ts";

/** A sink with only `onPub`, for tests that look at the MsgOp itself. */
function pubSink(onPub: (op: MsgOp) => void): ProtocolSink {
  return { onPub } as unknown as ProtocolSink;
}

interface Fixture {
  name: string;
  input: string;
  expect: string[];
  options?: FeedOptions;
}

const PV = "error protocol_violation";
const UNKNOWN = "error unknown_op parser ERROR";

const FIXTURES: Fixture[] = [
  // PING / PONG / +OK: anything up to LF is ignored after the name.
  { name: "PING", input: "PING\r\n", expect: ["ping"] },
  { name: "PONG in lower case", input: "pong\r\n", expect: ["pong"] },
  { name: "mixed-case PING", input: "PiNg\r\n", expect: ["ping"] },
  { name: "PING ended by a bare LF", input: "PING\n", expect: ["ping"] },
  { name: "PING with trailing junk", input: "PING foo bar\r\n", expect: ["ping"] },
  { name: "+OK", input: "+OK\r\n+ok\r\n", expect: ["ok", "ok"] },
  { name: "-ERR", input: "-ERR 'Stale Connection'\r\n", expect: ["err 'Stale Connection'"] },
  // CONNECT / INFO: spaces before the JSON are optional; trailing spaces are kept.
  {
    name: "CONNECT",
    input: 'CONNECT {"verbose":false,"pedantic":false}\r\n',
    expect: ['connect {"verbose":false,"pedantic":false}'],
  },
  { name: "CONNECT with a tab", input: "connect\t{}\r\n", expect: ["connect {}"] },
  { name: "CONNECT without a space", input: "CONNECT{}\r\n", expect: ["connect {}"] },
  { name: "CONNECT keeps trailing spaces", input: "CONNECT  {} \r\n", expect: ["connect {} "] },
  { name: "CONNECT with nothing takes the CR", input: "CONNECT\r\n", expect: ["connect \r"] },
  { name: "INFO", input: 'INFO {"server_id":"x"}\r\n', expect: ['info {"server_id":"x"}'] },
  // PUB
  {
    name: "PUB",
    input: "PUB foo 5\r\nhello\r\n",
    expect: ['pub foo reply= hdr=-1 size=5 raw=/5 "hello"'],
  },
  {
    name: "PUB with a reply",
    input: "PUB foo _INBOX.1 5\r\nhello\r\n",
    expect: ['pub foo reply=_INBOX.1 hdr=-1 size=5 raw=/5 "hello"'],
  },
  {
    name: "PUB with runs of spaces and tabs",
    input: "PUB\tfoo \t bar\t\t5 \r\nhello\r\n",
    expect: ['pub foo reply=bar hdr=-1 size=5 raw=/5 "hello"'],
  },
  {
    name: "PUB in lower case with an empty payload",
    input: "pub foo 0\r\n\r\n",
    expect: ['pub foo reply= hdr=-1 size=0 raw=/0 ""'],
  },
  {
    name: "PUB with a binary payload holding CRLF",
    input: "PUB foo 8\r\n\r\n\x00\xff\r\nPI\r\n",
    expect: ['pub foo reply= hdr=-1 size=8 raw=/8 "\\r\\n\\u0000ÿ\\r\\nPI"'],
  },
  {
    name: "PUB to a wildcard subject (the parser does not validate)",
    input: "PUB foo.* 1\r\nx\r\n",
    expect: ['pub foo.* reply= hdr=-1 size=1 raw=/1 "x"'],
  },
  {
    name: "PUB control line ended by a bare LF",
    input: "PUB foo 2\nhi\r\n",
    expect: ['pub foo reply= hdr=-1 size=2 raw=/2 "hi"'],
  },
  {
    name: "PUB keeps the size digits as sent",
    input: "PUB foo 007\r\n1234567\r\n",
    expect: ['pub foo reply= hdr=-1 size=7 raw=/007 "1234567"'],
  },
  {
    name: "PUB size of exactly max_payload",
    input: "PUB a 4\r\nabcd\r\n",
    expect: ['pub a reply= hdr=-1 size=4 raw=/4 "abcd"'],
    options: { limits: { maxPayload: 4 } },
  },
  {
    name: "PUB with max_payload -1 means no limit",
    input: "PUB a 4\r\nabcd\r\n",
    expect: ['pub a reply= hdr=-1 size=4 raw=/4 "abcd"'],
    options: { limits: { maxPayload: -1 } },
  },
  // HPUB
  {
    name: "HPUB",
    input: "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
    expect: ['hpub foo reply= hdr=12 size=14 raw=12/14 "NATS/1.0\\r\\n\\r\\nhi"'],
    options: { headers: true },
  },
  {
    name: "HPUB with a reply in lower case",
    input: "hpub foo r 12 12\r\nNATS/1.0\r\n\r\n\r\n",
    expect: ['hpub foo reply=r hdr=12 size=12 raw=12/12 "NATS/1.0\\r\\n\\r\\n"'],
    options: { headers: true },
  },
  {
    name: "HPUB with a zero header size",
    input: "HPUB foo 0 2\r\nhi\r\n",
    expect: ['hpub foo reply= hdr=0 size=2 raw=0/2 "hi"'],
    options: { headers: true },
  },
  // SUB / UNSUB
  { name: "SUB", input: "SUB foo 1\r\n", expect: ["sub foo null 1"] },
  { name: "SUB with a queue", input: "sub foo.* q1 22\r\n", expect: ["sub foo.* q1 22"] },
  { name: "SUB with wildcards", input: "SUB foo.*.> 2\n", expect: ["sub foo.*.> null 2"] },
  { name: "SUB args split on an inner CR", input: "SUB foo\r1\r\n", expect: ["sub foo null 1"] },
  { name: "UNSUB", input: "UNSUB 1\r\n", expect: ["unsub 1 -1"] },
  { name: "UNSUB with max", input: "unsub 1 5\r\n", expect: ["unsub 1 5"] },
  { name: "UNSUB with max 0", input: "UNSUB 1 0\r\n", expect: ["unsub 1 0"] },
  { name: "UNSUB with a bad max gives -1", input: "UNSUB 1 x\r\n", expect: ["unsub 1 -1"] },
  // A stream of several ops.
  {
    name: "a mixed stream",
    input: "CONNECT {}\r\nSUB a 1\r\nPUB a 2\r\nhi\r\nPING\r\nUNSUB 1\r\nPUB b r 0\r\n\r\nPONG\r\n",
    expect: [
      "connect {}",
      "sub a null 1",
      'pub a reply= hdr=-1 size=2 raw=/2 "hi"',
      "ping",
      "unsub 1 -1",
      'pub b reply=r hdr=-1 size=0 raw=/0 ""',
      "pong",
    ],
  },
  // Unknown ops and illegal bytes.
  { name: "an unknown op", input: "FOO\r\n", expect: [`${UNKNOWN}, state=Start: unexpected "F"`] },
  {
    name: "an empty line",
    input: "PING\r\n\r\nPING\r\n",
    expect: ["ping", `${UNKNOWN}, state=Start: unexpected "\\r"`],
  },
  {
    name: "a broken op name",
    input: "PUX\r\n",
    expect: [`${UNKNOWN}, state=OpName: unexpected "X"`],
  },
  {
    name: "PUB without a space",
    input: "PUBX foo 1\r\n",
    expect: [`${UNKNOWN}, state=NeedSpace: unexpected "X"`],
  },
  {
    name: "UNSUB without arguments",
    input: "UNSUB\r\n",
    expect: [`${UNKNOWN}, state=NeedSpace: unexpected "\\r"`],
  },
  {
    name: "MSG from a client",
    input: "MSG a 1 1\r\n",
    expect: [`${UNKNOWN}, state=Start: unexpected "M"`],
  },
  {
    name: "HMSG from a client is an empty publish on an empty subject, as in nats-server",
    input: "HMSG a 1 1 1\r\n\r\nhmsg x\n\r\n",
    expect: ['hpub  reply= hdr=0 size=0 raw=/ ""', 'hpub  reply= hdr=0 size=0 raw=/ ""'],
  },
  {
    name: "HMSG from a client followed by anything but CRLF",
    input: "HMSG a 1 1 1\r\nX\r\n",
    expect: [`${UNKNOWN}, state=PayloadCr: unexpected "X"`],
  },
  {
    name: "HMSG from a client over max_control_line",
    input: "HMSG " + "1 ".repeat(10) + "\r\n\r\n",
    expect: ["error max_control_line maximum control line exceeded: max_control_line 10"],
    options: { limits: { maxControlLine: 10 } },
  },
  {
    name: "RS+ from a client",
    input: "RS+ a\r\n",
    expect: [`${UNKNOWN}, state=Start: unexpected "R"`],
  },
  {
    name: "nothing after an error",
    input: "PING\r\nXX\r\nPING\r\nPUB a 1\r\nx\r\n",
    expect: ["ping", `${UNKNOWN}, state=Start: unexpected "X"`],
  },
  {
    name: "a payload not followed by CR",
    input: "PUB foo 2\r\nhiX\r\nPING\r\n",
    expect: [`${UNKNOWN}, state=PayloadCr: unexpected "X"`],
  },
  {
    name: "a payload followed by CR and no LF",
    input: "PUB foo 2\r\nhi\rXPING\r\n",
    expect: [`${UNKNOWN}, state=PayloadLf: unexpected "X"`],
  },
  // Protocol violations (closed without -ERR by the handler).
  {
    name: "PUB with one argument",
    input: "PUB foo\r\n",
    expect: [`${PV} processPub Parse Error: "foo"`],
  },
  {
    name: "PUB with four arguments",
    input: "PUB a b c 1\r\nx\r\n",
    expect: [`${PV} processPub Parse Error: "a b c 1"`],
  },
  {
    name: "PUB with a negative size",
    input: "PUB foo -1\r\n",
    expect: [`${PV} processPub Bad or Missing Size: "foo -1"`],
  },
  {
    name: "PUB with a non-numeric size",
    input: "PUB foo 1x\r\n",
    expect: [`${PV} processPub Bad or Missing Size: "foo 1x"`],
  },
  {
    name: "PUB with a 10-digit size",
    input: "PUB foo 0000000001\r\nx\r\n",
    expect: [`${PV} processPub Bad or Missing Size: "foo 0000000001"`],
  },
  {
    name: "a CR inside a control line drops the byte before LF, as parser.go does",
    input: "PUB foo\r 3\nabc\r\n",
    expect: [`${PV} processPub Parse Error: "foo\\r "`],
  },
  {
    name: "PUB with only a CR",
    input: "PUB \r\n",
    expect: [`${PV} processPub Parse Error: "\\r"`],
  },
  {
    name: "SUB with one argument",
    input: "SUB foo\r\n",
    expect: [`${PV} processSub Parse Error: "foo"`],
  },
  {
    name: "SUB with four arguments",
    input: "SUB a b c d\r\n",
    expect: [`${PV} processSub Parse Error: "a b c d"`],
  },
  {
    name: "UNSUB with three arguments",
    input: "UNSUB 1 2 3\r\n",
    expect: [`${PV} processUnsub Parse Error: "1 2 3"`],
  },
  {
    name: "HPUB when headers are off",
    input: "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
    expect: [`${PV} message headers not supported`],
  },
  {
    name: "HPUB with two arguments",
    input: "HPUB foo 2\r\nhi\r\n",
    expect: [`${PV} processHeaderPub Parse Error: "foo 2"`],
    options: { headers: true },
  },
  {
    name: "HPUB with a bad header size",
    input: "HPUB foo x 2\r\nhi\r\n",
    expect: [`${PV} processHeaderPub Bad or Missing Header Size: "foo x 2"`],
    options: { headers: true },
  },
  {
    name: "HPUB with a bad total size",
    input: "HPUB foo 1 -2\r\nhi\r\n",
    expect: [`${PV} processHeaderPub Bad or Missing Total Size: "foo 1 -2"`],
    options: { headers: true },
  },
  {
    name: "HPUB with a header larger than the total",
    input: "HPUB foo 3 2\r\nhi\r\n",
    expect: [`${PV} processHeaderPub Header Size larger then TotalSize: "foo 3 2"`],
    options: { headers: true },
  },
  // Limits.
  {
    name: "PUB over max_payload fails before the payload arrives",
    input: "PUB foo 5\r\nhel",
    expect: ["error max_payload maximum payload exceeded: 5 vs 4"],
    options: { limits: { maxPayload: 4 } },
  },
  {
    name: "HPUB over max_payload",
    input: "HPUB foo 1 5\r\n",
    expect: ["error max_payload maximum payload exceeded: 5 vs 4"],
    options: { headers: true, limits: { maxPayload: 4 } },
  },
  {
    name: "arguments of exactly max_control_line",
    input: "SUB abcdefg 12\r\n",
    expect: ["sub abcdefg null 12"],
    options: { limits: { maxControlLine: 10 } },
  },
  {
    name: "arguments one byte over max_control_line",
    input: "SUB abcdefgh 12\r\n",
    expect: ["error max_control_line maximum control line exceeded: max_control_line 10"],
    options: { limits: { maxControlLine: 10 } },
  },
  {
    name: "a control line that never ends",
    input: "SUB " + "x".repeat(40),
    expect: ["error max_control_line maximum control line exceeded: max_control_line 10"],
    options: { limits: { maxControlLine: 10 } },
  },
  {
    name: "CONNECT over max_control_line",
    input: 'CONNECT {"name":"abcdef"}\r\n',
    expect: ["error max_control_line maximum control line exceeded: max_control_line 10"],
    options: { limits: { maxControlLine: 10 } },
  },
  {
    name: "a long PING line is not limited",
    input: "PING" + " x".repeat(40) + "\r\n",
    expect: ["ping"],
    options: { limits: { maxControlLine: 10 } },
  },
  // Connection handling hooks.
  {
    name: "a first op other than CONNECT while auth is pending",
    input: "PING\r\n",
    expect: ["error auth_violation authentication error"],
    options: { requireConnect: true },
  },
  {
    name: "an unknown first byte while auth is pending is an auth violation",
    input: "XYZ\r\n",
    expect: ["error auth_violation authentication error"],
    options: { requireConnect: true },
  },
  {
    name: "a single non-C byte while auth is pending fails at once, as nats-server does",
    input: "P",
    expect: ["error auth_violation authentication error"],
    options: { requireConnect: true },
  },
  {
    name: "a broken CONNECT while auth is pending is an unknown op",
    input: "CXYZ\r\n",
    expect: [`${UNKNOWN}, state=OpName: unexpected "X"`],
    options: { requireConnect: true },
  },
  {
    name: "CONNECT first while auth is pending, then other ops",
    input: "CONNECT {}\r\nPING\r\n",
    expect: ["connect {}", "ping"],
    options: { requireConnect: true, acceptConnect: true },
  },
  {
    name: "a sink that stops the parser",
    input: "PING\r\nPUB a 1\r\nx\r\nPING\r\nPONG\r\n",
    expect: ["ping", 'pub a reply= hdr=-1 size=1 raw=/1 "x"'],
    options: { stopOn: "pub" },
  },
  {
    name: "a sink that stops the parser on PING",
    input: "PING\r\nPING\r\nSUB a 1\r\n",
    expect: ["ping"],
    options: { stopOn: "ping" },
  },
];

for (const fx of FIXTURES) {
  Deno.test(`parser gives the same events for "${fx.name}" at every split`, () => {
    const input = bytes(fx.input);
    for (const cuts of chunkings(input.length)) {
      const sink = feed(input, cuts, fx.options);
      assert.deepEqual(sink.events, fx.expect, `cuts ${JSON.stringify(cuts)}`);
      assert.equal(sink.eventsAfterError, 0);
    }
  });
}

Deno.test("parser gives the same events for a mixed stream cut in three at every pair", () => {
  const fx = FIXTURES.find((f) => f.name === "a mixed stream")!;
  const input = bytes(fx.input);
  for (let a = 1; a < input.length; a++) {
    for (let b = a + 1; b < input.length; b++) {
      assert.deepEqual(feed(input, [a, b]).events, fx.expect, `cuts ${a},${b}`);
    }
  }
});

Deno.test("parser hands out views of the read buffer when nothing is split", () => {
  const buf = bytes("PUB foo 5\r\nhello\r\n");
  let seen = false;
  const parser = new Parser(
    pubSink((op) => {
      assert.equal(op.argBuf, buf);
      assert.equal(op.payloadBuf, buf);
      assert.equal(op.payloadStart, 11);
      seen = true;
    }),
    { maxControlLine: 4096, maxPayload: 1024 },
  );
  parser.parse(buf);
  assert.ok(seen);
});

Deno.test("parser resumes a large payload split across many reads", () => {
  const size = 200_000;
  const payload = new Uint8Array(size);
  for (let i = 0; i < size; i++) payload[i] = (i * 31) & 0xff;
  const head = bytes(`PUB big ${size}\r\n`);
  const input = new Uint8Array(head.length + size + 2);
  input.set(head);
  input.set(payload, head.length);
  input.set(bytes("\r\n"), head.length + size);
  const cuts: number[] = [];
  for (let c = 7; c < input.length; c += 65_536) cuts.push(c);
  let got: Uint8Array | null = null;
  const p = new Parser(
    pubSink((op) => {
      got = op.payloadBuf.slice(op.payloadStart, op.payloadEnd);
    }),
    { maxControlLine: 4096, maxPayload: 1 << 20 },
  );
  let prev = 0;
  for (const cut of [...cuts, input.length]) {
    p.parse(input.slice(prev, cut));
    prev = cut;
  }
  assert.deepEqual(got, payload);
  assert.ok(p.idle);
});

Deno.test("parser reports idle only between ops", () => {
  const { parser } = newParser();
  assert.ok(parser.idle);
  parser.parse(bytes("PUB foo 5\r\nhel"));
  assert.ok(!parser.idle);
  parser.parse(bytes("lo\r\n"));
  assert.ok(parser.idle);
});

Deno.test("parser reads limits on every check, so a reload applies to the next op", () => {
  const { parser, sink } = newParser({ limits: { maxPayload: 10 } });
  parser.parse(bytes("PUB a 5\r\nhello\r\n"));
  parser.limits.maxPayload = 4;
  parser.parse(bytes("PUB a 5\r\nhello\r\n"));
  assert.deepEqual(sink.events, [
    'pub a reply= hdr=-1 size=5 raw=/5 "hello"',
    "error max_payload maximum payload exceeded: 5 vs 4",
  ]);
  assert.ok(parser.stopped && parser.failed);
});

Deno.test("parser ignores input after stop() and after an error", () => {
  const { parser, sink } = newParser();
  parser.parse(bytes("PING\r\n"));
  parser.stop();
  parser.parse(bytes("PING\r\n"));
  assert.deepEqual(sink.events, ["ping"]);
  assert.ok(parser.stopped);
  assert.ok(!parser.failed);
});

Deno.test("parser holds a control line longer than 64 KiB across reads", () => {
  const json = `{"name":"${"n".repeat(100_000)}"}`;
  const input = bytes(`CONNECT ${json}\r\nPING\r\nCONNECT {}\r\n`);
  const cuts: number[] = [];
  for (let c = 1000; c < input.length; c += 16_384) cuts.push(c);
  const sink = feed(input, cuts, { limits: { maxControlLine: 1 << 20 } });
  assert.deepEqual(sink.events, [`connect ${json}`, "ping", "connect {}"]);
});

Deno.test("parser lets go of its copies once a split control line is rejected as too long", () => {
  const { parser, sink } = newParser({ limits: { maxControlLine: 4096 } });
  const chunk = bytes("a".repeat(1000));
  parser.parse(bytes("SUB "));
  for (let i = 0; i < 4 && !parser.stopped; i++) parser.parse(chunk);
  assert.ok(parser.heldBytes > 0, "a split line is copied while it is still legal");
  for (let i = 0; i < 10 && !parser.stopped; i++) parser.parse(chunk);
  assert.ok(parser.stopped);
  assert.equal(parser.heldBytes, 0);
  assert.ok(
    sink.events.some((e) => String(e).includes("maximum control line")),
    sink.events.join(),
  );
});

Deno.test("parser lets go of a split payload copy when stopped", () => {
  const { parser } = newParser();
  parser.parse(bytes("PUB a 5000\r\n"));
  parser.parse(bytes("x".repeat(100)));
  assert.ok(parser.heldBytes >= 5000);
  parser.stop();
  assert.equal(parser.heldBytes, 0);
});
