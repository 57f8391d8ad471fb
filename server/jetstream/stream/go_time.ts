/**
 * @module
 * Go's `time.Time` JSON form for JetStream nanosecond timestamps (RFC 3339 with up to nine
 * fraction digits, trailing zeros trimmed, always UTC `Z`; the zero time is
 * `0001-01-01T00:00:00Z`), and its parse for the meta file. PURE: no Deno APIs, timers or
 * console output.
 */

/** Go's zero `time.Time` as JSON. */
export const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

/**
 * `time.Unix(0, ns).UTC().Format(time.RFC3339Nano)`; `0n` is Go's zero time.
 *
 * @example
 * ```ts
 * import { goTimeNs } from "./go_time.ts";
 * if (goTimeNs(1_700_000_000_123_400_000n) !== "2023-11-14T22:13:20.1234Z") throw new Error();
 * if (goTimeNs(0n) !== "0001-01-01T00:00:00Z") throw new Error();
 * ```
 */
export function goTimeNs(ns: bigint): string {
  if (ns === 0n) return GO_ZERO_TIME;
  let secs = ns / 1_000_000_000n;
  let frac = ns % 1_000_000_000n;
  if (frac < 0n) {
    frac += 1_000_000_000n;
    secs -= 1n;
  }
  const iso = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  if (frac === 0n) return `${iso}Z`;
  const digits = frac.toString().padStart(9, "0").replace(/0+$/, "");
  return `${iso}.${digits}Z`;
}

/**
 * Parses an RFC 3339 UTC text written by {@link goTimeNs} back to nanoseconds (0n for the zero
 * time); null when it is not one.
 */
export function parseGoTimeNs(text: string): bigint | null {
  if (text === GO_ZERO_TIME) return 0n;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(text);
  if (m === null) return null;
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0") || "0");
}
