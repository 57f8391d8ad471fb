/**
 * @module
 * One member of a RAFT group, as a pure state machine: `step(now, message)` and `tick(now)`
 * return what to do (messages to publish, committed entries to apply, role changes,
 * subscriptions). The caller owns sockets and clocks; `nextDeadline()` says when to tick next.
 * Wire formats and the observable protocol follow nats-server 2.9.10 `server/raft.go` so denats
 * nodes can share groups with Go nodes; see core.ts, election.ts, follower.ts and leader.ts.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 *
 * @example
 * ```ts
 * import { RaftNode } from "./node.ts";
 * import { MemoryLog } from "./log.ts";
 * const node = new RaftNode({
 *   group: "G", id: "AAAAAAAA", peers: ["AAAAAAAA"], clusterSize: 1,
 *   log: new MemoryLog(), random: Math.random,
 * });
 * node.start(0);
 * node.campaign(0);
 * node.tick(node.nextDeadline());
 * if (node.state !== "LEADER") throw new Error("a group of one elects itself");
 * ```
 */
import {
  type PeerInfo,
  type RaftConfig,
  RaftCore,
  type RaftOutput,
  RaftState,
  type RaftStateName,
} from "./core.ts";
import { campaign, onVoteRequest, onVoteResponse } from "./election.ts";
import { checkGap, onAppendEntry, retryStalledCatchup } from "./follower.ts";
import { leaderTick, onAppendEntryResponse, sendAppendEntry, stepDown } from "./leader.ts";
import { type Entry, EntryType, ID_LEN } from "./wire.ts";

export { type RaftConfig, type RaftOutput, RaftState, type RaftStateName } from "./core.ts";

/** An inbound message: subject, reply and payload as delivered. */
export interface RaftMessage {
  subject: string;
  reply: string;
  data: Uint8Array;
}

/** Errors with nats-server's texts (raft.go errNotLeader, errAlreadyLeader, ...). */
export class RaftError extends Error {}

const encoder = new TextEncoder();
const FAR_AWAY = 48 * 3600 * 1000;

/** Elections a new group's campaigning member retries quickly (core.ts `eagerElections`). */
const EAGER_ELECTIONS = 5;

/** A RAFT group member. */
export class RaftNode {
  #core: RaftCore;

  constructor(config: RaftConfig) {
    this.#core = new RaftCore(config);
  }

  /** Subscriptions to make, the restored snapshot to apply, the first election timer. */
  start(now: number): RaftOutput[] {
    const core = this.#core;
    for (
      const subject of [core.voteSubject, core.appendSubject, core.voteReply, core.appendReply]
    ) {
      core.out.push({ kind: "subscribe", subject });
    }
    const snap = core.log.snapshot();
    if (snap) {
      core.out.push({
        kind: "apply",
        index: snap.lastIndex,
        entries: [{ type: EntryType.Snapshot, data: snap.data }],
      });
    }
    core.resetElectionTimeout(now);
    return this.#drain();
  }

  /** Handles one message on any of the node's subjects; others are ignored. */
  step(now: number, msg: RaftMessage): RaftOutput[] {
    const core = this.#core;
    switch (msg.subject) {
      case core.appendSubject:
        onAppendEntry(core, now, msg.data, msg.reply, false);
        break;
      case core.appendReply:
        onAppendEntryResponse(core, now, msg.data, msg.reply);
        break;
      case core.voteSubject:
        onVoteRequest(core, now, msg.data, msg.reply);
        break;
      case core.voteReply:
        onVoteResponse(core, now, msg.data);
        break;
      case core.proposalSubject:
        if (core.state === RaftState.Leader) {
          sendAppendEntry(core, now, [{ type: EntryType.Normal, data: msg.data.slice() }]);
        }
        break;
      case core.removePeerSubject:
        if (core.state === RaftState.Leader && msg.data.length === ID_LEN) {
          this.#removePeer(now, new TextDecoder().decode(msg.data));
        }
        break;
      default:
        if (core.catchup && msg.subject === core.catchup.inbox) {
          onAppendEntry(core, now, msg.data, msg.reply, true);
        }
    }
    return this.#drain();
  }

  /** Runs whatever timers are due at `now`. */
  tick(now: number): RaftOutput[] {
    const core = this.#core;
    if (core.state === RaftState.Leader) leaderTick(core, now);
    else if (now >= core.electionDeadline) {
      if (core.observer) core.electionDeadline = now + FAR_AWAY;
      else if (!core.isMember()) core.resetElectionTimeout(now);
      else if (core.catchup && !core.catchupStalled(now)) core.resetElectionTimeout(now);
      else {
        core.cancelCatchup();
        core.pending.clear();
        core.gapSince = Infinity;
        campaign(core, now);
      }
    } else {
      checkGap(core, now);
      retryStalledCatchup(core, now);
    }
    return this.#drain();
  }

  /** The earliest time `tick` has something to do. */
  nextDeadline(): number {
    const core = this.#core;
    if (core.state !== RaftState.Leader) {
      let next = Math.min(core.electionDeadline, core.gapSince + core.timing.reorderWindow);
      if (core.catchup) next = Math.min(next, core.catchup.activeAt + core.timing.catchupStall + 1);
      return next;
    }
    let next = Math.min(core.heartbeatAt, core.quorumCheckAt);
    for (const p of core.progress.values()) {
      next = Math.min(next, p.activeAt + core.timing.catchupStall + 1);
    }
    return next;
  }

  /** Proposes one normal entry (raft.go Propose). Throws when not the leader. */
  propose(now: number, data: Uint8Array): RaftOutput[] {
    return this.proposeEntries(now, [{ type: EntryType.Normal, data }]);
  }

  /** Proposes entries as one append entry (raft.go ProposeDirect). */
  proposeEntries(now: number, entries: Entry[]): RaftOutput[] {
    this.#mustLead();
    sendAppendEntry(this.#core, now, entries);
    return this.#drain();
  }

  /** Proposes on the leader, or forwards to `$NRG.P.<group>` (raft.go ForwardProposal). */
  forwardProposal(now: number, data: Uint8Array): RaftOutput[] {
    if (this.#core.state === RaftState.Leader) return this.propose(now, data);
    this.#core.send(this.#core.proposalSubject, "", data);
    return this.#drain();
  }

  /** Proposes adding a peer (raft.go ProposeAddPeer). */
  proposeAddPeer(now: number, peer: string): RaftOutput[] {
    return this.proposeEntries(now, [{ type: EntryType.AddPeer, data: encoder.encode(peer) }]);
  }

  /**
   * raft.go AdjustBootClusterSize: a group that never had a leader expects `size` members (at
   * least 2) instead of its bootstrap estimate (JetStream servers among routed ones without it).
   * Returns false once a leader is or was known.
   */
  adjustBootClusterSize(size: number): boolean {
    const core = this.#core;
    if (core.leader !== "" || this.hadPreviousLeader) return false;
    core.clusterSize = Math.max(2, size);
    core.quorum = Math.floor(core.clusterSize / 2) + 1;
    return true;
  }

  /** Proposes removing a peer, forwarding to `$NRG.RP.<group>` off the leader. */
  proposeRemovePeer(now: number, peer: string): RaftOutput[] {
    if (this.#core.state === RaftState.Leader) this.#removePeer(now, peer);
    else this.#core.send(this.#core.removePeerSubject, "", encoder.encode(peer));
    return this.#drain();
  }

  /** Steps down, handing over to `preferred` or the most current live peer (raft.go StepDown). */
  stepDown(now: number, preferred = ""): RaftOutput[] {
    this.#mustLead();
    stepDown(this.#core, now, preferred);
    return this.#drain();
  }

  /**
   * Campaigns soon, after 100-800ms (raft.go Campaign). A new group's member (term 0) retries
   * its first elections after about a second instead of an election timeout (core.ts
   * `eagerElections`).
   */
  campaign(now: number): RaftOutput[] {
    const core = this.#core;
    if (core.state === RaftState.Leader) throw new RaftError("raft: already leader");
    if (core.term === 0 && core.leader === "") core.eagerElections = EAGER_ELECTIONS;
    core.electionDeadline = now +
      core.randomBetween(core.timing.minCampaign, core.timing.maxCampaign);
    return this.#drain();
  }

  /**
   * Stops applying committed entries (raft.go PauseApply): the node keeps replicating but holds
   * commits back, and acts as an observer meanwhile. Refused on the leader; a candidate steps
   * down.
   */
  pauseApply(now: number): RaftOutput[] {
    const core = this.#core;
    if (core.state === RaftState.Leader) throw new RaftError("raft: already leader");
    if (core.state === RaftState.Candidate) core.becomeFollower("", now);
    if (!core.paused) {
      core.paused = true;
      core.pausedCommit = core.commit;
      core.pausedObserver = core.observer;
      core.observer = true;
      core.electionDeadline = now + FAR_AWAY;
    }
    return this.#drain();
  }

  /** Applies what was committed while paused and resumes (raft.go ResumeApply). */
  resumeApply(now: number): RaftOutput[] {
    const core = this.#core;
    if (!core.paused) return [];
    core.paused = false;
    core.observer = core.pausedObserver;
    core.commitTo(core.pausedCommit, now, () => {});
    core.pausedCommit = 0;
    core.resetElectionTimeout(now);
    return this.#drain();
  }

  /** Turns observer mode on or off (raft.go setObserver); an observer never campaigns. */
  setObserver(observer: boolean, now: number): void {
    const core = this.#core;
    core.observer = observer;
    if (!observer && core.state !== RaftState.Leader) core.resetElectionTimeout(now);
  }

  /** The state machine has applied up to `index` (raft.go Applied). */
  applied(index: number): void {
    if (index > this.#core.applied) this.#core.applied = index;
  }

  /**
   * Snapshots the state machine at the applied index (or at `at`, at most the applied index)
   * and compacts the log up to it (raft.go InstallSnapshot). Refused while a leader is catching a
   * follower up.
   */
  installSnapshot(data: Uint8Array, at?: number): void {
    const core = this.#core;
    if (core.progress.size > 0) {
      throw new RaftError("raft: snapshot can not be installed while catchups running");
    }
    // `at`: an earlier applied index the data describes (the state persisted up to there).
    const index = at === undefined ? core.applied : Math.min(at, core.applied);
    if (index <= core.log.firstIndex() - 1) return;
    const term = core.log.termAt(index);
    if (index === 0 || term === undefined) return;
    core.log.installSnapshot({
      lastTerm: term,
      lastIndex: index,
      peerState: core.currentPeerState(),
      data: data.slice(),
    });
  }

  get id(): string {
    return this.#core.id;
  }
  get group(): string {
    return this.#core.group;
  }
  get state(): RaftStateName {
    return this.#core.state;
  }
  get term(): number {
    return this.#core.term;
  }
  get leader(): string {
    return this.#core.leader;
  }
  get commit(): number {
    return this.#core.commit;
  }
  get appliedIndex(): number {
    return this.#core.applied;
  }
  /** Index and term of the last log entry (raft.go pindex, pterm). */
  get lastIndex(): number {
    return this.#core.pindex;
  }
  get lastTerm(): number {
    return this.#core.pterm;
  }
  get clusterSize(): number {
    return this.#core.clusterSize;
  }
  get quorum(): number {
    return this.#core.quorum;
  }
  get observer(): boolean {
    return this.#core.observer;
  }
  get catchingUp(): boolean {
    return this.#core.catchup !== undefined;
  }
  /** A leader was known at some point (raft.go HadPreviousLeader). */
  get hadPreviousLeader(): boolean {
    return this.#core.hadLeader;
  }

  /**
   * Leader, or a follower that applied all it committed and heard from its leader within two
   * heartbeats, not catching up (raft.go Current / isCurrent).
   */
  isCurrent(now: number): boolean {
    const core = this.#core;
    if (core.commit === 0 || core.commit !== core.applied) return false;
    if (core.state === RaftState.Leader) return true;
    if (core.catchup || core.leader === "") return false;
    const seen = core.peers.get(core.leader)?.lastSeen ?? 0;
    return seen > 0 && now - seen <= 2 * core.timing.heartbeat;
  }

  /** A quorum was heard from within the lost-quorum interval (raft.go Quorum). */
  hasQuorum(now: number): boolean {
    const core = this.#core;
    let heard = 1;
    for (const [peer, info] of core.peers) {
      if (peer !== core.id && now - info.lastSeen < core.timing.lostQuorum) heard++;
    }
    return heard >= core.quorum;
  }

  /** Per-peer replication report (raft.go Peers: current, last contact, lag behind commit). */
  peerReport(): { id: string; current: boolean; lastSeen: number; lag: number }[] {
    const core = this.#core;
    return [...core.peers].map(([id, info]) => ({
      id,
      current: id === core.leader || info.matchIndex >= core.applied,
      lastSeen: info.lastSeen,
      lag: Math.max(0, core.commit - info.matchIndex),
    }));
  }

  /** The peers known to this node (a copy). */
  peers(): Map<string, PeerInfo> {
    return new Map([...this.#core.peers].map(([peer, info]) => [peer, { ...info }]));
  }

  #removePeer(now: number, peer: string): void {
    // raft.go doRemovePeerAsLeader: the leader treats the peer as gone at once.
    const core = this.#core;
    core.removed.add(peer);
    if (core.peers.delete(peer)) core.adjustClusterSize();
    sendAppendEntry(core, now, [{ type: EntryType.RemovePeer, data: encoder.encode(peer) }]);
  }

  #mustLead(): void {
    if (this.#core.state !== RaftState.Leader) throw new RaftError("raft: not leader");
  }

  #drain(): RaftOutput[] {
    const out = this.#core.out;
    this.#core.out = [];
    return out;
  }
}
