/**
 * @module
 * Value formats of nats-server's monitoring JSON: Go `time.Duration.String()` (`rtt`), the
 * `myUptime` style (`uptime`, `idle`: `1d2h3m4s`), Go RFC 3339 times with trimmed nanoseconds
 * (`now`, `start`), and Go's `json.MarshalIndent` output (HTML-safe escaping). Pure; runs in the
 * main isolate (monitoring) and in tests.
 */

const NS_PER_US = 1_000;
const NS_PER_MS = 1_000_000;
const NS_PER_S = 1_000_000_000;

/** Formats `frac` (0 <= frac < 10^digits) as a fraction with trailing zeros removed. */
function fraction(frac: number, digits: number): string {
  if (frac === 0) return "";
  const text = String(frac).padStart(digits, "0").replace(/0+$/, "");
  return "." + text;
}

/**
 * Go's `time.Duration.String()` for a duration in nanoseconds.
 *
 * @example
 * ```ts
 * import { goDuration } from "./format.ts";
 * if (goDuration(120e9) !== "2m0s") throw new Error();
 * if (goDuration(1_914_286) !== "1.914286ms") throw new Error();
 * if (goDuration(201_000) !== "201µs") throw new Error();
 * ```
 */
export function goDuration(ns: number): string {
  ns = Math.trunc(ns);
  if (ns === 0) return "0s";
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < NS_PER_S) {
    if (u < NS_PER_US) out = `${u}ns`;
    else if (u < NS_PER_MS) out = `${Math.trunc(u / NS_PER_US)}${fraction(u % NS_PER_US, 3)}µs`;
    else out = `${Math.trunc(u / NS_PER_MS)}${fraction(u % NS_PER_MS, 6)}ms`;
  } else {
    const fracNs = u % NS_PER_S;
    u = Math.trunc(u / NS_PER_S);
    out = `${u % 60}${fraction(fracNs, 9)}s`;
    u = Math.trunc(u / 60);
    if (u > 0) {
      out = `${u % 60}m${out}`;
      u = Math.trunc(u / 60);
      if (u > 0) out = `${u}h${out}`;
    }
  }
  return neg ? "-" + out : out;
}

/**
 * The RTT as nats-server reports it: truncated to microseconds between 1µs and 1ms, then
 * formatted with {@link goDuration}. `ms` may carry a fraction.
 *
 * @example
 * ```ts
 * import { formatRtt } from "./format.ts";
 * if (formatRtt(0.2014) !== "201µs") throw new Error(formatRtt(0.2014));
 * if (formatRtt(0) !== "0s") throw new Error();
 * ```
 */
export function formatRtt(ms: number): string {
  let ns = Math.trunc(ms * NS_PER_MS);
  if (ns > NS_PER_US && ns < NS_PER_MS) ns -= ns % NS_PER_US;
  return goDuration(ns);
}

/**
 * nats-server's `myUptime`: whole seconds, with minutes, hours, days and years when non-zero.
 *
 * @example
 * ```ts
 * import { formatUptime } from "./format.ts";
 * if (formatUptime(3_723_000) !== "1h2m3s") throw new Error();
 * if (formatUptime(90_061_000) !== "1d1h1m1s") throw new Error();
 * ```
 */
export function formatUptime(ms: number): string {
  const tsecs = Math.max(0, Math.trunc(ms / 1000));
  const tmins = Math.trunc(tsecs / 60);
  const thrs = Math.trunc(tmins / 60);
  const tdays = Math.trunc(thrs / 24);
  const tyrs = Math.trunc(tdays / 365);
  if (tyrs > 0) return `${tyrs}y${tdays % 365}d${thrs % 24}h${tmins % 60}m${tsecs % 60}s`;
  if (tdays > 0) return `${tdays}d${thrs % 24}h${tmins % 60}m${tsecs % 60}s`;
  if (thrs > 0) return `${thrs}h${tmins % 60}m${tsecs % 60}s`;
  if (tmins > 0) return `${tmins}m${tsecs % 60}s`;
  return `${tsecs}s`;
}

/**
 * A time (milliseconds since the epoch, fractions kept to the microsecond) in Go's
 * `time.RFC3339Nano` UTC form, as `encoding/json` writes a `time.Time`.
 *
 * @example
 * ```ts
 * import { goTime } from "./format.ts";
 * if (goTime(Date.UTC(2026, 0, 2, 3, 4, 5, 260)) !== "2026-01-02T03:04:05.26Z") throw new Error();
 * if (goTime(Date.UTC(2026, 0, 2)) !== "2026-01-02T00:00:00Z") throw new Error();
 * ```
 */
export function goTime(ms: number): string {
  const whole = Math.floor(ms / 1000) * 1000;
  const micros = Math.round((ms - whole) * 1000);
  const carry = micros >= 1_000_000 ? 1000 : 0;
  const iso = new Date(whole + carry).toISOString();
  return iso.slice(0, 19) + fraction(carry ? 0 : micros, 6) + "Z";
}

/** Milliseconds since the epoch with sub-millisecond precision (for `now` fields and RTT). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HTML_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/** Escapes `<`, `>`, `&`, U+2028 and U+2029 as Go's `encoding/json` does. */
function htmlSafe(json: string): string {
  return json.replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c]);
}

/**
 * `json.MarshalIndent(v, "", "  ")` output: two-space indent, HTML-safe string escaping.
 *
 * @example
 * ```ts
 * import { marshalIndent } from "./format.ts";
 * if (marshalIndent({ s: "a.>" }) !== '{\n  "s": "a.\\u003e"\n}') throw new Error();
 * ```
 */
export function marshalIndent(value: unknown): string {
  return htmlSafe(JSON.stringify(value, null, 2));
}

/** `json.Marshal(v)` output: compact, HTML-safe string escaping. */
export function marshal(value: unknown): string {
  return htmlSafe(JSON.stringify(value));
}
