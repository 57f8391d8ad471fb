/**
 * @module
 * The byte-level parser for the connections a server accepts: one state machine (mirroring
 * nats-server 2.9.10 `server/parser.go` and the arg checks of `client.go processPub`,
 * `processHeaderPub`, `parseSub`, `processUnsub`) that emits ops to a {@link ProtocolSink}.
 * It keeps offsets into the read buffer and copies only when an op is split across reads.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 *
 * Which ops a connection may send is an `OpProfile` (op_profile.ts); argument parsing of the
 * message ops lives in msg_args.ts, the reused message-op record in msg_op.ts, the states in
 * parser_state.ts, the error texts in parser_errors.ts. Route connections use `ROUTE_PROFILE` (RS+, RS-, LS+, LS-, RMSG, HMSG,
 * LMSG): routed message args are parsed by route_args.ts into a `RoutedMsgOp` given to `onPub`,
 * interest ops go to the `RouteSink` methods. Leaf ops will follow the same way.
 */

import { CR, EMPTY_BYTES, LF, SPACE, TAB } from "./chars.ts";
import {
  argsError,
  clientHmsgArgs,
  parseHpubArgs,
  parsePubArgs,
  parseSubArgs,
  parseUnsubArgs,
} from "./msg_args.ts";
import { CLIENT_PROFILE, isRoutedMsgOp, Op, type OpProfile } from "./op_profile.ts";
import { maxControlLineDetail, maxPayloadDetail, unknownOpDetail } from "./parser_errors.ts";
import { newMsgOp, rebaseMsgArgs } from "./msg_op.ts";
import { AFTER_NAME, State } from "./parser_state.ts";
import { parseRoutedMsgArgs, RoutedOp } from "./route_args.ts";
import {
  type GatewaySink,
  ParseErrorKind,
  type ProtocolSink,
  type RoutedMsgOp,
  type RouteSink,
} from "./sink.ts";

export {
  buildProfile,
  CLIENT_PROFILE,
  GATEWAY_PROFILE,
  LEAF_PROFILE,
  Op,
  type OpProfile,
  ROUTE_PROFILE,
} from "./op_profile.ts";
export { State } from "./parser_state.ts";

/** Limits read on every check, so a config reload can change them in place. */
export interface ParserLimits {
  /** Max bytes of a control line's arguments (op name and CRLF not counted). */
  maxControlLine: number;
  /** Max PUB/HPUB total size; negative means no limit (jwt.NoLimit). */
  maxPayload: number;
}

/** Split buffers bigger than this are dropped after use instead of kept for the next op. */
const RETAIN_LIMIT = 64 * 1024;

/**
 * Parses a connection's inbound bytes, in any chunking, into sink calls.
 *
 * @example
 * ```ts
 * import { Parser } from "./parser.ts";
 * import type { MsgOp, ProtocolSink } from "./sink.ts";
 * const seen: string[] = [];
 * const sink = {
 *   onPub: (op: MsgOp) => seen.push(`pub ${op.size}`),
 *   onPing: () => seen.push("ping"),
 * } as unknown as ProtocolSink;
 * const p = new Parser(sink, { maxControlLine: 4096, maxPayload: 1 << 20 });
 * const bytes = new TextEncoder().encode("PING\r\nPUB a 2\r\nhi\r\n");
 * p.parse(bytes.subarray(0, 9));
 * p.parse(bytes.subarray(9));
 * if (seen.join() !== "ping,pub 2") throw new Error(seen.join());
 * ```
 */
export class Parser {
  /** Read on each check; mutate (or replace) for a reload. */
  limits: ParserLimits;
  /**
   * Set by the handler while authentication is pending and the first op must be CONNECT
   * (parser.go `authSet`): any other op start fails with `AuthViolation`. Clear it once
   * CONNECT is accepted (or when `no_auth_user` applies).
   */
  requireConnect = false;
  /** Set by the handler after CONNECT: server and client both support headers. */
  headers = false;

  readonly #sink: ProtocolSink;
  readonly #profile: OpProfile;
  readonly #msg: RoutedMsgOp;
  readonly #tok = new Int32Array(10);
  #state: State = State.Start;
  #node = 0;
  #op: Op = Op.None;
  #argStart = 0;
  #drop = 0;
  #argCopy: Uint8Array = EMPTY_BYTES;
  #argLen = 0;
  #argCopied = false;
  #payloadCopy: Uint8Array = EMPTY_BYTES;
  #payloadHave = 0;
  #halted = false;
  #failed = false;

  constructor(sink: ProtocolSink, limits: ParserLimits, profile: OpProfile = CLIENT_PROFILE) {
    this.#sink = sink;
    this.limits = limits;
    this.#profile = profile;
    this.#msg = newMsgOp();
  }

  /** True once `stop()` was called or a parse error was reported; `parse` then does nothing. */
  get stopped(): boolean {
    return this.#halted;
  }

  /** Bytes held for ops split across reads (argument and payload copies). */
  get heldBytes(): number {
    return this.#argCopy.length + this.#payloadCopy.length;
  }

  /** True once a parse error was reported. */
  get failed(): boolean {
    return this.#failed;
  }

  /** True between ops, with nothing of a partial op held (also inside a sink call). */
  get idle(): boolean {
    return this.#state === State.Start;
  }

  /** Stops parsing for good, also in the middle of the current `parse` call (from a sink). */
  stop(): void {
    this.#halted = true;
    this.#release();
  }

  /** Drops the split-op copies (a rejected line may have grown them): parsing is over. */
  #release(): void {
    this.#argCopy = EMPTY_BYTES;
    this.#payloadCopy = EMPTY_BYTES;
    this.#argCopied = false;
    this.#argLen = 0;
  }

  /** Feeds the next bytes read. The buffer may be reused by the caller once this returns. */
  parse(buf: Uint8Array): void {
    if (this.#halted) return;
    const len = buf.length;
    const profile = this.#profile;
    let state = this.#state;
    let i = 0;
    while (i < len) {
      switch (state) {
        case State.Start: {
          const b = buf[i];
          if (this.requireConnect && b !== 0x43 && b !== 0x63) {
            this.#fail(ParseErrorKind.AuthViolation, "authentication error");
            return;
          }
          if (
            (b | 0x20) === 0x70 && i + 3 < len && (buf[i + 1] | 0x20) === 0x75 &&
            (buf[i + 2] | 0x20) === 0x62 && (buf[i + 3] === SPACE || buf[i + 3] === TAB) &&
            profile.hasPub
          ) {
            // PUB fast path: a whole, ordinary PUB in this buffer is done in one pass.
            this.#op = Op.Pub;
            let j = i + 4;
            while (j < len && (buf[j] === SPACE || buf[j] === TAB)) j++;
            const next = this.#fastPub(buf, j, len);
            if (next < 0) return;
            if (next > 0) {
              i = next;
              break;
            }
            state = State.SkipSpace;
            i = j;
            break;
          }
          this.#node = 0;
          state = State.OpName;
          break;
        }
        case State.OpName: {
          const node = profile.next[this.#node * 256 + buf[i]];
          if (node === 0) {
            this.#unknownOp(this.#node === 0 ? State.Start : state, buf[i]);
            return;
          }
          i++;
          const op = profile.ops[node] as Op;
          if (op === Op.None) {
            this.#node = node;
            state = State.OpName;
          } else {
            this.#op = op;
            state = AFTER_NAME[op];
          }
          break;
        }
        case State.NeedSpace: {
          const b = buf[i];
          if (b !== SPACE && b !== TAB) {
            this.#unknownOp(state, b);
            return;
          }
          i++;
          state = State.SkipSpace;
          break;
        }
        case State.SkipSpace: {
          let b = buf[i];
          while (b === SPACE || b === TAB) {
            if (++i === len) break;
            b = buf[i];
          }
          if (i === len) break;
          // The first argument byte is taken as is, even CR or LF (as parser.go does).
          this.#argStart = i++;
          this.#drop = 0;
          state = State.Arg;
          break;
        }
        case State.Arg: {
          let drop = this.#drop;
          while (i < len) {
            const b = buf[i];
            if (b === LF) break;
            if (b === CR) drop = 1;
            i++;
          }
          if (i === len) {
            this.#drop = drop;
            break;
          }
          i = this.#lineDone(buf, i, drop);
          if (i < 0) return;
          state = this.#state;
          break;
        }
        case State.LineEnd: {
          while (i < len && buf[i] !== LF) i++;
          if (i === len) break;
          i++;
          this.#state = state = State.Start;
          const op = this.#op;
          if (op === Op.Ping) this.#sink.onPing();
          else if (op === Op.Pong) this.#sink.onPong();
          else this.#sink.onOk();
          if (this.#halted) return;
          break;
        }
        case State.Payload: {
          const msg = this.#msg;
          const n = Math.min(msg.size - this.#payloadHave, len - i);
          if (n > 0) {
            this.#payloadCopy.set(buf.subarray(i, i + n), this.#payloadHave);
            this.#payloadHave += n;
            i += n;
          }
          if (this.#payloadHave === msg.size) state = State.PayloadCr;
          break;
        }
        case State.PayloadCr: {
          if (buf[i] !== CR) {
            this.#unknownOp(state, buf[i]);
            return;
          }
          i++;
          state = State.PayloadLf;
          break;
        }
        case State.PayloadLf: {
          if (buf[i] !== LF) {
            this.#unknownOp(state, buf[i]);
            return;
          }
          i++;
          this.#state = state = State.Start;
          const msg = this.#msg;
          msg.payloadBuf = this.#payloadCopy;
          msg.payloadStart = 0;
          msg.payloadEnd = msg.size;
          this.#sink.onPub(msg);
          this.#endOp();
          if (this.#payloadCopy.length > RETAIN_LIMIT) this.#payloadCopy = EMPTY_BYTES;
          if (this.#halted) return;
          break;
        }
      }
    }
    this.#state = state;
    if (state === State.Arg) {
      // Split control line: keep our own copy and check its length now, as parser.go does,
      // so a line that never ends cannot grow without bound.
      if (this.#argCopied) this.#appendArg(buf, 0, len);
      else {
        this.#argLen = 0;
        this.#appendArg(buf, this.#argStart, len);
        this.#argCopied = true;
      }
      if (this.#argLen - this.#drop > this.limits.maxControlLine) this.#failMaxControlLine();
    }
  }

  /**
   * A control line's LF is at `lf` (the arguments began at `#argStart`, or are in the copy).
   * Runs the op; returns the index to continue at and leaves the next state in `#state`, or
   * returns -1 when parsing stopped.
   */
  #lineDone(buf: Uint8Array, lf: number, drop: number): number {
    let argBuf = buf;
    let start = this.#argStart;
    let end = lf - drop;
    if (this.#argCopied) {
      this.#appendArg(buf, 0, lf);
      argBuf = this.#argCopy;
      start = 0;
      end = this.#argLen - drop;
    }
    const i = lf + 1;
    if (end - start > this.limits.maxControlLine) {
      this.#failMaxControlLine();
      return -1;
    }
    const op = this.#op;
    if (op === Op.Pub || op === Op.Hpub || op === Op.ClientHmsg || isRoutedMsgOp(op)) {
      const ok = op === Op.Pub
        ? this.#pubArgs(argBuf, start, end)
        : op === Op.Hpub
        ? this.#hpubArgs(argBuf, start, end)
        : isRoutedMsgOp(op)
        ? this.#routedArgs(op, argBuf, start, end)
        : clientHmsgArgs(this.#msg, start);
      if (!ok) return -1;
      const msg = this.#msg;
      msg.argBuf = argBuf;
      const payloadEnd = i + msg.size;
      if (payloadEnd + 2 > buf.length) {
        this.#holdPayload(argBuf, start);
        this.#state = State.Payload;
        return i;
      }
      if (buf[payloadEnd] !== CR) {
        this.#unknownOp(State.PayloadCr, buf[payloadEnd]);
        return -1;
      }
      if (buf[payloadEnd + 1] !== LF) {
        this.#unknownOp(State.PayloadLf, buf[payloadEnd + 1]);
        return -1;
      }
      msg.payloadBuf = buf;
      msg.payloadStart = i;
      msg.payloadEnd = payloadEnd;
      this.#endOp();
      this.#state = State.Start;
      this.#sink.onPub(msg);
      return this.#halted ? -1 : payloadEnd + 2;
    }
    this.#state = State.Start;
    this.#finishLine(argBuf, start, end);
    return this.#halted ? -1 : i;
  }

  /**
   * One pass over the usual `PUB <subject> [reply] <size>\r\n<payload>\r\n` when all of it is
   * in `buf`, starting at the subject (`j`). Returns the index after the message, -1 when
   * parsing stopped, or 0 to take the general path, which handles everything else (bytes
   * <= 0x20 inside tokens, a CR not right before LF, other token counts, errors, split
   * data). Reads are bounds-checked (0 past `len`): out-of-bounds typed-array reads made V8
   * deoptimize this loop once reads ended mid-op (35 vs 27 ns/op measured). The fixture and
   * fuzz tests compare whole-buffer parses (this path) with split parses (general path).
   */
  #fastPub(buf: Uint8Array, j: number, len: number): number {
    const s0 = j;
    let b = j < len ? buf[j] : 0;
    while (b > SPACE) b = ++j < len ? buf[j] : 0;
    const e0 = j;
    while (b === SPACE || b === TAB) b = ++j < len ? buf[j] : 0;
    const s1 = j;
    while (b > SPACE) b = ++j < len ? buf[j] : 0;
    const e1 = j;
    while (b === SPACE || b === TAB) b = ++j < len ? buf[j] : 0;
    let s2 = s1;
    let e2 = e1;
    let r0 = e0;
    let r1 = e0;
    if (b > SPACE) {
      r0 = s1;
      r1 = e1;
      s2 = j;
      while (b > SPACE) b = ++j < len ? buf[j] : 0;
      e2 = j;
      while (b === SPACE || b === TAB) b = ++j < len ? buf[j] : 0;
    }
    const argEnd = j;
    if (b === CR) b = ++j < len ? buf[j] : 0;
    if (b !== LF || j >= len || e0 === s0 || e2 === s2) return 0;
    // Sizes: 1 to 9 digits.
    const digits = e2 - s2;
    if (digits > 9) return 0;
    let size = 0;
    for (let q = s2; q < e2; q++) {
      const d = buf[q] - 0x30;
      if (d < 0 || d > 9) return 0;
      size = size * 10 + d;
    }
    const payloadStart = j + 1;
    const payloadEnd = payloadStart + size;
    if (payloadEnd + 2 > len || argEnd - s0 > this.limits.maxControlLine) return 0;
    const max = this.limits.maxPayload;
    if ((max >= 0 && size > max) || buf[payloadEnd] !== CR || buf[payloadEnd + 1] !== LF) return 0;
    const msg = this.#msg;
    // Only store the buffers when they change: a pointer store costs a write barrier.
    if (msg.argBuf !== buf) msg.argBuf = buf;
    if (msg.payloadBuf !== buf) msg.payloadBuf = buf;
    msg.subjectStart = s0;
    msg.subjectEnd = e0;
    msg.replyStart = r0;
    msg.replyEnd = r1;
    msg.sizeStart = msg.headerSizeStart = msg.headerSizeEnd = s2;
    msg.sizeEnd = e2;
    msg.headerSize = -1;
    msg.size = size;
    msg.payloadStart = payloadStart;
    msg.payloadEnd = payloadEnd;
    this.#state = State.Start;
    this.#sink.onPub(msg);
    return this.#halted ? -1 : payloadEnd + 2;
  }

  /** Non-payload ops whose arguments are complete. */
  #finishLine(argBuf: Uint8Array, start: number, end: number): void {
    const sink = this.#sink;
    switch (this.#op) {
      case Op.Sub: {
        const a = parseSubArgs(argBuf, start, end, this.#tok);
        if (a === null) {
          return this.#protocolViolation("processSub Parse Error", argBuf, start, end);
        }
        this.#endOp();
        sink.onSub(a.subject, a.queue, a.sid);
        return;
      }
      case Op.Unsub: {
        const a = parseUnsubArgs(argBuf, start, end, this.#tok);
        if (a === null) {
          return this.#protocolViolation("processUnsub Parse Error", argBuf, start, end);
        }
        this.#endOp();
        sink.onUnsub(a.sid, a.max);
        return;
      }
      case Op.RsPlus:
      case Op.LsPlus:
        this.#endOp();
        (sink as RouteSink).onRouteSub(argBuf.subarray(start, end), this.#op === Op.LsPlus);
        return;
      case Op.RsMinus:
      case Op.LsMinus:
        this.#endOp();
        (sink as RouteSink).onRouteUnsub(argBuf.subarray(start, end));
        return;
      case Op.AccountSub:
      case Op.AccountUnsub:
        this.#endOp();
        (sink as GatewaySink).onAccountInterest(
          argBuf.subarray(start, end),
          this.#op === Op.AccountSub,
        );
        return;
      case Op.Connect:
        this.#endOp();
        sink.onConnect(argBuf.subarray(start, end));
        return;
      case Op.Info:
        this.#endOp();
        sink.onInfo(argBuf.subarray(start, end));
        return;
      case Op.Err:
        this.#endOp();
        sink.onErr(argBuf.subarray(start, end));
        return;
    }
  }

  /** PUB args into `#msg`; false (after reporting) on error. */
  #pubArgs(buf: Uint8Array, start: number, end: number): boolean {
    const error = parsePubArgs(this.#msg, this.#tok, buf, start, end);
    if (error !== null) {
      this.#fail(ParseErrorKind.ProtocolViolation, error);
      return false;
    }
    return this.#checkMaxPayload(this.#msg.size);
  }

  /** HPUB args into `#msg`; false (after reporting) on error. */
  #hpubArgs(buf: Uint8Array, start: number, end: number): boolean {
    const error = this.headers
      ? parseHpubArgs(this.#msg, this.#tok, buf, start, end)
      : "message headers not supported";
    if (error !== null) {
      this.#fail(ParseErrorKind.ProtocolViolation, error);
      return false;
    }
    return this.#checkMaxPayload(this.#msg.size);
  }

  /** RMSG/HMSG/LMSG args of a route into `#msg`; false (after reporting) on error. */
  #routedArgs(op: Op, buf: Uint8Array, start: number, end: number): boolean {
    const routed = op <= Op.Lmsg ? op - Op.Rmsg : RoutedOp.LeafMsg + (op - Op.LeafLmsg);
    const error = parseRoutedMsgArgs(this.#msg, routed as RoutedOp, buf, start, end);
    if (error !== null) {
      this.#fail(ParseErrorKind.ProtocolViolation, error);
      return false;
    }
    return this.#checkMaxPayload(this.#msg.size);
  }

  #checkMaxPayload(size: number): boolean {
    const max = this.limits.maxPayload;
    if (max >= 0 && size > max) {
      this.#fail(ParseErrorKind.MaxPayload, maxPayloadDetail(size, max));
      return false;
    }
    return true;
  }

  /** The payload continues in a later read: own the args and start a payload copy. */
  #holdPayload(argBuf: Uint8Array, start: number): void {
    const msg = this.#msg;
    if (!this.#argCopied) {
      this.#argLen = 0;
      this.#appendArg(argBuf, start, msg.sizeEnd); // the size is always the last argument
      this.#argCopied = true;
      msg.argBuf = this.#argCopy;
      rebaseMsgArgs(msg, start);
    }
    const have = this.#payloadCopy.length;
    if (have < msg.size) {
      this.#payloadCopy = new Uint8Array(
        Math.max(msg.size, Math.min(have * 2, RETAIN_LIMIT), 1024),
      );
    }
    this.#payloadHave = 0;
  }

  #appendArg(src: Uint8Array, start: number, end: number): void {
    const need = this.#argLen + (end - start);
    if (need > this.#argCopy.length) {
      const grown = new Uint8Array(Math.max(need, this.#argCopy.length * 2, 256));
      grown.set(this.#argCopy.subarray(0, this.#argLen));
      this.#argCopy = grown;
    }
    this.#argCopy.set(src.subarray(start, end), this.#argLen);
    this.#argLen = need;
  }

  /** An op is complete: forget split state (the copies stay valid until the next op). */
  #endOp(): void {
    this.#argCopied = false;
    this.#argLen = 0;
    this.#drop = 0;
    if (this.#argCopy.length > RETAIN_LIMIT) this.#argCopy = EMPTY_BYTES;
  }

  #fail(kind: ParseErrorKind, detail: string): void {
    this.#halted = true;
    this.#failed = true;
    this.#release();
    this.#sink.onParseError(kind, detail);
  }

  #failMaxControlLine(): void {
    this.#fail(ParseErrorKind.MaxControlLine, maxControlLineDetail(this.limits.maxControlLine));
  }

  #unknownOp(state: State, byte: number): void {
    this.#fail(ParseErrorKind.UnknownOp, unknownOpDetail(state, byte));
  }

  #protocolViolation(what: string, buf: Uint8Array, start: number, end: number): void {
    this.#fail(ParseErrorKind.ProtocolViolation, argsError(what, buf, start, end));
  }
}
