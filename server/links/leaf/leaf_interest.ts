/**
 * @module
 * Which leafnode links hear of which interest (nats-server 2.9.10 leafnode.go
 * initLeafNodeSmapAndSendSubs, updateSmap, updateLeafNodes, processLeafSub): the registered links
 * by account; everything a new link must be told; a local SUB/UNSUB, a shard's (mesh), a route's
 * and an outbound gateway's interest change relayed to the links that may announce it; a link's
 * LS+/LS- relayed to the other links under the spoke rule, to the shards (link worker) and, for a
 * link we are the hub of, to routes and gateways. Part of the leaf manager (`leaf_manager.ts`); runs where it runs.
 */
import type { Account } from "../../accounts/account.ts";
import type { Subscription } from "../../client/subscription.ts";
import { InterestChange, type RemoteEntry } from "../../interest/remote_interest.ts";
import type { InterestSource } from "../../mesh/mesh_node.ts";
import type { MsgOp } from "../../protocol/sink.ts";
import type { LeafLink } from "./leaf_link.ts";
import type { LeafHostServer } from "./leaf_host.ts";
import type { LeafMeshInterest } from "./leaf_mesh_interest.ts";
import { leafKey, LOOP_DETECTION_PREFIX } from "./leaf_protocol.ts";
import { accountInterest } from "./leaf_snapshot.ts";
import { leafMayRelay } from "./leaf_sub_map.ts";
import { randomBase62 } from "../../protocol/base62.ts";

/** A random `$LDS.` suffix (nats-server uses nuid.Next()). */
function loopId(): string {
  return randomBase62();
}

/** The registered leafnode links of a {@link LeafManager} and the interest relayed to them. */
export class LeafInterest {
  readonly server: LeafHostServer;
  /** Registered links by account. */
  readonly #byAccount = new Map<Account, Set<LeafLink>>();
  readonly #loopSubjects = new Map<Account, string>();
  /** In a sharded server's link worker: the leafs' interest as mesh interest. */
  mesh: LeafMeshInterest | null = null;

  constructor(server: LeafHostServer) {
    this.server = server;
  }

  /** A link is registered (its account bound). */
  add(link: LeafLink): void {
    const account = link.account!;
    let set = this.#byAccount.get(account);
    if (set === undefined) this.#byAccount.set(account, set = new Set());
    set.add(link);
  }

  /** A link closed. */
  remove(link: LeafLink): void {
    const account = link.account;
    if (account !== null) this.#byAccount.get(account)?.delete(link);
  }

  /** The registered links of `account`. */
  links(account: Account): Iterable<LeafLink> {
    return this.#byAccount.get(account) ?? [];
  }

  /** Every registered link. */
  registered(): LeafLink[] {
    const out: LeafLink[] = [];
    for (const set of this.#byAccount.values()) out.push(...set);
    return out;
  }

  /** This server's `$LDS.` subject for `account` (loop detection), made once. */
  loopSubject(account: Account): string {
    let lds = this.#loopSubjects.get(account);
    if (lds === undefined) {
      lds = LOOP_DETECTION_PREFIX + loopId();
      this.#loopSubjects.set(account, lds);
    }
    return lds;
  }

  /**
   * initLeafNodeSmapAndSendSubs: everything the link must know of the account: local
   * subscriptions; for a link we are the hub of, also routes' and other leafs' interest; for
   * a spoke link, the interest of the leafs we are the hub of. Plus the account's mapping
   * sources and our `$LDS.` subject.
   */
  sendAll(link: LeafLink): void {
    const account = link.account!;
    const counts = accountInterest(account, link);
    if (!link.spoke) {
      // The remote clusters' interest held by our outbound gateways (interest-only mode).
      for (const sub of this.server.gateway?.table.outboundSubs(account.name) ?? []) {
        const key = leafKey(sub.subject, sub.queue);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    // The account's mapping sources: a message published to one is wanted here even without
    // a subscriber on it (initLeafNodeSmapAndSendSubs puts them in the smap, as service imports).
    for (const m of account.mappings?.mappings ?? []) {
      const key = leafKey(m.src, null);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    counts.set(this.loopSubject(account), 1);
    link.sendAllInterest(counts);
  }

  /** A client's or internal connection's SUB/UNSUB: every registered link of the account. */
  local(account: Account, sub: Subscription, delta: 1 | -1): void {
    const links = this.#byAccount.get(account);
    if (links === undefined || links.size === 0) return;
    const key = leafKey(sub.subject, sub.queue);
    for (const link of links) link.updateInterest(key, sub.queue !== null, delta);
  }

  /**
   * Link worker: a shard's SUB/UNSUB (mesh, `delta` its signed weight) is this server's local
   * interest for every link of the account; a shard's queue member keeps the leafs' members of
   * the group away from the shards ({@link LeafMeshInterest}).
   */
  peerChanged(account: Account, subject: string, queue: string | null, delta: number): void {
    this.mesh?.shardChanged(account.name, subject, queue, delta);
    const links = this.#byAccount.get(account);
    if (links === undefined || links.size === 0) return;
    const key = leafKey(subject, queue);
    for (const link of links) link.updateInterest(key, queue !== null, delta);
  }

  /** The leafs' mesh interest, replayed to a worker that joins (link worker only). */
  *meshSubscriptions(): Iterable<[Account, InterestSource]> {
    for (const e of this.mesh?.announced() ?? []) {
      const account = this.server.account(e.account);
      if (account !== null) {
        yield [account, { subject: e.subject, queue: e.queue, meshWeight: e.weight }];
      }
    }
  }

  /** A route's RS+/RS- (weight change `delta`): the links we are the hub of. */
  routeChanged(account: Account, sub: RemoteEntry, delta: number): void {
    const links = this.#byAccount.get(account);
    if (links === undefined) return;
    const key = leafKey(sub.subject, sub.queue);
    for (const link of links) {
      if (!link.spoke) link.updateInterest(key, sub.queue !== null, delta);
    }
  }

  /**
   * An outbound gateway's remote interest changed (leafnode.go updateInterestForAccountOnGateway
   * and updateSmap): the links we are the hub of; a spoke link never announces it.
   */
  gatewayChanged(
    accountName: string,
    subject: string,
    queue: string | null,
    delta: number,
  ): void {
    const account = this.server.account(accountName);
    const links = account === null ? undefined : this.#byAccount.get(account);
    if (links === undefined) return;
    const key = leafKey(subject, queue);
    for (const link of links) if (!link.spoke) link.updateInterest(key, queue !== null, delta);
  }

  /** A response on a gateway-routed reply: to our hubs (leafnode.go gwLeafSubs `_GR_.>`). */
  toHubs(account: Account, op: MsgOp): boolean {
    let sent = false;
    for (const link of this.#byAccount.get(account) ?? []) {
      if (!link.spoke || link.closed || !link.registered) continue;
      link.forward(account, op);
      sent = true;
    }
    return sent;
  }

  /** A link's LS+/LS-: other links under the spoke rule, the mesh, routes and gateways. */
  remote(link: LeafLink, entry: RemoteEntry, delta: number, change: InterestChange): void {
    const account = entry.account;
    const unit = entry.queue === null ? 1 : Math.max(1, entry.weight);
    const d = change === InterestChange.Added
      ? unit
      : change === InterestChange.Removed
      ? -unit
      : delta;
    const key = entry.key;
    const loop = entry.subject.startsWith(LOOP_DETECTION_PREFIX);
    for (const other of this.#byAccount.get(account) ?? []) {
      if (!leafMayRelay(link, other, loop)) continue;
      other.updateInterest(key, entry.queue !== null, d);
    }
    // In a sharded server every leaf's interest (hub or spoke) is the shards' to know.
    if (!loop) this.mesh?.leafChanged(account.name, entry.subject, entry.queue, d);
    // processLeafSub: a leaf we are the hub of subscribes like a client: routes and gateways
    // learn it (updateRouteSubscriptionMap, gatewayUpdateSubInterest).
    if (!link.spoke && change !== InterestChange.Weight && !loop) {
      const sign = change === InterestChange.Added ? 1 : -1;
      this.server.cluster?.table.localInterestChanged(
        account.name,
        entry.subject,
        entry.queue,
        sign,
        entry.subjectBytes,
      );
      this.server.gateway?.table.interestChanged(account.name, entry.subject, entry.queue, sign);
    }
  }
}
