/**
 * @module
 * The interest one leafnode connection has told its remote (nats-server leafnode.go `smap`,
 * updateSmap): counts by key (`<subject>[ <queue>]`); plain interest is announced on 0 -> 1 and
 * withdrawn on 1 -> 0, a queue group on every change with its new weight. Removing interest
 * never announced (a key absent or already at 0) sends nothing. Also the rule of which link's
 * interest another link may announce ({@link leafMayRelay}).
 * PURE: no Deno APIs, timers or console output. Runs in the isolate that owns the link.
 */

import type { ClientPermissions } from "../../client/permissions.ts";
import { alwaysAnnounced } from "./leaf_permissions.ts";

/** The subject of an interest key (`<subject>[ <queue>]`). */
function subjectOf(key: string): string {
  const space = key.indexOf(" ");
  return space < 0 ? key : key.slice(0, space);
}

/** Whether interest in `subject` may be announced under subscribe permissions `p`. */
export function mayAnnounce(p: ClientPermissions | null, subject: string): boolean {
  return p === null || alwaysAnnounced(subject) || p.canSubscribe(subject, null);
}

/**
 * One connection's announced interest.
 *
 * @example
 * ```ts
 * import { LeafSubMap } from "./leaf_sub_map.ts";
 * const m = new LeafSubMap();
 * if (m.change("foo", false, 1) !== 1 || m.change("foo", false, 1) !== null) throw new Error();
 * if (m.change("foo", false, -1) !== null || m.change("foo", false, -1) !== 0) throw new Error();
 * if (m.change("bar q", true, 2) !== 2 || m.change("bar q", true, -1) !== 1) throw new Error();
 * ```
 */
export class LeafSubMap {
  readonly #counts = new Map<string, number>();

  get size(): number {
    return this.#counts.size;
  }

  /** Adds to a key without sending (the snapshot sent on connect). */
  add(key: string, n: number): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + n);
  }

  has(key: string): boolean {
    return this.#counts.has(key);
  }

  /**
   * Applies `delta`; returns the weight to send (> 0: LS+, <= 0: LS-), or null when nothing
   * goes out (updateSmap: `sub.queue != nil || n == 0 || n+delta <= 0`).
   */
  change(key: string, queue: boolean, delta: number): number | null {
    const before = this.#counts.get(key);
    if (before === undefined && delta <= 0) return null;
    const n = before ?? 0;
    const update = queue || n === 0 || n + delta <= 0;
    const after = n + delta;
    if (after > 0) this.#counts.set(key, after);
    else this.#counts.delete(key);
    return update ? after : null;
  }

  /** {@link change} for interest the permissions `p` let this link announce; else null. */
  announce(key: string, queue: boolean, delta: number, p: ClientPermissions | null): number | null {
    return mayAnnounce(p, subjectOf(key)) ? this.change(key, queue, delta) : null;
  }

  /** Adds the announceable part of a snapshot (without sending) and returns every key held. */
  snapshot(entries: Iterable<[string, number]>, p: ClientPermissions | null): [string, number][] {
    for (const [key, n] of entries) if (mayAnnounce(p, subjectOf(key))) this.add(key, n);
    return [...this.#counts.entries()];
  }

  /** Every key with its count. */
  entries(): IterableIterator<[string, number]> {
    return this.#counts.entries();
  }

  clear(): void {
    this.#counts.clear();
  }
}

/** What the relay rule needs to know of a leafnode link. */
export interface LeafRole {
  /** The remote is our hub (nats-server isSpokeLeafNode). */
  readonly spoke: boolean;
  /** The remote's cluster name ("" when none). */
  readonly remoteCluster: string;
}

/**
 * Whether interest learned on link `from` may be announced on link `to` (leafnode.go
 * updateLeafNodes / updateSmap): never on itself; a spoke link (to our hub) never announces
 * what another spoke link learned from its hub (the spoke rule); never back to the cluster the
 * interest came from, except the `$LDS.` loop-detection subject (`loopSubject`).
 *
 * @example
 * ```ts
 * import { leafMayRelay } from "./leaf_sub_map.ts";
 * const hub1 = { spoke: true, remoteCluster: "H1" };
 * const hub2 = { spoke: true, remoteCluster: "H2" };
 * const leaf = { spoke: false, remoteCluster: "" };
 * if (leafMayRelay(hub1, hub2, false) || !leafMayRelay(leaf, hub1, false)) throw new Error();
 * if (!leafMayRelay(hub1, leaf, false)) throw new Error();
 * ```
 */
export function leafMayRelay(from: LeafRole, to: LeafRole, loopSubject: boolean): boolean {
  if (from === to) return false;
  if (to.spoke && from.spoke) return false;
  if (loopSubject) return true;
  return from.remoteCluster === "" || from.remoteCluster !== to.remoteCluster;
}
