import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sha256, sha256Hex } from "./sha256.ts";

Deno.test("sha256 matches node:crypto for lengths around every padding boundary", () => {
  const rand = new Uint8Array(300);
  crypto.getRandomValues(rand);
  for (let n = 0; n <= 300; n++) {
    const data = rand.subarray(0, n);
    assert.equal(sha256Hex(data), createHash("sha256").update(data).digest("hex"), `length ${n}`);
  }
});

Deno.test("sha256 hashes a string as UTF-8 (FIPS 180-4 test vectors)", () => {
  assert.equal(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(
    sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
  assert.deepEqual(sha256("é"), sha256(new Uint8Array([0xc3, 0xa9])));
});
