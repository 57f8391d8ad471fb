/**
 * @module
 * Hub-side authentication of a leafnode CONNECT (nats-server auth.go isLeafNodeAuthorized):
 * the single user of `leafnodes { authorization {} }` binding to its `account`, else its
 * `users` with their accounts, else the server's own users, nkeys and JWTs (an operator's
 * accounts exist once one of their users connects). Failures are logged as nats-server's
 * client.go authViolation does.
 * PURE: no Deno APIs, timers or console output (the server's authenticator is injected).
 */
import type { Account } from "../../accounts/account.ts";
import type { Authenticator } from "../../accounts/auth.ts";
import type { LeafNodeConfig } from "../../link_options.ts";
import type { Permissions } from "../../options.ts";
import type { LeafServer } from "./leaf_host.ts";
import type { LeafConnectMessage } from "./leaf_protocol.ts";

/** What authentication needs of the server. */
export interface LeafAuthServer extends LeafServer {
  readonly auth: Authenticator;
  bindAccount(name: string): Account;
}

/** The connection being authenticated. */
export interface LeafAuthTarget {
  readonly logPrefix: string;
  readonly remoteHost: string;
  /** The nonce of our INFO (signed by JWT and nkey users). */
  readonly nonce: string;
}

/**
 * The account a CONNECT binds to and the user's permissions, or null (logged) when refused.
 */
export function authorizeLeaf(
  s: LeafAuthServer,
  cfg: LeafNodeConfig,
  link: LeafAuthTarget,
  c: LeafConnectMessage,
): { account: Account; permissions?: Permissions } | null {
  const user = c.user ?? "";
  const pass = c.pass ?? "";
  let accountName: string | null = null;
  let permissions: Permissions | undefined;
  if (cfg.username !== "") {
    if (user === cfg.username && pass === cfg.password) accountName = cfg.account;
  } else if (cfg.users.length > 0) {
    const u = cfg.users.find((u) => u.username === user);
    if (u !== undefined && u.password === pass) accountName = u.account;
  } else {
    const outcome = s.auth.check(
      { user: c.user, pass: c.pass, jwt: c.jwt, sig: c.sig },
      link.nonce,
      { type: "LEAFNODE", host: link.remoteHost },
    );
    if (outcome.ok) {
      accountName = outcome.result.account ?? "";
      // Accounts of JWT users exist once a user of theirs connects.
      if (accountName !== "" && c.jwt) s.bindAccount(accountName);
      permissions = outcome.result.permissions ?? outcome.result.user?.permissions;
    }
  }
  const account = accountName === null ? null : s.account(accountName || undefined);
  if (account === null) {
    const hasUsers = (s.options.users?.length ?? 0) > 0;
    s.logger.error(
      `${link.logPrefix} - authentication error${
        hasUsers ? ` - User ${JSON.stringify(user)}` : ""
      }`,
    );
    return null;
  }
  return { account, permissions };
}
