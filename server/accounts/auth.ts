/**
 * @module
 * Baseline client authentication (nats-server auth.go): single user/password, token, a users
 * list and `no_auth_user`. Plain or bcrypt (`$2a$`...) secrets. Runs where connections are owned.
 */
import bcrypt from "bcryptjs";
import type { Permissions, ServerOptions, UserOptions } from "../options.ts";

/** The credential fields of a CONNECT. */
export interface ConnectCredentials {
  user?: string;
  pass?: string;
  auth_token?: string;
  nkey?: string;
  jwt?: string;
  sig?: string;
}

/** Outcome of a successful authentication. */
export interface AuthResult {
  user?: UserOptions;
  permissions?: Permissions;
  account?: string;
}

const BCRYPT_PREFIX = /^\$2[abxy]?\$/;

/** True when a secret is a bcrypt hash (nats-server `isBcrypt`). */
export function isBcrypt(secret: string): boolean {
  return BCRYPT_PREFIX.test(secret);
}

/** Authenticates clients against the configured options. */
export class Authenticator {
  #opts: ServerOptions;
  #users = new Map<string, UserOptions>();
  /** bcrypt results, so a reconnecting client does not pay the hash again. */
  #bcryptCache = new Map<string, boolean>();

  constructor(opts: ServerOptions) {
    this.#opts = opts;
    for (const u of opts.users ?? []) {
      if (u.user !== undefined) this.#users.set(u.user, u);
    }
  }

  /** True when clients must authenticate (INFO `auth_required`). */
  get required(): boolean {
    const o = this.#opts;
    return this.#users.size > 0 || o.authorizationToken !== undefined ||
      o.username !== undefined;
  }

  /** True when INFO must carry a `nonce` for the client to sign (nkeys, JWT). */
  get needsNonce(): boolean {
    return false;
  }

  /**
   * Checks a CONNECT's credentials; null means `Authorization Violation`. `nonce` is the one
   * sent in this connection's INFO (when {@link needsNonce}).
   */
  authenticate(c: ConnectCredentials, _nonce?: string): AuthResult | null {
    const o = this.#opts;
    if (this.#users.size > 0) {
      let user: UserOptions | undefined;
      const noCreds = !c.user && !c.pass && !c.auth_token && !c.nkey && !c.jwt;
      if (noCreds && o.noAuthUser) {
        user = this.#users.get(o.noAuthUser);
        if (!user) return null;
        return this.#result(user);
      }
      if (c.user === undefined) return null;
      user = this.#users.get(c.user);
      if (!user || !this.#compare(c.pass ?? "", user.password ?? "")) return null;
      return this.#result(user);
    }
    if (o.authorizationToken !== undefined) {
      if (!this.#compare(c.auth_token ?? "", o.authorizationToken)) return null;
      return { permissions: o.defaultPermissions };
    }
    if (o.username !== undefined) {
      if (c.user !== o.username || !this.#compare(c.pass ?? "", o.password ?? "")) return null;
      return { permissions: o.defaultPermissions };
    }
    return { permissions: o.defaultPermissions };
  }

  #result(user: UserOptions): AuthResult {
    return {
      user,
      permissions: user.permissions ?? this.#opts.defaultPermissions,
      account: user.account,
    };
  }

  #compare(given: string, secret: string): boolean {
    if (!isBcrypt(secret)) return timingSafeEqual(given, secret);
    const key = secret + "\u0000" + given;
    let ok = this.#bcryptCache.get(key);
    if (ok === undefined) {
      ok = bcrypt.compareSync(given, secret);
      if (this.#bcryptCache.size > 1024) this.#bcryptCache.clear();
      this.#bcryptCache.set(key, ok);
    }
    return ok;
  }
}

function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}
