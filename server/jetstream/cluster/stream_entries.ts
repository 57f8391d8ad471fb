/**
 * @module
 * A replicated stream's changes as entries of its RAFT group. The leader applies each change
 * first (stream/entry.ts, with its checks) and then proposes what it did, in the form a replica
 * applies without checks and a replay applies without doing it twice:
 * - a stored message as nats-server's `streamMsgOp` (entries.ts `encodeStreamMsg`: the leader's
 *   sequence minus one, its time, subject, header and payload); a replica stores it at that
 *   sequence with its `Nats-Msg-Id` and rollup read back from the header;
 * - a purge bounded by sequence (the leader's `keep` turned into the first sequence it kept), a
 *   message delete, a retention removal and a sequence skip as one JSON entry under op
 *   {@link DENATS_STREAM_OP} (denats' own: nats-server proposes purges and deletes with the
 *   client's request and does retention through its consumer groups);
 * - a durable consumer's saved config (or its removal), so the replica that leads next recovers
 *   the consumer.
 * PURE: no Deno APIs, timers or console output.
 */
import { getHeader } from "../../protocol/headers.ts";
import type { StreamConfig } from "../api/stream_config.ts";
import type { StoredEntry, StreamEntry } from "../stream/entry.ts";
import type { StreamStore } from "../store/types.ts";
import { JsHeader } from "../stream/inbound.ts";
import { decodeCompressedStreamMsg, decodeStreamMsg, encodeStreamMsg, EntryOp } from "./entries.ts";

/** The op byte of denats' JSON stream entries (above nats-server's entryOp values). */
export const DENATS_STREAM_OP = 0x40;

/** A durable consumer saved (config as JSON text) or removed on the leader. */
export type ConsumerRecord =
  | { kind: "consumer"; name: string; config: string; created: string }
  | { kind: "consumer-removed"; name: string }
  /** A consumer's state (consumer_state.ts encoding, base64) as its store had it. */
  | { kind: "consumer-state"; name: string; ackPolicy: string; state: string };

/** A decoded group entry: a stream change, or a consumer record. */
export type ReplicatedEntry =
  | { kind: "stream"; entry: StreamEntry; ts: bigint }
  | ConsumerRecord;

const enc = new TextEncoder();
const dec = new TextDecoder();

function jsonEntry(body: Record<string, unknown>): Uint8Array {
  const text = enc.encode(JSON.stringify(body));
  const out = new Uint8Array(1 + text.length);
  out[0] = DENATS_STREAM_OP;
  out.set(text, 1);
  return out;
}

/**
 * The group entry of a change the leader applied at `ts`, or null when a replica has nothing
 * to do for it (an expiry runs on each replica; a config change comes through the meta group).
 * `bound` is the purge's first kept sequence (see {@link purgeBound}).
 */
export function encodeStreamEntry(e: StreamEntry, ts: bigint, bound = 0): Uint8Array | null {
  switch (e.op) {
    case "stored":
      return encodeStreamMsg({
        lastSeq: e.seq - 1,
        ts: e.ts,
        subject: e.subject,
        reply: "",
        header: e.header,
        data: e.data,
      });
    case "skip":
      return jsonEntry({ op: "skip", through: e.through, ts: String(ts) });
    case "purge":
      return jsonEntry({ op: "purge", filter: e.filter, seq: bound, ts: String(ts) });
    case "delete":
      return jsonEntry({ op: "delete", seq: e.seq, erase: e.erase, ts: String(ts) });
    case "remove":
      return jsonEntry({ op: "remove", seq: e.seq, ts: String(ts) });
    default:
      return null;
  }
}

/** A consumer record as a group entry. */
export function encodeConsumerRecord(r: ConsumerRecord): Uint8Array {
  return jsonEntry({ ...r, op: r.kind });
}

/** The rollup a replica applies with a message (its header, when the stream allows them). */
function rollupOf(header: Uint8Array | null, cfg: StreamConfig): "" | "sub" | "all" {
  if (header === null || !cfg.allow_rollup_hdrs) return "";
  const v = getHeader(JsHeader.Rollup, header, 0, header.length);
  const text = v === null ? "" : dec.decode(v);
  return text === "sub" || text === "all" ? text : "";
}

/**
 * A message stored at `seq` and `ts` on the leader, as a replica applies it: its
 * `Nats-Msg-Id` and rollup read back from the header.
 */
export function storedEntryOf(
  subject: string,
  header: Uint8Array | null,
  data: Uint8Array,
  seq: number,
  ts: bigint,
  cfg: StreamConfig,
): StoredEntry {
  const h = header !== null && header.length > 0 ? header : null;
  const id = h === null ? null : getHeader(JsHeader.MsgId, h, 0, h.length);
  return {
    op: "stored",
    subject,
    header: h,
    data,
    seq,
    ts,
    msgId: id === null ? "" : dec.decode(id),
    rollup: rollupOf(h, cfg),
  };
}

/**
 * A group entry read back for a replica of a stream configured as `cfg`; null for an entry that
 * is not a stream entry (or is malformed: a replica skips it).
 */
export function decodeStreamEntry(data: Uint8Array, cfg: StreamConfig): ReplicatedEntry | null {
  if (data.length === 0) return null;
  if (data[0] === EntryOp.StreamMsg || data[0] === EntryOp.CompressedStreamMsg) {
    const m = data[0] === EntryOp.StreamMsg
      ? decodeStreamMsg(data.subarray(1))
      : decodeCompressedStreamMsg(data.subarray(1));
    if (m === null) return null;
    const body = m.data ?? new Uint8Array(0);
    const entry = storedEntryOf(m.subject, m.header, body, m.lastSeq + 1, m.ts, cfg);
    return { kind: "stream", entry, ts: m.ts };
  }
  if (data[0] !== DENATS_STREAM_OP) return null;
  let b: Record<string, unknown>;
  try {
    b = JSON.parse(dec.decode(data.subarray(1)));
  } catch {
    return null;
  }
  const num = (k: string) => (typeof b[k] === "number" ? b[k] as number : 0);
  const str = (k: string) => (typeof b[k] === "string" ? b[k] as string : "");
  const ts = /^-?\d+$/.test(str("ts")) ? BigInt(str("ts")) : 0n;
  switch (b.op) {
    case "skip":
      return { kind: "stream", entry: { op: "skip", through: num("through") }, ts };
    case "purge":
      return {
        kind: "stream",
        entry: { op: "purge", filter: str("filter"), seq: num("seq"), keep: 0 },
        ts,
      };
    case "delete":
      return {
        kind: "stream",
        entry: { op: "delete", seq: num("seq"), erase: b.erase === true },
        ts,
      };
    case "remove":
      return { kind: "stream", entry: { op: "remove", seq: num("seq") }, ts };
    case "consumer":
      return {
        kind: "consumer",
        name: str("name"),
        config: str("config"),
        created: str("created"),
      };
    case "consumer-removed":
      return { kind: "consumer-removed", name: str("name") };
    case "consumer-state":
      return {
        kind: "consumer-state",
        name: str("name"),
        ackPolicy: str("ackPolicy"),
        state: str("state"),
      };
    default:
      return null;
  }
}

/**
 * The first sequence a purge the leader just applied kept (for `filter`): a replica removes
 * the matching messages below it, which is what the leader removed whatever the request's
 * `seq` and `keep` were.
 */
export function purgeBound(
  e: { filter: string; seq: number; keep: number },
  store: Pick<StreamStore, "state" | "filteredState">,
): number {
  const st = store.state();
  if (e.keep === 0 && e.seq > 0) return e.seq;
  if (e.keep === 0) return st.lastSeq + 1;
  if (e.filter === "") return st.msgs === 0 ? st.lastSeq + 1 : st.firstSeq;
  const f = store.filteredState(st.firstSeq, e.filter);
  return f.msgs === 0 ? st.lastSeq + 1 : f.first;
}
