/**
 * @module
 * Pure subject-to-pattern matching, with the semantics of nats-server's `server/sublist.go`:
 * tokens are separated by `.`, a `*` token matches exactly one token and a trailing `>` token
 * matches one or more tokens. Used by the sublist cache and by permission checks.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

const DOT = 46; // "."
const STAR = 42; // "*"
const GT = 62; // ">"

/**
 * Reports whether the literal `subject` is matched by `pattern` (which may hold wildcards).
 * A `>` is a wildcard only as the last token of the pattern, and a subject with an empty token
 * never matches, exactly like a sublist lookup. Allocates nothing.
 *
 * @example
 * ```ts
 * import { subjectMatches } from "./subject_match.ts";
 * import assert from "node:assert";
 * assert.equal(subjectMatches("foo.*.baz", "foo.bar.baz"), true);
 * assert.equal(subjectMatches("foo.>", "foo"), false);
 * assert.equal(subjectMatches(">", "a.b.c"), true);
 * ```
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const patternLength = pattern.length;
  const subjectLength = subject.length;
  if (patternLength === 0 || subjectLength === 0) return false;
  // One pass over the pattern's characters, advancing through the subject alongside; a
  // wildcard token consumes a whole subject token, anything else must be equal character-wise.
  let s = 0;
  for (let p = 0; p < patternLength; p++) {
    const c = pattern.charCodeAt(p);
    if ((c === STAR || c === GT) && (p === 0 || pattern.charCodeAt(p - 1) === DOT)) {
      const last = p + 1 === patternLength;
      if (last || pattern.charCodeAt(p + 1) === DOT) {
        // A wildcard token needs a non-empty subject token here.
        if (s === subjectLength || subject.charCodeAt(s) === DOT) return false;
        if (c === GT && last) return true;
        if (c === STAR) {
          while (s < subjectLength && subject.charCodeAt(s) !== DOT) s++;
          continue;
        }
      }
    }
    if (s === subjectLength || subject.charCodeAt(s) !== c) return false;
    s++;
  }
  return s === subjectLength;
}

/**
 * {@link subjectMatches} over UTF-8 bytes: whether the literal subject in
 * `subject[subjectStart..subjectEnd)` is matched by the pattern in `pattern[0..patternEnd)`.
 * Used to patch the byte-keyed match cache. Allocates nothing.
 *
 * @example
 * ```ts
 * import { subjectMatchesBytes } from "./subject_match.ts";
 * import assert from "node:assert";
 * const pattern = new TextEncoder().encode("foo.*");
 * const line = new TextEncoder().encode("PUB foo.bar 2");
 * assert.equal(subjectMatchesBytes(pattern, pattern.length, line, 4, 11), true);
 * assert.equal(subjectMatchesBytes(pattern, pattern.length, line, 4, 7), false);
 * ```
 */
export function subjectMatchesBytes(
  pattern: Uint8Array,
  patternEnd: number,
  subject: Uint8Array,
  subjectStart: number,
  subjectEnd: number,
): boolean {
  if (patternEnd <= 0 || subjectEnd <= subjectStart) return false;
  let s = subjectStart;
  for (let p = 0; p < patternEnd; p++) {
    const c = pattern[p];
    if ((c === STAR || c === GT) && (p === 0 || pattern[p - 1] === DOT)) {
      const last = p + 1 === patternEnd;
      if (last || pattern[p + 1] === DOT) {
        if (s === subjectEnd || subject[s] === DOT) return false;
        if (c === GT && last) return true;
        if (c === STAR) {
          while (s < subjectEnd && subject[s] !== DOT) s++;
          continue;
        }
      }
    }
    if (s === subjectEnd || subject[s] !== c) return false;
    s++;
  }
  return s === subjectEnd;
}

/**
 * Reports whether every subject matched by `subject` (which may hold wildcards) is also matched
 * by `test`: `foo.*` is a subset of `>`, `*.*` and `foo.*`, but not of `foo.bar`. Mirrors
 * nats-server's `subjectIsSubsetMatch` (used for permission checks on wildcard subscriptions).
 *
 * @example
 * ```ts
 * import { subjectIsSubsetMatch } from "./subject_match.ts";
 * import assert from "node:assert";
 * assert.equal(subjectIsSubsetMatch("foo.*", "foo.>"), true);
 * assert.equal(subjectIsSubsetMatch("foo.>", "foo.*"), false);
 * assert.equal(subjectIsSubsetMatch("foo.bar", "foo.bar"), true);
 * ```
 */
export function subjectIsSubsetMatch(subject: string, test: string): boolean {
  const tokens = subject.split(".");
  const testTokens = test.split(".");
  for (let i = 0; i < testTokens.length; i++) {
    if (i >= tokens.length) return false;
    const testToken = testTokens[i];
    if (testToken.length === 0) return false;
    if (testToken === ">") return true;
    const token = tokens[i];
    if (token.length === 0 || token === ">") return false;
    if (token === "*") {
      if (testToken !== "*") return false;
      continue;
    }
    if (testToken !== "*" && token !== testToken) return false;
  }
  return tokens.length === testTokens.length;
}

/**
 * Reports whether `subject` has no wildcard token (`*` or `>` standing alone between dots).
 * Does not validate the subject otherwise; `foo*` and `a>b` are literal.
 *
 * @example
 * ```ts
 * import { subjectIsLiteral } from "./subject_match.ts";
 * import assert from "node:assert";
 * assert.equal(subjectIsLiteral("foo.bar"), true);
 * assert.equal(subjectIsLiteral("foo.*"), false);
 * assert.equal(subjectIsLiteral("foo*.bar"), true);
 * ```
 */
export function subjectIsLiteral(subject: string): boolean {
  const length = subject.length;
  for (let i = 0; i < length; i++) {
    const c = subject.charCodeAt(i);
    if (
      (c === STAR || c === GT) &&
      (i === 0 || subject.charCodeAt(i - 1) === DOT) &&
      (i + 1 === length || subject.charCodeAt(i + 1) === DOT)
    ) {
      return false;
    }
  }
  return true;
}
