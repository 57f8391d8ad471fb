/**
 * @module
 * Packing a stream directory and unpacking it: which files go in (no `index.snap`, no
 * temporaries, `obs/` only with consumers), a round trip, and the names unpacking refuses
 * before it writes anything.
 */
import assert from "node:assert/strict";
import { cleanArchivePath, packStreamDir, unpackArchive } from "./archive_files.ts";
import { s2Frame, s2Unframe } from "../store/archive/s2_frame.ts";
import { tarPack, tarUnpack } from "../store/archive/tar.ts";
import { ArchiveError } from "../store/archive/snappy_block.ts";

const enc = new TextEncoder();

function streamDir(): string {
  const dir = Deno.makeTempDirSync({ prefix: "denats_arch_" });
  Deno.mkdirSync(`${dir}/blk`);
  Deno.mkdirSync(`${dir}/obs/C`, { recursive: true });
  Deno.writeTextFileSync(`${dir}/meta.inf`, "{}");
  Deno.writeTextFileSync(`${dir}/index.snap`, "stale");
  Deno.writeTextFileSync(`${dir}/meta.inf.tmp`, "half");
  Deno.writeFileSync(`${dir}/blk/1.blk`, new Uint8Array(1000).fill(9));
  Deno.writeTextFileSync(`${dir}/obs/C/meta.inf`, "{}");
  Deno.writeTextFileSync(`${dir}/obs/C.state`, "state");
  return dir;
}

Deno.test("archive: packs the stream files in name order, obs/ only with consumers", () => {
  const dir = streamDir();
  try {
    const names = (c: boolean) => tarUnpack(s2Unframe(packStreamDir(dir, c))).map((e) => e.name);
    assert.deepEqual(names(true), ["blk/1.blk", "meta.inf", "obs/C/meta.inf", "obs/C.state"]);
    assert.deepEqual(names(false), ["blk/1.blk", "meta.inf"]);
    const out = Deno.makeTempDirSync();
    try {
      assert.equal(unpackArchive(packStreamDir(dir, true), out, "A"), 4);
      assert.deepEqual(Deno.readFileSync(`${out}/blk/1.blk`), new Uint8Array(1000).fill(9));
      assert.equal(Deno.readTextFileSync(`${out}/obs/C.state`), "state");
    } finally {
      Deno.removeSync(out, { recursive: true });
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("archive: names that leave the target or are not files write nothing", () => {
  assert.equal(cleanArchivePath("/abs/x"), "abs/x");
  assert.equal(cleanArchivePath("a/./b//c"), "a/b/c");
  assert.equal(cleanArchivePath("a/../../b"), null);
  assert.equal(cleanArchivePath(".."), null);
  assert.equal(cleanArchivePath(""), null);
  const out = Deno.makeTempDirSync();
  try {
    const refuse = (framed: Uint8Array) =>
      assert.throws(
        () => unpackArchive(framed, out, "ACC"),
        (e) => e instanceof ArchiveError && e.message === "unexpected content (account=ACC)",
      );
    const ok = { name: "meta.inf", data: enc.encode("{}") };
    refuse(s2Frame(tarPack([ok, { name: "x/../../escape", data: new Uint8Array(1) }])));
    refuse(s2Frame(tarPack([ok, { name: "./", data: new Uint8Array(0) }])));
    const link = tarPack([ok, { name: "lnk", data: new Uint8Array(0) }]);
    link[512 + 512 + 156] = 0x32; // '2' symlink
    let sum = 0;
    for (let i = 1024; i < 1536; i++) sum += i >= 1024 + 148 && i < 1024 + 156 ? 32 : link[i];
    link.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 1024 + 148);
    refuse(s2Frame(link));
    assert.deepEqual([...Deno.readDirSync(out)], []);
  } finally {
    Deno.removeSync(out, { recursive: true });
  }
});
