/**
 * @module
 * Subject helpers the JetStream config checks need (nats-server 2.9.10 sublist.go
 * `SubjectsCollide`, `subjectIsSubsetMatch`, `IsValidSubject`, `IsValidPublishSubject`,
 * `subjectHasWildcard`), re-exported or written over the protocol/sublist ones.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { isValidPublishSubject, isValidSubject } from "../../protocol/subject.ts";
import { subjectIsLiteral, subjectIsSubsetMatch } from "../../sublist/subject_match.ts";

export { isValidPublishSubject, isValidSubject, subjectIsLiteral, subjectIsSubsetMatch };

/** sublist.go `subjectHasWildcard`. */
export function subjectHasWildcard(subject: string): boolean {
  return !subjectIsLiteral(subject);
}

function tokensCanMatch(a: string, b: string): boolean {
  if (a === "*" || b === "*" || a === ">" || b === ">") return true;
  return a === b;
}

/** sublist.go `SubjectsCollide`: could one literal subject match both? */
export function subjectsCollide(a: string, b: string): boolean {
  if (a === b) return true;
  const ta = a.split(".");
  const tb = b.split(".");
  const pwcA = ta.includes("*"), fwcA = ta.includes(">");
  const pwcB = tb.includes("*"), fwcB = tb.includes(">");
  const literalA = !pwcA && !fwcA;
  const literalB = !pwcB && !fwcB;
  if (literalA && literalB) return false;
  if (literalA) return subjectIsSubsetMatch(a, b);
  if (literalB) return subjectIsSubsetMatch(b, a);
  if (!fwcA && !fwcB && ta.length !== tb.length) return false;
  if ((ta.length < tb.length && !fwcA) || (tb.length < ta.length && !fwcB)) return false;
  const stop = Math.min(ta.length, tb.length);
  for (let i = 0; i < stop; i++) if (!tokensCanMatch(ta[i], tb[i])) return false;
  return true;
}

/** UTF-8 byte length (Go's `len` of a string). */
export function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** jetstream.go `isValidName`: non-empty, none of space, tab, CR, LF, FF, `.`, `*`, `>`. */
export function isValidName(name: string): boolean {
  return name !== "" && !/[ \t\r\n\f.*>]/.test(name);
}

function isGoZero(v: unknown): boolean {
  return v === undefined || v === "" || v === 0 || v === false;
}

/**
 * Go `reflect.DeepEqual` over two decoded structs: a member that is absent equals one holding
 * Go's zero (`""`, `0`, `false`), since both decode to the same Go value; an absent slice or
 * pointer (nil) still differs from an empty one, as in Go.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => !isGoZero((a as Record<string, unknown>)[k]));
  const kb = Object.keys(b).filter((k) => !isGoZero((b as Record<string, unknown>)[k]));
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  );
}
