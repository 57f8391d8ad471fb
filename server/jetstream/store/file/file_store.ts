/**
 * @module
 * The file stream store (behaviour of nats-server 2.9.10 `server/filestore.go`; our own on-disk
 * format, documented in record_codec.ts): the shared semantics of stream_core.ts with messages in
 * append-only block files. Sizes are `fileStoreMsgSize`. Runs in the isolate that owns the stream.
 *
 * Directory: `meta.json` (limits), `blk/NNNNNNNN.blk` (blocks, ascending) with their summaries
 * `blk/NNNNNNNN.sum` (block_summary.ts), `obs/<name>.state` (consumer states). The last block is
 * the active one (active_block.ts); it rolls once it reaches `blockSize`.
 *
 * IO is synchronous (Deno `*Sync` calls), chosen for PubAck latency: an async call costs a
 * promise and a thread-pool hop per syscall, while the store needs one `write` per turn. The
 * active block is kept in memory (reads of recent messages never touch the disk); sealed blocks
 * are read through small windows (block_reader.ts). `storeMsg` appends to the in-memory tail;
 * all records appended in one synchronous run are written with ONE `write` in a microtask (group
 * commit) and the promises resolve after it: a resolved `storeMsg` is in the OS. `syncInterval`
 * is `"always"` (fsync after every group write) or ms between fsyncs (0 = only on
 * flush(true)/stop). Removals append a DELETE record the same way.
 *
 * Deletes and compaction: a removed message gets a DELETE record (tombstone) in the active block;
 * a secure erase also overwrites its record in place. A sealed block whose live messages account
 * for less than half its bytes is rewritten (live records, still-needed tombstones, a fresh BASE)
 * and renamed over; the first block is deleted once it holds no live message. Tombstones only
 * refer to earlier or the same block, so dropping leading blocks never resurrects a message.
 *
 * Recovery (store_recovery.ts): a block's summary is written when it is sealed or rewritten and
 * at a clean stop; a sealed block is an index page (index_pages.ts) whose columns are loaded from
 * its summary when used. Open reads the summary headers of sealed blocks and replays, verifying
 * each record's CRC-32, only blocks without a valid summary (after a crash, normally the last):
 * the first torn or damaged record ends the block and the file is cut there. It never throws on
 * bad data. Reads verify each record's checksum again.
 *
 * Encryption at rest (option `keys`, store_crypt.ts): block files hold their bytes XORed with a
 * per-block keystream; summaries and consumer states are sealed whole (AEAD).
 */

import {
  type Block,
  blockPath,
  listBlockIds,
  newBlock,
  readFileOrNull,
  readMeta,
  removeIfExists,
  subjectBytes,
  summaryPath,
  writeAt,
  writeFileAtomic,
  writeMeta,
} from "./file_block.ts";
import { ActiveBlock } from "./active_block.ts";
import { diskBytes, newBaseData, StoreCrypt } from "./store_crypt.ts";
import { DEFAULT_BLOCK_SIZE, type FileStoreOptions } from "./file_store_options.ts";
import { BlockReader } from "./block_reader.ts";
import { scanBlockHeaders } from "./header_scan.ts";
import { rewriteBlock } from "./block_rewrite.ts";
import { fileCrc, recoverBlocks } from "./store_recovery.ts";
import { PagerOf } from "./index_pager.ts";
import {
  dropSummary,
  indexEntries,
  readTailCrc,
  summarize,
  tailCrcOf,
  writeSummary,
} from "./summary_files.ts";
import { FileConsumerStore } from "./file_consumer_store.ts";
import { eraseRecordInPlace, RecordKind, recordLength, RecordScanner } from "../record_codec.ts";
import type { Payload } from "../stream_core.ts";
import { RecoverableCore } from "../stream_recovery.ts";
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

export type { FileStoreOptions };

/** A stream store in block files. */
export class FileStore extends RecoverableCore {
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
  readonly #crypt: StoreCrypt | null;
  readonly #reader: BlockReader;
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
    const crypt = this.#crypt = options.keys ? new StoreCrypt(options.keys, this.#blockDir) : null;
    this.#reader = new BlockReader(crypt ? (id) => crypt.block(id) : null);
    const block = (id: number) => this.#blockById.get(id), flush = () => this.#writeNow(false);
    this.index.usePager(
      new PagerOf(this.#blockDir, this.subjects, block, flush, crypt),
      options.loadedIndexPages ?? 4,
    );
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
      const timer = setInterval(() => store.#writeNow(true), interval);
      Deno.unrefTimer(timer);
      store.#syncTimer = timer;
    }
    return store;
  }

  protected msgSize(subjectLen: number, headerLen: number, dataLen: number): number {
    return fileStoreMsgSize(subjectLen, headerLen, dataLen);
  }

  // ---- recovery ----

  /**
   * Rebuilds the state from the blocks (store_recovery.ts). A store that ends up empty is
   * replayed record by record (the time of a first skip depends on the order of records).
   */
  #recover(): void {
    removeIfExists(`${this.dir}/index.snap`); // an older version's; summaries replace it
    this.#recovering = true;
    const sink = this.recoverySink();
    const ids = listBlockIds(this.#blockDir);
    const hooks = { add: (b: Block) => this.#addBlock(b), seal: (b: Block) => this.#seal(b) };
    const dir = this.#blockDir, names = this.#subjects;
    const recover = (useSums: boolean) =>
      recoverBlocks(dir, ids, sink, names, useSums, hooks, this.#crypt);
    let last = recover(true);
    if (this.msgs === 0 && this.#blocks.some((b) => b.summarized)) {
      this.recoverReset();
      this.#blocks = [];
      this.#blockById.clear();
      last = recover(false);
    }
    this.#recovering = false;
    const b = this.#blocks.at(-1);
    if (b) this.#activate(b, undefined, last ?? undefined);
    else this.#startBlock(1);
    this.#dropEmptyLeadingBlocks();
  }

  // ---- blocks ----

  #addBlock(b: Block): void {
    this.#blocks.push(b);
    this.#blockById.set(b.id, b);
  }

  #removeBlockFile(b: Block): void {
    this.#blockById.delete(b.id);
    this.#reader.invalidate(b.id);
    this.#crypt?.forget(b.id);
    this.#compactCandidates.delete(b);
    // The summary first: a block file without one is scanned, never the other way round.
    removeIfExists(summaryPath(this.#blockDir, b.id));
    removeIfExists(b.path);
  }

  /** Writes the summary of `b`, whose file ends with `tailCrc` (and has checksum `blockCrc`). */
  #writeSummary(b: Block, tailCrc: number, blockCrc = 0): void {
    const subjects = this.subjects;
    const each = indexEntries(this.index, b);
    const summary = summarize(b, tailCrc, blockCrc, each, (id) => subjects.byId(id)!.subject);
    writeSummary(this.#blockDir, b, summary, this.#crypt);
    this.index.markSaved(b.id);
  }

  /** Block `b` is sealed: its summary is written and its messages become an index page. */
  #seal(b: Block, tailCrc = readTailCrc(b.path, b.bytes, this.#crypt?.block(b.id)) ?? 0): void {
    this.#writeSummary(b, tailCrc);
    if (b.firstMsgSeq > 0) this.index.seal(b.id, b.firstMsgSeq, b.lastMsgSeq);
  }

  protected override onDrop(seq: number): void {
    const b = this.#blockById.get(this.index.slotA(seq));
    if (!b) return;
    b.liveMsgs--;
    b.liveBytes -= this.index.size(seq);
  }

  /**
   * Makes `b` the active block; `content` is its valid bytes (kept in memory), or `onDisk` says
   * how many of its bytes are in its file (read from there when needed) and their last checksum.
   */
  #activate(
    b: Block,
    content: Uint8Array | undefined,
    onDisk?: { bytes: number; crc: number },
  ): void {
    const capacity = this.#writer?.capacity;
    // A new block reuses the old one's buffer (whose bytes are all written, read from disk now).
    const reuse = content === undefined && onDisk === undefined ? this.#writer?.buffer : undefined;
    this.#writer?.close();
    this.#active = b;
    this.#reader.invalidate(b.id);
    dropSummary(this.#blockDir, b);
    const bytes = content ?? new Uint8Array(0), max = this.#blockSize, sync = this.#syncAlways;
    const xor = this.#crypt?.block(b.id);
    this.#writer = new ActiveBlock(b, bytes, sync, capacity, max, onDisk, reuse, xor);
    // A failed write (a full disk): its messages are forgotten, as never stored.
    this.#writer.onWriteFailed = (first) => first > 0 && this.rollbackAbove(first - 1);
    if (b.bytes === 0) this.#appendBase(b);
  }

  /** Starts block `id` as the active block, with a BASE record. */
  #startBlock(id: number): void {
    const b = newBlock(id, this.#blockDir, this.lastSeq, this.lastTs);
    removeIfExists(summaryPath(this.#blockDir, id));
    removeIfExists(b.path);
    this.#crypt?.forget(id);
    this.#addBlock(b);
    this.#activate(b, undefined);
  }

  #appendBase(b: Block): void {
    b.baseLastSeq = b.lastUsedSeq = this.lastSeq;
    b.baseLastTs = b.lastUsedTs = this.lastTs;
    b.floor = this.firstSeq;
    const data = newBaseData(this.#crypt, b.id, this.firstSeq);
    this.#append(RecordKind.Base, this.lastSeq, this.lastTs, null, null, data);
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
    this.#seal(old, this.#writer!.lastCrc());
    this.#startBlock(old.id + 1);
    this.#maybeCompact(old);
  }

  protected persisted(): Promise<void> {
    return this.#writer!.pending();
  }

  /** Writes queued records now, and with `sync` fsyncs them and flushes consumer states. */
  #writeNow(sync: boolean): void {
    if (this.closed) return;
    try {
      this.#writer?.writePending();
      if (!sync) return;
      this.#writer?.sync();
      for (const c of this.#consumerStores) c.flush();
    } catch {
      // Reported by the next write.
    }
  }

  protected persistMsg(
    seq: number,
    subject: SubjectEntry | null,
    header: Uint8Array | null,
    data: Uint8Array,
    ts: bigint,
  ): void {
    const subj = subject ? subjectBytes(this.#subjectBytes, subject.subject) : null;
    const hdr = header && header.length > 0 ? header : null;
    const at = this.#append(RecordKind.Msg, seq, ts, subj, hdr, data);
    const b = this.#active;
    if (b.firstMsgSeq === 0) b.firstMsgSeq = seq;
    b.lastMsgSeq = b.lastUsedSeq = seq;
    b.lastUsedTs = ts;
    b.liveMsgs++;
    b.liveBytes += fileStoreMsgSize(subj?.length ?? 0, hdr?.length ?? 0, data.length);
    this.slotA = b.id;
    this.slotB = at;
  }

  // ---- reading ----

  /** The whole content of `b`. */
  #blockBuffer(b: Block): Uint8Array {
    if (b === this.#active) return this.#writer!.content();
    const buf = readFileOrNull(b.path)?.subarray(0, b.bytes) ?? new Uint8Array(0);
    this.#crypt?.block(b.id)?.(buf, 0);
    return buf;
  }

  /** Whether the record at `at` of `b` is in the active block's memory. */
  #inMemory(b: Block | undefined, at: number): boolean {
    return b === this.#active && at >= this.#writer!.start;
  }

  /** Where the record at `at` of block `b` is in memory (read from the file when needed). */
  #recordBytes(b: Block, at: number): { buf: Uint8Array; offset: number } | null {
    const w = this.#writer!;
    if (this.#inMemory(b, at)) return { buf: w.tail(), offset: at - w.start };
    return this.#reader.read(b.id, b.path, b === this.#active ? w.start : b.bytes, at);
  }

  protected readPayload(seq: number, borrow = false): Payload {
    const b = this.#blockById.get(this.index.slotA(seq));
    const at = this.index.slotB(seq);
    const where = b ? this.#recordBytes(b, at) : null;
    // Records in the active block's memory are our own bytes; those read from disk are verified.
    const verify = !this.#inMemory(b, at);
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
    if (this.#inMemory(b, at)) {
      this.#writer!.eraseAt(at);
      return;
    }
    const record = where.buf.slice(where.offset, where.offset + len);
    eraseRecordInPlace(record, 0);
    this.#reader.invalidate(b.id);
    writeAt(b.path, at, diskBytes(this.#crypt, b.id, record, at));
  }

  protected persistSkip(seq: number, ts: bigint): void {
    this.#append(RecordKind.Skip, seq, ts, null, null, null);
    this.#active.lastUsedSeq = seq;
    this.#active.lastUsedTs = ts;
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
    if (floor > this.#active.floor) this.#active.floor = floor;
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
    writeFileAtomic(target.path, diskBytes(this.#crypt, target.id, content));
    this.#activate(target, content);
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
    writeFileAtomic(b.path, diskBytes(this.#crypt, b.id, content));
    b.bytes = content.length;
    this.#reader.invalidate(b.id);
    this.#writeSummary(b, tailCrcOf(content));
  }

  /** The rewritten content of `b` (block_rewrite.ts); moves the index offsets of its messages. */
  #rewriteContent(b: Block, upTo: number, allTombstones: boolean): Uint8Array {
    const old = this.#blockBuffer(b), base = newBaseData(this.#crypt, b.id, this.firstSeq);
    return rewriteBlock(b, old, this.index, this.firstSeq, upTo, allTombstones, base);
  }

  // ---- lifecycle ----

  protected override onConfig(): void {
    if (!this.#recovering && this.#writer) this.#writeMeta();
  }

  #writeMeta(): void {
    this.#metaJson = writeMeta(`${this.dir}/meta.json`, this.limits, this.#metaJson);
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

  /** Sealed blocks kept as index pages, and how many have their columns loaded (tests). */
  indexPages = (): { pages: number; loaded: number } => this.index.pageCounts();

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
    }, this.#crypt);
    this.#consumerStores.add(c);
    this.consumers++;
    return c;
  }

  async stop(): Promise<void> {
    await this.#stop(true);
  }

  async #stop(saveSummaries: boolean): Promise<void> {
    if (this.closed) return;
    // A failed flush (a full disk) still closes the store; its error goes to the caller.
    const failed: Error | null = await this.flush(true).then(() => null, (e) => e);
    if (saveSummaries && failed === null) this.#writeSummaries();
    for (const c of [...this.#consumerStores]) c.stop();
    this.closed = true;
    if (this.#syncTimer !== undefined) clearInterval(this.#syncTimer);
    this.#writer?.close();
    this.#writer = null;
    this.#reader.close();
    if (failed !== null) throw failed;
  }

  /** A clean stop: changed index pages saved, summaries for the active and unsummarized blocks. */
  #writeSummaries(): void {
    this.index.saveDirtyPages();
    for (const b of this.#blocks) {
      if (b === this.#active) {
        this.#writeSummary(b, this.#writer!.lastCrc(), fileCrc(b.path, b.bytes) ?? 0);
      } else if (!b.summarized) {
        const crc = readTailCrc(b.path, b.bytes, this.#crypt?.block(b.id));
        if (crc !== null) this.#writeSummary(b, crc);
      }
    }
  }

  async delete(): Promise<void> {
    await this.#stop(false);
    Deno.removeSync(this.dir, { recursive: true });
  }
}
