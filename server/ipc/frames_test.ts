/**
 * @module
 * Round trips of every ring record format, in place in a ring reservation, and the check that
 * a decoded PUB builds the same MSG/HMSG line as the client's original op.
 */

import assert from "node:assert/strict";
import {
  ACCOUNT_FIXED_BYTES,
  accountFrameLength,
  BARRIER_BYTES,
  decodeBarrierSeq,
  decodeInterest,
  decodePub,
  encodeAccount,
  encodeBarrier,
  encodeInterest,
  encodePub,
  FrameDispatcher,
  type FrameHandler,
  FrameKind,
  interestFrameLength,
  type InterestRecord,
  InterestView,
  MAX_BARRIER_SEQ,
  pubFrameLength,
  PubView,
  readU16,
} from "./frames.ts";
import { createRing, RingConsumer, RingProducer } from "./ring.ts";
import { deliveryHeaderLength, encodeDeliveryHeader } from "../protocol/encode.ts";
import type { MsgOp } from "../protocol/sink.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = (buf: Uint8Array, start: number, end: number) =>
  decoder.decode(buf.subarray(start, end));

/** A MsgOp as the parser would produce for `PUB`/`HPUB`, with the arguments mid-buffer. */
function op(
  subject: string,
  reply: string,
  sizeDigits: string,
  payload: string,
  headerDigits = "",
): MsgOp {
  const args = [subject, reply, headerDigits, sizeDigits].filter((s) => s !== "");
  const line = `xx${headerDigits ? "HPUB" : "PUB"} ${args.join(" ")}\r\n${payload}\r\nyy`;
  const buf = encoder.encode(line);
  const find = (s: string, from: number) => line.indexOf(` ${s}`, from) + 1;
  const subjectStart = find(subject, 0);
  const replyStart = reply === "" ? subjectStart + subject.length : find(reply, subjectStart);
  const replyEnd = reply === "" ? replyStart : replyStart + reply.length;
  const headerSizeStart = headerDigits === "" ? 0 : find(headerDigits, replyEnd);
  const headerSizeEnd = headerDigits === "" ? 0 : headerSizeStart + headerDigits.length;
  const sizeStart = line.indexOf(` ${sizeDigits}\r\n`) + 1;
  const payloadStart = line.indexOf("\r\n") + 2;
  return {
    argBuf: buf,
    subjectStart,
    subjectEnd: subjectStart + subject.length,
    replyStart,
    replyEnd,
    headerSize: headerDigits === "" ? -1 : Number(headerDigits),
    size: Number(sizeDigits),
    sizeStart,
    sizeEnd: sizeStart + sizeDigits.length,
    headerSizeStart,
    headerSizeEnd,
    payloadBuf: buf,
    payloadStart,
    payloadEnd: payloadStart + payload.length,
  };
}

/** The MSG/HMSG line a subscriber with sid 7 gets for `message` (headers on or off). */
function deliveryLine(message: MsgOp, headers: boolean): string {
  const sid = encoder.encode("7");
  const length = deliveryHeaderLength(
    message,
    message.subjectEnd - message.subjectStart,
    1,
    message.replyEnd - message.replyStart,
    headers,
  );
  const out = new Uint8Array(length);
  const end = encodeDeliveryHeader(
    out,
    0,
    message,
    message.argBuf,
    message.subjectStart,
    message.subjectEnd,
    sid,
    message.argBuf,
    message.replyStart,
    message.replyEnd,
    headers,
  );
  assert.equal(end, length);
  return decoder.decode(out);
}

/**
 * Encodes into a reservation of a 4 KiB ring whose positions were first moved to `offset`, and
 * reads the record back out of the consumer's buffer.
 */
function throughRing(
  length: number,
  encode: (buf: Uint8Array, at: number) => number,
  offset = 0,
): { buf: Uint8Array; start: number; end: number } {
  const sab = createRing(4096);
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  for (let moved = 0; moved < offset;) {
    const filler = Math.min(offset - moved, 2048) - 4;
    producer.tryReserve(filler);
    producer.commit(filler);
    moved += filler + 4;
  }
  producer.publish();
  while (consumer.next() >= 0);
  consumer.release();
  const at = producer.tryReserve(length);
  assert.equal(encode(producer.buf, at), at + length, "the encoder wrote exactly its length");
  producer.commit(length);
  producer.publish();
  const start = consumer.next();
  return { buf: consumer.buf, start, end: consumer.end };
}

const PUBS: [string, MsgOp][] = [
  ["a plain PUB", op("orders.new", "", "5", "hello")],
  ["a PUB with a reply and zero-padded size digits", op("a.b", "_INBOX.x.y", "0005", "hello")],
  ["an empty PUB", op("x", "", "0", "")],
  ["an HPUB", op("svc.q", "r", "21", "NATS/1.0\r\nA: b\r\n\r\nhey", "18")],
  ["an HPUB with only headers", op("svc.q", "", "12", "NATS/1.0\r\n\r\n", "12")],
  ["a PUB of 300 bytes", op("big", "", "300", "z".repeat(300))],
];

for (const [name, message] of PUBS) {
  Deno.test(`${name} round-trips through a ring and delivers the same MSG line`, () => {
    const length = pubFrameLength(message);
    // From the start of the ring, and from near its end so the record wraps to offset 0.
    for (const offset of [0, 4, 4096 - 8, 4096 - length - 4]) {
      const { buf, start, end } = throughRing(
        length,
        (out, at) => encodePub(out, at, 3, message),
        offset & ~3,
      );
      const wraps = (offset & ~3) + 4 + length > 4096;
      assert.equal(start, wraps ? 4 : (offset & ~3) + 4, "where the record landed");
      const view = decodePub(buf, start, end, new PubView());
      assert.equal(view.account, 3);
      assert.equal(view.headerSize, message.headerSize);
      assert.equal(view.size, message.size);
      assert.equal(view.hasQueues, false);
      const original = message.argBuf;
      assert.equal(
        text(buf, view.subjectStart, view.subjectEnd),
        text(original, message.subjectStart, message.subjectEnd),
      );
      assert.equal(
        text(buf, view.replyStart, view.replyEnd),
        text(original, message.replyStart, message.replyEnd),
      );
      assert.equal(
        text(buf, view.payloadStart, view.payloadEnd),
        text(message.payloadBuf, message.payloadStart, message.payloadEnd),
      );
      assert.equal(deliveryLine(view, true), deliveryLine(message, true));
      assert.equal(deliveryLine(view, false), deliveryLine(message, false));
    }
  });
}

Deno.test("a PUB carries the queue groups the receiver must serve", () => {
  const message = op("orders.new", "", "2", "hi");
  const queues = [encoder.encode("workers"), encoder.encode("audit"), encoder.encode("unused")];
  const length = pubFrameLength(message, queues, 2);
  const { buf, start, end } = throughRing(
    length,
    (out, at) => encodePub(out, at, 0, message, queues, 2),
  );
  const view = decodePub(buf, start, end, new PubView());
  assert.equal(view.hasQueues, true);
  const names: string[] = [];
  for (let at = view.queuesStart; at < view.queuesEnd;) {
    const n = readU16(buf, at);
    names.push(text(buf, at + 2, at + 2 + n));
    at += 2 + n;
  }
  assert.deepEqual(names, ["workers", "audit"]);
  const probe = encoder.encode("xxworkersauditunused");
  assert.equal(view.servesQueue(probe, 2, 9), true);
  assert.equal(view.servesQueue(probe, 9, 14), true);
  assert.equal(view.servesQueue(probe, 14, 20), false);
  assert.equal(view.servesQueue(probe, 2, 8), false, "a prefix is not the name");
  assert.equal(text(buf, view.payloadStart, view.payloadEnd), "hi");
});

Deno.test("PUB fields that overflow their width are refused", () => {
  const long = op("a".repeat(70_000), "", "1", "x");
  assert.throws(() => pubFrameLength(long), RangeError);
  const message = op("a", "", "1", "x");
  assert.throws(() => encodePub(new Uint8Array(100), 0, 70_000, message), RangeError);
});

Deno.test("a PUB record whose lengths do not add up is refused", () => {
  const message = op("a.b", "", "3", "abc");
  const out = new Uint8Array(pubFrameLength(message) + 1);
  const end = encodePub(out, 0, 0, message);
  assert.throws(() => decodePub(out, 0, end + 1, new PubView()), /bad PUB record/);
  out[0] = FrameKind.Sub;
  assert.throws(() => decodePub(out, 0, end, new PubView()), /bad PUB record/);
});

function interest(
  kind: InterestRecord["kind"],
  subject: string,
  queue: string,
  weight: number,
): InterestRecord {
  const bytes = encoder.encode(`${subject}|${queue}`);
  return {
    kind,
    account: 513,
    weight,
    subjectBuf: bytes,
    subjectStart: 0,
    subjectEnd: subject.length,
    queueBuf: bytes,
    queueStart: subject.length + 1,
    queueEnd: subject.length + 1 + queue.length,
  };
}

for (
  const [name, record] of [
    ["a plain SUB", interest(FrameKind.Sub, "orders.>", "", 1)],
    ["a queue SUB with weight", interest(FrameKind.Sub, "orders.*", "workers", 40_000)],
    ["an UNSUB", interest(FrameKind.Unsub, "x", "q", 2)],
  ] as const
) {
  Deno.test(`${name} round-trips through a ring`, () => {
    const length = interestFrameLength(record);
    const { buf, start, end } = throughRing(
      length,
      (out, at) => encodeInterest(out, at, record),
      4088,
    );
    const view = decodeInterest(buf, start, end, new InterestView());
    assert.equal(view.kind, record.kind);
    assert.equal(view.account, 513);
    assert.equal(view.weight, record.weight);
    assert.equal(
      text(view.subjectBuf, view.subjectStart, view.subjectEnd),
      text(record.subjectBuf, record.subjectStart, record.subjectEnd),
    );
    assert.equal(
      text(view.queueBuf, view.queueStart, view.queueEnd),
      text(record.queueBuf, record.queueStart, record.queueEnd),
    );
    assert.equal(view.isQueue, record.queueEnd > record.queueStart);
  });
}

Deno.test("barriers and their acknowledgements round-trip up to 2^53 - 1", () => {
  for (const seq of [0, 1, 0xffffffff, 0x100000000, 123_456_789_012, MAX_BARRIER_SEQ]) {
    for (const ack of [false, true]) {
      const { buf, start, end } = throughRing(
        BARRIER_BYTES,
        (out, at) => encodeBarrier(out, at, seq, ack),
      );
      assert.equal(end - start, BARRIER_BYTES);
      assert.equal(buf[start], ack ? FrameKind.BarrierAck : FrameKind.Barrier);
      assert.equal(decodeBarrierSeq(buf, start), seq);
    }
  }
  assert.throws(() => encodeBarrier(new Uint8Array(12), 0, -1, false), RangeError);
  assert.throws(() => encodeBarrier(new Uint8Array(12), 0, 1.5, false), RangeError);
});

Deno.test("an account binding round-trips through a ring", () => {
  const name = encoder.encode("ACME Ünïcode");
  const length = accountFrameLength(name.length);
  assert.equal(length, ACCOUNT_FIXED_BYTES + name.length);
  const { buf, start, end } = throughRing(
    length,
    (out, at) => encodeAccount(out, at, 65_535, name),
  );
  assert.equal(buf[start], FrameKind.Account);
  assert.equal(readU16(buf, start + 2), 65_535);
  assert.equal(text(buf, start + ACCOUNT_FIXED_BYTES, end), "ACME Ünïcode");
});

Deno.test("the dispatcher hands each record kind to the handler in ring order", () => {
  const sab = createRing(4096);
  const producer = RingProducer.attach(sab);
  const consumer = RingConsumer.attach(sab);
  const put = (length: number, encode: (buf: Uint8Array, at: number) => number) => {
    const at = producer.tryReserve(length);
    encode(producer.buf, at);
    producer.commit(length);
  };
  const name = encoder.encode("$G");
  put(accountFrameLength(name.length), (buf, at) => encodeAccount(buf, at, 0, name));
  const sub = interest(FrameKind.Sub, "a.*", "", 1);
  put(interestFrameLength(sub), (buf, at) => encodeInterest(buf, at, sub));
  put(BARRIER_BYTES, (buf, at) => encodeBarrier(buf, at, 9, false));
  const message = op("a.b", "", "2", "hi");
  put(pubFrameLength(message), (buf, at) => encodePub(buf, at, 0, message));
  put(BARRIER_BYTES, (buf, at) => encodeBarrier(buf, at, 9, true));
  producer.publish();
  const seen: string[] = [];
  const handler: FrameHandler = {
    onPub: (pub) => seen.push(`pub ${text(pub.argBuf, pub.subjectStart, pub.subjectEnd)}`),
    onInterest: (i) => seen.push(`sub ${text(i.subjectBuf, i.subjectStart, i.subjectEnd)}`),
    onBarrier: (seq, ack) => seen.push(`${ack ? "ack" : "barrier"} ${seq}`),
    onAccount: (index, buf, start, end) => seen.push(`account ${index} ${text(buf, start, end)}`),
  };
  assert.equal(consumer.drain(new FrameDispatcher(handler)), 5);
  assert.deepEqual(seen, ["account 0 $G", "sub a.*", "barrier 9", "pub a.b", "ack 9"]);
});

Deno.test("the dispatcher refuses a record of unknown kind", () => {
  const dispatcher = new FrameDispatcher({
    onPub() {},
    onInterest() {},
    onBarrier() {},
    onAccount() {},
  });
  assert.throws(() => dispatcher.onRecord(new Uint8Array([99, 0, 0, 0]), 0, 4), /unknown kind 99/);
});
