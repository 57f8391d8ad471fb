import assert from "node:assert/strict";
import { CHUNK, Outbound, type Writer } from "./outbound.ts";

/** A writer whose writes complete only when released; it records what was written. */
class GatedWriter implements Writer {
  #pieces: Uint8Array[] = [];
  #gates: (() => void)[] = [];
  /** Everything written so far, in order (copied at write time). */
  get written(): Uint8Array {
    const out = new Uint8Array(this.#pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.#pieces) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  /** Most bytes one write takes (partial writes below a buffer's length). */
  constructor(readonly maxWrite = 10_000) {}
  write(p: Uint8Array): Promise<number> {
    const n = Math.min(p.length, this.maxWrite);
    this.#pieces.push(p.slice(0, n));
    return new Promise((resolve) => this.#gates.push(() => resolve(n)));
  }
  /** Completes the writes started so far, once; resolves once the writer's callbacks ran. */
  async step(): Promise<void> {
    for (const g of this.#gates.splice(0)) g();
    await new Promise((r) => setTimeout(r, 0));
  }
  /** Completes every write started so far; resolves once the writer's callbacks ran. */
  async release(): Promise<void> {
    while (this.#gates.length > 0) {
      for (const g of this.#gates.splice(0)) g();
      await new Promise((r) => setTimeout(r, 0));
    }
  }
}

function frame(i: number, size: number): Uint8Array {
  return new Uint8Array(size).fill(i & 0xff);
}

Deno.test("outbound keeps a large backlog in chunks: memory near the pending bytes, order kept", async () => {
  const w = new GatedWriter();
  const out = new Outbound(w, () => 0);
  out.append(frame(0, 100));
  out.flush(); // one write in flight, stuck
  const size = 1000;
  for (let i = 1; i <= 5000; i++) out.append(frame(i, size));
  const pending = out.pending;
  assert.equal(pending, 100 + 5000 * size);
  // No doubling: what is held is the backlog plus at most one chunk and the small spare.
  assert.ok(out.retainedBytes <= pending + 2 * CHUNK, `${out.retainedBytes} vs ${pending}`);
  out.flush(); // no-op while a write is in flight
  await w.release();
  assert.equal(out.pending, 0);
  const written = w.written;
  assert.equal(written.length, 100 + 5000 * size);
  for (let i = 0; i <= 5000; i++) {
    const at = i === 0 ? 0 : 100 + (i - 1) * size;
    assert.equal(written[at], i & 0xff, `frame ${i}`);
  }
  // Drained: no chunk-sized buffers stay behind.
  assert.ok(out.retainedBytes < CHUNK, `${out.retainedBytes}`);
});

Deno.test("outbound wakes a producer waiting below a level as chunks are written", async () => {
  const w = new GatedWriter();
  const out = new Outbound(w, () => 0);
  for (let i = 0; i < 300; i++) out.append(frame(i, 1000));
  out.flush();
  let woke = false;
  const waiting = out.waitBelow(150_000).then(() => (woke = true));
  assert.equal(woke, false);
  await w.release();
  await waiting;
  assert.equal(woke, true);
  assert.equal(out.pending, 0);
});

Deno.test("outbound close drops queued bytes and buffers; later appends do not loop", () => {
  const w = new GatedWriter();
  const out = new Outbound(w, () => 0);
  out.append(frame(1, 200_000));
  out.flush();
  out.append(frame(2, 200_000));
  out.close();
  assert.equal(out.retainedBytes, 0);
  out.append(frame(3, 10));
  assert.equal(out.len, 10);
});

Deno.test("outbound frame larger than a chunk gets a buffer of its own size", async () => {
  const w = new GatedWriter();
  const out = new Outbound(w, () => 0);
  out.append(frame(7, 10));
  out.append(frame(8, 3 * CHUNK));
  out.append(frame(9, 10));
  assert.equal(out.pending, 3 * CHUNK + 20);
  out.flush();
  await w.release();
  const written = w.written;
  assert.equal(written.length, 3 * CHUNK + 20);
  assert.equal(written[9], 7);
  assert.equal(written[10], 8);
  assert.equal(written[3 * CHUNK + 10], 9);
});

Deno.test("outbound backlog across several flushes keeps every byte in order (recycled chunks)", async () => {
  const w = new GatedWriter(1 << 30);
  const out = new Outbound(w, () => 0);
  const expected = new Uint8Array(64 * 1024 * 1024);
  let expectedLen = 0;
  let next = 0;
  const push = (count: number) => {
    for (let k = 0; k < count; k++) {
      const f = frame(next++, 700 + (next % 13));
      expected.set(f, expectedLen);
      expectedLen += f.length;
      out.append(f);
    }
  };
  push(2500);
  out.flush();
  for (let round = 0; round < 8; round++) {
    // Appends past a chunk while a write is in flight, then one step of the writer: the next
    // write starts at once (no drain in between), with the new appends behind it.
    push(1800 + round * 300);
    out.flush(); // as the owner does every turn: a no-op while a write is in flight
    await w.step();
  }
  out.flush();
  await w.release();
  assert.equal(out.pending, 0);
  const written = w.written;
  assert.equal(written.length, expectedLen);
  for (let i = 0; i < expectedLen; i++) {
    if (written[i] !== expected[i]) assert.fail(`byte ${i}: ${written[i]} != ${expected[i]}`);
  }
});
