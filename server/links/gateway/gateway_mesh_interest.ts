/**
 * @module
 * What the gateways of a sharded server's link worker want from the shards, as interest in the
 * ring mesh (the shards forward a message to a worker only on its interest):
 * - the remote clusters' plain interest (`RS+` on outbound links in interest-only mode, the
 *   mode every 2.9 remote asks for), counted over the links; `>` while a link to an older
 *   remote (optimistic mode) is up;
 * - their queue interest, but only while no queue member of the same subject and group exists
 *   in this cluster (shards or routes): a shard then picks the local member, and the link
 *   worker is picked only when the cluster has none (gateway.go queue geo-affinity);
 * - `_GR_.>` and `$GR.>` in every account: responses to requests that came through a gateway
 *   are routed back by the link worker.
 * PURE: no Deno APIs, timers or console output. Runs in the link worker.
 */

/** Tells the mesh: `delta` (+1/-1) on `subject` (and `queue`) in `account`. */
export type MeshAnnounce = (
  account: string,
  subject: string,
  queue: string | null,
  delta: 1 | -1,
) => void;

/** The routed-reply subjects the link worker takes from the shards (gateway.go gwReplyPrefix). */
export const ROUTED_REPLY_SUBJECTS = ["_GR_.>", "$GR.>"] as const;

interface QueueEntry {
  /** Outbound links holding it. */
  count: number;
  /** Whether it is announced now (no local member). */
  announced: boolean;
}

/** One key for an account, subject and queue. */
function keyOf(account: string, subject: string, queue: string | null): string {
  return queue === null ? `${account} ${subject}` : `${account} ${subject} ${queue}`;
}

/**
 * The mesh interest of the gateways.
 *
 * @example
 * ```ts
 * import { GatewayMeshInterest } from "./gateway_mesh_interest.ts";
 * const said: string[] = [];
 * let local = false;
 * const m = new GatewayMeshInterest(
 *   (a, s, q, d) => void said.push(`${d > 0 ? "+" : "-"}${a} ${s} ${q ?? ""}`.trim()),
 *   () => local,
 * );
 * m.outboundChanged("$G", "foo", null, 1);
 * m.outboundChanged("$G", "foo", null, 1); // a second link: already announced
 * m.outboundChanged("$G", "job", "q", 1);
 * local = true;
 * m.localQueueChanged("$G", "job", "q", true); // a local member: the shards pick it
 * if (said.join(",") !== "+$G foo,+$G job q,-$G job q") throw new Error(said.join(","));
 * ```
 */
export class GatewayMeshInterest {
  readonly #announce: MeshAnnounce;
  readonly #hasLocalQueue: (account: string, subject: string, queue: string) => boolean;
  readonly #plain = new Map<string, { account: string; subject: string; count: number }>();
  readonly #queues = new Map<
    string,
    QueueEntry & { account: string; subject: string; queue: string }
  >();
  readonly #replyAccounts = new Set<string>();
  /** Outbound links in optimistic mode (a remote before 2.9): every subject is wanted. */
  #optimistic = 0;

  constructor(
    announce: MeshAnnounce,
    hasLocalQueue: (account: string, subject: string, queue: string) => boolean,
  ) {
    this.#announce = announce;
    this.#hasLocalQueue = hasLocalQueue;
  }

  /** An account the routed replies of which come to the link worker (once per account). */
  addAccount(account: string): void {
    if (this.#replyAccounts.has(account)) return;
    this.#replyAccounts.add(account);
    for (const s of ROUTED_REPLY_SUBJECTS) this.#announce(account, s, null, 1);
    if (this.#optimistic > 0) this.#announce(account, ">", null, 1);
  }

  /**
   * An outbound link whose remote does not ask for interest-only mode (`gateway_iom`) was
   * registered (1) or closed (-1): while one is up, every subject of every account is wanted
   * (the link's own no-interest answers are applied when sending).
   */
  optimisticLink(delta: 1 | -1): void {
    const before = this.#optimistic;
    this.#optimistic = Math.max(0, before + delta);
    if ((before === 0) === (this.#optimistic === 0)) return;
    for (const account of this.#replyAccounts) this.#announce(account, ">", null, delta);
  }

  /** An outbound link's remote interest changed (`RS+`/`RS-` held, or the link closed). */
  outboundChanged(account: string, subject: string, queue: string | null, delta: 1 | -1): void {
    const key = keyOf(account, subject, queue);
    if (queue === null) {
      const e = this.#plain.get(key);
      if (delta > 0) {
        if (e) e.count++;
        else {
          this.#plain.set(key, { account, subject, count: 1 });
          this.#announce(account, subject, null, 1);
        }
      } else if (e && --e.count === 0) {
        this.#plain.delete(key);
        this.#announce(account, subject, null, -1);
      }
      return;
    }
    const e = this.#queues.get(key);
    if (delta > 0) {
      if (e) {
        e.count++;
        return;
      }
      const announced = !this.#hasLocalQueue(account, subject, queue);
      this.#queues.set(key, { account, subject, queue, count: 1, announced });
      if (announced) this.#announce(account, subject, queue, 1);
    } else if (e && --e.count === 0) {
      this.#queues.delete(key);
      if (e.announced) this.#announce(account, subject, queue, -1);
    }
  }

  /**
   * A queue member of this cluster (shard or route) appeared (`present`) or the last one went:
   * the remote queue interest of the same subject and group is withdrawn or announced again.
   */
  localQueueChanged(account: string, subject: string, queue: string, present: boolean): void {
    const e = this.#queues.get(keyOf(account, subject, queue));
    if (e === undefined || e.announced !== present) return;
    e.announced = !present;
    this.#announce(account, subject, queue, present ? -1 : 1);
  }

  /** Everything announced now (replayed to a worker that joins the mesh). */
  *announced(): Iterable<{ account: string; subject: string; queue: string | null }> {
    for (const account of this.#replyAccounts) {
      for (const subject of ROUTED_REPLY_SUBJECTS) yield { account, subject, queue: null };
      if (this.#optimistic > 0) yield { account, subject: ">", queue: null };
    }
    for (const e of this.#plain.values()) yield { ...e, queue: null };
    for (const e of this.#queues.values()) if (e.announced) yield e;
  }
}
