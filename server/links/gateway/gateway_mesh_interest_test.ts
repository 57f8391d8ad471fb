import assert from "node:assert/strict";
import { GatewayMeshInterest } from "./gateway_mesh_interest.ts";

function recorder(local: Set<string>) {
  const said: string[] = [];
  const m = new GatewayMeshInterest(
    (a, s, q, d) => void said.push(`${d > 0 ? "+" : "-"}${a} ${s}${q ? " " + q : ""}`),
    (a, s, q) => local.has(`${a} ${s} ${q}`),
  );
  return { m, said };
}

Deno.test("gateway mesh interest: plain interest is announced once over every link holding it", () => {
  const { m, said } = recorder(new Set());
  m.outboundChanged("$G", "foo", null, 1);
  m.outboundChanged("$G", "foo", null, 1);
  m.outboundChanged("$G", "foo", null, -1);
  assert.deepEqual(said, ["+$G foo"]);
  m.outboundChanged("$G", "foo", null, -1);
  m.outboundChanged("$G", "foo", null, -1); // not held: nothing
  assert.deepEqual(said, ["+$G foo", "-$G foo"]);
});

Deno.test("gateway mesh interest: remote queue interest only while the cluster has no member", () => {
  const local = new Set(["$G job q"]);
  const { m, said } = recorder(local);
  m.outboundChanged("$G", "job", "q", 1); // a local member exists: not announced
  m.outboundChanged("$G", "other", "q", 1);
  assert.deepEqual(said, ["+$G other q"]);
  local.delete("$G job q");
  m.localQueueChanged("$G", "job", "q", false); // fail-over
  m.localQueueChanged("$G", "job", "q", true); // fail-back
  m.localQueueChanged("$G", "job", "q", true); // no change
  assert.deepEqual(said, ["+$G other q", "+$G job q", "-$G job q"]);
  m.outboundChanged("$G", "job", "q", -1); // withdrawn already: nothing more
  assert.equal(said.length, 3);
  assert.deepEqual([...m.announced()].map((e) => `${e.subject} ${e.queue}`), ["other q"]);
});

Deno.test("gateway mesh interest: routed replies are taken once per account and replayed", () => {
  const { m, said } = recorder(new Set());
  m.addAccount("$G");
  m.addAccount("$G");
  m.addAccount("A");
  assert.deepEqual(said, ["+$G _GR_.>", "+$G $GR.>", "+A _GR_.>", "+A $GR.>"]);
  assert.equal([...m.announced()].length, 4);
});

Deno.test("gateway mesh interest: a link in optimistic mode wants every subject while it is up", () => {
  const { m, said } = recorder(new Set());
  m.addAccount("$G");
  m.optimisticLink(1);
  m.optimisticLink(1);
  m.addAccount("A");
  assert.deepEqual(said.filter((s) => s.endsWith(">") && !s.includes("GR")), ["+$G >", "+A >"]);
  m.optimisticLink(-1);
  assert.equal([...m.announced()].filter((e) => e.subject === ">").length, 2);
  m.optimisticLink(-1);
  assert.deepEqual(said.slice(-2), ["-$G >", "-A >"]);
  assert.equal([...m.announced()].filter((e) => e.subject === ">").length, 0);
});
