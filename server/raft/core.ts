/**
 * @module
 * The state one RAFT node keeps and the small operations every role shares: terms and votes,
 * timers (as deadlines; time is passed in), peer tracking and quorum, committing and applying
 * entries in order, role changes and the outputs a step produces. The role logic lives in
 * election.ts, follower.ts and leader.ts; node.ts is the public face. Behaviour follows
 * nats-server 2.9.10 `server/raft.go` (`applyCommit`, `processPeerState`, `trackPeer`,
 * `adjustClusterSizeAndQuorum`, `switchState`, `switchToFollower`, `resetElectionTimeout`).
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import type { RaftLog } from "./log.ts";
import { decodePeerState, encodePeerState, type PeerState } from "./peer_state.ts";
import {
  appendSubject,
  newReplyInbox,
  proposalSubject,
  removePeerSubject,
  voteSubject,
} from "./subjects.ts";
import { type AppendEntry, type Entry, EntryType } from "./wire.ts";

/** Node roles (raft.go RaftState names). */
export const RaftState = {
  Follower: "FOLLOWER",
  Candidate: "CANDIDATE",
  Leader: "LEADER",
} as const;
/** One of {@link RaftState}'s values. */
export type RaftStateName = typeof RaftState[keyof typeof RaftState];

/** Timings in milliseconds (raft.go defaults). */
export interface RaftTiming {
  /** Election timeout range (minElectionTimeout 4s, maxElectionTimeout 9s). */
  minElection: number;
  maxElection: number;
  /** Campaign() delay range (minCampaignTimeout 100ms, maxCampaignTimeout 800ms). */
  minCampaign: number;
  maxCampaign: number;
  /** Leader heartbeat interval (hbInterval 1s). */
  heartbeat: number;
  /** A leader that heard from less than a quorum for this long steps down (10s). */
  lostQuorum: number;
  /** A catch-up without progress for this long is stalled (2s). */
  catchupStall: number;
  /** Delay before a leader-transfer target campaigns (10ms). */
  transferCampaign: number;
  /**
   * How long a follower holds append entries that arrived ahead of a gap before asking for a
   * catch-up. 0 (nats-server: routes are TCP, so a gap is a loss) asks at once; a network that
   * reorders needs a little patience.
   */
  reorderWindow: number;
}

/** nats-server 2.9.10's timings. */
export const DEFAULT_TIMING: RaftTiming = {
  minElection: 4000,
  maxElection: 9000,
  minCampaign: 100,
  maxCampaign: 800,
  heartbeat: 1000,
  lostQuorum: 10_000,
  catchupStall: 2000,
  transferCampaign: 10,
  reorderWindow: 0,
};

/** Most append entries a follower holds ahead of a gap. */
export const MAX_PENDING = 1024;

/** An append entry held until the gap before it fills. */
export interface PendingEntry {
  data: Uint8Array;
  reply: string;
  viaCatchup: boolean;
}

/** A message to publish. */
export interface SendOutput {
  kind: "send";
  subject: string;
  reply: string;
  data: Uint8Array;
}
/** Committed entries for the state machine, in index order (raft.go CommittedEntry). */
export interface ApplyOutput {
  kind: "apply";
  index: number;
  entries: Entry[];
}
/** The node's role, term or known leader changed. */
export interface StateOutput {
  kind: "state";
  state: RaftStateName;
  term: number;
  leader: string;
}
/** Start or stop receiving a subject (catch-up inboxes; the leader's proposal subjects). */
export interface SubscriptionOutput {
  kind: "subscribe" | "unsubscribe";
  subject: string;
}
/** Everything a step or tick can ask of its caller. */
export type RaftOutput = SendOutput | ApplyOutput | StateOutput | SubscriptionOutput;

/** What a node knows of a peer (raft.go lps). */
export interface PeerInfo {
  /** Last time heard from (ms), 0 never. */
  lastSeen: number;
  /** Highest index the peer is known to hold in agreement with us (leader only). */
  matchIndex: number;
  /** An official member (counted in the cluster size). */
  known: boolean;
}

/** A follower's catch-up in progress (raft.go catchupState). */
export interface CatchupState {
  inbox: string;
  /** The leader's pterm/pindex when it started: done once we reach them. */
  cterm: number;
  cindex: number;
  /** Our last index when progress was last seen, and when. */
  seenIndex: number;
  activeAt: number;
  /** Where the leader takes catch-up requests (its append reply inbox). */
  leaderReply: string;
}

/** A leader streaming stored entries to one lagging follower (raft.go runCatchup). */
export interface CatchupProgress {
  subject: string;
  next: number;
  last: number;
  outstanding: Map<number, number>;
  bytes: number;
  activeAt: number;
}

/** How a node is configured. */
export interface RaftConfig {
  /** Group name (`_meta_`, `S-R3F-...`). */
  group: string;
  /** This node's 8-character id (subjects.ts nodeId). */
  id: string;
  /** Known peers, this node included (the bootstrap peer state). */
  peers: string[];
  /** Expected cluster size when not all peers are known yet (defaults to peers.length). */
  clusterSize?: number;
  log: RaftLog;
  /** Uniform random numbers in [0, 1): election timeouts and inbox names. */
  random: () => number;
  /** Observers replicate and vote but never campaign. */
  observer?: boolean;
  timing?: Partial<RaftTiming>;
}

/** The shared state of one node. Internal to server/raft. */
export class RaftCore {
  readonly id: string;
  readonly group: string;
  readonly log: RaftLog;
  readonly random: () => number;
  readonly timing: RaftTiming;
  readonly voteSubject: string;
  readonly appendSubject: string;
  readonly proposalSubject: string;
  readonly removePeerSubject: string;
  /** Where vote responses come; a fresh inbox per campaign, so late answers to an earlier
   * campaign (whose term field raft.go fills with the voter's old term) cannot be counted. */
  voteReply: string;
  readonly appendReply: string;
  observer: boolean;

  state: RaftStateName = RaftState.Follower;
  term = 0;
  vote = "";
  leader = "";
  /** Some leader was ever known (raft.go pleader). */
  hadLeader = false;
  commit = 0;
  applied = 0;
  peers = new Map<string, PeerInfo>();
  removed = new Set<string>();
  clusterSize: number;
  quorum: number;
  domainExt = 0;
  electionDeadline = Infinity;
  /** Applying is paused (raft.go PauseApply): commits up to `pausedCommit` wait. */
  paused = false;
  pausedCommit = 0;
  /** The observer flag from before the pause. */
  pausedObserver = false;
  /** Leader-transfer target waiting to campaign (raft.go lxfer). */
  transferring = false;
  votes = new Set<string>();
  /**
   * Elections left that a new group's campaigning member (term 0 when told to campaign) starts
   * again after a short wait rather than an election timeout: its first vote requests are lost
   * when the other members have not created the group yet (a busy server applies the
   * assignment later), and waiting 4-9 s for each retry would hold the stream's creation up
   * for as long. Cleared once a leader is known.
   */
  eagerElections = 0;
  catchup: CatchupState | undefined;
  progress = new Map<string, CatchupProgress>();
  /** Append entries that arrived ahead of a gap, by pindex; since when the gap is open. */
  pending = new Map<number, PendingEntry>();
  gapSince = Infinity;
  /** Leader: last time entries were sent, next heartbeat and quorum check. */
  activeAt = 0;
  heartbeatAt = Infinity;
  quorumCheckAt = Infinity;
  out: RaftOutput[] = [];

  constructor(config: RaftConfig) {
    this.id = config.id;
    this.group = config.group;
    this.log = config.log;
    this.random = config.random;
    this.observer = config.observer ?? false;
    this.timing = { ...DEFAULT_TIMING, ...config.timing };
    this.voteSubject = voteSubject(config.group);
    this.appendSubject = appendSubject(config.group);
    this.proposalSubject = proposalSubject(config.group);
    this.removePeerSubject = removePeerSubject(config.group);
    this.voteReply = newReplyInbox(config.random);
    this.appendReply = newReplyInbox(config.random);
    const saved = config.log.peerState();
    const ps: PeerState = saved ? decodePeerState(saved) : {
      knownPeers: config.peers,
      clusterSize: config.clusterSize ?? config.peers.length,
      domainExt: 0,
    };
    this.clusterSize = ps.clusterSize;
    this.quorum = Math.floor(ps.clusterSize / 2) + 1;
    this.domainExt = ps.domainExt;
    for (const peer of ps.knownPeers) {
      this.peers.set(peer, { lastSeen: 0, matchIndex: 0, known: true });
    }
    // A server started outside the peer set tracks itself but is not a member (and does not
    // campaign) until an AddPeer or peer state naming it is applied.
    if (!this.peers.has(this.id)) {
      this.peers.set(this.id, { lastSeen: 0, matchIndex: 0, known: false });
    }
    const tv = config.log.termVote();
    if (tv) {
      this.term = tv.term;
      this.vote = tv.vote;
    }
    const snap = config.log.snapshot();
    if (snap) this.commit = this.applied = snap.lastIndex;
  }

  /** Index of our last entry (raft.go pindex). */
  get pindex(): number {
    return this.log.lastIndex();
  }

  /** Term of our last entry (raft.go pterm). */
  get pterm(): number {
    return this.log.termAt(this.log.lastIndex()) ?? 0;
  }

  send(subject: string, reply: string, data: Uint8Array): void {
    if (subject !== "") this.out.push({ kind: "send", subject, reply, data });
  }

  emitState(): void {
    if (this.leader !== "") this.hadLeader = true;
    this.out.push({ kind: "state", state: this.state, term: this.term, leader: this.leader });
  }

  /** Moves to a higher term, forgetting our vote (raft.go: n.term = t; n.vote = noVote). */
  setTerm(term: number): void {
    this.term = term;
    this.vote = "";
    this.log.saveTermVote({ term, vote: "" });
  }

  randomBetween(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min));
  }

  resetElectionTimeout(now: number): void {
    this.electionDeadline = now +
      this.randomBetween(this.timing.minElection, this.timing.maxElection);
  }

  /** Remembers contact with a peer (raft.go trackPeer, without the leader's add proposal). */
  touchPeer(peer: string, now: number): void {
    const info = this.peers.get(peer);
    if (info) info.lastSeen = now;
    else if (!this.removed.has(peer)) {
      this.peers.set(peer, { lastSeen: now, matchIndex: 0, known: false });
    }
  }

  /** Cluster size and quorum from the official peers (raft.go adjustClusterSizeAndQuorum). */
  adjustClusterSize(): void {
    let size = 0;
    for (const info of this.peers.values()) if (info.known) size++;
    this.clusterSize = size;
    this.quorum = Math.floor(size / 2) + 1;
  }

  /** This node is in the group's peer set. */
  isMember(): boolean {
    return this.peers.get(this.id)?.known === true;
  }

  knownPeers(): string[] {
    return [...this.peers].filter(([, info]) => info.known).map(([peer]) => peer);
  }

  currentPeerState(): Uint8Array {
    return encodePeerState({
      knownPeers: this.knownPeers(),
      clusterSize: this.clusterSize,
      domainExt: this.domainExt,
    });
  }

  /** Takes the leader's membership (raft.go processPeerState). */
  processPeerState(ps: PeerState): void {
    this.clusterSize = ps.clusterSize;
    this.quorum = Math.floor(ps.clusterSize / 2) + 1;
    const old = this.peers;
    this.peers = new Map();
    for (const peer of ps.knownPeers) {
      const info = old.get(peer) ?? { lastSeen: 0, matchIndex: 0, known: true };
      info.known = true;
      this.peers.set(peer, info);
    }
    this.log.savePeerState(encodePeerState(ps));
  }

  /** Commits and applies entries up to `index` in order (raft.go applyCommit). */
  commitTo(index: number, now: number, onRemoveSelf: () => void): void {
    const last = Math.min(index, this.log.lastIndex());
    while (this.commit < last) {
      const next = this.commit + 1;
      const record = this.log.get(next);
      if (!record) break;
      this.commit = next;
      this.applyEntry(next, record.entry, now, onRemoveSelf);
    }
  }

  applyEntry(index: number, ae: AppendEntry, now: number, onRemoveSelf: () => void): void {
    const committed: Entry[] = [];
    for (const e of ae.entries) {
      switch (e.type) {
        case EntryType.Normal:
        case EntryType.Snapshot:
          committed.push(e);
          break;
        case EntryType.OldSnapshot:
          committed.push({ type: EntryType.Snapshot, data: e.data });
          break;
        case EntryType.PeerState:
          if (this.state !== RaftState.Leader) {
            try {
              this.processPeerState(decodePeerState(e.data));
            } catch { /* corrupt peer state: ignored as raft.go does */ }
          }
          break;
        case EntryType.AddPeer: {
          const peer = new TextDecoder().decode(e.data);
          this.removed.delete(peer);
          const info = this.peers.get(peer);
          if (info) info.known = true;
          else this.peers.set(peer, { lastSeen: now, matchIndex: 0, known: true });
          this.adjustClusterSize();
          this.log.savePeerState(this.currentPeerState());
          committed.push(e);
          break;
        }
        case EntryType.RemovePeer: {
          const peer = new TextDecoder().decode(e.data);
          this.removed.add(peer);
          if (this.peers.delete(peer)) {
            this.adjustClusterSize();
            this.log.savePeerState(this.currentPeerState());
          }
          if (peer === this.id && this.state === RaftState.Leader) onRemoveSelf();
          committed.push(e);
          break;
        }
      }
    }
    if (committed.length > 0) this.out.push({ kind: "apply", index, entries: committed });
    else if (index > this.applied) this.applied = index;
  }

  /** Becomes a follower of `leader` ("" when unknown) (raft.go switchToFollower). */
  becomeFollower(leader: string, now: number): void {
    const wasLeader = this.state === RaftState.Leader;
    if (leader !== "") this.eagerElections = 0;
    this.transferring = false;
    this.state = RaftState.Follower;
    this.leader = leader;
    this.votes.clear();
    this.resetElectionTimeout(now);
    if (wasLeader) {
      this.progress.clear();
      this.heartbeatAt = this.quorumCheckAt = Infinity;
      this.out.push({ kind: "unsubscribe", subject: this.proposalSubject });
      this.out.push({ kind: "unsubscribe", subject: this.removePeerSubject });
    }
    this.emitState();
  }

  /** Starts or restarts a follower catch-up on `inbox` (raft.go createCatchup). */
  createCatchup(
    cterm: number,
    cindex: number,
    now: number,
    inbox: string,
    leaderReply: string,
  ): void {
    if (this.catchup) this.out.push({ kind: "unsubscribe", subject: this.catchup.inbox });
    this.catchup = { inbox, cterm, cindex, seenIndex: this.pindex, activeAt: now, leaderReply };
    this.out.push({ kind: "subscribe", subject: inbox });
  }

  cancelCatchup(): void {
    if (!this.catchup) return;
    this.out.push({ kind: "unsubscribe", subject: this.catchup.inbox });
    this.catchup = undefined;
  }

  /** No progress in the catch-up for `catchupStall` (raft.go catchupStalled). */
  catchupStalled(now: number): boolean {
    const cs = this.catchup;
    if (!cs) return false;
    if (cs.seenIndex === this.pindex) return now - cs.activeAt > this.timing.catchupStall;
    cs.seenIndex = this.pindex;
    cs.activeAt = now;
    return false;
  }
}
