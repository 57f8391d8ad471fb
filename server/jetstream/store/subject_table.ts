/**
 * @module
 * Per-subject tracking shared by both stores (Go's `fss`/`psim`): for every subject with messages,
 * its count, first and last sequence, a small integer id the sequence index stores, and its UTF-8
 * byte length (message sizes count subject bytes). Id 0 is the empty subject, never tracked.
 * PURE: no Deno APIs, timers or console output.
 */

import { subjectMatches } from "../../sublist/subject_match.ts";
import type { SimpleState } from "./types.ts";

/** One tracked subject. */
export interface SubjectEntry {
  readonly id: number;
  readonly subject: string;
  readonly byteLength: number;
  msgs: number;
  first: number;
  last: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The UTF-8 byte length of `s` (a fast path for ASCII). */
export function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return encoder.encode(s).length;
  }
  return s.length;
}

/** Whether `filter` selects every subject ("" or ">"). */
export function isAllFilter(filter: string): boolean {
  return filter === "" || filter === ">";
}

/** Whether `filter` holds a `*` or `>` token. */
export function hasWildcard(filter: string): boolean {
  if (filter === "*" || filter === ">") return true;
  return filter.startsWith("*.") || filter.startsWith(">.") || filter.endsWith(".*") ||
    filter.endsWith(".>") || filter.includes(".*.") || filter.includes(".>.");
}

/** Subjects by name and by id. */
export class SubjectTable {
  #byName = new Map<string, SubjectEntry>();
  #byId: (SubjectEntry | undefined)[] = [undefined];
  #freeIds: number[] = [];

  get size(): number {
    return this.#byName.size;
  }

  get(subject: string): SubjectEntry | undefined {
    return this.#byName.get(subject);
  }

  byId(id: number): SubjectEntry | undefined {
    return this.#byId[id];
  }

  /** The entry for `subject`, created with no messages when new. */
  intern(subject: string): SubjectEntry {
    let e = this.#byName.get(subject);
    if (e) return e;
    const id = this.#freeIds.pop() ?? this.#byId.length;
    e = { id, subject, byteLength: utf8Length(subject), msgs: 0, first: 0, last: 0 };
    this.#byName.set(subject, e);
    this.#byId[id] = e;
    return e;
  }

  /** Forgets `e` (its count reached 0). */
  release(e: SubjectEntry): void {
    this.#byName.delete(e.subject);
    this.#byId[e.id] = undefined;
    this.#freeIds.push(e.id);
  }

  clear(): void {
    this.#byName.clear();
    this.#byId = [undefined];
    this.#freeIds = [];
  }

  values(): IterableIterator<SubjectEntry> {
    return this.#byName.values();
  }

  /** Entries matched by `filter` (literal, wildcard, or all). */
  matching(filter: string): SubjectEntry[] {
    if (isAllFilter(filter)) return [...this.#byName.values()];
    if (!hasWildcard(filter)) {
      const e = this.#byName.get(filter);
      return e ? [e] : [];
    }
    const out: SubjectEntry[] = [];
    for (const e of this.#byName.values()) if (subjectMatches(filter, e.subject)) out.push(e);
    return out;
  }

  /** A copy of `e` as Go's SimpleState. */
  static simple(e: SubjectEntry): SimpleState {
    return { msgs: e.msgs, first: e.first, last: e.last };
  }
}

/** Decodes subject bytes to strings, reusing the string of bytes seen before (recovery). */
export class SubjectDecoder {
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
