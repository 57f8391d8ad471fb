/**
 * @module
 * The file store's {@link IndexPager}: the columns of a sealed block's index page are loaded from
 * the block's summary file (block_summary.ts), or rebuilt from the block file's records when the
 * summary is missing or damaged, and saved back when the page changed (removals, compaction
 * moving offsets). Runs in the isolate that owns the stream.
 */

import { type Block, readFileOrNull } from "./file_block.ts";
import type { StoreCrypt } from "./store_crypt.ts";
import { type LiveEntry, readSummary, summarize, writeSummary } from "./summary_files.ts";
import { type IndexPage, type IndexPager, isPresent, type PageColumns } from "../index_pages.ts";
import type { SubjectTable } from "../subject_table.ts";
import { RecordKind, RecordScanner } from "../record_codec.ts";
import { fileStoreMsgSize, StoreError, StoreErrorCode } from "../types.ts";

const decoder = new TextDecoder();

/** Loads and saves index pages through the block summaries of `blockDir`. */
export class PagerOf implements IndexPager {
  readonly #blockDir: string;
  readonly #subjects: SubjectTable;
  readonly #block: (id: number) => Block | undefined;
  /** The summary file is read into this buffer (kept: one per store, the size of a summary). */
  #scratch: Uint8Array = new Uint8Array(0);

  readonly #beforeSave: () => void;
  readonly #crypt: StoreCrypt | null;

  /**
   * Pages of the blocks of `blockDir` (`block` finds one by id); `beforeSave` runs before a page
   * is saved (the store writes its queued records: a summary never gets ahead of the tombstones
   * behind its removals). With `crypt`, summaries are sealed and block files encrypted.
   */
  constructor(
    blockDir: string,
    subjects: SubjectTable,
    block: (id: number) => Block | undefined,
    beforeSave: () => void,
    crypt: StoreCrypt | null = null,
  ) {
    this.#crypt = crypt;
    this.#blockDir = blockDir;
    this.#subjects = subjects;
    this.#block = block;
    this.#beforeSave = beforeSave;
  }

  load(page: IndexPage, cols: PageColumns): void {
    const crypt = this.#crypt;
    let s = readSummary(this.#blockDir, page.key, crypt ? undefined : this.#scratch, crypt);
    if (s === null && !crypt) {
      // Maybe only too large for the scratch buffer: read it fresh, keep that buffer.
      s = readSummary(this.#blockDir, page.key);
      if (s !== null) this.#scratch = new Uint8Array(s.seqs.buffer as ArrayBuffer);
    }
    const n = page.last - page.first + 1;
    cols.subject.fill(-1, 0, n);
    if (s === null) {
      this.#scanBlock(page, cols);
      return;
    }
    const ids = s.subjects.map((name) => this.#subjects.get(name)?.id ?? -1);
    const src32 = new Uint32Array(s.ts.buffer, s.ts.byteOffset, 2 * s.ts.length);
    let found = 0;
    for (let k = 0; k < s.seqs.length; k++) {
      const seq = s.seqs[k];
      if (seq < page.first || seq > page.last || !isPresent(page, seq)) continue;
      const li = s.subjectIndex[k];
      const id = li < 0 ? 0 : ids[li];
      if (id < 0) break;
      found++;
      const i = seq - page.first;
      cols.subject[i] = id;
      cols.size[i] = s.sizes[k];
      cols.ts32[2 * i] = src32[2 * k];
      cols.ts32[2 * i + 1] = src32[2 * k + 1];
      cols.slotB[i] = s.offsets[k];
    }
    if (found !== presentCount(page)) {
      // The summary does not hold every present message: rebuild from the block.
      cols.subject.fill(-1, 0, n);
      this.#scanBlock(page, cols);
    }
  }

  /**
   * Fills the columns of `page` from its block file (its summary is missing or damaged): the
   * MSG records of its present sequences. Throws when one is missing.
   */
  #scanBlock(page: IndexPage, cols: PageColumns): void {
    const b = this.#block(page.key);
    const buf = b ? readFileOrNull(b.path)?.subarray(0, b.bytes) : null;
    if (buf && this.#crypt) this.#crypt.block(b!.id)(buf, 0);
    if (!buf) throw new StoreError(StoreErrorCode.Corrupt, `block ${page.key}`);
    const r = new RecordScanner(buf);
    let found = 0;
    for (let at = 0; at < buf.length;) {
      const len = r.read(at, buf.length);
      if (typeof len === "string") break;
      const seq = r.seq;
      if (
        r.kind === RecordKind.Msg && seq >= page.first && seq <= page.last && isPresent(page, seq)
      ) {
        const name = decoder.decode(buf.subarray(r.subjectStart, r.subjectStart + r.subjectLength));
        const i = seq - page.first;
        cols.subject[i] = name.length === 0 ? 0 : this.#subjects.get(name)?.id ?? -1;
        cols.size[i] = fileStoreMsgSize(r.subjectLength, r.headerLength, r.dataLength);
        cols.ts[i] = r.ts();
        cols.slotB[i] = at;
        if (cols.subject[i] >= 0) found++;
      }
      at += len;
    }
    if (found !== presentCount(page)) {
      throw new StoreError(StoreErrorCode.Corrupt, `block ${page.key}`);
    }
    page.dirty = true;
  }

  save(page: IndexPage, cols: PageColumns): void {
    const b = this.#block(page.key);
    if (b === undefined) return;
    this.#beforeSave();
    const each = (fn: LiveEntry) => {
      for (let seq = page.first; seq <= page.last; seq++) {
        if (!isPresent(page, seq)) continue;
        const i = seq - page.first;
        fn(
          seq,
          cols.subject[i],
          cols.size[i],
          cols.ts32[2 * i],
          cols.ts32[2 * i + 1],
          cols.slotB[i],
        );
      }
    };
    const subjects = this.#subjects;
    const summary = summarize(b, b.tailCrc, 0, each, (id) => subjects.byId(id)!.subject);
    writeSummary(this.#blockDir, b, summary, this.#crypt);
  }
}

/** How many sequences of `page` are present. */
function presentCount(page: IndexPage): number {
  let n = 0;
  for (const byte of page.present) {
    let b = byte;
    while (b !== 0) {
      b &= b - 1;
      n++;
    }
  }
  return n;
}
