import assert from "node:assert/strict";
import { listSavedStreams, readStreamMeta, streamDir, writeStreamMeta } from "./meta_file.ts";
import { config } from "./_test_util.ts";

Deno.test("a saved stream config reads back with its created time; a bad checksum is reported", () => {
  const root = Deno.makeTempDirSync();
  try {
    const cfg = config({ name: "ORDERS", subjects: ["orders.>"], max_msgs: 10 });
    const dir = streamDir(root, "$G", "ORDERS");
    writeStreamMeta(dir, cfg, 1_700_000_000_123_456_789n);
    assert.deepEqual(readStreamMeta(dir), { config: cfg, created: 1_700_000_000_123_456_789n });
    writeStreamMeta(streamDir(root, "A", "B"), config({ name: "B", subjects: ["b"] }), 1n);
    Deno.writeTextFileSync(`${dir}/meta.inf`, "{}");
    const errors: string[] = [];
    const saved = listSavedStreams(root, (d, e) => errors.push(`${d}: ${e}`));
    assert.deepEqual(saved.map((s) => `${s.account}/${s.config.name}`), ["A/B"]);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /ORDERS: Error: meta file checksum mismatch/);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
