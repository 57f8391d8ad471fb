/**
 * @module
 * Snapshot files: the layout round-trips, any damage fails the checksum, and the directory
 * keeps only the newest snapshot (by term, then index, as raft.go setupLastSnapshot picks).
 */
import assert from "node:assert/strict";
import { decodeSnapshot, encodeSnapshot, loadSnapshot, writeSnapshot } from "./snapshot_file.ts";

const snap = {
  lastTerm: 3,
  lastIndex: 70000,
  peerState: new Uint8Array([1, 2, 3]),
  data: new Uint8Array([9, 8, 7, 6]),
};

Deno.test("a snapshot file round-trips and any flipped byte or cut is refused", () => {
  const bytes = encodeSnapshot(snap);
  assert.equal(bytes.length, 20 + 3 + 4 + 4);
  assert.deepEqual(decodeSnapshot(bytes), snap);
  for (let at = 0; at < bytes.length; at++) {
    const bad = bytes.slice();
    bad[at] ^= 0x01;
    assert.equal(decodeSnapshot(bad), undefined, `byte ${at}`);
    assert.equal(decodeSnapshot(bytes.subarray(0, at)), undefined, `cut ${at}`);
  }
});

Deno.test("the newest snapshot by term then index is loaded and the rest removed", () => {
  const dir = Deno.makeTempDirSync({ prefix: "raftsnap-" });
  try {
    Deno.mkdirSync(`${dir}/snapshots`);
    assert.equal(loadSnapshot(dir), undefined);
    writeSnapshot(dir, snap);
    // Files a crash could leave: an older snapshot, a stray name, a temporary file.
    Deno.writeFileSync(`${dir}/snapshots/snap.2.80000`, encodeSnapshot({ ...snap, lastTerm: 2 }));
    Deno.writeFileSync(`${dir}/snapshots/garbage`, new Uint8Array(1));
    Deno.writeFileSync(`${dir}/snapshots/snap.4.1.tmp`, new Uint8Array(1));
    assert.deepEqual(loadSnapshot(dir), snap);
    assert.deepEqual([...Deno.readDirSync(`${dir}/snapshots`)].map((e) => e.name), [
      "snap.3.70000",
    ]);
    // A file whose name disagrees with its contents is not trusted.
    Deno.renameSync(`${dir}/snapshots/snap.3.70000`, `${dir}/snapshots/snap.3.70001`);
    assert.equal(loadSnapshot(dir), undefined);
    assert.deepEqual([...Deno.readDirSync(`${dir}/snapshots`)], []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
