/**
 * @module
 * The recovery side of the stream store semantics (the file store rebuilding its state at open):
 * messages, used sequences, tombstones and floors read back from storage are applied to the
 * shared state of stream_core.ts without limits, callbacks or persisting.
 * PURE: no Deno APIs, timers or console output.
 */

import { StreamCore } from "./stream_core.ts";
import type { SubjectEntry } from "./subject_table.ts";

/** Messages recovered together (one block's live messages), for `recoverMsgs`. */
export interface RecoveredMsgs {
  seqs: Float64Array;
  ts: BigInt64Array;
  /** Index into `entries` (-1: no subject). */
  subjectIndex: Int32Array;
  entries: (SubjectEntry | null)[];
  sizes: Uint32Array;
  slotA: number;
  slotB: Uint32Array;
}

/** A sealed block's messages recovered as an index page (index_pages.ts), from its summary. */
export interface RecoveredPage {
  /** slotA of its messages (the block id). */
  key: number;
  /** Sequence range of the page and its presence bits. */
  first: number;
  last: number;
  present: Uint8Array;
  /** Live messages, their bytes, the first and last with their times. */
  msgs: number;
  bytes: number;
  firstLive: number;
  firstLiveTs: bigint;
  lastLive: number;
  lastLiveTs: bigint;
  /** Subjects of the live messages with [msgs, first, last] each. */
  subjects: string[];
  subjectStats: [number, number, number][];
}

/** The recover hooks of a {@link RecoverableCore} as one object. */
export interface ReplaySink {
  /** The stream's last sequence so far (a MSG record at or below it is ignored). */
  lastSeq(): number;
  /** The tracked entry of a subject (null for ""). */
  subject(name: string): SubjectEntry | null;
  /** A message read back, with its location slots (file store: block id and offset). */
  /** Returns false when it was ignored (at or below the last sequence so far). */
  msg(
    seq: number,
    subject: SubjectEntry | null,
    size: number,
    ts: bigint,
    slotA: number,
    slotB: number,
  ): boolean;
  /** A block's live messages at once (from its summary); the messages and bytes applied. */
  msgs(run: RecoveredMsgs): { msgs: number; bytes: number };
  /**
   * A sealed block's live messages as an index page (their columns stay on disk). False when
   * that cannot be (messages at or below the last sequence so far): apply them with `msgs`.
   */
  page(page: RecoveredPage): boolean;
  /** `seq` was used (`skipped`: by a SKIP record). */
  last(seq: number, ts: bigint, skipped: boolean): void;
  /** A tombstone. */
  remove(seq: number): void;
  /** Everything below `floor` is gone. */
  floor(floor: number): void;
}

/** A {@link StreamCore} that can be rebuilt from storage. */
export abstract class RecoverableCore extends StreamCore {
  /** The recover hooks as one object (the file store's block recovery calls them). */
  protected recoverySink(): ReplaySink {
    return {
      lastSeq: () => this.lastSeq,
      subject: (name) => this.recoverSubject(name),
      msg: (seq, subject, size, ts, slotA, slotB) => {
        if (seq <= this.lastSeq) return false;
        this.slotA = slotA;
        this.slotB = slotB;
        this.recoverMsg(seq, subject, size, ts);
        return true;
      },
      msgs: (run) => this.recoverMsgs(run),
      page: (page) => this.recoverPage(page),
      last: (seq, ts, skipped) => this.recoverLast(seq, ts, skipped),
      remove: (seq) => this.recoverDelete(seq),
      floor: (floor) => this.recoverFloor(floor),
    };
  }

  /** Recovery: the tracked entry of `subject` (null for ""), for {@link recoverMsg}. */
  protected recoverSubject(subject: string): SubjectEntry | null {
    return subject.length > 0 ? this.subjects.intern(subject) : null;
  }

  /**
   * Recovery: a message read back from storage (no limits, no callback, no persisting); its
   * subject's entry from {@link recoverSubject}.
   */
  protected recoverMsg(seq: number, entry: SubjectEntry | null, size: number, ts: bigint): void {
    if (this.msgs === 0) {
      this.index.dropBelow(seq);
      this.firstSeq = seq;
      this.firstTs = ts;
    }
    this.index.set(seq, entry?.id ?? 0, size, ts, this.slotA, this.slotB);
    this.msgs++;
    this.bytes += size;
    if (entry) {
      if (entry.msgs === 0) entry.first = seq;
      entry.msgs++;
      entry.last = seq;
    }
    this.recoverLast(seq, ts);
  }

  /**
   * Recovery: the messages of `run` at once (ascending sequences; those at or below the last
   * sequence so far are ignored), as {@link recoverMsg} one by one.
   */
  protected recoverMsgs(run: RecoveredMsgs): { msgs: number; bytes: number } {
    const { seqs, ts, subjectIndex, sizes, entries } = run;
    const n = seqs.length;
    let from = 0;
    while (from < n && seqs[from] <= this.lastSeq) from++;
    if (from === n) return { msgs: 0, bytes: 0 };
    if (this.msgs === 0) {
      this.index.dropBelow(seqs[from]);
      this.firstSeq = seqs[from];
      this.firstTs = ts[from];
    }
    const map = new Int32Array(entries.length + 1);
    for (let i = 0; i < entries.length; i++) map[i + 1] = entries[i]?.id ?? 0;
    this.index.setMany(seqs, from, n, subjectIndex, map, sizes, ts, run.slotA, run.slotB);
    let bytes = 0;
    for (let k = from; k < n; k++) {
      bytes += sizes[k];
      const li = subjectIndex[k];
      if (li < 0) continue;
      const e = entries[li]!;
      if (e.msgs === 0) e.first = seqs[k];
      e.msgs++;
      e.last = seqs[k];
    }
    this.msgs += n - from;
    this.bytes += bytes;
    this.recoverLast(seqs[n - 1], ts[n - 1]);
    return { msgs: n - from, bytes };
  }

  /**
   * Recovery: a sealed block's live messages as an index page, counted from its summary's
   * totals (false when some are at or below the last sequence so far; see {@link ReplaySink}).
   */
  protected recoverPage(p: RecoveredPage): boolean {
    if (p.msgs === 0) return true;
    if (p.firstLive <= this.lastSeq) return false;
    this.index.addPage(p.key, p.first, p.last, p.present);
    if (this.msgs === 0) {
      this.index.dropBelow(p.firstLive);
      this.firstSeq = p.firstLive;
      this.firstTs = p.firstLiveTs;
    }
    this.msgs += p.msgs;
    this.bytes += p.bytes;
    for (let i = 0; i < p.subjects.length; i++) {
      const [msgs, first, last] = p.subjectStats[i];
      if (msgs === 0) continue;
      const e = this.subjects.intern(p.subjects[i]);
      if (e.msgs === 0) e.first = first;
      e.msgs += msgs;
      e.last = last;
    }
    this.recoverLast(p.lastLive, p.lastLiveTs);
    return true;
  }

  /**
   * Recovery: `seq` was used (a message, a skip, or a block's base). An empty store's first time
   * is that of a skip, as `skipMsg` sets it.
   */
  protected recoverLast(seq: number, ts: bigint, skipped = false): void {
    if (seq >= this.lastSeq) {
      this.lastSeq = seq;
      this.lastTs = ts;
    }
    if (this.msgs === 0) {
      this.firstSeq = this.lastSeq + 1;
      if (skipped) this.firstTs = ts;
      this.index.dropBelow(this.firstSeq);
    }
  }

  /** Recovery: everything below `floor` is gone. */
  protected recoverFloor(floor: number): void {
    if (floor <= this.firstSeq) return;
    if (floor > this.lastSeq) this.lastSeq = floor - 1;
    for (let s = this.index.nextPresent(this.firstSeq, floor - 1); s > 0 && s < floor;) {
      this.dropSilently(s);
      s = this.index.nextPresent(s + 1, floor - 1);
    }
    this.firstSeq = floor;
    this.selectNextFirst();
  }

  /** Recovery: forgets everything recovered so far (to start over). */
  protected recoverReset(): void {
    this.msgs = 0;
    this.bytes = 0;
    this.firstSeq = 1;
    this.firstTs = 0n;
    this.lastSeq = 0;
    this.lastTs = 0n;
    this.index.reset(1);
    this.subjects.clear();
  }

  /** Recovery: a tombstone for `seq`. */
  protected recoverDelete(seq: number): void {
    if (!this.index.has(seq)) return;
    this.dropSilently(seq);
    if (seq === this.firstSeq) this.selectNextFirst();
  }
}
