import assert from "node:assert/strict";
import { LeafMeshInterest } from "./leaf_mesh_interest.ts";

function recorder() {
  const said: string[] = [];
  const m = new LeafMeshInterest(
    (a, s, q, d) => void said.push(`${d > 0 ? "+" : ""}${d} ${a} ${s}${q ? " " + q : ""}`),
  );
  return { m, said };
}

Deno.test("leaf mesh interest: plain interest goes to the mesh as weight changes", () => {
  const { m, said } = recorder();
  m.leafChanged("$G", "foo", null, 1);
  m.leafChanged("$G", "foo", null, 1); // a second link
  m.leafChanged("$G", "foo", null, -1);
  assert.deepEqual(said, ["+1 $G foo", "+1 $G foo", "-1 $G foo"]);
  assert.deepEqual([...m.announced()], [{ account: "$G", subject: "foo", queue: null, weight: 1 }]);
  m.leafChanged("$G", "foo", null, -1);
  assert.deepEqual([...m.announced()], []);
});

Deno.test("leaf mesh interest: queue members only while no shard has one of the group", () => {
  const { m, said } = recorder();
  m.shardChanged("$G", "job", "q", 1); // a shard member first
  m.leafChanged("$G", "job", "q", 2);
  m.leafChanged("$G", "job", "other", 1);
  assert.deepEqual(said, ["+1 $G job other"]);
  m.shardChanged("$G", "job", "q", 1); // a second shard member: nothing
  m.shardChanged("$G", "job", "q", -1);
  assert.deepEqual(said, ["+1 $G job other"]);
  m.shardChanged("$G", "job", "q", -1); // the last one went: the leafs' two members
  assert.deepEqual(said.slice(1), ["+2 $G job q"]);
  m.leafChanged("$G", "job", "q", 1); // weight changes follow while announced
  m.shardChanged("$G", "job", "q", 1); // a shard member again: all three withdrawn
  assert.deepEqual(said.slice(2), ["+1 $G job q", "-3 $G job q"]);
  m.leafChanged("$G", "job", "q", -3); // gone on the leafs while withdrawn: nothing said
  m.shardChanged("$G", "job", "q", -1);
  assert.deepEqual(said.length, 4);
  assert.deepEqual([...m.announced()].map((e) => `${e.subject} ${e.queue} ${e.weight}`), [
    "job other 1",
  ]);
});

Deno.test("leaf mesh interest: plain shard interest and unknown removals change nothing", () => {
  const { m, said } = recorder();
  m.shardChanged("$G", "foo", null, 1);
  m.leafChanged("$G", "job", "q", -1);
  m.leafChanged("$G", "foo", null, 0);
  assert.deepEqual(said, []);
});

Deno.test("leaf mesh interest: routed-reply subjects once per account, replayed", () => {
  const { m, said } = recorder();
  m.addReplyAccount("$G");
  m.addReplyAccount("$G");
  assert.deepEqual(said, ["+1 $G _GR_.>", "+1 $G $GR.>"]);
  assert.deepEqual([...m.announced()].map((e) => e.subject), ["_GR_.>", "$GR.>"]);
});
