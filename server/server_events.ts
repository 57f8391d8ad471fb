/**
 * @module
 * What a `Server` tells the code around it: local interest changes (to its listeners) and, in a
 * sharded server's worker, closed connections and the client INFO tail (to the worker shell).
 */
import type { Account } from "./accounts/account.ts";
import type { ClientConnection } from "./client/client.ts";
import type { Subscription } from "./client/subscription.ts";

/** A listener of local interest changes (see {@link Server.onInterest}). */
export type InterestListener = (account: Account, sub: Subscription, delta: 1 | -1) => void;

/** What the worker shell around a sharded server's worker wants to hear of. */
export interface ServerEvents {
  /** A client connection closed (a shard hands it to the main isolate's closed list). */
  clientClosed?(client: ClientConnection): void;
  /** The client INFO tail changed (the route worker relays it to the shards). */
  clientInfoChanged?(tail: string, notify: boolean): void;
}

/** One NATS server running in this isolate. */
