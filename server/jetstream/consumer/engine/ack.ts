/**
 * @module
 * Ack reply subjects and ack bodies of nats-server 2.9.10 (consumer.go `ackReply`,
 * `replyInfo`, `processAck`): a delivered message's reply subject is
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>`; the body sent back
 * says what to do (`+ACK`, `-NAK`, `+WPI`, `+NXT`, `+TERM`).
 * PURE: no Deno APIs, timers or console output.
 */

/** nats-server jsAckPre. */
export const ACK_PREFIX = "$JS.ACK.";

/** `$JS.ACK.<stream>.<consumer>` (nats-server jsAckT). */
export function ackPrefix(stream: string, consumer: string): string {
  return `${ACK_PREFIX}${stream}.${consumer}`;
}

/** The subject a consumer subscribes to for its acks (five trailing wildcards). */
export function ackSubscription(stream: string, consumer: string): string {
  return `${ackPrefix(stream, consumer)}.*.*.*.*.*`;
}

/** The reply subject of one delivery. `ts` is the message's store time in ns. */
export function ackReply(
  prefix: string,
  deliveries: number,
  streamSeq: number,
  consumerSeq: number,
  ts: bigint,
  pending: number,
): string {
  return `${prefix}.${deliveries}.${streamSeq}.${consumerSeq}.${ts}.${pending}`;
}

/** Decimal digits of a non-negative integer. */
function digitCount(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** Writes the digits of a non-negative integer at `at`; returns the end. */
function writeNumber(buf: Uint8Array, at: number, n: number, digits: number): number {
  for (let i = at + digits - 1; i >= at; i--) {
    buf[i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + digits;
}

/**
 * The reply subject of one delivery (what {@link ackReply} makes) kept as its parts, so the
 * publish writes its bytes directly: no string built and encoded per message. `toString()`
 * (and so a template literal) gives the same text; `length` is that text's length.
 *
 * @example
 * ```ts
 * import { AckReply, ackReply } from "./ack.ts";
 * const r = new AckReply(AckReply.prefixOf("$JS.ACK.S.C"), 1, 5, 2, 17n, 3);
 * const buf = new Uint8Array(r.byteLength);
 * const text = new TextDecoder().decode(buf.subarray(0, r.write(buf, 0)));
 * if (text !== ackReply("$JS.ACK.S.C", 1, 5, 2, 17n, 3) || `${r}` !== text) throw new Error();
 * ```
 */
export class AckReply {
  readonly prefix: AckReplyPrefix;
  readonly deliveries: number;
  readonly streamSeq: number;
  readonly consumerSeq: number;
  readonly pending: number;
  readonly #ts: string;
  readonly #digits: number;

  constructor(
    prefix: AckReplyPrefix,
    deliveries: number,
    streamSeq: number,
    consumerSeq: number,
    ts: bigint,
    pending: number,
  ) {
    this.prefix = prefix;
    this.deliveries = deliveries;
    this.streamSeq = streamSeq;
    this.consumerSeq = consumerSeq;
    this.pending = pending;
    this.#ts = ts.toString();
    this.#digits = digitCount(deliveries) + digitCount(streamSeq) + digitCount(consumerSeq) +
      digitCount(pending);
  }

  /** The encoded prefix of `prefix` (`$JS.ACK.<stream>.<consumer>`), once per consumer. */
  static prefixOf(prefix: string): AckReplyPrefix {
    return { text: prefix, bytes: new TextEncoder().encode(prefix) };
  }

  /** The text's length (UTF-16 units, as `String.length`). */
  get length(): number {
    return this.prefix.text.length + 5 + this.#digits + this.#ts.length;
  }

  /** The UTF-8 byte length. */
  get byteLength(): number {
    return this.prefix.bytes.length + 5 + this.#digits + this.#ts.length;
  }

  /** Writes the subject's UTF-8 bytes at `at`; returns the end. */
  write(buf: Uint8Array, at: number): number {
    const p = this.prefix.bytes;
    buf.set(p, at);
    at += p.length;
    buf[at++] = 46;
    at = writeNumber(buf, at, this.deliveries, digitCount(this.deliveries));
    buf[at++] = 46;
    at = writeNumber(buf, at, this.streamSeq, digitCount(this.streamSeq));
    buf[at++] = 46;
    at = writeNumber(buf, at, this.consumerSeq, digitCount(this.consumerSeq));
    buf[at++] = 46;
    const ts = this.#ts;
    for (let i = 0; i < ts.length; i++) buf[at++] = ts.charCodeAt(i);
    buf[at++] = 46;
    return writeNumber(buf, at, this.pending, digitCount(this.pending));
  }

  toString(): string {
    return `${this.prefix.text}.${this.deliveries}.${this.streamSeq}.${this.consumerSeq}.${this.#ts}.${this.pending}`;
  }
}

/** A consumer's ack reply prefix as text and as UTF-8 bytes. */
export interface AckReplyPrefix {
  readonly text: string;
  readonly bytes: Uint8Array;
}

/** What an ack reply subject encodes; zeros when the subject is not one. */
export interface AckReplyInfo {
  streamSeq: number;
  consumerSeq: number;
  deliveries: number;
  ts: bigint;
  pending: number;
}

/** Go's parseAckReplyNum: digits only, else -1. */
function parseNum(d: string): number {
  if (d.length === 0) return -1;
  let n = 0;
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** The sequences of an ack reply subject (what an ack needs of it). */
export interface AckSeqs {
  deliveries: number;
  streamSeq: number;
  consumerSeq: number;
}

const NO_SEQS: AckSeqs = { deliveries: 0, streamSeq: 0, consumerSeq: 0 };

function parseRange(s: string, from: number, to: number): number {
  if (to === from) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/**
 * The delivery count and sequences of an ack reply subject, as {@link parseAckReply} reads them
 * (all 0 unless nine tokens starting `$JS.ACK`), without splitting it: the per-ack hot path.
 */
export function parseAckSeqs(subject: string): AckSeqs {
  if (!subject.startsWith(ACK_PREFIX)) return NO_SEQS;
  // Dots after `$JS.ACK.`: the tokens 2..8 end at dots 0..6, the last token runs to the end;
  // the sequences are tokens 4..6, between dots 1 and 4.
  let dots = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0;
  for (let i = ACK_PREFIX.length; i < subject.length; i++) {
    if (subject.charCodeAt(i) !== 46) continue;
    if (dots === 6) return NO_SEQS;
    if (dots === 1) d1 = i;
    else if (dots === 2) d2 = i;
    else if (dots === 3) d3 = i;
    else if (dots === 4) d4 = i;
    dots++;
  }
  if (dots !== 6) return NO_SEQS;
  return {
    deliveries: parseRange(subject, d1 + 1, d2),
    streamSeq: parseRange(subject, d2 + 1, d3),
    consumerSeq: parseRange(subject, d3 + 1, d4),
  };
}

/**
 * Parses an ack reply subject (nats-server `replyInfo`): nine tokens starting `$JS.ACK`.
 *
 * @example
 * ```ts
 * import { parseAckReply } from "./ack.ts";
 * const r = parseAckReply("$JS.ACK.S.C.1.5.2.1700000000000000000.3");
 * if (r.streamSeq !== 5 || r.consumerSeq !== 2 || r.pending !== 3) throw new Error();
 * ```
 */
export function parseAckReply(subject: string): AckReplyInfo {
  const t = subject.split(".");
  if (t.length !== 9 || t[0] !== "$JS" || t[1] !== "ACK") {
    return { streamSeq: 0, consumerSeq: 0, deliveries: 0, ts: 0n, pending: 0 };
  }
  const ts = /^[0-9]+$/.test(t[7]) ? BigInt(t[7]) : -1n;
  // Go converts -1 to uint64: an unparsable number is huge; here it is -1 and ignored alike.
  return {
    deliveries: parseNum(t[4]),
    streamSeq: parseNum(t[5]),
    consumerSeq: parseNum(t[6]),
    ts,
    pending: parseNum(t[8]),
  };
}

/** Kinds of ack body (nats-server AckAck/AckOK, AckNext, AckNak, AckProgress, AckTerm). */
export const AckKind = {
  Ack: "ack",
  Next: "next",
  Nak: "nak",
  Progress: "progress",
  Term: "term",
  /** Anything else: ignored (the ack is still confirmed when it had a reply). */
  Unknown: "unknown",
} as const;
export type AckKind = typeof AckKind[keyof typeof AckKind];

/** A classified ack body; `arg` is what follows `+NXT` or `-NAK` (untrimmed). */
export interface AckBody {
  kind: AckKind;
  arg: string;
}

const dec = new TextDecoder();

const PLAIN_ACK: AckBody = { kind: AckKind.Ack, arg: "" };

/** Classifies an ack body exactly as processAck's switch does (prefix for +NXT and -NAK). */
export function classifyAck(body: Uint8Array): AckBody {
  // `+ACK` (what clients send) without decoding.
  if (
    body.length === 0 ||
    (body.length === 4 && body[0] === 43 && body[1] === 65 && body[2] === 67 && body[3] === 75)
  ) return PLAIN_ACK;
  const text = dec.decode(body);
  if (text === "" || text === "+ACK" || text === "+OK") return { kind: AckKind.Ack, arg: "" };
  if (text.startsWith("+NXT")) return { kind: AckKind.Next, arg: text.slice(4) };
  if (text.startsWith("-NAK")) return { kind: AckKind.Nak, arg: text.slice(4) };
  if (text === "+WPI") return { kind: AckKind.Progress, arg: "" };
  if (text === "+TERM") return { kind: AckKind.Term, arg: "" };
  return { kind: AckKind.Unknown, arg: "" };
}
