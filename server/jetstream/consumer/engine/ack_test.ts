import assert from "node:assert/strict";
import { AckKind, ackReply, classifyAck, parseAckReply, parseAckSeqs } from "./ack.ts";
import { parseNakDelay } from "./acks.ts";

const enc = new TextEncoder();

Deno.test("ack reply subjects round-trip in nats-server's nine-token form", () => {
  const r = ackReply("$JS.ACK.ORDERS.c1", 2, 17, 9, 1_700_000_000_123_456_789n, 4);
  assert.equal(r, "$JS.ACK.ORDERS.c1.2.17.9.1700000000123456789.4");
  assert.deepEqual(parseAckReply(r), {
    deliveries: 2,
    streamSeq: 17,
    consumerSeq: 9,
    ts: 1_700_000_000_123_456_789n,
    pending: 4,
  });
  assert.equal(parseAckReply("$JS.ACK.S.C.1.2.3").streamSeq, 0);
  assert.equal(parseAckReply("foo.ACK.S.C.1.2.3.4.5").streamSeq, 0);
});

Deno.test("ack bodies are classified as nats-server's processAck switch does", () => {
  const kind = (s: string) => classifyAck(enc.encode(s));
  assert.equal(kind("").kind, AckKind.Ack);
  assert.equal(kind("+ACK").kind, AckKind.Ack);
  assert.equal(kind("+OK").kind, AckKind.Ack);
  assert.deepEqual(kind("+NXT 5"), { kind: AckKind.Next, arg: " 5" });
  assert.deepEqual(kind('-NAK {"delay":5}'), { kind: AckKind.Nak, arg: ' {"delay":5}' });
  assert.equal(kind("+WPI").kind, AckKind.Progress);
  assert.equal(kind("+TERM").kind, AckKind.Term);
  assert.equal(kind("+ACK ").kind, AckKind.Unknown);
  assert.equal(kind("nope").kind, AckKind.Unknown);
});

Deno.test("NAK delays: JSON nanoseconds or a Go duration, else a plain NAK", () => {
  assert.equal(parseNakDelay('{"delay":2000000000}'), 2_000_000_000n);
  assert.equal(parseNakDelay("{}"), 0n);
  assert.equal(parseNakDelay("1.5s"), 1_500_000_000n);
  assert.equal(parseNakDelay("soon"), null);
  assert.equal(parseNakDelay('{"delay":"1s"}'), null);
});

Deno.test("the ack hot path reads the same sequences as the full parse", () => {
  for (
    const subject of [
      "$JS.ACK.ORDERS.c1.2.17.9.1700000000123456789.4",
      "$JS.ACK.S.C.1.2.3",
      "$JS.ACK.S.C.1.2.3.4.5.6",
      "foo.ACK.S.C.1.2.3.4.5",
      "$JS.ACK.S.C..x.3.4.5",
      "$JS.ACK.S.C.1.2.3.4.",
      "$JS.ACKS.C.1.2.3.4.5.6",
      "",
    ]
  ) {
    const full = parseAckReply(subject);
    assert.deepEqual(parseAckSeqs(subject), {
      deliveries: full.deliveries,
      streamSeq: full.streamSeq,
      consumerSeq: full.consumerSeq,
    }, subject);
  }
  assert.equal(classifyAck(enc.encode("+ACK")).kind, AckKind.Ack);
  assert.equal(classifyAck(enc.encode("+ACX")).kind, AckKind.Unknown);
});
