import assert from "node:assert/strict";
import { selectAccounts } from "./jsz.ts";

const ALL = ["C", "A", "B"];

Deno.test("selectAccounts: acc naming a JetStream account lists it alone", () => {
  assert.deepEqual(selectAccounts(ALL, { account: "B" }), ["B"]);
  assert.deepEqual(selectAccounts(ALL, { account: "B", accounts: true, offset: 2 }), ["B"]);
});

Deno.test("selectAccounts: an unknown acc falls back to the accounts option", () => {
  assert.deepEqual(selectAccounts(ALL, { account: "Z" }), []);
  assert.deepEqual(selectAccounts(ALL, { account: "Z", accounts: true }), ALL);
});

Deno.test("selectAccounts: offset sorts by name, limit cuts", () => {
  assert.deepEqual(selectAccounts(ALL, { accounts: true, offset: 1 }), ["B", "C"]);
  assert.deepEqual(selectAccounts(ALL, { accounts: true, offset: 1, limit: 1 }), ["B"]);
  assert.deepEqual(selectAccounts(ALL, { accounts: true, offset: 9 }), []);
  assert.deepEqual(selectAccounts(ALL, { accounts: true, limit: 2 }), ["C", "A"]);
  assert.deepEqual(selectAccounts(ALL, {}), []);
});
