/**
 * @module
 * The interest a leafnode link announced (smap) and the relay rule between links.
 */
import assert from "node:assert/strict";
import { leafMayRelay, LeafSubMap } from "./leaf_sub_map.ts";

Deno.test("plain interest is announced on 0->1 and withdrawn on 1->0", () => {
  const m = new LeafSubMap();
  assert.equal(m.change("foo", false, 1), 1);
  assert.equal(m.change("foo", false, 1), null);
  assert.equal(m.change("foo", false, -1), null);
  assert.equal(m.change("foo", false, -1), 0);
  assert.equal(m.size, 0);
  assert.equal(m.change("foo", false, -1), null, "never announced: nothing to withdraw");
});

Deno.test("a queue key is announced on every weight change", () => {
  const m = new LeafSubMap();
  assert.equal(m.change("foo q", true, 1), 1);
  assert.equal(m.change("foo q", true, 2), 3);
  assert.equal(m.change("foo q", true, -1), 2);
  assert.equal(m.change("foo q", true, -2), 0);
  assert(!m.has("foo q"));
});

Deno.test("the snapshot adds without sending, later changes continue from it", () => {
  const m = new LeafSubMap();
  m.add("foo", 2);
  m.add("foo", 1);
  assert.deepEqual([...m.entries()], [["foo", 3]]);
  assert.equal(m.change("foo", false, -2), null);
  assert.equal(m.change("foo", false, -1), 0);
});

Deno.test("relay rule: the spoke rule, the origin cluster, and the loop subject", () => {
  const hubA = { spoke: true, remoteCluster: "A" };
  const hubB = { spoke: true, remoteCluster: "B" };
  const leafX = { spoke: false, remoteCluster: "X" };
  const leafX2 = { spoke: false, remoteCluster: "X" };
  const leafY = { spoke: false, remoteCluster: "" };
  assert(!leafMayRelay(hubA, hubA, false), "never to itself");
  assert(!leafMayRelay(hubA, hubB, false), "hub interest never goes to another hub");
  assert(!leafMayRelay(hubA, hubB, true), "not even the loop subject");
  assert(leafMayRelay(hubA, leafX, false), "hub interest reaches our leafs");
  assert(leafMayRelay(leafX, hubA, false), "our leafs' interest reaches our hub");
  assert(!leafMayRelay(leafX, leafX2, false), "never back to the cluster it came from");
  assert(leafMayRelay(leafX, leafX2, true), "except the loop-detection subject");
  assert(leafMayRelay(leafY, leafX, false));
});
