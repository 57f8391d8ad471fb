/**
 * @module
 * Route wire helpers: RS+/RS- lines (route.go addRouteSubOrUnsubProtoToBuf), decoding of
 * RS+/RS-/LS+ arguments (processRemoteSub, parseUnsubProto) and the RMSG/HMSG a server sends
 * for a message (client.go msgHeaderForRouteOrLeaf), written by copying bytes.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { decimalLength, writeBytes, writeDecimal } from "../../protocol/encode.ts";
import type { MsgOp } from "../../protocol/sink.ts";
import type { Outbound } from "../../client/outbound.ts";
import type { Account } from "../../accounts/account.ts";
import { argTokens, decodeSubject, parseWeight } from "../core/interest_args.ts";

const enc = new TextEncoder();
const lenient = new TextDecoder();
const dec = lenient;

/**
 * `RS+ <account> <subject>[ <queue> <weight>]\r\n`.
 *
 * @example
 * ```ts
 * import { routeSubLine } from "./route_protocol.ts";
 * const line = new TextDecoder().decode(routeSubLine("$G", "foo", "q", 2));
 * if (line !== "RS+ $G foo q 2\r\n") throw new Error(line);
 * ```
 */
export function routeSubLine(
  account: string,
  subject: string | Uint8Array,
  queue: string | null,
  weight: number,
): Uint8Array {
  const s = typeof subject === "string" ? subject : lenient.decode(subject);
  if (typeof subject !== "string") {
    // Opaque (non UTF-8) subject bytes are sent as they are.
    const head = enc.encode(`RS+ ${account} `);
    const tail = enc.encode(queue === null ? "\r\n" : ` ${queue} ${weight}\r\n`);
    const out = new Uint8Array(head.length + subject.length + tail.length);
    out.set(head);
    out.set(subject, head.length);
    out.set(tail, head.length + subject.length);
    return out;
  }
  return enc.encode(
    queue === null ? `RS+ ${account} ${s}\r\n` : `RS+ ${account} ${s} ${queue} ${weight}\r\n`,
  );
}

/** `RS- <account> <subject>[ <queue>]\r\n`. */
export function routeUnsubLine(
  account: string,
  subject: string | Uint8Array,
  queue: string | null,
): Uint8Array {
  if (typeof subject !== "string") {
    const head = enc.encode(`RS- ${account} `);
    const tail = enc.encode(queue === null ? "\r\n" : ` ${queue}\r\n`);
    const out = new Uint8Array(head.length + subject.length + tail.length);
    out.set(head);
    out.set(subject, head.length);
    out.set(tail, head.length + subject.length);
    return out;
  }
  return enc.encode(
    queue === null ? `RS- ${account} ${subject}\r\n` : `RS- ${account} ${subject} ${queue}\r\n`,
  );
}

/** Decoded RS+/RS-/LS+ arguments. */
export interface RouteSubArgs {
  account: string;
  subject: string;
  /** Set when the subject bytes are not valid UTF-8 (sublist opaque subjects). */
  subjectBytes?: Uint8Array;
  queue: string | null;
  /** Queue weight (RS+ with a queue); 1 for plain interest. */
  weight: number;
  /** `<account> <subject>[ <queue>]`: the key RS- names (route.go keys remote subs this way). */
  key: string;
}

function text(bytes: Uint8Array): string {
  return lenient.decode(bytes);
}

/**
 * Decodes `RS+` (or `LS+` with `hasOrigin`) arguments; a string is nats-server's error text
 * (`processRemoteSub Parse Error: '<args>'`). The weight of a queue entry is parsed like
 * parseSize (a bad weight gives -1, as there).
 *
 * @example
 * ```ts
 * import { parseRouteSub } from "./route_protocol.ts";
 * const r = parseRouteSub(new TextEncoder().encode("$G foo bar 3"), false);
 * if (typeof r === "string" || r.queue !== "bar" || r.weight !== 3) throw new Error();
 * ```
 */
export function parseRouteSub(args: Uint8Array, hasOrigin: boolean): RouteSubArgs | string {
  const t = argTokens(args);
  const off = hasOrigin ? 1 : 0;
  if (t.length !== 2 + off && t.length !== 4 + off) {
    return `processRemoteSub Parse Error: '${text(args)}'`;
  }
  const account = text(t[off]);
  const raw = t[off + 1];
  const { subject, subjectBytes } = decodeSubject(raw);
  let queue: string | null = null;
  let weight = 1;
  if (t.length === 4 + off) {
    queue = text(t[off + 2]);
    weight = parseWeight(t[off + 3]);
  }
  const key = queue === null ? `${account} ${text(raw)}` : `${account} ${text(raw)} ${queue}`;
  return { account, subject, subjectBytes, queue, weight, key };
}

/** Decodes `RS-`/`LS-` arguments to the key of the entry to drop, or an error text. */
export function parseRouteUnsub(args: Uint8Array): { account: string; key: string } | string {
  const t = argTokens(args);
  if (t.length !== 2 && t.length !== 3) return `processRemoteUnsub parse error: '${text(args)}'`;
  const parts = t.map(text);
  return { account: parts[0], key: parts.join(" ") };
}

const accountBytes = new WeakMap<Account, Uint8Array>();

/** The account name as bytes (cached per account), for RMSG lines. */
export function accountNameBytes(account: Account): Uint8Array {
  let b = accountBytes.get(account);
  if (b === undefined) {
    b = enc.encode(account.name);
    accountBytes.set(account, b);
  }
  return b;
}

const RMSG = enc.encode("RMSG ");
const LMSG = enc.encode("LMSG ");
const HMSG = enc.encode("HMSG ");
const PLUS = enc.encode("+ ");
const BAR = enc.encode("| ");

/**
 * Appends the RMSG (HMSG when the message has headers and the route takes them) of `op` for
 * `account` to `out`, naming `queueCount` queue groups (client.go msgHeaderForRouteOrLeaf: a
 * `+ <reply>` or `|` marker precedes the queues). With `account` null it is the leafnode form:
 * `LMSG <subject> ...` / `HMSG <subject> ...`, no account (the link is bound to one).
 * Returns the bytes appended.
 */
export function appendRoutedMsg(
  out: Outbound,
  account: Uint8Array | null,
  op: MsgOp,
  queues: readonly Uint8Array[],
  queueCount: number,
  headers: boolean,
  origin: Uint8Array | null = null,
): number {
  if (origin !== null && account !== null) {
    return appendOriginMsg(out, origin, account, op, queues, queueCount, headers);
  }
  const a = op.argBuf;
  const ss = op.subjectStart, se = op.subjectEnd, rs = op.replyStart, re = op.replyEnd;
  const hasHeader = op.headerSize > 0;
  const strip = hasHeader && !headers;
  const bodyStart = strip ? op.payloadStart + op.headerSize : op.payloadStart;
  const bodyLen = op.payloadEnd - bodyStart;
  let queueBytes = 0;
  for (let i = 0; i < queueCount; i++) queueBytes += queues[i].length + 1;
  const replyLen = re - rs;
  const accountLen = account === null ? 0 : account.length + 1;
  let n = 5 + accountLen + (se - ss) + 1;
  if (queueCount > 0) n += 2 + (replyLen > 0 ? replyLen + 1 : 0) + queueBytes;
  else if (replyLen > 0) n += replyLen + 1;
  if (hasHeader && headers) {
    n += (op.headerSizeEnd - op.headerSizeStart) + 1 + (op.sizeEnd - op.sizeStart);
  } else if (strip) n += decimalLength(bodyLen);
  else n += op.sizeEnd - op.sizeStart;
  n += 2 + bodyLen + 2;
  out.ensure(n);
  const buf = out.buf;
  let p = out.len;
  p = writeBytes(buf, p, hasHeader && headers ? HMSG : account === null ? LMSG : RMSG, 0, 5);
  if (account !== null) {
    p = writeBytes(buf, p, account, 0, account.length);
    buf[p++] = 0x20;
  }
  p = writeBytes(buf, p, a, ss, se);
  buf[p++] = 0x20;
  if (queueCount > 0) {
    if (replyLen > 0) {
      p = writeBytes(buf, p, PLUS, 0, 2);
      p = writeBytes(buf, p, a, rs, re);
      buf[p++] = 0x20;
    } else p = writeBytes(buf, p, BAR, 0, 2);
    for (let i = 0; i < queueCount; i++) {
      const q = queues[i];
      p = writeBytes(buf, p, q, 0, q.length);
      buf[p++] = 0x20;
    }
  } else if (replyLen > 0) {
    p = writeBytes(buf, p, a, rs, re);
    buf[p++] = 0x20;
  }
  if (hasHeader && headers) {
    p = writeBytes(buf, p, a, op.headerSizeStart, op.headerSizeEnd);
    buf[p++] = 0x20;
    p = writeBytes(buf, p, a, op.sizeStart, op.sizeEnd);
  } else if (strip) p = writeDecimal(buf, p, bodyLen);
  else p = writeBytes(buf, p, a, op.sizeStart, op.sizeEnd);
  buf[p++] = 0x0d;
  buf[p++] = 0x0a;
  p = writeBytes(buf, p, op.payloadBuf, bodyStart, op.payloadEnd);
  buf[p++] = 0x0d;
  buf[p++] = 0x0a;
  out.len = p;
  return n;
}

/**
 * `LMSG <origin> <account> <subject> [reply | + reply queues | | queues] <hdr> <size>` on a
 * route: a message from a leafnode of cluster `origin`, so the other servers never hand it
 * back to leafs of that cluster (client.go msgHeaderForRouteOrLeaf; route.go
 * processRoutedOriginClusterMsgArgs). Headers are stripped when the route does not take them.
 */
function appendOriginMsg(
  out: Outbound,
  origin: Uint8Array,
  account: Uint8Array,
  op: MsgOp,
  queues: readonly Uint8Array[],
  queueCount: number,
  headers: boolean,
): number {
  const a = op.argBuf;
  const strip = op.headerSize > 0 && !headers;
  const headerLen = op.headerSize > 0 && headers ? op.headerSize : 0;
  const bodyStart = strip ? op.payloadStart + op.headerSize : op.payloadStart;
  const total = op.payloadEnd - bodyStart;
  let line = "LMSG " + dec.decode(origin) + " " + dec.decode(account) + " " +
    dec.decode(a.subarray(op.subjectStart, op.subjectEnd)) + " ";
  const reply = op.replyEnd > op.replyStart
    ? dec.decode(a.subarray(op.replyStart, op.replyEnd))
    : "";
  if (queueCount > 0) {
    line += reply !== "" ? `+ ${reply} ` : "| ";
    for (let i = 0; i < queueCount; i++) line += dec.decode(queues[i]) + " ";
  } else if (reply !== "") line += reply + " ";
  const head = enc.encode(`${line}${headerLen} ${total}\r\n`);
  const n = head.length + total + 2;
  out.ensure(n);
  const buf = out.buf;
  let p = out.len;
  buf.set(head, p);
  p += head.length;
  p = writeBytes(buf, p, op.payloadBuf, bodyStart, op.payloadEnd);
  buf[p++] = 0x0d;
  buf[p++] = 0x0a;
  out.len = p;
  return n;
}
