/**
 * @module
 * One route's interest (nats-server route.go processRemoteSub / processRemoteUnsub): the RS+ it
 * accepts become entries of a {@link RemoteInterest} owned by the route link, keyed by
 * `<account> <subject>[ <queue>]` as RS- names them; RS+ again updates a queue weight
 * (`UpdateRemoteQSub`). The route's own rules stay here: unknown accounts and subjects the
 * cluster `permissions.export` forbids are refused, and in the route worker of a sharded server
 * every change is told to a listener that relays it into the worker mesh.
 * PURE: no Deno APIs, timers or console output. Runs in whichever isolate owns the route sockets.
 */
import type { Account } from "../../accounts/account.ts";
import type { ClientPermissions } from "../../client/permissions.ts";
import { type RemoteEntry, RemoteInterest } from "../../interest/remote_interest.ts";
import type { Receiver } from "../../routing/receiver.ts";
import type { RouteSubArgs } from "./route_protocol.ts";

const enc = new TextEncoder();

/**
 * The weight a route's interest stands for in the worker mesh of a sharded server: 1 for plain
 * interest, the remote member count (at least 1) for a queue group.
 */
export function meshWeight(
  sub: { readonly queue: string | null; readonly weight: number },
): number {
  return sub.queue === null ? 1 : Math.max(1, sub.weight);
}

/** Told of every change of a route's interest (`delta`: signed {@link meshWeight} change). */
export type RemoteInterestListener = (account: Account, sub: RemoteEntry, delta: number) => void;

/** Why an RS+ was not recorded (route.go processRemoteSub). */
export const RemoteSubRefusal = {
  /** The account does not exist here: logged, the route stays. */
  UnknownAccount: "unknown_account",
  /** Cluster `permissions.export` does not allow the subject: ignored. */
  NotExported: "not_exported",
} as const;
export type RemoteSubRefusal = typeof RemoteSubRefusal[keyof typeof RemoteSubRefusal];

/** One route's RS+ entries in the account sublists (`/routez` lists them). */
export class RouteSubs {
  readonly #owner: Receiver;
  readonly #account: (name: string) => Account | null;
  readonly #permissions: ClientPermissions | null;
  readonly #table = new RemoteInterest();
  readonly #listener: RemoteInterestListener | null;

  constructor(
    owner: Receiver,
    account: (name: string) => Account | null,
    permissions: ClientPermissions | null,
    listener: RemoteInterestListener | null = null,
  ) {
    this.#owner = owner;
    this.#account = account;
    this.#permissions = permissions;
    this.#listener = listener;
  }

  get size(): number {
    return this.#table.size;
  }

  values(): IterableIterator<RemoteEntry> {
    return this.#table.entries();
  }

  /** Records an RS+. Throws when the sublist rejects the subject (then nothing is held). */
  add(r: RouteSubArgs): RemoteSubRefusal | null {
    const acc = this.#account(r.account);
    if (acc === null) return RemoteSubRefusal.UnknownAccount;
    if (this.#permissions !== null && !this.#permissions.canSubscribe(r.subject, null)) {
      return RemoteSubRefusal.NotExported;
    }
    const weight = Math.max(0, r.weight);
    const table = this.#table;
    const held = table.get(this.#owner, r.key);
    if (held !== undefined) {
      if (r.queue !== null) {
        const before = meshWeight(held);
        table.setWeight(held, weight);
        const after = meshWeight(held);
        if (after !== before) this.#listener?.(acc, held, after - before);
      }
      return null;
    }
    const queueBytes = r.queue === null ? undefined : enc.encode(r.queue);
    const sub = table.add(
      this.#owner,
      acc,
      r.key,
      r.subject,
      r.subjectBytes,
      r.queue,
      queueBytes,
      weight,
    );
    this.#listener?.(acc, sub, meshWeight(sub));
    return null;
  }

  /** Drops the entry an RS- names, if held. */
  remove(key: string): void {
    const sub = this.#table.get(this.#owner, key);
    if (sub === undefined) return;
    this.#table.remove(sub);
    this.#listener?.(sub.account, sub, -meshWeight(sub));
  }

  /** Drops everything (the route closed); returns the count removed per account. */
  clear(): Map<string, number> {
    const counts = new Map<string, number>();
    const byAccount = new Map<Account, RemoteEntry[]>();
    for (const sub of this.#table.removeOwner(this.#owner)) {
      const list = byAccount.get(sub.account);
      if (list === undefined) byAccount.set(sub.account, [sub]);
      else list.push(sub);
    }
    for (const [acc, list] of byAccount) {
      if (this.#listener) { for (const sub of list) this.#listener(acc, sub, -meshWeight(sub)); }
      counts.set(acc.name, list.length);
    }
    return counts;
  }
}
