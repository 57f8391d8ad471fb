import assert from "node:assert/strict";
import { utf8Bytes } from "./chars.ts";
import {
  hasGatewayReplyPrefixBytes,
  isReservedReplyBytes,
  isValidLiteralSubject,
  isValidLiteralSubjectBytes,
  isValidPublishSubject,
  isValidQueueNameBytes,
  isValidSubject,
  isValidSubscribeSubject,
  isValidSubscribeSubjectBytes,
  subjectIsLiteral,
  tokenizeSubject,
  tokenizeSubjectBytes,
} from "./subject.ts";

// [subject, IsValidSubject, Insert (SUB), IsValidLiteralSubject, subjectIsLiteral]
const TABLE: Array<[string, boolean, boolean, boolean, boolean]> = [
  ["foo", true, true, true, true],
  ["foo.bar", true, true, true, true],
  ["foo.*", true, true, false, false],
  ["foo.>", true, true, false, false],
  [">", true, true, false, false],
  ["*", true, true, false, false],
  ["*.>", true, true, false, false],
  ["foo.>.bar", false, false, false, false],
  [">.>", false, false, false, false],
  ["foo*", true, true, true, true],
  ["foo.bar*", true, true, true, true],
  ["*foo.>bar", true, true, true, true],
  ["", false, false, false, true],
  [".", false, false, false, true],
  ["foo.", false, false, false, true],
  [".foo", false, false, false, true],
  ["foo..bar", false, false, false, true],
  ["foo bar", false, true, true, true],
  ["foo\tbar", false, true, true, true],
  ["foo\fbar", false, true, true, true],
  ["foo.\r", false, true, true, true],
  [" ", false, true, true, true],
  ["héllo.wörld", true, true, true, true],
  ["$JS.API.>", true, true, false, false],
];

for (const [subject, valid, sub, literalValid, literal] of TABLE) {
  Deno.test(`subject rules for ${JSON.stringify(subject)} match nats-server`, () => {
    assert.equal(isValidSubject(subject), valid, "IsValidSubject");
    assert.equal(isValidSubscribeSubject(subject), sub, "Sublist.Insert");
    assert.equal(isValidLiteralSubject(subject), literalValid, "IsValidLiteralSubject");
    assert.equal(subjectIsLiteral(subject), literal, "subjectIsLiteral");
    assert.equal(isValidPublishSubject(subject), valid && literal, "IsValidPublishSubject");
    const b = utf8Bytes(`..${subject}..`);
    assert.equal(isValidLiteralSubjectBytes(b, 2, b.length - 2), literalValid);
    assert.equal(isValidSubscribeSubjectBytes(b, 2, b.length - 2), sub);
  });
}

Deno.test("tokenizers keep empty tokens", () => {
  assert.deepEqual(tokenizeSubject("a..b"), ["a", "", "b"]);
  const b = utf8Bytes("a..bc");
  const out = new Int32Array(4);
  assert.equal(tokenizeSubjectBytes(b, 0, b.length, out), 3);
  assert.deepEqual([...out], [0, 1, 2, 2]);
});

Deno.test("queue names only exclude the SUB separators", () => {
  const ok = (s: string) => isValidQueueNameBytes(utf8Bytes(s), 0, utf8Bytes(s).length);
  assert.ok(ok("workers"));
  assert.ok(ok("_sys_"));
  assert.ok(ok("a.*.>"));
  assert.ok(!ok(""));
  assert.ok(!ok("a b"));
});

Deno.test("reserved reply and gateway prefixes follow nats-server lengths", () => {
  const r = (s: string) => isReservedReplyBytes(utf8Bytes(s), 0, s.length);
  const g = (s: string) => hasGatewayReplyPrefixBytes(utf8Bytes(s), 0, s.length);
  assert.ok(r("_R_."));
  assert.ok(r("_R_.abc"));
  assert.ok(!r("_R_"));
  assert.ok(!r("$JS.ACK."));
  assert.ok(r("$JS.ACK.x"));
  assert.ok(!r("_GR_."));
  assert.ok(r("_GR_.x"));
  assert.ok(g("_GR_.x"));
  assert.ok(!g("_GR_."));
  assert.ok(!r("foo"));
});
