/**
 * @module
 * JetStream's time values: nanoseconds since the Unix epoch as `bigint` (Go's `UnixNano()`, the
 * stores' timestamps), formatted as Go's `time.Time` JSON (RFC 3339 with up to nine fraction
 * digits, trailing zeros dropped, UTC `Z`; the zero time is `0001-01-01T00:00:00Z`).
 * PURE: no Deno APIs, timers or console output.
 */

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/** Go's zero `time.Time` in JSON. */
export const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

/**
 * Go's `time.Time` JSON text of `ns` (0n = the zero time).
 *
 * @example
 * ```ts
 * import { goTimeNs } from "./js_time.ts";
 * goTimeNs(1_796_644_500_405_085_281n); // "2026-12-07T11:55:00.405085281Z"
 * goTimeNs(1_796_644_500_000_000_000n); // "2026-12-07T11:55:00Z"
 * goTimeNs(0n); // "0001-01-01T00:00:00Z"
 * ```
 */
export function goTimeNs(ns: bigint): string {
  if (ns === 0n) return GO_ZERO_TIME;
  let seconds = ns / NS_PER_S;
  let frac = Number(ns - seconds * NS_PER_S);
  if (frac < 0) {
    frac += 1_000_000_000;
    seconds -= 1n;
  }
  // Timestamps come in bursts of the same second (a direct get's header per message): the
  // date part of the last one is kept.
  if (seconds !== lastSeconds) {
    lastIso = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
    lastSeconds = seconds;
  }
  if (frac === 0) return `${lastIso}Z`;
  // Nine fraction digits, trailing zeros dropped.
  let digits = 9;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return `${lastIso}.${String(frac).padStart(digits, "0")}Z`;
}

let lastSeconds = -1n;
let lastIso = "";

/**
 * Parses Go's `time.Time` JSON text (RFC 3339, any offset) into nanoseconds; null when invalid.
 *
 * @example
 * ```ts
 * import { parseGoTimeNs } from "./js_time.ts";
 * parseGoTimeNs("2026-12-07T11:55:00.405085281Z"); // 1796644500405085281n
 * parseGoTimeNs("0001-01-01T00:00:00Z"); // 0n
 * ```
 */
export function parseGoTimeNs(text: string): bigint | null {
  if (text === GO_ZERO_TIME) return 0n;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  const frac = BigInt((m[2] ?? "").padEnd(9, "0") || "0");
  return BigInt(ms) * NS_PER_MS + frac;
}

/** Nanoseconds since the epoch of a millisecond clock reading (sub-ms digits kept). */
export function msToNs(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6));
}
