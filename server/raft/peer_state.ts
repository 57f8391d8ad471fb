/**
 * @module
 * The peer state of a group: carried in `PeerState` entries, in catch-up snapshots and in the
 * `peers.idx` file, as nats-server 2.9.10 `server/raft.go` `encodePeerState` / `decodePeerState`
 * lay it out. Little-endian:
 *
 * | offset     | size  | field                                                  |
 * | ---------- | ----- | ------------------------------------------------------ |
 * | 0          | 4     | cluster size (u32)                                     |
 * | 4          | 4     | number of known peers n (u32)                          |
 * | 8          | 8 * n | known peer ids                                         |
 * | 8 + 8n     | 2     | domain extension state (u16: 0 undetermined, 1 extended, 2 not extended) |
 *
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { getId, getU32, ID_LEN, putId, putU32, RaftWireError } from "./wire.ts";

/** Domain extension states (raft.go extensionState). */
export const ExtensionState = { Undetermined: 0, Extended: 1, NotExtended: 2 } as const;

/** A group's membership as the leader sees it (raft.go peerState). */
export interface PeerState {
  knownPeers: string[];
  clusterSize: number;
  domainExt: number;
}

/** Encodes a peer state (raft.go encodePeerState). */
export function encodePeerState(ps: PeerState): Uint8Array {
  const buf = new Uint8Array(8 + ID_LEN * ps.knownPeers.length + 2);
  putU32(buf, 0, ps.clusterSize);
  putU32(buf, 4, ps.knownPeers.length);
  let at = 8;
  for (const peer of ps.knownPeers) {
    putId(buf, at, peer);
    at += ID_LEN;
  }
  buf[at] = ps.domainExt & 0xff;
  buf[at + 1] = ps.domainExt >>> 8;
  return buf;
}

/**
 * Decodes a peer state (raft.go decodePeerState): shorter than 8 bytes or fewer peers than the
 * count says is corrupt; the extension state is optional (older encodings end after the peers).
 */
export function decodePeerState(buf: Uint8Array): PeerState {
  if (buf.length < 8) throw new RaftWireError("raft: corrupt peer state");
  const clusterSize = getU32(buf, 0);
  const expected = getU32(buf, 4);
  const knownPeers: string[] = [];
  let at = 8;
  while (knownPeers.length < expected && at + ID_LEN <= buf.length) {
    knownPeers.push(getId(buf, at));
    at += ID_LEN;
  }
  if (knownPeers.length !== expected) throw new RaftWireError("raft: corrupt peer state");
  const domainExt = buf.length - at >= 2 ? buf[at] | (buf[at + 1] << 8) : 0;
  return { knownPeers, clusterSize, domainExt };
}
