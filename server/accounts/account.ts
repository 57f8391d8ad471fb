/**
 * @module
 * An account: its own subject space (one sublist) and the connections bound to it.
 * Imports/exports and limits arrive with the accounts issue. Runs in the isolate that owns
 * the connections.
 */
import { Sublist } from "../sublist/sublist.ts";
import type { SublistEntry } from "../routing/receiver.ts";
import type { AccountMappings } from "./mapping.ts";

/** Name of the default (global) account, as nats-server. */
export const GLOBAL_ACCOUNT = "$G";

/** One account's subject space. */
export class Account {
  readonly name: string;
  readonly sublist: Sublist<SublistEntry>;
  /** Client connections bound to this account now (account `max_connections`). */
  connections = 0;
  /** Subject mappings applied to messages published into the account; null when none. */
  mappings: AccountMappings | null = null;
  /**
   * Whether another account imports a stream from this one (its sublist then holds stream
   * import entries, which are subscribers only while the importer has matching interest).
   */
  exportsStreams = false;

  constructor(name: string, opts: { cache?: boolean } = {}) {
    this.name = name;
    this.sublist = new Sublist<SublistEntry>({ cache: opts.cache ?? true });
  }
}
