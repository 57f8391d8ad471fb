/**
 * @module
 * Other workers' interest as events, for the JetStream worker: a push consumer starts as soon as
 * its subscriber comes, also when that subscriber is a client of a shard (its SUB reaches the
 * JetStream worker as mesh interest, not as a local subscription). The worker shell reports
 * each mesh SUB/UNSUB; JetStream listens beside the server's local `onInterest`.
 * PURE: no Deno APIs, timers or console output. Runs in the JetStream worker.
 */
import type { Account } from "../accounts/account.ts";

/** A listener of interest changes (the shape JetStream's consumers watch with). */
export type PeerInterestListener = (
  account: Account,
  sub: { readonly subject: string },
  delta: 1 | -1,
) => void;

/**
 * Listeners of other workers' interest changes.
 *
 * @example
 * ```ts
 * import { Account } from "../accounts/account.ts";
 * import { PeerInterest } from "./peer_interest.ts";
 * const peers = new PeerInterest();
 * const seen: string[] = [];
 * const stop = peers.watch((_a, sub, delta) => seen.push(`${sub.subject} ${delta}`));
 * peers.changed(new Account("A"), "dlv", 2);
 * stop();
 * peers.changed(new Account("A"), "dlv", -2);
 * if (seen.join() !== "dlv 1") throw new Error(seen.join());
 * ```
 */
export class PeerInterest {
  readonly #listeners = new Set<PeerInterestListener>();

  /** Registers `listener`; returns the function that removes it. */
  watch = (listener: PeerInterestListener): () => void => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Another worker's interest in `subject` changed by the signed weight `delta`. */
  changed(account: Account, subject: string, delta: number): void {
    if (delta === 0 || this.#listeners.size === 0) return;
    const sub = { subject };
    for (const listener of [...this.#listeners]) listener(account, sub, delta > 0 ? 1 : -1);
  }
}
