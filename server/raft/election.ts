/**
 * @module
 * Elections: campaigning, answering vote requests and counting votes, following nats-server
 * 2.9.10 `server/raft.go` (`switchToCandidate`, `requestVote`, `processVoteRequest`,
 * `runAsCandidate`, `switchToLeader`). A vote is granted when the candidate's term is current,
 * we have not voted for someone else in it, and its last log term AND last log index are both at
 * least ours (raft.go's comparison). Votes are counted once per peer, and only from members.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { type RaftCore, RaftState } from "./core.ts";
import { sendPeerState } from "./leader.ts";
import { newReplyInbox } from "./subjects.ts";
import {
  decodeVoteRequest,
  decodeVoteResponse,
  encodeVoteRequest,
  encodeVoteResponse,
} from "./vote_wire.ts";

/** The wait for votes before an eager election starts again (plus a campaign delay). */
const EAGER_RETRY_MS = 1000;

/** Starts an election: next term, vote for ourselves, ask everyone (raft.go switchToCandidate). */
export function campaign(core: RaftCore, now: number): void {
  core.term++;
  core.vote = core.id;
  core.log.saveTermVote({ term: core.term, vote: core.id });
  core.state = RaftState.Candidate;
  core.leader = "";
  core.transferring = false;
  core.votes = new Set([core.id]);
  core.resetElectionTimeout(now);
  if (core.eagerElections > 0) {
    // A new group's first campaigns: try again soon when the votes do not come (core.ts).
    core.eagerElections--;
    core.electionDeadline = now + EAGER_RETRY_MS +
      core.randomBetween(core.timing.minCampaign, core.timing.maxCampaign);
  }
  core.emitState();
  core.out.push({ kind: "unsubscribe", subject: core.voteReply });
  core.voteReply = newReplyInbox(core.random);
  core.out.push({ kind: "subscribe", subject: core.voteReply });
  core.send(
    core.voteSubject,
    core.voteReply,
    encodeVoteRequest({
      term: core.term,
      lastTerm: core.pterm,
      lastIndex: core.pindex,
      candidate: core.id,
    }),
  );
  if (core.votes.size >= core.quorum) becomeLeader(core, now);
}

/** Answers a vote request (raft.go processVoteRequest). */
export function onVoteRequest(core: RaftCore, now: number, data: Uint8Array, reply: string): void {
  const vr = decodeVoteRequest(data);
  if (!vr || vr.candidate === core.id) return;
  core.touchPeer(vr.candidate, now);
  if (vr.term > core.term) {
    core.setTerm(vr.term);
    if (core.state !== RaftState.Follower) core.becomeFollower("", now);
    else core.emitState();
  }
  let granted = false;
  if (vr.term === core.term) {
    const voteOk = core.vote === "" || core.vote === vr.candidate;
    if (voteOk && vr.lastTerm >= core.pterm && vr.lastIndex >= core.pindex) {
      granted = true;
      core.vote = vr.candidate;
      core.log.saveTermVote({ term: core.term, vote: core.vote });
      if (!core.transferring) core.resetElectionTimeout(now);
    }
  }
  core.send(reply, "", encodeVoteResponse({ term: core.term, peer: core.id, granted }));
}

/** Counts a vote response (raft.go runAsCandidate / handleVoteResponse). */
export function onVoteResponse(core: RaftCore, now: number, data: Uint8Array): void {
  const vr = decodeVoteResponse(data);
  if (!vr) return;
  if (vr.term > core.term) {
    core.setTerm(vr.term);
    core.becomeFollower("", now);
    return;
  }
  if (core.state !== RaftState.Candidate) {
    if (core.state === RaftState.Leader) core.touchPeer(vr.peer, now);
    return;
  }
  core.touchPeer(vr.peer, now);
  // Only members' votes count: a server that is not (yet) a member would otherwise let an
  // old-configuration minority elect a leader during a membership change.
  // raft.go answers with the voter's term from before our request raised it, so a grant may
  // carry an older term (runAsCandidate: granted && nterm >= vresp.term); the per-campaign
  // inbox guarantees it answers this campaign.
  if (!vr.granted || vr.term > core.term) return;
  // While a new group still has fewer known members than its expected size (a meta group
  // bootstrapping from its configured routes), any server's vote counts, as in raft.go.
  if (!core.peers.get(vr.peer)?.known && core.knownPeers().length >= core.clusterSize) return;
  core.votes.add(vr.peer);
  if (core.votes.size >= core.quorum) becomeLeader(core, now);
}

/** Takes leadership and announces the peer state as our first entry (raft.go switchToLeader). */
export function becomeLeader(core: RaftCore, now: number): void {
  core.state = RaftState.Leader;
  core.eagerElections = 0;
  core.leader = core.id;
  core.transferring = false;
  core.votes.clear();
  core.cancelCatchup();
  core.pending.clear();
  core.gapSince = Infinity;
  core.electionDeadline = Infinity;
  core.progress.clear();
  for (const [peer, info] of core.peers) {
    info.matchIndex = peer === core.id ? core.pindex : 0;
    if (peer !== core.id && info.lastSeen === 0) info.lastSeen = now;
  }
  core.heartbeatAt = now + core.timing.heartbeat;
  core.quorumCheckAt = now + core.timing.lostQuorum;
  core.emitState();
  core.out.push({ kind: "subscribe", subject: core.proposalSubject });
  core.out.push({ kind: "subscribe", subject: core.removePeerSubject });
  sendPeerState(core, now);
}
