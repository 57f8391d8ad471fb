/**
 * @module
 * Subject and queue-name rules of nats-server 2.9.10 (`server/sublist.go`, `client.go`), as
 * string functions and as byte-range functions for the hot path.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 *
 * Which rule applies where (nats-server 2.9.10):
 * - SUB from a client: the sublist `Insert` rules only ({@link isValidSubscribeSubjectBytes}):
 *   no empty token, `>` only as the last token. No whitespace check there (the parser already
 *   splits on space, tab, CR and LF, so only `\f` could get through, and it is accepted).
 * - PUB with `pedantic`: {@link isValidLiteralSubject} (no empty token, no `*`/`>` token);
 *   no whitespace check either. Without `pedantic` a PUB subject is not checked at all.
 * - Config, imports/exports, JetStream: {@link isValidSubject} (also rejects space, tab, CR,
 *   LF and FF) and {@link isValidPublishSubject} (valid and literal).
 * - Queue names: nats-server 2.9.10 does no check beyond the parser's whitespace split;
 *   the group `_sys_` is refused to clients as a permission violation.
 */

import { CR, DOT, FF, GT, LF, SPACE, STAR, TAB, utf8Bytes } from "./chars.ts";

/** The queue group clients may not use (client.go `sysGroup`). */
export const SYS_QUEUE_GROUP = "_sys_";

function isSpace(b: number): boolean {
  return b === SPACE || b === TAB || b === LF || b === CR || b === FF;
}

/**
 * sublist.go `IsValidSubject`: non-empty, no empty token, no whitespace (space, tab, CR, LF,
 * FF), `>` only as the last token. `*` and `>` are wildcards only as whole tokens.
 *
 * @example
 * ```ts
 * import { isValidSubject } from "./subject.ts";
 * if (!isValidSubject("foo.*.>") || isValidSubject("foo..bar") || isValidSubject("a.>.b")) {
 *   throw new Error();
 * }
 * ```
 */
export function isValidSubject(subject: string): boolean {
  const b = utf8Bytes(subject);
  return isValidSubjectBytes(b, 0, b.length);
}

/** Byte-range form of {@link isValidSubject}. */
export function isValidSubjectBytes(buf: Uint8Array, start: number, end: number): boolean {
  return checkSubject(buf, start, end, true, true);
}

/**
 * The rules a SUB subject must pass (sublist.go `Insert`, which makes client.go
 * processSubEx send `Invalid Subject`): no empty token, `>` only last. Whitespace is not
 * checked.
 */
export function isValidSubscribeSubjectBytes(
  buf: Uint8Array,
  start: number,
  end: number,
): boolean {
  return checkSubject(buf, start, end, false, true);
}

/** String form of {@link isValidSubscribeSubjectBytes}. */
export function isValidSubscribeSubject(subject: string): boolean {
  const b = utf8Bytes(subject);
  return checkSubject(b, 0, b.length, false, true);
}

/**
 * sublist.go `IsValidLiteralSubject` (the pedantic PUB check): no empty token and no `*` or
 * `>` token (so `""` is invalid). Whitespace is not checked.
 *
 * @example
 * ```ts
 * import { isValidLiteralSubject } from "./subject.ts";
 * if (!isValidLiteralSubject("foo.bar*") || isValidLiteralSubject("foo.*")) throw new Error();
 * ```
 */
export function isValidLiteralSubject(subject: string): boolean {
  const b = utf8Bytes(subject);
  return isValidLiteralSubjectBytes(b, 0, b.length);
}

/** Byte-range form of {@link isValidLiteralSubject}, for the pedantic PUB check. */
export function isValidLiteralSubjectBytes(buf: Uint8Array, start: number, end: number): boolean {
  let tokenStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && buf[i] !== DOT) continue;
    const len = i - tokenStart;
    if (len === 0) return false;
    if (len === 1 && (buf[tokenStart] === STAR || buf[tokenStart] === GT)) return false;
    tokenStart = i + 1;
  }
  return true;
}

/** sublist.go `IsValidPublishSubject`: {@link isValidSubject} and literal. */
export function isValidPublishSubject(subject: string): boolean {
  const b = utf8Bytes(subject);
  return isValidPublishSubjectBytes(b, 0, b.length);
}

/** Byte-range form of {@link isValidPublishSubject}. */
export function isValidPublishSubjectBytes(buf: Uint8Array, start: number, end: number): boolean {
  return checkSubject(buf, start, end, true, false);
}

/**
 * One pass over the tokens: empty tokens and tokens after `>` fail; `whitespace` also fails
 * on space/tab/CR/LF/FF; `wildcards` false fails on `*`/`>` tokens.
 */
function checkSubject(
  buf: Uint8Array,
  start: number,
  end: number,
  whitespace: boolean,
  wildcards: boolean,
): boolean {
  if (end <= start) return false;
  let tokenStart = start;
  let sawFwc = false;
  for (let i = start; i <= end; i++) {
    if (i < end) {
      const b = buf[i];
      if (b !== DOT) {
        if (whitespace && isSpace(b)) return false;
        continue;
      }
    }
    const len = i - tokenStart;
    if (len === 0 || sawFwc) return false;
    if (len === 1) {
      const b = buf[tokenStart];
      if (b === GT) {
        if (!wildcards) return false;
        sawFwc = true;
      } else if (b === STAR && !wildcards) return false;
    }
    tokenStart = i + 1;
  }
  return true;
}

/**
 * sublist.go `subjectIsLiteral`: true when no token is exactly `*` or `>` (does not validate).
 *
 * @example
 * ```ts
 * import { subjectIsLiteral } from "./subject.ts";
 * if (!subjectIsLiteral("a.b*") || subjectIsLiteral("a.*.c")) throw new Error();
 * ```
 */
export function subjectIsLiteral(subject: string): boolean {
  const b = utf8Bytes(subject);
  return subjectIsLiteralBytes(b, 0, b.length);
}

/** Byte-range form of {@link subjectIsLiteral}. */
export function subjectIsLiteralBytes(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (
      (b === STAR || b === GT) && (i === start || buf[i - 1] === DOT) &&
      (i + 1 === end || buf[i + 1] === DOT)
    ) return false;
  }
  return true;
}

/**
 * A queue name as nats-server 2.9.10 accepts it from a client: non-empty and without the
 * separators the SUB line is split on (space, tab, CR, LF). `_sys_` passes here; the handler
 * refuses it with a subscription permission violation.
 */
export function isValidQueueNameBytes(buf: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b === SPACE || b === TAB || b === CR || b === LF) return false;
  }
  return true;
}

/**
 * Splits a subject on `.` (sublist.go `tokenizeSubjectIntoSlice`; empty tokens kept).
 *
 * @example
 * ```ts
 * import { tokenizeSubject } from "./subject.ts";
 * if (tokenizeSubject("a..b").length !== 3) throw new Error();
 * ```
 */
export function tokenizeSubject(subject: string): string[] {
  return subject.split(".");
}

/**
 * Byte-range tokenizer without allocation: writes token `[start, end)` pairs into `out` (up
 * to `out.length / 2` tokens) and returns the token count (which may exceed what fit).
 */
export function tokenizeSubjectBytes(
  buf: Uint8Array,
  start: number,
  end: number,
  out: Int32Array | number[],
): number {
  const cap = out.length >> 1;
  let n = 0;
  let tokenStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && buf[i] !== DOT) continue;
    if (n < cap) {
      out[2 * n] = tokenStart;
      out[2 * n + 1] = i;
    }
    n++;
    tokenStart = i + 1;
  }
  return n;
}

const SERVICE_REPLY = utf8Bytes("_R_.");
const JS_ACK = utf8Bytes("$JS.ACK.");
const GW_REPLY = utf8Bytes("_GR_.");

function startsWith(buf: Uint8Array, start: number, end: number, p: Uint8Array, min: number) {
  if (end - start <= min) return false;
  for (let k = 0; k < p.length; k++) if (buf[start + k] !== p[k]) return false;
  return true;
}

/**
 * gateway.go `hasGWRoutedReplyPrefix`: longer than `_GR_.` and starting with it. Clients may
 * not publish to such subjects (Permissions Violation for Publish).
 */
export function hasGatewayReplyPrefixBytes(buf: Uint8Array, start: number, end: number): boolean {
  return startsWith(buf, start, end, GW_REPLY, GW_REPLY.length);
}

/**
 * client.go `isReservedReply`: a reply starting `_R_.` (length > 3), or longer than and
 * starting with `$JS.ACK.` or `_GR_.`. Clients may not use these as reply subjects.
 */
export function isReservedReplyBytes(buf: Uint8Array, start: number, end: number): boolean {
  return startsWith(buf, start, end, SERVICE_REPLY, 3) ||
    startsWith(buf, start, end, JS_ACK, JS_ACK.length) ||
    startsWith(buf, start, end, GW_REPLY, GW_REPLY.length);
}
