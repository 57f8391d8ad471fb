/**
 * @module
 * The leader's commit rule, acknowledgement by acknowledgement: only current-term entries are
 * committed by counting (RAFT's Figure 8 rule), earlier ones with them, and acknowledgements
 * whose term disagrees with our entry at their index count for nothing.
 */
import assert from "node:assert/strict";
import { MemoryLog } from "./log.ts";
import { RaftNode, type RaftOutput } from "./node.ts";
import { encodeVoteResponse } from "./vote_wire.ts";
import { encodeAppendEntry, encodeAppendEntryResponse, EntryType } from "./wire.ts";
import { prng } from "./_sim.ts";

const PEERS = ["AAAAAAAA", "BBBBBBBB", "CCCCCCCC"];

/** A log holding two entries from term 1 that were never committed. */
function oldLog(): MemoryLog {
  const log = new MemoryLog();
  for (let index = 1; index <= 2; index++) {
    const entry = {
      leader: "CCCCCCCC",
      term: 1,
      commit: 0,
      pterm: index === 1 ? 0 : 1,
      pindex: index - 1,
      entries: [{ type: EntryType.Normal, data: new Uint8Array([index]) }],
    };
    log.append({ index, term: 1, entry, bytes: encodeAppendEntry(entry) });
  }
  log.saveTermVote({ term: 1, vote: "CCCCCCCC" });
  return log;
}

/** Elects node A in term 2 and returns it with its append reply inbox. */
function electA(log: MemoryLog): { node: RaftNode; appendReply: string } {
  const node = new RaftNode({ group: "G", id: PEERS[0], peers: PEERS, log, random: prng(3) });
  const subs = node.start(0).flatMap((o) => o.kind === "subscribe" ? [o.subject] : []);
  const out = node.tick(node.nextDeadline());
  const request = out.find((o) => o.kind === "send");
  assert.ok(request && request.kind === "send");
  node.step(10_000, {
    subject: request.reply,
    reply: "",
    data: encodeVoteResponse({ term: 2, peer: "BBBBBBBB", granted: true }),
  });
  assert.equal(node.state, "LEADER");
  assert.equal(node.term, 2);
  return { node, appendReply: subs[3] };
}

function ack(node: RaftNode, reply: string, term: number, index: number): RaftOutput[] {
  return node.step(10_001, {
    subject: reply,
    reply: "",
    data: encodeAppendEntryResponse({ term, index, peer: "BBBBBBBB", success: true }),
  });
}

Deno.test("entries of an earlier term are not committed by counting acknowledgements", () => {
  const log = oldLog();
  const { node, appendReply } = electA(log);
  // Taking over appended the peer state at index 3 in term 2.
  assert.equal(node.lastIndex, 3);
  assert.equal(log.termAt(3), 2);
  // B holds index 2 (term 1): with us that is a majority, but term 1 is not ours.
  ack(node, appendReply, 1, 2);
  assert.equal(node.commit, 0);
  // B holds index 3 (term 2): commits 3 and, with it, 1 and 2.
  const out = ack(node, appendReply, 2, 3);
  assert.equal(node.commit, 3);
  const applied = out.flatMap((o) => o.kind === "apply" ? [o.index] : []);
  assert.deepEqual(applied, [1, 2]);
});

Deno.test("an acknowledgement whose term differs from our entry at its index is ignored", () => {
  const { node, appendReply } = electA(oldLog());
  ack(node, appendReply, 7, 3);
  assert.equal(node.commit, 0);
  ack(node, appendReply, 2, 5); // beyond our log
  assert.equal(node.commit, 0);
  ack(node, appendReply, 2, 3);
  assert.equal(node.commit, 3);
});

Deno.test("a commit is followed by a heartbeat carrying the new commit index", () => {
  const { node, appendReply } = electA(oldLog());
  const out = ack(node, appendReply, 2, 3);
  const hb = out.find((o) => o.kind === "send" && o.subject === "$NRG.AE.G");
  assert.ok(hb && hb.kind === "send");
  assert.equal(hb.data.length, 42);
  assert.equal(hb.data[16], 3); // commit field at offset 16
});
