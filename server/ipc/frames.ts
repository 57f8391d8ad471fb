/**
 * @module
 * The record formats carried on the rings between workers: published messages, interest
 * changes, account bindings and barriers. Encoders write straight into a ring reservation (or
 * any buffer); decoders fill reusable views with offsets into the record, so the receiving
 * worker builds MSG/HMSG frames by copying bytes (a {@link PubView} is a `MsgOp`, ready for
 * `client/msg_writer.ts appendMsg`) and never turns a published subject into a string.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate (shard, link and test workers).
 *
 * Integers are little endian. Every record starts with its kind byte ({@link FrameKind}).
 * Account indices are per ring direction: an {@link FrameKind.Account} record binds an index to
 * an account name for the records that follow it on the same ring.
 *
 * ## PUB (a published message, with the queue groups the receiver must serve)
 *
 * | offset | type   | field                                                             |
 * | ------ | ------ | ----------------------------------------------------------------- |
 * | 0      | u8     | kind = 1                                                          |
 * | 1      | u8     | length of the size digits `sd`                                   |
 * | 2      | u16    | account index                                                     |
 * | 4      | i32    | header size (-1: PUB without headers)                             |
 * | 8      | u32    | total size (headers + payload) `n`                                |
 * | 12     | u16    | subject length `sl`                                               |
 * | 14     | u16    | reply length `rl` (0: no reply)                                   |
 * | 16     | u16    | queue section length `ql` (0: deliver to no queue group)          |
 * | 18     | u8     | length of the header-size digits `hd` (0 for PUB)                 |
 * | 19     | u8     | 0 (reserved)                                                      |
 * | 20     | bytes  | subject, reply, size digits, header-size digits (as sent by the client) |
 * | ...    | bytes  | queue section: per queue group `u16 length` + name                |
 * | ...    | bytes  | message: headers then payload (`n` bytes), no trailing CRLF       |
 *
 * ## SUB / UNSUB (interest of the sending worker changes by `weight`)
 *
 * | offset | type  | field                                                              |
 * | ------ | ----- | ------------------------------------------------------------------ |
 * | 0      | u8    | kind = 2 (SUB: add `weight`) or 3 (UNSUB: remove `weight`)         |
 * | 1      | u8    | 0 (reserved)                                                       |
 * | 2      | u16   | account index                                                      |
 * | 4      | u32   | weight: subscriptions (plain) or queue members added or removed    |
 * | 8      | u16   | subject length `sl`                                                |
 * | 10     | u16   | queue length `ql` (0: plain subscription)                          |
 * | 12     | bytes | subject, then queue name                                           |
 *
 * ## BARRIER / BARRIER_ACK (the "PONG means registered" handshake)
 *
 * | offset | type | field                                                |
 * | ------ | ---- | ---------------------------------------------------- |
 * | 0      | u8   | kind = 4 (barrier) or 5 (acknowledgement)            |
 * | 1      | u8   | 0 (reserved)                                         |
 * | 2      | u16  | 0 (reserved)                                         |
 * | 4      | u32  | sequence number, low 32 bits                         |
 * | 8      | u32  | sequence number, high 21 bits                        |
 *
 * A worker that reads a barrier has applied every record before it (rings are FIFO) and
 * answers with an acknowledgement of the same sequence on its ring back to the sender.
 *
 * ## ACCOUNT (binds an account index on this ring)
 *
 * | offset | type  | field                        |
 * | ------ | ----- | ---------------------------- |
 * | 0      | u8    | kind = 6                     |
 * | 1      | u8    | 0 (reserved)                 |
 * | 2      | u16   | account index                |
 * | 4      | u16   | name length `al`             |
 * | 6      | bytes | account name                 |
 */

import { copyBytes } from "../protocol/copy.ts";
import { type MsgOp, OpFields } from "../protocol/sink.ts";

/** The kind byte at offset 0 of every ring record. */
export const FrameKind = {
  Pub: 1,
  Sub: 2,
  Unsub: 3,
  Barrier: 4,
  BarrierAck: 5,
  Account: 6,
} as const;
export type FrameKind = typeof FrameKind[keyof typeof FrameKind];
/** The kinds of an interest record. */
export type InterestKind = typeof FrameKind.Sub | typeof FrameKind.Unsub;

/** Fixed part of a PUB record. */
export const PUB_FIXED_BYTES = 20;
/** Fixed part of a SUB/UNSUB record. */
export const INTEREST_FIXED_BYTES = 12;
/** Size of a BARRIER/BARRIER_ACK record. */
export const BARRIER_BYTES = 12;
/** Fixed part of an ACCOUNT record. */
export const ACCOUNT_FIXED_BYTES = 6;
/** Largest account index, subject, reply, queue or account name length a record can hold. */
export const U16_MAX = 0xffff;

/** Reads a u16 (little endian) at `at`. */
export function readU16(buf: Uint8Array, at: number): number {
  return buf[at] | (buf[at + 1] << 8);
}

/** Reads a u32 (little endian) at `at`. */
export function readU32(buf: Uint8Array, at: number): number {
  return (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24)) >>> 0;
}

function writeU16(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value;
  buf[at + 1] = value >>> 8;
}

function writeU32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value;
  buf[at + 1] = value >>> 8;
  buf[at + 2] = value >>> 16;
  buf[at + 3] = value >>> 24;
}

const copy = copyBytes;

function checkU16(what: string, value: number): void {
  if (value > U16_MAX) {
    throw new RangeError(`Cannot encode ring record: ${what} of ${value} exceeds ${U16_MAX}`);
  }
}

/** The kind byte of the record starting at `start`. */
export function frameKind(buf: Uint8Array, start: number): number {
  return buf[start];
}

// ---- PUB ------------------------------------------------------------------------------------

/** Bytes of the queue section for the first `queueCount` names of `queues`. */
function queueSectionBytes(queues: readonly Uint8Array[] | null, queueCount: number): number {
  let n = 0;
  for (let i = 0; i < queueCount; i++) n += 2 + queues![i].length;
  return n;
}

/**
 * Bytes of the PUB record {@link encodePub} writes for `op` with the first `queueCount` queue
 * group names of `queues`. Throws a RangeError when a field does not fit its width.
 */
export function pubFrameLength(
  op: MsgOp,
  queues: readonly Uint8Array[] | null = null,
  queueCount = 0,
): number {
  const subjectLength = op.subjectEnd - op.subjectStart;
  const replyLength = op.replyEnd - op.replyStart;
  const queueBytes = queueSectionBytes(queues, queueCount);
  checkU16("subject length", subjectLength);
  checkU16("reply length", replyLength);
  checkU16("queue section length", queueBytes);
  if (op.sizeEnd - op.sizeStart > 0xff || op.headerSizeEnd - op.headerSizeStart > 0xff) {
    throw new RangeError("Cannot encode ring record: more than 255 size digits");
  }
  return PUB_FIXED_BYTES + subjectLength + replyLength + (op.sizeEnd - op.sizeStart) +
    (op.headerSizeEnd - op.headerSizeStart) + queueBytes + (op.payloadEnd - op.payloadStart);
}

/**
 * Writes the PUB record of `op` for account index `account` into `buf` at `offset`, asking
 * the receiver to serve the first `queueCount` queue groups named in `queues`. Returns the end
 * offset. Size `buf` with {@link pubFrameLength} first.
 *
 * @example
 * ```ts
 * import { decodePub, encodePub, pubFrameLength, PubView } from "./frames.ts";
 * import type { MsgOp } from "../protocol/sink.ts";
 * const line = new TextEncoder().encode("PUB orders.new 5\r\nhello");
 * const op: MsgOp = {
 *   argBuf: line, subjectStart: 4, subjectEnd: 14, replyStart: 14, replyEnd: 14,
 *   headerSize: -1, size: 5, sizeStart: 15, sizeEnd: 16, headerSizeStart: 0, headerSizeEnd: 0,
 *   payloadBuf: line, payloadStart: 18, payloadEnd: 23,
 * };
 * const record = new Uint8Array(pubFrameLength(op));
 * const end = encodePub(record, 0, 7, op);
 * const view = decodePub(record, 0, end, new PubView());
 * if (view.account !== 7 || view.size !== 5 || record[view.payloadStart] !== 0x68) {
 *   throw new Error();
 * }
 * ```
 */
export function encodePub(
  buf: Uint8Array,
  offset: number,
  account: number,
  op: MsgOp,
  queues: readonly Uint8Array[] | null = null,
  queueCount = 0,
): number {
  checkU16("account index", account);
  const arg = op.argBuf;
  const sizeDigits = op.sizeEnd - op.sizeStart;
  const headerDigits = op.headerSizeEnd - op.headerSizeStart;
  const queueBytes = queueSectionBytes(queues, queueCount);
  buf[offset] = FrameKind.Pub;
  buf[offset + 1] = sizeDigits;
  writeU16(buf, offset + 2, account);
  writeU32(buf, offset + 4, op.headerSize);
  writeU32(buf, offset + 8, op.payloadEnd - op.payloadStart);
  writeU16(buf, offset + 12, op.subjectEnd - op.subjectStart);
  writeU16(buf, offset + 14, op.replyEnd - op.replyStart);
  writeU16(buf, offset + 16, queueBytes);
  buf[offset + 18] = headerDigits;
  buf[offset + 19] = 0;
  let at = copy(buf, offset + PUB_FIXED_BYTES, arg, op.subjectStart, op.subjectEnd);
  at = copy(buf, at, arg, op.replyStart, op.replyEnd);
  at = copy(buf, at, arg, op.sizeStart, op.sizeEnd);
  at = copy(buf, at, arg, op.headerSizeStart, op.headerSizeEnd);
  for (let i = 0; i < queueCount; i++) {
    const name = queues![i];
    writeU16(buf, at, name.length);
    at = copy(buf, at + 2, name, 0, name.length);
  }
  return copy(buf, at, op.payloadBuf, op.payloadStart, op.payloadEnd);
}

/**
 * A decoded PUB record: offsets into the record's buffer, reused from record to record. It is
 * a `MsgOp` (`argBuf` and `payloadBuf` are the ring's buffer), so delivery code written for
 * client PUBs takes it as is. Valid only until the ring is released.
 */
export class PubView extends OpFields {
  /** Account index on the ring this record came from. */
  account = 0;
  /** Queue section: walk it with {@link readU16} (`u16 length` + name, repeated). */
  queuesStart = 0;
  queuesEnd = 0;

  /** Whether the sender asked this worker to serve any queue group. */
  get hasQueues(): boolean {
    return this.queuesEnd > this.queuesStart;
  }

  /**
   * Whether queue group `name[start..end)` is one this worker must serve.
   * Compares bytes; allocates nothing.
   */
  servesQueue(name: Uint8Array, start: number, end: number): boolean {
    const buf = this.argBuf;
    const length = end - start;
    let at = this.queuesStart;
    while (at < this.queuesEnd) {
      const n = readU16(buf, at);
      at += 2;
      if (n === length) {
        let i = 0;
        while (i < n && buf[at + i] === name[start + i]) i++;
        if (i === n) return true;
      }
      at += n;
    }
    return false;
  }
}

/**
 * Fills `view` from the PUB record `buf[start..end)` and returns it. Throws when the record's
 * fields do not add up to its length (a corrupt ring).
 */
export function decodePub(buf: Uint8Array, start: number, end: number, view: PubView): PubView {
  const sizeDigits = buf[start + 1];
  const size = readU32(buf, start + 8);
  const subjectLength = readU16(buf, start + 12);
  const replyLength = readU16(buf, start + 14);
  const queueBytes = readU16(buf, start + 16);
  const headerDigits = buf[start + 18];
  const subjectStart = start + PUB_FIXED_BYTES;
  const replyStart = subjectStart + subjectLength;
  const sizeStart = replyStart + replyLength;
  const headerSizeStart = sizeStart + sizeDigits;
  const queuesStart = headerSizeStart + headerDigits;
  const payloadStart = queuesStart + queueBytes;
  if (buf[start] !== FrameKind.Pub || payloadStart + size !== end) {
    throw new Error(`Cannot decode ring record: bad PUB record at ${start}`);
  }
  view.account = readU16(buf, start + 2);
  view.argBuf = buf;
  view.payloadBuf = buf;
  view.headerSize = buf[start + 4] | (buf[start + 5] << 8) | (buf[start + 6] << 16) |
    (buf[start + 7] << 24);
  view.size = size;
  view.subjectStart = subjectStart;
  view.subjectEnd = replyStart;
  view.replyStart = replyStart;
  view.replyEnd = sizeStart;
  view.sizeStart = sizeStart;
  view.sizeEnd = headerSizeStart;
  view.headerSizeStart = headerSizeStart;
  view.headerSizeEnd = queuesStart;
  view.queuesStart = queuesStart;
  view.queuesEnd = payloadStart;
  view.payloadStart = payloadStart;
  view.payloadEnd = end;
  return view;
}

// ---- SUB / UNSUB ------------------------------------------------------------------------------

/** An interest change to send: a decoded {@link InterestView} is one, so it can be relayed. */
export interface InterestRecord {
  kind: InterestKind;
  account: number;
  /** Subscriptions (plain) or queue members added (SUB) or removed (UNSUB); at least 1. */
  weight: number;
  subjectBuf: Uint8Array;
  subjectStart: number;
  subjectEnd: number;
  /** Queue name bytes; `queueStart === queueEnd` for a plain subscription. */
  queueBuf: Uint8Array;
  queueStart: number;
  queueEnd: number;
}

/** Bytes of the SUB/UNSUB record for `interest`. */
export function interestFrameLength(interest: InterestRecord): number {
  const subjectLength = interest.subjectEnd - interest.subjectStart;
  const queueLength = interest.queueEnd - interest.queueStart;
  checkU16("subject length", subjectLength);
  checkU16("queue length", queueLength);
  return INTEREST_FIXED_BYTES + subjectLength + queueLength;
}

/**
 * Writes the SUB/UNSUB record of `interest` into `buf` at `offset`; returns the end offset.
 *
 * @example
 * ```ts
 * import { decodeInterest, encodeInterest, FrameKind, InterestView } from "./frames.ts";
 * const bytes = new TextEncoder().encode("orders.*workers");
 * const out = new Uint8Array(64);
 * const end = encodeInterest(out, 0, {
 *   kind: FrameKind.Sub, account: 0, weight: 2,
 *   subjectBuf: bytes, subjectStart: 0, subjectEnd: 8,
 *   queueBuf: bytes, queueStart: 8, queueEnd: 15,
 * });
 * const view = decodeInterest(out, 0, end, new InterestView());
 * if (view.weight !== 2 || view.queueEnd - view.queueStart !== 7) throw new Error();
 * ```
 */
export function encodeInterest(buf: Uint8Array, offset: number, interest: InterestRecord): number {
  checkU16("account index", interest.account);
  buf[offset] = interest.kind;
  buf[offset + 1] = 0;
  writeU16(buf, offset + 2, interest.account);
  writeU32(buf, offset + 4, interest.weight);
  writeU16(buf, offset + 8, interest.subjectEnd - interest.subjectStart);
  writeU16(buf, offset + 10, interest.queueEnd - interest.queueStart);
  const at = copy(
    buf,
    offset + INTEREST_FIXED_BYTES,
    interest.subjectBuf,
    interest.subjectStart,
    interest.subjectEnd,
  );
  return copy(buf, at, interest.queueBuf, interest.queueStart, interest.queueEnd);
}

/** A decoded SUB/UNSUB record (offsets into the ring's buffer), reused from record to record. */
export class InterestView implements InterestRecord {
  kind: InterestKind = FrameKind.Sub;
  account = 0;
  weight = 0;
  subjectBuf: Uint8Array = new Uint8Array(0);
  subjectStart = 0;
  subjectEnd = 0;
  queueBuf: Uint8Array = new Uint8Array(0);
  queueStart = 0;
  queueEnd = 0;

  /** Whether this is a queue subscription's interest. */
  get isQueue(): boolean {
    return this.queueEnd > this.queueStart;
  }
}

/** Fills `view` from the SUB/UNSUB record `buf[start..end)` and returns it. */
export function decodeInterest(
  buf: Uint8Array,
  start: number,
  end: number,
  view: InterestView,
): InterestView {
  const kind = buf[start];
  const subjectStart = start + INTEREST_FIXED_BYTES;
  const subjectEnd = subjectStart + readU16(buf, start + 8);
  const queueEnd = subjectEnd + readU16(buf, start + 10);
  if ((kind !== FrameKind.Sub && kind !== FrameKind.Unsub) || queueEnd !== end) {
    throw new Error(`Cannot decode ring record: bad interest record at ${start}`);
  }
  view.kind = kind;
  view.account = readU16(buf, start + 2);
  view.weight = readU32(buf, start + 4);
  view.subjectBuf = buf;
  view.subjectStart = subjectStart;
  view.subjectEnd = subjectEnd;
  view.queueBuf = buf;
  view.queueStart = subjectEnd;
  view.queueEnd = queueEnd;
  return view;
}

// ---- BARRIER / BARRIER_ACK --------------------------------------------------------------------

/** Largest barrier sequence number (53 bits). */
export const MAX_BARRIER_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * Writes a barrier (`ack` false) or its acknowledgement for sequence `seq` (an integer up to
 * {@link MAX_BARRIER_SEQ}) into `buf` at `offset`; returns the end offset.
 */
export function encodeBarrier(buf: Uint8Array, offset: number, seq: number, ack: boolean): number {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new RangeError(`Cannot encode ring record: barrier sequence ${seq}`);
  }
  buf[offset] = ack ? FrameKind.BarrierAck : FrameKind.Barrier;
  buf[offset + 1] = 0;
  writeU16(buf, offset + 2, 0);
  writeU32(buf, offset + 4, seq >>> 0);
  writeU32(buf, offset + 8, Math.floor(seq / 0x100000000));
  return offset + BARRIER_BYTES;
}

/** The sequence number of the BARRIER/BARRIER_ACK record starting at `start`. */
export function decodeBarrierSeq(buf: Uint8Array, start: number): number {
  return readU32(buf, start + 8) * 0x100000000 + readU32(buf, start + 4);
}

// ---- ACCOUNT ----------------------------------------------------------------------------------

/** Bytes of the ACCOUNT record for a name of `nameLength` bytes. */
export function accountFrameLength(nameLength: number): number {
  checkU16("account name length", nameLength);
  return ACCOUNT_FIXED_BYTES + nameLength;
}

/** Writes an ACCOUNT record binding `index` to `name[start..end)`; returns the end offset. */
export function encodeAccount(
  buf: Uint8Array,
  offset: number,
  index: number,
  name: Uint8Array,
  start = 0,
  end = name.length,
): number {
  checkU16("account index", index);
  buf[offset] = FrameKind.Account;
  buf[offset + 1] = 0;
  writeU16(buf, offset + 2, index);
  writeU16(buf, offset + 4, end - start);
  return copy(buf, offset + ACCOUNT_FIXED_BYTES, name, start, end);
}

// ---- dispatch ---------------------------------------------------------------------------------

/** Receives decoded records, in ring order. Views are reused: copy what you keep. */
export interface FrameHandler {
  onPub(pub: PubView): void;
  onInterest(interest: InterestView): void;
  /** A barrier (`ack` false: answer it) or the answer to one this worker sent. */
  onBarrier(seq: number, ack: boolean): void;
  /** Binds account `index` to the name `buf[start..end)` for later records on this ring. */
  onAccount(index: number, buf: Uint8Array, start: number, end: number): void;
}

/**
 * Decodes ring records and hands them to a {@link FrameHandler}; a `RecordSink` for
 * `RingConsumer.drain`. One per inbound ring; allocates nothing per record.
 */
export class FrameDispatcher {
  readonly #handler: FrameHandler;
  readonly #pub = new PubView();
  readonly #interest = new InterestView();

  constructor(handler: FrameHandler) {
    this.#handler = handler;
  }

  /** Decodes the record `buf[start..end)` and calls the handler. */
  onRecord(buf: Uint8Array, start: number, end: number): void {
    switch (buf[start]) {
      case FrameKind.Pub:
        this.#handler.onPub(decodePub(buf, start, end, this.#pub));
        return;
      case FrameKind.Sub:
      case FrameKind.Unsub:
        this.#handler.onInterest(decodeInterest(buf, start, end, this.#interest));
        return;
      case FrameKind.Barrier:
        this.#handler.onBarrier(decodeBarrierSeq(buf, start), false);
        return;
      case FrameKind.BarrierAck:
        this.#handler.onBarrier(decodeBarrierSeq(buf, start), true);
        return;
      case FrameKind.Account: {
        const nameStart = start + ACCOUNT_FIXED_BYTES;
        this.#handler.onAccount(
          readU16(buf, start + 2),
          buf,
          nameStart,
          nameStart + readU16(buf, start + 4),
        );
        return;
      }
      default:
        throw new Error(`Cannot decode ring record: unknown kind ${buf[start]} at ${start}`);
    }
  }
}
