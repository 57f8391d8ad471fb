/**
 * @module
 * ustar: round trips with long names, the exact header layout, bad and truncated archives,
 * and (when GNU tar is installed) reading an archive GNU tar wrote and GNU tar reading ours.
 */
import assert from "node:assert/strict";
import { INVALID_HEADER, tarPack, tarUnpack, UNEXPECTED_EOF } from "./tar.ts";
import { ArchiveError } from "./snappy_block.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function fails(tar: Uint8Array, text: string): void {
  assert.throws(() => tarUnpack(tar), (e) => e instanceof ArchiveError && e.message === text);
}

Deno.test("tar: round trip with empty, block-sized and long-named files", () => {
  const long = `${"d".repeat(120)}/${"f".repeat(90)}`;
  const entries = [
    { name: "meta.inf", data: enc.encode("{}"), mtime: 1700000000 },
    { name: "blk/1.blk", data: new Uint8Array(512).fill(7) },
    { name: "obs/empty", data: new Uint8Array(0) },
    { name: long, data: enc.encode("x") },
  ];
  const tar = tarPack(entries);
  // Headers and padded data: 2 + 2 + 1 + 2 blocks, then the two end blocks.
  assert.equal(tar.length, 9 * 512);
  const back = tarUnpack(tar);
  assert.deepEqual(back.map((e) => e.name), entries.map((e) => e.name));
  assert.deepEqual(back.map((e) => e.data), entries.map((e) => e.data));
  assert.equal(back[0].mtime, 1700000000);
  assert.ok(back.every((e) => e.type === "0"));
  assert.equal(dec.decode(tar.subarray(257, 262)), "ustar");
});

Deno.test("tar: bad checksum, bad size, truncation, junk after the end", () => {
  const tar = tarPack([{ name: "a", data: enc.encode("hello") }]);
  const bad = tar.slice();
  bad[0] = 98;
  fails(bad, INVALID_HEADER);
  const size = tar.slice();
  size[124] = 57; // '9' is not octal
  fails(size, INVALID_HEADER);
  fails(tar.subarray(0, 300), UNEXPECTED_EOF);
  fails(tar.subarray(0, 512 + 3), UNEXPECTED_EOF);
  // An archive may stop at a block boundary without its end blocks.
  assert.equal(tarUnpack(tar.subarray(0, 1024)).length, 1);
  const junk = tar.slice();
  junk[1024 + 512 + 1] = 1; // a zero block followed by a non-zero one
  fails(junk, INVALID_HEADER);
  assert.equal(tarUnpack(new Uint8Array(0)).length, 0);
});

Deno.test("tar: entries keep their type flag (the caller refuses non-files)", () => {
  const tar = tarPack([{ name: "dir/", data: new Uint8Array(0) }]);
  tar[156] = 0x35; // '5' directory
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : tar[i];
  tar.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  assert.equal(tarUnpack(tar)[0].type, "5");
});

async function gnuTar(args: string[], cwd: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("tar", { args, cwd, stdout: "null", stderr: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

Deno.test("tar: interoperates with GNU tar when it is installed", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.mkdirSync(`${dir}/in/sub`, { recursive: true });
    Deno.writeTextFileSync(`${dir}/in/sub/file.txt`, "from gnu");
    if (!await gnuTar(["--format=ustar", "-cf", "../gnu.tar", "sub/file.txt"], `${dir}/in`)) {
      console.log("GNU tar not available: interoperability part skipped");
      return;
    }
    const entries = tarUnpack(Deno.readFileSync(`${dir}/gnu.tar`));
    assert.equal(entries.length, 1);
    assert.equal(entries[0].name, "sub/file.txt");
    assert.equal(dec.decode(entries[0].data), "from gnu");
    const long = `${"p".repeat(130)}/name.bin`;
    Deno.writeFileSync(
      `${dir}/ours.tar`,
      tarPack([{ name: long, data: enc.encode("ours") }, { name: "b", data: new Uint8Array(0) }]),
    );
    Deno.mkdirSync(`${dir}/out`);
    assert.ok(await gnuTar(["-xf", "../ours.tar"], `${dir}/out`));
    assert.equal(Deno.readTextFileSync(`${dir}/out/${long}`), "ours");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
