/**
 * @module
 * Query-string decoding with nats-server's rules and error texts (monitor.go `decodeBool`,
 * `decodeInt`, `decodeUint64`, `decodeState`, `decodeSubs`, which use Go's `strconv`). An invalid
 * value throws {@link QueryError}; the router turns it into a 400 with the text as body.
 * Pure; runs in the main isolate.
 */

/** A bad request: the message is the response body, exactly as nats-server writes it. */
export class QueryError extends Error {
  override name = "QueryError";
}

/** Go's `strconv.Quote` for the ASCII-and-printable cases that appear in query values. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

const TRUE_VALUES = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE_VALUES = new Set(["0", "f", "F", "FALSE", "false", "False"]);
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

/** Go's `strconv.ParseBool`; null when the text is not a boolean. */
export function parseGoBool(text: string): boolean | null {
  if (TRUE_VALUES.has(text)) return true;
  if (FALSE_VALUES.has(text)) return false;
  return null;
}

/** Query parameters of one request, decoded as nats-server does. */
export class Query {
  readonly #params: URLSearchParams;

  constructor(params: URLSearchParams) {
    this.#params = params;
  }

  /** The first value of `name`, or "" (Go's `Query().Get`). */
  get(name: string): string {
    return this.#params.get(name) ?? "";
  }

  /** `decodeBool`: "" is false. */
  bool(name: string): boolean {
    const text = this.get(name);
    if (text === "") return false;
    const value = parseGoBool(text);
    if (value === null) {
      throw new QueryError(
        `Error decoding boolean for '${name}': strconv.ParseBool: parsing ${
          goQuote(text)
        }: invalid syntax`,
      );
    }
    return value;
  }

  /** `decodeInt` (Go `strconv.Atoi`, 64-bit): "" is 0. */
  int(name: string): number {
    const text = this.get(name);
    if (text === "") return 0;
    const fail = (why: string) =>
      new QueryError(
        `Error decoding int for '${name}': strconv.Atoi: parsing ${goQuote(text)}: ${why}`,
      );
    if (!/^[+-]?[0-9]+$/.test(text)) throw fail("invalid syntax");
    const value = BigInt(text);
    if (value > INT64_MAX || value < INT64_MIN) throw fail("value out of range");
    return Number(value);
  }

  /** `decodeUint64` (Go `strconv.ParseUint(s, 10, 64)`): "" is 0. */
  uint(name: string): number {
    const text = this.get(name);
    if (text === "") return 0;
    const fail = (why: string) =>
      new QueryError(
        `Error decoding uint64 for '${name}': strconv.ParseUint: parsing ${goQuote(text)}: ${why}`,
      );
    if (!/^[0-9]+$/.test(text)) throw fail("invalid syntax");
    if (BigInt(text) > UINT64_MAX) throw fail("value out of range");
    return Number(text);
  }

  /** `decodeState`: open (default), closed, or all/any. */
  state(): ConnState {
    const text = this.get("state");
    if (text === "") return "open";
    switch (text.toLowerCase()) {
      case "open":
        return "open";
      case "closed":
        return "closed";
      case "any":
      case "all":
        return "all";
    }
    throw new QueryError(`Error decoding state for ${text}`);
  }

  /** `decodeSubs`: `subs=detail` (any case) or a boolean. */
  subs(): { subs: boolean; detail: boolean } {
    if (this.get("subs").toLowerCase() === "detail") return { subs: false, detail: true };
    return { subs: this.bool("subs"), detail: false };
  }
}

/** Which connections `/connz` lists. */
export type ConnState = "open" | "closed" | "all";
