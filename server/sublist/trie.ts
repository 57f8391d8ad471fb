/**
 * @module
 * The sublist's trie: levels with literal nodes found by a 30-bit FNV-1a hash of the token bytes,
 * plus dedicated `*` and `>` slots; nodes hold plain subscriptions and queue groups (nats-server
 * `server/sublist.go`: `level`, `node`). A level with few literals keeps them in a short list;
 * past SMALL_LEVEL it indexes them in a Map by hash (a small-integer key, collisions chained).
 * Most levels (deep subjects, unique inboxes) never pay for a Map.
 * Literal tokens are stored as byte strings (one char per byte) and compared against the subject
 * bytes, so lookups never decode a subject.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

import type { SubscriptionLike } from "./match_result.ts";

/** Chunk size for building byte strings with `String.fromCharCode.apply` (stack-safe). */
const APPLY_CHUNK = 4096;
/** Literal nodes a level keeps in its list before switching to a Map. */
const SMALL_LEVEL = 8;

/** One token position of one subject pattern. */
export class TrieNode<S> {
  /** Next literal node in the level's list, or with the same hash in the level's map. */
  sibling: TrieNode<S> | null = null;
  next: TrieLevel<S> | null = null;
  psubs: Set<S> | null = null;
  qsubs: Map<string, Set<S>> | null = null;
  /** `token` is the token's bytes as a byte string ("" for the wildcard slots). */
  constructor(readonly token: string, readonly hash: number) {}
}

/** The nodes one token deeper than a node (or the root). */
export class TrieLevel<S> {
  /** Literal nodes chained through `sibling`, while there are at most SMALL_LEVEL of them. */
  list: TrieNode<S> | null = null;
  /** Literal nodes by token hash once the level grows past SMALL_LEVEL (then `list` is null). */
  map: Map<number, TrieNode<S>> | null = null;
  literalCount = 0;
  pwc: TrieNode<S> | null = null;
  fwc: TrieNode<S> | null = null;
}

/**
 * `bytes[start..end)` as a byte string: one char (0 to 255) per byte. Goes through a plain array
 * of codes: a Uint8Array view costs more to create than the string.
 */
export function byteString(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  const codes: number[] = [];
  for (let from = start; from < end; from += APPLY_CHUNK) {
    const to = Math.min(end, from + APPLY_CHUNK);
    codes.length = 0;
    for (let i = from; i < to; i++) codes.push(bytes[i]);
    text += String.fromCharCode.apply(null, codes);
  }
  return text;
}

/** The literal node of `level` whose token is `buf[start..end)` with token hash `hash`. */
export function findLiteral<S>(
  level: TrieLevel<S>,
  hash: number,
  buf: Uint8Array,
  start: number,
  end: number,
): TrieNode<S> | null {
  let node = level.map === null ? level.list : level.map.get(hash) ?? null;
  const length = end - start;
  while (node !== null) {
    const token = node.token;
    if (node.hash === hash && token.length === length) {
      let k = 0;
      while (k < length && token.charCodeAt(k) === buf[start + k]) k++;
      if (k === length) return node;
    }
    node = node.sibling;
  }
  return null;
}

/** Adds a new literal node to `level`. */
export function addLiteral<S>(level: TrieLevel<S>, node: TrieNode<S>): void {
  level.literalCount++;
  if (level.map === null && level.literalCount <= SMALL_LEVEL) {
    node.sibling = level.list;
    level.list = node;
    return;
  }
  if (level.map === null) {
    const map = new Map<number, TrieNode<S>>();
    let moving = level.list;
    while (moving !== null) {
      const following: TrieNode<S> | null = moving.sibling;
      moving.sibling = map.get(moving.hash) ?? null;
      map.set(moving.hash, moving);
      moving = following;
    }
    level.list = null;
    level.map = map;
  }
  node.sibling = level.map.get(node.hash) ?? null;
  level.map.set(node.hash, node);
}

/** Removes a literal node from `level` (no-op when absent). */
export function unlinkLiteral<S>(level: TrieLevel<S>, node: TrieNode<S>): void {
  let current = level.map === null ? level.list : level.map.get(node.hash) ?? null;
  let previous: TrieNode<S> | null = null;
  while (current !== null && current !== node) {
    previous = current;
    current = current.sibling;
  }
  if (current === null) return;
  if (previous !== null) previous.sibling = node.sibling;
  else if (level.map === null) level.list = node.sibling;
  else if (node.sibling !== null) level.map.set(node.hash, node.sibling);
  else level.map.delete(node.hash);
  node.sibling = null;
  level.literalCount--;
  if (level.literalCount === 0) level.map = null;
}

/** Calls `visit` for every literal node of `level` (not on hot paths). */
export function forEachLiteral<S>(level: TrieLevel<S>, visit: (node: TrieNode<S>) => void): void {
  for (let node = level.list; node !== null; node = node.sibling) visit(node);
  if (level.map === null) return;
  for (const head of level.map.values()) {
    for (let node: TrieNode<S> | null = head; node !== null; node = node.sibling) visit(node);
  }
}

/** Whether a node holds any subscription itself. */
export function nodeHasSubs<S>(node: TrieNode<S>): boolean {
  return node.psubs !== null || node.qsubs !== null;
}

/** Number of nodes in a level, wildcard slots included. */
export function levelSize<S>(level: TrieLevel<S>): number {
  return level.literalCount + (level.pwc === null ? 0 : 1) + (level.fwc === null ? 0 : 1);
}

/** Whether a node can be pruned: no subscriptions and nothing below it. */
export function nodeIsEmpty<S>(node: TrieNode<S>): boolean {
  return !nodeHasSubs(node) && (node.next === null || levelSize(node.next) === 0);
}

/**
 * Appends a node's subscriptions to a result under construction, merging queue members into the
 * group of the same name (nats-server `addNodeToResults`).
 */
export function addNodeToResult<S extends SubscriptionLike>(
  node: TrieNode<S>,
  psubs: S[],
  qsubs: S[][],
): void {
  if (node.psubs !== null) { for (const sub of node.psubs) psubs.push(sub); }
  if (node.qsubs === null) return;
  for (const [name, members] of node.qsubs) {
    let group: S[] | null = null;
    for (let g = 0; g < qsubs.length; g++) {
      if (qsubs[g][0].queue === name) {
        group = qsubs[g];
        break;
      }
    }
    if (group === null) {
      group = [];
      qsubs.push(group);
    }
    for (const sub of members) group.push(sub);
  }
}
