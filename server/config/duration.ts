/**
 * @module
 * Go `time.ParseDuration` and `time.Duration.String`, with Go's error texts, since
 * nats-server config errors embed them (e.g. `time: unknown unit "x" in duration "1x"`).
 * Durations are bigint nanoseconds. Pure; main isolate.
 */

const NS_PER: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n, // U+00B5 micro sign
  "\u03bcs": 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const LIMIT = 1n << 63n;

/** Go `strconv.Quote` for the texts durations contain. */
function quote(text: string): string {
  return JSON.stringify(text);
}

/** A Go `time.ParseDuration` failure; `message` is Go's text. */
export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DurationError";
  }
}

/**
 * Go `time.ParseDuration`: returns nanoseconds or throws {@linkcode DurationError}.
 *
 * @example
 * ```ts
 * import { parseGoDuration } from "./duration.ts";
 * parseGoDuration("1m30s"); // 90_000_000_000n
 * ```
 */
export function parseGoDuration(text: string): bigint {
  const invalid = () => new DurationError(`time: invalid duration ${quote(text)}`);
  let s = text;
  let negative = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw invalid();
  let total = 0n;
  while (s !== "") {
    if (!(s[0] === "." || (s[0] >= "0" && s[0] <= "9"))) throw invalid();
    const intMatch = /^[0-9]*/.exec(s)![0];
    let value = 0n;
    for (const digit of intMatch) {
      if (value > (LIMIT - 1n) / 10n) throw invalid();
      value = value * 10n + BigInt(digit);
      if (value > LIMIT) throw invalid();
    }
    s = s.slice(intMatch.length);
    const hadInt = intMatch.length > 0;
    let fraction = 0n;
    let scale = 1n;
    let hadFraction = false;
    if (s[0] === ".") {
      s = s.slice(1);
      const fracMatch = /^[0-9]*/.exec(s)![0];
      let overflow = false;
      for (const digit of fracMatch) {
        if (overflow) continue;
        if (fraction > (LIMIT - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const next = fraction * 10n + BigInt(digit);
        if (next > LIMIT) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10n;
      }
      s = s.slice(fracMatch.length);
      hadFraction = fracMatch.length > 0;
    }
    if (!hadInt && !hadFraction) throw invalid();
    let unitEnd = 0;
    while (unitEnd < s.length && s[unitEnd] !== "." && (s[unitEnd] < "0" || s[unitEnd] > "9")) {
      unitEnd++;
    }
    if (unitEnd === 0) throw new DurationError(`time: missing unit in duration ${quote(text)}`);
    const unitName = s.slice(0, unitEnd);
    s = s.slice(unitEnd);
    const unit = NS_PER[unitName];
    if (unit === undefined) {
      throw new DurationError(`time: unknown unit ${quote(unitName)} in duration ${quote(text)}`);
    }
    if (value > LIMIT / unit) throw invalid();
    value *= unit;
    if (fraction > 0n) {
      value += BigInt(Math.floor(Number(fraction) * (Number(unit) / Number(scale))));
      if (value > LIMIT) throw invalid();
    }
    total += value;
    if (total > LIMIT) throw invalid();
  }
  if (negative) return -total;
  if (total > LIMIT - 1n) throw invalid();
  return total;
}

/** Formats the fraction of `value / 10^precision`, dropping trailing zeros (Go `fmtFrac`). */
function formatFraction(value: bigint, precision: number): [string, bigint] {
  let digits = "";
  let printed = false;
  for (let i = 0; i < precision; i++) {
    const digit = value % 10n;
    printed = printed || digit !== 0n;
    if (printed) digits = digit.toString() + digits;
    value /= 10n;
  }
  return [printed ? "." + digits : "", value];
}

/**
 * Go `time.Duration.String` for nanoseconds: `1m0s`, `1.5s`, `500ms`, `0s`.
 *
 * @example
 * ```ts
 * import { formatGoDuration } from "./duration.ts";
 * formatGoDuration(10_000_000_000n); // "10s"
 * formatGoDuration(120_000_000_000n); // "2m0s"
 * ```
 */
export function formatGoDuration(nanos: bigint): string {
  const negative = nanos < 0n;
  let u = negative ? -nanos : nanos;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return "0s";
    let precision: number;
    let unit: string;
    if (u < 1_000n) [precision, unit] = [0, "ns"];
    else if (u < 1_000_000n) [precision, unit] = [3, "\u00b5s"];
    else [precision, unit] = [6, "ms"];
    const [fraction, whole] = formatFraction(u, precision);
    out = whole.toString() + fraction + unit;
  } else {
    const [fraction, whole] = formatFraction(u, 9);
    u = whole;
    out = (u % 60n).toString() + fraction + "s";
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + "m" + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

/** Nanoseconds to whole milliseconds (the unit ServerOptions uses). */
export function nanosToMs(nanos: bigint): number {
  return Number(nanos / 1_000_000n);
}
