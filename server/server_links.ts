/**
 * @module
 * The link managers of one server, in nats-server's start order (server.go Start): gateways
 * (their block is checked first and may name the cluster), routes, leaf nodes. Holds what the
 * server asks of them together: the cluster name for the banner, route interest for gateways
 * and leafs, local interest for routes and gateways, the combined monitoring data and the
 * shutdown order. Runs in the isolate that owns the link sockets.
 */
import type { Account } from "./accounts/account.ts";
import type { RemoteEntry } from "./interest/remote_interest.ts";
import { type ClusterHostServer, ClusterManager } from "./links/route/cluster_manager.ts";
import { type GatewayHostServer, GatewayManager } from "./links/gateway/gateway_manager.ts";
import { type LeafHostServer, LeafManager } from "./links/leaf/leaf_manager.ts";
import { standaloneClusterName } from "./links/leaf/leaf_options.ts";
import type { LinkMonitor } from "./monitor/types.ts";
import type { InterestSource } from "./mesh/mesh_node.ts";

/** A server that can host every kind of link. */
export type LinksHost = ClusterHostServer & GatewayHostServer & LeafHostServer;

/** Routes, gateways and leaf nodes of one server (each null when not configured). */
export class ServerLinks {
  cluster: ClusterManager | null = null;
  gateway: GatewayManager | null = null;
  leaf: LeafManager | null = null;

  /**
   * Creates the gateway and route managers (throws nats-server's config errors) and returns
   * the cluster name the banner shows: the routes', else the gateway's, else a standalone
   * leaf server's.
   */
  createClusterLinks(server: LinksHost): string | undefined {
    this.gateway = GatewayManager.create(server);
    this.cluster = ClusterManager.create(server);
    const o = server.options;
    return this.cluster?.clusterName ?? o.gatewayConfig?.name ?? standaloneClusterName(o);
  }

  /** Creates and starts the leaf manager (before the client listener, as nats-server). */
  startLeafs(server: LinksHost): void {
    this.leaf = LeafManager.create(server);
    this.leaf?.start();
  }

  /**
   * Starts gateways, then routes (server.go Start). The routes start after internal connections
   * subscribed (the system account subscribes while the server is built) and imports placed
   * their `_R_.` response routers: `existing` (that interest) goes into the cluster's local
   * interest now, so every route learns it on connect (nats-server sends all account
   * subscriptions). No client is connected yet.
   */
  startClusterLinks(existing: Iterable<[Account, InterestSource]> = []): void {
    this.gateway?.start();
    const cluster = this.cluster;
    if (cluster === null) return;
    cluster.start();
    for (const [account, sub] of existing) {
      cluster.table.localInterestChanged(account.name, sub.subject, sub.queue, 1);
    }
  }

  /** Route interest: cluster interest the gateways announce, and what hub leafs learn. */
  routeInterestChanged(account: Account, sub: RemoteEntry, delta: number): void {
    this.gateway?.routeInterestChanged(account, sub, delta);
    this.leaf?.routeInterestChanged(account, sub, delta);
  }

  /** Local interest (clients, internal, shards): routes send RS+/RS-, gateways announce it. */
  localInterestChanged(
    account: string,
    subject: string,
    queue: string | null,
    delta: number,
    subjectBytes?: Uint8Array,
  ): void {
    this.cluster?.table.localInterestChanged(account, subject, queue, delta, subjectBytes);
    this.gateway?.table.interestChanged(account, subject, queue, delta);
  }

  /**
   * Link worker: a shard's interest (mesh SUB/UNSUB, signed weight) is this server's local
   * interest for routes, gateways and leafs.
   */
  peerInterestChanged(
    account: Account,
    subject: string,
    queue: string | null,
    delta: number,
    subjectBytes?: Uint8Array,
  ): void {
    this.localInterestChanged(account.name, subject, queue, delta, subjectBytes);
    this.leaf?.peerInterestChanged(account, subject, queue, delta);
  }

  /** Route, gateway and leafnode data for `/routez`, `/gatewayz`, `/leafz` and `/varz`. */
  get monitor(): LinkMonitor | undefined {
    const routes = this.cluster?.monitor;
    const links = this.gateway?.monitor(routes) ?? routes;
    return this.leaf ? this.leaf.monitor(links) : links;
  }

  /** Closes gateways, routes and leaf links, in that order. */
  async close(): Promise<void> {
    await this.gateway?.close();
    await this.cluster?.close();
    await this.leaf?.close();
  }
}
