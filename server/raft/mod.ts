/**
 * @module
 * The RAFT core clustered JetStream will run on: a pure state machine per group member plus the
 * wire formats, subjects and storage interface it needs, compatible with nats-server 2.9.10's
 * `server/raft.go` so denats and Go servers can share groups.
 *
 * - {@link RaftNode}: `start(now)`, `step(now, message)`, `tick(now)`, `nextDeadline()`, and the
 *   commands `propose`, `forwardProposal`, `proposeAddPeer`, `proposeRemovePeer`, `stepDown`,
 *   `campaign`, `applied`, `installSnapshot`. Each returns {@link RaftOutput}s: messages to
 *   publish (subject, reply, bytes), committed entries to apply in order, role changes and
 *   subscriptions to add or drop.
 * - {@link RaftLog} / {@link MemoryLog}: entries, snapshot, term/vote and peer state storage.
 * - Wire codecs: wire.ts (append entry and response), vote_wire.ts, peer_state.ts; names:
 *   subjects.ts (`nodeId`, `$NRG.*` subjects, inboxes, group names).
 *
 * The caller owns the network (publishing on the system account, `$NRG.>` subscriptions over
 * routes) and the clock. PURE: no Deno APIs, timers or console output. Runs in any isolate.
 *
 * @example
 * ```ts
 * import { MemoryLog, nodeId, RaftNode } from "./mod.ts";
 * const id = nodeId("server-1");
 * const node = new RaftNode({ group: "_meta_", id, peers: [id], clusterSize: 1, log: new MemoryLog(), random: Math.random });
 * const subscriptions = node.start(Date.now()).filter((o) => o.kind === "subscribe");
 * if (subscriptions.length !== 4) throw new Error("vote, append and two reply inboxes");
 * ```
 */
export { RaftError, type RaftMessage, RaftNode } from "./node.ts";
export {
  type ApplyOutput,
  DEFAULT_TIMING,
  type RaftConfig,
  type RaftOutput,
  RaftState,
  type RaftStateName,
  type RaftTiming,
  type SendOutput,
  type StateOutput,
  type SubscriptionOutput,
} from "./core.ts";
export {
  decodeTermVote,
  encodeTermVote,
  type LogRecord,
  MemoryLog,
  type RaftLog,
  type Snapshot,
  type TermVote,
} from "./log.ts";
export {
  type AppendEntry,
  type AppendEntryResponse,
  decodeAppendEntry,
  decodeAppendEntryResponse,
  encodeAppendEntry,
  encodeAppendEntryResponse,
  type Entry,
  EntryType,
  entryTypeName,
  ID_LEN,
  RaftWireError,
} from "./wire.ts";
export {
  decodeVoteRequest,
  decodeVoteResponse,
  encodeVoteRequest,
  encodeVoteResponse,
  type VoteRequest,
  type VoteResponse,
} from "./vote_wire.ts";
export { decodePeerState, encodePeerState, ExtensionState, type PeerState } from "./peer_state.ts";
export {
  appendSubject,
  consumerGroupName,
  META_GROUP,
  newCatchupInbox,
  newReplyInbox,
  nodeId,
  proposalSubject,
  RAFT_ALL_SUBJECT,
  removePeerSubject,
  streamGroupName,
  voteSubject,
} from "./subjects.ts";
