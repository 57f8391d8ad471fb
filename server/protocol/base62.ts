/**
 * @module
 * Base-62 digits as nats-server writes ids (nuid, events.go getHash): the alphabet and random
 * ids of NUID size. PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

/** `0-9A-Za-z`, in nuid's order. */
export const BASE62_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * `length` random base-62 characters (22: a NUID-sized id); `random` (uniform in [0, 1)) for
 * deterministic tests, else the platform's cryptographic random source.
 *
 * @example
 * ```ts
 * import { randomBase62 } from "./base62.ts";
 * if (!/^[0-9A-Za-z]{22}$/.test(randomBase62())) throw new Error();
 * if (randomBase62(3, () => 0) !== "000") throw new Error();
 * ```
 */
export function randomBase62(length = 22, random?: () => number): string {
  let out = "";
  if (random !== undefined) {
    for (let i = 0; i < length; i++) out += BASE62_DIGITS[Math.floor(random() * 62)];
    return out;
  }
  for (const b of crypto.getRandomValues(new Uint8Array(length))) out += BASE62_DIGITS[b % 62];
  return out;
}
