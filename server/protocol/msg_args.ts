/**
 * @module
 * Argument parsing for the message ops, mirroring nats-server 2.9.10 client.go `processPub`,
 * `processHeaderPub` and `splitArg`: fills the parser's reusable {@link MsgOp} from byte
 * offsets, without allocating, and returns nats-server's error text on failure.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

import { CR, LF, parseSize, SPACE, TAB } from "./chars.ts";
import type { MsgOp } from "./sink.ts";
import { goQuote } from "./wire_errors.ts";

/**
 * Splits `buf[start..end)` on runs of spaces and tabs (and CR/LF when `crlf`, like client.go
 * `splitArg` for SUB/UNSUB; PUB/HPUB split on spaces and tabs only). Stores up to 5 token
 * ranges as `[start, end)` pairs in `tok` and returns the token count (which may be higher).
 *
 * @example
 * ```ts
 * import { splitArgs } from "./msg_args.ts";
 * const tok = new Int32Array(10);
 * const line = new TextEncoder().encode(" foo \t q  1");
 * if (splitArgs(line, 0, line.length, true, tok) !== 3 || tok[2] !== 7) throw new Error();
 * ```
 */
export function splitArgs(
  buf: Uint8Array,
  start: number,
  end: number,
  crlf: boolean,
  tok: Int32Array,
): number {
  let n = 0;
  let s = -1;
  for (let k = start; k < end; k++) {
    const b = buf[k];
    if (b === SPACE || b === TAB || (crlf && (b === CR || b === LF))) {
      if (s >= 0) {
        if (n < 5) {
          tok[2 * n] = s;
          tok[2 * n + 1] = k;
        }
        n++;
        s = -1;
      }
    } else if (s < 0) s = k;
  }
  if (s >= 0) {
    if (n < 5) {
      tok[2 * n] = s;
      tok[2 * n + 1] = end;
    }
    n++;
  }
  return n;
}

/** nats-server's error text for bad arguments: `<what>: "<args>"` (Go `%q`). */
export function argsError(what: string, buf: Uint8Array, start: number, end: number): string {
  return `${what}: ${goQuote(buf.subarray(start, end))}`;
}

/**
 * Sets the subject and reply offsets (an empty reply when there is none) from the split
 * tokens; returns the index in `tok` of the token after them.
 */
function takeRouting(msg: MsgOp, tok: Int32Array, withReply: boolean): number {
  msg.subjectStart = tok[0];
  msg.subjectEnd = tok[1];
  msg.replyStart = withReply ? tok[2] : tok[1];
  msg.replyEnd = withReply ? tok[3] : tok[1];
  return withReply ? 4 : 2;
}

/**
 * client.go processPub: `PUB <subject> [reply] <size>`. Fills `msg` (offsets in `buf`);
 * returns null, or the error text (a protocol violation). Max payload is checked by the caller.
 */
export function parsePubArgs(
  msg: MsgOp,
  tok: Int32Array,
  buf: Uint8Array,
  start: number,
  end: number,
): string | null {
  const n = splitArgs(buf, start, end, false, tok);
  if (n !== 2 && n !== 3) return argsError("processPub Parse Error", buf, start, end);
  const s = takeRouting(msg, tok, n === 3);
  msg.sizeStart = tok[s];
  msg.sizeEnd = tok[s + 1];
  msg.headerSizeStart = msg.headerSizeEnd = tok[s];
  msg.headerSize = -1;
  msg.size = parseSize(buf, tok[s], tok[s + 1]);
  if (msg.size < 0) return argsError("processPub Bad or Missing Size", buf, start, end);
  return null;
}

/**
 * client.go processHeaderPub: `HPUB <subject> [reply] <hdr> <total>`, with its checks in
 * order (count, header size, total size, header <= total). Returns null or the error text.
 */
export function parseHpubArgs(
  msg: MsgOp,
  tok: Int32Array,
  buf: Uint8Array,
  start: number,
  end: number,
): string | null {
  const n = splitArgs(buf, start, end, false, tok);
  if (n !== 3 && n !== 4) return argsError("processHeaderPub Parse Error", buf, start, end);
  const h = takeRouting(msg, tok, n === 4);
  msg.headerSizeStart = tok[h];
  msg.headerSizeEnd = tok[h + 1];
  msg.sizeStart = tok[h + 2];
  msg.sizeEnd = tok[h + 3];
  msg.headerSize = parseSize(buf, tok[h], tok[h + 1]);
  msg.size = parseSize(buf, tok[h + 2], tok[h + 3]);
  if (msg.headerSize < 0) {
    return argsError("processHeaderPub Bad or Missing Header Size", buf, start, end);
  }
  if (msg.size < 0) {
    return argsError("processHeaderPub Bad or Missing Total Size", buf, start, end);
  }
  if (msg.headerSize > msg.size) {
    return argsError("processHeaderPub Header Size larger then TotalSize", buf, start, end);
  }
  return null;
}

/**
 * HMSG from a client (see `Op.ClientHmsg`): the arguments are ignored and the message is
 * empty (hdr 0, size 0) on an empty subject; all ranges are empty at `start`.
 */
export function clientHmsgArgs(msg: MsgOp, start: number): boolean {
  msg.subjectStart =
    msg.subjectEnd =
    msg.replyStart =
    msg.replyEnd =
      start;
  msg.sizeStart =
    msg.sizeEnd =
    msg.headerSizeStart =
    msg.headerSizeEnd =
      start;
  msg.headerSize = 0;
  msg.size = 0;
  return true;
}

/** The arguments of SUB (`<subject> [queue] <sid>`) as views of the line. */
export interface SubArgs {
  subject: Uint8Array;
  queue: Uint8Array | null;
  sid: Uint8Array;
}

/** SUB's arguments, or null when there are not 2 or 3 (nats-server `processSub Parse Error`). */
export function parseSubArgs(
  buf: Uint8Array,
  start: number,
  end: number,
  tok: Int32Array,
): SubArgs | null {
  const n = splitArgs(buf, start, end, true, tok);
  if (n !== 2 && n !== 3) return null;
  return {
    subject: buf.subarray(tok[0], tok[1]),
    queue: n === 3 ? buf.subarray(tok[2], tok[3]) : null,
    sid: n === 3 ? buf.subarray(tok[4], tok[5]) : buf.subarray(tok[2], tok[3]),
  };
}

/** UNSUB's `<sid> [max]` (max -1 when absent), or null (nats-server `processUnsub Parse Error`). */
export function parseUnsubArgs(
  buf: Uint8Array,
  start: number,
  end: number,
  tok: Int32Array,
): { sid: Uint8Array; max: number } | null {
  const n = splitArgs(buf, start, end, true, tok);
  if (n !== 1 && n !== 2) return null;
  return { sid: buf.subarray(tok[0], tok[1]), max: n === 2 ? parseSize(buf, tok[2], tok[3]) : -1 };
}
