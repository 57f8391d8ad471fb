/**
 * @module
 * Read-only queries over a stream store's index and subject table, shared by both stores:
 * the next message matching a wildcard, the first sequence at a time, and filtered state.
 * PURE: no Deno APIs, timers or console output.
 */

import type { SeqIndex } from "./seq_index.ts";
import { isAllFilter, type SubjectTable } from "./subject_table.ts";
import type { SimpleState } from "./types.ts";

/** What the queries read. */
export interface StoreView {
  index: SeqIndex;
  subjects: SubjectTable;
  msgs: number;
  firstSeq: number;
  lastSeq: number;
}

/** First sequence >= start whose subject matches the wildcard `filter`, or 0. */
export function nextMatching(v: StoreView, filter: string, start: number): number {
  const matched = v.subjects.matching(filter);
  if (matched.length === 0) return 0;
  if (matched.length === 1) {
    const e = matched[0];
    if (e.last < start) return 0;
    return v.index.nextWithSubject(e.id, Math.max(start, e.first), e.last);
  }
  const ids = new Set<number>();
  let from = v.lastSeq + 1, to = 0;
  for (const e of matched) {
    if (e.last < start) continue;
    ids.add(e.id);
    if (e.first < from) from = e.first;
    if (e.last > to) to = e.last;
  }
  for (let seq = Math.max(start, from); seq <= to; seq++) {
    if (ids.has(v.index.subjectId(seq))) return seq;
  }
  return 0;
}

/** First sequence whose timestamp is >= `ts` (Go's `GetSeqFromTime`). */
export function seqFromTime(v: StoreView, ts: bigint): number {
  if (v.msgs === 0) return v.lastSeq + 1;
  if (ts <= v.index.ts(v.firstSeq)) return v.firstSeq;
  const lastPresent = v.index.prevPresent(v.lastSeq, v.firstSeq);
  const lastTs = v.index.ts(lastPresent);
  if (ts === lastTs) return lastPresent;
  if (ts > lastTs) return v.lastSeq + 1;
  // Smallest s whose next present message has ts >= target (monotone: ts never decreases).
  let lo = v.firstSeq, hi = lastPresent;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (v.index.ts(v.index.nextPresent(mid, hi)) >= ts) hi = mid;
    else lo = mid + 1;
  }
  return v.index.nextPresent(lo, lastPresent);
}

/** Messages at or after `seq` matching `subject`, with the first and last such sequence. */
export function filteredState(v: StoreView, seq: number, subject: string): SimpleState {
  const ss: SimpleState = { msgs: 0, first: 0, last: 0 };
  if (seq < v.firstSeq) seq = v.firstSeq;
  if (seq > v.lastSeq || v.msgs === 0) return ss;
  if (isAllFilter(subject)) {
    if (seq <= v.firstSeq) {
      return {
        msgs: v.msgs,
        first: v.firstSeq,
        last: v.index.prevPresent(v.lastSeq, v.firstSeq),
      };
    }
    for (let s = v.index.nextPresent(seq, v.lastSeq); s > 0;) {
      ss.msgs++;
      if (ss.first === 0) ss.first = s;
      ss.last = s;
      s = s < v.lastSeq ? v.index.nextPresent(s + 1, v.lastSeq) : 0;
    }
    return ss;
  }
  const matched = v.subjects.matching(subject);
  if (matched.length === 0) return ss;
  let from = Infinity, to = 0, all = 0;
  const ids = new Set<number>();
  for (const e of matched) {
    if (e.last < seq) continue;
    ids.add(e.id);
    all += e.msgs;
    if (e.first < from) from = e.first;
    if (e.last > to) to = e.last;
  }
  if (ids.size === 0) return ss;
  if (seq <= from) return { msgs: all, first: from, last: to };
  for (let s = seq; s <= to; s++) {
    if (ids.has(v.index.subjectId(s))) {
      ss.msgs++;
      if (ss.first === 0) ss.first = s;
      ss.last = s;
    }
  }
  return ss;
}
