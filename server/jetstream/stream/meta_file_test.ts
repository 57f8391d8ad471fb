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
    assert.deepEqual(readStreamMeta(`${root}/none`), {
      warning: `  Missing stream metafile for "${root}/none/meta.inf"`,
    });
    writeStreamMeta(streamDir(root, "A", "B"), config({ name: "B", subjects: ["b"] }), 1n);
    Deno.writeTextFileSync(`${dir}/meta.inf`, "{}");
    const warnings: string[] = [];
    const saved = listSavedStreams(root, (w) => warnings.push(w));
    assert.deepEqual(saved.map((s) => `${s.account}/${s.config.name}`), ["A/B"]);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^ {2}Stream metafile ".*\/ORDERS\/meta.inf": checksums do not match "[0-9a-f]{64}" vs "[0-9a-f]{64}"$/,
    );
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
