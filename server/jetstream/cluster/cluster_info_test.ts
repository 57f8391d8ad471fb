import assert from "node:assert/strict";
import { clusterInfoOf, type PeerView } from "./cluster_info.ts";

const view: PeerView = {
  clusterName: "C1",
  serverName: "n1",
  self: "ID1",
  nameOf: (id) => ({ ID1: "n1", ID2: "n2", ID3: "n3" } as Record<string, string>)[id] ?? "",
  now: 100_000,
};

Deno.test("cluster info: a group of one, or no group, is just the cluster and this server", () => {
  assert.deepEqual(clusterInfoOf(view, null), { name: "C1", leader: "n1" });
  const one = {
    leader: "ID1",
    peerReport: () => [{ id: "ID1", current: true, lastSeen: 0, lag: 0 }],
  };
  assert.deepEqual(clusterInfoOf(view, one), { name: "C1", leader: "n1" });
});

Deno.test("cluster info: the other members by name, with current, active (ns), lag and peer", () => {
  const node = {
    leader: "ID1",
    peerReport: () => [
      { id: "ID1", current: true, lastSeen: 100_000, lag: 0 },
      { id: "ID3", current: false, lastSeen: 99_000, lag: 4 },
      { id: "ID2", current: true, lastSeen: 80_000, lag: 0 },
      { id: "ID9", current: false, lastSeen: 0, lag: 7 },
    ],
  };
  assert.deepEqual(clusterInfoOf(view, node), {
    name: "C1",
    leader: "n1",
    replicas: [
      // Sorted by name as Go sorts strings (upper case first).
      {
        name: "Server name unknown at this time (peerID: ID9)",
        current: false,
        offline: true,
        active: 0,
        peer: "ID9",
      },
      // Silent for 20 s: no longer current.
      { name: "n2", current: false, active: 20_000_000_000, peer: "ID2" },
      { name: "n3", current: false, active: 1_000_000_000, lag: 4, peer: "ID3" },
    ],
  });
});
