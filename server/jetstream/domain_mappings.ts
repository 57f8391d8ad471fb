/**
 * @module
 * The subject mappings a JetStream domain gives every account with JetStream on (nats-server
 * 2.9.10 jetstream.go enableAllJetStreamServiceImportsAndMappings, jetstream_api.go
 * generateJSMappingTable): `$JS.<domain>.API.<x>` is published as `$JS.API.<x>`, and
 * `$JS.<domain>.API.$KV.>` / `$OBJ.>` as `$KV.>` / `$OBJ.>`, so a KV put or object store write
 * addressed to a domain (a mirror's `external.api`, a client with `domain`) reaches the bucket's
 * stream. The account's own mappings of the same source win. Runs in the isolate that owns the
 * connections.
 */
import type { Account } from "../accounts/account.ts";
import { AccountMappings, Mapping } from "../accounts/mapping.ts";
import { jsDomainMappings } from "./api/api_subjects.ts";

/**
 * Adds `domain`'s JetStream mappings to `account` (after its configured ones); nothing when
 * `domain` is "".
 *
 * @example
 * ```ts
 * import { Account } from "../accounts/account.ts";
 * import { addJsDomainMappings } from "./domain_mappings.ts";
 * const a = new Account("A");
 * addJsDomainMappings(a, "hub");
 * if (a.mappings?.select("$JS.hub.API.$KV.B.k") !== "$KV.B.k") throw new Error();
 * ```
 */
export function addJsDomainMappings(account: Account, domain: string): void {
  if (domain === "") return;
  const list = jsDomainMappings(domain).map(({ from, to }) =>
    new Mapping(from, [{ subject: to, weight: 100, cluster: "" }])
  );
  account.mappings = (account.mappings ?? new AccountMappings([])).withDefaults(list);
}
