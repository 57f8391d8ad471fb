/**
 * @module
 * Byte vectors for the RAFT wire formats, built by hand from raft.go 2.9.10's encoders (each
 * field at the offset the Go code writes it).
 */
import assert from "node:assert/strict";
import {
  APPEND_ENTRY_BASE_LEN,
  decodeAppendEntry,
  decodeAppendEntryResponse,
  encodeAppendEntry,
  encodeAppendEntryResponse,
  EntryType,
  entryTypeName,
  getU64,
  putU64,
  RaftWireError,
} from "./wire.ts";
import {
  decodeVoteRequest,
  decodeVoteResponse,
  encodeVoteRequest,
  encodeVoteResponse,
} from "./vote_wire.ts";
import { decodePeerState, encodePeerState } from "./peer_state.ts";

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
/** A little-endian u64 as 8 bytes. */
const u64 = (n: number) => {
  const b = new Uint8Array(8);
  putU64(b, 0, n);
  return [...b];
};

Deno.test("u64 fields are little-endian and exact up to 2^53", () => {
  assert.deepEqual(u64(0x0102030405), [5, 4, 3, 2, 1, 0, 0, 0]);
  const b = new Uint8Array(8);
  putU64(b, 0, Number.MAX_SAFE_INTEGER);
  assert.deepEqual([...b], [255, 255, 255, 255, 255, 255, 31, 0]);
  assert.equal(getU64(b, 0), Number.MAX_SAFE_INTEGER);
});

Deno.test("an append entry with two entries matches appendEntry.encode byte for byte", () => {
  const bytes = encodeAppendEntry({
    leader: "LEADER01",
    term: 7,
    commit: 0x1_0000_0002, // high word set: checks the upper 4 bytes
    pterm: 6,
    pindex: 300,
    entries: [
      { type: EntryType.Normal, data: new Uint8Array([0xaa, 0xbb]) },
      { type: EntryType.AddPeer, data: new TextEncoder().encode("PEER0002") },
    ],
  });
  const expected = [
    ...ascii("LEADER01"), // [0:8] leader
    7,
    0,
    0,
    0,
    0,
    0,
    0,
    0, // [8:16] term
    2,
    0,
    0,
    0,
    1,
    0,
    0,
    0, // [16:24] commit
    6,
    0,
    0,
    0,
    0,
    0,
    0,
    0, // [24:32] pterm
    44,
    1,
    0,
    0,
    0,
    0,
    0,
    0, // [32:40] pindex = 300
    2,
    0, // [40:42] entry count
    3,
    0,
    0,
    0,
    0,
    0xaa,
    0xbb, // entry 1: size 1+2, type Normal, data
    9,
    0,
    0,
    0,
    3,
    ...ascii("PEER0002"), // entry 2: size 1+8, type AddPeer, data
  ];
  assert.deepEqual([...bytes], expected);
  const ae = decodeAppendEntry(bytes);
  assert.equal(ae.leader, "LEADER01");
  assert.equal(ae.term, 7);
  assert.equal(ae.commit, 0x1_0000_0002);
  assert.equal(ae.pterm, 6);
  assert.equal(ae.pindex, 300);
  assert.deepEqual(ae.entries.map((e) => [e.type, [...e.data]]), [
    [0, [0xaa, 0xbb]],
    [3, ascii("PEER0002")],
  ]);
});

Deno.test("a heartbeat is the 42-byte fixed part with zero entries", () => {
  const hb = encodeAppendEntry({
    leader: "ABCDEFGH",
    term: 1,
    commit: 0,
    pterm: 0,
    pindex: 0,
    entries: [],
  });
  assert.equal(hb.length, APPEND_ENTRY_BASE_LEN);
  assert.deepEqual([...hb.subarray(40)], [0, 0]);
  assert.deepEqual(decodeAppendEntry(hb).entries, []);
});

Deno.test("append entry decoding rejects what raft.go's decodeAppendEntry rejects", () => {
  assert.throws(() => decodeAppendEntry(new Uint8Array(41)), RaftWireError);
  const base = encodeAppendEntry({
    leader: "ABCDEFGH",
    term: 1,
    commit: 0,
    pterm: 0,
    pindex: 0,
    entries: [{ type: EntryType.Normal, data: new Uint8Array([1, 2, 3]) }],
  });
  // Count says 2 entries but only one is there.
  const short = base.slice();
  short[40] = 2;
  assert.throws(() => decodeAppendEntry(short), RaftWireError);
  // Entry size running past the end.
  const long = base.slice();
  long[42] = 9;
  assert.throws(() => decodeAppendEntry(long), RaftWireError);
  // Entry size zero.
  const zero = base.slice();
  zero[42] = 0;
  assert.throws(() => decodeAppendEntry(zero), RaftWireError);
  assert.throws(
    () =>
      encodeAppendEntry({ leader: "SHORT", term: 1, commit: 0, pterm: 0, pindex: 0, entries: [] }),
    /raft: leader should be exactly 8 bytes/,
  );
});

Deno.test("an empty leader id encodes as zeros and decodes as no leader", () => {
  const bytes = encodeAppendEntry({
    leader: "",
    term: 1,
    commit: 0,
    pterm: 0,
    pindex: 0,
    entries: [],
  });
  assert.deepEqual([...bytes.subarray(0, 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(decodeAppendEntry(bytes).leader, "");
});

Deno.test("every entry type keeps its wire number and name", () => {
  assert.deepEqual(Object.values(EntryType), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 9].map(entryTypeName),
    [
      "Normal",
      "OldSnapshot",
      "PeerState",
      "AddPeer",
      "RemovePeer",
      "LeaderTransfer",
      "Snapshot",
      "Unknown [9]",
    ],
  );
  for (const type of Object.values(EntryType)) {
    const ae = decodeAppendEntry(
      encodeAppendEntry({
        leader: "ABCDEFGH",
        term: 2,
        commit: 1,
        pterm: 1,
        pindex: 1,
        entries: [{ type, data: new Uint8Array([type]) }],
      }),
    );
    assert.equal(ae.entries[0].type, type);
  }
});

Deno.test("an append entry response is 25 bytes: term, index, peer, success", () => {
  const bytes = encodeAppendEntryResponse({ term: 5, index: 258, peer: "PEERAAAA", success: true });
  assert.deepEqual([...bytes], [
    ...u64(5), // [0:8] term
    2,
    1,
    0,
    0,
    0,
    0,
    0,
    0, // [8:16] index 258
    ...ascii("PEERAAAA"), // [16:24] peer
    1, // [24] success
  ]);
  assert.deepEqual(decodeAppendEntryResponse(bytes), {
    term: 5,
    index: 258,
    peer: "PEERAAAA",
    success: true,
  });
  const fail = encodeAppendEntryResponse({ term: 1, index: 0, peer: "PEERAAAA", success: false });
  assert.equal(fail[24], 0);
  assert.equal(decodeAppendEntryResponse(fail)?.success, false);
  assert.equal(decodeAppendEntryResponse(bytes.subarray(0, 24)), undefined);
});

Deno.test("a vote request is 32 bytes: term, last term, last index, candidate", () => {
  const bytes = encodeVoteRequest({ term: 9, lastTerm: 8, lastIndex: 77, candidate: "CANDIDAT" });
  assert.deepEqual([...bytes], [
    ...u64(9), // [0:8] term
    ...u64(8), // [8:16] lastTerm
    77,
    0,
    0,
    0,
    0,
    0,
    0,
    0, // [16:24] lastIndex
    ...ascii("CANDIDAT"), // [24:32] candidate
  ]);
  assert.deepEqual(decodeVoteRequest(bytes), {
    term: 9,
    lastTerm: 8,
    lastIndex: 77,
    candidate: "CANDIDAT",
  });
  assert.equal(decodeVoteRequest(new Uint8Array(33)), undefined);
});

Deno.test("a vote response is 17 bytes: term, peer, granted", () => {
  const bytes = encodeVoteResponse({ term: 9, peer: "VOTER001", granted: true });
  assert.deepEqual([...bytes], [...u64(9), ...ascii("VOTER001"), 1]);
  assert.deepEqual(decodeVoteResponse(bytes), { term: 9, peer: "VOTER001", granted: true });
  assert.equal(
    decodeVoteResponse(encodeVoteResponse({ term: 1, peer: "VOTER001", granted: false }))
      ?.granted,
    false,
  );
  assert.equal(decodeVoteResponse(new Uint8Array(16)), undefined);
});

Deno.test("peer state is cluster size, count, ids, then the u16 extension state", () => {
  const bytes = encodePeerState({
    knownPeers: ["PEERAAAA", "PEERBBBB"],
    clusterSize: 3,
    domainExt: 2,
  });
  assert.deepEqual([...bytes], [
    3,
    0,
    0,
    0, // [0:4] cluster size
    2,
    0,
    0,
    0, // [4:8] peer count
    ...ascii("PEERAAAA"), // [8:16]
    ...ascii("PEERBBBB"), // [16:24]
    2,
    0, // [24:26] extension state
  ]);
  assert.deepEqual(decodePeerState(bytes), {
    knownPeers: ["PEERAAAA", "PEERBBBB"],
    clusterSize: 3,
    domainExt: 2,
  });
  // An older encoding without the extension state still decodes (undetermined).
  assert.equal(decodePeerState(bytes.subarray(0, 24)).domainExt, 0);
  assert.throws(() => decodePeerState(bytes.subarray(0, 7)), /raft: corrupt peer state/);
  assert.throws(() => decodePeerState(bytes.subarray(0, 20)), /raft: corrupt peer state/);
});
