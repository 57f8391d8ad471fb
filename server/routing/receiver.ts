/**
 * @module
 * Who receives a message, and who may deliver to whom. A {@link Receiver} owns sublist entries
 * (a client connection, an internal connection, a route, a mesh peer, an import); the
 * {@link DELIVERY} table is the only place that decides which sender kind may deliver to which
 * receiver kind: nats-server's split-horizon rules of client.go processMsgResults (a message from
 * a route never goes to another route, one from a mesh peer never to another peer, ...).
 * PURE: no Deno APIs, timers or console output. Runs in every isolate that routes messages.
 */
import type { MsgOp } from "../protocol/sink.ts";
import type { SubscriptionLike } from "../sublist/sublist.ts";

/**
 * Kinds of connections and receivers (nats-server CLIENT, ROUTER, GATEWAY, LEAF, SYSTEM ...), plus
 * the two denats adds: `Peer` (another worker of the ring mesh) and `Import` (an account import
 * acted on where the message was published).
 */
export const Kind = {
  /** A client connection (TCP, TLS or WebSocket). */
  Client: 0,
  /** An in-process connection (system account services, later JetStream) or response router. */
  Internal: 1,
  Route: 2,
  Gateway: 3,
  /**
   * A leafnode connection whose remote is a leaf of this server (this server is its hub:
   * nats-server `isHubLeafNode`, usually an accepted leafnode connection).
   */
  Leaf: 4,
  /** Another worker of this server (shard or link worker), through the ring mesh. */
  Peer: 5,
  /** A stream or service import: routes the message again, only where it was published. */
  Import: 6,
  /**
   * A leafnode connection to this server's hub (this server is the spoke: nats-server
   * `isSpokeLeafNode`, a solicited remote without `hub: true`).
   */
  Hub: 7,
} as const;
export type Kind = typeof Kind[keyof typeof Kind];

const KIND_COUNT = 8;
const K = Kind;

/**
 * `[from, [to, ...]]`: the receiver kinds a message that arrived from a connection of kind `from`
 * may be delivered to (nats-server client.go processMsgResults, route.go, gateway.go):
 * - from a client or an internal connection: everything (imports act here, where it was
 *   published);
 * - from a route: this server's own receivers (clients, internal, and in the route worker the
 *   shards holding them) and the leafs it is the hub of, never another route, a gateway or its
 *   own hub (client.go processMsgResults: `c.kind != ROUTER || sub.client.isHubLeafNode()`),
 *   never an import (the publishing server acted on it);
 * - from a gateway: local receivers, routes and leafs, never another gateway;
 * - from a leaf of ours: like a client (imports included), every other kind;
 * - from our hub: like a leaf but never a route (client.go: a solicited leafnode's messages
 *   are not routed; the hub reaches the other servers of this cluster itself);
 * - from a mesh peer: this worker's receivers, never another peer (each worker delivers to its
 *   own), never an import (acted on where published). In a link worker these are its links.
 */
const RULES: readonly (readonly [Kind, readonly Kind[]])[] = [
  [K.Client, [K.Client, K.Internal, K.Route, K.Gateway, K.Leaf, K.Hub, K.Peer, K.Import]],
  [K.Internal, [K.Client, K.Internal, K.Route, K.Gateway, K.Leaf, K.Hub, K.Peer, K.Import]],
  [K.Route, [K.Client, K.Internal, K.Leaf, K.Peer]],
  [K.Gateway, [K.Client, K.Internal, K.Route, K.Leaf, K.Hub, K.Peer]],
  [K.Leaf, [K.Client, K.Internal, K.Route, K.Gateway, K.Leaf, K.Hub, K.Peer, K.Import]],
  [K.Hub, [K.Client, K.Internal, K.Gateway, K.Leaf, K.Hub, K.Peer, K.Import]],
  [K.Peer, [K.Client, K.Internal, K.Route, K.Gateway, K.Leaf, K.Hub]],
  [K.Import, []],
];

/** `DELIVERY[from * KIND_COUNT + to]` is 1 when a message from `from` may reach `to`. */
export const DELIVERY: Uint8Array = (() => {
  const table = new Uint8Array(KIND_COUNT * KIND_COUNT);
  for (const [from, tos] of RULES) for (const to of tos) table[from * KIND_COUNT + to] = 1;
  return table;
})();

/**
 * Whether a message that came from a `from` connection may be delivered to a `to` receiver.
 *
 * @example
 * ```ts
 * import { Kind, mayDeliver } from "./receiver.ts";
 * if (mayDeliver(Kind.Route, Kind.Route)) throw new Error("routes never forward to routes");
 * if (!mayDeliver(Kind.Client, Kind.Route)) throw new Error("clients reach routes");
 * ```
 */
export function mayDeliver(from: Kind, to: Kind): boolean {
  return DELIVERY[from * KIND_COUNT + to] === 1;
}

/**
 * `[from, [to, ...]]`: queue members of these receiver kinds get a message from `from` only
 * when no other member of the group took it (client.go processMsgResults: a message from a
 * client or a leaf prefers any local or routed member over a leafnode one; one from a route
 * prefers local members, then leafs). This keeps queue traffic on the local side of a leafnode
 * link and fails over across it when no local member is left.
 */
const QUEUE_FALLBACK_RULES: readonly (readonly [Kind, readonly Kind[]])[] = [
  [K.Client, [K.Leaf, K.Hub]],
  [K.Internal, [K.Leaf, K.Hub]],
  [K.Route, [K.Leaf]],
  [K.Leaf, [K.Leaf, K.Hub]],
  [K.Hub, [K.Leaf, K.Hub]],
  // A link worker: a shard's message (its own members were first) prefers routes to leafs.
  [K.Peer, [K.Leaf, K.Hub]],
];

/** `QUEUE_FALLBACK[from * KIND_COUNT + to]` is 1 when `to` members are a last resort. */
export const QUEUE_FALLBACK: Uint8Array = (() => {
  const table = new Uint8Array(KIND_COUNT * KIND_COUNT);
  for (const [from, tos] of QUEUE_FALLBACK_RULES) {
    for (const to of tos) table[from * KIND_COUNT + to] = 1;
  }
  return table;
})();

/** Row offset of `from` in {@link DELIVERY} (hot loops index the table directly). */
export function deliveryRow(from: Kind): number {
  return from * KIND_COUNT;
}

/** Something that receives messages for its sublist entries. */
export interface Receiver {
  readonly cid: number;
  readonly closed: boolean;
  /** What it is, for the {@link DELIVERY} rules. */
  readonly kind: Kind;
  /**
   * Takes one message for `entry` (already matched). Returns false when it declined
   * (closed, max reached, filtered), so a queue group can try another member.
   */
  receive(entry: SublistEntry, op: MsgOp): boolean;
}

/**
 * A sender that names the leafnode cluster its messages come from (a leaf link with a remote
 * cluster, a route relaying an LMSG): leafs of that cluster never get them back.
 */
export interface OriginCluster {
  readonly originCluster: string;
}

/** The origin cluster of `sender`'s current message, or "" (client.go `pa.origin`). */
export function originOf(sender: Receiver | null): string {
  return (sender as Partial<OriginCluster> | null)?.originCluster ?? "";
}

/** What the fan-out needs of every sublist entry. */
export interface SublistEntry extends SubscriptionLike {
  readonly owner: Receiver;
  /**
   * Members this entry stands for in a queue group: 1 for a local subscription, the peer's
   * member count for a remote-interest entry (nats-server route queue weight).
   */
  weight: number;
}
