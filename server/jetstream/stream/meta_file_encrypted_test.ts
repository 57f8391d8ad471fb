import assert from "node:assert/strict";
import { listSavedStreams, readStreamMeta, streamDir, writeStreamMeta } from "./meta_file.ts";
import { createStreamKeys, loadStoreCipher } from "../store/file/stream_key_file.ts";
import { config } from "./_test_util.ts";

await loadStoreCipher();

Deno.test("an encrypted stream's meta.inf is sealed and reads back with the key only", () => {
  const root = Deno.makeTempDirSync();
  try {
    const cfg = config({ name: "SECRET", subjects: ["orders.SUBJMARK.>"] });
    const dir = streamDir(root, "$G", "SECRET");
    const enc = { key: "s3cr3t", cipher: "aes" } as const;
    const keys = createStreamKeys(dir, enc, "$G", "SECRET");
    writeStreamMeta(dir, cfg, 5n, keys);
    assert.ok(
      !new TextDecoder("latin1").decode(Deno.readFileSync(`${dir}/meta.inf`)).includes("SUBJMARK"),
    );
    const back = readStreamMeta(dir, { enc, account: "$G", name: "SECRET" });
    assert.ok("config" in back && back.keys?.sameAs(keys));
    assert.deepEqual([back.config, back.created], [cfg, 5n]);
    const warnings: string[] = [];
    const wrong = listSavedStreams(root, (w) => warnings.push(w), { key: "x", cipher: "aes" });
    assert.deepEqual(wrong, []);
    assert.deepEqual(warnings, [
      "  Error decrypting our stream metafile: chacha20poly1305: message authentication failed",
    ]);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
