/**
 * @module
 * The accounts of one server in this isolate: the global account, the configured ones with their
 * subject mappings, and those bound on first use (operator/JWT users), plus the stream and
 * service imports wired into their sublists. Built by `server.ts`; runs wherever it does.
 */
import { Account, GLOBAL_ACCOUNT } from "./accounts/account.ts";
import type { Authenticator } from "./accounts/auth.ts";
import { resolveImports } from "./accounts/imports.ts";
import { type WiredImports, wireImports } from "./accounts/import_routing.ts";
import { compileMappings } from "./accounts/mapping.ts";
import type { ServerOptions } from "./options.ts";
import type { FanOut } from "./routing/fan_out.ts";

/** Accounts by name, created from the config and on first use. */
export class AccountRegistry {
  readonly #accounts = new Map<string, Account>();
  /** The imports' data-path receivers (response routers need sweeping). */
  readonly imports: WiredImports;
  /** Told of every account created after start-up (the system account's imports). */
  onAdded: ((account: Account) => void) | null = null;

  /**
   * Creates the global and configured accounts with their mappings and wires their imports;
   * `tag` makes this worker's `_R_.` replies distinct from other workers'.
   */
  constructor(
    options: ServerOptions,
    auth: Authenticator,
    fanOut: FanOut,
    now: () => number,
    tag: string,
  ) {
    this.#accounts.set(GLOBAL_ACCOUNT, new Account(GLOBAL_ACCOUNT));
    const configs = auth.accounts;
    for (const name of configs.keys()) {
      if (!this.#accounts.has(name)) this.#accounts.set(name, new Account(name));
    }
    const cluster = options.clusterConfig?.name ?? "";
    this.#accounts.get(GLOBAL_ACCOUNT)!.mappings = compileMappings(options.mappings, cluster);
    for (const c of configs.values()) {
      this.#accounts.get(c.name)!.mappings = compileMappings(c.mappings, cluster);
    }
    const imports = resolveImports([...configs.values()], now());
    this.imports = wireImports(this.#accounts, imports, tag, now, () => {}, fanOut);
  }

  /** Account by name; undefined name = the global account. Null if unknown. */
  get(name?: string): Account | null {
    return this.#accounts.get(name ?? GLOBAL_ACCOUNT) ?? null;
  }

  /**
   * The account a user is bound to, created on first use (accounts of operator/JWT users are
   * known only when they connect).
   */
  bind(name: string): Account {
    let account = this.#accounts.get(name);
    if (!account) {
      account = new Account(name);
      this.#accounts.set(name, account);
      this.onAdded?.(account);
    }
    return account;
  }

  /** Every account, in creation order. */
  all(): IterableIterator<Account> {
    return this.#accounts.values();
  }
}
