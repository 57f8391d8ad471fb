/**
 * @module
 * FileLog against the log conformance suite (default options, and tiny segments so every case
 * crosses segment files), then reopen checks: a random sequence of operations run on a FileLog
 * and on a MemoryLog model, reopening the FileLog after every operation and comparing all state.
 */
import assert from "node:assert/strict";
import { logConformance, record } from "../_log_conformance.ts";
import { MemoryLog, type RaftLog } from "../log.ts";
import { prng } from "../_sim.ts";
import { FileLog, type FileLogOptions } from "./file_log.ts";

function fileLogs(options: FileLogOptions) {
  const dirs = new Map<RaftLog, string>();
  return {
    make: () => {
      const dir = Deno.makeTempDirSync({ prefix: "raftlog-" });
      const log = new FileLog(dir, options);
      dirs.set(log, dir);
      return log;
    },
    dispose: (log: RaftLog) => {
      (log as FileLog).close();
      Deno.removeSync(dirs.get(log)!, { recursive: true });
      dirs.delete(log);
    },
  };
}

const plain = fileLogs({});
logConformance("file log", plain.make, plain.dispose);
const tiny = fileLogs({ segmentBytes: 200, syncAppends: false, cacheEntries: 4 });
logConformance("file log, 200-byte segments", tiny.make, tiny.dispose);

/** Every observable part of a log's state. */
export function assertSameState(log: RaftLog, model: RaftLog, what: string): void {
  assert.equal(log.firstIndex(), model.firstIndex(), `${what}: firstIndex`);
  assert.equal(log.lastIndex(), model.lastIndex(), `${what}: lastIndex`);
  for (let i = model.firstIndex() - 1; i <= model.lastIndex() + 1; i++) {
    assert.equal(log.termAt(i), model.termAt(i), `${what}: termAt(${i})`);
    assert.deepEqual(log.get(i)?.bytes, model.get(i)?.bytes, `${what}: get(${i})`);
  }
  assert.deepEqual(log.snapshot(), model.snapshot(), `${what}: snapshot`);
  assert.deepEqual(log.termVote(), model.termVote(), `${what}: termVote`);
  assert.deepEqual(log.peerState(), model.peerState(), `${what}: peerState`);
}

Deno.test("file log: reopening after every operation gives the same state as the model", () => {
  for (const segmentBytes of [150, 8 * 1024 * 1024]) {
    const dir = Deno.makeTempDirSync({ prefix: "raftlog-" });
    const random = prng(segmentBytes);
    const options = { segmentBytes, syncAppends: false };
    let log = new FileLog(dir, options);
    const model = new MemoryLog();
    let term = 1;
    try {
      for (let step = 0; step < 400; step++) {
        const r = random();
        let what: string;
        if (r < 0.55) {
          if (random() < 0.1) term++;
          const rec = record(model.lastIndex() + 1, term, Math.floor(random() * 60));
          model.append(rec);
          log.append(rec);
          what = `append ${rec.index}@${term}`;
        } else if (r < 0.7) {
          const to = model.firstIndex() - 1 +
            Math.floor(random() * (model.lastIndex() - model.firstIndex() + 2));
          model.truncateAfter(to);
          log.truncateAfter(to);
          what = `truncateAfter ${to}`;
        } else if (r < 0.82) {
          const ahead = random() < 0.2;
          const lastIndex = ahead
            ? model.lastIndex() + 1 + Math.floor(random() * 5)
            : model.firstIndex() - 1 +
              Math.floor(random() * (model.lastIndex() - model.firstIndex() + 2));
          const lastTerm = ahead ? ++term : model.termAt(lastIndex)!;
          const snap = {
            lastTerm,
            lastIndex,
            peerState: new Uint8Array([step & 0xff]),
            data: new Uint8Array([lastIndex & 0xff, 1, 2]),
          };
          model.installSnapshot(snap);
          log.installSnapshot(snap);
          what = `snapshot ${lastIndex}@${lastTerm}`;
        } else if (r < 0.92) {
          const tv = { term, vote: random() < 0.5 ? "" : `VOTER00${step % 10}` };
          model.saveTermVote(tv);
          log.saveTermVote(tv);
          what = `termVote ${tv.term}/${tv.vote}`;
        } else {
          const ps = new Uint8Array(Math.floor(random() * 30)).fill(step & 0xff);
          model.savePeerState(ps);
          log.savePeerState(ps);
          what = `peerState ${ps.length}`;
        }
        assertSameState(log, model, `step ${step} (${what})`);
        log.close();
        log = new FileLog(dir, options);
        assert.deepEqual(log.recovery, { discarded: 0 }, `step ${step}: clean reopen`);
        assertSameState(log, model, `step ${step} (${what}) after reopen`);
      }
      // Compaction removed the segments no entry needs: few files remain.
      const files = [...Deno.readDirSync(`${dir}/msgs`)].length;
      assert.ok(files <= model.lastIndex() - model.firstIndex() + 2, `${files} segment files`);
    } finally {
      log.close();
      Deno.removeSync(dir, { recursive: true });
    }
  }
});

Deno.test("file log: truncating into an earlier segment removes the later segment files", () => {
  const dir = Deno.makeTempDirSync({ prefix: "raftlog-" });
  try {
    let log = new FileLog(dir, { segmentBytes: 200, syncAppends: false });
    for (let i = 1; i <= 12; i++) log.append(record(i, 1, 40));
    log.sync(); // with syncAppends off: fsyncs the segments started since the last sync
    const files = log.segmentFiles();
    assert.ok(files.length >= 4, `${files.length} segments`);
    log.truncateAfter(3);
    const kept = log.segmentFiles();
    assert.ok(kept.length < files.length);
    for (const f of files.filter((f) => !kept.includes(f))) assert.throws(() => Deno.statSync(f));
    log.append(record(4, 2, 40));
    log.close();
    log = new FileLog(dir, { segmentBytes: 200, syncAppends: false });
    assert.equal(log.lastIndex(), 4);
    assert.equal(log.termAt(4), 2);
    assert.deepEqual(log.get(3)?.bytes, record(3, 1, 40).bytes);
    log.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("file log: an append whose term goes down is refused (recovery would cut it)", () => {
  const { make, dispose } = fileLogs({ syncAppends: false });
  const log = make();
  try {
    log.append(record(1, 3));
    assert.throws(() => log.append(record(2, 2)), /term 2 after term 3/);
    log.installSnapshot({
      lastTerm: 5,
      lastIndex: 4,
      peerState: new Uint8Array(0),
      data: new Uint8Array(0),
    });
    assert.throws(() => log.append(record(5, 4)), /term 4 after term 5/);
    log.append(record(5, 5));
  } finally {
    dispose(log);
  }
});
