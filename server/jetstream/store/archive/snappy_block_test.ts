import assert from "node:assert/strict";
import { decodeSnappyBlock, encodeSnappyLiterals } from "./snappy_block.ts";

Deno.test("snappy literals: empty, one chunk and several chunks decode back", () => {
  for (const size of [0, 1, 59, 60, 65536, 65537, 200_000]) {
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 31 + 7) & 0xff;
    const back = decodeSnappyBlock(encodeSnappyLiterals(data), size);
    assert.deepEqual(back, data, `size ${size}`);
  }
});
