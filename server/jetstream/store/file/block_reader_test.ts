import assert from "node:assert/strict";
import { BlockReader } from "./block_reader.ts";

/** A block of `n` records: a 4-byte little-endian length, then bytes holding the record index. */
function block(n: number): { bytes: Uint8Array; offsets: number[] } {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = 40 + (i % 200);
    const r = new Uint8Array(len);
    new DataView(r.buffer).setUint32(0, len, true);
    r.fill(i % 251, 4);
    parts.push(r);
    offsets.push(at);
    at += len;
  }
  const bytes = new Uint8Array(at);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, offsets };
}

function check(reader: BlockReader, path: string, size: number, at: number, i: number): void {
  const r = reader.read(1, path, size, at);
  assert.ok(r !== null, `record ${i}`);
  const len = new DataView(r.buf.buffer, r.buf.byteOffset).getUint32(r.offset, true);
  assert.equal(len, 40 + (i % 200));
  assert.ok(r.offset + len <= r.buf.length);
  for (let k = 4; k < len; k++) assert.equal(r.buf[r.offset + k], i % 251);
}

Deno.test("block reader returns every record read in order, across windows, and at random", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const { bytes, offsets } = block(3000);
    const path = `${dir}/1.blk`;
    Deno.writeFileSync(path, bytes);
    const reader = new BlockReader();
    for (let i = 0; i < offsets.length; i++) check(reader, path, bytes.length, offsets[i], i);
    for (let k = 0; k < 500; k++) {
      const i = (k * 7919) % offsets.length;
      check(reader, path, bytes.length, offsets[i], i);
    }
    assert.equal(reader.read(1, path, bytes.length, bytes.length), null);
    reader.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
