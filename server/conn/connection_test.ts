/**
 * @module
 * Tests of the connection core's producer-stall level: a receiver stalls its producers past
 * {@link STALL_BYTES}, or past half its `max_pending` when that is lower (nats-server `mp/2`), so
 * a small `max_pending` holds a flood back before the slow-consumer cut; the read loop waits
 * until the receiver is back under half that level.
 */
import assert from "node:assert/strict";
import { Connection, type ConnectionServices } from "./connection.ts";
import { silentLogger } from "../log/logger.ts";
import { ServerStats } from "../client/context.ts";
import { type FanOut, STALL_BYTES, type StallTarget } from "../routing/fan_out.ts";
import { waitForStalled } from "./read_loop.ts";
import type { Clock } from "./clock.ts";

const clock: Clock = {
  now: () => 0,
  after: () => ({ cancel() {} }),
};

/** A connection whose writes never complete (a receiver that never reads). */
class StuckConnection extends Connection {
  constructor(services: ConnectionServices) {
    super(services, { pingTimerName: "Client", firstPingMs: 2000, alwaysPing: false }, 1, {
      write: () => new Promise<number>(() => {}),
      close() {},
    });
  }
  get logPrefix(): string {
    return "127.0.0.1:1 - cid:1";
  }
  close(reason: string): void {
    if (this.markClosed(reason)) this.closeTransport();
  }
  protected traceOut(): void {}
  /** Appends one message of `bytes` and notes it. */
  deliver(bytes: number): void {
    this.out.append(new Uint8Array(bytes));
    this.noteDelivery(bytes);
  }
}

function setup(maxPending: number) {
  const stalled: StallTarget[] = [];
  const services: ConnectionServices = {
    options: { maxPending, pingIntervalMs: 120_000, pingMax: 2, writeDeadlineMs: 10_000 },
    logger: silentLogger(),
    stats: new ServerStats(),
    fanOut: { noteStalled: (r: StallTarget) => stalled.push(r) } as unknown as FanOut,
    clock,
    markDirty: (c) => c.flushOutbound(),
  };
  return { conn: new StuckConnection(services), stalled, stats: services.stats };
}

Deno.test("a receiver with a small max_pending stalls its producers past half of it, before the cut", () => {
  const maxPending = 256 * 1024;
  const { conn, stalled, stats } = setup(maxPending);
  assert.equal(conn.stallBytes, maxPending / 2);
  conn.deliver(1024); // goes out at once (the write in flight)
  while (conn.out.pending <= maxPending / 2) conn.deliver(1024);
  assert.equal(stalled.length > 0, true, "no stall before the cut");
  assert.equal(stalled[0], conn);
  assert.equal(conn.closed, false);
  assert.equal(stats.slowConsumers, 0);
  // Past max_pending it is still cut.
  while (!conn.closed) conn.deliver(1024);
  assert.equal(conn.closeReason, "Slow Consumer (Pending Bytes)");
  assert.equal(stats.slowConsumers, 1);
});

Deno.test("a receiver with a large max_pending stalls at STALL_BYTES", () => {
  const { conn, stalled } = setup(64 * 1024 * 1024);
  assert.equal(conn.stallBytes, STALL_BYTES);
  conn.deliver(1024);
  while (conn.out.pending <= STALL_BYTES / 2) conn.deliver(1024);
  assert.equal(stalled.length, 0);
  while (conn.out.pending <= STALL_BYTES) conn.deliver(1024);
  assert.equal(stalled[0], conn);
});

Deno.test("waitForStalled waits for half the receiver's own stall level", async () => {
  let asked = -1;
  const target: StallTarget = {
    stallBytes: 100_000,
    out: {
      pending: 0,
      waitBelow: (bytes) => {
        asked = bytes;
        return Promise.resolve();
      },
    },
  };
  await waitForStalled([target], 1000);
  assert.equal(asked, 50_000);
});
