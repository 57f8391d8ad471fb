import assert from "node:assert/strict";
import { FileStore } from "./file_store.ts";
import { AckPolicy } from "../types.ts";
import {
  conversionDone,
  converting,
  encryptSavedStream,
  encryptStoreFiles,
} from "./store_convert.ts";
import { loadStoreCipher, openStreamKeys } from "./stream_key_file.ts";

await loadStoreCipher();

const enc = new TextEncoder();
const ENC = { key: "k", cipher: "chacha" } as const;

/** Whether a file under `dir` holds `marker` in clear. */
function inClear(dir: string, marker: string): boolean {
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory && inClear(p, marker)) return true;
    if (e.isFile && new TextDecoder("latin1").decode(Deno.readFileSync(p)).includes(marker)) {
      return true;
    }
  }
  return false;
}

Deno.test("a store saved in clear is encrypted in place; running it again changes nothing", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const plain = FileStore.open({ dir, blockSize: 256 });
    for (let i = 0; i < 30; i++) await plain.storeMsg(`a.MARK.${i}`, null, enc.encode("MARK"), 1n);
    const c = plain.consumerStore("D", { ackPolicy: AckPolicy.Explicit });
    c.updateDelivered(1, 1, 1, 1n);
    c.flush();
    await plain.stop();
    Deno.mkdirSync(`${dir}/obs/D`);
    Deno.writeTextFileSync(
      `${dir}/obs/D/meta.inf`,
      '{"name":"D","config":{"filter_subject":"MARK"}}',
    );
    const keys = encryptSavedStream(dir, ENC, "$G", "S");
    assert.ok(converting(dir));
    // Cut short and run again (a crash): blocks already encrypted are left as they are.
    encryptStoreFiles(dir, keys);
    conversionDone(dir);
    assert.ok(!converting(dir));
    assert.ok(!inClear(dir, "MARK"));
    const opened = openStreamKeys(dir, ENC, "$G", "S");
    assert.ok("keys" in opened && opened.keys?.sameAs(keys));
    const store = FileStore.open({ dir, blockSize: 256, keys });
    assert.equal(store.state().msgs, 30);
    assert.equal(store.loadMsg(30).subject, "a.MARK.29");
    const again = store.consumerStore("D", { ackPolicy: AckPolicy.Explicit });
    assert.equal(again.state().delivered.consumerSeq, 1);
    again.stop();
    assert.ok(keys.open(Deno.readFileSync(`${dir}/obs/D/meta.inf`)) !== null);
    await store.stop();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
