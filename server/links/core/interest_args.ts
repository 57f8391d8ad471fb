/**
 * @module
 * The arguments of the interest ops links exchange (route.go `processRemoteSub`/`Unsub` for
 * RS+/RS-, leafnode.go `processLeafSub`/`Unsub` for LS+/LS-): split on white space, the
 * subject decoded as UTF-8 or, when it is not valid, kept as opaque bytes beside a lenient
 * decoding, and a queue weight read like parser.go `parseSize`.
 * PURE: no Deno APIs, timers or console output; used in whichever isolate owns the links.
 */
import { parseSize } from "../../protocol/chars.ts";

const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder();

/**
 * The tokens of `args` separated by spaces, tabs, CR or LF (views into `args`).
 *
 * @example
 * ```ts
 * import { argTokens } from "./interest_args.ts";
 * const t = argTokens(new TextEncoder().encode(" $G  foo\tq 2"));
 * if (t.length !== 4 || t[1].length !== 3) throw new Error();
 * ```
 */
export function argTokens(args: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let s = -1;
  for (let i = 0; i <= args.length; i++) {
    const b = i < args.length ? args[i] : 0x20;
    if (b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a) {
      if (s >= 0) out.push(args.subarray(s, i));
      s = -1;
    } else if (s < 0) s = i;
  }
  return out;
}

/**
 * A subject token as text; `subjectBytes` (a copy) is set when it is not valid UTF-8, so the
 * sublist can keep it opaque.
 */
export function decodeSubject(raw: Uint8Array): { subject: string; subjectBytes?: Uint8Array } {
  try {
    return { subject: strict.decode(raw) };
  } catch {
    return { subject: lenient.decode(raw), subjectBytes: raw.slice() };
  }
}

/** A queue weight: 1 to 9 digits, else -1 (parseSize). */
export function parseWeight(b: Uint8Array): number {
  return parseSize(b, 0, b.length);
}
