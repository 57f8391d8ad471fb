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
  Leaf: 4,
  /** Another worker of this server (shard or link worker), through the ring mesh. */
  Peer: 5,
  /** A stream or service import: routes the message again, only where it was published. */
  Import: 6,
} as const;
export type Kind = typeof Kind[keyof typeof Kind];

const KIND_COUNT = 7;
const K = Kind;

/**
 * `[from, [to, ...]]`: the receiver kinds a message that arrived from a connection of kind `from`
 * may be delivered to (nats-server client.go processMsgResults, route.go, gateway.go):
 * - from a client or an internal connection: everything (imports act here, where it was
 *   published);
 * - from a route: this server's own receivers (clients, internal, and in the route worker the
 *   shards holding them), never another route or a gateway, never an import (the publishing
 *   server acted on it). Leaf nodes get routed messages only in cases the leaf kind will decide;
 *   until then, not at all;
 * - from a gateway: local receivers, routes and leafs, never another gateway;
 * - from a leaf: like a client (imports included), every other kind;
 * - from a mesh peer: this worker's receivers, never another peer (each worker delivers to its
 *   own), never an import (acted on where published). In a link worker these are its links.
 */
const RULES: readonly (readonly [Kind, readonly Kind[]])[] = [
  [K.Client, [K.Client, K.Internal, K.Route, K.Gateway, K.Leaf, K.Peer, K.Import]],
  [K.Internal, [K.Client, K.Internal, K.Route, K.Gateway, K.Leaf, K.Peer, K.Import]],
  [K.Route, [K.Client, K.Internal, K.Peer]],
  [K.Gateway, [K.Client, K.Internal, K.Route, K.Leaf, K.Peer]],
  [K.Leaf, [K.Client, K.Internal, K.Route, K.Gateway, K.Leaf, K.Peer, K.Import]],
  [K.Peer, [K.Client, K.Internal, K.Route, K.Gateway, K.Leaf]],
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

/** What the fan-out needs of every sublist entry. */
export interface SublistEntry extends SubscriptionLike {
  readonly owner: Receiver;
  /**
   * Members this entry stands for in a queue group: 1 for a local subscription, the peer's
   * member count for a remote-interest entry (nats-server route queue weight).
   */
  weight: number;
}
