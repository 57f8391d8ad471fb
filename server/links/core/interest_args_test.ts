/**
 * @module
 * Tokens, subject decoding and queue weights of RS+/RS-/LS+/LS- arguments.
 */
import assert from "node:assert/strict";
import { argTokens, decodeSubject, parseWeight } from "./interest_args.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("interest args split on spaces, tabs, CR and LF", () => {
  const t = argTokens(enc.encode("  $G\tfoo.bar  q 12\r\n"));
  assert.deepEqual(t.map((b) => dec.decode(b)), ["$G", "foo.bar", "q", "12"]);
  assert.deepEqual(argTokens(enc.encode(" \t ")), []);
});

Deno.test("a valid UTF-8 subject has no bytes, an invalid one keeps a copy", () => {
  assert.deepEqual(decodeSubject(enc.encode("ü.x")), { subject: "ü.x" });
  const raw = new Uint8Array([0x61, 0xff, 0x62]);
  const d = decodeSubject(raw);
  assert.equal(d.subject, "a\ufffdb");
  assert.deepEqual(d.subjectBytes, raw);
  assert.notEqual(d.subjectBytes!.buffer, raw.buffer);
});

Deno.test("a queue weight is 1 to 9 digits, else -1", () => {
  assert.equal(parseWeight(enc.encode("3")), 3);
  assert.equal(parseWeight(enc.encode("123456789")), 123456789);
  assert.equal(parseWeight(enc.encode("1234567890")), -1);
  assert.equal(parseWeight(enc.encode("1x")), -1);
  assert.equal(parseWeight(new Uint8Array(0)), -1);
});
