/**
 * @module
 * FileLog recovery from damaged files: a torn last record cut at every byte, a corrupt record in
 * the middle (the log is cut at the first bad record, as nats-server's filestore does), records
 * out of order, corrupt or stale snapshot files, a crash between the snapshot and the
 * compaction, and the small durable files (`tav.idx`, `peers.idx`) across reopens.
 */
import assert from "node:assert/strict";
import { record } from "../_log_conformance.ts";
import { FileLog, PEER_STATE_FILE, TERM_VOTE_FILE } from "./file_log.ts";
import { encodeRecord } from "./record.ts";
import { writeSnapshot } from "./snapshot_file.ts";

function withDir(fn: (dir: string) => void): void {
  const dir = Deno.makeTempDirSync({ prefix: "raftlog-" });
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Opens `dir`, runs `fn` and closes the log. */
function opened<T>(dir: string, fn: (log: FileLog) => T, segmentBytes?: number): T {
  const log = new FileLog(dir, { syncAppends: false, segmentBytes });
  try {
    return fn(log);
  } finally {
    log.close();
  }
}

function fill(dir: string, count: number, segmentBytes?: number): string[] {
  return opened(dir, (log) => {
    for (let i = 1; i <= count; i++) log.append(record(i, 1 + Math.floor(i / 4), 10 + i));
    return log.segmentFiles();
  }, segmentBytes);
}

function assertEntries(log: FileLog, last: number): void {
  assert.equal(log.lastIndex(), last);
  for (let i = 1; i <= last; i++) {
    assert.deepEqual(log.get(i)?.bytes, record(i, 1 + Math.floor(i / 4), 10 + i).bytes);
  }
  assert.equal(log.get(last + 1), undefined);
}

Deno.test("a torn last record is cut at every byte and the records before it are kept", () => {
  withDir((dir) => {
    const [segment] = fill(dir, 5);
    const whole = Deno.readFileSync(segment);
    const lastLen = encodeRecord(5, 2, record(5, 2, 15).bytes).length;
    const lastAt = whole.length - lastLen;
    for (let cut = lastAt; cut < whole.length; cut++) {
      Deno.writeFileSync(segment, whole.subarray(0, cut));
      opened(dir, (log) => {
        assertEntries(log, 4);
        if (cut === lastAt) assert.equal(log.recovery.cut, undefined);
        else assert.equal(log.recovery.cut?.offset, lastAt, `cut at ${cut}`);
        assert.equal(Deno.statSync(segment).size, lastAt, "the torn bytes are gone from the file");
        log.append(record(5, 2, 15));
      });
      opened(dir, (log) => {
        assertEntries(log, 5);
        assert.deepEqual(log.recovery, { discarded: 0 });
      });
    }
  });
});

Deno.test("a torn tail in the last of several segments keeps the earlier segments", () => {
  withDir((dir) => {
    const files = fill(dir, 12, 120);
    assert.ok(files.length >= 3, `${files.length} segments`);
    const last = files[files.length - 1];
    const bytes = Deno.readFileSync(last);
    Deno.writeFileSync(last, bytes.subarray(0, bytes.length - 3));
    opened(dir, (log) => {
      assertEntries(log, 11);
      assert.match(log.recovery.cut!.reason, /past the end|short/);
    }, 120);
  });
});

Deno.test("a corrupt record in the middle cuts the log there, later segments included", () => {
  for (const damage of ["entry byte", "crc field", "length field"] as const) {
    withDir((dir) => {
      const files = fill(dir, 12, 400);
      // 400-byte segments hold records 1-4, 5-8, 9-12; find record 3, records are back to back.
      assert.equal(files.length, 3);
      const first = Deno.readFileSync(files[0]);
      let at = 0;
      for (let i = 1; i < 3; i++) at += encodeRecord(i, 1, record(i, 1, 10 + i).bytes).length;
      if (damage === "entry byte") first[at + 30] ^= 0xff;
      else if (damage === "crc field") first[at + 4] ^= 0x01;
      else first[at] = 0xff;
      Deno.writeFileSync(files[0], first);
      opened(dir, (log) => {
        assertEntries(log, 2);
        assert.equal(log.recovery.cut?.offset, at);
        assert.equal(log.recovery.cut?.segment, files[0]);
        if (damage !== "length field") {
          assert.equal(log.recovery.cut?.reason, "record checksum mismatch");
        }
        assert.ok(log.recovery.discarded > 0, "records of later segments are counted");
        for (const f of files.slice(1)) assert.throws(() => Deno.statSync(f));
        log.append(record(3, 1, 13));
      }, 400);
      opened(dir, (log) => assertEntries(log, 3), 400);
    });
  }
});

Deno.test("records out of order (a valid CRC but a wrong index or a lower term) cut the log", () => {
  for (const [index, term] of [[7, 2], [5, 1], [6, 1]]) {
    withDir((dir) => {
      const [segment] = fill(dir, 5);
      const size = Deno.statSync(segment).size;
      const stray = encodeRecord(index, term, record(index, term).bytes);
      const file = Deno.openSync(segment, { append: true });
      file.writeSync(stray);
      file.close();
      opened(dir, (log) => {
        assertEntries(log, 5);
        assert.equal(log.recovery.cut?.offset, size, `stray ${index}@${term}`);
      });
    });
  }
});

Deno.test("a snapshot and its compaction survive a reopen; covered segments are deleted", () => {
  withDir((dir) => {
    const files = fill(dir, 12, 120);
    const snap = {
      lastTerm: 2,
      lastIndex: 7,
      peerState: new Uint8Array([1, 2]),
      data: new Uint8Array([7, 7, 7]),
    };
    const kept = opened(dir, (log) => {
      log.installSnapshot(snap);
      return log.segmentFiles();
    }, 120);
    // Every segment still in use holds a record after 7; the others are gone from disk.
    const gone = files.filter((f) => !kept.includes(f));
    assert.ok(gone.length >= 1);
    for (const f of gone) assert.throws(() => Deno.statSync(f));
    opened(dir, (log) => {
      assert.deepEqual(log.snapshot(), snap);
      assert.equal(log.firstIndex(), 8);
      assert.equal(log.termAt(7), 2);
      assert.equal(log.lastIndex(), 12);
      for (let i = 8; i <= 12; i++) {
        assert.deepEqual(log.get(i)?.bytes, record(i, 1 + Math.floor(i / 4), 10 + i).bytes);
      }
      assert.deepEqual([...Deno.readDirSync(`${dir}/snapshots`)].map((e) => e.name), [
        "snap.2.7",
      ]);
      log.append(record(13, 4));
    }, 120);
    opened(dir, (log) => assert.equal(log.termAt(13), 4), 120);
  });
});

Deno.test("the newest snapshot file wins; a corrupt one is removed and unjoinable records go", () => {
  withDir((dir) => {
    fill(dir, 10, 400);
    opened(dir, (log) => {
      log.installSnapshot({
        lastTerm: 2,
        lastIndex: 6,
        peerState: new Uint8Array(0),
        data: new Uint8Array([6]),
      });
    }, 400);
    // An older snapshot file and a leftover temporary file are cleaned up at open.
    Deno.writeFileSync(`${dir}/snapshots/snap.1.3`, new Uint8Array(40));
    Deno.writeFileSync(`${dir}/snapshots/snap.9.9.tmp`, new Uint8Array(3));
    opened(dir, (log) => {
      assert.equal(log.snapshot()?.lastIndex, 6);
      assert.equal(log.lastIndex(), 10);
    });
    assert.deepEqual([...Deno.readDirSync(`${dir}/snapshots`)].map((e) => e.name), ["snap.2.6"]);
    // Corrupt the snapshot: it is removed (raft.go loadLastSnapshot). The segment of records
    // 1-4 went with the compaction, so records 5..10 cannot be joined to anything (the log must
    // start at 1 without a snapshot) and are dropped.
    const path = `${dir}/snapshots/snap.2.6`;
    const bytes = Deno.readFileSync(path);
    bytes[bytes.length - 6] ^= 0xff;
    Deno.writeFileSync(path, bytes);
    opened(dir, (log) => {
      assert.equal(log.snapshot(), undefined);
      assert.equal(log.lastIndex(), 0);
      assert.equal(log.recovery.discarded, 6);
      assert.throws(() => Deno.statSync(path));
      log.append(record(1, 1));
    });
    opened(dir, (log) => assert.equal(log.lastIndex(), 1));
  });
});

Deno.test("a lost snapshot is not missed while the log still holds every entry", () => {
  withDir((dir) => {
    fill(dir, 10);
    opened(dir, (log) => {
      log.installSnapshot({
        lastTerm: 2,
        lastIndex: 6,
        peerState: new Uint8Array(0),
        data: new Uint8Array([6]),
      });
    });
    Deno.removeSync(`${dir}/snapshots/snap.2.6`);
    // One 8 MiB segment still holds records 1..10: the log is whole from index 1.
    opened(dir, (log) => {
      assert.equal(log.snapshot(), undefined);
      assertEntries(log, 10);
      assert.deepEqual(log.recovery, { discarded: 0 });
    });
  });
});

Deno.test("a crash between a snapshot and its compaction recovers like installSnapshot", () => {
  // Agreeing snapshot: records after it are kept, those it covers are skipped.
  withDir((dir) => {
    fill(dir, 10);
    writeSnapshot(dir, {
      lastTerm: 2,
      lastIndex: 5,
      peerState: new Uint8Array(0),
      data: new Uint8Array(0),
    });
    opened(dir, (log) => {
      assert.equal(log.firstIndex(), 6);
      assert.equal(log.lastIndex(), 10);
      assert.deepEqual(log.recovery, { discarded: 0 });
    });
  });
  // Disagreeing (term 3 at index 5 where the log has term 2): the log restarts after it.
  withDir((dir) => {
    fill(dir, 10);
    writeSnapshot(dir, {
      lastTerm: 3,
      lastIndex: 5,
      peerState: new Uint8Array(0),
      data: new Uint8Array(0),
    });
    opened(dir, (log) => {
      assert.equal(log.firstIndex(), 6);
      assert.equal(log.lastIndex(), 5);
      assert.equal(log.termAt(5), 3);
      assert.equal(log.recovery.discarded, 5);
      log.append(record(6, 3));
    });
    opened(dir, (log) => assert.equal(log.termAt(6), 3));
  });
});

Deno.test("term, vote and peer state survive reopen; a torn temporary file is ignored", () => {
  withDir((dir) => {
    opened(dir, (log) => {
      assert.equal(log.termVote(), undefined);
      assert.equal(log.peerState(), undefined);
      log.saveTermVote({ term: 7, vote: "VOTER003" });
      log.savePeerState(new Uint8Array([1, 2, 3, 4]));
    });
    // A crash while writing the next versions leaves only their temporary files.
    Deno.writeFileSync(`${dir}/${TERM_VOTE_FILE}.tmp`, new Uint8Array([9]));
    Deno.writeFileSync(`${dir}/${PEER_STATE_FILE}.tmp`, new Uint8Array([9]));
    opened(dir, (log) => {
      assert.deepEqual(log.termVote(), { term: 7, vote: "VOTER003" });
      assert.deepEqual(log.peerState(), new Uint8Array([1, 2, 3, 4]));
      log.saveTermVote({ term: 8, vote: "" });
    });
    // tav.idx keeps raft.go's layout: u64 term, then the vote only when there is one.
    assert.deepEqual([...Deno.readFileSync(`${dir}/${TERM_VOTE_FILE}`)], [8, 0, 0, 0, 0, 0, 0, 0]);
    opened(dir, (log) => assert.deepEqual(log.termVote(), { term: 8, vote: "" }));
  });
});
