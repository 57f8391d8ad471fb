/**
 * @module
 * Tests for {@link RingPeer}: every record kind reaches the peer in order, a full ring spills
 * to memory without reordering and drains back, and oversized messages are refused.
 */

import assert from "node:assert/strict";
import { RingPeer } from "./peer.ts";
import { createRing, RingConsumer, RingProducer } from "./ring.ts";
import {
  FrameDispatcher,
  type FrameHandler,
  FrameKind,
  type InterestView,
  type PubView,
} from "./frames.ts";
import type { MsgOp } from "../protocol/sink.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = (buf: Uint8Array, start: number, end: number) =>
  decoder.decode(buf.subarray(start, end));

function pub(subject: string, payload: string): MsgOp {
  const size = String(payload.length);
  const buf = encoder.encode(`${subject} ${size}\r\n${payload}`);
  const sizeStart = subject.length + 1;
  return {
    argBuf: buf,
    subjectStart: 0,
    subjectEnd: subject.length,
    replyStart: subject.length,
    replyEnd: subject.length,
    headerSize: -1,
    size: payload.length,
    sizeStart,
    sizeEnd: sizeStart + size.length,
    headerSizeStart: 0,
    headerSizeEnd: 0,
    payloadBuf: buf,
    payloadStart: sizeStart + size.length + 2,
    payloadEnd: buf.length,
  };
}

/** Collects every record a consumer drains, as text. */
class Collector implements FrameHandler {
  readonly seen: string[] = [];
  onPub(view: PubView): void {
    let queues = "";
    for (let at = view.queuesStart; at < view.queuesEnd;) {
      const n = view.argBuf[at] | (view.argBuf[at + 1] << 8);
      queues += ` q=${text(view.argBuf, at + 2, at + 2 + n)}`;
      at += 2 + n;
    }
    this.seen.push(
      `pub ${view.account} ${text(view.argBuf, view.subjectStart, view.subjectEnd)} ` +
        `${text(view.payloadBuf, view.payloadStart, view.payloadEnd)}${queues}`,
    );
  }
  onInterest(view: InterestView): void {
    const what = view.kind === FrameKind.Sub ? "sub" : "unsub";
    const queue = view.isQueue ? ` ${text(view.queueBuf, view.queueStart, view.queueEnd)}` : "";
    this.seen.push(
      `${what} ${text(view.subjectBuf, view.subjectStart, view.subjectEnd)}${queue} ${view.weight}`,
    );
  }
  onBarrier(seq: number, ack: boolean): void {
    this.seen.push(`${ack ? "ack" : "barrier"} ${seq}`);
  }
  onAccount(index: number, buf: Uint8Array, start: number, end: number): void {
    this.seen.push(`account ${index} ${text(buf, start, end)}`);
  }
}

function interest(subjectText: string, queue: string, weight: number, unsub = false) {
  const bytes = encoder.encode(subjectText + queue);
  return {
    kind: unsub ? FrameKind.Unsub : FrameKind.Sub,
    account: 0,
    weight,
    subjectBuf: bytes,
    subjectStart: 0,
    subjectEnd: subjectText.length,
    queueBuf: bytes,
    queueStart: subjectText.length,
    queueEnd: bytes.length,
  } as const;
}

Deno.test("a ring peer sends every record kind and the peer reads them in order", () => {
  const sab = createRing(4096);
  const peer = new RingPeer(2, "shard", RingProducer.attach(sab));
  const consumer = RingConsumer.attach(sab);
  const collector = new Collector();
  const dispatcher = new FrameDispatcher(collector);
  peer.sendAccount(1, encoder.encode("ACME"));
  peer.sendInterest(interest("orders.*", "", 1));
  peer.barrier(7);
  peer.sendPub(1, pub("orders.new", "hello"), [encoder.encode("workers")], 1);
  peer.sendInterest(interest("orders.*", "workers", 2, true));
  peer.barrierAck(8);
  assert.equal(consumer.drain(dispatcher), 0, "nothing visible before flush");
  peer.flush();
  assert.equal(consumer.drain(dispatcher), 6);
  assert.deepEqual(collector.seen, [
    "account 1 ACME",
    "sub orders.* 1",
    "barrier 7",
    "pub 1 orders.new hello q=workers",
    "unsub orders.* workers 2",
    "ack 8",
  ]);
  assert.equal(peer.id, 2);
  assert.equal(peer.role, "shard");
});

Deno.test("a full ring spills to memory in order and drains back when space frees", async () => {
  const sab = createRing(256);
  const peer = new RingPeer(1, "shard", RingProducer.attach(sab));
  const consumer = RingConsumer.attach(sab);
  const collector = new Collector();
  const dispatcher = new FrameDispatcher(collector);
  const expected: string[] = [];
  for (let i = 0; i < 40; i++) {
    peer.sendPub(0, pub(`s.${i}`, "x".repeat(i)), null, 0);
    expected.push(`pub 0 s.${i} ${"x".repeat(i)}`);
    if (i % 10 === 9) {
      peer.barrier(i);
      expected.push(`barrier ${i}`);
    }
  }
  assert.equal(peer.backlogged, true);
  assert.ok(peer.fullWaits > 0);
  assert.ok(peer.spilledBytes > 0);
  const drained = peer.drained();
  const timer = setInterval(() => {}, 1000); // a pending waitAsync does not keep Deno alive
  try {
    while (collector.seen.length < expected.length) {
      await consumer.waitForData();
      consumer.drain(dispatcher);
    }
    assert.equal(await drained, true);
  } finally {
    clearInterval(timer);
  }
  assert.deepEqual(collector.seen, expected);
  assert.equal(peer.backlogged, false);
  assert.equal(peer.spilledBytes, 0);
});

Deno.test("records sent while backlogged wait behind the spill even when the ring has room", () => {
  const sab = createRing(64);
  const peer = new RingPeer(1, "shard", RingProducer.attach(sab));
  const consumer = RingConsumer.attach(sab);
  const collector = new Collector();
  const dispatcher = new FrameDispatcher(collector);
  for (let i = 0; i < 6; i++) peer.barrier(i);
  assert.equal(peer.backlogged, true);
  peer.flush();
  consumer.drain(dispatcher);
  peer.barrier(6); // the ring has room now, but barriers 4 and 5 wait in memory
  peer.flush();
  consumer.drain(dispatcher);
  peer.flush();
  consumer.drain(dispatcher);
  assert.deepEqual(collector.seen, [0, 1, 2, 3, 4, 5, 6].map((i) => `barrier ${i}`));
  assert.equal(peer.backlogged, false);
});

Deno.test("a message too large for the ring is refused so the caller can fall back", () => {
  const peer = new RingPeer(1, "route", RingProducer.attach(createRing(1024)));
  assert.equal(peer.sendPub(0, pub("big", "y".repeat(600)), null, 0), false);
  assert.equal(peer.sendPub(0, pub("fits", "y".repeat(400)), null, 0), true);
  assert.equal(peer.backlogged, false);
});

Deno.test("draining a spill onto a closed ring resolves false", async () => {
  const sab = createRing(64);
  const peer = new RingPeer(1, "shard", RingProducer.attach(sab));
  for (let i = 0; i < 8; i++) peer.barrier(i);
  const drained = peer.drained();
  RingConsumer.attach(sab).close();
  const timer = setInterval(() => {}, 1000);
  try {
    assert.equal(await drained, false);
  } finally {
    clearInterval(timer);
  }
  assert.equal(peer.closed, true);
});
