/**
 * @module
 * A node receiving append entries: from the leader on `$NRG.AE.<group>` ("new" entries) or
 * from a catch-up stream on its `$NRG.CR.<inbox>`. Follows nats-server 2.9.10 `server/raft.go`
 * `processAppendEntry`: stale terms are refused with our term, a leader or candidate seeing a
 * newer leader steps down, a gap starts a catch-up (a failure response whose reply is the new
 * catch-up inbox), a stalled catch-up is asked for again, a catch-up that begins below the
 * leader's compacted log starts with a [Snapshot, PeerState] entry, LeaderTransfer naming us
 * makes us campaign at once, and committed entries are applied in order (held while paused).
 *
 * Where this differs from raft.go 2.9.10, it is to stay correct on any network; the messages
 * are the kinds a Go follower sends, so Go leaders serve it unchanged:
 * - a conflicting entry is dropped with what follows it (never a committed one) where raft.go
 *   keeps it (`truncateWAL(ae.pterm, ae.pindex)`), and the term is never lowered on a mismatch;
 * - commits are applied only up to the entry the leader's message proves we share;
 * - live entries arriving during a catch-up, or ahead of a gap, are held (up to MAX_PENDING) and
 *   processed when the log reaches them instead of dropped; with a `reorderWindow` (networks
 *   that reorder) a gap is only reported once it outlives the window;
 * - a snapshot received in a catch-up is acknowledged (raft.go sends no response for it).
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { MAX_PENDING, type RaftCore, RaftState } from "./core.ts";
import { decodePeerState } from "./peer_state.ts";
import { newCatchupInbox } from "./subjects.ts";
import {
  type AppendEntry,
  decodeAppendEntry,
  encodeAppendEntryResponse,
  EntryType,
} from "./wire.ts";

/** Handles one append entry; `viaCatchup` when it came on our current catch-up inbox. */
export function onAppendEntry(
  core: RaftCore,
  now: number,
  data: Uint8Array,
  reply: string,
  viaCatchup: boolean,
): void {
  let ae: AppendEntry;
  try {
    ae = decodeAppendEntry(data);
  } catch {
    return; // raft.go: "AppendEntry failed to be placed on internal channel: corrupt entry"
  }
  if (ae.leader === core.id) return;
  const isNew = !viaCatchup;
  if (!core.transferring && core.state !== RaftState.Leader) core.resetElectionTimeout(now);

  if (core.state === RaftState.Leader) {
    if (isNew && ae.term > core.term) {
      core.setTerm(ae.term);
      core.becomeFollower(ae.leader, now);
    } else if (isNew) {
      respond(core, reply, "", core.term, core.pindex, false);
    }
    return;
  }
  if (isNew && core.state === RaftState.Candidate && ae.term >= core.term) {
    if (ae.term > core.term) core.setTerm(ae.term);
    core.becomeFollower(ae.leader, now);
  }
  if (isNew && ae.leader !== "") core.touchPeer(ae.leader, now);
  if (isNew && ae.term < core.term) {
    respond(core, reply, "", core.term, core.pindex, false);
    return;
  }
  if (core.catchup && isNew) {
    const cs = core.catchup;
    cs.leaderReply = reply;
    if (ae.leader !== core.leader || ae.pindex <= core.pindex) {
      // The catch-up met the leader's live entries, or a new leader decides what we miss.
      core.cancelCatchup();
    } else {
      // Still behind: keep the entry for when the catch-up stream reaches it (raft.go drops
      // it), and ask again if the stream stalled.
      if (ae.entries.length > 0 && core.pending.size < MAX_PENDING) {
        core.pending.set(ae.pindex, { data: data.slice(), reply, viaCatchup: false });
      }
      if (core.catchupStalled(now)) requestCatchup(core, now, ae, reply);
      return;
    }
  }
  if (isNew && ae.term > core.term) core.setTerm(ae.term);
  if (isNew && core.leader !== ae.leader) {
    core.leader = ae.leader;
    core.emitState();
  }

  const index = ae.pindex + 1;
  if (ae.pindex < core.log.firstIndex() - 1) {
    // Below our snapshot: committed and already held.
    if (ae.entries.length > 0) respond(core, reply, "", ae.term, index, true);
    return;
  }
  const priorTerm = core.log.termAt(ae.pindex);
  if (priorTerm === undefined) {
    // A gap: entries before this one are missing.
    if (viaCatchup && isSnapshot(ae)) installSnapshot(core, ae, reply);
    else holdAhead(core, now, ae, data, reply, viaCatchup);
    return;
  }
  if (priorTerm !== ae.pterm) {
    if (viaCatchup && isSnapshot(ae)) {
      installSnapshot(core, ae, reply);
      return;
    }
    // The entry at pindex conflicts with the leader's: drop it and what follows, then ask.
    if (ae.pindex <= core.commit) return;
    core.log.truncateAfter(ae.pindex - 1);
    requestCatchup(core, now, ae, reply);
    return;
  }
  if (ae.entries.length === 0) {
    // Heartbeat: our log matches the leader's through pindex.
    commit(core, now, Math.min(ae.commit, ae.pindex));
    respond(core, reply, "", ae.pterm, ae.pindex, true);
    return;
  }
  if (isSnapshot(ae) && viaCatchup) {
    respond(core, reply, "", ae.pterm, ae.pindex, true);
    return;
  }
  const existing = core.log.termAt(index);
  if (existing !== ae.term) {
    if (existing !== undefined) {
      if (ae.pindex < core.commit) return;
      core.log.truncateAfter(ae.pindex);
    }
    core.log.append({ index, term: ae.term, entry: copyEntry(ae), bytes: data.slice() });
    noteEntries(core, now, ae, isNew);
  }
  commit(core, now, Math.min(ae.commit, index));
  respond(core, reply, "", ae.term, index, true);
  releaseHeld(core, now);
}

/**
 * Holds an append entry that arrived ahead of a gap; the node's tick asks for a catch-up (or a
 * fresh one) when the gap outlives the reorder window. With no window, a new one asks at once.
 */
function holdAhead(
  core: RaftCore,
  now: number,
  ae: AppendEntry,
  data: Uint8Array,
  reply: string,
  viaCatchup: boolean,
): void {
  if (!viaCatchup && core.timing.reorderWindow === 0) {
    requestCatchup(core, now, ae, reply);
    return;
  }
  if (ae.entries.length > 0 && core.pending.size < MAX_PENDING) {
    core.pending.set(ae.pindex, { data: data.slice(), reply, viaCatchup });
  }
  if (core.gapSince === Infinity) core.gapSince = now;
}

/** Processes held entries the log now reaches (in order), dropping ones it passed. */
function releaseHeld(core: RaftCore, now: number): void {
  for (const pindex of core.pending.keys()) {
    if (pindex < core.pindex) core.pending.delete(pindex);
  }
  const next = core.pending.get(core.pindex);
  if (next) {
    core.pending.delete(core.pindex);
    onAppendEntry(core, now, next.data, next.reply, next.viaCatchup && core.catchup !== undefined);
  }
  if (core.pending.size === 0) core.gapSince = Infinity;
}

/** Asks for a catch-up, or restarts ours, when a gap outlived the reorder window (tick). */
export function checkGap(core: RaftCore, now: number): void {
  if (core.gapSince === Infinity || now - core.gapSince < core.timing.reorderWindow) return;
  let first: number | undefined;
  for (const pindex of core.pending.keys()) {
    if (first === undefined || pindex < first) first = pindex;
  }
  const held = first === undefined ? undefined : core.pending.get(first);
  core.gapSince = Infinity;
  core.pending.clear();
  const cs = core.catchup;
  if (cs) restartCatchup(core, now, cs.cterm, cs.cindex, cs.leaderReply);
  else if (held) requestCatchup(core, now, decodeAppendEntry(held.data), held.reply);
}

function isSnapshot(ae: AppendEntry): boolean {
  return ae.entries.length === 2 && ae.entries[0].type === EntryType.Snapshot &&
    ae.entries[1].type === EntryType.PeerState;
}

function respond(
  core: RaftCore,
  subject: string,
  reply: string,
  term: number,
  index: number,
  success: boolean,
): void {
  core.send(subject, reply, encodeAppendEntryResponse({ term, index, peer: core.id, success }));
}

/** Opens a fresh catch-up inbox and tells the leader where we are (raft.go createCatchup). */
function requestCatchup(core: RaftCore, now: number, ae: AppendEntry, reply: string): void {
  if (reply === "") return;
  const inbox = newCatchupInbox(core.random);
  core.createCatchup(ae.pterm, ae.pindex, now, inbox, reply);
  respond(core, reply, inbox, core.pterm, core.pindex, false);
}

/** Asks the leader again when our catch-up made no progress for a while. */
export function retryStalledCatchup(core: RaftCore, now: number): void {
  const cs = core.catchup;
  if (cs && core.catchupStalled(now)) {
    restartCatchup(core, now, cs.cterm, cs.cindex, cs.leaderReply);
  }
}

function restartCatchup(
  core: RaftCore,
  now: number,
  cterm: number,
  cindex: number,
  leaderReply: string,
): void {
  if (leaderReply === "") return;
  const inbox = newCatchupInbox(core.random);
  core.createCatchup(cterm, cindex, now, inbox, leaderReply);
  respond(core, leaderReply, inbox, core.pterm, core.pindex, false);
}

function commit(core: RaftCore, now: number, index: number): void {
  if (index <= core.commit) return;
  // raft.go: "Paused, not applying" - remembered and applied on ResumeApply.
  if (core.paused) core.pausedCommit = Math.max(core.pausedCommit, index);
  else core.commitTo(index, now, () => {});
}

/** Side effects of newly stored entries (raft.go processAppendEntry's entry switch). */
function noteEntries(core: RaftCore, now: number, ae: AppendEntry, isNew: boolean): void {
  for (const e of ae.entries) {
    if (e.type === EntryType.LeaderTransfer && isNew) {
      if (new TextDecoder().decode(e.data) === core.id && !core.observer) {
        core.transferring = true;
        core.electionDeadline = now + core.timing.transferCampaign;
      }
    } else if (e.type === EntryType.AddPeer) {
      const peer = new TextDecoder().decode(e.data);
      if (peer.length === 8) core.touchPeer(peer, now);
    }
  }
}

/** Takes the leader's snapshot (raft.go processAppendEntry, catching-up branch). */
function installSnapshot(core: RaftCore, ae: AppendEntry, reply: string): void {
  if (ae.pindex <= core.commit) return;
  let peerState;
  try {
    peerState = decodePeerState(ae.entries[1].data);
  } catch {
    core.cancelCatchup();
    return;
  }
  core.processPeerState(peerState);
  const data = ae.entries[0].data.slice();
  core.log.installSnapshot({
    lastTerm: ae.pterm,
    lastIndex: ae.pindex,
    peerState: ae.entries[1].data.slice(),
    data,
  });
  core.commit = ae.pindex;
  core.out.push({ kind: "apply", index: ae.pindex, entries: [{ type: EntryType.Snapshot, data }] });
  respond(core, reply, "", ae.pterm, ae.pindex, true);
}

/** The stored copy of an append entry: entry data must not alias the caller's buffer. */
function copyEntry(ae: AppendEntry): AppendEntry {
  return { ...ae, entries: ae.entries.map((e) => ({ type: e.type, data: e.data.slice() })) };
}
