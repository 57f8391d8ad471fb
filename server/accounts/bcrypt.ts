/**
 * @module
 * bcrypt password checks, with the npm module loaded only when a configured secret is a bcrypt
 * hash: loading any npm module costs several MB of memory at startup.
 */
import type { ServerOptions } from "../options.ts";

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
  lib ??= (await import("bcryptjs")).default as BcryptLib;
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

/** Loads what authentication with these options needs, before the server starts or reloads. */
export async function prepareAuth(o: Partial<ServerOptions>): Promise<void> {
  if (optionsUseBcrypt(o)) await loadBcrypt();
}
