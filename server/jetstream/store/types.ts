/**
 * @module
 * The JetStream storage contract shared by the memory and the file store: the `StreamStore` and
 * `ConsumerStore` interfaces, the state shapes reported in stream info, the limits a store enforces
 * and the store errors with nats-server's texts (behaviour of nats-server 2.9.10 `server/store.go`).
 *
 * Conventions (both stores):
 * - Sequences are JS numbers (exact up to 2^53 - 1).
 * - Timestamps are nanoseconds since the Unix epoch as `bigint` (Go's `UnixNano()`); `0n` means
 *   "no time" (Go's zero `time.Time`). A store never reads a clock: every time arrives as an
 *   argument (`storeMsg(..., ts)`, `skipMsg(ts)`, `expireMsgs(now)`).
 * - `max_age` is a `bigint` duration in nanoseconds; `0n` means unlimited.
 * PURE: no Deno APIs, timers or console output.
 */

/** Discard policies of a stream (`discard` in stream config). */
export const DiscardPolicy = { Old: "old", New: "new" } as const;
/** One of {@link DiscardPolicy}. */
export type DiscardPolicy = typeof DiscardPolicy[keyof typeof DiscardPolicy];

/** The limits part of a stream config that the store enforces. 0 / -1 mean unlimited. */
export interface StoreLimits {
  maxMsgs: number;
  maxBytes: number;
  /** Nanoseconds; 0n = no age limit. */
  maxAge: bigint;
  maxMsgsPerSubject: number;
  maxMsgSize: number;
  discard: DiscardPolicy;
  discardNewPerSubject: boolean;
}

/** Unlimited limits with discard old: the defaults of a new stream. */
export function defaultLimits(): StoreLimits {
  return {
    maxMsgs: -1,
    maxBytes: -1,
    maxAge: 0n,
    maxMsgsPerSubject: -1,
    maxMsgSize: -1,
    discard: DiscardPolicy.Old,
    discardNewPerSubject: false,
  };
}

/** A stored message as loaded back. `header` is null when the message had none. */
export interface StoredMsg {
  subject: string;
  header: Uint8Array | null;
  data: Uint8Array;
  seq: number;
  ts: bigint;
}

/** What storing a message assigned. */
export interface StoreAck {
  seq: number;
  ts: bigint;
}

/** Per-subject (or filtered) counts, Go's `SimpleState`. */
export interface SimpleState {
  msgs: number;
  first: number;
  last: number;
}

/** Go's `StreamState`: what stream info reports. Times are ns (0n when unset). */
export interface StreamState {
  msgs: number;
  bytes: number;
  firstSeq: number;
  firstTs: bigint;
  lastSeq: number;
  lastTs: bigint;
  numSubjects: number;
  numDeleted: number;
  /** Interior deleted sequences, ascending; only when asked for (`state(true)`). */
  deleted?: number[];
  consumerCount: number;
}

/**
 * Storage update callback, Go's `StorageUpdateHandler`: `(msgsDelta, bytesDelta, seq, subject)`.
 * A single store/remove gives its seq and subject; bulk removals (purge, compact, truncate) give
 * seq 0 and subject "".
 */
export type StorageUpdateHandler = (
  msgs: number,
  bytes: number,
  seq: number,
  subject: string,
) => void;

/** The stream message store: one interface, a memory and a file implementation. */
export interface StreamStore {
  /** Stores with the next sequence. Resolves once the record reached the OS (file store). */
  storeMsg(
    subject: string,
    header: Uint8Array | null,
    data: Uint8Array,
    ts: bigint,
  ): Promise<StoreAck>;
  /** Stores with a given sequence (mirrors, replication): it must be last_seq + 1 (or 0: next). */
  storeRawMsg(
    subject: string,
    header: Uint8Array | null,
    data: Uint8Array,
    seq: number,
    ts: bigint,
  ): Promise<void>;
  /** Uses up the next sequence without storing a message; returns it. */
  skipMsg(ts: bigint): number;
  /**
   * Throws ErrStoreMsgNotFound (deleted or below first) or ErrStoreEOF (past last). With
   * `borrow`, header and data may be views of the store's own buffers: valid until the store
   * next changes, for a caller that uses (copies) them at once (a consumer's delivery).
   */
  loadMsg(seq: number, borrow?: boolean): StoredMsg;
  /** Last message whose subject matches `subject` (wildcards allowed; "" or ">" = any). */
  loadLastMsg(subject: string): StoredMsg;
  /**
   * First message at or after `start` matching `filter`; throws ErrStoreEOF when none.
   * `borrow` as for {@link loadMsg}.
   */
  loadNextMsg(filter: string, wildcard: boolean, start: number, borrow?: boolean): StoredMsg;
  /**
   * Calls `fn` for every stored message from `start` on that has a header, in sequence order
   * (a stream rebuilding its duplicate window after a restart). `header` is a view valid only
   * during the call; messages without one cost no read.
   */
  scanHeaders(start: number, fn: (seq: number, ts: bigint, header: Uint8Array) => void): void;
  removeMsg(seq: number): boolean;
  /** Removes and overwrites the message's contents (secure delete). */
  eraseMsg(seq: number): boolean;
  purge(): number;
  /** Purge by subject filter, up to (not including) `seq`, or keeping the last `keep`. */
  purgeEx(subject: string, seq: number, keep: number): number;
  /** Removes everything below `seq`; returns the number of messages removed. */
  compact(seq: number): number;
  /** Removes everything above `seq` (which must hold a message). */
  truncate(seq: number): void;
  /** First sequence whose timestamp is >= `ts`. */
  getSeqFromTime(ts: bigint): number;
  filteredState(seq: number, subject: string): SimpleState;
  subjectsState(filter: string): Map<string, SimpleState>;
  /** Messages at or after `startSeq` matching `filter`; with `lastPerSubject` one per subject. */
  numPending(startSeq: number, filter: string, lastPerSubject: boolean): number;
  state(withDeleted?: boolean): StreamState;
  /** Removes messages whose ts <= now - max_age; returns how many. */
  expireMsgs(now: bigint): number;
  /** When the oldest message expires (ns), or null when nothing can expire. */
  nextExpiry(): bigint | null;
  updateConfig(limits: StoreLimits): void;
  registerStorageUpdates(cb: StorageUpdateHandler | null): void;
  /** Writes queued records to the OS, and fsyncs when `sync` is true. */
  flush(sync?: boolean): Promise<void>;
  consumerStore(name: string, config: ConsumerStoreConfig): ConsumerStore;
  stop(): Promise<void>;
  delete(): Promise<void>;
}

/** Ack policies a consumer store knows about. */
export const AckPolicy = { None: "none", All: "all", Explicit: "explicit" } as const;
/** One of {@link AckPolicy}. */
export type AckPolicy = typeof AckPolicy[keyof typeof AckPolicy];

/** The consumer config part the consumer store needs. */
export interface ConsumerStoreConfig {
  ackPolicy: AckPolicy;
}

/** Go's `SequencePair`. */
export interface SequencePair {
  consumerSeq: number;
  streamSeq: number;
}

/** A delivered, unacknowledged message: its consumer sequence and delivery time (ns). */
export interface PendingEntry {
  sequence: number;
  timestamp: bigint;
}

/** Go's `ConsumerState`. Maps are keyed by stream sequence. */
export interface ConsumerState {
  delivered: SequencePair;
  ackFloor: SequencePair;
  pending: Map<number, PendingEntry>;
  redelivered: Map<number, number>;
}

/** Consumer state storage (memory or a state file beside the stream). */
export interface ConsumerStore {
  setStarting(streamSeq: number): void;
  hasState(): boolean;
  updateDelivered(consumerSeq: number, streamSeq: number, deliveryCount: number, ts: bigint): void;
  updateAcks(consumerSeq: number, streamSeq: number): void;
  updateConfig(config: ConsumerStoreConfig): void;
  update(state: ConsumerState): void;
  state(): ConsumerState;
  encodedState(): Uint8Array;
  /** Persists the state now (file store: atomic rewrite of the state file). */
  flush(): void;
  stop(): void;
  delete(): void;
}

/** Store error codes; `message` is nats-server's text. */
export const StoreErrorCode = {
  Closed: "store is closed",
  MsgNotFound: "no message found",
  EOF: "stream store EOF",
  MaxMsgs: "maximum messages exceeded",
  MaxBytes: "maximum bytes exceeded",
  MaxMsgsPerSubject: "maximum messages per subject exceeded",
  MsgTooLarge: "message to large",
  NoAckPolicy: "ack policy is none",
  InvalidSequence: "invalid sequence",
  SequenceMismatch: "expected sequence does not match store",
  PurgeArgMismatch: "sequence > 1 && keep > 0 not allowed",
  BadAckFloor: "bad ack floor for consumer",
  BadStreamAckFloor: "bad ack floor for stream",
  OldUpdate: "old update ignored",
  Corrupt: "corrupt state",
} as const;
/** One of {@link StoreErrorCode}. */
export type StoreErrorCode = typeof StoreErrorCode[keyof typeof StoreErrorCode];

/** An error from a store; compare `code` (the message is the same text). */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.code = code;
    this.name = "StoreError";
  }
}

/** Whether `e` is a {@link StoreError} with `code`. */
export function isStoreError(e: unknown, code: StoreErrorCode): boolean {
  return e instanceof StoreError && e.code === code;
}

/**
 * Bytes accounted for a message in the memory store (nats-server `memStoreMsgSize`):
 * subject + header + data + 16.
 */
export function memStoreMsgSize(subjectLen: number, headerLen: number, dataLen: number): number {
  return subjectLen + headerLen + dataLen + 16;
}

/**
 * Bytes accounted for a message in the file store (nats-server `fileStoreMsgSize`):
 * 22 + subject + data + 8, plus 4 + header when there is a header.
 */
export function fileStoreMsgSize(subjectLen: number, headerLen: number, dataLen: number): number {
  if (headerLen === 0) return 22 + subjectLen + dataLen + 8;
  return 22 + subjectLen + 4 + headerLen + dataLen + 8;
}
