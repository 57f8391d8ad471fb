import assert from "node:assert/strict";
import {
  createStreamKeys,
  loadStoreCipher,
  META_KEY_FILE,
  openStreamKeys,
} from "./stream_key_file.ts";

await loadStoreCipher();

Deno.test("meta.key opens with the same key, account and stream only", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const keys = createStreamKeys(dir, { key: "s3cr3t", cipher: "aes" }, "ACC", "S");
    const same = openStreamKeys(dir, { key: "s3cr3t", cipher: "aes" }, "ACC", "S");
    assert.ok("keys" in same && same.keys !== null && same.keys.sameAs(keys));
    assert.equal((same as { other?: string }).other, undefined);
    // nats-server tries the other cipher after the configured one: its error is the last one.
    assert.deepEqual(openStreamKeys(dir, { key: "wrong", cipher: "aes" }, "ACC", "S"), {
      warning:
        "  Error decrypting our stream metafile: chacha20poly1305: message authentication failed",
    });
    assert.deepEqual(openStreamKeys(dir, { key: "s3cr3t", cipher: "chacha" }, "OTHER", "S"), {
      warning: "  Error decrypting our stream metafile: cipher: message authentication failed",
    });
    assert.deepEqual(openStreamKeys(dir, null, "ACC", "S"), {
      warning: "  Error decrypting our stream metafile: encryption not enabled",
    });
    // Saved with aes, configured chacha now: opened with aes, said so.
    const other = openStreamKeys(dir, { key: "s3cr3t", cipher: "chacha" }, "ACC", "S");
    assert.ok("keys" in other && other.keys?.sameAs(keys) && other.other === "aes");
    Deno.writeFileSync(`${dir}/${META_KEY_FILE}`, new Uint8Array(10));
    assert.deepEqual(openStreamKeys(dir, null, "ACC", "S"), {
      warning: "  Bad stream encryption key length of 10",
    });
    Deno.removeSync(`${dir}/${META_KEY_FILE}`);
    assert.deepEqual(openStreamKeys(dir, { key: "k", cipher: "aes" }, "ACC", "S"), { keys: null });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
