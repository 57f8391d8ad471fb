/**
 * @module
 * Per-connection limits from the user, its account and the server (nats-server client.go
 * applyAccountLimits/minLimit; behaviour and log texts): -1 means unlimited, the smallest
 * set limit wins, and the server's `max_payload` / `max_subscriptions` override the others.
 * Pure. Runs where connections are owned.
 */
import type { ServerOptions } from "../options.ts";

/** Effective limits of one connection; -1 = unlimited. */
export interface ConnectionLimits {
  /** Largest PUB payload; larger → `-ERR 'Maximum Payload Violation'` and close. */
  maxPayload: number;
  /** Most subscriptions; at the limit a SUB gets `-ERR 'maximum subscriptions exceeded'`. */
  maxSubscriptions: number;
}

/** nats-server `minLimit`: lowers `value` to `limit` unless unlimited; reports a change. */
function minLimit(value: number, limit: number): [number, boolean] {
  if (value !== -1) {
    if (limit !== -1 && limit < value) return [limit, true];
    return [value, false];
  }
  if (limit !== -1) return [limit, true];
  return [value, false];
}

/**
 * Combines user (JWT) limits, account limits and the server options. `notes` are the lines
 * nats-server logs at error level when the server options override a user/account value.
 *
 * @example
 * ```ts
 * import { combineLimits } from "./conn_limits.ts";
 * import { defaultOptions } from "../options.ts";
 * const { limits } = combineLimits(null, { maxPayload: 512, maxSubscriptions: -1 }, defaultOptions());
 * limits.maxPayload; // 512
 * limits.maxSubscriptions; // -1
 * ```
 */
export function combineLimits(
  user: ConnectionLimits | null,
  account: ConnectionLimits | null,
  opts: Pick<ServerOptions, "maxPayload" | "maxSubscriptions">,
): { limits: ConnectionLimits; notes: string[] } {
  let payload = user ? user.maxPayload : -1;
  let subs = user ? user.maxSubscriptions : -1;
  if (account) {
    payload = minLimit(payload, account.maxPayload)[0];
    subs = minLimit(subs, account.maxSubscriptions)[0];
  }
  const notes: string[] = [];
  const serverPayload = opts.maxPayload === 0 ? -1 : opts.maxPayload;
  const serverSubs = opts.maxSubscriptions === 0 ? -1 : opts.maxSubscriptions;
  let changed: boolean;
  let wasUnlimited = payload === -1;
  [payload, changed] = minLimit(payload, serverPayload);
  if (changed && !wasUnlimited) {
    notes.push(
      `Max Payload set to ${opts.maxPayload} from server overrides account or user config`,
    );
  }
  wasUnlimited = subs === -1;
  [subs, changed] = minLimit(subs, serverSubs);
  if (changed && !wasUnlimited) {
    notes.push(
      `Max Subscriptions set to ${opts.maxSubscriptions} from server overrides account or user config`,
    );
  }
  return { limits: { maxPayload: payload, maxSubscriptions: subs }, notes };
}
