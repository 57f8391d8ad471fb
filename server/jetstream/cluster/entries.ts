/**
 * @module
 * The entries clustered JetStream proposes to its RAFT groups, byte for byte as nats-server
 * 2.9.10 writes them (jetstream_cluster.go `entryOp` and its encoders, consumer.go
 * `updateDelivered`/`updateAcks`/`updateSkipped`), so denats and Go servers can share meta,
 * stream and consumer groups: one op byte, then
 * - meta group: a stream or consumer assignment (or purge / message delete request) as Go's
 *   `json.Encoder` writes it (compact JSON with HTML escapes and a trailing newline);
 * - stream group: a message (`streamMsgOp`: little-endian last sequence, timestamp, then
 *   length-prefixed subject, reply, header and payload);
 * - consumer group: delivered / acked / skipped sequences as (zig-zag) varints, and the pending
 *   pull requests' reply subjects.
 * JSON entries are kept as a parsed tree (go_json.ts: key order and number text preserved), so
 * an entry from a Go server re-encodes to the same bytes. The S2-compressed forms
 * (`assignCompressedConsumerOp`, `compressedStreamMsgOp`) are decoded (S2 blocks, repeats
 * included); denats writes the plain forms, which every peer reads.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { GoNumber, JsonObject, type JsonValue, parseJson } from "../api/go_json.ts";
import { decodeSnappyBlock } from "../store/archive/snappy_block.ts";

/** jetstream_cluster.go entryOp (only ever appended to: the values are the wire). */
export const EntryOp = {
  AssignStream: 0,
  AssignConsumer: 1,
  RemoveStream: 2,
  RemoveConsumer: 3,
  StreamMsg: 4,
  PurgeStream: 5,
  DeleteMsg: 6,
  UpdateDelivered: 7,
  UpdateAcks: 8,
  AssignCompressedConsumer: 9,
  UpdateSkip: 10,
  UpdateStream: 11,
  AddPendingRequest: 12,
  RemovePendingRequest: 13,
  CompressedStreamMsg: 14,
} as const;
export type EntryOp = typeof EntryOp[keyof typeof EntryOp];

/** The ops whose body is Go JSON. */
const JSON_OPS: ReadonlySet<number> = new Set([
  EntryOp.AssignStream,
  EntryOp.AssignConsumer,
  EntryOp.RemoveStream,
  EntryOp.RemoveConsumer,
  EntryOp.PurgeStream,
  EntryOp.DeleteMsg,
  EntryOp.UpdateStream,
]);

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A stream message as replicated (encodeStreamMsg). */
export interface StreamMsgEntry {
  /** The stream's last sequence before this message (Go `lseq`). */
  lastSeq: number;
  /** Nanoseconds since the epoch. */
  ts: bigint;
  subject: string;
  reply: string;
  header: Uint8Array | null;
  data: Uint8Array | null;
}

/**
 * encodeStreamMsg: op 4, u64 lseq, i64 ts, u16+subject, u16+reply, u16+header, u32+payload.
 *
 * @example
 * ```ts
 * import { decodeStreamMsg, encodeStreamMsg } from "./entries.ts";
 * const bytes = encodeStreamMsg({
 *   lastSeq: 7, ts: 1n, subject: "s", reply: "", header: null, data: new Uint8Array([1]),
 * });
 * if (bytes.length !== 1 + 8 + 8 + 2 + 1 + 2 + 2 + 4 + 1) throw new Error();
 * if (decodeStreamMsg(bytes.subarray(1))?.lastSeq !== 7) throw new Error();
 * ```
 */
export function encodeStreamMsg(m: StreamMsgEntry): Uint8Array {
  const subject = enc.encode(m.subject);
  const reply = enc.encode(m.reply);
  const header = m.header ?? new Uint8Array(0);
  const data = m.data ?? new Uint8Array(0);
  const out = new Uint8Array(
    1 + 8 + 8 + 2 + subject.length + 2 + reply.length + 2 + header.length + 4 + data.length,
  );
  const v = new DataView(out.buffer);
  out[0] = EntryOp.StreamMsg;
  let i = 1;
  v.setBigUint64(i, BigInt(m.lastSeq), true);
  v.setBigInt64(i + 8, m.ts, true);
  i += 16;
  for (const part of [subject, reply, header]) {
    v.setUint16(i, part.length, true);
    out.set(part, i + 2);
    i += 2 + part.length;
  }
  v.setUint32(i, data.length, true);
  out.set(data, i + 4);
  return out;
}

/** decodeStreamMsg of the bytes after the op; null for a malformed entry (errBadStreamMsg). */
export function decodeStreamMsg(buf: Uint8Array): StreamMsgEntry | null {
  if (buf.length < 26) return null;
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lastSeq = Number(v.getBigUint64(0, true));
  const ts = v.getBigInt64(8, true);
  let i = 16;
  const parts: Uint8Array[] = [];
  for (let k = 0; k < 3; k++) {
    if (buf.length < i + 2) return null;
    const n = v.getUint16(i, true);
    if (buf.length < i + 2 + n) return null;
    parts.push(buf.subarray(i + 2, i + 2 + n));
    i += 2 + n;
  }
  if (buf.length < i + 4) return null;
  const n = v.getUint32(i, true);
  if (buf.length < i + 4 + n) return null;
  const data = buf.subarray(i + 4, i + 4 + n);
  return {
    lastSeq,
    ts,
    subject: dec.decode(parts[0]),
    reply: dec.decode(parts[1]),
    header: parts[2].length === 0 ? null : parts[2],
    data: data.length === 0 ? null : data,
  };
}

function putUvarint(out: number[], value: bigint): void {
  let x = value;
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
}

/** Go binary.Uvarint: [value, bytes read], or null when the buffer ends first or overflows. */
function getUvarint(buf: Uint8Array, at: number): [bigint, number] | null {
  let x = 0n;
  let shift = 0n;
  for (let i = at; i < buf.length && i - at < 10; i++) {
    const b = buf[i];
    x |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [x, i - at + 1];
    shift += 7n;
  }
  return null;
}

function zigzag(v: bigint): bigint {
  return v >= 0n ? v << 1n : ((-v) << 1n) - 1n;
}

function unzigzag(u: bigint): bigint {
  return (u & 1n) === 0n ? u >> 1n : -((u + 1n) >> 1n);
}

/** A delivery as a consumer leader replicates it (updateDelivered). */
export interface DeliveredUpdate {
  /** Consumer (delivery) sequence. */
  dseq: number;
  /** Stream sequence. */
  sseq: number;
  /** Delivery count. */
  dc: number;
  /** Nanoseconds since the epoch. */
  ts: bigint;
}

/** op 7, uvarint dseq, sseq, dc, varint ts. */
export function encodeDelivered(u: DeliveredUpdate): Uint8Array {
  const out = [EntryOp.UpdateDelivered as number];
  putUvarint(out, BigInt(u.dseq));
  putUvarint(out, BigInt(u.sseq));
  putUvarint(out, BigInt(u.dc));
  putUvarint(out, zigzag(u.ts));
  return Uint8Array.from(out);
}

/** decodeDeliveredUpdate of the bytes after the op. */
export function decodeDelivered(buf: Uint8Array): DeliveredUpdate | null {
  const values: bigint[] = [];
  let at = 0;
  for (let k = 0; k < 4; k++) {
    const r = getUvarint(buf, at);
    if (r === null) return null;
    values.push(r[0]);
    at += r[1];
  }
  return {
    dseq: Number(values[0]),
    sseq: Number(values[1]),
    dc: Number(values[2]),
    ts: unzigzag(values[3]),
  };
}

/** op 8, uvarint dseq, sseq (updateAcks). */
export function encodeAcks(dseq: number, sseq: number): Uint8Array {
  const out = [EntryOp.UpdateAcks as number];
  putUvarint(out, BigInt(dseq));
  putUvarint(out, BigInt(sseq));
  return Uint8Array.from(out);
}

/** decodeAckUpdate of the bytes after the op. */
export function decodeAcks(buf: Uint8Array): { dseq: number; sseq: number } | null {
  const a = getUvarint(buf, 0);
  const b = a === null ? null : getUvarint(buf, a[1]);
  if (a === null || b === null) return null;
  return { dseq: Number(a[0]), sseq: Number(b[0]) };
}

/** op 10, u64 little-endian stream sequence (updateSkipped). */
export function encodeSkip(sseq: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = EntryOp.UpdateSkip;
  new DataView(out.buffer).setBigUint64(1, BigInt(sseq), true);
  return out;
}

/** The stream sequence of an updateSkipOp body. */
export function decodeSkip(buf: Uint8Array): number | null {
  if (buf.length < 8) return null;
  return Number(new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true));
}

/** op 12 or 13 and the pull request's reply subject (add/removeClusterPendingRequest). */
export function encodePendingRequest(
  op: typeof EntryOp.AddPendingRequest | typeof EntryOp.RemovePendingRequest,
  reply: string,
): Uint8Array {
  const r = enc.encode(reply);
  const out = new Uint8Array(1 + r.length);
  out[0] = op;
  out.set(r, 1);
  return out;
}

/** The reply subject of a pending-request body. */
export function decodePendingRequest(buf: Uint8Array): string {
  return dec.decode(buf);
}

/** Go's string escaping in json.Marshal (HTML-safe, U+2028/2029 escaped). */
function goString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A parsed JSON tree written as Go's json.Marshal writes it (compact, keys in order). */
export function goJsonText(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "string") return goString(v);
  if (v instanceof GoNumber) return v.raw;
  if (Array.isArray(v)) return `[${v.map(goJsonText).join(",")}]`;
  return `{${v.entries.map(([k, x]) => `${goString(k)}:${goJsonText(x)}`).join(",")}}`;
}

/** An entry whose body is JSON: its op and its parsed body. */
export interface JsonEntry {
  op: EntryOp;
  body: JsonValue;
}

/** op byte + Go json.Encoder output (the JSON and a newline). */
export function encodeJsonEntry(e: JsonEntry): Uint8Array {
  const text = enc.encode(`${goJsonText(e.body)}\n`);
  const out = new Uint8Array(1 + text.length);
  out[0] = e.op;
  out.set(text, 1);
  return out;
}

/** A JSON-bodied entry read back; null for another op or a body that is not JSON. */
export function decodeJsonEntry(entry: Uint8Array): JsonEntry | null {
  if (entry.length === 0 || !JSON_OPS.has(entry[0])) return null;
  try {
    return { op: entry[0] as EntryOp, body: parseJson(dec.decode(entry.subarray(1))) };
  } catch {
    return null;
  }
}

/** A member of a parsed JSON object (the last of duplicate keys, as Go reads them). */
export function member(obj: JsonValue | undefined, key: string): JsonValue | undefined {
  if (!(obj instanceof JsonObject)) return undefined;
  let found: JsonValue | undefined;
  for (const [k, v] of obj.entries) if (k === key) found = v;
  return found;
}

/** jetstream_cluster.go raftGroup: the RAFT group a stream or consumer runs in. */
export interface RaftGroupInfo {
  name: string;
  peers: string[];
  /** `file` or `memory`. */
  store: string;
  cluster?: string;
  preferred?: string;
}

/** The `group` of a stream or consumer assignment body, or null when it has none. */
export function assignmentGroup(body: JsonValue): RaftGroupInfo | null {
  const g = member(body, "group");
  if (!(g instanceof JsonObject)) return null;
  const str = (k: string) => {
    const v = member(g, k);
    return typeof v === "string" ? v : undefined;
  };
  const peers = member(g, "peers");
  return {
    name: str("name") ?? "",
    peers: Array.isArray(peers) ? peers.filter((p): p is string => typeof p === "string") : [],
    store: str("store") ?? "",
    cluster: str("cluster"),
    preferred: str("preferred"),
  };
}

/** Largest decompressed entry accepted (a stream message is at most a few MiB). */
const MAX_DECOMPRESSED = 64 * 1024 * 1024;

/**
 * compressedStreamMsgOp's body (an S2 block of a stream message body) read back; null when it
 * is not one.
 */
export function decodeCompressedStreamMsg(buf: Uint8Array): StreamMsgEntry | null {
  try {
    return decodeStreamMsg(decodeSnappyBlock(buf, MAX_DECOMPRESSED));
  } catch {
    return null;
  }
}

/**
 * assignCompressedConsumerOp's body (an S2 block of the assignment's JSON) read back as the
 * plain consumer assignment it stands for; null when it is not one.
 */
export function decodeCompressedConsumerAssignment(buf: Uint8Array): JsonEntry | null {
  try {
    const text = dec.decode(decodeSnappyBlock(buf, MAX_DECOMPRESSED));
    return { op: EntryOp.AssignConsumer, body: parseJson(text) };
  } catch {
    return null;
  }
}
