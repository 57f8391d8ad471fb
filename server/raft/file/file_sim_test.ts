/**
 * @module
 * The RAFT simulation (_sim.ts, with sim_test.ts's fault schedules) run on FileLogs in a temp
 * directory: every restart after a crash closes the node's FileLog and reopens it from disk,
 * and the reopened log must show the same state the node had when it went down. Small
 * segments make snapshots delete segment files as the runs go. A few seeds, to stay fast.
 */
import assert from "node:assert/strict";
import { assertLive, chaos, HOSTILE } from "../_chaos.ts";
import { Sim, type SimStorage } from "../_sim.ts";
import { FileLog } from "./file_log.ts";

/** The state a reopen must reproduce. */
function stateOf(log: FileLog) {
  const terms: (number | undefined)[] = [];
  for (let i = log.firstIndex() - 1; i <= log.lastIndex(); i++) terms.push(log.termAt(i));
  return {
    first: log.firstIndex(),
    last: log.lastIndex(),
    terms,
    lastBytes: log.get(log.lastIndex())?.bytes,
    termVote: log.termVote(),
    peerState: log.peerState(),
    snapshot: log.snapshot(),
  };
}

/** FileLogs under `base`, one directory per node, reopened (and checked) at every boot. */
function fileStorage(base: string) {
  const logs = new Map<string, FileLog>();
  const stats = { reopens: 0, compacted: 0 };
  const storage: SimStorage = {
    open(id) {
      const old = logs.get(id);
      // A simulated crash is a process crash: what append wrote reached the OS and survives
      // without an fsync (fsyncs would only slow the run down).
      const options = { segmentBytes: 2048, syncAppends: false };
      if (old) {
        const before = stateOf(old);
        old.close();
        const reopened = new FileLog(`${base}/${id}`, options);
        assert.deepEqual(reopened.recovery, { discarded: 0 });
        assert.deepEqual(stateOf(reopened), before, `${id}: state after reopen`);
        stats.reopens++;
        logs.set(id, reopened);
        return reopened;
      }
      const log = new FileLog(`${base}/${id}`, options);
      logs.set(id, log);
      return log;
    },
    close() {
      for (const log of logs.values()) {
        // The first segment file went away with a snapshot's compaction.
        if (!log.segmentFiles().includes(`${log.dir}/msgs/1.seg`)) stats.compacted++;
        log.close();
      }
    },
  };
  return { storage, stats };
}

const SEEDS = 4;

for (const size of [3, 5]) {
  Deno.test(`${size}-node groups on file logs stay safe with crashes, restarts and snapshots`, () => {
    const base = Deno.makeTempDirSync({ prefix: "raftsim-" });
    let reopens = 0;
    let restored = 0;
    let compacted = 0;
    try {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const { storage, stats } = fileStorage(`${base}/${seed}`);
        const sim = new Sim(size, seed * 104729 + size, HOSTILE, storage);
        try {
          // chaos() crashes a node now and then; crash or restart one more every 10 s on top.
          for (let round = 0; round < 6; round++) {
            chaos(sim, 10_000, { snapshots: true, crashes: true });
            const down = sim.nodes.findIndex((sn) => !sn.up && !sn.retired);
            if (down >= 0) sim.restart(down);
            else sim.crash(Math.floor(sim.random() * size));
          }
          assertLive(sim, 60_000);
        } catch (e) {
          throw new Error(`seed ${seed}: ${(e as Error).message}`);
        } finally {
          sim.close();
        }
        reopens += stats.reopens;
        compacted += stats.compacted;
        restored += sim.snapshotsRestored;
      }
    } finally {
      Deno.removeSync(base, { recursive: true });
    }
    console.log(
      `${size} nodes: ${reopens} reopens, ${restored} from a snapshot, ${compacted} compacted`,
    );
    assert.ok(reopens > 0, "no node was restarted from its files");
    assert.ok(restored > 0, "no node restarted from a snapshot file");
    assert.ok(compacted > 0, "no segment file was removed by a compaction");
  });
}
