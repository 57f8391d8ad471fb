/**
 * @module
 * Names a RAFT group uses on the wire, as nats-server 2.9.10 builds them: node ids
 * (events.go `getHash`: 8 base-62 characters from the SHA-256 of the server name), the group
 * subjects (raft.go `raftVoteSubj`, `raftAppendSubj`, `raftPropSubj`, `raftRemovePeerSubj`), reply
 * inboxes (raft.go `newInbox` / `newCatchupInbox`: 8 base-62 digits of a random 63-bit number) and
 * the group names jetstream_cluster.go gives the meta, stream and consumer groups.
 * PURE: no Deno APIs, timers or console output. Randomness is passed in.
 */
import { hashSize } from "../protocol/sha256.ts";
import { BASE62_DIGITS as DIGITS } from "../protocol/base62.ts";
import { ID_LEN } from "./wire.ts";

/** Every RAFT subject (raft.go raftAllSubj). */
export const RAFT_ALL_SUBJECT = "$NRG.>";
/** The meta group's name (jetstream_cluster.go defaultMetaGroupName). */
export const META_GROUP = "_meta_";

/**
 * The 8-character node id of a server in every group it joins (events.go getHash of the server
 * name; raft.go uses `s.sys.shash[:idLen]`).
 *
 * @example
 * ```ts
 * import { nodeId } from "./subjects.ts";
 * if (!/^[0-9A-Za-z]{8}$/.test(nodeId("S1"))) throw new Error();
 * ```
 */
export function nodeId(serverName: string): string {
  return hashSize(serverName, ID_LEN);
}

/** `$NRG.V.<group>`: vote requests. */
export function voteSubject(group: string): string {
  return `$NRG.V.${group}`;
}

/** `$NRG.AE.<group>`: append entries from the leader. */
export function appendSubject(group: string): string {
  return `$NRG.AE.${group}`;
}

/** `$NRG.P.<group>`: proposals forwarded to the leader. */
export function proposalSubject(group: string): string {
  return `$NRG.P.${group}`;
}

/** `$NRG.RP.<group>`: remove-peer proposals forwarded to the leader. */
export function removePeerSubject(group: string): string {
  return `$NRG.RP.${group}`;
}

/** 8 base-62 digits of a random non-negative 63-bit number; `random` returns [0, 1). */
function suffix(random: () => number): string {
  // raft.go takes prand.Int63() and writes its base-62 digits low first; two 31-bit halves
  // give the same spread.
  let value = BigInt(Math.floor(random() * 0x8000_0000)) << 32n |
    BigInt(Math.floor(random() * 0x1_0000_0000));
  let out = "";
  for (let i = 0; i < 8; i++) {
    out += DIGITS[Number(value % 62n)];
    value /= 62n;
  }
  return out;
}

/** `$NRG.R.<8 digits>`: a node's reply inbox for votes or append entry responses. */
export function newReplyInbox(random: () => number): string {
  return `$NRG.R.${suffix(random)}`;
}

/** `$NRG.CR.<8 digits>`: a follower's inbox for one catch-up. */
export function newCatchupInbox(random: () => number): string {
  return `$NRG.CR.${suffix(random)}`;
}

/** Storage letter in group names (StorageType.String()[:1]). */
export type GroupStorage = "F" | "M";

/**
 * A stream group's name, `S-R<replicas><F|M>-<8 chars>` (jetstream_cluster.go groupNameForStream;
 * the last part is getHash of a fresh NUID, passed in here).
 */
export function streamGroupName(replicas: number, storage: GroupStorage, nuid: string): string {
  return `S-R${replicas}${storage}-${nodeId(nuid)}`;
}

/** A consumer group's name, `C-R<replicas><F|M>-<8 chars>` (groupNameForConsumer). */
export function consumerGroupName(replicas: number, storage: GroupStorage, nuid: string): string {
  return `C-R${replicas}${storage}-${nodeId(nuid)}`;
}
