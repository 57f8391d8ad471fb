/**
 * @module
 * CONNECT and authorization of one client connection (nats-server client.go processConnect,
 * authViolation, getAuthUser; reload.go reloadAuthorization): the options and credentials the
 * client sent, the user, account, permissions and limits they bind, their expiry, and the
 * violations logged in the user's name. A helper owned by `ClientConnection`; runs in the
 * isolate that owns the socket.
 */
import type { Parser } from "../protocol/parser.ts";
import * as wire from "../protocol/wire_errors.ts";
import { CloseReason, type WireError } from "../protocol/wire_errors.ts";
import type { AuthResult } from "../accounts/auth.ts";
import type { ClientConnection } from "./client.ts";
import { type ConnectFields, decodeConnect } from "./connect_json.ts";
import { ClientPermissions } from "./permissions.ts";
import { authErrorText, authUserLabel, movedToDifferentAccount } from "./reauth.ts";
import { goQuote, redactPassword, traceIn } from "./trace.ts";
import type { Transport } from "./transport.ts";

const dec = new TextDecoder();

/** What the auth helper may do to its connection beyond the connection's public surface. */
export interface ConnectionControl {
  /** Sends a closing `-ERR` and closes with its reason. */
  errAndClose(err: WireError): void;
  /** Sends `+OK` when the client is verbose. */
  sendOK(): void;
  /** Cancels the `auth_timeout` timer. */
  clearAuthTimer(): void;
}

/** The CONNECT state and authorization of one client connection. */
export class ClientAuth {
  /** A CONNECT was received (the auth timeout no longer applies). */
  connectReceived = false;
  /** Credentials from CONNECT, kept to re-check them on a config reload. */
  credentials: ConnectFields = {};
  /** Subscription limit from the user's JWT/account (-1: the server's max_subscriptions). */
  limitSubs = -1;
  readonly #expiryTimers = new Set<ReturnType<typeof setTimeout>>();
  readonly #conn: ClientConnection;
  readonly #parser: Parser;
  readonly #transport: Transport;
  /** When the connection was accepted (performance.now() ms), for the CONNECT RTT estimate. */
  readonly #acceptedAt: number;
  readonly #control: ConnectionControl;

  /** Auth state of `conn`, which reads with `parser` from `transport`. */
  constructor(
    conn: ClientConnection,
    parser: Parser,
    transport: Transport,
    acceptedAt: number,
    control: ConnectionControl,
  ) {
    this.#conn = conn;
    this.#parser = parser;
    this.#transport = transport;
    this.#acceptedAt = acceptedAt;
    this.#control = control;
  }

  /** Handles CONNECT: options, authentication, then `+OK` or a closing `-ERR`. */
  connect(json: Uint8Array): void {
    const conn = this.#conn;
    const ctx = conn.ctx;
    if (ctx.logger.traceEnabled) traceIn(conn, "CONNECT", redactPassword(dec.decode(json)));
    const c = decodeConnect(dec.decode(json));
    if (c === null) {
      conn.close(CloseReason.ProtocolViolation);
      return;
    }
    const o = conn.opts;
    o.verbose = c.verbose ?? o.verbose;
    o.pedantic = c.pedantic ?? o.pedantic;
    o.echo = c.echo ?? o.echo;
    o.headers = (c.headers ?? o.headers) && !ctx.options.noHeaderSupport;
    o.noResponders = c.no_responders ?? o.noResponders;
    o.protocol = c.protocol ?? o.protocol;
    o.name = c.name ?? o.name;
    o.lang = c.lang ?? o.lang;
    o.version = c.version ?? o.version;
    this.connectReceived = true;
    // nats-server processConnect estimates the RTT as the time since the connection was accepted.
    conn.rttMs = Math.max(1e-6, performance.now() - this.#acceptedAt);
    this.#parser.headers = o.headers;
    this.#control.clearAuthTimer();
    this.credentials = { ...this.#transport.credentials, ...c };
    const auth = ctx.auth.authenticate(this.credentials, conn.nonce, this.#connInfo());
    if (auth === null || c.account !== undefined || c.new_account) {
      ctx.logger.error(`${conn.logPrefix} - ${this.errorText()}`);
      this.#control.errAndClose(wire.ERR_AUTHORIZATION_VIOLATION);
      return;
    }
    this.apply(auth);
    if (conn.closed) return;
    ctx.clientAuthorized?.(conn.cid);
    if (o.protocol < 0 || o.protocol > 1) {
      this.#control.errAndClose(wire.ERR_INVALID_CLIENT_PROTOCOL);
      return;
    }
    if (o.noResponders && !o.headers) {
      this.#control.errAndClose(wire.ERR_NO_RESPONDERS_REQUIRES_HEADERS);
      return;
    }
    this.#parser.requireConnect = false;
    this.#control.sendOK();
  }

  /**
   * Re-checks the connection against reloaded auth settings (nats-server reload.go
   * reloadAuthorization): closed if no longer authorized; otherwise new permissions apply and
   * subscriptions they no longer allow are removed with an -ERR each.
   */
  reauthorize(): void {
    const conn = this.#conn;
    if (conn.closed) return;
    const ctx = conn.ctx;
    if (!this.connectReceived) {
      this.#parser.requireConnect = ctx.authAnnounced;
      return;
    }
    const id = { ...this.credentials, user: this.credentials.user || conn.opts.user };
    if (movedToDifferentAccount(ctx.options, id, conn.account.name)) {
      // nats-server closes such clients without an -ERR; they reconnect to the right account.
      conn.close(CloseReason.ClientClosed);
      return;
    }
    const auth = ctx.auth.authenticate(this.credentials, conn.nonce, this.#connInfo());
    if (auth === null) {
      ctx.logger.error(`${conn.logPrefix} - ${this.errorText()}`);
      this.#control.errAndClose(wire.ERR_AUTHORIZATION_VIOLATION);
      return;
    }
    this.apply(auth);
    for (const sub of [...conn.subs.values()]) {
      if (conn.perms === null || conn.perms.canSubscribe(sub.subject, sub.queue)) continue;
      conn.removeSub(sub);
      conn.sendErr(wire.subRemovedViolation(sub.subject, sub.sidText));
      ctx.logger.notice(
        `Removed sub "${sub.subject}" (sid "${sub.sidText}") for ${
          authUserLabel(id)
        } - not authorized`,
      );
    }
  }

  /** Binds the authenticated user: name, account, permissions, limits and expiry. */
  apply(auth: AuthResult): void {
    const conn = this.#conn;
    const ctx = conn.ctx;
    conn.opts.user = auth.user?.user;
    if (auth.account) {
      const account = ctx.bindAccount(auth.account);
      if (account !== conn.account) {
        const max = auth.accountLimits?.maxConnections ?? -1;
        if (max >= 0 && account.connections >= max) {
          this.#control.errAndClose(wire.ERR_MAXIMUM_ACCOUNT_CONNECTIONS_EXCEEDED);
          return;
        }
        conn.account.connections--;
        account.connections++;
        conn.account = account;
      }
    }
    conn.perms = auth.permissions ? new ClientPermissions(auth.permissions) : null;
    for (const note of auth.notes ?? []) ctx.logger.error(`${conn.logPrefix} - ${note}`);
    this.limitSubs = auth.limits ? auth.limits.maxSubscriptions : -1;
    if (auth.limits && auth.limits.maxPayload >= 0) {
      this.#parser.limits = {
        maxControlLine: ctx.options.maxControlLine,
        maxPayload: auth.limits.maxPayload,
      };
    }
    this.#armExpiry(auth.expiresAt, wire.ERR_USER_AUTHENTICATION_EXPIRED);
    this.#armExpiry(auth.accountExpiresAt, wire.ERR_ACCOUNT_AUTHENTICATION_EXPIRED);
  }

  /** Cancels the credential expiry timers (the connection closes). */
  clearExpiry(): void {
    for (const t of this.#expiryTimers) clearTimeout(t);
  }

  /** Closes the connection with `err` when its credentials expire (nats-server authExpired). */
  #armExpiry(at: number | undefined, err: WireError): void {
    if (at === undefined) return;
    const conn = this.#conn;
    const timer = setTimeout(() => {
      this.#expiryTimers.delete(timer);
      if (!conn.closed) this.#control.errAndClose(err);
    }, Math.max(0, at - conn.ctx.now()));
    this.#expiryTimers.add(timer);
  }

  /** What kind of connection this is, for `allowed_connection_types`. */
  #connInfo(): { type: string; host: string } {
    return { type: this.#transport.kind ?? "STANDARD", host: this.#conn.host };
  }

  /** What nats-server logs with an Authorization Violation (client.go authViolation). */
  errorText(): string {
    const ctx = this.#conn.ctx;
    return authErrorText(ctx.options, ctx.auth.trust.enabled, this.credentials);
  }

  /** CONNECT user, or the `no_auth_user` bound to it (nats-server `opts.Username`); monitoring. */
  get userName(): string {
    return this.#conn.opts.user ?? this.credentials.user ?? "";
  }

  /** nats-server `getRawAuthUser`: nkey, user name or token (`/connz?auth=1`). */
  get rawAuthUser(): string {
    return this.credentials.nkey || this.userName || this.credentials.auth_token || "";
  }

  /** client.go getAuthUser, for log lines. */
  #authUser(): string {
    return authUserLabel({
      ...this.credentials,
      user: this.credentials.user || this.#conn.opts.user,
    });
  }

  /** Logs a publish `-ERR` `text` as client.go pubPermissionViolation / replySubjectViolation. */
  logPubViolation(text: string): void {
    const m = /^Permissions Violation for Publish (to|with Reply of) (.*)$/s.exec(text);
    const what = m ? `${m[1] === "to" ? "Subject" : "Reply"} ${m[2]}` : text;
    const conn = this.#conn;
    conn.ctx.logger.error(`${conn.logPrefix} - Publish Violation - ${this.#authUser()}, ${what}`);
  }

  /** Logs a refused SUB as client.go processSub (`Subscription Violation`). */
  logSubViolation(subjectBytes: Uint8Array, queueBytes: Uint8Array | null, sid: string): void {
    const q = queueBytes ? `, Queue: ${goQuote(queueBytes)}` : "";
    const conn = this.#conn;
    conn.ctx.logger.error(
      `${conn.logPrefix} - Subscription Violation - ${this.#authUser()}, Subject ${
        goQuote(subjectBytes)
      }${q}, SID ${sid}`,
    );
  }
}
