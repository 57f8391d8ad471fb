/**
 * @module
 * The file stream store (behaviour of nats-server 2.9.10 `server/filestore.go`; our own on-disk
 * format, documented in record_codec.ts): the shared semantics of stream_core.ts with messages in
 * append-only block files. Sizes are `fileStoreMsgSize`. Runs in the isolate that owns the stream.
 *
 * ## Directory
 *
 * `<dir>/meta.json` (limits), `<dir>/blk/NNNNNNNN.blk` (blocks, ascending), `<dir>/obs/<name>.state`
 * (consumer states). The last block is the active one; it rolls once it reaches `blockSize`.
 *
 * ## IO and durability
 *
 * All IO is synchronous (Deno `*Sync` calls): no promise per syscall, and the whole active block is
 * kept in memory, so reads of recent messages never touch the disk. `storeMsg` appends the record
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
 * Open reads every block, verifies each record's CRC-32 and replays records in order; the first
 * record that is torn or fails its checksum ends its block and the file is cut there (the
 * messages fully written before it survive). It never throws on bad data.
 */

import {
  type Block,
  blockPath,
  listBlockIds,
  newBlock,
  readFileOrNull,
  writeAll,
  writeFileAtomic,
} from "./file_block.ts";
import { FileConsumerStore } from "./file_consumer_store.ts";
import {
  decodeRecord,
  encodeRecord,
  eraseRecordInPlace,
  floorBytes,
  readFloor,
  RecordKind,
  recordLength,
  RecordScanner,
} from "./record_codec.ts";
import { type Payload, StreamCore } from "./stream_core.ts";
import type { SubjectEntry } from "./subject_table.ts";
import {
  type ConsumerStore,
  type ConsumerStoreConfig,
  defaultLimits,
  DiscardPolicy,
  fileStoreMsgSize,
  StoreError,
  StoreErrorCode,
  type StoreLimits,
} from "./types.ts";

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
  /** Older blocks kept in memory for reads. Default 4. */
  cacheBlocks?: number;
}

const DEFAULT_BLOCK_SIZE = 8 * 1024 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A stream store in block files. */
export class FileStore extends StreamCore {
  protected readonly replaceNeedsLarger = false;
  readonly dir: string;
  readonly #blockDir: string;
  readonly #consumerDir: string;
  readonly #blockSize: number;
  readonly #syncAlways: boolean;
  readonly #cacheBlocks: number;
  #syncTimer: ReturnType<typeof setInterval> | undefined;
  #blocks: Block[] = [];
  #blockById = new Map<number, Block>();
  #active!: Block;
  #file: Deno.FsFile | null = null;
  /** The whole active block: bytes [0, tailWritten) are in the file, the rest is queued. */
  #tail = new Uint8Array(64 * 1024);
  #tailWritten = 0;
  #batch: Promise<void> | null = null;
  #needsSync = false;
  #recovering = false;
  #cache = new Map<number, Uint8Array>();
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
    this.#cacheBlocks = options.cacheBlocks ?? 4;
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
    store.#writePending();
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
        case RecordKind.Skip:
          this.recoverLast(r.seq, r.ts());
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
    this.#cache.delete(b.id);
    this.#compactCandidates.delete(b);
    try {
      Deno.removeSync(b.path);
    } catch {
      // already gone
    }
  }

  /** Makes `b` the active block; `content` is its valid bytes. */
  #activate(b: Block, content: Uint8Array | undefined): void {
    this.#file?.close();
    this.#active = b;
    this.#cache.delete(b.id);
    const bytes = content ?? new Uint8Array(0);
    this.#tail = new Uint8Array(Math.max(this.#tail.length, bytes.length * 2, 64 * 1024));
    this.#tail.set(bytes);
    b.bytes = bytes.length;
    this.#tailWritten = bytes.length;
    this.#file = Deno.openSync(b.path, { read: true, write: true, create: true });
    this.#file.seekSync(bytes.length, Deno.SeekMode.Start);
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

  /** Appends a record to the active block's tail; returns its offset. */
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
    const at = this.#active.bytes;
    if (at + len > this.#tail.length) {
      const grown = new Uint8Array(Math.max(this.#tail.length * 2, at + len));
      grown.set(this.#tail.subarray(0, at));
      this.#tail = grown;
    }
    encodeRecord(this.#tail, at, kind, seq, ts, subject, header, data);
    this.#active.bytes = at + len;
    if (!this.#recovering) this.#scheduleWrite();
    return at;
  }

  #roll(): void {
    this.#writePending();
    const old = this.#active;
    if (this.#needsSync) this.#file?.syncSync();
    this.#needsSync = false;
    this.#startBlock(old.id + 1);
    this.#maybeCompact(old);
  }

  // ---- writing ----

  #scheduleWrite(): void {
    if (this.#batch) return;
    this.#batch = new Promise<void>((resolve, reject) => {
      queueMicrotask(() => {
        this.#batch = null;
        try {
          this.#writePending();
          resolve();
        } catch (e) {
          reject(e);
        }
      });
    });
    // A failed batch is reported to the storeMsg callers; keep it from being unhandled here.
    this.#batch.catch(() => {});
  }

  /** Writes queued bytes of the active block with one write (and fsyncs with "always"). */
  #writePending(): void {
    const end = this.#active.bytes;
    if (this.#tailWritten >= end || !this.#file) return;
    writeAll(this.#file, this.#tail.subarray(this.#tailWritten, end));
    this.#tailWritten = end;
    if (this.#syncAlways) this.#file.syncDataSync();
    else this.#needsSync = true;
  }

  protected persisted(): Promise<void> {
    return this.#batch ?? Promise.resolve();
  }

  #syncNow(): void {
    if (this.closed) return;
    try {
      this.#writePending();
      if (this.#needsSync) this.#file?.syncDataSync();
      this.#needsSync = false;
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

  #blockBuffer(b: Block): Uint8Array {
    if (b === this.#active) return this.#tail.subarray(0, b.bytes);
    let buf = this.#cache.get(b.id);
    if (buf) {
      this.#cache.delete(b.id);
    } else {
      buf = readFileOrNull(b.path) ?? new Uint8Array(0);
      if (this.#cache.size >= this.#cacheBlocks) {
        this.#cache.delete(this.#cache.keys().next().value!);
      }
    }
    this.#cache.set(b.id, buf);
    return buf;
  }

  protected readPayload(seq: number): Payload {
    const b = this.#blockById.get(this.index.slotA(seq));
    if (!b) throw new StoreError(StoreErrorCode.MsgNotFound);
    const buf = this.#blockBuffer(b);
    const r = decodeRecord(buf, this.index.slotB(seq), buf.length);
    if (typeof r === "string" || r.seq !== seq || r.kind !== RecordKind.Msg) {
      throw new StoreError(StoreErrorCode.Corrupt, `message ${seq}`);
    }
    return { header: r.header ? r.header.slice() : null, data: r.data.slice() };
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
    const buf = this.#blockBuffer(b);
    eraseRecordInPlace(buf, at);
    const len = new DataView(buf.buffer, buf.byteOffset + at, 4).getUint32(0, true);
    if (b === this.#active) {
      if (at >= this.#tailWritten) return;
      this.#file!.seekSync(at, Deno.SeekMode.Start);
      writeAll(this.#file!, buf.subarray(at, at + len));
      this.#file!.seekSync(this.#tailWritten, Deno.SeekMode.Start);
      return;
    }
    const f = Deno.openSync(b.path, { write: true });
    try {
      f.seekSync(at, Deno.SeekMode.Start);
      writeAll(f, buf.subarray(at, at + len));
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
      this.#writePending();
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
    this.#writePending();
    const content = this.#rewriteContent(target, seq, true);
    for (const b of this.#blocks.filter((b) => b.id > target.id)) this.#removeBlockFile(b);
    this.#blocks = this.#blocks.filter((b) => b.id <= target.id);
    this.#file?.close();
    this.#file = null;
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
    this.#cache.delete(b.id);
  }

  /**
   * The new content of `b`: a BASE, the tombstones still needed (all absent sequences of earlier
   * blocks when `allTombstones`), and its live messages up to `upTo`. Moves index offsets.
   */
  #rewriteContent(b: Block, upTo: number, allTombstones: boolean): Uint8Array {
    const old = this.#blockBuffer(b);
    const parts: Uint8Array[] = [];
    let total = 0;
    const push = (part: Uint8Array) => {
      parts.push(part);
      total += part.length;
    };
    const record = (kind: RecordKind, seq: number, ts: bigint, data: Uint8Array | null) => {
      const r = new Uint8Array(recordLength(0, 0, data?.length ?? 0));
      encodeRecord(r, 0, kind, seq, ts, null, null, data);
      push(r);
    };
    record(RecordKind.Base, b.baseLastSeq, b.baseLastTs, floorBytes(this.firstSeq));
    const kept = new Set<number>();
    const earlierEnd = Math.min(b.baseLastSeq, upTo);
    if (allTombstones) {
      for (let s = this.firstSeq; s <= earlierEnd; s++) if (!this.index.has(s)) kept.add(s);
    } else {
      for (const t of b.tombstones) {
        if (t >= this.firstSeq && t <= earlierEnd && !this.index.has(t)) kept.add(t);
      }
    }
    for (const t of kept) record(RecordKind.Delete, t, 0n, null);
    const moves: [number, number][] = [];
    const from = Math.max(b.firstMsgSeq, this.firstSeq), to = Math.min(b.lastMsgSeq, upTo);
    for (let s = from; b.firstMsgSeq > 0 && s <= to; s++) {
      if (!this.index.has(s) || this.index.slotA(s) !== b.id) continue;
      const at = this.index.slotB(s);
      const len = new DataView(old.buffer, old.byteOffset + at, 4).getUint32(0, true);
      moves.push([s, total]);
      push(old.slice(at, at + len));
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    for (const [s, offset] of moves) this.index.setSlots(s, b.id, offset);
    b.tombstones = kept;
    if (moves.length === 0) b.firstMsgSeq = b.lastMsgSeq = 0;
    else {
      b.firstMsgSeq = moves[0][0];
      b.lastMsgSeq = moves.at(-1)![0];
    }
    return out;
  }

  // ---- lifecycle ----

  protected override onConfig(): void {
    if (!this.#recovering && this.#file) this.#writeMeta();
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
    this.#writePending();
    if (sync) {
      this.#file?.syncSync();
      this.#needsSync = false;
    }
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
    if (this.closed) return;
    await this.flush(true);
    for (const c of [...this.#consumerStores]) c.stop();
    this.closed = true;
    if (this.#syncTimer !== undefined) clearInterval(this.#syncTimer);
    this.#file?.close();
    this.#file = null;
    this.#cache.clear();
  }

  async delete(): Promise<void> {
    await this.stop();
    Deno.removeSync(this.dir, { recursive: true });
  }
}

/** Decodes subject bytes to strings, reusing the string of bytes seen before (recovery). */
class SubjectDecoder {
  #byHash = new Map<number, { bytes: Uint8Array; subject: string }>();

  decode(buf: Uint8Array, start: number, length: number): string {
    let h = 0x811c9dc5;
    for (let i = start; i < start + length; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const hit = this.#byHash.get(h);
    if (hit && hit.bytes.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (hit.bytes[i] !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return hit.subject;
    }
    const bytes = buf.slice(start, start + length);
    const subject = decoder.decode(bytes);
    if (this.#byHash.size > 100_000) this.#byHash.clear();
    this.#byHash.set(h, { bytes, subject });
    return subject;
  }
}

/** The limits saved in meta.json (and its text), or null. */
function readMeta(path: string): { limits: StoreLimits; json: string } | null {
  const bytes = readFileOrNull(path);
  if (!bytes) return null;
  try {
    const json = decoder.decode(bytes);
    const m = JSON.parse(json);
    const d = defaultLimits();
    const limits: StoreLimits = {
      maxMsgs: Number(m.maxMsgs ?? d.maxMsgs),
      maxBytes: Number(m.maxBytes ?? d.maxBytes),
      maxAge: BigInt(m.maxAge ?? 0),
      maxMsgsPerSubject: Number(m.maxMsgsPerSubject ?? d.maxMsgsPerSubject),
      maxMsgSize: Number(m.maxMsgSize ?? d.maxMsgSize),
      discard: m.discard === DiscardPolicy.New ? DiscardPolicy.New : DiscardPolicy.Old,
      discardNewPerSubject: m.discardNewPerSubject === true,
    };
    return { limits, json };
  } catch {
    return null;
  }
}
