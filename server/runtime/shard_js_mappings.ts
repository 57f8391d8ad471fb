/**
 * @module
 * A JetStream domain's subject mappings in a shard of a sharded server: nats-server maps
 * `$JS.<domain>.API.>` (and its `$KV.>`/`$OBJ.>` forms) for every account with JetStream on,
 * and mappings act where a message is published, which in a sharded server is the publisher's
 * shard, not the JetStream worker. The accounts are chosen as `server/jetstream/enable.ts`
 * serves them: the global account when no accounts are configured, else each configured account
 * with `jetstream` on but the system account (accounts of JWTs are not mapped here yet).
 * Runs in a shard worker.
 */
import { type Account, GLOBAL_ACCOUNT } from "../accounts/account.ts";
import type { AccountConfig } from "../accounts/account_config.ts";
import { addJsDomainMappings } from "../jetstream/domain_mappings.ts";
import type { ServerOptions } from "../options.ts";
import { configuredSystemAccount } from "../system/system_service.ts";

/** What the mappings need of a shard's server. */
export interface MappedServer {
  readonly options: ServerOptions;
  readonly auth: {
    readonly accounts: ReadonlyMap<string, AccountConfig>;
    readonly trust: { readonly systemAccount: string | undefined };
  };
  bindAccount(name: string): Account;
}

/** Adds the JetStream domain's mappings to the shard's JetStream accounts (none without one). */
export function addShardJsDomainMappings(server: MappedServer): void {
  const cfg = server.options.jetstreamConfig;
  const domain = cfg?.domain ?? "";
  if (!cfg?.enabled || domain === "") return;
  const system = configuredSystemAccount(server.options, server.auth.trust.systemAccount);
  const configured = [...server.auth.accounts.values()].filter((a) => a.name !== system);
  if (configured.length === 0) {
    addJsDomainMappings(server.bindAccount(GLOBAL_ACCOUNT), domain);
    return;
  }
  for (const a of configured) {
    if (a.jetstreamLimits !== null) addJsDomainMappings(server.bindAccount(a.name), domain);
  }
}
