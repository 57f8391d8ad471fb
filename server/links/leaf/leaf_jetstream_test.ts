/**
 * @module
 * JetStream across a leafnode link: denies, outgoing guard and notices, as nats-server 2.9.10
 * addLeafNodeConnection decides them.
 */
import assert from "node:assert/strict";
import { DENY_ALL_JS, domainMappings, leafJetStreamPlan } from "./leaf_jetstream.ts";
import { DENY_ALL_CLIENT_JS } from "./leaf_protocol.ts";

const base = {
  account: "$G",
  isSystemAccount: false,
  hasSystemAccount: true,
  jetStream: true,
  domain: "hub",
  extensionHint: "",
  remoteDomain: "leaf",
  remoteServer: "L1",
};

Deno.test("leaf js: different domains deny the client API both ways and guard our domain", () => {
  const p = leafJetStreamPlan(base);
  assert.deepEqual(p.denyBoth, DENY_ALL_CLIENT_JS);
  assert.deepEqual(p.denyOutgoing, ["$JS.hub.API.>"]);
  assert.equal(
    p.notices[0],
    'JetStream Not Extended, adding deny [$JS.API.> $KV.> $OBJ.>] for account "$G"',
  );
  assert.ok(
    p.notices.includes(
      'Adding JetStream Domain Mapping "$JS.hub.API.INFO" -> $JS.API.INFO to account "$G"',
    ),
  );
  assert.equal(
    p.notices.at(-1),
    'Adding deny "$JS.hub.API.>" for outgoing messages to account "$G"',
  );
  assert.equal(p.notices.length, 1 + 9 + 1);
  assert.deepEqual(p.systemNotices, []);
});

Deno.test("leaf js: same domain, non-system account: deny without 'Not Extended', no guard", () => {
  const p = leafJetStreamPlan({ ...base, remoteDomain: "hub" });
  assert.deepEqual(p.denyBoth, DENY_ALL_CLIENT_JS);
  assert.deepEqual(p.denyOutgoing, []);
  assert.equal(p.notices[0], 'Adding deny [$JS.API.> $KV.> $OBJ.>] for account "$G"');
  assert.equal(p.notices.length, 10);
});

Deno.test("leaf js: system account extends the same domain, denies everything across domains", () => {
  const same = leafJetStreamPlan({
    ...base,
    account: "$SYS",
    isSystemAccount: true,
    remoteDomain: "hub",
    remoteServer: "L1/C1",
  });
  assert.deepEqual(same.denyBoth, []);
  assert.deepEqual(same.notices, []);
  assert.deepEqual(same.systemNotices, [
    'Extending JetStream domain "hub" as System Account connected from server L1/C1',
  ]);
  const diff = leafJetStreamPlan({ ...base, account: "$SYS", isSystemAccount: true });
  assert.deepEqual(diff.denyBoth, DENY_ALL_JS);
  assert.deepEqual(diff.denyOutgoing, []);
  assert.deepEqual(diff.notices, [
    "System Account Connected from L1",
    "JetStream Not Extended, adding denies [$JSC.> $NRG.> $JS.API.> $KV.> $OBJ.>]",
  ]);
});

Deno.test("leaf js: no JetStream and no domain here is not extended; will_extend hint is", () => {
  const off = { ...base, jetStream: false, domain: "", remoteDomain: "" };
  const p = leafJetStreamPlan(off);
  assert.deepEqual(p.notices, [
    'JetStream Not Extended, adding deny [$JS.API.> $KV.> $OBJ.>] for account "$G"',
  ]);
  const hinted = leafJetStreamPlan({ ...off, extensionHint: "will_extend" });
  assert.deepEqual(hinted.notices, ['Adding deny [$JS.API.> $KV.> $OBJ.>] for account "$G"']);
  const noSys = leafJetStreamPlan({ ...base, remoteDomain: "hub", hasSystemAccount: false });
  assert.match(noSys.notices[0], /^JetStream Not Extended/);
});

Deno.test("leaf js: domain mapping table", () => {
  const m = domainMappings("d");
  assert.equal(m.length, 9);
  assert.deepEqual(m.find(([s]) => s === "$JS.d.API.$KV.>"), ["$JS.d.API.$KV.>", "$KV.>"]);
  assert.deepEqual(m.find(([s]) => s === "$JS.d.API.STREAM.>"), [
    "$JS.d.API.STREAM.>",
    "$JS.API.STREAM.>",
  ]);
});
