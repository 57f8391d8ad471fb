/**
 * @module
 * Tables for the pure subject matchers; cases mirror nats-server's `server/sublist_test.go`
 * (`TestSublistMatchLiterals`, `TestIsSubsetMatch`, `TestSubjectIsLiteral`).
 */

import assert from "node:assert/strict";
import {
  subjectIsLiteral,
  subjectIsSubsetMatch,
  subjectMatches,
  subjectMatchesBytes,
} from "./subject_match.ts";

const encoder = new TextEncoder();

Deno.test("subjectMatches follows NATS token and wildcard rules", () => {
  const cases: [pattern: string, subject: string, expected: boolean][] = [
    ["foo", "foo", true],
    ["bar", "foo", false],
    ["*", "foo", true],
    [">", "foo", true],
    [">", "foo.bar", true],
    ["foo.>", "foo.bar", true],
    ["bar.>", "foo.bar", false],
    ["stats.>", "stats.test.22", true],
    ["stats.*.*", "stats.test.22", true],
    ["foo", "foo.bar", false],
    ["stats.test.foos", "stats.test.foos", true],
    ["stats.test.foo", "stats.test.foos", false],
    ["stats.test.*", "stats.test", false],
    ["stats.*", "stats.test.foos", false],
    ["stats.*.*.foos", "stats.test.foos", false],
    ["foo.>", "foo", false],
    ["*.*", "foo", false],
    ["*", "foo.bar", false],
    ["foo.*.baz", "foo.bar.baz", true],
    ["foo.*.baz", "foo.bar.bax", false],
    ["*.bar.>", "x.bar.y.z", true],
    ["ü.*", "ü.ß", true],
    // Wildcard characters that are not a whole token are literal.
    ["*bar", "*bar", true],
    ["foo*", "foo*", true],
    ["foo*bar", "foo*bar", true],
    ["foo.***.bar", "foo.***.bar", true],
    [">bar", ">bar", true],
    ["foo>", "foo>", true],
    ["foo.>>>.bar", "foo.>>>.bar", true],
    ["foo*", "foox", false],
    // Empty patterns and subjects, empty subject tokens.
    ["", "foo", false],
    ["foo", "", false],
    ["*", "", false],
    [">", "", false],
    ["foo.*", "foo.", false],
    ["foo.>", "foo.", false],
    ["*.foo", ".foo", false],
    ["a.*.c", "a..c", false],
  ];
  for (const [pattern, subject, expected] of cases) {
    assert.equal(subjectMatches(pattern, subject), expected, `'${pattern}' vs '${subject}'`);
    const patternBytes = encoder.encode(pattern);
    const line = encoder.encode(`PUB ${subject} 0`);
    const end = line.length - 2;
    assert.equal(
      subjectMatchesBytes(patternBytes, patternBytes.length, line, 4, end),
      expected,
      `bytes '${pattern}' vs '${subject}'`,
    );
  }
});

Deno.test("subjectIsSubsetMatch reports whether a subject's matches all fall within a test", () => {
  const cases: [subject: string, test: string, expected: boolean][] = [
    ["foo.*", ">", true],
    ["foo.*", "*.*", true],
    ["foo.*", "foo.*", true],
    ["foo.*", "foo.bar", false],
    ["foo.>", ">", true],
    ["foo.>", "*.>", true],
    ["foo.>", "foo.>", true],
    ["foo.>", "foo.bar", false],
    ["foo..bar", "foo.*", false],
    ["foo.*", "foo..bar", false],
    ["foo.bar", "foo.*", true],
    ["foo.bar", "foo.bar", true],
    ["foo.bar", "foo", false],
    ["foo", "foo.bar", false],
    ["foo.>", "foo.*", false],
  ];
  for (const [subject, test, expected] of cases) {
    assert.equal(subjectIsSubsetMatch(subject, test), expected, `'${subject}' within '${test}'`);
  }
});

Deno.test("subjectIsLiteral spots only whole-token wildcards", () => {
  const cases: [subject: string, expected: boolean][] = [
    ["foo", true],
    ["foo.bar", true],
    ["foo*.bar", true],
    ["a>b", true],
    ["*", false],
    [">", false],
    ["foo.*", false],
    ["foo.>", false],
    ["foo.*.>", false],
    ["foo.*.bar", false],
    ["foo.bar.>", false],
  ];
  for (const [subject, expected] of cases) {
    assert.equal(subjectIsLiteral(subject), expected, subject);
  }
});
