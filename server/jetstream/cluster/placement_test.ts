import assert from "node:assert/strict";
import { groupName, type PeerCandidate, selectPeers, selectPeersIn } from "./placement.ts";
import { prng as seededRandom } from "../../protocol/prng.ts";

const peer = (id: string, over: Partial<PeerCandidate> = {}): PeerCandidate => ({
  id,
  cluster: "C1",
  online: true,
  tags: [],
  ...over,
});

Deno.test("placement: r online peers of the cluster, existing members first", () => {
  const all = [peer("A"), peer("B"), peer("C"), peer("D", { cluster: "C2" })];
  const r = selectPeers({ replicas: 3, cluster: "C1", tags: [] }, all, seededRandom(1));
  assert.ok("peers" in r);
  assert.deepEqual([...r.peers].sort(), ["A", "B", "C"]);
  const grown = selectPeers(
    { replicas: 3, cluster: "C1", tags: [], existing: ["B"] },
    all,
    seededRandom(2),
  );
  assert.ok("peers" in grown);
  assert.equal(grown.peers[0], "B");
  assert.deepEqual([...grown.peers].sort(), ["A", "B", "C"]);
  const kept = selectPeers(
    { replicas: 1, cluster: "C1", tags: [], existing: ["C", "A"] },
    all,
    Math.random,
  );
  assert.deepEqual(kept, { peers: ["C"] });
});

Deno.test("placement: nats-server's error text with its reasons", () => {
  const all = [peer("A"), peer("B", { online: false }), peer("C", { tags: ["az:1"] })];
  assert.deepEqual(
    selectPeers({ replicas: 5, cluster: "C1", tags: [] }, all, Math.random),
    { error: "no suitable peers for placement, peer offline" },
  );
  assert.deepEqual(
    selectPeers({ replicas: 1, cluster: "C1", tags: ["az:2"] }, all, Math.random),
    { error: "no suitable peers for placement, peer offline, tags not matched ['az:2']" },
  );
  // Tags match without case (server tags are lower-cased).
  assert.deepEqual(
    selectPeers({ replicas: 1, cluster: "C1", tags: ["AZ:1"] }, all, Math.random),
    { peers: ["C"] },
  );
  assert.deepEqual(
    selectPeers({ replicas: 1, cluster: "OTHER", tags: [] }, all, Math.random),
    { error: "no suitable peers for placement" },
  );
});

Deno.test("placement: group names are <S|C>-R<n><F|M>-<8 characters>", () => {
  assert.match(groupName("S", 3, "file", seededRandom(3)), /^S-R3F-[0-9A-Za-z]{8}$/);
  assert.match(groupName("C", 1, "memory", seededRandom(4)), /^C-R1M-[0-9A-Za-z]{8}$/);
  assert.notEqual(
    groupName("S", 3, "file", seededRandom(5)),
    groupName("S", 3, "file", seededRandom(6)),
  );
});

Deno.test("placement: the requester's cluster first, then the others; reasons from all", () => {
  const peers = [
    { id: "A1", cluster: "A", online: true, tags: ["cloud:x"] },
    { id: "A2", cluster: "A", online: false, tags: [] },
    { id: "B1", cluster: "B", online: true, tags: ["cloud:y"] },
    { id: "B2", cluster: "B", online: true, tags: ["cloud:y"] },
  ];
  assert.deepEqual(
    selectPeersIn({ replicas: 1, tags: [] }, ["A", "B"], peers, seededRandom(1)),
    { peers: ["A1"], cluster: "A" },
  );
  // A cannot take two (A2 is offline): B can (overflow placement).
  const two = selectPeersIn({ replicas: 2, tags: [] }, ["A", "B"], peers, seededRandom(2));
  assert.equal("cluster" in two && two.cluster, "B");
  // Tags decide the cluster too.
  const tagged = selectPeersIn({ replicas: 1, tags: ["cloud:y"] }, ["A", "B"], peers, () => 0);
  assert.ok("cluster" in tagged && tagged.cluster === "B" && tagged.peers[0][0] === "B");
  assert.deepEqual(
    selectPeersIn({ replicas: 3, tags: ["cloud:z"] }, ["A", "B"], peers, Math.random),
    { error: "no suitable peers for placement, peer offline, tags not matched ['cloud:z']" },
  );
});
