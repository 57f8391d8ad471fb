/**
 * @module
 * The conformance suite every {@link RaftLog} implementation runs (the memory log, log_test.ts,
 * and the file log, file/file_log_test.ts): appends, terms, truncation, snapshots and the
 * durable records. Private to the raft tests.
 */
import assert from "node:assert/strict";
import type { LogRecord, RaftLog } from "./log.ts";
import { encodeAppendEntry, EntryType } from "./wire.ts";

/** A record at `index`/`term` carrying `size` bytes of data (default 1). */
export function record(index: number, term: number, size = 1): LogRecord {
  const data = new Uint8Array(size).map((_, i) => (index + i) & 0xff);
  const entry = {
    leader: "LEADER01",
    term,
    commit: 0,
    pterm: 0,
    pindex: index - 1,
    entries: [{ type: EntryType.Normal, data }],
  };
  return { index, term, entry, bytes: encodeAppendEntry(entry) };
}

/**
 * Registers the suite for logs made by `make`; `dispose` (if given) is called on every log a test
 * made once it ends, passed or not (to close files and remove directories).
 */
export function logConformance(
  name: string,
  make: () => RaftLog,
  dispose?: (log: RaftLog) => void,
): void {
  const made: RaftLog[] = [];
  const track = () => {
    const log = make();
    made.push(log);
    return log;
  };
  const test = (title: string, fn: (make: () => RaftLog) => void) =>
    Deno.test(`${name}: ${title}`, () => {
      try {
        fn(track);
      } finally {
        for (const log of made.splice(0)) dispose?.(log);
      }
    });
  conformance(test);
  extended(test);
}

type Register = (title: string, fn: (make: () => RaftLog) => void) => void;

function conformance(test: Register): void {
  test(`an empty log has index 0 with term 0`, (make) => {
    const log = make();
    assert.equal(log.firstIndex(), 1);
    assert.equal(log.lastIndex(), 0);
    assert.equal(log.termAt(0), 0);
    assert.equal(log.termAt(1), undefined);
    assert.equal(log.get(1), undefined);
    assert.equal(log.snapshot(), undefined);
  });

  test(`appends only at the next index and reads entries back`, (make) => {
    const log = make();
    for (let i = 1; i <= 5; i++) log.append(record(i, i < 3 ? 1 : 2));
    assert.equal(log.lastIndex(), 5);
    assert.equal(log.termAt(2), 1);
    assert.equal(log.termAt(3), 2);
    assert.deepEqual(log.get(4)?.bytes, record(4, 2).bytes);
    assert.throws(() => log.append(record(7, 2)));
    assert.throws(() => log.append(record(5, 2)));
  });

  test(`truncation drops everything after the index`, (make) => {
    const log = make();
    for (let i = 1; i <= 5; i++) log.append(record(i, 1));
    log.truncateAfter(2);
    assert.equal(log.lastIndex(), 2);
    assert.equal(log.get(3), undefined);
    log.append(record(3, 4));
    assert.equal(log.termAt(3), 4);
    log.truncateAfter(0);
    assert.equal(log.lastIndex(), 0);
  });

  test(`a snapshot compacts the entries it covers and keeps later ones`, (make) => {
    const log = make();
    for (let i = 1; i <= 6; i++) log.append(record(i, 1));
    const snap = {
      lastTerm: 1,
      lastIndex: 4,
      peerState: new Uint8Array([1]),
      data: new Uint8Array([9]),
    };
    log.installSnapshot(snap);
    assert.equal(log.firstIndex(), 5);
    assert.equal(log.lastIndex(), 6);
    assert.equal(log.termAt(4), 1);
    assert.equal(log.get(4), undefined);
    assert.deepEqual(log.get(5)?.bytes, record(5, 1).bytes);
    assert.deepEqual(log.snapshot(), snap);
    assert.throws(() => log.truncateAfter(3));
    // An older snapshot changes nothing.
    log.installSnapshot({ ...snap, lastIndex: 2 });
    assert.equal(log.firstIndex(), 5);
  });

  test(`a snapshot ahead of the log, or disagreeing with it, replaces it`, (make) => {
    const log = make();
    for (let i = 1; i <= 3; i++) log.append(record(i, 1));
    log.installSnapshot({
      lastTerm: 2,
      lastIndex: 10,
      peerState: new Uint8Array(0),
      data: new Uint8Array(0),
    });
    assert.equal(log.firstIndex(), 11);
    assert.equal(log.lastIndex(), 10);
    assert.equal(log.termAt(10), 2);
    log.append(record(11, 3));
    assert.equal(log.lastIndex(), 11);
    const other = make();
    for (let i = 1; i <= 5; i++) other.append(record(i, 1));
    other.installSnapshot({
      lastTerm: 3,
      lastIndex: 3,
      peerState: new Uint8Array(0),
      data: new Uint8Array(0),
    });
    assert.equal(other.lastIndex(), 3, "entries after a conflicting snapshot are dropped");
  });

  test(`term, vote and peer state are kept`, (make) => {
    const log = make();
    assert.equal(log.termVote(), undefined);
    log.saveTermVote({ term: 3, vote: "VOTER001" });
    assert.deepEqual(log.termVote(), { term: 3, vote: "VOTER001" });
    log.savePeerState(new Uint8Array([1, 2, 3]));
    assert.deepEqual(log.peerState(), new Uint8Array([1, 2, 3]));
  });
}

/** Cases added with the file log: reads past any cache, edges of truncation and snapshots. */
function extended(test: Register): void {
  test("entries read back whole, terms and decoded append entries included", (make) => {
    const log = make();
    for (let i = 1; i <= 600; i++) log.append(record(i, 1 + Math.floor(i / 100), i % 37));
    for (const i of [1, 2, 99, 100, 101, 333, 599, 600]) {
      const want = record(i, 1 + Math.floor(i / 100), i % 37);
      const got = log.get(i);
      assert.equal(got?.index, i);
      assert.equal(got?.term, want.term);
      assert.equal(log.termAt(i), want.term);
      assert.deepEqual(got?.bytes, want.bytes);
      assert.deepEqual(got?.entry, want.entry);
    }
    assert.equal(log.get(601), undefined);
    assert.equal(log.get(0), undefined);
  });

  test("truncating at or past the end changes nothing; at the snapshot empties the log", (make) => {
    const log = make();
    for (let i = 1; i <= 4; i++) log.append(record(i, 1));
    log.truncateAfter(4);
    log.truncateAfter(9);
    assert.equal(log.lastIndex(), 4);
    log.installSnapshot({
      lastTerm: 1,
      lastIndex: 2,
      peerState: new Uint8Array(0),
      data: new Uint8Array([2]),
    });
    log.truncateAfter(2);
    assert.equal(log.firstIndex(), 3);
    assert.equal(log.lastIndex(), 2);
    assert.equal(log.termAt(2), 1);
    assert.equal(log.get(3), undefined);
    log.append(record(3, 2));
    assert.equal(log.termAt(3), 2);
    assert.throws(() => log.truncateAfter(1));
  });

  test("a snapshot at the last index leaves an empty log that appends after it", (make) => {
    const log = make();
    for (let i = 1; i <= 3; i++) log.append(record(i, 2));
    log.installSnapshot({
      lastTerm: 2,
      lastIndex: 3,
      peerState: new Uint8Array([7]),
      data: new Uint8Array([3]),
    });
    assert.equal(log.firstIndex(), 4);
    assert.equal(log.lastIndex(), 3);
    assert.equal(log.termAt(3), 2);
    assert.equal(log.termAt(2), undefined);
    assert.throws(() => log.append(record(5, 2)));
    log.append(record(4, 3));
    assert.deepEqual(log.get(4)?.bytes, record(4, 3).bytes);
    // A later snapshot replaces the earlier one.
    log.installSnapshot({
      lastTerm: 3,
      lastIndex: 4,
      peerState: new Uint8Array([8]),
      data: new Uint8Array([4]),
    });
    assert.equal(log.snapshot()?.lastIndex, 4);
    assert.deepEqual(log.snapshot()?.data, new Uint8Array([4]));
  });

  test("a term without a vote is kept, and saved records do not alias the caller's", (make) => {
    const log = make();
    log.saveTermVote({ term: 5, vote: "" });
    assert.deepEqual(log.termVote(), { term: 5, vote: "" });
    log.saveTermVote({ term: 6, vote: "VOTER002" });
    log.saveTermVote({ term: 6, vote: "VOTER002" });
    assert.deepEqual(log.termVote(), { term: 6, vote: "VOTER002" });
    const ps = new Uint8Array([4, 5]);
    log.savePeerState(ps);
    ps[0] = 9;
    assert.deepEqual(log.peerState(), new Uint8Array([4, 5]));
  });
}
