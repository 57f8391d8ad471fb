/**
 * @module
 * The RAFT append-entry messages on the wire, byte for byte as nats-server 2.9.10 `server/raft.go`
 * lays them out (`appendEntry.encode` / `decodeAppendEntry`, `appendEntryResponse.encode` /
 * `decodeAppendEntryResponse`), so denats nodes can sit in the same groups as Go nodes.
 * All integers are little-endian; ids are the 8-character node ids (subjects.ts `nodeId`).
 *
 * Append entry (`$NRG.AE.<group>` and catch-up inboxes):
 *
 * | offset | size | field                                              |
 * | ------ | ---- | -------------------------------------------------- |
 * | 0      | 8    | leader id (8 ASCII chars, zeros when none)         |
 * | 8      | 8    | term (u64)                                         |
 * | 16     | 8    | commit (u64)                                       |
 * | 24     | 8    | pterm: term of the entry before this one (u64)     |
 * | 32     | 8    | pindex: index of the entry before this one (u64)   |
 * | 40     | 2    | number of entries (u16)                            |
 * | 42     | ...  | per entry: u32 size (= 1 + data length), u8 type, data |
 *
 * Append entry response (to the leader's `$NRG.R.<inbox>`), exactly 25 bytes:
 *
 * | offset | size | field                      |
 * | ------ | ---- | -------------------------- |
 * | 0      | 8    | term (u64)                 |
 * | 8      | 8    | index (u64)                |
 * | 16     | 8    | peer id                    |
 * | 24     | 1    | success (1) or failure (0) |
 *
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

/** Length of node/peer ids (raft.go idLen). */
export const ID_LEN = 8;
/** Fixed part of an append entry (raft.go appendEntryBaseLen = idLen + 4*8 + 2). */
export const APPEND_ENTRY_BASE_LEN = ID_LEN + 4 * 8 + 2;
/** Length of an append entry response (raft.go appendEntryResponseLen). */
export const APPEND_ENTRY_RESPONSE_LEN = 25;

/** Entry types (raft.go EntryType, in their wire order). */
export const EntryType = {
  Normal: 0,
  OldSnapshot: 1,
  PeerState: 2,
  AddPeer: 3,
  RemovePeer: 4,
  LeaderTransfer: 5,
  Snapshot: 6,
} as const;
/** One of {@link EntryType}'s values (any byte decodes; unknown types are kept as numbers). */
export type EntryTypeValue = number;

const TYPE_NAMES = [
  "Normal",
  "OldSnapshot",
  "PeerState",
  "AddPeer",
  "RemovePeer",
  "LeaderTransfer",
  "Snapshot",
];

/** The name nats-server prints for an entry type (raft.go EntryType.String). */
export function entryTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `Unknown [${type}]`;
}

/** One log entry inside an append entry. */
export interface Entry {
  type: EntryTypeValue;
  data: Uint8Array;
}

/** An append entry (raft.go appendEntry, wire fields only). */
export interface AppendEntry {
  leader: string;
  term: number;
  commit: number;
  pterm: number;
  pindex: number;
  entries: Entry[];
}

/** An append entry response (raft.go appendEntryResponse, wire fields only). */
export interface AppendEntryResponse {
  term: number;
  index: number;
  peer: string;
  success: boolean;
}

/** Thrown for an append entry nats-server would reject (raft.go errBadAppendEntry and friends). */
export class RaftWireError extends Error {}

const TWO_32 = 0x1_0000_0000;

/** Writes `value` as a little-endian u64 (values up to 2^53). */
export function putU64(buf: Uint8Array, offset: number, value: number): void {
  const low = value % TWO_32;
  const high = Math.floor(value / TWO_32);
  buf[offset] = low & 0xff;
  buf[offset + 1] = (low >>> 8) & 0xff;
  buf[offset + 2] = (low >>> 16) & 0xff;
  buf[offset + 3] = (low >>> 24) & 0xff;
  buf[offset + 4] = high & 0xff;
  buf[offset + 5] = (high >>> 8) & 0xff;
  buf[offset + 6] = (high >>> 16) & 0xff;
  buf[offset + 7] = (high >>> 24) & 0xff;
}

/** Reads a little-endian u64 (exact up to 2^53). */
export function getU64(buf: Uint8Array, offset: number): number {
  return getU32(buf, offset) + getU32(buf, offset + 4) * TWO_32;
}

/** Writes a little-endian u32. */
export function putU32(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = value & 0xff;
  buf[offset + 1] = (value >>> 8) & 0xff;
  buf[offset + 2] = (value >>> 16) & 0xff;
  buf[offset + 3] = (value >>> 24) & 0xff;
}

/** Reads a little-endian u32. */
export function getU32(buf: Uint8Array, offset: number): number {
  return (buf[offset] | (buf[offset + 1] << 8) | (buf[offset + 2] << 16)) +
    buf[offset + 3] * 0x100_0000;
}

/** Writes an 8-character id (ASCII); an empty id leaves zeros, as Go's `copy` does. */
export function putId(buf: Uint8Array, offset: number, id: string): void {
  for (let i = 0; i < ID_LEN && i < id.length; i++) buf[offset + i] = id.charCodeAt(i) & 0xff;
}

/** Reads an 8-byte id; all zeros (no leader) reads as "". */
export function getId(buf: Uint8Array, offset: number): string {
  let id = "";
  let zeros = true;
  for (let i = 0; i < ID_LEN; i++) {
    const b = buf[offset + i];
    if (b !== 0) zeros = false;
    id += String.fromCharCode(b);
  }
  return zeros ? "" : id;
}

/**
 * Encodes an append entry (raft.go appendEntry.encode).
 *
 * @example
 * ```ts
 * import { encodeAppendEntry } from "./wire.ts";
 * const hb = encodeAppendEntry({ leader: "ABCDEFGH", term: 1, commit: 0, pterm: 0, pindex: 0, entries: [] });
 * if (hb.length !== 42) throw new Error();
 * ```
 */
export function encodeAppendEntry(ae: AppendEntry): Uint8Array {
  if (ae.leader.length !== ID_LEN && ae.leader.length !== 0) {
    throw new RaftWireError(`raft: leader should be exactly ${ID_LEN} bytes`);
  }
  if (ae.entries.length > 0xffff) {
    throw new RaftWireError("raft: append entry can contain a max of 64k entries");
  }
  let size = APPEND_ENTRY_BASE_LEN;
  for (const e of ae.entries) size += 5 + e.data.length;
  const buf = new Uint8Array(size);
  putId(buf, 0, ae.leader);
  putU64(buf, 8, ae.term);
  putU64(buf, 16, ae.commit);
  putU64(buf, 24, ae.pterm);
  putU64(buf, 32, ae.pindex);
  buf[40] = ae.entries.length & 0xff;
  buf[41] = ae.entries.length >>> 8;
  let at = APPEND_ENTRY_BASE_LEN;
  for (const e of ae.entries) {
    putU32(buf, at, e.data.length + 1);
    buf[at + 4] = e.type;
    buf.set(e.data, at + 5);
    at += 5 + e.data.length;
  }
  return buf;
}

/**
 * Decodes an append entry with nats-server's checks (raft.go decodeAppendEntry): shorter than 42
 * bytes, an entry size of zero or one running past the end is corrupt. Entry data are views into
 * `msg` (copy `msg` first if its buffer is reused). Bytes after the last entry are ignored.
 */
export function decodeAppendEntry(msg: Uint8Array): AppendEntry {
  if (msg.length < APPEND_ENTRY_BASE_LEN) throw new RaftWireError("raft: append entry corrupt");
  const count = msg[40] | (msg[41] << 8);
  const entries: Entry[] = [];
  let at = APPEND_ENTRY_BASE_LEN;
  for (let i = 0; i < count; i++) {
    if (at >= msg.length - 1) throw new RaftWireError("raft: append entry corrupt");
    const size = getU32(msg, at);
    at += 4;
    if (size <= 0 || at + size > msg.length) throw new RaftWireError("raft: append entry corrupt");
    entries.push({ type: msg[at], data: msg.subarray(at + 1, at + size) });
    at += size;
  }
  return {
    leader: getId(msg, 0),
    term: getU64(msg, 8),
    commit: getU64(msg, 16),
    pterm: getU64(msg, 24),
    pindex: getU64(msg, 32),
    entries,
  };
}

/** Encodes an append entry response (raft.go appendEntryResponse.encode). */
export function encodeAppendEntryResponse(ar: AppendEntryResponse): Uint8Array {
  const buf = new Uint8Array(APPEND_ENTRY_RESPONSE_LEN);
  putU64(buf, 0, ar.term);
  putU64(buf, 8, ar.index);
  putId(buf, 16, ar.peer);
  buf[24] = ar.success ? 1 : 0;
  return buf;
}

/** Decodes a response; anything but exactly 25 bytes is undefined (raft.go returns nil). */
export function decodeAppendEntryResponse(msg: Uint8Array): AppendEntryResponse | undefined {
  if (msg.length !== APPEND_ENTRY_RESPONSE_LEN) return undefined;
  return {
    term: getU64(msg, 0),
    index: getU64(msg, 8),
    peer: getId(msg, 16),
    success: msg[24] === 1,
  };
}
