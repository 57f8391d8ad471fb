/**
 * @module
 * Test helpers for the parser: a sink that records every event as a line of text, and
 * feeders that replay one input in many chunkings through a reused read buffer (so a missing
 * copy of split data shows up as corrupted events). Test-only; PURE.
 */

import { latin1 } from "./chars.ts";
import { Parser, type ParserLimits } from "./parser.ts";
import type { MsgOp, ParseErrorKind, ProtocolSink } from "./sink.ts";

/** Options a fixture may set on the parser and on the recording sink. */
export interface FeedOptions {
  limits?: Partial<ParserLimits>;
  headers?: boolean;
  requireConnect?: boolean;
  /** The sink clears `requireConnect` when it sees CONNECT (as an auth handler would). */
  acceptConnect?: boolean;
  /** The sink calls `parser.stop()` after recording an event starting with this text. */
  stopOn?: string;
}

/** Default limits: nats-server defaults. */
export const DEFAULT_LIMITS: ParserLimits = { maxControlLine: 4096, maxPayload: 1024 * 1024 };

const text = (b: Uint8Array | null) => (b === null ? "null" : latin1(b));

/** Records events as readable lines; also checks nothing arrives after an error. */
export class RecordingSink implements ProtocolSink {
  readonly events: string[] = [];
  parser: Parser | null = null;
  errorSeen = false;
  eventsAfterError = 0;

  constructor(readonly options: FeedOptions = {}) {}

  #push(line: string): void {
    if (this.errorSeen) this.eventsAfterError++;
    this.events.push(line);
    const stopOn = this.options.stopOn;
    if (stopOn !== undefined && line.startsWith(stopOn)) this.parser?.stop();
  }

  onConnect(json: Uint8Array): void {
    this.#push(`connect ${text(json)}`);
    if (this.options.acceptConnect && this.parser) this.parser.requireConnect = false;
  }
  onPub(op: MsgOp): void {
    const a = op.argBuf;
    this.#push(
      [
        op.headerSize < 0 ? "pub" : "hpub",
        latin1(a, op.subjectStart, op.subjectEnd),
        `reply=${latin1(a, op.replyStart, op.replyEnd)}`,
        `hdr=${op.headerSize}`,
        `size=${op.size}`,
        `raw=${latin1(a, op.headerSizeStart, op.headerSizeEnd)}/${
          latin1(a, op.sizeStart, op.sizeEnd)
        }`,
        JSON.stringify(latin1(op.payloadBuf, op.payloadStart, op.payloadEnd)),
      ].join(" "),
    );
  }
  onSub(subject: Uint8Array, queue: Uint8Array | null, sid: Uint8Array): void {
    this.#push(`sub ${text(subject)} ${text(queue)} ${text(sid)}`);
  }
  onUnsub(sid: Uint8Array, max: number): void {
    this.#push(`unsub ${text(sid)} ${max}`);
  }
  onPing(): void {
    this.#push("ping");
  }
  onPong(): void {
    this.#push("pong");
  }
  onInfo(json: Uint8Array): void {
    this.#push(`info ${text(json)}`);
  }
  onOk(): void {
    this.#push("ok");
  }
  onErr(errText: Uint8Array): void {
    this.#push(`err ${text(errText)}`);
  }
  onParseError(kind: ParseErrorKind, detail: string): void {
    this.#push(`error ${kind} ${detail}`);
    this.errorSeen = true;
  }
}

/** Bytes from a string where each char is one byte (so tests can hold binary data). */
export function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** A parser and its recording sink. */
export function newParser(options: FeedOptions = {}): { parser: Parser; sink: RecordingSink } {
  const sink = new RecordingSink(options);
  const parser = new Parser(sink, { ...DEFAULT_LIMITS, ...options.limits });
  parser.headers = options.headers ?? false;
  parser.requireConnect = options.requireConnect ?? false;
  sink.parser = parser;
  return { parser, sink };
}

/**
 * Feeds `input` cut at `cuts` (sorted offsets) through one reused read buffer that is
 * scribbled over after every `parse` call; returns the sink.
 */
export function feed(input: Uint8Array, cuts: number[], options: FeedOptions = {}): RecordingSink {
  const { parser, sink } = newParser(options);
  const scratch = new Uint8Array(input.length + 1);
  let prev = 0;
  for (const cut of [...cuts, input.length]) {
    const n = cut - prev;
    scratch.set(input.subarray(prev, cut));
    parser.parse(scratch.subarray(0, n));
    scratch.fill(0xee);
    prev = cut;
  }
  return sink;
}

/** Every chunking worth checking: whole, every 2-way split, one byte at a time. */
export function* chunkings(length: number): Generator<number[]> {
  yield [];
  for (let cut = 1; cut < length; cut++) yield [cut];
  const single: number[] = [];
  for (let cut = 1; cut < length; cut++) single.push(cut);
  yield single;
}
