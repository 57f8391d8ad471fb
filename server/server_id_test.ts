import { deepStrictEqual, match } from "node:assert";
import { encodeServerKey, newServerId } from "./server_id.ts";

Deno.test("server ids are 56-character nkey public keys starting with N", () => {
  const id = newServerId();
  match(id, /^N[A-Z2-7]{55}$/);
});

Deno.test("server key encoding is deterministic for the same key bytes", () => {
  const key = new Uint8Array(32).fill(7);
  deepStrictEqual(encodeServerKey(key), encodeServerKey(new Uint8Array(32).fill(7)));
});
