/**
 * @module
 * Every state change of a stream as one entry, applied by one function with the time passed
 * in: a stored (or skipped) message, a purge, a message delete, a config update, an age expiry,
 * and a retention removal (work-queue/interest acks). On one server an entry is applied as soon
 * as its checks pass; with replication the same entry will go through the RAFT log first
 * (nats-server 2.9.10 stream.go `processJetStreamMsg` after its checks, `purge`, `deleteMsg`/
 * `eraseMsg`, `update`, and the store's expiry).
 * The store applies a change before its `storeMsg` promise settles (both stores do:
 * stream_core.ts), so entries apply synchronously and only the PubAck waits for persistence.
 * PURE: no Deno APIs, timers or console output.
 */
import type { ApiError } from "../api/errors.ts";
import type { StreamConfig } from "../api/stream_config.ts";
import { DiscardPolicy, type StoreLimits, type StreamStore } from "../store/types.ts";
import type { DedupeTable } from "./dedupe.ts";

/** A message to store (`skip`: interest retention without interest uses the sequence only). */
export interface MsgEntry {
  op: "msg";
  subject: string;
  header: Uint8Array | null;
  data: Uint8Array;
  /** `Nats-Msg-Id` ("" for none). */
  msgId: string;
  /** `Nats-Rollup`: purge the subject (`sub`) or the stream (`all`) but this message. */
  rollup: "" | "sub" | "all";
  skip: boolean;
}

/** STREAM.PURGE (Go JSApiStreamPurgeRequest; all zero: the whole stream). */
export interface PurgeEntry {
  op: "purge";
  filter: string;
  seq: number;
  keep: number;
}

/** STREAM.MSG.DELETE (`erase`: overwrite the message, the default). */
export interface DeleteEntry {
  op: "delete";
  seq: number;
  erase: boolean;
}

/** STREAM.UPDATE with the checked config. */
export interface ConfigEntry {
  op: "config";
  config: StreamConfig;
}

/** max_age: remove messages older than the limit at `now`. */
export interface ExpireEntry {
  op: "expire";
}

/** Retention: a message no consumer needs any more (work queue, interest). */
export interface RemoveEntry {
  op: "remove";
  seq: number;
}

/**
 * A mirrored message stored with its origin sequence and time (stream.go
 * processInboundMirrorMsg -> processJetStreamMsg with `lseq = seq - 1`). A mirror that never
 * stored anything starts at `seq`; any other gap is a sequence mismatch (the mirror retries).
 */
export interface MirrorEntry {
  op: "mirror";
  subject: string;
  header: Uint8Array | null;
  data: Uint8Array;
  seq: number;
  /** The origin's timestamp (ns); 0 for now. */
  ts: bigint;
  msgId: string;
}

/** skipMsgs: the sequences up to `through` are used up without messages (origin gaps). */
export interface SkipEntry {
  op: "skip";
  through: number;
}

/**
 * A message the stream's leader stored, applied on a replica at the leader's sequence and time
 * (with the leader's message id and rollup): a sequence already held is skipped, so the
 * replicated log can be replayed over a store that kept its messages.
 */
export interface StoredEntry {
  op: "stored";
  subject: string;
  header: Uint8Array | null;
  data: Uint8Array;
  seq: number;
  ts: bigint;
  msgId: string;
  rollup: "" | "sub" | "all";
}

/** One state change of a stream. */
export type StreamEntry =
  | MsgEntry
  | StoredEntry
  | MirrorEntry
  | SkipEntry
  | PurgeEntry
  | DeleteEntry
  | ConfigEntry
  | ExpireEntry
  | RemoveEntry;

/** What an entry changes: the stream's config, store and duplicate state. */
export interface StreamMachine {
  config: StreamConfig;
  readonly store: StreamStore;
  readonly dedupe: DedupeTable;
  /** The last stored message's `Nats-Msg-Id`. */
  lastMsgId: string;
  /** The account's limit error after a store grew its usage (Go jsa.limitsExceeded), or null. */
  accountLimitError(): ApiError | null;
}

/** The outcome of applying an entry. */
export type EntryResult =
  /** A message: `seq` 0 when the store refused it (`persisted` then rejects with why). */
  | { op: "msg"; seq: number; persisted: Promise<unknown>; limitError: ApiError | null }
  /**
   * `mismatch`: the mirror is not at `seq - 1` (nothing stored); `stored` false otherwise: the
   * store refused (`persisted` rejects with why).
   */
  | { op: "mirror"; seq: number; mismatch: boolean; stored: boolean; persisted: Promise<unknown> }
  | { op: "skip"; skipped: number }
  /** `stored` false: the sequence was held already (or the store refused: `persisted`). */
  | { op: "stored"; stored: boolean; persisted: Promise<unknown> }
  | { op: "purge"; purged: number }
  | { op: "delete"; removed: boolean }
  | { op: "config" }
  | { op: "expire"; expired: number }
  | { op: "remove"; removed: boolean };

/** The store limits of a stream config. */
export function storeLimitsOf(cfg: StreamConfig): StoreLimits {
  return {
    maxMsgs: cfg.max_msgs,
    maxBytes: cfg.max_bytes,
    maxAge: BigInt(cfg.max_age),
    maxMsgsPerSubject: cfg.max_msgs_per_subject,
    maxMsgSize: cfg.max_msg_size,
    discard: cfg.discard === "new" ? DiscardPolicy.New : DiscardPolicy.Old,
    discardNewPerSubject: cfg.discard_new_per_subject === true,
  };
}

function applyMsg(m: StreamMachine, e: MsgEntry, now: bigint): EntryResult {
  const store = m.store;
  if (e.skip) {
    const seq = store.skipMsg(now);
    m.lastMsgId = e.msgId;
    // nats-server records a skipped message's id with sequence 0: a duplicate is acked as 0.
    if (e.msgId !== "") m.dedupe.add({ id: e.msgId, seq: 0, ts: now });
    return { op: "msg", seq, persisted: Promise.resolve(), limitError: null };
  }
  const before = store.state().lastSeq;
  const persisted = store.storeMsg(e.subject, e.header, e.data, now);
  persisted.catch(() => {}); // the PubAck path reports it; never an unhandled rejection
  const after = store.state().lastSeq;
  if (after !== before + 1) {
    return { op: "msg", seq: 0, persisted, limitError: null };
  }
  const seq = after;
  const limitError = m.accountLimitError();
  if (limitError !== null) {
    store.removeMsg(seq);
    return { op: "msg", seq, persisted, limitError };
  }
  const prevMsgId = m.lastMsgId;
  m.lastMsgId = e.msgId;
  if (e.msgId !== "") {
    const entry = { id: e.msgId, seq, ts: now };
    m.dedupe.add(entry);
    // A write that failed (the store forgot the message): the id may be sent again.
    persisted.catch(() => {
      m.dedupe.forget(entry);
      if (m.lastMsgId === e.msgId) m.lastMsgId = prevMsgId;
    });
  }
  if (e.rollup === "sub") store.purgeEx(e.subject, 0, 1);
  else if (e.rollup === "all") store.purgeEx("", 0, 1);
  return { op: "msg", seq, persisted, limitError: null };
}

function applyMirror(m: StreamMachine, e: MirrorEntry, now: bigint): EntryResult {
  const store = m.store;
  const st = store.state();
  if (e.seq - 1 > 0 && e.seq - 1 !== st.lastSeq) {
    // Only a mirror without any state may start at the origin's sequence (store.Compact).
    if (st.lastSeq !== 0 || st.msgs !== 0) {
      const persisted = Promise.resolve();
      return { op: "mirror", seq: e.seq, mismatch: true, stored: false, persisted };
    }
    store.compact(e.seq);
  }
  const ts = e.ts === 0n ? now : e.ts;
  const persisted = store.storeRawMsg(e.subject, e.header, e.data, e.seq, ts);
  persisted.catch(() => {}); // the caller reports it
  if (store.state().lastSeq !== e.seq) {
    return { op: "mirror", seq: e.seq, mismatch: false, stored: false, persisted };
  }
  m.lastMsgId = e.msgId;
  if (e.msgId !== "" && m.config.duplicate_window > 0) {
    m.dedupe.add({ id: e.msgId, seq: e.seq, ts });
  }
  return { op: "mirror", seq: e.seq, mismatch: false, stored: true, persisted };
}

function applyStored(m: StreamMachine, e: StoredEntry, now: bigint): EntryResult {
  const store = m.store;
  const last = store.state().lastSeq;
  if (e.seq <= last) return { op: "stored", stored: false, persisted: Promise.resolve() };
  if (e.seq - 1 > last) applySkip(m, e.seq - 1, now);
  const persisted = store.storeRawMsg(e.subject, e.header, e.data, e.seq, e.ts);
  persisted.catch(() => {}); // the replica reports it
  if (store.state().lastSeq !== e.seq) return { op: "stored", stored: false, persisted };
  m.lastMsgId = e.msgId;
  if (e.msgId !== "" && m.config.duplicate_window > 0) {
    m.dedupe.add({ id: e.msgId, seq: e.seq, ts: e.ts });
  }
  if (e.rollup === "sub") store.purgeEx(e.subject, 0, 1);
  else if (e.rollup === "all") store.purgeEx("", 0, 1);
  return { op: "stored", stored: true, persisted };
}

function applySkip(m: StreamMachine, through: number, now: bigint): EntryResult {
  const store = m.store;
  const st = store.state();
  if (through <= st.lastSeq) return { op: "skip", skipped: 0 };
  const skipped = through - st.lastSeq;
  // Nothing held: one floor move instead of a skip per sequence (same resulting state).
  if (st.msgs === 0) store.compact(through + 1);
  else for (let s = st.lastSeq; s < through; s++) store.skipMsg(now);
  return { op: "skip", skipped };
}

/**
 * Applies `entry` to the stream at time `now` (ns). Store errors of purge and delete are
 * thrown (the API answers them); a refused message is reported in its result.
 *
 * @example
 * ```ts
 * import { applyStreamEntry } from "./entry.ts";
 * import { DedupeTable } from "./dedupe.ts";
 * import { MemoryStore } from "../store/memory_store.ts";
 * import { checkStreamConfig, zeroStreamConfig } from "../api/stream_config.ts";
 * const c = checkStreamConfig({ ...zeroStreamConfig(), name: "S" });
 * if (!("config" in c)) throw new Error();
 * const m = {
 *   config: c.config, store: new MemoryStore(), dedupe: new DedupeTable(), lastMsgId: "",
 *   accountLimitError: () => null,
 * };
 * const r = applyStreamEntry(m, {
 *   op: "msg", subject: "S", header: null, data: new Uint8Array(2), msgId: "a", rollup: "",
 *   skip: false,
 * }, 5n);
 * if (r.op !== "msg" || r.seq !== 1 || m.dedupe.find("a")?.seq !== 1) throw new Error();
 * ```
 */
export function applyStreamEntry(m: StreamMachine, entry: StreamEntry, now: bigint): EntryResult {
  switch (entry.op) {
    case "msg":
      return applyMsg(m, entry, now);
    case "mirror":
      return applyMirror(m, entry, now);
    case "stored":
      return applyStored(m, entry, now);
    case "skip":
      return applySkip(m, entry.through, now);
    case "purge": {
      const { filter, seq, keep } = entry;
      const purged = filter === "" && seq === 0 && keep === 0
        ? m.store.purge()
        : m.store.purgeEx(filter, seq, keep);
      return { op: "purge", purged };
    }
    case "delete": {
      const removed = entry.erase ? m.store.eraseMsg(entry.seq) : m.store.removeMsg(entry.seq);
      return { op: "delete", removed };
    }
    case "config": {
      const old = m.config;
      m.config = entry.config;
      m.store.updateConfig(storeLimitsOf(entry.config));
      if (entry.config.duplicate_window !== old.duplicate_window) {
        m.dedupe.expire(now, BigInt(entry.config.duplicate_window));
      }
      return { op: "config" };
    }
    case "expire":
      return { op: "expire", expired: m.store.expireMsgs(now) };
    case "remove": {
      let removed = false;
      try {
        removed = m.store.removeMsg(entry.seq);
      } catch {
        removed = false;
      }
      return { op: "remove", removed };
    }
  }
}
