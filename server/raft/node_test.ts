/**
 * @module
 * The node's protocol behaviour, message by message: elections and nats-server's vote rules,
 * heartbeats, stale terms, catch-up, leader transfer, membership changes, snapshots, forwarded
 * proposals, observers and the lost-quorum step-down (raft.go 2.9.10).
 */
import assert from "node:assert/strict";
import { Harness, IDS } from "./_harness.ts";
import { MemoryLog } from "./log.ts";
import { RaftError, RaftNode } from "./node.ts";
import { decodeVoteResponse, encodeVoteRequest } from "./vote_wire.ts";
import {
  decodeAppendEntry,
  decodeAppendEntryResponse,
  encodeAppendEntry,
  EntryType,
} from "./wire.ts";
import { prng } from "./_sim.ts";

const text = (s: string) => new TextEncoder().encode(s);

function lone(log = new MemoryLog(), peers = [IDS[0], IDS[1], IDS[2]]) {
  const node = new RaftNode({ group: "G", id: IDS[0], peers, log, random: prng(7) });
  const start = node.start(0);
  return { node, start, log };
}

Deno.test("a node subscribes to the group's vote and append subjects and its two reply inboxes", () => {
  const { start } = lone();
  const subjects = start.filter((o) => o.kind === "subscribe").map((o) =>
    o.kind === "subscribe" ? o.subject : ""
  );
  assert.equal(subjects[0], "$NRG.V.G");
  assert.equal(subjects[1], "$NRG.AE.G");
  assert.match(subjects[2], /^\$NRG\.R\.[0-9A-Za-z]{8}$/);
  assert.match(subjects[3], /^\$NRG\.R\.[0-9A-Za-z]{8}$/);
});

Deno.test("the first election timeout is between 4 and 9 seconds", () => {
  for (let seed = 0; seed < 50; seed++) {
    const node = new RaftNode({
      group: "G",
      id: IDS[0],
      peers: IDS.slice(0, 3),
      log: new MemoryLog(),
      random: prng(seed),
    });
    node.start(1000);
    const at = node.nextDeadline();
    assert.ok(at >= 5000 && at < 10_000, `deadline ${at}`);
  }
});

Deno.test("a candidate asks for votes with its term, last term, last index and id", () => {
  const { node } = lone();
  const out = node.tick(node.nextDeadline());
  assert.equal(node.state, "CANDIDATE");
  assert.equal(node.term, 1);
  const req = out.find((o) => o.kind === "send");
  assert.ok(req && req.kind === "send");
  assert.equal(req.subject, "$NRG.V.G");
  assert.match(req.reply, /^\$NRG\.R\./);
  assert.deepEqual([...req.data], [
    ...[1, 0, 0, 0, 0, 0, 0, 0],
    ...[0, 0, 0, 0, 0, 0, 0, 0],
    ...[0, 0, 0, 0, 0, 0, 0, 0],
    ...text(IDS[0]),
  ]);
});

Deno.test("votes follow raft.go: stale terms, double votes and a shorter or older log are refused", () => {
  const h = new Harness(3);
  const leader = h.elect();
  h.handle(leader, leader.node.propose(h.now, text("x")));
  h.flush();
  const follower = h.nodes.find((tn) => tn !== leader)!;
  const { lastTerm, lastIndex, term } = follower.node;
  const ask = (t: number, lt: number, li: number, who: string) => {
    const out = follower.node.step(h.now, {
      subject: "$NRG.V.G",
      reply: "$NRG.R.CANDREPL",
      data: encodeVoteRequest({ term: t, lastTerm: lt, lastIndex: li, candidate: who }),
    });
    const send = out.find((o) => o.kind === "send");
    assert.ok(send && send.kind === "send");
    assert.equal(send.subject, "$NRG.R.CANDREPL");
    assert.equal(send.reply, "");
    return decodeVoteResponse(send.data)!;
  };
  // A stale term is refused with our term.
  assert.deepEqual(ask(term - 1, lastTerm, lastIndex, "DDDDDDDD"), {
    term,
    peer: follower.node.id,
    granted: false,
  });
  // Newer term but a shorter log: refused, term adopted.
  assert.equal(ask(term + 1, lastTerm, lastIndex - 1, "DDDDDDDD").granted, false);
  assert.equal(follower.node.term, term + 1);
  // Higher last term but a lower last index: raft.go wants both >=, so refused.
  assert.equal(ask(term + 1, lastTerm + 1, lastIndex - 1, "DDDDDDDD").granted, false);
  // Up to date: granted; the same candidate again: granted; another one in that term: refused.
  assert.equal(ask(term + 1, lastTerm, lastIndex, "DDDDDDDD").granted, true);
  assert.equal(ask(term + 1, lastTerm, lastIndex, "DDDDDDDD").granted, true);
  assert.equal(ask(term + 1, lastTerm, lastIndex + 5, "EEEEEEEE").granted, false);
  assert.deepEqual(follower.log.termVote(), { term: term + 1, vote: "DDDDDDDD" });
});

Deno.test("a 3-node group elects one leader that replicates and applies in order", () => {
  const h = new Harness(3);
  const leader = h.elect();
  assert.equal(h.nodes.filter((tn) => tn.node.state === "LEADER").length, 1);
  for (const tn of h.nodes) assert.equal(tn.node.leader, leader.node.id);
  for (let i = 0; i < 10; i++) h.handle(leader, leader.node.propose(h.now, text(`m${i}`)));
  h.flush();
  for (const tn of h.nodes) {
    assert.deepEqual(h.payloads(tn), Array.from({ length: 10 }, (_, i) => `m${i}`));
    assert.equal(tn.node.commit, leader.node.commit);
  }
  // The leader's first entry is its peer state (raft.go sendPeerState on taking over).
  const first = leader.log.get(1)!.entry;
  assert.equal(first.entries[0].type, EntryType.PeerState);
});

Deno.test("an idle leader sends a 42-byte heartbeat every second to $NRG.AE.<group>", () => {
  const h = new Harness(3);
  const leader = h.elect();
  h.advance(2000);
  const before = leader.sent.length;
  h.advance(3000);
  const beats = leader.sent.slice(before).filter((s) => s.subject === "$NRG.AE.G");
  assert.ok(beats.length >= 2 && beats.length <= 4, `${beats.length} heartbeats in 3 s`);
  for (const b of beats) {
    assert.equal(b.data.length, 42);
    assert.equal(b.reply, [...leader.subjects].find((s) => b.reply === s));
    assert.equal(decodeAppendEntry(b.data).leader, leader.node.id);
  }
});

Deno.test("an append entry from an older term is refused with the follower's term", () => {
  const h = new Harness(3);
  const leader = h.elect();
  const follower = h.nodes.find((tn) => tn !== leader)!;
  const out = follower.node.step(h.now, {
    subject: "$NRG.AE.G",
    reply: "$NRG.R.OLDLEADR",
    data: encodeAppendEntry({
      leader: "ZZZZZZZZ",
      term: 0,
      commit: 0,
      pterm: 0,
      pindex: 0,
      entries: [],
    }),
  });
  const send = out.find((o) => o.kind === "send");
  assert.ok(send && send.kind === "send");
  assert.equal(send.subject, "$NRG.R.OLDLEADR");
  assert.deepEqual(decodeAppendEntryResponse(send.data), {
    term: follower.node.term,
    index: follower.node.lastIndex,
    peer: follower.node.id,
    success: false,
  });
  assert.equal(follower.node.leader, leader.node.id);
});

Deno.test("a lagging follower asks on a $NRG.CR inbox and is caught up from the leader's log", () => {
  const h = new Harness(3);
  const leader = h.elect();
  const lagging = h.nodes.find((tn) => tn !== leader)!;
  lagging.cut = true;
  for (let i = 0; i < 30; i++) h.handle(leader, leader.node.propose(h.now, text(`m${i}`)));
  h.flush();
  lagging.cut = false;
  h.advance(2500); // the next heartbeat reveals the gap
  const ask = lagging.sent.find((s) => s.reply.startsWith("$NRG.CR."));
  assert.ok(ask, "no catch-up request");
  assert.equal(decodeAppendEntryResponse(ask.data)?.success, false);
  assert.ok(h.until(() => lagging.node.commit === leader.node.commit, 5000));
  assert.deepEqual(h.payloads(lagging), h.payloads(leader));
  assert.equal(lagging.node.catchingUp, false);
});

Deno.test("a follower behind the leader's snapshot gets [Snapshot, PeerState] first", () => {
  const h = new Harness(3);
  const leader = h.elect();
  const lagging = h.nodes.find((tn) => tn !== leader)!;
  lagging.cut = true;
  for (let i = 0; i < 20; i++) h.handle(leader, leader.node.propose(h.now, text(`m${i}`)));
  h.flush();
  leader.node.installSnapshot(text("STATE@" + leader.node.appliedIndex));
  const snapIndex = leader.log.snapshot()!.lastIndex;
  assert.ok(leader.log.firstIndex() > 1);
  for (let i = 20; i < 25; i++) h.handle(leader, leader.node.propose(h.now, text(`m${i}`)));
  h.flush();
  lagging.cut = false;
  assert.ok(h.until(() => lagging.node.commit === leader.node.commit, 8000));
  const snap = lagging.applied.find((a) => a.entries[0].type === EntryType.Snapshot);
  assert.ok(snap, "no snapshot applied");
  assert.equal(snap.index, snapIndex);
  assert.equal(new TextDecoder().decode(snap.entries[0].data), `STATE@${snapIndex}`);
  assert.deepEqual(h.payloads(lagging).slice(-5), ["m20", "m21", "m22", "m23", "m24"]);
  assert.equal(lagging.log.snapshot()?.lastIndex, snapIndex);
});

Deno.test("stepping down names a live follower in a LeaderTransfer entry and it takes over", () => {
  const h = new Harness(3);
  const leader = h.elect();
  const target = h.nodes.find((tn) => tn !== leader)!;
  h.handle(leader, leader.node.stepDown(h.now, target.node.id));
  const xfer = leader.sent.at(-1)!;
  const ae = decodeAppendEntry(xfer.data);
  assert.equal(ae.entries[0].type, EntryType.LeaderTransfer);
  assert.equal(new TextDecoder().decode(ae.entries[0].data), target.node.id);
  assert.equal(leader.node.state, "FOLLOWER");
  h.flush();
  h.advance(100); // the target campaigns after 10 ms, not after 4-9 s
  assert.equal(target.node.state, "LEADER");
  assert.throws(() => leader.node.stepDown(h.now), RaftError);
});

Deno.test("proposals off the leader throw, and forwarded ones arrive on $NRG.P.<group>", () => {
  const h = new Harness(3);
  const leader = h.elect();
  const follower = h.nodes.find((tn) => tn !== leader)!;
  assert.throws(() => follower.node.propose(h.now, text("no")), /raft: not leader/);
  const out = follower.node.forwardProposal(h.now, text("fwd"));
  assert.deepEqual(out.map((o) => o.kind === "send" && o.subject), ["$NRG.P.G"]);
  h.handle(follower, out);
  h.flush();
  for (const tn of h.nodes) assert.deepEqual(h.payloads(tn), ["fwd"]);
});

Deno.test("removing and adding peers changes the cluster size on every member", () => {
  const h = new Harness(5);
  const leader = h.elect();
  const gone = h.nodes.find((tn) => tn !== leader)!;
  const follower = h.nodes.find((tn) => tn !== leader && tn !== gone)!;
  // Removal can be asked on a follower: forwarded to $NRG.RP.<group>.
  const out = follower.node.proposeRemovePeer(h.now, gone.node.id);
  assert.deepEqual(out.map((o) => o.kind === "send" && o.subject), ["$NRG.RP.G"]);
  h.handle(follower, out);
  h.flush();
  for (const tn of h.nodes.filter((tn) => tn !== gone)) {
    assert.equal(tn.node.clusterSize, 4, tn.node.id);
    assert.equal(tn.node.quorum, 3);
    assert.ok(tn.applied.some((a) => a.entries[0].type === EntryType.RemovePeer));
  }
  h.handle(leader, leader.node.proposeAddPeer(h.now, "NEWPEER1"));
  h.flush();
  for (const tn of h.nodes.filter((tn) => tn !== gone)) assert.equal(tn.node.clusterSize, 5);
});

Deno.test("a new server that answers the leader is proposed as a peer and caught up", () => {
  const h = new Harness(3);
  const leader = h.elect();
  for (let i = 0; i < 5; i++) h.handle(leader, leader.node.propose(h.now, text(`m${i}`)));
  h.flush();
  const fresh = h.add("NEWPEER1", IDS.slice(0, 3));
  assert.ok(
    h.until(() => fresh.node.commit >= leader.node.commit && leader.node.clusterSize === 4),
  );
  assert.deepEqual(h.payloads(fresh), ["m0", "m1", "m2", "m3", "m4"]);
  assert.ok(h.until(() => h.nodes.every((tn) => tn.node.clusterSize === 4), 5000));
});

Deno.test("observers replicate and vote but never campaign", () => {
  const h = new Harness(3, { observers: [0, 1] });
  const leader = h.elect();
  assert.equal(leader, h.nodes[2]);
  leader.cut = true;
  h.advance(60_000);
  assert.equal(h.nodes[0].node.state, "FOLLOWER");
  assert.equal(h.nodes[1].node.state, "FOLLOWER");
});

Deno.test("a leader that hears from no quorum for 10 s steps down", () => {
  const h = new Harness(3);
  const leader = h.elect();
  for (const tn of h.nodes) if (tn !== leader) tn.cut = true;
  const cutAt = h.now;
  assert.ok(h.until(() => leader.node.state !== "LEADER", 25_000));
  assert.ok(
    h.now - cutAt >= 9000 && h.now - cutAt <= 21_000,
    `stepped down after ${h.now - cutAt}`,
  );
});

Deno.test("a leader that sees a newer leader's append entry steps down to it", () => {
  const h = new Harness(3);
  const leader = h.elect();
  leader.node.step(h.now, {
    subject: "$NRG.AE.G",
    reply: "$NRG.R.NEWLEADR",
    data: encodeAppendEntry({
      leader: "ZZZZZZZZ",
      term: leader.node.term + 3,
      commit: 0,
      pterm: 0,
      pindex: 0,
      entries: [],
    }),
  });
  assert.equal(leader.node.state, "FOLLOWER");
  assert.equal(leader.node.leader, "ZZZZZZZZ");
});

Deno.test("a restarted node keeps its term, vote, log and snapshot", () => {
  const h = new Harness(3);
  const leader = h.elect();
  for (let i = 0; i < 5; i++) h.handle(leader, leader.node.propose(h.now, text(`m${i}`)));
  h.flush();
  const tn = h.nodes.find((t) => t !== leader)!;
  tn.node.installSnapshot(text("SNAP"));
  const { term, lastIndex } = tn.node;
  const again = new RaftNode({
    group: "G",
    id: tn.node.id,
    peers: IDS.slice(0, 3),
    log: tn.log,
    random: prng(1),
  });
  const out = again.start(h.now);
  assert.equal(again.term, term);
  assert.equal(again.lastIndex, lastIndex);
  const apply = out.find((o) => o.kind === "apply");
  assert.ok(apply && apply.kind === "apply");
  assert.equal(new TextDecoder().decode(apply.entries[0].data), "SNAP");
  assert.equal(again.commit, tn.log.snapshot()!.lastIndex);
});

Deno.test("current, quorum and peer reports follow raft.go's Current, Quorum and Peers", () => {
  const h = new Harness(3);
  assert.equal(h.nodes[0].node.hadPreviousLeader, false);
  const leader = h.elect();
  h.handle(leader, leader.node.propose(h.now, text("x")));
  h.flush();
  h.advance(1100);
  const follower = h.nodes.find((tn) => tn !== leader)!;
  assert.equal(leader.node.isCurrent(h.now), true);
  assert.equal(follower.node.isCurrent(h.now), true);
  assert.equal(follower.node.hadPreviousLeader, true);
  assert.equal(leader.node.hasQuorum(h.now), true);
  const report = leader.node.peerReport();
  assert.equal(report.length, 3);
  for (const p of report) assert.equal(p.lag, 0, p.id);
  // Cut off from the leader, a follower stops being current after two heartbeats.
  follower.cut = true;
  h.now += 2500;
  assert.equal(follower.node.isCurrent(h.now), false);
  assert.equal(leader.node.hasQuorum(h.now), true);
});

Deno.test("with nats-server's default timing a gap asks for one catch-up at once", () => {
  const h = new Harness(3);
  const leader = h.elect();
  const lagging = h.nodes.find((tn) => tn !== leader)!;
  lagging.cut = true;
  for (let i = 0; i < 3; i++) h.handle(leader, leader.node.propose(h.now, text(`m${i}`)));
  h.flush();
  lagging.cut = false;
  const before = lagging.sent.length;
  h.handle(leader, leader.node.propose(h.now, text("next")));
  h.flush();
  const asks = lagging.sent.slice(before).filter((s) => s.reply.startsWith("$NRG.CR."));
  assert.equal(asks.length, 1);
  assert.deepEqual(h.payloads(lagging), ["m0", "m1", "m2", "next"]);
});

Deno.test("a paused follower replicates but applies only when resumed, in order", () => {
  const h = new Harness(3);
  const leader = h.elect();
  const follower = h.nodes.find((tn) => tn !== leader)!;
  h.handle(follower, follower.node.pauseApply(h.now));
  assert.throws(() => leader.node.pauseApply(h.now), /raft: already leader/);
  for (let i = 0; i < 4; i++) h.handle(leader, leader.node.propose(h.now, text(`m${i}`)));
  h.flush();
  h.advance(1500);
  assert.deepEqual(h.payloads(follower), []);
  assert.equal(follower.node.lastIndex, leader.node.lastIndex);
  h.handle(follower, follower.node.resumeApply(h.now));
  assert.deepEqual(h.payloads(follower), ["m0", "m1", "m2", "m3"]);
  assert.equal(follower.node.commit, leader.node.commit);
});

Deno.test("a cold-booting group's expected size can be adjusted, to 2 at least", () => {
  const node = new RaftNode({
    group: "G",
    id: IDS[0],
    peers: [IDS[0]],
    clusterSize: 4,
    log: new MemoryLog(),
    random: prng(3),
  });
  node.start(0);
  assert.equal(node.clusterSize, 4);
  assert.equal(node.quorum, 3);
  assert.equal(node.adjustBootClusterSize(1), true);
  assert.equal(node.clusterSize, 2, "the bootstrap floor");
  assert.equal(node.quorum, 2);
  assert.equal(node.adjustBootClusterSize(3), true);
  assert.equal(node.quorum, 2);
});

Deno.test("a new group's campaigning member retries unanswered elections after about a second, five times", () => {
  const { node } = lone();
  node.campaign(0);
  let at = node.nextDeadline();
  assert.ok(at >= 100 && at < 800, `first campaign at ${at}`);
  node.tick(at);
  assert.equal(node.state, "CANDIDATE");
  for (let term = 2; term <= 6; term++) {
    const next = node.nextDeadline();
    assert.ok(next - at >= 1100 && next - at < 1800, `term ${term} after ${next - at} ms`);
    node.tick(next);
    assert.equal(node.term, term);
    at = next;
  }
  const next = node.nextDeadline();
  assert.ok(next - at >= 4000 && next - at < 9000, `then the election timeout: ${next - at} ms`);
});

Deno.test("a campaign in a group that already had a term waits election timeouts on failure", () => {
  const { node } = lone();
  node.tick(node.nextDeadline()); // an election of its own: term 1, unanswered
  assert.equal(node.term, 1);
  const now = node.nextDeadline() - 1;
  node.campaign(now);
  const at = node.nextDeadline();
  node.tick(at);
  assert.equal(node.term, 2);
  const next = node.nextDeadline();
  assert.ok(next - at >= 4000 && next - at < 9000, `${next - at} ms`);
});
