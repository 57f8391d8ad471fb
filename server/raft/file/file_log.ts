/**
 * @module
 * {@link FileLog}: a {@link RaftLog} kept in a directory, with nats-server's file names where a
 * file has the same role (raft.go): `msgs/` holds the write-ahead log (our own segment format,
 * record.ts), `tav.idx` the term and vote, `peers.idx` the peer state and
 * `snapshots/snap.<term>.<index>` the latest snapshot (snapshot_file.ts).
 *
 * Durability (what RAFT needs before it answers):
 * - `saveTermVote` and `savePeerState` replace their file with temp file + fsync + rename +
 *   directory fsync before returning, so a vote is on disk before it is granted (raft.go writes
 *   `tav.idx` from a background goroutine without fsync; we are stricter).
 * - `append` writes the record with one unbuffered write before returning (it survives a crash
 *   of the process, like raft.go's WAL with AsyncFlush false) and fsyncs it when `syncAppends`
 *   is on (the default), so an entry is on disk before it is acknowledged; with it off, call
 *   {@link FileLog.sync} before sending acknowledgements, or rely on the OS as nats-server does
 *   between its `SyncInterval` fsyncs.
 * - `truncateAfter` cuts the segment file and fsyncs it before returning (a cut suffix must not
 *   come back after a crash); later segments are removed.
 * - `installSnapshot` writes the snapshot durably first, then drops the records it covers:
 *   whole segments whose records are all covered are deleted, and a new segment is started so
 *   the current one can go at the next snapshot.
 *
 * Recovery on open (segments.ts): the newest valid snapshot is loaded, every segment is scanned
 * and the first torn, corrupt or out-of-order record cuts the log there (nats-server truncates
 * at the first bad record), and records that cannot be joined to the snapshot are dropped.
 *
 * Entries are read back from disk on `get` (checked against their CRC) through a small cache;
 * terms and offsets of every entry stay in memory.
 * Runs in the isolate that owns the RAFT group (sync Deno file APIs).
 */
import {
  decodeTermVote,
  encodeTermVote,
  type LogRecord,
  type RaftLog,
  type Snapshot,
  type TermVote,
} from "../log.ts";
import { decodeAppendEntry, getU64 } from "../wire.ts";
import { readOptional, syncDir, writeAll, writeDurable } from "./durable.ts";
import { encodeRecord, RECORD_HEADER_LEN, scanRecords } from "./record.ts";
import {
  type Located,
  MSGS_DIR,
  recoverSegments,
  type RecoveryReport,
  Segment,
} from "./segments.ts";
import { loadSnapshot, SNAPSHOTS_DIR, writeSnapshot } from "./snapshot_file.ts";

/** The term and vote file (raft.go termVoteFile). */
export const TERM_VOTE_FILE = "tav.idx";
/** The peer state file (raft.go peerStateFile). */
export const PEER_STATE_FILE = "peers.idx";

/** FileLog tuning. */
export interface FileLogOptions {
  /** fsync every append before it returns (default true). */
  syncAppends?: boolean;
  /** Start a new segment once the current one reaches this many bytes (default 8 MiB). */
  segmentBytes?: number;
  /** Entries kept in the read cache (default 256). */
  cacheEntries?: number;
}

/**
 * A RAFT log in a directory.
 *
 * @example
 * ```ts
 * import { FileLog } from "./file_log.ts";
 * const dir = Deno.makeTempDirSync();
 * const log = new FileLog(dir);
 * log.saveTermVote({ term: 2, vote: "VOTER001" });
 * log.close();
 * const again = new FileLog(dir);
 * if (again.termVote()?.term !== 2) throw new Error();
 * again.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export class FileLog implements RaftLog {
  readonly dir: string;
  /** What recovery found when the log was opened. */
  readonly recovery: RecoveryReport;
  #syncAppends: boolean;
  #segmentBytes: number;
  #cacheEntries: number;
  #segments: Segment[];
  #nextSegmentId: number;
  /** Entries base + 1 ... in order. */
  #entries: Located[];
  #base: number;
  #baseTerm: number;
  #snapshot: Snapshot | undefined;
  #termVote: TermVote | undefined;
  #peerState: Uint8Array | undefined;
  #cache = new Map<number, LogRecord>();
  #closed = false;
  /** A segment was started since the last `sync()` (with `syncAppends` off). */
  #newSegmentUnsynced = false;

  constructor(dir: string, options: FileLogOptions = {}) {
    this.dir = dir;
    this.#syncAppends = options.syncAppends ?? true;
    this.#segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
    this.#cacheEntries = options.cacheEntries ?? 256;
    Deno.mkdirSync(`${dir}/${MSGS_DIR}`, { recursive: true });
    Deno.mkdirSync(`${dir}/${SNAPSHOTS_DIR}`, { recursive: true });
    const tv = readOptional(`${dir}/${TERM_VOTE_FILE}`);
    if (tv) this.#termVote = readTermVote(tv);
    this.#peerState = readOptional(`${dir}/${PEER_STATE_FILE}`);
    this.#snapshot = loadSnapshot(dir);
    this.#base = this.#snapshot?.lastIndex ?? 0;
    this.#baseTerm = this.#snapshot?.lastTerm ?? 0;
    const recovered = recoverSegments(dir, this.#base, this.#baseTerm);
    this.recovery = recovered.report;
    this.#segments = recovered.segments;
    this.#entries = recovered.entries;
    this.#nextSegmentId = recovered.nextId;
    if (this.#segments.length === 0) this.#startSegment();
  }

  firstIndex(): number {
    return this.#base + 1;
  }

  lastIndex(): number {
    return this.#base + this.#entries.length;
  }

  termAt(index: number): number | undefined {
    if (index === this.#base) return this.#baseTerm;
    return this.#located(index)?.term;
  }

  get(index: number): LogRecord | undefined {
    const at = this.#located(index);
    if (!at) return undefined;
    const cached = this.#cache.get(index);
    if (cached) return cached;
    const buf = at.segment.read(at.offset, at.length);
    const scan = scanRecords(buf, index - 1, 0);
    const found = scan.records[0];
    if (scan.records.length !== 1 || found.index !== index || found.term !== at.term) {
      throw new Error(`raft log: entry ${index} unreadable in ${at.segment.path}: ${scan.problem}`);
    }
    const bytes = buf.subarray(RECORD_HEADER_LEN);
    const record = { index, term: at.term, entry: decodeAppendEntry(bytes), bytes };
    this.#remember(record);
    return record;
  }

  append(record: LogRecord): void {
    this.#open();
    if (record.index !== this.lastIndex() + 1) {
      throw new Error(`raft log: append at ${record.index}, expected ${this.lastIndex() + 1}`);
    }
    // Recovery cuts a record whose term goes down; refuse to write one (RAFT never does).
    const prevTerm = this.termAt(this.lastIndex()) ?? 0;
    if (record.term < prevTerm) {
      throw new Error(`raft log: append of term ${record.term} after term ${prevTerm}`);
    }
    let segment = this.#segments[this.#segments.length - 1];
    const bytes = encodeRecord(record.index, record.term, record.bytes);
    if (segment.size > 0 && segment.size + bytes.length > this.#segmentBytes) {
      segment = this.#startSegment();
    }
    try {
      writeAll(segment.file, bytes);
      if (this.#syncAppends) segment.file.syncSync();
    } catch (e) {
      // A partial record would cut every later one at recovery: take it back.
      segment.file.truncateSync(segment.size);
      throw e;
    }
    this.#entries.push({
      index: record.index,
      term: record.term,
      segment,
      offset: segment.size,
      length: bytes.length,
    });
    segment.size += bytes.length;
    segment.lastIndex = record.index;
    this.#remember(record);
  }

  truncateAfter(index: number): void {
    this.#open();
    if (index < this.#base) throw new Error(`raft log: truncate below snapshot at ${this.#base}`);
    if (index >= this.lastIndex()) return;
    const from = this.#entries[index - this.#base];
    const k = this.#segments.indexOf(from.segment);
    for (const later of this.#segments.splice(k + 1)) later.remove();
    from.segment.cut(from.offset);
    from.segment.lastIndex = index;
    this.#entries.length = index - this.#base;
    syncDir(`${this.dir}/${MSGS_DIR}`);
    for (const i of this.#cache.keys()) if (i > index) this.#cache.delete(i);
  }

  installSnapshot(snapshot: Snapshot): void {
    this.#open();
    if (snapshot.lastIndex < this.#base) return;
    const snap = {
      ...snapshot,
      peerState: snapshot.peerState.slice(),
      data: snapshot.data.slice(),
    };
    writeSnapshot(this.dir, snap);
    const keep = snap.lastIndex - this.#base;
    const joins = keep < this.#entries.length && this.termAt(snap.lastIndex) === snap.lastTerm;
    this.#entries = joins ? this.#entries.slice(keep) : [];
    this.#base = snap.lastIndex;
    this.#baseTerm = snap.lastTerm;
    this.#snapshot = snap;
    for (const i of this.#cache.keys()) if (i <= this.#base || !joins) this.#cache.delete(i);
    // Segments with nothing after the snapshot go (an empty current one may stay); the next
    // records start a new segment, so the current one can go at the next snapshot.
    const last = this.#segments[this.#segments.length - 1];
    const needed = this.#segments.filter((s) =>
      (joins && s.lastIndex > this.#base) || (s === last && s.size === 0)
    );
    const gone = this.#segments.filter((s) => !needed.includes(s));
    for (const s of gone) s.remove();
    this.#segments = needed;
    if (gone.length > 0) syncDir(`${this.dir}/${MSGS_DIR}`);
    this.#startSegment();
  }

  snapshot(): Snapshot | undefined {
    return this.#snapshot;
  }

  saveTermVote(termVote: TermVote): void {
    this.#open();
    const tv = this.#termVote;
    if (tv && tv.term === termVote.term && tv.vote === termVote.vote) return;
    writeDurable(`${this.dir}/${TERM_VOTE_FILE}`, encodeTermVote(termVote));
    this.#termVote = { term: termVote.term, vote: termVote.vote };
  }

  termVote(): TermVote | undefined {
    return this.#termVote;
  }

  savePeerState(bytes: Uint8Array): void {
    this.#open();
    const copy = bytes.slice();
    writeDurable(`${this.dir}/${PEER_STATE_FILE}`, copy);
    this.#peerState = copy;
  }

  peerState(): Uint8Array | undefined {
    return this.#peerState;
  }

  /** fsyncs the current segment (for `syncAppends: false`: call before acknowledging). */
  sync(): void {
    this.#open();
    if (this.#newSegmentUnsynced) {
      for (const s of this.#segments) s.file.syncSync();
      syncDir(`${this.dir}/${MSGS_DIR}`);
      this.#newSegmentUnsynced = false;
    } else this.#segments[this.#segments.length - 1].file.syncSync();
  }

  /** Closes the files; the log must not be used after. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#segments) s.close();
    this.#cache.clear();
  }

  /** Segment files in use (for tests and monitoring). */
  segmentFiles(): string[] {
    return this.#segments.map((s) => s.path);
  }

  #located(index: number): Located | undefined {
    if (index <= this.#base) return undefined;
    return this.#entries[index - this.#base - 1];
  }

  #startSegment(): Segment {
    const current = this.#segments[this.#segments.length - 1];
    if (current && current.size === 0) return current;
    const segment = new Segment(this.dir, this.#nextSegmentId++);
    segment.create();
    // The new file's name must be durable before records in it are acknowledged.
    if (this.#syncAppends) syncDir(`${this.dir}/${MSGS_DIR}`);
    else this.#newSegmentUnsynced = true;
    this.#segments.push(segment);
    return segment;
  }

  #remember(record: LogRecord): void {
    if (this.#cacheEntries <= 0) return;
    this.#cache.set(record.index, record);
    if (this.#cache.size > this.#cacheEntries) {
      this.#cache.delete(this.#cache.keys().next().value!);
    }
  }

  #open(): void {
    if (this.#closed) throw new Error(`raft log: ${this.dir} is closed`);
  }
}

/**
 * Reads `tav.idx`: a u64 term, then the voted id when there is one. Unlike raft.go
 * readTermVote (which reads a file shorter than 16 bytes as no term at all), a term saved
 * without a vote is kept: RAFT needs the current term durable whether or not we voted.
 */
function readTermVote(buf: Uint8Array): TermVote {
  if (buf.length >= 16) return decodeTermVote(buf);
  return { term: buf.length >= 8 ? getU64(buf, 0) : 0, vote: "" };
}
