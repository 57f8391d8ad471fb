/**
 * @module
 * Client authentication (nats-server server/auth.go configureAuthorization,
 * processClientOrLeafAuthentication; behaviour only): operator mode (user JWTs, see
 * `jwt_auth.ts`), NKey users signing the INFO nonce, a users list with `no_auth_user`, a single
 * user/password and a token. Plain or bcrypt (`$2a$`...) secrets. Users are bound to their
 * account. Runs where connections are owned.
 */
import type { Permissions, ServerOptions, UserOptions } from "../options.ts";
import { type AccountConfig, type AccountLimits, buildAccountConfigs } from "./account_config.ts";
import { combineLimits, type ConnectionLimits } from "./conn_limits.ts";
import { authenticateJwt, connectionTypeAllowed } from "./jwt_auth.ts";
import { bcryptCompareSync, isBcrypt } from "./bcrypt.ts";
import { verifyNonceSignature } from "./nkey.ts";
import { Trust } from "./trust.ts";
import { mapCertificateTo } from "../transport/cert_map.ts";
import type { PeerCertificate } from "../transport/x509_der.ts";

export type { ConnectionLimits };

/** The credential fields of a CONNECT. */
export interface ConnectCredentials {
  user?: string;
  pass?: string;
  auth_token?: string;
  nkey?: string;
  jwt?: string;
  sig?: string;
  /**
   * Set by a TLS transport whose listener has `verify_and_map`: the client certificate (null
   * when none was presented). The user is then taken from the certificate.
   */
  tlsCert?: PeerCertificate | null;
}

/** The connection being authenticated. */
export interface ConnectionInfo {
  /** nats-server connection type: STANDARD (default), WEBSOCKET, LEAFNODE, MQTT, ... */
  type: string;
  /** Remote IP, for user JWT `src` restrictions ("" when unknown). */
  host: string;
}

/** Outcome of a successful authentication. */
export interface AuthResult {
  user?: UserOptions;
  permissions?: Permissions;
  /** Account name: config account, or the account public key in operator mode. */
  account?: string;
  /** Public key of an NKey or JWT user (nats-server `c.pubKey`). */
  nkey?: string;
  /** User JWT `name`. */
  name?: string;
  /** User JWT tags. */
  tags?: string[];
  /** The account signing key that issued the user JWT, when not the account key. */
  signingKey?: string;
  /**
   * Epoch ms when the user's JWT (`exp`) or connect window (`times`) ends: at that time send
   * `-ERR 'User Authentication Expired'` and close (nats-server `authExpired`). Undefined: never.
   */
  expiresAt?: number;
  /**
   * Epoch ms when the account JWT expires: send `-ERR 'Account Authentication Expired'` and
   * close (nats-server `accountAuthExpired`). Undefined: never.
   */
  accountExpiresAt?: number;
  /** Effective per-connection limits (user, account and server combined; -1 = unlimited). */
  limits?: ConnectionLimits;
  /** The account's limits; `maxConnections` is checked when the client joins the account. */
  accountLimits?: AccountLimits;
  /** Lines nats-server logs at error level for this connection (limit overrides). */
  notes?: string[];
}

/** Result of {@link Authenticator.check}: the result, or why it failed (debug text). */
export type AuthOutcome = { ok: true; result: AuthResult } | { ok: false; reason: string };

export { isBcrypt };

const STANDARD: ConnectionInfo = { type: "STANDARD", host: "" };

/** Options of {@link Authenticator}. */
export interface AuthenticatorOptions {
  /** Clock in epoch ms (tests inject one). */
  now?: () => number;
}

/** Authenticates clients against the configured options. */
export class Authenticator {
  #opts: ServerOptions;
  #users = new Map<string, UserOptions>();
  #nkeys = new Map<string, UserOptions>();
  #accounts = new Map<string, AccountConfig>();
  #trust: Trust;
  #now: () => number;
  #configErrors: string[];
  /** bcrypt results, so a reconnecting client does not pay the hash again. */
  #bcryptCache = new Map<string, boolean>();

  constructor(opts: ServerOptions, options: AuthenticatorOptions = {}) {
    this.#opts = opts;
    this.#now = options.now ?? Date.now;
    for (const u of opts.users ?? []) {
      if (u.nkey !== undefined) this.#nkeys.set(u.nkey, u);
      else if (u.user !== undefined) this.#users.set(u.user, u);
    }
    const built = buildAccountConfigs(opts);
    for (const account of built.accounts) this.#accounts.set(account.name, account);
    this.#trust = new Trust(opts, this.#now);
    const config = [...built.errors, ...this.#trust.phaseErrors.config];
    this.#configErrors = config.length > 0 ? config : this.#trust.errors;
  }

  /** Startup errors nats-server would refuse to start with (its texts, no file position). */
  get configErrors(): readonly string[] {
    return this.#configErrors;
  }

  /** Startup warnings (operator mode without a system account, invalid preloads...). */
  get warnings(): readonly string[] {
    return this.#trust.warnings;
  }

  /** Operator-mode state: operators, resolver, verified account JWTs. */
  get trust(): Trust {
    return this.#trust;
  }

  /** The configured accounts (`accounts {}`), typed. */
  get accounts(): ReadonlyMap<string, AccountConfig> {
    return this.#accounts;
  }

  /** True when clients must authenticate (INFO `auth_required`). */
  get required(): boolean {
    const o = this.#opts;
    return this.#trust.enabled || this.#users.size > 0 || this.#nkeys.size > 0 ||
      o.authorizationToken !== undefined || o.username !== undefined;
  }

  /** True when INFO must carry a `nonce` for the client to sign (NKey users, operator mode). */
  get needsNonce(): boolean {
    return this.#nkeys.size > 0 || this.#trust.enabled;
  }

  /**
   * Checks a CONNECT's credentials; null means `Authorization Violation`. `nonce` is the one
   * sent in this connection's INFO (when {@link needsNonce}).
   */
  authenticate(
    c: ConnectCredentials,
    nonce?: string,
    conn: ConnectionInfo = STANDARD,
  ): AuthResult | null {
    const outcome = this.check(c, nonce, conn);
    return outcome.ok ? outcome.result : null;
  }

  /** Like {@link authenticate}, with the reason of a failure (nats-server's debug text). */
  check(c: ConnectCredentials, nonce?: string, conn: ConnectionInfo = STANDARD): AuthOutcome {
    const o = this.#opts;
    if (!this.required) return this.#ok({ permissions: o.defaultPermissions });
    if (this.#trust.enabled) {
      return authenticateJwt(this.#trust, o, c, nonce, conn, this.#now());
    }
    if (this.#nkeys.size > 0 && c.nkey) {
      const user = this.#nkeys.get(c.nkey);
      if (!user || !connectionTypeAllowed(user.allowedConnectionTypes, conn.type)) {
        return { ok: false, reason: `Nkey ${JSON.stringify(c.nkey)} not found or not allowed` };
      }
      if (!c.sig) return { ok: false, reason: "Signature missing" };
      if (nonce === undefined || !verifyNonceSignature(c.nkey, nonce, c.sig)) {
        return { ok: false, reason: "Signature not verified" };
      }
      return this.#userResult(user, { nkey: c.nkey });
    }
    if (this.#users.size > 0 && c.tlsCert !== undefined) {
      const mapped = mapCertificateTo(
        c.tlsCert,
        this.#users,
        (u) => connectionTypeAllowed(u.allowedConnectionTypes, conn.type),
      );
      if (!mapped.user) return { ok: false, reason: mapped.reason };
      if (!this.#compare(c.pass ?? "", mapped.user.password ?? "")) {
        return { ok: false, reason: "password mismatch" };
      }
      return this.#userResult(mapped.user, {});
    }
    if (this.#users.size > 0) {
      let name = c.user;
      let pass = c.pass;
      if (o.noAuthUser && !c.user && !c.pass && !c.auth_token) {
        const fallback = this.#users.get(o.noAuthUser);
        if (fallback) {
          name = fallback.user;
          pass = fallback.password;
        }
      }
      if (name) {
        const user = this.#users.get(name);
        if (!user || !connectionTypeAllowed(user.allowedConnectionTypes, conn.type)) {
          return { ok: false, reason: `User ${JSON.stringify(name)} not found or not allowed` };
        }
        if (!this.#compare(pass ?? "", user.password ?? "")) {
          return { ok: false, reason: "password mismatch" };
        }
        return this.#userResult(user, {});
      }
    }
    if (o.authorizationToken !== undefined) {
      if (!this.#compare(c.auth_token ?? "", o.authorizationToken)) {
        return { ok: false, reason: "token mismatch" };
      }
      return this.#ok({ permissions: o.defaultPermissions });
    }
    if (o.username !== undefined) {
      if (c.user !== o.username || !this.#compare(c.pass ?? "", o.password ?? "")) {
        return { ok: false, reason: "user/password mismatch" };
      }
      return this.#ok({ permissions: o.defaultPermissions });
    }
    return { ok: false, reason: "no matching credentials" };
  }

  /** The result for a config (password or NKey) user, bound to its account. */
  #userResult(user: UserOptions, extra: Partial<AuthResult>): AuthOutcome {
    const account = user.account ? this.#accounts.get(user.account) : undefined;
    return this.#ok({
      user,
      permissions: user.permissions ?? this.#opts.defaultPermissions,
      account: user.account,
      ...extra,
    }, account?.limits);
  }

  #ok(result: AuthResult, accountLimits?: AccountLimits): AuthOutcome {
    const combined = combineLimits(null, accountLimits ?? null, this.#opts);
    result.limits = combined.limits;
    if (accountLimits) result.accountLimits = accountLimits;
    if (combined.notes.length > 0) result.notes = combined.notes;
    return { ok: true, result };
  }

  #compare(given: string, secret: string): boolean {
    if (!isBcrypt(secret)) return timingSafeEqual(given, secret);
    const key = secret + "\u0000" + given;
    let ok = this.#bcryptCache.get(key);
    if (ok === undefined) {
      ok = bcryptCompareSync(given, secret);
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
