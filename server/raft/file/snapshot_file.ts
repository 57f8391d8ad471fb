/**
 * @module
 * Snapshot files of a RAFT log directory, named as raft.go names them
 * (`snapshots/snap.<term>.<index>`), in our own layout (little-endian):
 *
 * | offset   | size | field                              |
 * | -------- | ---- | ---------------------------------- |
 * | 0        | 8    | lastTerm                           |
 * | 8        | 8    | lastIndex                          |
 * | 16       | 4    | peer state length p                |
 * | 20       | p    | peer state                         |
 * | 20 + p   | d    | snapshot data                      |
 * | end - 4  | 4    | CRC-32 of everything before it     |
 *
 * (raft.go writes the same fields with a highwayhash at the end.) A snapshot is written with a
 * temporary file, fsync and rename before the log is compacted; older snapshot files are
 * removed after. On load the newest parsable name wins (raft.go setupLastSnapshot), and a file
 * that is too short or fails its checksum is removed, as raft.go loadLastSnapshot does.
 * Runs in the isolate that owns the RAFT group (sync Deno file APIs).
 */
import { crc32 } from "../../jetstream/store/crc32.ts";
import type { Snapshot } from "../log.ts";
import { getU32, getU64, putU32, putU64 } from "../wire.ts";
import { readOptional, removeIfExists, syncDir, writeDurable } from "./durable.ts";

/** The snapshots folder inside a log directory (raft.go snapshotsDir). */
export const SNAPSHOTS_DIR = "snapshots";
const MIN_LEN = 24;
const NAME = /^snap\.(\d+)\.(\d+)$/;

/**
 * Encodes a snapshot file.
 *
 * @example
 * ```ts
 * import { decodeSnapshot, encodeSnapshot } from "./snapshot_file.ts";
 * const snap = { lastTerm: 1, lastIndex: 5, peerState: new Uint8Array(0), data: new Uint8Array([1]) };
 * if (decodeSnapshot(encodeSnapshot(snap))?.lastIndex !== 5) throw new Error();
 * ```
 */
export function encodeSnapshot(snap: Snapshot): Uint8Array {
  const buf = new Uint8Array(MIN_LEN + snap.peerState.length + snap.data.length);
  putU64(buf, 0, snap.lastTerm);
  putU64(buf, 8, snap.lastIndex);
  putU32(buf, 16, snap.peerState.length);
  buf.set(snap.peerState, 20);
  buf.set(snap.data, 20 + snap.peerState.length);
  putU32(buf, buf.length - 4, crc32(buf, 0, buf.length - 4));
  return buf;
}

/** Decodes a snapshot file; undefined when it is too short or its checksum fails. */
export function decodeSnapshot(buf: Uint8Array): Snapshot | undefined {
  if (buf.length < MIN_LEN) return undefined;
  const end = buf.length - 4;
  if (crc32(buf, 0, end) !== getU32(buf, end)) return undefined;
  const peerLen = getU32(buf, 16);
  if (20 + peerLen > end) return undefined;
  return {
    lastTerm: getU64(buf, 0),
    lastIndex: getU64(buf, 8),
    peerState: buf.slice(20, 20 + peerLen),
    data: buf.slice(20 + peerLen, end),
  };
}

/** Writes `snap` durably as `snapshots/snap.<term>.<index>` and removes the other files. */
export function writeSnapshot(dir: string, snap: Snapshot): void {
  const snapDir = `${dir}/${SNAPSHOTS_DIR}`;
  const name = `snap.${snap.lastTerm}.${snap.lastIndex}`;
  writeDurable(`${snapDir}/${name}`, encodeSnapshot(snap));
  removeOthers(snapDir, name);
}

/**
 * Loads the newest snapshot (highest term, then highest index, as raft.go setupLastSnapshot
 * picks); unparsable names, older files and a corrupt newest file are removed.
 */
export function loadSnapshot(dir: string): Snapshot | undefined {
  const snapDir = `${dir}/${SNAPSHOTS_DIR}`;
  let latest: { name: string; term: number; index: number } | undefined;
  for (const entry of Deno.readDirSync(snapDir)) {
    const m = NAME.exec(entry.name);
    if (!m) continue;
    const term = Number(m[1]);
    const index = Number(m[2]);
    if (!latest || term > latest.term || (term === latest.term && index > latest.index)) {
      latest = { name: entry.name, term, index };
    }
  }
  removeOthers(snapDir, latest?.name ?? "");
  if (!latest) return undefined;
  const path = `${snapDir}/${latest.name}`;
  const bytes = readOptional(path);
  const snap = bytes && decodeSnapshot(bytes);
  if (!snap || snap.lastTerm !== latest.term || snap.lastIndex !== latest.index) {
    removeIfExists(path);
    syncDir(snapDir);
    return undefined;
  }
  return snap;
}

function removeOthers(snapDir: string, keep: string): void {
  let removed = false;
  for (const entry of [...Deno.readDirSync(snapDir)]) {
    if (entry.name === keep) continue;
    removeIfExists(`${snapDir}/${entry.name}`);
    removed = true;
  }
  if (removed) syncDir(snapDir);
}
