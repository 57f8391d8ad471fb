/**
 * @module
 * The local interest a worker replays to a worker that joins the mesh (server/mesh/): in a
 * shard, client subscriptions, the announced subscriptions of internal connections
 * (server/internal/) and the `_R_.` response routers of service imports; in the route
 * worker, the routes' interest with its queue weights and what the gateways and leafs want. Runs in a shard or route worker.
 */
import type { Account } from "./accounts/account.ts";
import type { WiredImports } from "./accounts/import_routing.ts";
import type { ClientConnection } from "./client/client.ts";
import type { ClusterManager } from "./links/route/cluster_manager.ts";
import type { InternalConnection } from "./internal/internal_connection.ts";
import { meshWeight } from "./links/route/route_subs.ts";
import type { InterestSource } from "./mesh/mesh_node.ts";

/** The parts of a server its local interest is read from. */
export interface LocalInterestHost {
  /** True in the route worker of a sharded server. */
  readonly isRouteWorker: boolean;
  readonly cluster: ClusterManager | null;
  /** The gateways (in the route worker, their interest is announced to the mesh). */
  readonly gateway?: { meshSubscriptions(): Iterable<[Account, InterestSource]> } | null;
  /** The leafnodes (in the route worker, their interest is announced to the mesh). */
  readonly leafnodes?: { meshSubscriptions(): Iterable<[Account, InterestSource]> } | null;
  readonly clients: ReadonlyMap<number, ClientConnection>;
  /** Connections without a socket (their non-local subscriptions are interest too). */
  readonly internalConnections?: ReadonlySet<InternalConnection>;
  account(name?: string): Account | null;
}

/** Every local interest of `s` with its account, read as it is iterated. */
export function* localInterest(
  s: LocalInterestHost,
  imports: WiredImports,
): Iterable<[Account, InterestSource]> {
  if (s.isRouteWorker) {
    // The routes' interest, with queue weights, is this worker's interest in the mesh.
    for (const link of s.cluster?.table.links ?? []) {
      for (const sub of link.subs.values()) {
        const { account, subject, queue, subjectBytes } = sub;
        yield [account, { subject, queue, subjectBytes, meshWeight: meshWeight(sub) }];
      }
    }
    yield* s.gateway?.meshSubscriptions() ?? [];
    yield* s.leafnodes?.meshSubscriptions() ?? [];
    return;
  }
  for (const c of s.clients.values()) {
    for (const sub of c.subs.values()) yield [c.account, sub];
  }
  for (const c of s.internalConnections ?? []) {
    for (const sub of c.subscriptions()) if (!sub.local) yield [c.account, sub];
  }
  for (const r of imports.routers) yield [r.account, r];
}
