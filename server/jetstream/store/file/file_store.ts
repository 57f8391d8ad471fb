/**
 * @module
 * The file stream store (behaviour of nats-server 2.9.10 `server/filestore.go`; our own on-disk
 * format, documented in record_codec.ts): the shared semantics of stream_core.ts with messages in
 * append-only block files. Sizes are `fileStoreMsgSize`. Runs in the isolate that owns the stream.
 *
 * ## Directory
 *
 * `<dir>/meta.json` (limits), `<dir>/blk/NNNNNNNN.blk` (blocks, ascending), `<dir>/obs/<name>.state`
 * (consumer states), `<dir>/index.snap` (only between a clean stop and the next open). The last
 * block is the active one (active_block.ts); it rolls once it reaches `blockSize`.
 *
 * ## IO and durability
 *
 * All IO is synchronous (Deno `*Sync` calls), chosen for PubAck latency: an async Deno file call
 * costs a promise and a hop to the blocking thread pool per syscall, while the store needs only
 * one `write` per turn; the whole active block is kept in memory, so reads of recent messages
 * never touch the disk and sealed blocks are read through small windows (block_reader.ts). `storeMsg` appends the record
 * to the in-memory tail and returns a promise; every record appended in the same synchronous run
 * is written with ONE `write` in a microtask (group commit), and the promises resolve only after
 * that write returned: when a `storeMsg` promise resolves, the record is in the OS. `syncInterval`
 * is `"always"` (fsync after every group write, before the promises resolve) or milliseconds
 * between fsyncs of the active block (a timer; 0 = only on flush(true)/stop). Removals append a
 * DELETE record in the same way (their durability is the next group write).
 *
 * ## Deletes and compaction
 *
 * A removed message gets a DELETE record (tombstone) in the active block; a secure erase also
 * overwrites the message's record in place. A block other than the active one whose live
 * messages account for less than half its bytes is rewritten (live records, its still-needed
 * tombstones, a fresh BASE) to a temporary file and renamed over; the first block is deleted once
 * it holds no live message. Tombstones only ever refer to earlier or the same block, so dropping
 * leading blocks never resurrects a message.
 *
 * ## Recovery
 *
 * A clean stop writes `index.snap` (index_snapshot.ts); the next open consumes (deletes) it and
 * uses it when the block files are exactly the ones it lists with the sizes it lists and every
 * record of the last block verifies. Otherwise (a crash, or any doubt) open reads every block,
 * verifies each record's CRC-32 and replays records in order; the first record that is torn or
 * fails its checksum ends its block and the file is cut there (the messages fully written before
 * it survive). It never throws on bad data. Reads verify each record's checksum again.
 */

import {
  type Block,
  blockPath,
  listBlockIds,
  newBlock,
  readFileOrNull,
  readMeta,
  writeAll,
  writeFileAtomic,
} from "./file_block.ts";
import { ActiveBlock } from "./active_block.ts";
import { BlockReader } from "./block_reader.ts";
import { scanBlockHeaders } from "./header_scan.ts";
import { rewriteBlock } from "./block_rewrite.ts";
import { blockFromSnapshot, blockToSnapshot, validSnapshotFiles } from "./snapshot_files.ts";
import { FileConsumerStore } from "./file_consumer_store.ts";
import {
  eraseRecordInPlace,
  floorBytes,
  readFloor,
  RecordKind,
  recordLength,
  RecordScanner,
} from "../record_codec.ts";
import { decodeIndexSnapshot, encodeIndexSnapshot, type IndexSnapshot } from "../index_snapshot.ts";
import { type Payload, StreamCore } from "../stream_core.ts";
import { SubjectDecoder, type SubjectEntry } from "../subject_table.ts";
import {
  type ConsumerStore,
  type ConsumerStoreConfig,
  defaultLimits,
  fileStoreMsgSize,
  StoreError,
  StoreErrorCode,
  type StoreLimits,
} from "../types.ts";

/** Options of {@link FileStore.open}. */
export interface FileStoreOptions {
  /** The stream's directory (created when missing). */
  dir: string;
  /** Roll the active block once it holds this many bytes. Default 8 MiB. */
  blockSize?: number;
  /** fsync policy: "always", or ms between fsyncs (default 120000, Go's 2m; 0 = no timer). */
  syncInterval?: number | "always";
  /** Limits; default: those saved in meta.json, else unlimited. */
  limits?: StoreLimits;
}

const DEFAULT_BLOCK_SIZE = 8 * 1024 * 1024;
/** The index snapshot written at a clean stop (index_snapshot.ts). */
const SNAPSHOT = "index.snap";
const encoder = new TextEncoder();

/** A stream store in block files. */
export class FileStore extends StreamCore {
  protected readonly replaceNeedsLarger = false;
  readonly dir: string;
  readonly #blockDir: string;
  readonly #consumerDir: string;
  readonly #blockSize: number;
  readonly #syncAlways: boolean;
  #syncTimer: ReturnType<typeof setInterval> | undefined;
  #blocks: Block[] = [];
  #blockById = new Map<number, Block>();
  #active!: Block;
  #writer: ActiveBlock | null = null;
  #recovering = false;
  #reader = new BlockReader();
  /** The scanner of the last record buffer read (see #scannerOf). */
  #scanner: RecordScanner | null = null;
  #subjectBytes = new Map<string, Uint8Array>();
  #subjects = new SubjectDecoder();
  #compactCandidates = new Set<Block>();
  #compactScheduled = false;
  #consumerStores = new Set<FileConsumerStore>();
  /** meta.json as last written or read. */
  #metaJson = "";

  private constructor(options: FileStoreOptions, limits: StoreLimits) {
    super(limits);
    this.dir = options.dir;
    this.#blockDir = `${options.dir}/blk`;
    this.#consumerDir = `${options.dir}/obs`;
    this.#blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.#syncAlways = options.syncInterval === "always";
  }

  /**
   * Opens (recovering) or creates the store in `options.dir`.
   *
   * @example
   * ```ts
   * import { FileStore } from "./file_store.ts";
   * import assert from "node:assert";
   * const dir = Deno.makeTempDirSync();
   * const store = FileStore.open({ dir });
   * await store.storeMsg("a", null, new Uint8Array(3), 1n);
   * await store.stop();
   * const again = FileStore.open({ dir });
   * assert.equal(again.state().msgs, 1);
   * await again.delete();
   * ```
   */
  static open(options: FileStoreOptions): FileStore {
    Deno.mkdirSync(`${options.dir}/blk`, { recursive: true });
    Deno.mkdirSync(`${options.dir}/obs`, { recursive: true });
    const saved = readMeta(`${options.dir}/meta.json`);
    const store = new FileStore(options, options.limits ?? saved?.limits ?? defaultLimits());
    store.#metaJson = saved?.json ?? "";
    store.#recover();
    store.#writeMeta();
    store.updateConfig(store.limits);
    store.#writer!.writePending();
    const interval = options.syncInterval ?? 120_000;
    if (typeof interval === "number" && interval > 0) {
      const timer = setInterval(() => store.#syncNow(), interval);
      Deno.unrefTimer(timer);
      store.#syncTimer = timer;
    }
    return store;
  }

  protected msgSize(subjectLen: number, headerLen: number, dataLen: number): number {
    return fileStoreMsgSize(subjectLen, headerLen, dataLen);
  }

  // ---- recovery ----

  #recover(): void {
    const snapPath = `${this.dir}/${SNAPSHOT}`;
    const snapBytes = readFileOrNull(snapPath);
    if (snapBytes) {
      // Consumed now: a crash from here on must not find a stale snapshot.
      try {
        Deno.removeSync(snapPath);
      } catch {
        // already gone
      }
      const snap = decodeIndexSnapshot(snapBytes);
      const lastContent = snap ? validSnapshotFiles(this.#blockDir, snap) : null;
      if (snap && lastContent) {
        this.#restoreSnapshot(snap);
        const last = this.#blocks.at(-1);
        if (last) this.#activate(last, lastContent);
        else this.#startBlock(1);
        return;
      }
    }
    this.#replayAll();
  }

  #restoreSnapshot(snap: IndexSnapshot): void {
    this.msgs = snap.msgs;
    this.bytes = snap.bytes;
    this.firstSeq = snap.firstSeq;
    this.firstTs = snap.firstTs;
    this.lastSeq = snap.lastSeq;
    this.lastTs = snap.lastTs;
    this.index.restore(snap.columns);
    this.subjects.restore(snap.subjects);
    for (const saved of snap.blocks) this.#addBlock(blockFromSnapshot(saved, this.#blockDir));
  }

  #snapshot(): IndexSnapshot {
    return {
      msgs: this.msgs,
      bytes: this.bytes,
      firstSeq: this.firstSeq,
      firstTs: this.firstTs,
      lastSeq: this.lastSeq,
      lastTs: this.lastTs,
      blocks: this.#blocks.map(blockToSnapshot),
      subjects: [...this.subjects.values()],
      columns: this.index.columns(),
    };
  }

  /** Rebuilds everything by replaying every block (after a crash, or without a snapshot). */
  #replayAll(): void {
    this.#recovering = true;
    for (const id of listBlockIds(this.#blockDir)) {
      const block = newBlock(id, this.#blockDir, 0, 0n);
      const buf = readFileOrNull(block.path) ?? new Uint8Array(0);
      block.bytes = this.#replay(block, buf);
      if (block.bytes < buf.length) {
        try {
          Deno.truncateSync(block.path, block.bytes);
        } catch {
          // Unwritable: the bytes past the cut are ignored anyway.
        }
      }
      this.#addBlock(block);
    }
    this.#recountBlocks();
    this.#recovering = false;
    const last = this.#blocks.at(-1);
    if (last) this.#activate(last, readFileOrNull(last.path)?.subarray(0, last.bytes));
    else this.#startBlock(1);
    this.#dropEmptyLeadingBlocks();
  }

  /** Applies the records of `buf`; returns the length of its valid prefix. */
  #replay(block: Block, buf: Uint8Array): number {
    const r = new RecordScanner(buf);
    let at = 0;
    while (at < buf.length) {
      const n = r.read(at, buf.length);
      if (typeof n === "string") break;
      switch (r.kind) {
        case RecordKind.Base:
          block.baseLastSeq = r.seq;
          block.baseLastTs = r.ts();
          this.recoverLast(r.seq, block.baseLastTs);
          this.recoverFloor(readFloor(buf.subarray(r.dataStart, r.dataStart + r.dataLength)));
          break;
        case RecordKind.Msg: {
          if (r.seq <= this.lastSeq) break;
          const subject = this.#subjects.decode(buf, r.subjectStart, r.subjectLength);
          this.slotA = block.id;
          this.slotB = at;
          this.recoverMsg(
            r.seq,
            subject,
            fileStoreMsgSize(r.subjectLength, r.headerLength, r.dataLength),
            r.ts(),
          );
          if (block.firstMsgSeq === 0) block.firstMsgSeq = r.seq;
          block.lastMsgSeq = r.seq;
          break;
        }
        case RecordKind.Erased:
          this.recoverLast(r.seq, r.ts());
          break;
        case RecordKind.Skip:
          this.recoverLast(r.seq, r.ts(), true);
          break;
        case RecordKind.Delete:
          block.tombstones.add(r.seq);
          this.recoverDelete(r.seq);
          break;
        case RecordKind.Floor:
          this.recoverFloor(r.seq);
          break;
      }
      at += n;
    }
    return at;
  }

  /** Recomputes live counts of every block from the index. */
  #recountBlocks(): void {
    for (const b of this.#blocks) {
      b.liveMsgs = 0;
      b.liveBytes = 0;
    }
    if (this.msgs === 0) return;
    for (
      let s = this.firstSeq;
      s > 0 && s <= this.lastSeq;
      s = this.index.nextPresent(s + 1, this.lastSeq)
    ) {
      if (!this.index.has(s)) continue;
      const b = this.#blockById.get(this.index.slotA(s));
      if (!b) continue;
      b.liveMsgs++;
      b.liveBytes += this.index.size(s);
      if (s === this.lastSeq) break;
    }
  }

  // ---- blocks ----

  #addBlock(b: Block): void {
    this.#blocks.push(b);
    this.#blockById.set(b.id, b);
  }

  #removeBlockFile(b: Block): void {
    this.#blockById.delete(b.id);
    this.#reader.invalidate(b.id);
    this.#compactCandidates.delete(b);
    try {
      Deno.removeSync(b.path);
    } catch {
      // already gone
    }
  }

  /** Makes `b` the active block; `content` is its valid bytes. */
  #activate(b: Block, content: Uint8Array | undefined): void {
    const capacity = this.#writer?.capacity;
    this.#writer?.close();
    this.#active = b;
    this.#reader.invalidate(b.id);
    this.#writer = new ActiveBlock(b, content ?? new Uint8Array(0), this.#syncAlways, capacity);
    if (b.bytes === 0) this.#appendBase(b);
  }

  /** Starts block `id` as the active block, with a BASE record. */
  #startBlock(id: number): void {
    const b = newBlock(id, this.#blockDir, this.lastSeq, this.lastTs);
    try {
      Deno.removeSync(b.path);
    } catch {
      // fresh
    }
    this.#addBlock(b);
    this.#activate(b, undefined);
  }

  #appendBase(b: Block): void {
    b.baseLastSeq = this.lastSeq;
    b.baseLastTs = this.lastTs;
    this.#append(RecordKind.Base, this.lastSeq, this.lastTs, null, null, floorBytes(this.firstSeq));
  }

  /** Appends a record to the active block (rolling to a new one when full); returns its offset. */
  #append(
    kind: RecordKind,
    seq: number,
    ts: bigint,
    subject: Uint8Array | null,
    header: Uint8Array | null,
    data: Uint8Array | null,
  ): number {
    const len = recordLength(subject?.length ?? 0, header?.length ?? 0, data?.length ?? 0);
    if (
      kind !== RecordKind.Base && this.#active.bytes + len > this.#blockSize &&
      this.#active.bytes > 64
    ) {
      this.#roll();
    }
    const at = this.#writer!.append(kind, seq, ts, subject, header, data);
    if (!this.#recovering) this.#writer!.schedule();
    return at;
  }

  #roll(): void {
    const old = this.#active;
    this.#writer!.writePending();
    this.#writer!.sync();
    this.#startBlock(old.id + 1);
    this.#maybeCompact(old);
  }

  protected persisted(): Promise<void> {
    return this.#writer!.pending();
  }

  #syncNow(): void {
    if (this.closed) return;
    try {
      this.#writer?.writePending();
      this.#writer?.sync();
      for (const c of this.#consumerStores) c.flush();
    } catch {
      // Reported by the next write.
    }
  }

  #subjectBytesOf(subject: string): Uint8Array {
    let b = this.#subjectBytes.get(subject);
    if (!b) {
      if (this.#subjectBytes.size > 4096) this.#subjectBytes.clear();
      b = encoder.encode(subject);
      this.#subjectBytes.set(subject, b);
    }
    return b;
  }

  protected persistMsg(
    seq: number,
    subject: SubjectEntry | null,
    header: Uint8Array | null,
    data: Uint8Array,
    ts: bigint,
  ): void {
    const subj = subject ? this.#subjectBytesOf(subject.subject) : null;
    const hdr = header && header.length > 0 ? header : null;
    const at = this.#append(RecordKind.Msg, seq, ts, subj, hdr, data);
    const b = this.#active;
    if (b.firstMsgSeq === 0) b.firstMsgSeq = seq;
    b.lastMsgSeq = seq;
    b.liveMsgs++;
    b.liveBytes += fileStoreMsgSize(subj?.length ?? 0, hdr?.length ?? 0, data.length);
    this.slotA = b.id;
    this.slotB = at;
  }

  // ---- reading ----

  /** The whole content of `b` (the active block from memory). */
  #blockBuffer(b: Block): Uint8Array {
    if (b === this.#active) return this.#writer!.content();
    return readFileOrNull(b.path)?.subarray(0, b.bytes) ?? new Uint8Array(0);
  }

  /** Where the record at `at` of block `b` is in memory. */
  #recordBytes(b: Block, at: number): { buf: Uint8Array; offset: number } | null {
    if (b === this.#active) return { buf: this.#writer!.content(), offset: at };
    return this.#reader.read(b.id, b.path, b.bytes, at);
  }

  protected readPayload(seq: number, borrow = false): Payload {
    const b = this.#blockById.get(this.index.slotA(seq));
    const where = b ? this.#recordBytes(b, this.index.slotB(seq)) : null;
    // Records of the active block are our own bytes in memory; those read from disk are verified.
    const verify = b !== this.#active;
    const r = where ? this.#scannerOf(where.buf) : null;
    if (
      !r || typeof r.read(where!.offset, where!.buf.length, verify) === "string" ||
      r.seq !== seq || r.kind !== RecordKind.Msg
    ) {
      throw new StoreError(StoreErrorCode.Corrupt, `message ${seq}`);
    }
    const buf = where!.buf;
    const header = r.headerLength > 0 ? buf.subarray(r.headerStart, r.dataStart) : null;
    const data = buf.subarray(r.dataStart, r.dataStart + r.dataLength);
    // Borrowed: views of the block bytes (no allocation per delivery); otherwise copies.
    if (borrow) return { header, data };
    return { header: header ? header.slice() : null, data: data.slice() };
  }

  /** A scanner of `buf`: the last one when it is the same bytes (a reader going in order). */
  #scannerOf(buf: Uint8Array): RecordScanner {
    const last = this.#scanner;
    if (
      last !== null && last.buf.buffer === buf.buffer && last.buf.byteOffset === buf.byteOffset &&
      last.buf.byteLength === buf.byteLength
    ) return last;
    return this.#scanner = new RecordScanner(buf);
  }

  override scanHeaders(start: number, fn: (seq: number, ts: bigint, header: Uint8Array) => void) {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    const index = this.index;
    for (const b of this.#blocks) {
      if (b.liveMsgs === 0 || b.lastMsgSeq < start) continue;
      const live = (seq: number, at: number) =>
        index.has(seq) && index.slotA(seq) === b.id && index.slotB(seq) === at;
      scanBlockHeaders(this.#blockBuffer(b), start, live, fn);
    }
  }

  // ---- removals ----

  protected persistRemove(seq: number, secure: boolean): void {
    const b = this.#blockById.get(this.index.slotA(seq));
    if (b) {
      b.liveMsgs--;
      b.liveBytes -= this.index.size(seq);
      if (secure) this.#eraseInPlace(b, this.index.slotB(seq));
    }
    this.#append(RecordKind.Delete, seq, 0n, null, null, null);
    this.#active.tombstones.add(seq);
    if (b && b !== this.#active) this.#noteCompaction(b);
  }

  #eraseInPlace(b: Block, at: number): void {
    const where = this.#recordBytes(b, at);
    if (!where) return;
    const len = new DataView(where.buf.buffer, where.buf.byteOffset + where.offset, 4)
      .getUint32(0, true);
    if (b === this.#active) {
      this.#writer!.eraseAt(at);
      return;
    }
    const record = where.buf.slice(where.offset, where.offset + len);
    eraseRecordInPlace(record, 0);
    this.#reader.invalidate(b.id);
    const f = Deno.openSync(b.path, { write: true });
    try {
      f.seekSync(at, Deno.SeekMode.Start);
      writeAll(f, record);
    } finally {
      f.close();
    }
  }

  protected persistSkip(seq: number, ts: bigint): void {
    this.#append(RecordKind.Skip, seq, ts, null, null, null);
  }

  protected persistFloor(floor: number, emptied: boolean): void {
    if (this.#recovering) return;
    if (emptied) {
      this.#writer!.writePending();
      const old = this.#blocks;
      this.#blocks = [];
      this.#startBlock(old.at(-1)!.id + 1);
      for (const b of old) this.#removeBlockFile(b);
      return;
    }
    this.#append(RecordKind.Floor, floor, 0n, null, null, null);
    this.#recountBlocks();
    this.#dropEmptyLeadingBlocks();
    if (this.#blocks[0] !== this.#active) this.#noteCompaction(this.#blocks[0]);
  }

  protected persistTruncate(seq: number): void {
    const target = this.#blockById.get(this.index.slotA(seq))!;
    this.#writer!.writePending();
    const content = this.#rewriteContent(target, seq, true);
    for (const b of this.#blocks.filter((b) => b.id > target.id)) this.#removeBlockFile(b);
    this.#blocks = this.#blocks.filter((b) => b.id <= target.id);
    this.#writer!.close();
    this.#writer = null;
    writeFileAtomic(target.path, content);
    this.#activate(target, content);
    this.#recountBlocks();
  }

  #dropEmptyLeadingBlocks(): void {
    while (this.#blocks.length > 1 && this.#blocks[0].liveMsgs === 0) {
      this.#removeBlockFile(this.#blocks.shift()!);
    }
  }

  #noteCompaction(b: Block): void {
    this.#compactCandidates.add(b);
    if (this.#compactScheduled) return;
    this.#compactScheduled = true;
    queueMicrotask(() => this.#runCompactions());
  }

  #runCompactions(): void {
    this.#compactScheduled = false;
    if (this.closed) return;
    const candidates = [...this.#compactCandidates];
    this.#compactCandidates.clear();
    this.#dropEmptyLeadingBlocks();
    for (const b of candidates) {
      if (this.#blockById.get(b.id) === b && b !== this.#active) this.#maybeCompact(b);
    }
  }

  /** Rewrites `b` when its live messages are under half its bytes and that would halve it. */
  #maybeCompact(b: Block): void {
    if (b.liveMsgs === 0 && this.#blocks[0] === b) {
      this.#dropEmptyLeadingBlocks();
      return;
    }
    const estimate = 64 + b.liveBytes + 32 * b.tombstones.size;
    if (b.liveBytes * 2 >= b.bytes || estimate * 2 > b.bytes) return;
    const content = this.#rewriteContent(b, b.lastMsgSeq, false);
    writeFileAtomic(b.path, content);
    b.bytes = content.length;
    this.#reader.invalidate(b.id);
  }

  /** The rewritten content of `b` (block_rewrite.ts); moves the index offsets of its messages. */
  #rewriteContent(b: Block, upTo: number, allTombstones: boolean): Uint8Array {
    return rewriteBlock(b, this.#blockBuffer(b), this.index, this.firstSeq, upTo, allTombstones);
  }

  // ---- lifecycle ----

  protected override onConfig(): void {
    if (!this.#recovering && this.#writer) this.#writeMeta();
  }

  #writeMeta(): void {
    const l = this.limits;
    const json = JSON.stringify({ ...l, maxAge: l.maxAge.toString() });
    if (json === this.#metaJson) return;
    writeFileAtomic(`${this.dir}/meta.json`, encoder.encode(json));
    this.#metaJson = json;
  }

  /** Runs pending compactions, writes queued records, and fsyncs when `sync`. */
  flush(sync = false): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.#runCompactions();
    this.#writer!.writePending();
    if (sync) this.#writer?.sync(true);
    for (const c of this.#consumerStores) c.flush();
    return Promise.resolve();
  }

  /** Block files currently in use (for tests and monitoring). */
  blockIds(): number[] {
    return this.#blocks.map((b) => b.id);
  }

  /** The path of block `id`. */
  blockPath(id: number): string {
    return blockPath(this.#blockDir, id);
  }

  consumerStore(name: string, config: ConsumerStoreConfig): ConsumerStore {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    if (name === "" || name.includes("/")) throw new Error("bad consumer config");
    const c = new FileConsumerStore(`${this.#consumerDir}/${name}.state`, config, (c) => {
      this.#consumerStores.delete(c);
      this.consumers--;
    });
    this.#consumerStores.add(c);
    this.consumers++;
    return c;
  }

  async stop(): Promise<void> {
    await this.#stop(true);
  }

  async #stop(saveIndex: boolean): Promise<void> {
    if (this.closed) return;
    await this.flush(true);
    if (saveIndex) {
      writeFileAtomic(`${this.dir}/${SNAPSHOT}`, encodeIndexSnapshot(this.#snapshot()));
    }
    for (const c of [...this.#consumerStores]) c.stop();
    this.closed = true;
    if (this.#syncTimer !== undefined) clearInterval(this.#syncTimer);
    this.#writer?.close();
    this.#writer = null;
    this.#reader.close();
  }

  async delete(): Promise<void> {
    await this.#stop(false);
    Deno.removeSync(this.dir, { recursive: true });
  }
}
