/**
 * @module
 * Pure helpers for authorization outcomes as nats-server 2.9.10 reports them: the error logged
 * with an `Authorization Violation` (client.go `authViolation`), the user label of log lines
 * (`getAuthUser`), and whether a config reload moved a client to another account (reload.go
 * `clientHasMovedToDifferentAccount`). Runs wherever connections are owned.
 */
import { GLOBAL_ACCOUNT } from "../accounts/account.ts";
import type { ServerOptions } from "../options.ts";

/** The CONNECT identity fields these helpers read. */
export interface ClientIdentity {
  user?: string;
  nkey?: string;
  jwt?: string;
}

/**
 * What nats-server logs (at error level, after the connection prefix) when it refuses a client:
 * `authentication error`, followed by `- Nkey "<nkey>"` when NKey users are configured or
 * `- User "<user>"` when a users list is.
 *
 * @example
 * ```ts
 * import { defaultOptions } from "../options.ts";
 * import { authErrorText } from "./reauth.ts";
 * const o = { ...defaultOptions(), users: [{ user: "a", password: "b" }] };
 * authErrorText(o, false, { user: "x" }); // 'authentication error - User "x"'
 * ```
 */
export function authErrorText(o: ServerOptions, trusted: boolean, id: ClientIdentity): string {
  const base = "authentication error";
  if (trusted) return base;
  const users = o.users ?? [];
  if (users.some((u) => u.nkey !== undefined)) {
    return `${base} - Nkey ${JSON.stringify(id.nkey ?? "")}`;
  }
  if (users.some((u) => u.nkey === undefined)) {
    return `${base} - User ${JSON.stringify(id.user ?? "")}`;
  }
  return base;
}

/** client.go getAuthUser: `Nkey "..."`, `User "..."`, `JWT User "..."` or `User "N/A"`. */
export function authUserLabel(id: ClientIdentity, publicKey = ""): string {
  if (id.nkey) return `Nkey ${JSON.stringify(id.nkey)}`;
  if (id.user) return `User ${JSON.stringify(id.user)}`;
  if (id.jwt) return `JWT User ${JSON.stringify(publicKey)}`;
  return `User "N/A"`;
}

/**
 * reload.go clientHasMovedToDifferentAccount, against the reloaded options: a client that named
 * a user (or nkey) is "moved" when that entry is gone from the users list or now belongs to
 * another account. nats-server then closes it silently (close reason `Client Closed`). As in
 * 2.9.10, a single `authorization { user, password }` is not a users list, so its clients count
 * as moved on every reload.
 */
export function movedToDifferentAccount(
  o: ServerOptions,
  id: ClientIdentity,
  currentAccount: string,
): boolean {
  const users = o.users ?? [];
  let account: string | undefined;
  let found = false;
  if (id.nkey) {
    const entry = users.find((u) => u.nkey === id.nkey);
    found = entry !== undefined;
    account = entry?.account;
  } else if (id.user) {
    const entry = users.find((u) => u.nkey === undefined && u.user === id.user);
    found = entry !== undefined;
    account = entry?.account;
  } else {
    return false;
  }
  if (!found) return true;
  return currentAccount !== (account ?? GLOBAL_ACCOUNT);
}
