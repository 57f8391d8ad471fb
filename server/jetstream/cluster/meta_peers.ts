/**
 * @module
 * The meta group's members as clustered JetStream sees them (nats-server's `nodeToInfo`): their
 * server names (routes first, then what statsz told), clusters and tags, whether they were
 * heard from lately, the clusters a new stream may go to (the requester's first), and the
 * leader-change notice naming the new leader's server and cluster.
 * IO shell: asks the servers for their statsz (peer_directory.ts) and reads the clock.
 */
import type { Account } from "../../accounts/account.ts";
import { nodeId } from "../../raft/mod.ts";
import type { PeerCandidate } from "./placement.ts";
import type { PeerDirectory } from "./peer_directory.ts";
import { isEmptyRequest } from "../api/api_types.ts";
import { type ApiError, jsApiError } from "../api/errors.ts";

/** A peer not heard from for this long is offline (lostQuorumInterval). */
const OFFLINE_MS = 10_000;

/** What {@link MetaPeers} reads of its server and meta group. */
export interface MetaPeersOptions {
  /** This server's node id, name, cluster and tags. */
  self: string;
  serverName: string;
  clusterName: string;
  tags: readonly string[];
  /** Server names of the servers routed to now. */
  routedNames(): Iterable<string>;
  /** The remote cluster a reply would go to through a gateway (null: none). */
  remoteCluster?(account: Account, reply: string): string | null;
  /** The meta group's members by node id (when each was last heard from, in ms). */
  members(): Iterable<[string, { lastSeen: number }]>;
  directory: PeerDirectory;
}

/** See the module doc. */
export class MetaPeers {
  readonly #o: MetaPeersOptions;
  /** Node ids of the server names seen (nodeId hashes). */
  readonly #ids = new Map<string, string>();
  /** When the servers were last asked for their statsz (names of unknown peers). */
  #askedAt = 0;

  constructor(o: MetaPeersOptions) {
    this.#o = o;
  }

  /** The server name of node `id` ("" when not known). */
  nameOf(id: string): string {
    if (id === this.#o.self) return this.#o.serverName;
    for (const n of this.#o.routedNames()) if (this.#idOf(n) === id) return n;
    const name = this.#o.directory.get(id)?.name;
    if (name !== undefined) return name;
    // Not heard of yet (its statsz went out before the routes were up): ask, for next time.
    const now = Date.now();
    if (now - this.#askedAt > 500) {
      this.#askedAt = now;
      void this.refresh().catch(() => {});
    }
    return "";
  }

  /** A server name's node id (hashed once per name). */
  #idOf(name: string): string {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = nodeId(name);
      this.#ids.set(name, id);
    }
    return id;
  }

  /** Learns the members' clusters and tags (before a placement). */
  refresh(): Promise<void> {
    return this.#o.directory.refresh([...this.#o.members()].map(([id]) => id));
  }

  /** The members as the placement sees them (this server first). */
  candidates(): PeerCandidate[] {
    const o = this.#o;
    const now = Date.now();
    const out: PeerCandidate[] = [
      { id: o.self, cluster: o.clusterName, online: true, tags: o.tags },
    ];
    for (const [id, p] of o.members()) {
      if (id === o.self) continue;
      const online = p.lastSeen > 0 && now - p.lastSeen < OFFLINE_MS && this.nameOf(id) !== "";
      const info = o.directory.get(id);
      out.push({ id, cluster: info?.cluster || o.clusterName, online, tags: info?.tags ?? [] });
    }
    return out;
  }

  /**
   * The cluster of a request's sender, found as the one its reply inbox lives in: this one
   * when it is subscribed here or on a route, else the remote cluster a gateway would carry
   * it to (nats-server reads the cluster the origin server stamps in `Nats-Request-Info`).
   */
  requesterCluster(account: Account, reply: string): string {
    const own = this.#o.clusterName;
    if (reply === "" || account.sublist.hasInterest(reply)) return own;
    return this.#o.remoteCluster?.(account, reply) ?? own;
  }

  /** `first`, then the other clusters of the members, by name. */
  clustersFrom(first: string): string[] {
    const others = new Set(this.candidates().map((p) => p.cluster));
    others.delete(first);
    return [first, ...[...others].sort()];
  }

  /**
   * nats-server trackedJetStreamServers over this server and the ones it routes to: how many
   * run JetStream, of how many (null until every routed server's statsz told).
   */
  trackedServers(): { js: number; total: number } | null {
    let js = 1;
    let total = 1;
    for (const name of this.#o.routedNames()) {
      const info = this.#o.directory.get(this.#idOf(name));
      if (info === undefined) {
        void this.refresh().catch(() => {});
        return null;
      }
      total++;
      if (info.jetstream) js++;
    }
    return { js, total };
  }

  /**
   * monitorCluster's cold-boot check (a group that never had a leader, expecting `cs`): the
   * JetStream servers' count when some routed servers run without JetStream, else null.
   */
  bootSize(cs: number): number | null {
    const t = this.trackedServers();
    return t !== null && t.js < t.total && t.total >= cs && t.js !== cs ? t.js : null;
  }

  /**
   * jsLeaderStepDownRequest's answer, and the member to hand the meta group to ("" for any,
   * null when it stays): with a placement cluster, a random online member of it.
   */
  stepDownTo(body: string): { answer: Record<string, unknown>; preferred: string | null } {
    const type = "io.nats.jetstream.api.v1.meta_leader_stepdown_response";
    const target = stepDownTarget(body);
    if ("error" in target) return { answer: { type, error: target.error }, preferred: null };
    const others = this.candidates().filter((p) =>
      p.id !== this.#o.self && p.online &&
      (target.cluster === null || p.cluster === target.cluster)
    );
    if (others.length === 0) {
      const err = "no replacement peer connected";
      return {
        answer: { type, error: jsApiError("JSClusterNoPeersErrF", { err }) },
        preferred: null,
      };
    }
    const preferred = target.cluster === null
      ? ""
      : others[Math.floor(Math.random() * others.length)].id;
    return { answer: { type, success: true }, preferred };
  }

  /** nats-server processLeaderChange's notice of another server leading the meta group. */
  leaderNotice(leader: string): string {
    const name = this.nameOf(leader);
    if (name === "") return "JetStream cluster new remote metadata leader";
    const routed = [...this.#o.routedNames()].includes(name);
    const cluster = this.#o.directory.get(leader)?.cluster ||
      (routed ? this.#o.clusterName : "");
    return `JetStream cluster new metadata leader: ${name}${cluster ? `/${cluster}` : ""}`;
  }
}

/**
 * The cluster a meta leader step-down request names (null: any member), or its error: invalid
 * JSON (10025), tags (10011, not supported for this operation).
 */
export function stepDownTarget(body: string): { cluster: string | null } | { error: ApiError } {
  if (isEmptyRequest(body)) return { cluster: null };
  let req: { placement?: { cluster?: unknown; tags?: unknown } };
  try {
    req = JSON.parse(body) ?? {};
  } catch {
    return { error: jsApiError("JSInvalidJSONErr") };
  }
  const p = typeof req === "object" ? req.placement ?? {} : {};
  if (Array.isArray(p.tags) && p.tags.length > 0) return { error: jsApiError("JSClusterTagsErr") };
  return { cluster: typeof p.cluster === "string" ? p.cluster : "" };
}
