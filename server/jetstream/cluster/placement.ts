/**
 * @module
 * Where the meta leader puts a new stream (nats-server 2.9.10 jetstream_cluster.go
 * `createGroupForStream`, `selectPeerGroup`, `selectPeerError`, `groupNameForStream`): `r`
 * online JetStream peers of the wanted cluster that carry every placement tag, existing members
 * kept first; otherwise nats-server's `no suitable peers for placement` text with its reasons.
 * PURE: no Deno APIs, timers or console output.
 */
import { nodeId } from "../../raft/mod.ts";

/** A meta group member as the leader sees it. */
export interface PeerCandidate {
  /** Node id. */
  id: string;
  cluster: string;
  /** Heard from lately (or this server). */
  online: boolean;
  tags: readonly string[];
}

/** What a placement asks for. */
export interface PlacementRequest {
  replicas: number;
  cluster: string;
  tags: readonly string[];
  /** Members to keep (a scale-up keeps the stream where it is). */
  existing?: readonly string[];
}

/** Why a cluster could not take a stream (selectPeerError's flags). */
interface Shortfall {
  offline: boolean;
  missing: Set<string>;
}

/** The chosen peers of `req.cluster`, or what was lacking there. */
function pick(
  req: PlacementRequest,
  candidates: readonly PeerCandidate[],
  random: () => number,
  why: Shortfall,
): string[] | null {
  const existing = [...(req.existing ?? [])];
  const need = req.replicas - existing.length;
  if (need <= 0) return existing.slice(0, req.replicas);
  const nodes: string[] = [];
  for (const c of shuffled(candidates, random)) {
    if (c.cluster !== req.cluster) continue;
    if (!c.online) {
      why.offline = true;
      continue;
    }
    if (existing.includes(c.id)) continue;
    // Tags compare without case (server tags are kept lower-cased, as nats-server does).
    const have = new Set(c.tags.map((t) => t.toLowerCase()));
    const lacking = req.tags.filter((t) => !have.has(t.toLowerCase()));
    if (lacking.length > 0) {
      for (const t of lacking) why.missing.add(t);
      continue;
    }
    nodes.push(c.id);
  }
  return nodes.length < need ? null : [...existing, ...nodes.slice(0, need)];
}

function shortfallText(why: Shortfall, candidates: readonly PeerCandidate[]): string {
  let text = "no suitable peers for placement";
  if (why.offline) text += ", peer offline";
  if (candidates.length === 0) text += ", jetstream not enabled in cluster";
  if (why.missing.size > 0) {
    text += `, tags not matched [${[...why.missing].map((t) => `'${t}'`).join(", ")}]`;
  }
  return text;
}

/** The chosen peers (existing first), or nats-server's error text. */
export function selectPeers(
  req: PlacementRequest,
  candidates: readonly PeerCandidate[],
  random: () => number,
): { peers: string[] } | { error: string } {
  const why: Shortfall = { offline: false, missing: new Set() };
  const peers = pick(req, candidates, random, why);
  return peers === null ? { error: shortfallText(why, candidates) } : { peers };
}

/**
 * A new stream without a placement cluster (createGroupForStream): the first of `clusters`
 * (the requester's, then the others nearest first) with enough suitable peers; when none has,
 * the error names every reason met in any of them.
 */
export function selectPeersIn(
  req: Omit<PlacementRequest, "cluster">,
  clusters: readonly string[],
  candidates: readonly PeerCandidate[],
  random: () => number,
): { peers: string[]; cluster: string } | { error: string } {
  const why: Shortfall = { offline: false, missing: new Set() };
  for (const cluster of clusters) {
    const peers = pick({ ...req, cluster }, candidates, random, why);
    if (peers !== null) return { peers, cluster };
  }
  return { error: shortfallText(why, candidates) };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** groupNameForStream / groupNameForConsumer: `S-R3F-<8 characters>`. */
export function groupName(
  prefix: "S" | "C",
  peers: number,
  storage: string,
  random: () => number,
): string {
  const seed = `${random()}-${random()}`;
  return `${prefix}-R${peers}${storage === "memory" ? "M" : "F"}-${nodeId(seed)}`;
}
