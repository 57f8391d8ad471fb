/**
 * @module
 * The route profile of the parser: RS+/RS-/LS+/LS- arguments, and RMSG/HMSG/LMSG parsed by
 * route_args.ts, fed whole, split at every byte and one byte at a time through a reused buffer.
 */
import assert from "node:assert/strict";
import { bytes, chunkings } from "./_parser_testing.ts";
import { latin1 } from "./chars.ts";
import { LEAF_PROFILE, Parser, ROUTE_PROFILE } from "./parser.ts";
import type { MsgOp, ParseErrorKind, RoutedMsgOp, RouteSink } from "./sink.ts";

class RouteRecorder implements RouteSink {
  readonly events: string[] = [];
  onRouteSub(args: Uint8Array, hasOrigin: boolean): void {
    this.events.push(`${hasOrigin ? "ls+" : "rs+"} ${latin1(args)}`);
  }
  onRouteUnsub(args: Uint8Array): void {
    this.events.push(`rs- ${latin1(args)}`);
  }
  onPub(op: MsgOp): void {
    const m = op as RoutedMsgOp;
    const a = m.argBuf;
    this.events.push(
      [
        "msg",
        latin1(a, m.originStart, m.originEnd) || "-",
        latin1(a, m.accountStart, m.accountEnd),
        latin1(a, m.subjectStart, m.subjectEnd),
        `reply=${latin1(a, m.replyStart, m.replyEnd)}`,
        `queues=${latin1(a, m.queuesStart, m.queuesEnd)}`,
        `hdr=${m.headerSize}`,
        `size=${latin1(a, m.sizeStart, m.sizeEnd)}`,
        JSON.stringify(latin1(m.payloadBuf, m.payloadStart, m.payloadEnd)),
      ].join(" "),
    );
  }
  onConnect(json: Uint8Array): void {
    this.events.push(`connect ${latin1(json)}`);
  }
  onSub(): void {
    this.events.push("sub?");
  }
  onUnsub(): void {
    this.events.push("unsub?");
  }
  onPing(): void {
    this.events.push("ping");
  }
  onPong(): void {
    this.events.push("pong");
  }
  onInfo(json: Uint8Array): void {
    this.events.push(`info ${latin1(json)}`);
  }
  onOk(): void {
    this.events.push("ok");
  }
  onErr(text: Uint8Array): void {
    this.events.push(`err ${latin1(text)}`);
  }
  onParseError(kind: ParseErrorKind, detail: string): void {
    this.events.push(`error ${kind} ${detail}`);
  }
}

const LIMITS = { maxControlLine: Number.MAX_SAFE_INTEGER, maxPayload: -1 };

function feedRoute(input: Uint8Array, cuts: number[], profile = ROUTE_PROFILE): string[] {
  const sink = new RouteRecorder();
  const parser = new Parser(sink, LIMITS, profile);
  const scratch = new Uint8Array(input.length + 1);
  let prev = 0;
  for (const cut of [...cuts, input.length]) {
    scratch.set(input.subarray(prev, cut));
    parser.parse(scratch.subarray(0, cut - prev));
    scratch.fill(0xee);
    prev = cut;
  }
  return sink.events;
}

function check(input: string, expected: string[], profile = ROUTE_PROFILE): void {
  const data = bytes(input);
  for (const cuts of chunkings(data.length)) {
    assert.deepEqual(feedRoute(data, cuts, profile), expected, `cuts ${cuts.join(",")}`);
  }
}

Deno.test("route interest ops keep their raw arguments, LS+ is flagged as having an origin", () => {
  check("RS+ $G foo\r\nRS+ $G bar q1 3\r\nrs- $G foo\r\nLS+ c1 $G baz\r\nLS- $G baz\r\n", [
    "rs+ $G foo",
    "rs+ $G bar q1 3",
    "rs- $G foo",
    "ls+ c1 $G baz",
    "rs- $G baz",
  ]);
});

Deno.test("RMSG without reply, with reply, with queues and with reply plus queues", () => {
  check(
    "RMSG $G foo 2\r\nhi\r\nRMSG $G foo _R 02\r\nhi\r\nRMSG $G foo | q1 q2 1\r\nx\r\n" +
      "RMSG $G foo + _R q1 0\r\n\r\n",
    [
      'msg - $G foo reply= queues= hdr=-1 size=2 "hi"',
      'msg - $G foo reply=_R queues= hdr=-1 size=02 "hi"',
      'msg - $G foo reply= queues=q1 q2 hdr=-1 size=1 "x"',
      'msg - $G foo reply=_R queues=q1 hdr=-1 size=0 ""',
    ],
  );
});

Deno.test("route HMSG and LMSG carry the header size and the origin cluster", () => {
  check(
    "HMSG $G foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\nHMSG $G foo + r q 12 12\r\nNATS/1.0\r\n\r\n\r\n" +
      "LMSG c2 $G foo r 0 1\r\nx\r\n",
    [
      'msg - $G foo reply= queues= hdr=12 size=14 "NATS/1.0\\r\\n\\r\\nhi"',
      'msg - $G foo reply=r queues=q hdr=12 size=12 "NATS/1.0\\r\\n\\r\\n"',
      'msg c2 $G foo reply=r queues= hdr=0 size=1 "x"',
    ],
  );
});

Deno.test("bad routed message arguments report nats-server's texts", () => {
  const cases: [string, string][] = [
    ["RMSG $G foo\r\n", "processRoutedMsgArgs Parse Error: '[$G foo]'"],
    ["RMSG $G foo x q 1\r\n", "processRoutedMsgArgs Bad or Missing Reply Indicator: 'x'"],
    ["RMSG $G foo bar\r\n", "processRoutedMsgArgs Bad or Missing Size: '[$G foo bar]'"],
    [
      "HMSG $G foo 5 2\r\n",
      "processRoutedHeaderMsgArgs Header Size larger then TotalSize: '$G foo 5 2'",
    ],
    ["HMSG $G foo a 2\r\n", "processRoutedHeaderMsgArgs Bad or Missing Header Size: '$G foo a 2'"],
    ["LMSG c $G foo 1\r\n", "processRoutedOriginClusterMsgArgs Parse Error: '[c $G foo 1]'"],
  ];
  for (const [input, text] of cases) {
    assert.deepEqual(feedRoute(bytes(input), []), [`error protocol_violation ${text}`]);
  }
});

Deno.test("a route connection may not send client ops", () => {
  const events = feedRoute(bytes("PUB foo 1\r\nx\r\n"), []);
  assert.deepEqual(events.length, 1);
  assert.deepEqual(events[0].startsWith("error unknown_op"), true);
});

Deno.test("leafnode LMSG and HMSG name no account: reply, queues and header size", () => {
  check(
    "LMSG foo 2\r\nhi\r\nLMSG foo _R 1\r\nx\r\nLMSG foo | q1 q2 1\r\nx\r\n" +
      "LMSG foo + _R q1 0\r\n\r\nHMSG foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n" +
      "HMSG foo + r q 12 12\r\nNATS/1.0\r\n\r\n\r\nLS+ foo\r\nLS+ bar q 2\r\nLS- bar q\r\n",
    [
      'msg -  foo reply= queues= hdr=-1 size=2 "hi"',
      'msg -  foo reply=_R queues= hdr=-1 size=1 "x"',
      'msg -  foo reply= queues=q1 q2 hdr=-1 size=1 "x"',
      'msg -  foo reply=_R queues=q1 hdr=-1 size=0 ""',
      'msg -  foo reply= queues= hdr=12 size=14 "NATS/1.0\\r\\n\\r\\nhi"',
      'msg -  foo reply=r queues=q hdr=12 size=12 "NATS/1.0\\r\\n\\r\\n"',
      "ls+ foo",
      "ls+ bar q 2",
      "rs- bar q",
    ],
    LEAF_PROFILE,
  );
});

Deno.test("bad leafnode message arguments report nats-server's texts", () => {
  const cases: [string, string][] = [
    ["LMSG foo\r\n", "processLeafMsgArgs Parse Error: '[foo]'"],
    ["LMSG foo x q 1\r\n", "processLeafMsgArgs Bad or Missing Reply Indicator: 'x'"],
    ["LMSG foo bar\r\n", "processLeafMsgArgs Bad or Missing Size: '[foo bar]'"],
    ["HMSG foo 5\r\n", "processLeafHeaderMsgArgs Parse Error: '[foo 5]'"],
    ["HMSG foo 5 2\r\n", "processLeafHeaderMsgArgs Header Size larger then TotalSize: 'foo 5 2'"],
  ];
  for (const [input, text] of cases) {
    assert.deepEqual(feedRoute(bytes(input), [], LEAF_PROFILE), [
      `error protocol_violation ${text}`,
    ]);
  }
});

Deno.test("a leafnode connection may not send route ops", () => {
  const events = feedRoute(bytes("RS+ $G foo\r\n"), [], LEAF_PROFILE);
  assert.equal(events.length, 1);
  assert.match(events[0], /^error unknown_op/);
});
