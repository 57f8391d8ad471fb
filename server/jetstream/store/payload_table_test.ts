import assert from "node:assert/strict";
import { PayloadTable, SLAB_BYTES, SLAB_MAX_MSG } from "./payload_table.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Payload text of `seq` (sizes vary: some empty, some past the slab limit). */
function body(seq: number): string {
  if (seq % 97 === 0) return "";
  if (seq % 89 === 0) return "L".repeat(SLAB_MAX_MSG + 1);
  return `m${seq}-` + "x".repeat(seq % 200);
}

/** Checks the table against a model map. */
function same(t: PayloadTable, model: Map<number, { h: string | null; d: string }>, max: number) {
  assert.equal(t.size, model.size);
  for (let seq = 0; seq <= max + 2; seq++) {
    const p = t.get(seq);
    const m = model.get(seq);
    if (m === undefined) {
      assert.equal(p, undefined, `seq ${seq} should be gone`);
      continue;
    }
    assert.ok(p, `seq ${seq} missing`);
    assert.equal(p.header === null ? null : dec.decode(p.header), m.h);
    assert.equal(dec.decode(p.data), m.d);
  }
}

Deno.test("payload table: random adds, removes, floors, truncates and gaps match a map", () => {
  let x = 7;
  const rand = (n: number) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
  const t = new PayloadTable();
  const model = new Map<number, { h: string | null; d: string }>();
  let last = 0;
  for (let step = 0; step < 20_000; step++) {
    const r = rand(100);
    if (r < 60) {
      // Skipped sequences, now and then a jump far past the dense limit.
      last += rand(50) === 0 ? 1 + rand(3) : rand(500) === 0 ? 10_000 : 1;
      const h = rand(4) === 0 ? `NATS/1.0\r\nK: ${last}\r\n\r\n` : null;
      const d = body(last);
      t.add(last, h === null ? null : enc.encode(h), enc.encode(d));
      model.set(last, { h, d });
    } else if (r < 90) {
      const seq = last - rand(300);
      assert.equal(t.remove(seq) !== undefined, model.delete(seq));
    } else if (r < 97) {
      const floor = last - rand(400);
      t.removeBelow(floor);
      for (const k of [...model.keys()]) if (k < floor) model.delete(k);
    } else {
      const keep = last - rand(20);
      t.removeAbove(keep);
      for (const k of [...model.keys()]) if (k > keep) model.delete(k);
      last = Math.max(keep, ...model.keys(), 0);
    }
    if (step % 1000 === 0) same(t, model, last);
  }
  same(t, model, last);
  t.clear();
  assert.equal(t.size, 0);
  assert.equal(t.get(last), undefined);
});

Deno.test("payload table: a mostly emptied slab hands its survivors their own buffers", () => {
  const t = new PayloadTable();
  const size = 1000;
  const perSlab = Math.floor(SLAB_BYTES / size);
  const data = (seq: number) => new Uint8Array(size).fill(seq % 251);
  for (let seq = 1; seq <= perSlab * 3; seq++) t.add(seq, null, data(seq));
  const slabOf = (seq: number) => t.get(seq)!.data.buffer;
  assert.equal(slabOf(1), slabOf(perSlab)); // the first slab holds the first perSlab messages
  // Keep every 8th message of the first slab: under a quarter of it stays live.
  for (let seq = 1; seq <= perSlab; seq++) if (seq % 8 !== 0) t.remove(seq);
  for (let seq = 8; seq <= perSlab; seq += 8) {
    const p = t.get(seq)!;
    assert.notEqual(p.data.buffer, slabOf(perSlab + 1));
    assert.equal(p.data.buffer.byteLength, size); // its own buffer now
    assert.deepEqual(p.data, data(seq));
  }
  // Messages of the other slabs are untouched.
  assert.equal(slabOf(perSlab + 1).byteLength, SLAB_BYTES);
  assert.deepEqual(t.get(perSlab * 2)!.data, data(perSlab * 2));
});

Deno.test("payload table: a slab emptied while it was filled is checked once it is full", () => {
  const t = new PayloadTable();
  const size = 1000;
  const perSlab = Math.floor(SLAB_BYTES / size);
  // Fill the first slab, keeping only seq 1 (removals happen while it is the current slab).
  for (let seq = 1; seq <= perSlab; seq++) {
    t.add(seq, null, new Uint8Array(size).fill(7));
    if (seq > 1) t.remove(seq);
  }
  assert.equal(t.get(1)!.data.buffer.byteLength, SLAB_BYTES);
  t.add(perSlab + 1, null, new Uint8Array(size)); // starts the next slab
  assert.equal(t.get(1)!.data.buffer.byteLength, size);
  assert.deepEqual(t.get(1)!.data, new Uint8Array(size).fill(7));
});
