/**
 * @module
 * The leader's side: appending and broadcasting entries, heartbeats, counting acknowledgements
 * into commits, catching up lagging followers from the log (and the snapshot when the log was
 * compacted), the lost-quorum check and stepping down with a leader transfer. Follows
 * nats-server 2.9.10 `server/raft.go` (`sendAppendEntry`, `sendHeartbeat`, `sendPeerState`,
 * `processAppendEntryResponse`, `trackResponse`, `catchupFollower`, `runCatchup`,
 * `sendSnapshotToFollower`, `lostQuorum`, `StepDown`). An acknowledgement counts only when its
 * term matches our entry at its index (log matching), and only entries of the current term are
 * committed by counting, older ones with them (RAFT's commit rule).
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { type CatchupProgress, type RaftCore, RaftState } from "./core.ts";
import { encodePeerState } from "./peer_state.ts";
import {
  type AppendEntry,
  decodeAppendEntryResponse,
  encodeAppendEntry,
  type Entry,
  EntryType,
} from "./wire.ts";

/** Bytes of catch-up entries in flight to one follower (runCatchup maxOutstanding, 2 MB). */
export const MAX_CATCHUP_OUTSTANDING = 2 * 1024 * 1024;

const encoder = new TextEncoder();

/** Appends `entries` (if any) and broadcasts them; none is a heartbeat (raft.go sendAppendEntry). */
export function sendAppendEntry(core: RaftCore, now: number, entries: Entry[]): void {
  const ae: AppendEntry = {
    leader: core.id,
    term: core.term,
    commit: core.commit,
    pterm: core.pterm,
    pindex: core.pindex,
    entries,
  };
  const bytes = encodeAppendEntry(ae);
  if (entries.length > 0) {
    const index = ae.pindex + 1;
    core.log.append({ index, term: core.term, entry: ae, bytes });
    const self = core.peers.get(core.id);
    if (self) self.matchIndex = index;
    core.activeAt = now;
  }
  core.send(core.appendSubject, core.appendReply, bytes);
  if (entries.length > 0) advanceCommit(core, now);
}

/**
 * Announces the membership as an entry (raft.go sendPeerState). Membership entries still
 * uncommitted in our log are folded in: the peer state lands after them, and applying it must
 * not undo an AddPeer or RemovePeer that commits with it.
 */
export function sendPeerState(core: RaftCore, now: number): void {
  const peers = new Set(core.knownPeers());
  let changed = false;
  for (let index = core.commit + 1; index <= core.pindex; index++) {
    for (const e of core.log.get(index)?.entry.entries ?? []) {
      if (e.type === EntryType.AddPeer) peers.add(new TextDecoder().decode(e.data));
      else if (e.type === EntryType.RemovePeer) peers.delete(new TextDecoder().decode(e.data));
      else continue;
      changed = true;
    }
  }
  const data = encodePeerState({
    knownPeers: [...peers],
    clusterSize: changed ? peers.size : core.clusterSize,
    domainExt: core.domainExt,
  });
  sendAppendEntry(core, now, [{ type: EntryType.PeerState, data }]);
}

/** Handles a follower's answer (raft.go processAppendEntryResponse). */
export function onAppendEntryResponse(
  core: RaftCore,
  now: number,
  data: Uint8Array,
  reply: string,
): void {
  const ar = decodeAppendEntryResponse(data);
  if (!ar || ar.peer === core.id) return;
  if (core.state !== RaftState.Leader) return;
  trackPeer(core, ar.peer, now);
  if (ar.success) {
    const info = core.peers.get(ar.peer);
    const matches = core.log.termAt(ar.index) === ar.term;
    if (info && matches && ar.index > info.matchIndex) info.matchIndex = ar.index;
    const progress = core.progress.get(ar.peer);
    if (progress) catchupAcked(core, now, ar.peer, progress, ar.index);
    if (matches) advanceCommit(core, now);
  } else if (ar.term > core.term) {
    core.setTerm(ar.term);
    core.becomeFollower("", now);
  } else if (reply !== "") {
    startCatchup(core, now, ar.peer, ar.index, reply);
  }
}

/** Notes contact; a leader proposes adding an unknown, not removed peer (raft.go trackPeer). */
function trackPeer(core: RaftCore, peer: string, now: number): void {
  const info = core.peers.get(peer);
  const needAdd = (!info || !info.known) && !core.removed.has(peer) &&
    !core.progress.has(peer);
  core.touchPeer(peer, now);
  if (needAdd && !pendingAddPeer(core, peer)) {
    sendAppendEntry(core, now, [{ type: EntryType.AddPeer, data: encoder.encode(peer) }]);
  }
}

/** An AddPeer entry for `peer` is already in the uncommitted log. */
function pendingAddPeer(core: RaftCore, peer: string): boolean {
  for (let i = core.commit + 1; i <= core.pindex; i++) {
    const entries = core.log.get(i)?.entry.entries ?? [];
    for (const e of entries) {
      if (e.type === EntryType.AddPeer && new TextDecoder().decode(e.data) === peer) return true;
    }
  }
  return false;
}

/** Commits the highest current-term index a quorum of members holds (raft.go trackResponse). */
export function advanceCommit(core: RaftCore, now: number): void {
  const matched: number[] = [];
  // A group still below its expected size (bootstrapping) counts every responder, as raft.go.
  const bootstrapping = core.knownPeers().length < core.clusterSize;
  for (const info of core.peers.values()) {
    if (info.known || bootstrapping) matched.push(info.matchIndex);
  }
  matched.sort((a, b) => b - a);
  if (matched.length < core.quorum) return;
  const candidate = matched[core.quorum - 1];
  if (candidate <= core.commit || core.log.termAt(candidate) !== core.term) return;
  core.commitTo(candidate, now, () => core.becomeFollower("", now));
  // Let followers learn the new commit promptly (trackResponse sends a heartbeat).
  if (core.state === RaftState.Leader) sendAppendEntry(core, now, []);
}

/** Starts streaming our log to a follower that asked for it (raft.go catchupFollower). */
export function startCatchup(
  core: RaftCore,
  now: number,
  peer: string,
  fromIndex: number,
  subject: string,
): void {
  const progress: CatchupProgress = {
    subject,
    next: fromIndex + 1,
    last: core.pindex,
    outstanding: new Map(),
    bytes: 0,
    activeAt: now,
  };
  core.progress.set(peer, progress);
  if (progress.next < core.log.firstIndex()) {
    const snap = core.log.snapshot();
    if (!snap) {
      core.progress.delete(peer);
      return;
    }
    // raft.go sendSnapshotToFollower: the snapshot and the peer state as one append entry.
    const ae: AppendEntry = {
      leader: core.id,
      term: core.term,
      commit: core.commit,
      pterm: snap.lastTerm,
      pindex: snap.lastIndex,
      entries: [
        { type: EntryType.Snapshot, data: snap.data },
        { type: EntryType.PeerState, data: snap.peerState },
      ],
    };
    core.send(subject, core.appendReply, encodeAppendEntry(ae));
    progress.next = snap.lastIndex + 1;
  }
  sendCatchupEntries(core, peer, progress);
}

function sendCatchupEntries(core: RaftCore, peer: string, progress: CatchupProgress): void {
  while (progress.bytes <= MAX_CATCHUP_OUTSTANDING && progress.next <= progress.last) {
    const record = core.log.get(progress.next);
    if (!record) break;
    core.send(progress.subject, core.appendReply, record.bytes);
    progress.outstanding.set(progress.next, record.bytes.length);
    progress.bytes += record.bytes.length;
    progress.next++;
  }
  if (progress.next > progress.last && progress.outstanding.size === 0) {
    core.progress.delete(peer);
  }
}

function catchupAcked(
  core: RaftCore,
  now: number,
  peer: string,
  progress: CatchupProgress,
  index: number,
): void {
  progress.activeAt = now;
  for (const [i, size] of progress.outstanding) {
    if (i <= index) {
      progress.outstanding.delete(i);
      progress.bytes -= size;
    }
  }
  if (index >= progress.last) {
    core.progress.delete(peer);
    return;
  }
  sendCatchupEntries(core, peer, progress);
}

/** Leader timers: heartbeats, stalled catch-ups, the lost-quorum check. */
export function leaderTick(core: RaftCore, now: number): void {
  for (const [peer, progress] of core.progress) {
    if (now - progress.activeAt > core.timing.catchupStall) core.progress.delete(peer);
  }
  if (now >= core.quorumCheckAt) {
    core.quorumCheckAt = now + core.timing.lostQuorum;
    let heard = 1;
    for (const [peer, info] of core.peers) {
      if (peer !== core.id && info.known && now - info.lastSeen < core.timing.lostQuorum) heard++;
    }
    if (heard < core.quorum) {
      core.becomeFollower("", now);
      return;
    }
  }
  if (now >= core.heartbeatAt) {
    core.heartbeatAt = now + core.timing.heartbeat;
    if (now - core.activeAt >= core.timing.heartbeat) sendAppendEntry(core, now, []);
  }
}

/**
 * Steps down, first naming a live follower as the next leader in a LeaderTransfer entry when
 * one is up to date (raft.go StepDown). `preferred` restricts the choice ("" means any).
 */
export function stepDown(core: RaftCore, now: number, preferred: string): void {
  if (core.state !== RaftState.Leader) return;
  let next = "";
  let best = -1;
  // A live member that holds everything committed, at random (raft.go takes the first such
  // peer of its map, whose order is random); else the most up to date live one.
  const current: string[] = [];
  for (const [peer, info] of core.peers) {
    if (peer === core.id || !info.known) continue;
    if (preferred !== "" && peer !== preferred) continue;
    if (now - info.lastSeen >= 3 * core.timing.heartbeat) continue;
    if (info.matchIndex >= core.commit) current.push(peer);
    if (info.matchIndex > best) {
      best = info.matchIndex;
      next = peer;
    }
  }
  if (current.length > 0) next = current[Math.floor(core.random() * current.length)];
  if (next !== "") {
    sendAppendEntry(core, now, [{ type: EntryType.LeaderTransfer, data: encoder.encode(next) }]);
  }
  core.becomeFollower("", now);
}
