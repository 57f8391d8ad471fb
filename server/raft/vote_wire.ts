/**
 * @module
 * Vote messages on the wire, as nats-server 2.9.10 `server/raft.go` lays them out
 * (`voteRequest.encode` / `decodeVoteRequest`, `voteResponse.encode` / `decodeVoteResponse`).
 * Little-endian integers; ids are 8 characters.
 *
 * Vote request (`$NRG.V.<group>`, reply `$NRG.R.<inbox>`), exactly 32 bytes:
 *
 * | offset | size | field                          |
 * | ------ | ---- | ------------------------------ |
 * | 0      | 8    | term (u64)                     |
 * | 8      | 8    | lastTerm: candidate's pterm    |
 * | 16     | 8    | lastIndex: candidate's pindex  |
 * | 24     | 8    | candidate id                   |
 *
 * Vote response (to the candidate's reply inbox), exactly 17 bytes:
 *
 * | offset | size | field                     |
 * | ------ | ---- | ------------------------- |
 * | 0      | 8    | term (u64)                |
 * | 8      | 8    | peer id                   |
 * | 16     | 1    | granted (1) or denied (0) |
 *
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { getId, getU64, putId, putU64 } from "./wire.ts";

/** Length of a vote request (raft.go voteRequestLen = 24 + idLen). */
export const VOTE_REQUEST_LEN = 32;
/** Length of a vote response (raft.go voteResponseLen = 8 + 8 + 1). */
export const VOTE_RESPONSE_LEN = 17;

/** A vote request (raft.go voteRequest). */
export interface VoteRequest {
  term: number;
  lastTerm: number;
  lastIndex: number;
  candidate: string;
}

/** A vote response (raft.go voteResponse). */
export interface VoteResponse {
  term: number;
  peer: string;
  granted: boolean;
}

/** Encodes a vote request. */
export function encodeVoteRequest(vr: VoteRequest): Uint8Array {
  const buf = new Uint8Array(VOTE_REQUEST_LEN);
  putU64(buf, 0, vr.term);
  putU64(buf, 8, vr.lastTerm);
  putU64(buf, 16, vr.lastIndex);
  putId(buf, 24, vr.candidate);
  return buf;
}

/** Decodes a vote request; any other length is malformed (undefined). */
export function decodeVoteRequest(msg: Uint8Array): VoteRequest | undefined {
  if (msg.length !== VOTE_REQUEST_LEN) return undefined;
  return {
    term: getU64(msg, 0),
    lastTerm: getU64(msg, 8),
    lastIndex: getU64(msg, 16),
    candidate: getId(msg, 24),
  };
}

/** Encodes a vote response. */
export function encodeVoteResponse(vr: VoteResponse): Uint8Array {
  const buf = new Uint8Array(VOTE_RESPONSE_LEN);
  putU64(buf, 0, vr.term);
  putId(buf, 8, vr.peer);
  buf[16] = vr.granted ? 1 : 0;
  return buf;
}

/** Decodes a vote response; any other length is malformed (undefined). */
export function decodeVoteResponse(msg: Uint8Array): VoteResponse | undefined {
  if (msg.length !== VOTE_RESPONSE_LEN) return undefined;
  return { term: getU64(msg, 0), peer: getId(msg, 8), granted: msg[16] === 1 };
}
