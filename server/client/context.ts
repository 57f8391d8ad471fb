/**
 * @module
 * What a client connection needs from the server that owns it. Implemented by `server.ts`;
 * tests may provide their own.
 */
import type { Account } from "../accounts/account.ts";
import type { Authenticator } from "../accounts/auth.ts";
import type { Logger } from "../log/logger.ts";
import type { ServerOptions } from "../options.ts";
import type { Subscription } from "./subscription.ts";
import type { FanOut } from "../routing/fan_out.ts";
import type { ReadPressure } from "../conn/read_loop.ts";
import type { ConnectionServices } from "../conn/connection.ts";

/** Server-wide counters (nats-server `/varz` in_msgs, out_msgs, ...). */
export class ServerStats {
  inMsgs = 0;
  outMsgs = 0;
  inBytes = 0;
  outBytes = 0;
  slowConsumers = 0;
  totalConnections = 0;
}

/** A connection with output that wants flushing. */
export interface Flushable {
  flushOutbound(): void;
}

/** Services a connection handler uses. */
export interface ClientContext extends ReadPressure, ConnectionServices {
  readonly options: ServerOptions;
  readonly logger: Logger;
  readonly auth: Authenticator;
  readonly stats: ServerStats;
  /** The isolate's fan-out: every message this connection publishes goes through it. */
  readonly fanOut: FanOut;
  /** INFO `auth_required`: auth is configured and no `no_auth_user` stands in for it. */
  readonly authAnnounced: boolean;
  /** Milliseconds, monotonic enough for timeouts. */
  now(): number;
  /** The INFO line for a new connection (with `nonce` when one was generated for it). */
  infoLine(cid: number, clientIp: string, nonce?: string): Uint8Array;
  /** Account by name; undefined name = the default account. Null if unknown. */
  account(name?: string): Account | null;
  /** The account a user is bound to, created on first use. */
  bindAccount(name: string): Account;
  /** Queue a connection for a flush at the end of this turn. */
  markDirty(c: Flushable): void;
  /**
   * A local subscription was added (+1) or removed (-1) in `account`: interest that other
   * workers and linked servers must learn about.
   */
  interestChanged(account: Account, sub: Subscription, delta: 1 | -1): void;
  /**
   * With other workers: resolves once they all applied this worker's interest changes so far
   * (a PONG after SUB waits for it). Null when there is nothing to wait for.
   */
  pongBarrier(): Promise<void> | null;
  /** A connection has closed. */
  removed(cid: number): void;
  /** A connection authenticated on CONNECT (system account events); optional. */
  clientAuthorized?(cid: number): void;
}
