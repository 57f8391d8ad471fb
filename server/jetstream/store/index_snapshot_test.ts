/**
 * @module
 * The index snapshot encoding: a round trip of state, blocks, subjects and columns, and rejection
 * of damaged or foreign bytes.
 */

import assert from "node:assert/strict";
import { decodeIndexSnapshot, encodeIndexSnapshot, type IndexSnapshot } from "./index_snapshot.ts";

function sample(): IndexSnapshot {
  return {
    msgs: 2,
    bytes: 90,
    firstSeq: 5,
    firstTs: 1_700_000_000_000_000_001n,
    lastSeq: 7,
    lastTs: 1_700_000_000_000_000_003n,
    blocks: [{
      id: 2,
      bytes: 300,
      liveMsgs: 2,
      liveBytes: 90,
      firstMsgSeq: 5,
      lastMsgSeq: 7,
      tombstones: [6],
      baseLastSeq: 4,
      baseLastTs: 9n,
    }],
    subjects: [
      { id: 1, subject: "a.ü", byteLength: 4, msgs: 1, first: 5, last: 5 },
      { id: 3, subject: "b", byteLength: 1, msgs: 1, first: 7, last: 7 },
    ],
    columns: {
      base: 5,
      subject: Int32Array.from([1, -1, 3]),
      size: Uint32Array.from([45, 0, 45]),
      ts: BigInt64Array.from([1n, 2n, 3n]),
      slotA: Uint32Array.from([2, 0, 2]),
      slotB: Uint32Array.from([39, 0, 120]),
    },
  };
}

Deno.test("index snapshot round trips state, blocks, subjects and columns", () => {
  const s = sample();
  assert.deepEqual(decodeIndexSnapshot(encodeIndexSnapshot(s)), s);
});

Deno.test("index snapshot decoding refuses damaged, truncated and foreign bytes", () => {
  const bytes = encodeIndexSnapshot(sample());
  for (const i of [0, 5, 20, bytes.length - 30, bytes.length - 1]) {
    const bad = bytes.slice();
    bad[i] ^= 0x10;
    assert.equal(decodeIndexSnapshot(bad), null, `byte ${i}`);
  }
  assert.equal(decodeIndexSnapshot(bytes.subarray(0, bytes.length - 8)), null);
  assert.equal(decodeIndexSnapshot(new TextEncoder().encode('{"not":"a snapshot"}')), null);
});
