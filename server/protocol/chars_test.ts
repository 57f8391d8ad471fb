import assert from "node:assert/strict";
import {
  bytesEqual,
  decodeRune,
  parseSize,
  runeWidth,
  utf8Bytes,
  utf8Length,
  utf8String,
} from "./chars.ts";

Deno.test("utf8 helpers agree with TextEncoder and TextDecoder", () => {
  const samples = ["", "abc", "héllo", "世界", "😀 x", "\u{10ffff}", "a\ud800b", "\udc00"];
  for (const s of samples) {
    const want = new TextEncoder().encode(s);
    assert.deepEqual(utf8Bytes(s), want, JSON.stringify(s));
    assert.equal(utf8Length(s), want.length);
    assert.equal(utf8String(want), new TextDecoder().decode(want));
  }
});

Deno.test("decodeRune rejects what Go's utf8.DecodeRune rejects", () => {
  const bad = [
    [0x80],
    [0xc0, 0x80],
    [0xc1, 0xbf],
    [0xe0, 0x80, 0x80],
    [0xed, 0xa0, 0x80],
    [
      0xf4,
      0x90,
      0x80,
      0x80,
    ],
    [0xf5, 0x80, 0x80, 0x80],
    [0xe2, 0x82],
  ];
  for (const seq of bad) {
    const b = Uint8Array.from(seq);
    assert.equal(decodeRune(b, 0, b.length), -1, JSON.stringify(seq));
    assert.equal(runeWidth(b, 0, b.length), 1);
  }
  const ok = utf8Bytes("é€😀");
  assert.equal(decodeRune(ok, 0, ok.length), 0xe9);
  assert.equal(decodeRune(ok, 2, ok.length), 0x20ac);
  assert.equal(decodeRune(ok, 5, ok.length), 0x1f600);
});

Deno.test("parseSize accepts 1 to 9 digits like nats-server", () => {
  const p = (s: string) => parseSize(utf8Bytes(s), 0, s.length);
  assert.equal(p("0"), 0);
  assert.equal(p("007"), 7);
  assert.equal(p("999999999"), 999_999_999);
  assert.equal(p("1000000000"), -1);
  assert.equal(p(""), -1);
  assert.equal(p("-1"), -1);
  assert.equal(p("1a"), -1);
  assert.equal(p(" 1"), -1);
});

Deno.test("bytesEqual compares ranges", () => {
  const a = utf8Bytes("xfoo");
  assert.ok(bytesEqual(a, 1, 4, utf8Bytes("foo"), 0, 3));
  assert.ok(!bytesEqual(a, 1, 4, utf8Bytes("fop"), 0, 3));
  assert.ok(!bytesEqual(a, 0, 4, utf8Bytes("foo"), 0, 3));
});
