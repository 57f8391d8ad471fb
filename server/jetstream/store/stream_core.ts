/**
 * @module
 * The stream store semantics shared by the memory and the file store, after nats-server 2.9.10
 * `server/memstore.go` and `server/filestore.go`: sequences, first/last, per-subject tracking,
 * discard policies and limits, purge/compact/truncate, filtered and per-subject state, expiry by
 * age with the time passed in. Subclasses only keep payloads (memory map, or block files) through
 * the protected hooks, so both stores behave identically by construction.
 * PURE: no Deno APIs, timers or console output.
 */

import { SeqIndex } from "./seq_index.ts";
import { filteredState, nextMatching, seqFromTime, type StoreView } from "./stream_queries.ts";
import { hasWildcard, isAllFilter, type SubjectEntry, SubjectTable } from "./subject_table.ts";
import { subjectMatches } from "../../sublist/subject_match.ts";
import {
  type ConsumerStore,
  type ConsumerStoreConfig,
  DiscardPolicy,
  type SimpleState,
  type StorageUpdateHandler,
  type StoreAck,
  type StoredMsg,
  StoreError,
  StoreErrorCode,
  type StoreLimits,
  type StreamState,
  type StreamStore,
} from "./types.ts";

/** Header and data of one message, as a subclass keeps them. */
export interface Payload {
  header: Uint8Array | null;
  data: Uint8Array;
}

/** Shared implementation of {@link StreamStore}; subclasses persist payloads. */
export abstract class StreamCore implements StreamStore {
  protected readonly index = new SeqIndex();
  protected readonly subjects = new SubjectTable();
  protected limits: StoreLimits;
  protected msgs = 0;
  protected bytes = 0;
  protected firstSeq = 1;
  protected firstTs = 0n;
  protected lastSeq = 0;
  protected lastTs = 0n;
  protected consumers = 0;
  protected closed = false;
  #onUpdate: StorageUpdateHandler | null = null;

  constructor(limits: StoreLimits) {
    this.limits = { ...limits };
  }

  /** Bytes accounted for a message (memStoreMsgSize or fileStoreMsgSize). */
  protected abstract msgSize(subjectLen: number, headerLen: number, dataLen: number): number;
  /**
   * Discard new at a per-subject limit replaces the subject's oldest message only when it frees
   * enough bytes: memstore errors when that size is `<` the new payload, filestore when `<=`.
   */
  protected abstract readonly replaceNeedsLarger: boolean;
  /** Persists a message; the index entry for `seq` is set afterwards by the core. */
  protected abstract persistMsg(
    seq: number,
    subject: SubjectEntry | null,
    header: Uint8Array | null,
    data: Uint8Array,
    ts: bigint,
  ): void;
  /** Resolves when everything persisted so far reached the OS. */
  protected abstract persisted(): Promise<void>;
  /** The payload at `seq`; with `borrow` it may be views of the store's buffers (no copy). */
  protected abstract readPayload(seq: number, borrow?: boolean): Payload;
  /** The message at `seq` is being removed (still in the index); `secure` overwrites it. */
  protected abstract persistRemove(seq: number, secure: boolean): void;
  /** `seq` was used without a message. */
  protected abstract persistSkip(seq: number, ts: bigint): void;
  /** Everything below `floor` is gone (purge, compact); first/last already updated. */
  protected abstract persistFloor(floor: number, emptied: boolean): void;
  /** Everything above `seq` is gone; last already updated. */
  protected abstract persistTruncate(seq: number): void;
  abstract flush(sync?: boolean): Promise<void>;
  abstract consumerStore(name: string, config: ConsumerStoreConfig): ConsumerStore;
  abstract stop(): Promise<void>;
  abstract delete(): Promise<void>;

  registerStorageUpdates(cb: StorageUpdateHandler | null): void {
    this.#onUpdate = cb;
  }

  storeMsg(
    subject: string,
    header: Uint8Array | null,
    data: Uint8Array,
    ts: bigint,
  ): Promise<StoreAck> {
    try {
      const seq = this.storeSync(subject, header, data, 0, ts);
      return this.persisted().then(() => ({ seq, ts }));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  storeRawMsg(
    subject: string,
    header: Uint8Array | null,
    data: Uint8Array,
    seq: number,
    ts: bigint,
  ): Promise<void> {
    try {
      this.storeSync(subject, header, data, seq, ts);
      return this.persisted();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Go's `storeRawMsg`: checks, then stores, then enforces limits. Returns the sequence. */
  protected storeSync(
    subject: string,
    header: Uint8Array | null,
    data: Uint8Array,
    seq: number,
    ts: bigint,
  ): number {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    const limits = this.limits;
    const hdrLen = header?.length ?? 0;
    const payloadLen = hdrLen + data.length;
    if (limits.maxMsgSize > 0 && payloadLen > limits.maxMsgSize) {
      throw new StoreError(StoreErrorCode.MsgTooLarge);
    }
    const existing = subject.length > 0 ? this.subjects.get(subject) : undefined;
    const maxPer = limits.maxMsgsPerSubject;
    const atSubjectLimit = existing !== undefined && maxPer > 0 && existing.msgs >= maxPer;
    if (limits.discard === DiscardPolicy.New) {
      if (atSubjectLimit && limits.discardNewPerSubject) {
        throw new StoreError(StoreErrorCode.MaxMsgsPerSubject);
      }
      if (limits.maxMsgs > 0 && this.msgs >= limits.maxMsgs && !atSubjectLimit) {
        throw new StoreError(StoreErrorCode.MaxMsgs);
      }
      if (limits.maxBytes > 0 && this.bytes + payloadLen >= limits.maxBytes) {
        if (!atSubjectLimit) throw new StoreError(StoreErrorCode.MaxBytes);
        const freed = this.index.has(existing!.first) ? this.index.size(existing!.first) : 0;
        if (this.replaceNeedsLarger ? freed < payloadLen : freed <= payloadLen) {
          throw new StoreError(StoreErrorCode.MaxBytes);
        }
      }
    }
    if (seq !== this.lastSeq + 1) {
      if (seq > 0) throw new StoreError(StoreErrorCode.SequenceMismatch);
      seq = this.lastSeq + 1;
    }
    const entry = subject.length > 0 ? this.subjects.intern(subject) : null;
    const size = this.msgSize(entry?.byteLength ?? 0, hdrLen, data.length);
    if (this.msgs === 0) {
      this.index.dropBelow(seq);
      this.firstSeq = seq;
      this.firstTs = ts;
    }
    this.persistMsg(seq, entry, header, data, ts);
    this.index.set(seq, entry?.id ?? 0, size, ts, this.slotA, this.slotB);
    this.msgs++;
    this.bytes += size;
    this.lastSeq = seq;
    this.lastTs = ts;
    if (entry) {
      if (entry.msgs === 0) entry.first = seq;
      entry.msgs++;
      entry.last = seq;
    }
    if (entry && maxPer > 0 && entry.msgs > maxPer) this.#enforcePerSubject(entry, maxPer);
    this.#enforceMsgLimit();
    this.#enforceBytesLimit();
    // Like Go, the store is reported after the removals the limits caused.
    this.#onUpdate?.(1, size, seq, subject);
    return seq;
  }

  /** Location slots a subclass sets in `persistMsg` for the index entry. */
  protected slotA = 0;
  protected slotB = 0;

  skipMsg(ts: bigint): number {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    const seq = this.lastSeq + 1;
    this.lastSeq = seq;
    this.lastTs = ts;
    if (this.msgs === 0) {
      this.firstSeq = seq + 1;
      this.firstTs = ts;
      this.index.dropBelow(seq + 1);
    }
    this.persistSkip(seq, ts);
    return seq;
  }

  loadMsg(seq: number, borrow = false): StoredMsg {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    if (!this.index.has(seq)) {
      throw new StoreError(seq <= this.lastSeq ? StoreErrorCode.MsgNotFound : StoreErrorCode.EOF);
    }
    return this.#message(seq, borrow);
  }

  #message(seq: number, borrow = false): StoredMsg {
    const id = this.index.subjectId(seq);
    const p = this.readPayload(seq, borrow);
    const subject = id === 0 ? "" : this.subjects.byId(id)!.subject;
    return { subject, header: p.header, data: p.data, seq, ts: this.index.ts(seq) };
  }

  loadLastMsg(subject: string): StoredMsg {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    let seq = 0;
    if (isAllFilter(subject)) seq = this.lastSeq;
    else {
      for (const e of this.subjects.matching(subject)) if (e.last > seq) seq = e.last;
    }
    if (seq === 0 || !this.index.has(seq)) throw new StoreError(StoreErrorCode.MsgNotFound);
    return this.#message(seq);
  }

  scanHeaders(start: number, fn: (seq: number, ts: bigint, header: Uint8Array) => void): void {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    for (let seq = Math.max(start, this.firstSeq); seq <= this.lastSeq; seq++) {
      if (!this.index.has(seq)) continue;
      const p = this.readPayload(seq, true);
      if (p.header !== null && p.header.length > 0) fn(seq, this.index.ts(seq), p.header);
    }
  }

  loadNextMsg(filter: string, wildcard: boolean, start: number, borrow = false): StoredMsg {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    if (start < this.firstSeq) start = this.firstSeq;
    if (start > this.lastSeq) throw new StoreError(StoreErrorCode.EOF);
    let seq = 0;
    if (isAllFilter(filter)) {
      seq = this.index.nextPresent(start, this.lastSeq);
    } else if (!wildcard) {
      const e = this.subjects.get(filter);
      if (e && e.last >= start) {
        seq = this.index.nextWithSubject(e.id, Math.max(start, e.first), e.last);
      }
    } else {
      seq = nextMatching(this.#view(), filter, start);
    }
    if (seq === 0) throw new StoreError(StoreErrorCode.EOF);
    return this.#message(seq, borrow);
  }

  removeMsg(seq: number): boolean {
    return this.#removeChecked(seq, false);
  }

  eraseMsg(seq: number): boolean {
    return this.#removeChecked(seq, true);
  }

  /** Go's filestore `removeMsg` errors: seq 0 or below first -> not found, past last -> EOF. */
  #removeChecked(seq: number, secure: boolean): boolean {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    if (seq > this.lastSeq) throw new StoreError(StoreErrorCode.EOF);
    if (seq === 0 || seq < this.firstSeq) throw new StoreError(StoreErrorCode.MsgNotFound);
    return this.removeOne(seq, secure);
  }

  /** Removes one present message, updating state, subjects and first; calls back. */
  protected removeOne(seq: number, secure: boolean): boolean {
    if (!this.index.has(seq)) return false;
    const id = this.index.subjectId(seq);
    const size = this.index.size(seq);
    this.persistRemove(seq, secure);
    this.index.clear(seq);
    this.msgs--;
    this.bytes -= size;
    let subject = "";
    if (id !== 0) {
      const e = this.subjects.byId(id)!;
      subject = e.subject;
      this.#removeFromSubject(e, seq);
    }
    if (seq === this.firstSeq) this.selectNextFirst();
    this.#onUpdate?.(-1, -size, seq, subject);
    return true;
  }

  /** Removes a present message from the counters without persisting or calling back. */
  protected dropSilently(seq: number): void {
    const id = this.index.subjectId(seq);
    this.msgs--;
    this.bytes -= this.index.size(seq);
    this.onDrop(seq);
    this.index.clear(seq);
    if (id !== 0) this.#removeFromSubject(this.subjects.byId(id)!, seq);
  }

  /**
   * Hook: the present message `seq` leaves the index without `persistRemove` (recovery, compact,
   * truncate); the file store keeps its per-block counts with it.
   */
  protected onDrop(_seq: number): void {}

  #removeFromSubject(e: SubjectEntry, seq: number): void {
    e.msgs--;
    if (e.msgs === 0) {
      this.subjects.release(e);
      return;
    }
    if (seq === e.last) {
      e.last = this.index.prevWithSubject(e.id, seq - 1, e.first) || e.first;
      return;
    }
    if (seq !== e.first) return;
    if (e.msgs === 1) {
      e.first = e.last;
      return;
    }
    e.first = this.index.nextWithSubject(e.id, seq + 1, e.last) || e.last;
  }

  /** First becomes the first present message, or last + 1 when empty. */
  protected selectNextFirst(): void {
    const next = this.msgs > 0 ? this.index.nextPresent(this.firstSeq, this.lastSeq) : 0;
    if (next > 0) {
      this.firstSeq = next;
      this.firstTs = this.index.ts(next);
    } else {
      this.firstSeq = this.lastSeq + 1;
      this.firstTs = 0n;
    }
    this.index.dropBelow(this.firstSeq);
  }

  #enforcePerSubject(e: SubjectEntry, maxPer: number): void {
    while (e.msgs > maxPer) {
      if (!this.removeOne(e.first, false)) break;
    }
  }

  #enforceMsgLimit(): void {
    const max = this.limits.maxMsgs;
    if (max <= 0) return;
    while (this.msgs > max) if (!this.removeOne(this.firstSeq, false)) break;
  }

  #enforceBytesLimit(): void {
    const max = this.limits.maxBytes;
    if (max <= 0) return;
    while (this.bytes > max) if (!this.removeOne(this.firstSeq, false)) break;
  }

  /**
   * New limits (Go's `UpdateConfig`): enforces max_msgs and max_bytes (removing the oldest), and a
   * lowered or newly set max_msgs_per_subject. Age is enforced by the next `expireMsgs(now)`.
   */
  updateConfig(limits: StoreLimits): void {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    const oldPer = this.limits.maxMsgsPerSubject;
    this.limits = { ...limits };
    this.onConfig();
    this.#enforceMsgLimit();
    this.#enforceBytesLimit();
    const maxPer = limits.maxMsgsPerSubject;
    if (maxPer > 0 && (oldPer <= 0 || maxPer < oldPer)) {
      for (const e of [...this.subjects.values()]) {
        if (e.msgs > maxPer) this.#enforcePerSubject(e, maxPer);
      }
    }
  }

  /** Hook: limits changed (the file store rewrites its metadata). */
  protected onConfig(): void {}

  expireMsgs(now: bigint): number {
    const maxAge = this.limits.maxAge;
    if (this.closed || maxAge <= 0n) return 0;
    const minAge = now - maxAge;
    let removed = 0;
    while (this.msgs > 0 && this.index.ts(this.firstSeq) <= minAge) {
      if (!this.removeOne(this.firstSeq, false)) break;
      removed++;
    }
    return removed;
  }

  nextExpiry(): bigint | null {
    if (this.limits.maxAge <= 0n || this.msgs === 0) return null;
    return this.index.ts(this.firstSeq) + this.limits.maxAge;
  }

  purge(): number {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    return this.#purgeTo(this.lastSeq + 1);
  }

  /** Removes everything; the next message gets max(last + 1, floor). */
  #purgeTo(floor: number): number {
    const purged = this.msgs, bytes = this.bytes;
    this.msgs = 0;
    this.bytes = 0;
    if (floor > this.lastSeq + 1) this.lastSeq = floor - 1;
    this.firstSeq = this.lastSeq + 1;
    this.firstTs = 0n;
    this.index.reset(this.firstSeq);
    this.subjects.clear();
    this.persistFloor(this.firstSeq, true);
    this.#onUpdate?.(-purged, -bytes, 0, "");
    return purged;
  }

  purgeEx(subject: string, seq: number, keep: number): number {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    if (seq > 1 && keep > 0) throw new StoreError(StoreErrorCode.PurgeArgMismatch);
    if (isAllFilter(subject)) {
      if (keep === 0 && seq <= 1) return this.purge();
      if (seq > 1) return this.compact(seq);
      if (keep >= this.msgs) return 0;
      return this.compact(this.lastSeq - keep + 1);
    }
    const ss = this.filteredState(1, subject);
    if (ss.msgs === 0) return 0;
    let toPurge = ss.msgs;
    if (keep > 0) {
      if (keep >= ss.msgs) return 0;
      toPurge -= keep;
    }
    const last = seq > 1 ? seq - 1 : ss.last;
    const wildcard = hasWildcard(subject);
    let purged = 0;
    for (let s = ss.first; s <= last && purged < toPurge; s++) {
      const id = this.index.subjectId(s);
      if (id <= 0) continue;
      const name = this.subjects.byId(id)!.subject;
      if (wildcard ? subjectMatches(subject, name) : name === subject) {
        if (this.removeOne(s, false)) purged++;
      }
    }
    return purged;
  }

  compact(seq: number): number {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    if (seq === 0 || seq > this.lastSeq) return this.#purgeTo(seq);
    if (seq <= this.firstSeq) return 0; // nothing below it is left
    let purged = 0, bytes = 0;
    for (let s = this.index.nextPresent(this.firstSeq, seq - 1); s > 0 && s < seq;) {
      const id = this.index.subjectId(s);
      const size = this.index.size(s);
      this.onDrop(s);
      this.index.clear(s);
      purged++;
      bytes += size;
      if (id !== 0) this.#removeFromSubject(this.subjects.byId(id)!, s);
      s = this.index.nextPresent(s + 1, seq - 1);
    }
    this.msgs -= purged;
    this.bytes -= bytes;
    if (seq > this.firstSeq) {
      this.firstSeq = seq;
      this.selectNextFirst();
    }
    this.persistFloor(seq, this.msgs === 0);
    this.#onUpdate?.(-purged, -bytes, 0, "");
    return purged;
  }

  truncate(seq: number): void {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    if (!this.index.has(seq)) throw new StoreError(StoreErrorCode.InvalidSequence);
    this.#dropAbove(seq);
    this.lastTs = this.index.ts(seq);
    this.persistTruncate(seq);
  }

  /**
   * Forgets the messages after `seq` in memory only: their records never reached the files (a
   * failed write). The stream's last sequence goes back to `seq`, so the next message takes
   * the sequence again (nats-server resets `lseq` to the store's after a failed store).
   */
  protected rollbackAbove(seq: number): void {
    if (seq >= this.lastSeq) return;
    this.#dropAbove(seq);
    if (this.index.has(seq)) this.lastTs = this.index.ts(seq);
    if (this.msgs === 0) this.selectNextFirst();
  }

  /** Drops every message after `seq` from the index and the counts; last becomes `seq`. */
  #dropAbove(seq: number): void {
    let purged = 0, bytes = 0;
    for (let s = this.index.prevPresent(this.lastSeq, seq + 1); s > seq;) {
      const id = this.index.subjectId(s);
      purged++;
      bytes += this.index.size(s);
      this.onDrop(s);
      this.index.clear(s);
      if (id !== 0) {
        const e = this.subjects.byId(id)!;
        e.msgs--;
        if (e.msgs === 0) this.subjects.release(e);
        else e.last = this.index.prevWithSubject(id, s - 1, e.first) || e.first;
      }
      s = this.index.prevPresent(s - 1, seq + 1);
    }
    this.index.truncateAbove(seq);
    this.msgs -= purged;
    this.bytes -= bytes;
    this.lastSeq = seq;
    this.#onUpdate?.(-purged, -bytes, 0, "");
  }

  /** The parts of the store the queries of stream_queries.ts read. */
  #view(): StoreView {
    return {
      index: this.index,
      subjects: this.subjects,
      msgs: this.msgs,
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
    };
  }

  getSeqFromTime(ts: bigint): number {
    return seqFromTime(this.#view(), ts);
  }

  filteredState(seq: number, subject: string): SimpleState {
    return filteredState(this.#view(), seq, subject);
  }

  subjectsState(filter: string): Map<string, SimpleState> {
    const out = new Map<string, SimpleState>();
    for (const e of this.subjects.matching(filter)) out.set(e.subject, SubjectTable.simple(e));
    return out;
  }

  numPending(startSeq: number, filter: string, lastPerSubject: boolean): number {
    if (!lastPerSubject) return this.filteredState(startSeq, filter).msgs;
    let n = 0;
    for (const e of this.subjects.matching(filter)) if (e.last >= startSeq) n++;
    return n;
  }

  state(withDeleted = false): StreamState {
    const span = this.lastSeq >= this.firstSeq ? this.lastSeq - this.firstSeq + 1 : 0;
    const numDeleted = Math.max(span - this.msgs, 0);
    const st: StreamState = {
      msgs: this.msgs,
      bytes: this.bytes,
      firstSeq: this.firstSeq,
      firstTs: this.firstTs,
      lastSeq: this.lastSeq,
      lastTs: this.lastTs,
      numSubjects: this.subjects.size,
      numDeleted,
      consumerCount: this.consumers,
    };
    if (withDeleted) {
      const deleted: number[] = [];
      if (numDeleted > 0) {
        for (let s = this.firstSeq; s <= this.lastSeq; s++) if (!this.index.has(s)) deleted.push(s);
      }
      st.deleted = deleted;
    }
    return st;
  }
}
