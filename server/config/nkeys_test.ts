/**
 * @module
 * Tests for public NKey validation.
 */

import assert from "node:assert/strict";
import { encodePublicKey, isValidPublicKey, NKeyPrefix } from "./nkeys.ts";

Deno.test("public NKeys are checked for encoding, checksum and role", () => {
  const bytes = new Uint8Array(32).map((_, i) => i * 7);
  const user = encodePublicKey(NKeyPrefix.user, bytes);
  assert.ok(user.startsWith("U"));
  assert.equal(user.length, 56);
  assert.ok(isValidPublicKey(user, NKeyPrefix.user));
  assert.ok(!isValidPublicKey(user, NKeyPrefix.operator));
  const corrupted = user.slice(0, 10) + (user[10] === "A" ? "B" : "A") + user.slice(11);
  assert.ok(!isValidPublicKey(corrupted, NKeyPrefix.user));
  assert.ok(!isValidPublicKey("UABC", NKeyPrefix.user));
  assert.ok(isValidPublicKey(encodePublicKey(NKeyPrefix.operator, bytes), NKeyPrefix.operator));
});
