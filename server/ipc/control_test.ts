/**
 * @module
 * Tests for the control-plane vocabulary: message guards, counters, and ring buffers crossing
 * `postMessage` shared rather than copied.
 */

import assert from "node:assert/strict";
import {
  ControlKind,
  emptyCounters,
  isMainToWorker,
  isWorkerToMain,
  type MainToWorker,
  type RingsMessage,
  sumCounters,
  WorkerRole,
  type WorkerToMain,
} from "./control.ts";
import { createRing, RingConsumer, RingProducer } from "./ring.ts";

Deno.test("control guards tell the two directions apart", () => {
  const toWorker: MainToWorker[] = [
    { kind: ControlKind.Shutdown, lameDuck: true, gracePeriodMs: 10 },
    { kind: ControlKind.StatsRequest, requestId: 1, topic: "varz", params: {} },
    { kind: ControlKind.WorkerDied, workerId: 2, role: WorkerRole.Shard, reason: "crash" },
    { kind: ControlKind.Rings, links: [] },
  ];
  const toMain: WorkerToMain[] = [
    { kind: ControlKind.Ready, workerId: 0, clientPort: 4222 },
    { kind: ControlKind.Log, workerId: 0, level: "notice", text: "hi" },
    { kind: ControlKind.Stopped, workerId: 0 },
    { kind: ControlKind.Fatal, workerId: 1, message: "listen failed" },
  ];
  for (const message of toWorker) {
    assert.equal(isMainToWorker(message), true, message.kind);
    assert.equal(isWorkerToMain(message), false, message.kind);
  }
  for (const message of toMain) {
    assert.equal(isWorkerToMain(message), true, message.kind);
    assert.equal(isMainToWorker(message), false, message.kind);
  }
  for (const junk of [null, undefined, 3, "spawn", {}, { kind: "nope" }, { kind: 1 }]) {
    assert.equal(isMainToWorker(junk), false);
    assert.equal(isWorkerToMain(junk), false);
  }
});

Deno.test("worker counters sum field by field", () => {
  const a = { ...emptyCounters(), inMsgs: 2, connections: 1, ringFullWaits: 4 };
  const b = { ...emptyCounters(), inMsgs: 3, outBytes: 10 };
  assert.deepEqual(sumCounters([a, b]), {
    ...emptyCounters(),
    inMsgs: 5,
    connections: 1,
    ringFullWaits: 4,
    outBytes: 10,
  });
  assert.deepEqual(sumCounters([]), emptyCounters());
});

Deno.test("a rings message crosses postMessage with its buffers shared, not copied", async () => {
  const inbound = createRing(1024);
  const outbound = createRing(1024);
  const message: RingsMessage = {
    kind: ControlKind.Rings,
    links: [{ peerId: 1, peerRole: WorkerRole.Shard, inbound, outbound }],
  };
  const channel = new MessageChannel();
  try {
    const received = new Promise<RingsMessage>((resolve) => {
      channel.port2.onmessage = (event) => resolve(event.data);
    });
    channel.port1.postMessage(message);
    const copy = await received;
    assert.equal(isMainToWorker(copy), true);
    const link = copy.links[0];
    assert.notEqual(link.inbound, inbound, "a new handle");
    const producer = RingProducer.attach(inbound);
    producer.tryWrite(new Uint8Array([42]), 0, 1);
    producer.publish();
    const consumer = RingConsumer.attach(link.inbound);
    assert.equal(consumer.buf[consumer.next()], 42, "the same memory");
  } finally {
    channel.port1.close();
    channel.port2.close();
  }
});
