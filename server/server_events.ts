/**
 * @module
 * What a `Server` tells the code around it: local interest changes (to its listeners, kept by
 * {@link InterestListeners}) and, in a sharded server's worker, closed connections and the client
 * INFO tail (to the worker shell).
 */
import type { Account } from "./accounts/account.ts";
import type { ClientConnection } from "./client/client.ts";
import type { Subscription } from "./client/subscription.ts";

/** A listener of local interest changes (see {@link Server.onInterest}). */
export type InterestListener = (account: Account, sub: Subscription, delta: 1 | -1) => void;

/** The listeners of one server's local interest changes, told in registration order. */
export class InterestListeners {
  readonly #list: InterestListener[] = [];

  /** Adds `listener`; returns the function that removes it. */
  add(listener: InterestListener): () => void {
    this.#list.push(listener);
    return () => {
      const i = this.#list.indexOf(listener);
      if (i >= 0) this.#list.splice(i, 1);
    };
  }

  notify(account: Account, sub: Subscription, delta: 1 | -1): void {
    const list = this.#list;
    for (let i = 0; i < list.length; i++) list[i](account, sub, delta);
  }
}

/** What the worker shell around a sharded server's worker wants to hear of. */
export interface ServerEvents {
  /** A client connection closed (a shard hands it to the main isolate's closed list). */
  clientClosed?(client: ClientConnection): void;
  /** The client INFO tail changed (the route worker relays it to the shards). */
  clientInfoChanged?(tail: string, notify: boolean): void;
}

/** One NATS server running in this isolate. */
