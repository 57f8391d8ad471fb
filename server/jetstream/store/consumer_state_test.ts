/**
 * @module
 * Consumer state encoding and the consumer state machine (nats-server consumerMemStore rules).
 */

import assert from "node:assert/strict";
import {
  ConsumerStateMachine,
  decodeConsumerState,
  emptyConsumerState,
  encodeConsumerState,
} from "./consumer_state.ts";
import { AckPolicy, StoreError } from "./types.ts";

Deno.test("consumer state encodes and decodes pending, redelivered and large sequences", () => {
  const s = emptyConsumerState();
  s.ackFloor = { consumerSeq: 1000, streamSeq: 2 ** 40 };
  s.delivered = { consumerSeq: 1010, streamSeq: 2 ** 40 + 50 };
  s.pending.set(2 ** 40 + 3, { sequence: 1002, timestamp: 1_700_000_000_123_456_789n });
  s.pending.set(2 ** 40 + 50, { sequence: 1010, timestamp: 1n });
  s.redelivered.set(2 ** 40 + 3, 4);
  assert.deepEqual(decodeConsumerState(encodeConsumerState(s)), s);
  assert.deepEqual(
    decodeConsumerState(encodeConsumerState(emptyConsumerState())),
    emptyConsumerState(),
  );
});

Deno.test("consumer state decoding rejects damaged bytes", () => {
  const s = emptyConsumerState();
  s.delivered = { consumerSeq: 3, streamSeq: 3 };
  const bytes = encodeConsumerState(s);
  for (let i = 0; i < bytes.length; i++) {
    const bad = bytes.slice();
    bad[i] ^= 0x01;
    assert.throws(() => decodeConsumerState(bad), StoreError, `byte ${i}`);
  }
  assert.throws(() => decodeConsumerState(bytes.subarray(0, bytes.length - 1)), StoreError);
});

Deno.test("explicit acks move the ack floor as nats-server's consumer stores do", () => {
  const c = new ConsumerStateMachine({ ackPolicy: AckPolicy.Explicit });
  for (let i = 1; i <= 5; i++) c.updateDelivered(i, 10 + i, 1, BigInt(i));
  c.updateAcks(1, 11);
  assert.deepEqual(c.state().ackFloor, { consumerSeq: 1, streamSeq: 11 });
  c.updateAcks(3, 13); // not next to the floor: the floor stays
  assert.deepEqual(c.state().ackFloor, { consumerSeq: 1, streamSeq: 11 });
  c.updateAcks(2, 12); // next to the floor, then up to just below the next pending (14)
  assert.deepEqual(c.state().ackFloor, { consumerSeq: 3, streamSeq: 13 });
  c.updateAcks(5, 15);
  c.updateAcks(4, 14); // nothing pending: the floor is the delivered pair
  assert.deepEqual(c.state().ackFloor, { consumerSeq: 5, streamSeq: 15 });
  assert.equal(c.state().pending.size, 0);
});

Deno.test("ack all removes everything up to the acknowledged stream sequence", () => {
  const c = new ConsumerStateMachine({ ackPolicy: AckPolicy.All });
  for (let i = 1; i <= 5; i++) c.updateDelivered(i, i, 1, 0n);
  c.updateAcks(3, 3);
  const s = c.state();
  assert.deepEqual(s.ackFloor, { consumerSeq: 3, streamSeq: 3 });
  assert.deepEqual([...s.pending.keys()], [4, 5]);
});

Deno.test("ack none tracks delivered and floor together and refuses acks and redeliveries", () => {
  const c = new ConsumerStateMachine({ ackPolicy: AckPolicy.None });
  c.updateDelivered(1, 7, 1, 0n);
  assert.deepEqual(c.state().ackFloor, { consumerSeq: 1, streamSeq: 7 });
  assert.throws(() => c.updateAcks(1, 7), /ack policy is none/);
  assert.throws(() => c.updateDelivered(2, 8, 2, 0n), /ack policy is none/);
});

Deno.test("update checks floors, pending ranges and stale updates like nats-server", () => {
  const c = new ConsumerStateMachine({ ackPolicy: AckPolicy.Explicit });
  const s = emptyConsumerState();
  s.delivered = { consumerSeq: 5, streamSeq: 5 };
  s.ackFloor = { consumerSeq: 6, streamSeq: 5 };
  assert.throws(() => c.update(s), /bad ack floor for consumer/);
  s.ackFloor = { consumerSeq: 2, streamSeq: 6 };
  assert.throws(() => c.update(s), /bad ack floor for stream/);
  s.ackFloor = { consumerSeq: 2, streamSeq: 2 };
  s.pending.set(9, { sequence: 3, timestamp: 0n });
  assert.throws(() => c.update(s), /bad pending entry, sequence \[9\] out of range/);
  s.pending.clear();
  c.update(s);
  s.delivered = { consumerSeq: 4, streamSeq: 5 };
  assert.throws(() => c.update(s), /old update ignored/);
});
