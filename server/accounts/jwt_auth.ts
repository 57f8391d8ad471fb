/**
 * @module
 * Operator-mode client authentication with a user JWT (nats-server server/auth.go
 * processClientOrLeafAuthentication, the `juc != nil` branch; behaviour, order of checks and
 * debug texts): decode and validate the user JWT, find its account through the resolver,
 * check the signer (account key, signing key or scoped signing key), bearer tokens, the nonce
 * signature, revocations, `src` and `times`; then permissions, limits and expiry. Runs where
 * connections are owned.
 */
import type { ServerOptions } from "../options.ts";
import type { AuthOutcome, ConnectCredentials, ConnectionInfo } from "./auth.ts";
import { combineLimits } from "./conn_limits.ts";
import { decodeUserClaims, isEmptyPermissionLimits, type UserClaims } from "./jwt_claims.ts";
import { isBlocking, validateUserClaims } from "./jwt_validate.ts";
import { verifyNonceSignature } from "./nkey.ts";
import { validateSrc, validateTimes } from "./src_times.ts";
import { permissionsFromJwt, type Trust } from "./trust.ts";
import { applyUserTemplate, TemplateError } from "./user_template.ts";

/** Connection types nats-server knows (jwt `ConnectionType*`). */
export const CONNECTION_TYPES: ReadonlySet<string> = new Set([
  "STANDARD",
  "WEBSOCKET",
  "LEAFNODE",
  "LEAFNODE_WS",
  "MQTT",
  "MQTT_WS",
]);

/** nats-server `connectionTypeAllowed`: an empty list allows every type. */
export function connectionTypeAllowed(
  allowed: readonly string[] | undefined,
  type: string,
): boolean {
  return !allowed || allowed.length === 0 || allowed.includes(type);
}

const fail = (reason: string): AuthOutcome => ({ ok: false, reason });

/** nats-server `isRevoked`: revoked when the key's (or `*`'s) entry is at or after `iat`. */
export function isRevoked(
  revocations: Map<string, number>,
  key: string,
  issuedAt: number,
): boolean {
  if (revocations.size === 0) return false;
  const t = revocations.get(key);
  if (t !== undefined && t >= issuedAt) return true;
  const all = revocations.get("*");
  return all !== undefined && all >= issuedAt;
}

/**
 * When a connection authenticated with `uc` must end (nats-server `setExpiration`): epoch ms,
 * or undefined when neither `exp` nor `times` bounds it. `nowMs` is the time of the check.
 */
function expiresAt(uc: UserClaims, validForMs: number, nowMs: number): number | undefined {
  const exp = uc.claims.exp ?? 0;
  if (exp === 0) return validForMs !== 0 ? nowMs + validForMs : undefined;
  const nowSec = Math.floor(nowMs / 1000);
  const untilExp = exp > nowSec ? (exp - nowSec) * 1000 : 0;
  return nowMs + (validForMs !== 0 && validForMs < untilExp ? validForMs : untilExp);
}

/**
 * Authenticates a CONNECT in operator mode. On success the result carries the account (its
 * public key), permissions, effective limits and `expiresAt`.
 */
export function authenticateJwt(
  trust: Trust,
  opts: ServerOptions,
  c: ConnectCredentials,
  nonce: string | undefined,
  conn: ConnectionInfo,
  nowMs: number,
): AuthOutcome {
  if (!c.jwt) return fail("Authentication requires a user JWT");
  let uc: UserClaims;
  try {
    uc = decodeUserClaims(c.jwt);
  } catch (err) {
    return fail(`User JWT not valid: ${(err as Error).message}`);
  }
  const issues = validateUserClaims(uc, nowMs);
  if (isBlocking(issues, true)) {
    return fail(`User JWT no longer valid: ${issues.map((i) => i.description).join(", ")}`);
  }
  const requested = uc.limits.allowedConnectionTypes ?? [];
  const allowedTypes = requested.map((t) => t.toUpperCase()).filter((t) => CONNECTION_TYPES.has(t));
  if (requested.length > 0 && allowedTypes.length === 0) {
    return fail(`invalid connection types ${JSON.stringify(requested)}`);
  }
  if (!connectionTypeAllowed(allowedTypes, conn.type)) return fail("Connection type not allowed");
  const issuer = uc.issuerAccount || uc.claims.iss;
  if (trust.pinnedAccounts !== null && !trust.pinnedAccounts.has(issuer)) {
    return fail(`Account ${issuer} not listed as operator pinned account`);
  }
  const lookup = trust.lookupAccount(issuer);
  if ("error" in lookup) return fail(`Account JWT lookup error: ${lookup.error}`);
  const acc = lookup.account;
  if (!trust.isTrustedIssuer(acc.issuer)) return fail("Account JWT not signed by trusted operator");
  if (!acc.signingKeys.has(uc.claims.iss)) return fail("User JWT issuer is not known");
  let limits = uc.limits;
  const scope = acc.signingKeys.get(uc.claims.iss);
  if (scope) {
    if (!isEmptyPermissionLimits(uc.limits)) {
      return fail("User JWT is not valid: scoped users require no permissions or limits set");
    }
    try {
      limits = applyUserTemplate(scope.template, {
        userName: uc.claims.name ?? "",
        userSubject: uc.claims.sub,
        userTags: uc.tags,
        accountSubject: uc.issuerAccount,
        accountName: acc.claims.claims.name ?? "",
        accountTags: acc.claims.tags,
      });
    } catch (err) {
      if (err instanceof TemplateError) return fail("User JWT generated invalid permissions");
      throw err;
    }
  }
  if (acc.expiresAt !== null && acc.expiresAt <= nowMs) return fail("Account JWT has expired");
  if (limits.bearerToken && acc.disallowBearer) return fail("Account does not allow bearer token");
  if (!limits.bearerToken) {
    if (!c.sig) return fail("Signature missing");
    if (nonce === undefined || !verifyNonceSignature(uc.claims.sub, nonce, c.sig)) {
      return fail("Signature not verified");
    }
  }
  if (isRevoked(acc.revocations, uc.claims.sub, uc.claims.iat ?? 0)) {
    return fail("User authentication revoked");
  }
  if (!validateSrc(limits.src, conn.host)) return fail(`Bad src Ip ${conn.host}`);
  const times = validateTimes(limits.times, limits.locale, nowMs);
  if (!times.allowed) return fail("Outside connect times");
  const permissions = permissionsFromJwt(limits) ?? acc.defaultPermissions;
  const combined = combineLimits(
    { maxPayload: limits.payload, maxSubscriptions: limits.subs },
    acc.limits,
    opts,
  );
  return {
    ok: true,
    result: {
      user: {
        nkey: uc.claims.sub,
        account: acc.name,
        ...(permissions ? { permissions } : {}),
        ...(allowedTypes.length > 0 ? { allowedConnectionTypes: allowedTypes } : {}),
      },
      permissions,
      account: acc.name,
      nkey: uc.claims.sub,
      name: uc.claims.name,
      tags: uc.tags,
      signingKey: uc.issuerAccount !== "" ? uc.claims.iss : undefined,
      expiresAt: expiresAt(uc, times.validForMs, nowMs),
      accountExpiresAt: acc.expiresAt ?? undefined,
      limits: combined.limits,
      accountLimits: acc.limits,
      notes: combined.notes,
    },
  };
}
