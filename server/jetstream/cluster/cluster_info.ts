/**
 * @module
 * The `cluster` member of stream and consumer infos and `/jsz` `meta_cluster` (nats-server
 * 2.9.10 jetstream_cluster.go `clusterInfo`, stream.go ClusterInfo/PeerInfo): this server's
 * cluster name, the group leader's server name, and the other members with `current`,
 * `active` (ns since last heard) and `lag`, sorted by name; a group of one is just
 * `{name, leader}`. PURE: no Deno APIs, timers or console output.
 */
import type { RaftNode } from "../../raft/mod.ts";

/** What the cluster info is computed against. */
export interface PeerView {
  clusterName: string;
  serverName: string;
  /** This server's node id. */
  self: string;
  nameOf(id: string): string;
  /** ms. */
  now: number;
}

/** A peer silent for longer than this is not current (lostQuorumInterval). */
const STALE_MS = 10_000;

/** ClusterInfo of a group (null node: an asset without a group, led here). */
export function clusterInfoOf(
  v: PeerView,
  node: Pick<RaftNode, "leader" | "peerReport"> | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = { name: v.clusterName };
  const report = node?.peerReport() ?? [];
  if (node === null || report.length <= 1) {
    out.leader = v.serverName;
    return out;
  }
  const leader = node.leader;
  const leaderName = leader === "" ? "" : v.nameOf(leader);
  if (leaderName !== "") out.leader = leaderName;
  const replicas = report
    .filter((p) => leader === "" || p.id !== v.self)
    .filter((p) => p.id !== leader || leader === "")
    .map((p) => {
      const known = p.id === v.self ? v.serverName : v.nameOf(p.id);
      const active = p.lastSeen > 0 ? Math.max(0, v.now - p.lastSeen) : 0;
      const current = p.current && active <= STALE_MS;
      const r: Record<string, unknown> = {
        name: known !== "" ? known : `Server name unknown at this time (peerID: ${p.id})`,
        current,
      };
      if (known === "") r.offline = true;
      r.active = active * 1_000_000;
      if (p.lag > 0 && known !== "") r.lag = p.lag;
      r.peer = p.id;
      return r;
    })
    .sort((a, b) => (a.name as string) < (b.name as string) ? -1 : 1);
  if (replicas.length > 0) out.replicas = replicas;
  return out;
}
