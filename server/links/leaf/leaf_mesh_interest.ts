/**
 * @module
 * What the leaf links of a sharded server's link worker want from the shards, as interest in
 * the ring mesh (the shards forward a message to a worker only on its interest):
 * - the leafs' plain interest (`LS+`/`LS-` of every link, hub or spoke): each change goes to
 *   the mesh as a weight change, so the shards hold one entry per subject for all links;
 * - their queue interest (with the members' weights), but only while no shard of this server
 *   has a member of the same subject and group: a shard then picks its own or another
 *   shard's member, and the link worker is picked only when the server has none, as a
 *   single server takes leafnode queue members last (client.go processMsgResults).
 * - on a leaf (spoke) without gateways, `_GR_.>` and `$GR.>` in the remotes' accounts: the
 *   shards' responses to requests that crossed the hub's gateways go to the hubs from here.
 * The shards' queue members are counted here from the mesh (a {@link ClusterInterest} tally).
 * PURE: no Deno APIs, timers or console output. Runs in the link worker.
 */
import { ClusterInterest, TallyChange } from "../gateway/cluster_interest.ts";
import { ROUTED_REPLY_SUBJECTS } from "../gateway/gateway_mesh_interest.ts";

/** A signed weight change on `subject` (and `queue`) of `account`, told to the mesh. */
export type MeshWeightAnnounce = (
  account: string,
  subject: string,
  queue: string | null,
  delta: number,
) => void;

interface QueueEntry {
  account: string;
  subject: string;
  queue: string;
  /** Members over every leaf link. */
  weight: number;
  /** Whether the weight is announced now (no shard member). */
  announced: boolean;
}

/**
 * The mesh interest of the leaf links.
 *
 * @example
 * ```ts
 * import { LeafMeshInterest } from "./leaf_mesh_interest.ts";
 * const said: string[] = [];
 * const m = new LeafMeshInterest((a, s, q, d) => void said.push(`${d} ${a} ${s} ${q ?? ""}`));
 * m.leafChanged("$G", "foo", null, 1);
 * m.leafChanged("$G", "job", "q", 2); // two members on a leaf
 * m.shardChanged("$G", "job", "q", 1); // a shard member: the shards pick it
 * if (said.join(",") !== "1 $G foo ,2 $G job q,-2 $G job q") throw new Error(said.join(","));
 * ```
 */
export class LeafMeshInterest {
  readonly #announce: MeshWeightAnnounce;
  readonly #plain = new Map<string, { account: string; subject: string; weight: number }>();
  readonly #queues = new Map<string, QueueEntry>();
  /** The shards' queue members, counted. */
  readonly #shardQueues = new ClusterInterest();
  /** Accounts whose routed-reply subjects are announced. */
  readonly #replyAccounts = new Set<string>();

  constructor(announce: MeshWeightAnnounce) {
    this.#announce = announce;
  }

  /** An account whose routed replies the hubs take from the shards (once per account). */
  addReplyAccount(account: string): void {
    if (this.#replyAccounts.has(account)) return;
    this.#replyAccounts.add(account);
    for (const s of ROUTED_REPLY_SUBJECTS) this.#announce(account, s, null, 1);
  }

  /** A leaf link's interest changed by `delta` (signed weight). */
  leafChanged(account: string, subject: string, queue: string | null, delta: number): void {
    if (delta === 0) return;
    if (queue === null) {
      const key = `${account} ${subject}`;
      const e = this.#plain.get(key) ?? { account, subject, weight: 0 };
      e.weight += delta;
      if (e.weight > 0) this.#plain.set(key, e);
      else this.#plain.delete(key);
      this.#announce(account, subject, null, delta);
      return;
    }
    const key = `${account} ${subject} ${queue}`;
    let e = this.#queues.get(key);
    if (e === undefined) {
      if (delta < 0) return;
      const announced = !this.#shardQueues.has(account, subject, queue);
      e = { account, subject, queue, weight: 0, announced };
      this.#queues.set(key, e);
    }
    const before = e.weight;
    e.weight = Math.max(0, before + delta);
    if (e.weight === 0) this.#queues.delete(key);
    if (e.announced && e.weight !== before) {
      this.#announce(account, subject, queue, e.weight - before);
    }
  }

  /**
   * A shard's interest changed (mesh SUB/UNSUB): on the first queue member of a subject and
   * group in the shards, the leafs' members of it are withdrawn from the mesh; on the last,
   * announced again.
   */
  shardChanged(account: string, subject: string, queue: string | null, delta: number): void {
    if (queue === null) return;
    const change = this.#shardQueues.change(account, subject, queue, delta);
    if (change === TallyChange.None) return;
    const e = this.#queues.get(`${account} ${subject} ${queue}`);
    const present = change === TallyChange.First;
    if (e === undefined || e.announced !== present) return;
    e.announced = !present;
    this.#announce(account, subject, queue, present ? -e.weight : e.weight);
  }

  /** Everything announced now, with weights (replayed to a worker that joins the mesh). */
  *announced(): Iterable<
    { account: string; subject: string; queue: string | null; weight: number }
  > {
    for (const account of this.#replyAccounts) {
      for (const subject of ROUTED_REPLY_SUBJECTS) {
        yield { account, subject, queue: null, weight: 1 };
      }
    }
    for (const e of this.#plain.values()) yield { ...e, queue: null };
    for (const e of this.#queues.values()) if (e.announced) yield e;
  }
}
