// deno-lint-ignore-file no-import-prefix -- full npm: specifiers (pinned as in deno.json) let a
// script with no deno.json import mod.ts from anywhere; tests/e2e/embedding_test.ts checks both.
/**
 * @module
 * bcrypt password checks, with the npm module loaded only when a configured secret is a bcrypt
 * hash: loading any npm module costs several MB of memory at startup.
 */
import type { ServerOptions } from "../options.ts";
import { loadNkeySupport } from "./nkey.ts";
import { prepareTransports } from "../transport/tls_loader.ts";

interface BcryptLib {
  compareSync(password: string, hash: string): boolean;
}

let lib: BcryptLib | null = null;

const BCRYPT_PREFIX = /^\$2[abxy]?\$/;

/** True when a secret is a bcrypt hash (nats-server `isBcrypt`). */
export function isBcrypt(secret: string): boolean {
  return BCRYPT_PREFIX.test(secret);
}

/** Loads the bcrypt implementation. */
export async function loadBcrypt(): Promise<void> {
  lib ??= (await import("npm:bcryptjs@3.0.3")).default as BcryptLib;
}

/** Compares a password with a bcrypt hash; {@link loadBcrypt} must have run. */
export function bcryptCompareSync(password: string, hash: string): boolean {
  if (lib === null) throw new Error("bcrypt is not loaded (await loadBcrypt())");
  return lib.compareSync(password, hash);
}

/** True when any secret in these options is a bcrypt hash. */
export function optionsUseBcrypt(o: Partial<ServerOptions>): boolean {
  const secrets = [o.password, o.authorizationToken, ...(o.users ?? []).map((u) => u.password)];
  return secrets.some((s) => typeof s === "string" && isBcrypt(s));
}

/** True when these options may verify nkey signatures (nkey users, operators, JWTs). */
export function optionsUseNkeys(o: Partial<ServerOptions>): boolean {
  if ((o.users ?? []).some((u) => u.nkey !== undefined)) return true;
  if (o.operator !== undefined || (o.trustedKeys?.length ?? 0) > 0) return true;
  if (o.resolverPreload !== undefined) return true;
  // Leafnode remotes with `credentials` sign the hub's nonce.
  if (o.leafnodeConfig?.remotes.some((r) => r.credentials !== "")) return true;
  return o.accounts !== undefined && JSON.stringify(o.accounts).includes('"nkey"');
}

/** Loads what authentication with these options needs, before the server starts or reloads. */
export async function prepareAuth(o: Partial<ServerOptions>): Promise<void> {
  const ws = o.websocket as Partial<ServerOptions> | undefined;
  if (optionsUseBcrypt(o) || (ws !== undefined && optionsUseBcrypt(ws))) await loadBcrypt();
  if (optionsUseNkeys(o)) await loadNkeySupport();
  await prepareTransports(o);
}
