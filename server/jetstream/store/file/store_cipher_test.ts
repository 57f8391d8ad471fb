import assert from "node:assert/strict";
import { keyEncryptionKey, type StoreCipherName, StreamKeys } from "./store_cipher.ts";

const CIPHERS: StoreCipherName[] = ["chacha", "aes"];
const enc = new TextEncoder();

for (const cipher of CIPHERS) {
  Deno.test(`store cipher (${cipher}): meta.key opens with the right key only`, () => {
    const kek = keyEncryptionKey("s3cr3t", "$G:ORDERS");
    const { keys, sealed } = StreamKeys.create(cipher, kek);
    const again = StreamKeys.open(cipher, kek, sealed);
    assert.ok(again !== null && again.sameAs(keys));
    assert.equal(StreamKeys.open(cipher, keyEncryptionKey("wrong", "$G:ORDERS"), sealed), null);
    assert.equal(StreamKeys.open(cipher, keyEncryptionKey("s3cr3t", "$G:OTHER"), sealed), null);
    const flipped = sealed.slice();
    flipped[20] ^= 1;
    assert.equal(StreamKeys.open(cipher, kek, flipped), null);
  });

  Deno.test(`store cipher (${cipher}): sealed files round-trip and detect changes`, () => {
    const { keys } = StreamKeys.create(cipher, keyEncryptionKey("k", "c"));
    const plain = enc.encode('{"name":"ORDERS","subjects":["orders.>"]}');
    const sealed = keys.seal(plain);
    assert.ok(
      !sealed.some((_, i) =>
        i + plain.length <= sealed.length &&
        plain.every((b, j) => sealed[i + j] === b)
      ),
    );
    assert.deepEqual(keys.open(sealed), plain);
    // A fresh nonce per seal: the same bytes seal differently.
    assert.notDeepEqual(keys.seal(plain), sealed);
    const bad = sealed.slice();
    bad[bad.length - 1] ^= 0x80;
    assert.equal(keys.open(bad), null);
    assert.equal(keys.open(new Uint8Array(5)), null);
  });

  Deno.test(`store cipher (${cipher}): a block keystream works at any offset`, () => {
    const { keys } = StreamKeys.create(cipher, keyEncryptionKey("k", "c"));
    const plain = new Uint8Array(1000).map((_, i) => (i * 7 + 3) & 0xff);
    const whole = plain.slice();
    keys.block(1).xorAt(whole, 0);
    assert.notDeepEqual(whole, plain);
    // Any range encrypted on its own (appends at odd offsets) gives the same bytes...
    for (const [from, to] of [[0, 1], [1, 63], [63, 65], [100, 117], [500, 1000], [999, 1000]]) {
      const part = plain.slice(from, to);
      keys.block(1).xorAt(part, from);
      assert.deepEqual(part, whole.subarray(from, to), `range ${from}-${to}`);
      // ...and decrypts back in place.
      keys.block(1).xorAt(part, from);
      assert.deepEqual(part, plain.subarray(from, to));
    }
    // Other blocks and other generations of the same block use other keystreams.
    const other = plain.slice();
    keys.block(2).xorAt(other, 0);
    assert.notDeepEqual(other, whole);
    const rewritten = plain.slice();
    keys.block(1, 1).xorAt(rewritten, 0);
    assert.notDeepEqual(rewritten, whole);
  });

  Deno.test(`store cipher (${cipher}): offsets past 4 GiB keep a distinct keystream`, () => {
    const { keys } = StreamKeys.create(cipher, keyEncryptionKey("k", "c"));
    const a = new Uint8Array(32), b = new Uint8Array(32);
    keys.block(1).xorAt(a, 0);
    keys.block(1).xorAt(b, 2 ** 32 + 64);
    assert.notDeepEqual(a, b);
    if (cipher === "chacha") {
      // Where ChaCha20's 32-bit block counter would wrap, it refuses instead.
      assert.throws(() => keys.block(1).xorAt(new Uint8Array(1), 2 ** 32 * 64), RangeError);
    }
  });
}
