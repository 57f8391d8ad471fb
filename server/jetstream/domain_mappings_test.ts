import assert from "node:assert/strict";
import { Account } from "../accounts/account.ts";
import { compileMappings } from "../accounts/mapping.ts";
import { addJsDomainMappings } from "./domain_mappings.ts";

Deno.test("a JetStream domain maps its API, $KV and $OBJ subjects for the account", () => {
  const a = new Account("A");
  addJsDomainMappings(a, "HUB");
  const m = a.mappings!;
  assert.equal(m.select("$JS.HUB.API.INFO"), "$JS.API.INFO");
  assert.equal(m.select("$JS.HUB.API.STREAM.INFO.S"), "$JS.API.STREAM.INFO.S");
  assert.equal(m.select("$JS.HUB.API.CONSUMER.MSG.NEXT.S.C"), "$JS.API.CONSUMER.MSG.NEXT.S.C");
  assert.equal(m.select("$JS.HUB.API.DIRECT.GET.KV_B"), "$JS.API.DIRECT.GET.KV_B");
  assert.equal(m.select("$JS.HUB.API.$KV.B.key"), "$KV.B.key");
  assert.equal(m.select("$JS.HUB.API.$OBJ.B.C.x"), "$OBJ.B.C.x");
  assert.equal(m.select("$JS.LEAF.API.$KV.B.key"), null);
  assert.equal(m.select("$JS.HUB.API.OTHER"), null);
});

Deno.test("no domain adds no mapping; the account's own mapping of a source wins", () => {
  const plain = new Account("P");
  addJsDomainMappings(plain, "");
  assert.equal(plain.mappings, null);
  const a = new Account("A");
  a.mappings = compileMappings({ "$JS.HUB.API.$KV.>": "mine.>", "x": "y" });
  addJsDomainMappings(a, "HUB");
  assert.equal(a.mappings!.select("$JS.HUB.API.$KV.B.k"), "mine.B.k");
  assert.equal(a.mappings!.select("x"), "y");
  assert.equal(a.mappings!.select("$JS.HUB.API.INFO"), "$JS.API.INFO");
  assert.equal(a.mappings!.mappings.length, 2 + 8);
});
