/**
 * @module
 * The conformance suite every {@link RaftLog} implementation runs (the memory log now, a
 * file-backed one later): appends, terms, truncation, snapshots and the durable records.
 * Private to the raft tests.
 */
import assert from "node:assert/strict";
import type { LogRecord, RaftLog } from "./log.ts";
import { encodeAppendEntry, EntryType } from "./wire.ts";

function record(index: number, term: number): LogRecord {
  const entry = {
    leader: "LEADER01",
    term,
    commit: 0,
    pterm: 0,
    pindex: index - 1,
    entries: [{ type: EntryType.Normal, data: new Uint8Array([index]) }],
  };
  return { index, term, entry, bytes: encodeAppendEntry(entry) };
}

/** Registers the suite for logs made by `make`. */
export function logConformance(name: string, make: () => RaftLog): void {
  Deno.test(`${name}: an empty log has index 0 with term 0`, () => {
    const log = make();
    assert.equal(log.firstIndex(), 1);
    assert.equal(log.lastIndex(), 0);
    assert.equal(log.termAt(0), 0);
    assert.equal(log.termAt(1), undefined);
    assert.equal(log.get(1), undefined);
    assert.equal(log.snapshot(), undefined);
  });

  Deno.test(`${name}: appends only at the next index and reads entries back`, () => {
    const log = make();
    for (let i = 1; i <= 5; i++) log.append(record(i, i < 3 ? 1 : 2));
    assert.equal(log.lastIndex(), 5);
    assert.equal(log.termAt(2), 1);
    assert.equal(log.termAt(3), 2);
    assert.deepEqual(log.get(4)?.bytes, record(4, 2).bytes);
    assert.throws(() => log.append(record(7, 2)));
    assert.throws(() => log.append(record(5, 2)));
  });

  Deno.test(`${name}: truncation drops everything after the index`, () => {
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

  Deno.test(`${name}: a snapshot compacts the entries it covers and keeps later ones`, () => {
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

  Deno.test(`${name}: a snapshot ahead of the log, or disagreeing with it, replaces it`, () => {
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

  Deno.test(`${name}: term, vote and peer state are kept`, () => {
    const log = make();
    assert.equal(log.termVote(), undefined);
    log.saveTermVote({ term: 3, vote: "VOTER001" });
    assert.deepEqual(log.termVote(), { term: 3, vote: "VOTER001" });
    log.savePeerState(new Uint8Array([1, 2, 3]));
    assert.deepEqual(log.peerState(), new Uint8Array([1, 2, 3]));
  });
}
