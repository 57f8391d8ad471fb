/**
 * @module
 * The snapshot sender against a recording connection: chunk sizes and ack reply subjects,
 * the closing empty message, the 8 MiB window (a chunk past it waits for an ack, or 10 ms),
 * acks that keep it open, the wait for a first subscriber, and stopping when interest goes.
 */
import assert from "node:assert/strict";
import type { InternalConnection, InternalMsg } from "../../internal/internal_connection.ts";
import { DEFAULT_CHUNK_SIZE, sendSnapshot, SNAPSHOT_WINDOW } from "./snapshot_send.ts";

interface Sent {
  subject: string;
  size: number;
  reply: string;
  at: number;
}

/** A connection that records publishes and lets the test ack through the subscription. */
function recorder(autoAck: boolean) {
  const sent: Sent[] = [];
  let handler: ((m: InternalMsg) => void) | null = null;
  let subscribed = 0;
  const conn = {
    closed: false,
    subscribe(_subject: string, h: (m: InternalMsg) => void) {
      handler = h;
      subscribed++;
      return { unsubscribe: () => subscribed-- };
    },
    publish(subject: string, data: Uint8Array, opts: { reply?: string } = {}) {
      const reply = opts.reply ?? "";
      sent.push({ subject, size: data.length, reply, at: performance.now() });
      if (autoAck && reply !== "") handler?.({ subject: reply } as InternalMsg);
      return true;
    },
  };
  return {
    conn: conn as unknown as InternalConnection,
    sent,
    subscriptions: () => subscribed,
  };
}

Deno.test("snapshot send: chunks of chunk_size with ack subjects, then an empty end", async () => {
  const r = recorder(true);
  await sendSnapshot(new Uint8Array(2500), {
    conn: r.conn,
    stream: "S",
    deliverSubject: "d",
    chunkSize: 1000,
    nuid: "N1",
    hasInterest: () => true,
  });
  assert.deepEqual(r.sent.map((s) => [s.subject, s.size, s.reply]), [
    ["d", 1000, "$JS.SNAPSHOT.ACK.S.N1.1000.1"],
    ["d", 1000, "$JS.SNAPSHOT.ACK.S.N1.1000.2"],
    ["d", 500, "$JS.SNAPSHOT.ACK.S.N1.500.3"],
    ["d", 0, ""],
  ]);
  assert.equal(r.subscriptions(), 0);
});

Deno.test("snapshot send: 0 or a negative chunk_size takes the 128 KiB default", async () => {
  for (const chunkSize of [0, -5]) {
    const r = recorder(true);
    await sendSnapshot(new Uint8Array(DEFAULT_CHUNK_SIZE + 1), {
      conn: r.conn,
      stream: "S",
      deliverSubject: "d",
      chunkSize,
      nuid: "N",
      hasInterest: () => true,
    });
    assert.deepEqual(r.sent.map((s) => s.size), [DEFAULT_CHUNK_SIZE, 1, 0]);
  }
});

Deno.test("snapshot send: past the 8 MiB window a chunk waits for an ack or 10 ms", async () => {
  const mib = 1024 * 1024;
  const size = SNAPSHOT_WINDOW + 3 * mib;
  const unacked = recorder(false);
  await sendSnapshot(new Uint8Array(size), {
    conn: unacked.conn,
    stream: "S",
    deliverSubject: "d",
    chunkSize: mib,
    nuid: "N",
    hasInterest: () => true,
  });
  const t = unacked.sent.map((s) => s.at);
  assert.equal(unacked.sent.length, 12);
  // Chunks 10 and 11 go out with 9 and 10 MiB outstanding: each waited its 10 ms.
  assert.ok(t[9] - t[8] >= 8, `chunk 10 waited ${t[9] - t[8]} ms`);
  assert.ok(t[10] - t[9] >= 8, `chunk 11 waited ${t[10] - t[9]} ms`);
  const acked = recorder(true);
  const start = performance.now();
  await sendSnapshot(new Uint8Array(size), {
    conn: acked.conn,
    stream: "S",
    deliverSubject: "d",
    chunkSize: mib,
    nuid: "N",
    hasInterest: () => true,
  });
  assert.equal(acked.sent.length, 12);
  // Acked at once: the window never fills, so nothing waits its 10 ms twice.
  assert.ok(performance.now() - start < 500);
});

Deno.test("snapshot send: waits for a subscriber, stops when interest goes", async () => {
  const r = recorder(false);
  let interested = false;
  setTimeout(() => interested = true, 100);
  const start = performance.now();
  const pending = sendSnapshot(new Uint8Array(SNAPSHOT_WINDOW + 4 * 1024 * 1024), {
    conn: r.conn,
    stream: "S",
    deliverSubject: "d",
    chunkSize: 1024 * 1024,
    nuid: "N",
    hasInterest: () => {
      if (r.sent.length >= 10) return false; // the subscriber left
      return interested;
    },
  });
  await pending;
  assert.ok(r.sent[0].at - start >= 80, "first chunk only once someone listens");
  // Past the window the sender looks at interest before each chunk: after 10 chunks the
  // subscriber is gone, so the empty end follows instead of the 11th.
  assert.equal(r.sent.length, 11);
  assert.deepEqual([r.sent[10].size, r.sent[10].reply], [0, ""]);
});
