/**
 * @module
 * The stream engine's helpers: message counts in the restore notice with thousands separators
 * ("Restored 1,000,000 messages", as nats-server's humanize.Comma).
 */

import assert from "node:assert/strict";
import { withCommas } from "./engine.ts";

Deno.test("restore notice counts use thousands separators", () => {
  assert.deepEqual(
    [0, 7, 999, 1000, 12345, 1_000_000, 123_456_789, -4200].map(withCommas),
    ["0", "7", "999", "1,000", "12,345", "1,000,000", "123,456,789", "-4,200"],
  );
});
