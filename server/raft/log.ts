/**
 * @module
 * The storage behind a RAFT node: its log of append entries (nats-server keeps each stored entry
 * as the encoded append entry in a stream store, raft.go `storeToWAL`, and catch-up resends those
 * bytes), the latest snapshot, and the small durable records (term and vote, raft.go `tav.idx`;
 * peer state, `peers.idx`). {@link RaftLog} is the interface a file-backed log will implement;
 * {@link MemoryLog} is the in-memory one.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { type AppendEntry, getId, getU64, ID_LEN, putId, putU64 } from "./wire.ts";

/** One stored log entry: the append entry that carried it and its encoded bytes. */
export interface LogRecord {
  index: number;
  term: number;
  entry: AppendEntry;
  bytes: Uint8Array;
}

/** A snapshot: the state machine up to `lastIndex` (raft.go snapshot). */
export interface Snapshot {
  lastTerm: number;
  lastIndex: number;
  peerState: Uint8Array;
  data: Uint8Array;
}

/** The durable term and vote (raft.go tav.idx: u64 term then the voted id). */
export interface TermVote {
  term: number;
  vote: string;
}

/**
 * Encodes term and vote as raft.go writes `tav.idx` (writeTermVote): u64 little-endian term,
 * then the voted id (absent when there is no vote).
 */
export function encodeTermVote(tv: TermVote): Uint8Array {
  const buf = new Uint8Array(8 + (tv.vote === "" ? 0 : ID_LEN));
  putU64(buf, 0, tv.term);
  if (tv.vote !== "") putId(buf, 8, tv.vote);
  return buf;
}

/** Decodes `tav.idx` (raft.go readTermVote: shorter than 16 bytes reads as no term). */
export function decodeTermVote(buf: Uint8Array): TermVote {
  if (buf.length < 8 + ID_LEN) return { term: 0, vote: "" };
  return { term: getU64(buf, 0), vote: getId(buf, 8) };
}

/** What a RAFT node needs from its storage. Indexes start at 1; 0 means "nothing". */
export interface RaftLog {
  /** First stored index (the snapshot's lastIndex + 1 after compaction, else 1). */
  firstIndex(): number;
  /** Last stored index, or the snapshot's lastIndex when no entry follows it (0 when empty). */
  lastIndex(): number;
  /** Term of `index`: a stored entry's, the snapshot's at its lastIndex, 0 for index 0. */
  termAt(index: number): number | undefined;
  /** The stored record at `index`, if kept. */
  get(index: number): LogRecord | undefined;
  /** Appends at `lastIndex() + 1`; throws for any other index. */
  append(record: LogRecord): void;
  /** Removes every entry after `index`. */
  truncateAfter(index: number): void;
  /**
   * Stores `snapshot` and drops the entries up to its lastIndex; entries after it survive only
   * when the log holds its lastIndex with its lastTerm (otherwise the log restarts after it).
   * A snapshot older than the current one is ignored.
   */
  installSnapshot(snapshot: Snapshot): void;
  /** The latest snapshot. */
  snapshot(): Snapshot | undefined;
  /** Records term and vote durably. */
  saveTermVote(termVote: TermVote): void;
  /** The recorded term and vote. */
  termVote(): TermVote | undefined;
  /** Records the encoded peer state durably. */
  savePeerState(bytes: Uint8Array): void;
  /** The recorded peer state. */
  peerState(): Uint8Array | undefined;
}

/**
 * The in-memory log (for tests and memory-storage groups).
 *
 * @example
 * ```ts
 * import { MemoryLog } from "./log.ts";
 * const log = new MemoryLog();
 * if (log.lastIndex() !== 0 || log.termAt(0) !== 0) throw new Error();
 * ```
 */
export class MemoryLog implements RaftLog {
  #records: LogRecord[] = [];
  /** Index of the entry before `#records[0]`. */
  #base = 0;
  #baseTerm = 0;
  #snapshot: Snapshot | undefined;
  #termVote: TermVote | undefined;
  #peerState: Uint8Array | undefined;

  firstIndex(): number {
    return this.#base + 1;
  }

  lastIndex(): number {
    return this.#base + this.#records.length;
  }

  termAt(index: number): number | undefined {
    if (index === this.#base) return this.#baseTerm;
    return this.get(index)?.term;
  }

  get(index: number): LogRecord | undefined {
    if (index <= this.#base) return undefined;
    return this.#records[index - this.#base - 1];
  }

  append(record: LogRecord): void {
    if (record.index !== this.lastIndex() + 1) {
      throw new Error(`raft log: append at ${record.index}, expected ${this.lastIndex() + 1}`);
    }
    this.#records.push(record);
  }

  truncateAfter(index: number): void {
    if (index < this.#base) throw new Error(`raft log: truncate below snapshot at ${this.#base}`);
    this.#records.length = Math.min(this.#records.length, index - this.#base);
  }

  installSnapshot(snapshot: Snapshot): void {
    if (snapshot.lastIndex < this.#base) return;
    const keep = snapshot.lastIndex - this.#base;
    this.#records = keep >= this.#records.length ||
        this.termAt(snapshot.lastIndex) !== snapshot.lastTerm
      ? []
      : this.#records.slice(keep);
    this.#base = snapshot.lastIndex;
    this.#baseTerm = snapshot.lastTerm;
    this.#snapshot = snapshot;
  }

  snapshot(): Snapshot | undefined {
    return this.#snapshot;
  }

  saveTermVote(termVote: TermVote): void {
    this.#termVote = { ...termVote };
  }

  termVote(): TermVote | undefined {
    return this.#termVote;
  }

  savePeerState(bytes: Uint8Array): void {
    this.#peerState = bytes.slice();
  }

  peerState(): Uint8Array | undefined {
    return this.#peerState;
  }
}
