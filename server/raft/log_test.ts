/**
 * @module
 * The memory log against the log conformance suite, and the `tav.idx` term/vote layout.
 */
import assert from "node:assert/strict";
import { logConformance } from "./_log_conformance.ts";
import { decodeTermVote, encodeTermVote, MemoryLog } from "./log.ts";

logConformance("memory log", () => new MemoryLog());

Deno.test("term and vote encode as raft.go's tav.idx: u64 term then the voted id", () => {
  const bytes = encodeTermVote({ term: 258, vote: "VOTER001" });
  assert.deepEqual([...bytes], [2, 1, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode("VOTER001")]);
  assert.deepEqual(decodeTermVote(bytes), { term: 258, vote: "VOTER001" });
  // No vote: only the term is written, and raft.go reads a file that short as nothing.
  assert.equal(encodeTermVote({ term: 5, vote: "" }).length, 8);
  assert.deepEqual(decodeTermVote(encodeTermVote({ term: 5, vote: "" })), { term: 0, vote: "" });
});
