/**
 * @module
 * The subscription index: a trie with one level per subject token and dedicated `*` and `>` slots
 * per level, plain and queue subscriptions at each node, and a bounded byte-keyed match cache that
 * is patched (not flushed) on insert and remove. Behaviour mirrors nats-server's
 * `server/sublist.go`. One instance per account per isolate.
 *
 * Everything works on the subject's UTF-8 bytes: a match never decodes the subject. Each token
 * is hashed while the subject is split, found in the trie level by that hash and verified against
 * the node's token (see `trie.ts`); string entry points encode into a reused scratch buffer.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

import { CACHE_MAX, hashBytes, MatchCache } from "./match_cache.ts";
import {
  EMPTY_RESULT,
  type MatchResult,
  resultWithoutSub,
  resultWithSub,
  type SubscriptionLike,
} from "./match_result.ts";
import { subjectIsLiteral, subjectMatchesBytes } from "./subject_match.ts";
import { type SublistCounters, type SublistStats, sublistStats } from "./sublist_stats.ts";
import {
  addLiteral,
  addNodeToResult,
  byteString,
  findLiteral,
  forEachLiteral,
  levelSize,
  nodeHasSubs,
  nodeIsEmpty,
  TrieLevel,
  TrieNode,
  unlinkLiteral,
} from "./trie.ts";

export { EMPTY_RESULT } from "./match_result.ts";
export type { MatchResult, SubscriptionLike } from "./match_result.ts";
export { addSublistCounters, sublistStats } from "./sublist_stats.ts";
export type { SublistCounters, SublistStats } from "./sublist_stats.ts";
export { subjectIsLiteral, subjectIsSubsetMatch, subjectMatches } from "./subject_match.ts";

/** Options for {@link Sublist}. */
export interface SublistOptions {
  /** Keep a match cache (default true), as nats-server's `NewSublist(enableCache)`. */
  readonly cache?: boolean;
}

const DOT = 46; // "."
const STAR = 42; // "*"
const GT = 62; // ">"
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Token hashes are kept within V8's small-integer range so Map keys never box. */
const TOKEN_HASH_MASK = 0x3fffffff;
/** Wildcard removals in one batch above which the cache is cleared instead of patched. */
const BATCH_PATCH_LIMIT = 8;
/** Longest subject the last-match memo keeps. */
const LAST_SUBJECT_MAX = 128;

const encoder = new TextEncoder();

/**
 * Subscription index with NATS matching semantics and a byte-keyed match cache.
 *
 * @example
 * ```ts
 * import { Sublist } from "./sublist.ts";
 * import assert from "node:assert";
 * const sublist = new Sublist<{ subject: string; queue: string | null }>();
 * const plain = { subject: "orders.*", queue: null };
 * const worker = { subject: "orders.>", queue: "workers" };
 * sublist.insert(plain);
 * sublist.insert(worker);
 * const subject = new TextEncoder().encode("orders.new");
 * const result = sublist.match(subject, 0, subject.length);
 * assert.deepEqual(result.psubs, [plain]);
 * assert.deepEqual(result.qsubs, [[worker]]);
 * ```
 */
export class Sublist<S extends SubscriptionLike> {
  readonly #root = new TrieLevel<S>();
  readonly #cache: MatchCache<MatchResult<S>> | null;
  // Scratch token table of the subject being walked (walks are not re-entrant).
  #tokenStarts = new Int32Array(32);
  #tokenEnds = new Int32Array(32);
  #tokenHashes = new Int32Array(32);
  #tokensLiteral = true;
  /** Scratch UTF-8 buffer for the string entry points. */
  #scratch = new Uint8Array(256);
  #count = 0;
  #inserts = 0;
  #removes = 0;
  #matches = 0;
  #cacheHits = 0;
  #generation = 0;
  /**
   * The last subject matched (up to {@link LAST_SUBJECT_MAX} bytes) and its result, valid while
   * the generation is unchanged: a publisher repeating its subject skips hashing and the cache
   * lookup (nats-server keeps a per-client cache in front of the sublist for the same reason).
   */
  readonly #lastSubject = new Uint8Array(LAST_SUBJECT_MAX);
  #lastLength = -1;
  #lastGeneration = -1;
  #lastResult: MatchResult<S> = EMPTY_RESULT as MatchResult<S>;
  /**
   * The last subject matched as a string and its result, valid while the generation is
   * unchanged: a JetStream consumer delivering to one deliver subject or pull reply inbox
   * compares the string (the same object: one pointer check) instead of encoding it again.
   */
  #lastString: string | null = null;
  #lastStringGeneration = -1;
  #lastStringResult: MatchResult<S> = EMPTY_RESULT as MatchResult<S>;

  constructor(options: SublistOptions = {}) {
    this.#cache = options.cache === false ? null : new MatchCache<MatchResult<S>>(EMPTY_RESULT);
  }

  /** Number of subscriptions held. */
  get count(): number {
    return this.#count;
  }

  /** Whether this sublist keeps a match cache. */
  get cacheEnabled(): boolean {
    return this.#cache !== null;
  }

  /** Increments on every change of interest (for callers keeping their own caches). */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Adds a subscription. Inserting the same object twice is a no-op.
   * Throws on an invalid subject (empty token, or a token after `>`).
   */
  insert(sub: S): void {
    const length = this.#encodeSub(sub);
    const bytes = this.#scratch;
    const count = this.#tokenize(bytes, 0, length);
    if (count < 0 || !this.#fwcOnlyLast(bytes, count)) {
      throw new Error(`Cannot insert subscription: invalid subject '${sub.subject}'`);
    }
    const literal = this.#tokensLiteral;
    const ascii = sub.subjectBytes === undefined && length === sub.subject.length;
    const starts = this.#tokenStarts;
    const ends = this.#tokenEnds;
    const hashes = this.#tokenHashes;
    let level = this.#root;
    let node: TrieNode<S> | null = null;
    for (let i = 0; i < count; i++) {
      const start = starts[i];
      const end = ends[i];
      const wildcard = end - start === 1 ? bytes[start] : 0;
      if (wildcard === STAR) node = level.pwc ??= new TrieNode<S>("", 0);
      else if (wildcard === GT) node = level.fwc ??= new TrieNode<S>("", 0);
      else {
        node = findLiteral(level, hashes[i], bytes, start, end);
        if (node === null) {
          // An ASCII subject's chars are its bytes: its substring is the byte string.
          const token = ascii ? sub.subject.substring(start, end) : byteString(bytes, start, end);
          node = new TrieNode<S>(token, hashes[i]);
          addLiteral(level, node);
        }
      }
      if (i + 1 < count) level = node.next ??= new TrieLevel<S>();
    }
    if (node === null) return;
    let members: Set<S>;
    if (sub.queue === null) members = node.psubs ??= new Set<S>();
    else {
      const groups = node.qsubs ??= new Map<string, Set<S>>();
      let group = groups.get(sub.queue);
      if (group === undefined) {
        group = new Set<S>();
        groups.set(sub.queue, group);
      }
      members = group;
    }
    if (members.has(sub)) return;
    members.add(sub);
    this.#count++;
    this.#inserts++;
    this.#generation++;
    if (this.#cache !== null) this.#patchCache(sub, length, literal, true);
  }

  /** Removes a subscription; false when it was not held. Prunes emptied trie nodes. */
  remove(sub: S): boolean {
    const length = this.#encodeSub(sub);
    if (!this.#removeFromTrie(sub, length)) return false;
    if (this.#cache !== null) this.#patchCache(sub, length, this.#tokensLiteral, false);
    return true;
  }

  /**
   * Removes many subscriptions (a closing connection); returns how many were held. With many
   * wildcard subscriptions the cache is cleared once instead of being patched per removal.
   */
  removeBatch(subs: readonly S[]): number {
    let wildcards = 0;
    for (let i = 0; i < subs.length && wildcards <= BATCH_PATCH_LIMIT; i++) {
      if (!subjectIsLiteral(subs[i].subject)) wildcards++;
    }
    const patch = wildcards <= BATCH_PATCH_LIMIT;
    let removed = 0;
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i];
      const length = this.#encodeSub(sub);
      if (!this.#removeFromTrie(sub, length)) continue;
      removed++;
      if (patch && this.#cache !== null) {
        this.#patchCache(sub, length, this.#tokensLiteral, false);
      }
    }
    if (!patch && removed > 0 && this.#cache !== null) this.#cache.clear();
    return removed;
  }

  /**
   * Subscriptions matching the literal subject in `buf[start..end)`. The hot path: a cache hit
   * hashes and compares the bytes and allocates nothing; a miss walks the trie on the bytes
   * without decoding them. Never mutate the result.
   */
  match(buf: Uint8Array, start: number, end: number): MatchResult<S> {
    this.#matches++;
    const length = end - start;
    if (length === this.#lastLength && this.#lastGeneration === this.#generation) {
      const last = this.#lastSubject;
      let i = 0;
      while (i < length && last[i] === buf[start + i]) i++;
      if (i === length) {
        if (this.#cache !== null) this.#cacheHits++;
        return this.#lastResult;
      }
    }
    const result = this.#matchUncached(buf, start, end);
    if (length <= LAST_SUBJECT_MAX) {
      const last = this.#lastSubject;
      for (let i = 0; i < length; i++) last[i] = buf[start + i];
      this.#lastLength = length;
      this.#lastGeneration = this.#generation;
      this.#lastResult = result;
    }
    return result;
  }

  #matchUncached(buf: Uint8Array, start: number, end: number): MatchResult<S> {
    const cache = this.#cache;
    if (cache === null) return this.#walk(buf, start, end);
    const hash = hashBytes(buf, start, end);
    const cached = cache.get(buf, start, end, hash);
    if (cached !== undefined) {
      this.#cacheHits++;
      return cached;
    }
    const result = this.#walk(buf, start, end);
    // Subjects with empty or wildcard tokens are not cached (nats-server does not cache the
    // former; keeping keys literal keeps cache patching exact).
    if (this.#tokensLiteral && cache.admit(hash)) cache.set(buf, start, end, hash, result);
    return result;
  }

  /** {@link match} for a subject held as a string. */
  matchString(subject: string): MatchResult<S> {
    if (subject === this.#lastString && this.#lastStringGeneration === this.#generation) {
      this.#matches++;
      if (this.#cache !== null) this.#cacheHits++;
      return this.#lastStringResult;
    }
    const length = this.#encodeScratch(subject);
    const result = this.match(this.#scratch, 0, length);
    this.#lastString = subject;
    this.#lastStringGeneration = this.#generation;
    this.#lastStringResult = result;
    return result;
  }

  /** Whether any subscription matches the literal `subject`. Does not fill the cache. */
  hasInterest(subject: string): boolean {
    if (subject === this.#lastString && this.#lastStringGeneration === this.#generation) {
      const result = this.#lastStringResult;
      return result.psubs.length > 0 || result.qsubs.length > 0;
    }
    const length = this.#encodeScratch(subject);
    const scratch = this.#scratch;
    if (this.#cache !== null) {
      const slot = this.#cache.slotOf(scratch, 0, length, hashBytes(scratch, 0, length));
      if (slot >= 0) {
        const result = this.#cache.resultAt(slot);
        return result.psubs.length > 0 || result.qsubs.length > 0;
      }
    }
    const count = this.#tokenize(scratch, 0, length);
    return count > 0 && this.#levelHasInterest(scratch, this.#root, 0, count);
  }

  /** Every subscription held (for monitoring and interest replication). */
  all(): S[] {
    const subs: S[] = [];
    this.#collectAll(this.#root, subs);
    return subs;
  }

  /** Counters for this sublist (summable with {@link addSublistCounters}). */
  counters(): SublistCounters {
    let totalFanout = 0;
    let maxFanout = 0;
    const cache = this.#cache;
    if (cache !== null) {
      for (let slot = 0; slot < cache.capacity; slot++) {
        if (!cache.isLive(slot)) continue;
        const result = cache.resultAt(slot);
        const fanout = result.psubs.length + result.qsubs.length;
        totalFanout += fanout;
        if (fanout > maxFanout) maxFanout = fanout;
      }
    }
    return {
      subscriptions: this.#count,
      cacheEntries: cache === null ? 0 : cache.size,
      inserts: this.#inserts,
      removes: this.#removes,
      matches: this.#matches,
      cacheHits: this.#cacheHits,
      totalFanout,
      maxFanout,
    };
  }

  /** Statistics with nats-server's JSON field names, as `Sublist.Stats()`. */
  localStats(): SublistStats {
    return sublistStats(this.counters());
  }

  /** Puts a subscription's subject bytes into the scratch buffer; returns the byte length. */
  #encodeSub(sub: S): number {
    const bytes = sub.subjectBytes;
    if (bytes === undefined) return this.#encodeScratch(sub.subject);
    if (this.#scratch.length < bytes.length) this.#scratch = new Uint8Array(bytes.length * 2);
    this.#scratch.set(bytes);
    return bytes.length;
  }

  /** UTF-8 encodes `subject` into the scratch buffer; returns the byte length. */
  #encodeScratch(subject: string): number {
    const length = subject.length;
    if (this.#scratch.length < length * 3) this.#scratch = new Uint8Array(length * 3);
    const scratch = this.#scratch;
    for (let i = 0; i < length; i++) {
      const c = subject.charCodeAt(i);
      if (c >= 0x80) return encoder.encodeInto(subject, scratch).written;
      scratch[i] = c;
    }
    return length;
  }

  /**
   * Splits `buf[start..end)` into the scratch token table, hashing each token; returns the token
   * count, or -1 when a token is empty. Sets `#tokensLiteral` (no `*` or `>` token).
   */
  #tokenize(buf: Uint8Array, start: number, end: number): number {
    this.#tokensLiteral = false;
    if (start >= end) return -1;
    let count = 0;
    let tokenStart = start;
    let hash = FNV_OFFSET;
    let literal = true;
    for (let i = start; i <= end; i++) {
      if (i < end && buf[i] !== DOT) {
        hash = Math.imul(hash ^ buf[i], FNV_PRIME);
        continue;
      }
      if (i === tokenStart) return -1;
      if (i - tokenStart === 1 && (buf[tokenStart] === STAR || buf[tokenStart] === GT)) {
        literal = false;
      }
      if (count === this.#tokenStarts.length) this.#growTokens();
      this.#tokenStarts[count] = tokenStart;
      this.#tokenEnds[count] = i;
      this.#tokenHashes[count] = hash & TOKEN_HASH_MASK;
      count++;
      tokenStart = i + 1;
      hash = FNV_OFFSET;
    }
    this.#tokensLiteral = literal;
    return count;
  }

  #growTokens(): void {
    const size = this.#tokenStarts.length * 2;
    const grow = (old: Int32Array) => {
      const next = new Int32Array(size);
      next.set(old);
      return next;
    };
    this.#tokenStarts = grow(this.#tokenStarts);
    this.#tokenEnds = grow(this.#tokenEnds);
    this.#tokenHashes = grow(this.#tokenHashes);
  }

  /** Whether a `>` token, if any, is the last of the `count` scratch tokens of `bytes`. */
  #fwcOnlyLast(bytes: Uint8Array, count: number): boolean {
    for (let i = 0; i + 1 < count; i++) {
      if (this.#tokenEnds[i] - this.#tokenStarts[i] === 1 && bytes[this.#tokenStarts[i]] === GT) {
        return false;
      }
    }
    return true;
  }

  /** Trie walk for `buf[start..end)`, cache bypassed. Leaves `#tokensLiteral` set. */
  #walk(buf: Uint8Array, start: number, end: number): MatchResult<S> {
    const count = this.#tokenize(buf, start, end);
    if (count < 0) return EMPTY_RESULT;
    const psubs: S[] = [];
    const qsubs: S[][] = [];
    this.#collectMatches(buf, this.#root, 0, count, psubs, qsubs);
    if (psubs.length === 0 && qsubs.length === 0) return EMPTY_RESULT;
    return { psubs, qsubs };
  }

  /** Walks scratch tokens `from..count` down from `level` (nats-server `matchLevel`). */
  #collectMatches(
    buf: Uint8Array,
    level: TrieLevel<S> | null,
    from: number,
    count: number,
    psubs: S[],
    qsubs: S[][],
  ): void {
    let node: TrieNode<S> | null = null;
    let pwc: TrieNode<S> | null = null;
    for (let i = from; i < count; i++) {
      if (level === null) return;
      if (level.fwc !== null) addNodeToResult(level.fwc, psubs, qsubs);
      pwc = level.pwc;
      if (pwc !== null && pwc.next !== null) {
        this.#collectMatches(buf, pwc.next, i + 1, count, psubs, qsubs);
      }
      node = level.literalCount === 0 ? null : findLiteral(
        level,
        this.#tokenHashes[i],
        buf,
        this.#tokenStarts[i],
        this.#tokenEnds[i],
      );
      level = node === null ? null : node.next;
    }
    if (node !== null) addNodeToResult(node, psubs, qsubs);
    if (pwc !== null) addNodeToResult(pwc, psubs, qsubs);
  }

  #levelHasInterest(
    buf: Uint8Array,
    level: TrieLevel<S> | null,
    from: number,
    count: number,
  ): boolean {
    let node: TrieNode<S> | null = null;
    let pwc: TrieNode<S> | null = null;
    for (let i = from; i < count; i++) {
      if (level === null) return false;
      if (level.fwc !== null && nodeHasSubs(level.fwc)) return true;
      pwc = level.pwc;
      if (
        pwc !== null && pwc.next !== null && this.#levelHasInterest(buf, pwc.next, i + 1, count)
      ) {
        return true;
      }
      node = findLiteral(
        level,
        this.#tokenHashes[i],
        buf,
        this.#tokenStarts[i],
        this.#tokenEnds[i],
      );
      level = node === null ? null : node.next;
    }
    return (node !== null && nodeHasSubs(node)) || (pwc !== null && nodeHasSubs(pwc));
  }

  #collectAll(level: TrieLevel<S>, subs: S[]): void {
    forEachLiteral(level, (node) => this.#collectNode(node, subs));
    if (level.pwc !== null) this.#collectNode(level.pwc, subs);
    if (level.fwc !== null) this.#collectNode(level.fwc, subs);
  }

  #collectNode(node: TrieNode<S>, subs: S[]): void {
    if (node.psubs !== null) { for (const sub of node.psubs) subs.push(sub); }
    if (node.qsubs !== null) {
      for (const members of node.qsubs.values()) for (const sub of members) subs.push(sub);
    }
    if (node.next !== null) this.#collectAll(node.next, subs);
  }

  /** Removes `sub` from the trie and prunes; false when not held. Does not touch the cache. */
  #removeFromTrie(sub: S, length: number): boolean {
    const bytes = this.#scratch;
    const count = this.#tokenize(bytes, 0, length);
    if (count < 0) return false;
    const levels: TrieLevel<S>[] = [];
    const nodes: TrieNode<S>[] = [];
    let level: TrieLevel<S> | null = this.#root;
    for (let i = 0; i < count; i++) {
      if (level === null) return false;
      const start = this.#tokenStarts[i];
      const end = this.#tokenEnds[i];
      const wildcard = end - start === 1 ? bytes[start] : 0;
      const node: TrieNode<S> | null = wildcard === STAR
        ? level.pwc
        : wildcard === GT
        ? level.fwc
        : findLiteral(level, this.#tokenHashes[i], bytes, start, end);
      if (node === null) return false;
      levels.push(level);
      nodes.push(node);
      level = node.next;
    }
    const node = nodes[count - 1];
    if (sub.queue === null) {
      if (node.psubs === null || !node.psubs.delete(sub)) return false;
      if (node.psubs.size === 0) node.psubs = null;
    } else {
      const groups = node.qsubs;
      const members = groups === null ? undefined : groups.get(sub.queue);
      if (groups === null || members === undefined || !members.delete(sub)) return false;
      if (members.size === 0) {
        groups.delete(sub.queue);
        if (groups.size === 0) node.qsubs = null;
      }
    }
    this.#count--;
    this.#removes++;
    this.#generation++;
    for (let i = count - 1; i >= 0; i--) {
      const empty = nodes[i];
      if (!nodeIsEmpty(empty)) break;
      const parent = levels[i];
      if (parent.pwc === empty) parent.pwc = null;
      else if (parent.fwc === empty) parent.fwc = null;
      else unlinkLiteral(parent, empty);
      if (i > 0 && levelSize(parent) === 0) nodes[i - 1].next = null;
    }
    return true;
  }

  /**
   * Adds `sub` to, or removes it from, every cached result it belongs in. Its subject's bytes are
   * `#scratch[0..length)`.
   */
  #patchCache(sub: S, length: number, literal: boolean, add: boolean): void {
    const cache = this.#cache;
    if (cache === null || cache.size === 0) return;
    const bytes = this.#scratch;
    if (literal) {
      const slot = cache.slotOf(bytes, 0, length, hashBytes(bytes, 0, length));
      if (slot >= 0) this.#patchSlot(cache, slot, sub, add);
      return;
    }
    for (let slot = 0; slot < CACHE_MAX; slot++) {
      if (!cache.isLive(slot)) continue;
      const key = cache.keyBufferAt(slot);
      const keyStart = cache.keyOffsetAt(slot);
      if (subjectMatchesBytes(bytes, length, key, keyStart, keyStart + cache.keyLengthAt(slot))) {
        this.#patchSlot(cache, slot, sub, add);
      }
    }
  }

  #patchSlot(cache: MatchCache<MatchResult<S>>, slot: number, sub: S, add: boolean): void {
    const result = cache.resultAt(slot);
    cache.replaceAt(slot, add ? resultWithSub(result, sub) : resultWithoutSub(result, sub));
  }
}
