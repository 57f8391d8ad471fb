/**
 * @module
 * Unit tests for the trie level index: literal lookups in list and map mode, hash collisions
 * (forced with chosen hashes), unlinking, and conversion from list to map.
 */

import assert from "node:assert/strict";
import {
  addLiteral,
  byteString,
  findLiteral,
  forEachLiteral,
  levelSize,
  TrieLevel,
  TrieNode,
  unlinkLiteral,
} from "./trie.ts";

const encoder = new TextEncoder();

function find(level: TrieLevel<string>, token: string, hash: number): TrieNode<string> | null {
  const bytes = encoder.encode(`.${token}.`);
  return findLiteral(level, hash, bytes, 1, bytes.length - 1);
}

function tokens(level: TrieLevel<string>): string[] {
  const found: string[] = [];
  forEachLiteral(level, (node) => found.push(node.token));
  return found.sort();
}

for (const size of [3, 40]) {
  const mode = size <= 8 ? "list" : "map";
  Deno.test(`a trie level in ${mode} mode finds, chains and unlinks literal tokens`, () => {
    const level = new TrieLevel<string>();
    const nodes: TrieNode<string>[] = [];
    for (let i = 0; i < size; i++) {
      // Pairs of tokens share a hash, to force collision chains.
      const node = new TrieNode<string>(`tok${i}`, Math.floor(i / 2));
      addLiteral(level, node);
      nodes.push(node);
    }
    assert.equal(level.literalCount, size);
    assert.equal(levelSize(level), size);
    assert.equal(level.map === null, size <= 8);
    for (let i = 0; i < size; i++) {
      assert.equal(find(level, `tok${i}`, Math.floor(i / 2)), nodes[i]);
    }
    assert.equal(find(level, "tok1", 7), null, "right token, wrong hash");
    assert.equal(find(level, "tok", 0), null, "prefix of a token");
    assert.equal(find(level, "tok00", 0), null, "longer token");
    for (let i = 0; i < size; i += 3) unlinkLiteral(level, nodes[i]);
    unlinkLiteral(level, nodes[0]);
    const kept = nodes.filter((_, i) => i % 3 !== 0);
    assert.equal(level.literalCount, kept.length);
    assert.deepEqual(tokens(level), kept.map((node) => node.token).sort());
    for (let i = 0; i < size; i++) {
      const expected = i % 3 === 0 ? null : nodes[i];
      assert.equal(find(level, `tok${i}`, Math.floor(i / 2)), expected, `tok${i}`);
    }
    for (const node of kept) unlinkLiteral(level, node);
    assert.equal(level.literalCount, 0);
    assert.equal(level.map, null);
    assert.deepEqual(tokens(level), []);
  });
}

Deno.test("byteString keeps one char per byte, also for long and non-ASCII tokens", () => {
  const bytes = encoder.encode("ü.x");
  assert.equal(byteString(bytes, 0, 2), "\u00c3\u00bc");
  const long = new Uint8Array(10_000).fill(0x61);
  assert.equal(byteString(long, 0, long.length), "a".repeat(10_000));
});
