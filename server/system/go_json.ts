/**
 * @module
 * A JSON reader that fails the way Go's `encoding/json` does, so a system request with a bad
 * body gets nats-server's error text: syntax errors as the Go scanner words them
 * (`invalid character 'b' looking for beginning of object key string`, `unexpected end of JSON
 * input`), and decoding into a struct with Go's `UnmarshalTypeError` text (`json: cannot
 * unmarshal string into Go struct field ConnzEventOptions.state of type server.ConnState`),
 * keys matched exactly first, then case-insensitively, unknown keys ignored. Pure.
 */

/** A parsed JSON value that keeps number literals as written. */
export type GoJsonValue =
  | { kind: "null" }
  | { kind: "bool"; value: boolean }
  | { kind: "number"; raw: string }
  | { kind: "string"; value: string }
  | { kind: "array"; items: GoJsonValue[] }
  | { kind: "object"; entries: [string, GoJsonValue][] };

/** A body Go could not decode; the message is Go's error text. */
export class GoJsonError extends Error {
  override name = "GoJsonError";
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Go's `quoteChar` for the byte at an error. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const ch = String.fromCharCode(c);
  const named: Record<string, string> = {
    "\x07": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
  };
  if (named[ch]) return `'${named[ch]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  if (c >= 0x80 && c < 0xa0) return `'\\u00${c.toString(16)}'`;
  return `'${ch}'`;
}

class Reader {
  readonly #b: Uint8Array;
  #p = 0;

  constructor(text: string) {
    this.#b = enc.encode(text);
  }

  #eof(): never {
    throw new GoJsonError("unexpected end of JSON input");
  }

  #bad(context: string): never {
    throw new GoJsonError(`invalid character ${quoteChar(this.#b[this.#p])} ${context}`);
  }

  #ws(): void {
    const b = this.#b;
    while (this.#p < b.length) {
      const c = b[this.#p];
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.#p++;
    }
  }

  #peek(): number {
    if (this.#p >= this.#b.length) this.#eof();
    return this.#b[this.#p];
  }

  document(): GoJsonValue {
    this.#ws();
    const v = this.#value();
    this.#ws();
    if (this.#p < this.#b.length) this.#bad("after top-level value");
    return v;
  }

  #value(): GoJsonValue {
    const c = this.#peek();
    if (c === 0x7b) return this.#object();
    if (c === 0x5b) return this.#array();
    if (c === 0x22) return { kind: "string", value: this.#string() };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#number();
    if (c === 0x74) return this.#literal("true", { kind: "bool", value: true });
    if (c === 0x66) return this.#literal("false", { kind: "bool", value: false });
    if (c === 0x6e) return this.#literal("null", { kind: "null" });
    this.#bad("looking for beginning of value");
  }

  #object(): GoJsonValue {
    this.#p++;
    const entries: [string, GoJsonValue][] = [];
    this.#ws();
    if (this.#peek() === 0x7d) {
      this.#p++;
      return { kind: "object", entries };
    }
    for (;;) {
      if (this.#peek() !== 0x22) this.#bad("looking for beginning of object key string");
      const key = this.#string();
      this.#ws();
      if (this.#peek() !== 0x3a) this.#bad("after object key");
      this.#p++;
      this.#ws();
      entries.push([key, this.#value()]);
      this.#ws();
      const c = this.#peek();
      this.#p++;
      if (c === 0x7d) return { kind: "object", entries };
      if (c !== 0x2c) {
        this.#p--;
        this.#bad("after object key:value pair");
      }
      this.#ws();
    }
  }

  #array(): GoJsonValue {
    this.#p++;
    const items: GoJsonValue[] = [];
    this.#ws();
    if (this.#peek() === 0x5d) {
      this.#p++;
      return { kind: "array", items };
    }
    for (;;) {
      items.push(this.#value());
      this.#ws();
      const c = this.#peek();
      this.#p++;
      if (c === 0x5d) return { kind: "array", items };
      if (c !== 0x2c) {
        this.#p--;
        this.#bad("after array element");
      }
      this.#ws();
    }
  }

  #string(): string {
    const start = this.#p;
    this.#p++;
    for (;;) {
      const c = this.#peek();
      if (c === 0x22) break;
      if (c < 0x20) this.#bad("in string literal");
      this.#p++;
      if (c !== 0x5c) continue;
      const e = this.#peek();
      if (e === 0x75) {
        this.#p++;
        for (let i = 0; i < 4; i++) {
          const h = this.#peek();
          const hex = (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) ||
            (h >= 0x61 && h <= 0x66);
          if (!hex) this.#bad("in \\u hexadecimal character escape");
          this.#p++;
        }
      } else if ('"\\/bfnrt'.includes(String.fromCharCode(e))) {
        this.#p++;
      } else {
        this.#bad("in string escape code");
      }
    }
    this.#p++;
    return JSON.parse(dec.decode(this.#b.subarray(start, this.#p)));
  }

  #digits(): void {
    const b = this.#b;
    while (this.#p < b.length && b[this.#p] >= 0x30 && b[this.#p] <= 0x39) this.#p++;
  }

  #isDigit(): boolean {
    const c = this.#peek();
    return c >= 0x30 && c <= 0x39;
  }

  #number(): GoJsonValue {
    const start = this.#p;
    const b = this.#b;
    if (b[this.#p] === 0x2d) {
      this.#p++;
      if (!this.#isDigit()) this.#bad("in numeric literal");
    }
    if (b[this.#p] === 0x30) this.#p++;
    else this.#digits();
    if (this.#p < b.length && b[this.#p] === 0x2e) {
      this.#p++;
      if (!this.#isDigit()) this.#bad("after decimal point in numeric literal");
      this.#digits();
    }
    if (this.#p < b.length && (b[this.#p] === 0x65 || b[this.#p] === 0x45)) {
      this.#p++;
      const s = this.#peek();
      if (s === 0x2b || s === 0x2d) this.#p++;
      if (!this.#isDigit()) this.#bad("in exponent of numeric literal");
      this.#digits();
    }
    return { kind: "number", raw: dec.decode(b.subarray(start, this.#p)) };
  }

  #literal(word: string, value: GoJsonValue): GoJsonValue {
    this.#p++;
    for (let i = 1; i < word.length; i++) {
      if (this.#peek() !== word.charCodeAt(i)) {
        this.#bad(`in literal ${word} (expecting '${word[i]}')`);
      }
      this.#p++;
    }
    return value;
  }
}

/**
 * Parses `text` as Go's `json.Unmarshal` would scan it; throws {@link GoJsonError} with Go's
 * message on a syntax error.
 *
 * @example
 * ```ts
 * import { parseGoJson } from "./go_json.ts";
 * try {
 *   parseGoJson("{bad");
 * } catch (err) {
 *   const text = (err as Error).message;
 *   if (text !== "invalid character 'b' looking for beginning of object key string") throw err;
 * }
 * ```
 */
export function parseGoJson(text: string): GoJsonValue {
  return new Reader(text).document();
}

/** Go types a request option can have, named as Go prints them in errors. */
export type GoType =
  | "bool"
  | "string"
  | "int"
  | "uint64"
  | "server.ConnState"
  | "server.SortOpt"
  | "[]string";

/** A Go struct: its name in errors and its members by JSON name, each with a Go type. */
export interface GoStruct {
  name: string;
  fields: Readonly<Record<string, GoType>>;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

function kindName(v: GoJsonValue): string {
  return v.kind === "bool" ? "bool" : v.kind;
}

function typeError(value: string, struct: string, field: string, type: string): GoJsonError {
  return new GoJsonError(
    `json: cannot unmarshal ${value} into Go struct field ${struct}.${field} of type ${type}`,
  );
}

function integer(raw: string, unsigned: boolean): number | null {
  if (!/^-?\d+$/.test(raw)) return null;
  const n = BigInt(raw);
  if (unsigned ? n < 0n || n > UINT64_MAX : n < INT64_MIN || n > INT64_MAX) return null;
  return Number(n);
}

/** Converts one member; returns undefined for `null` (Go leaves the field alone). */
function convert(v: GoJsonValue, type: GoType, struct: string, field: string): unknown {
  if (v.kind === "null") return undefined;
  const fail = (what = kindName(v)) => typeError(what, struct, field, type);
  switch (type) {
    case "bool":
      if (v.kind !== "bool") throw fail();
      return v.value;
    case "string":
    case "server.SortOpt":
      if (v.kind !== "string") throw fail();
      return v.value;
    case "int":
    case "uint64":
    case "server.ConnState": {
      if (v.kind !== "number") throw fail();
      const n = integer(v.raw, type === "uint64");
      if (n === null) throw fail(`number ${v.raw}`);
      return n;
    }
    case "[]string": {
      if (v.kind !== "array") throw fail();
      return v.items.map((item) => {
        if (item.kind === "null") return "";
        if (item.kind !== "string") throw typeError(kindName(item), struct, field, "string");
        return item.value;
      });
    }
  }
}

/**
 * Decodes `text` into the members of `struct`, as `json.Unmarshal` into that Go struct:
 * returns the members present (by JSON name), or throws {@link GoJsonError} with Go's text
 * (the first type error wins; Go keeps decoding the rest, which changes nothing here).
 *
 * @example
 * ```ts
 * import { decodeGoStruct } from "./go_json.ts";
 * const s = { name: "LeafzEventOptions", fields: { subscriptions: "bool" } } as const;
 * const v = decodeGoStruct('{"Subscriptions": true, "other": 1}', s);
 * if (v.subscriptions !== true) throw new Error("case-insensitive match expected");
 * ```
 */
export function decodeGoStruct(text: string, struct: GoStruct): Record<string, unknown> {
  const doc = parseGoJson(text);
  const out: Record<string, unknown> = {};
  if (doc.kind === "null") return out;
  if (doc.kind !== "object") {
    throw new GoJsonError(
      `json: cannot unmarshal ${kindName(doc)} into Go value of type server.${struct.name}`,
    );
  }
  const names = Object.keys(struct.fields);
  let first: GoJsonError | null = null;
  for (const [key, value] of doc.entries) {
    const field = Object.hasOwn(struct.fields, key)
      ? key
      : names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (field === undefined) continue;
    try {
      const converted = convert(value, struct.fields[field], struct.name, field);
      if (converted !== undefined) out[field] = converted;
    } catch (err) {
      if (!(err instanceof GoJsonError)) throw err;
      first ??= err;
    }
  }
  if (first !== null) throw first;
  return out;
}
