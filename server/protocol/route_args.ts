/**
 * @module
 * Argument parsing of the routed message ops, mirroring nats-server 2.9.10 route.go
 * `processRoutedMsgArgs` (RMSG), `processRoutedHeaderMsgArgs` (HMSG from a route) and
 * `processRoutedOriginClusterMsgArgs` (LMSG), and of a leafnode's LMSG/HMSG (leafnode.go
 * `processLeafMsgArgs`, `processLeafHeaderMsgArgs`, which name no account):
 * `[origin] [<account>] <subject> [reply | + reply queues... | | queues...] [hdr] <size>`. Fills the parser's reusable {@link RoutedMsgOp} with
 * offsets, without allocating, and returns nats-server's error text on failure.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

import { CR, LF, parseSize, SPACE, TAB } from "./chars.ts";
import type { RoutedMsgOp } from "./sink.ts";

/** Which routed op the arguments belong to. */
export const RoutedOp = {
  Rmsg: 0,
  Hmsg: 1,
  Lmsg: 2,
  /** `LMSG <subject> ...` from a leafnode (no account: the link is bound to one). */
  LeafMsg: 3,
  /** `HMSG <subject> ...` from a leafnode. */
  LeafHmsg: 4,
} as const;
export type RoutedOp = typeof RoutedOp[keyof typeof RoutedOp];

const FUNC_NAMES = [
  "processRoutedMsgArgs",
  "processRoutedHeaderMsgArgs",
  "processRoutedOriginClusterMsgArgs",
  "processLeafMsgArgs",
  "processLeafHeaderMsgArgs",
];

const latin1 = new TextDecoder("latin1");

/** Token boundaries, reused (grown when a message names many queue groups). */
let tokens = new Int32Array(64);

function isSpace(b: number): boolean {
  return b === SPACE || b === TAB || b === CR || b === LF;
}

function tokenize(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  let s = -1;
  for (let k = start; k <= end; k++) {
    const space = k === end || isSpace(buf[k]);
    if (space) {
      if (s >= 0) {
        if (2 * n + 1 >= tokens.length) {
          const grown = new Int32Array(tokens.length * 2);
          grown.set(tokens);
          tokens = grown;
        }
        tokens[2 * n] = s;
        tokens[2 * n + 1] = k;
        n++;
        s = -1;
      }
    } else if (s < 0) s = k;
  }
  return n;
}

/** Go's `%s` of a `[][]byte`: `[a b c]`. */
function argList(buf: Uint8Array, n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(latin1.decode(buf.subarray(tokens[2 * i], tokens[2 * i + 1])));
  }
  return `[${parts.join(" ")}]`;
}

/**
 * Parses routed message arguments `buf[start..end)` into `msg`. Returns null, or the error text
 * nats-server reports (the route is then closed).
 *
 * @example
 * ```ts
 * import { parseRoutedMsgArgs, RoutedOp } from "./route_args.ts";
 * import type { RoutedMsgOp } from "./sink.ts";
 * const msg = {} as RoutedMsgOp;
 * const line = new TextEncoder().encode("$G foo + _INBOX.1 q1 q2 11");
 * if (parseRoutedMsgArgs(msg, RoutedOp.Rmsg, line, 0, line.length) !== null) throw new Error();
 * if (msg.size !== 11 || msg.queuesEnd - msg.queuesStart !== 5) throw new Error();
 * ```
 */
export function parseRoutedMsgArgs(
  msg: RoutedMsgOp,
  op: RoutedOp,
  buf: Uint8Array,
  start: number,
  end: number,
): string | null {
  const fn = FUNC_NAMES[op];
  const n = tokenize(buf, start, end);
  const t = tokens;
  const leaf = op >= RoutedOp.LeafMsg;
  const off = op === RoutedOp.Lmsg ? 1 : 0;
  const acc = leaf ? 0 : 1;
  const hdr = op !== RoutedOp.Rmsg && op !== RoutedOp.LeafMsg;
  // Tokens after account and subject: [reply] [hdr] size, or indicator form.
  const base = 1 + acc + off + (hdr ? 2 : 1);
  if (n < base) return `${fn} Parse Error: '${argList(buf, n)}'`;
  msg.originStart = off ? t[0] : start;
  msg.originEnd = off ? t[1] : start;
  msg.subjectStart = t[2 * (off + acc)];
  msg.subjectEnd = t[2 * (off + acc) + 1];
  msg.accountStart = acc ? t[2 * off] : msg.subjectStart;
  msg.accountEnd = acc ? t[2 * off + 1] : msg.subjectStart;
  msg.replyStart = msg.replyEnd = msg.subjectEnd;
  msg.queuesStart = msg.queuesEnd = msg.subjectEnd;
  const third = 1 + acc + off; // index of the token after the subject
  if (n === base + 1) {
    msg.replyStart = t[2 * third];
    msg.replyEnd = t[2 * third + 1];
  } else if (n > base + 1) {
    const ind = t[2 * third];
    if (t[2 * third + 1] - ind !== 1 || (buf[ind] !== 0x2b && buf[ind] !== 0x7c)) {
      const what = latin1.decode(buf.subarray(ind, t[2 * third + 1]));
      return `${fn} Bad or Missing Reply Indicator: '${what}'`;
    }
    let q = third + 1;
    if (buf[ind] === 0x2b) {
      msg.replyStart = t[2 * q];
      msg.replyEnd = t[2 * q + 1];
      q++;
    }
    const lastQueue = n - (hdr ? 3 : 2);
    if (lastQueue >= q) {
      msg.queuesStart = t[2 * q];
      msg.queuesEnd = t[2 * lastQueue + 1];
    }
  }
  const last = n - 1;
  msg.sizeStart = t[2 * last];
  msg.sizeEnd = t[2 * last + 1];
  msg.size = parseSize(buf, msg.sizeStart, msg.sizeEnd);
  if (hdr) {
    msg.headerSizeStart = t[2 * last - 2];
    msg.headerSizeEnd = t[2 * last - 1];
    msg.headerSize = parseSize(buf, msg.headerSizeStart, msg.headerSizeEnd);
    const raw = latin1.decode(buf.subarray(start, end));
    if (msg.headerSize < 0) return `${fn} Bad or Missing Header Size: '${raw}'`;
    if (msg.size < 0) return `${fn} Bad or Missing Size: '${argList(buf, n)}'`;
    if (msg.headerSize > msg.size) return `${fn} Header Size larger then TotalSize: '${raw}'`;
  } else {
    msg.headerSizeStart = msg.headerSizeEnd = msg.sizeStart;
    msg.headerSize = -1;
    if (msg.size < 0) return `${fn} Bad or Missing Size: '${argList(buf, n)}'`;
  }
  return null;
}
