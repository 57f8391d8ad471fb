/**
 * @module
 * Decoding JetStream API request bodies the way Go's `encoding/json.Unmarshal` does into
 * nats-server 2.9.10's structs: a syntax check of the whole body first, then field by field
 * with keys matched exactly or else case-insensitively, unknown keys ignored, `null` leaving a
 * value as it is, the last of duplicate keys winning (objects merge), integers parsed from the
 * number's own text (so `1.5`, `1e3` or an out-of-range value into an int field is an error),
 * the `"limits"`-style enums of `store.go` and RFC 3339 times. Any failure is one
 * {@link GoJsonError}: nats-server answers all of them with `JSInvalidJSONErr`.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

/** A JSON number kept as its text, so integer fields can be range-checked exactly. */
export class GoNumber {
  constructor(readonly raw: string) {}
}

/** A parsed JSON value; objects keep every key in order, duplicates included. */
export type JsonValue = null | boolean | string | GoNumber | JsonValue[] | JsonObject;

/** A parsed JSON object. */
export class JsonObject {
  constructor(readonly entries: [string, JsonValue][]) {}
}

/** The body is not valid JSON, or a value does not fit its Go field. */
export class GoJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GoJsonError";
  }
}

const WS = new Set([" ", "\t", "\n", "\r"]);

/** Parses JSON text, keeping numbers as text and object keys in order. */
export function parseJson(text: string): JsonValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new GoJsonError(`${what} at offset ${i}`);
  };
  const skip = () => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  const value = (): JsonValue => {
    skip();
    const c = text[i];
    if (c === "{") {
      i++;
      const entries: [string, JsonValue][] = [];
      skip();
      if (text[i] === "}") {
        i++;
        return new JsonObject(entries);
      }
      for (;;) {
        skip();
        if (text[i] !== '"') fail("expected object key");
        const key = str();
        skip();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        entries.push([key, value()]);
        skip();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return new JsonObject(entries);
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const items: JsonValue[] = [];
      skip();
      if (text[i] === "]") {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        skip();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return items;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "" || m[0] === "-") return fail("invalid character");
    i += m[0].length;
    return new GoNumber(m[0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    for (; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22) break;
      if (ch < 0x20) fail("invalid character in string literal");
      if (ch === 0x5c) i++;
    }
    if (i >= text.length) fail("unexpected end of JSON input");
    i++;
    try {
      return JSON.parse(text.slice(start, i));
    } catch {
      return fail("invalid string escape");
    }
  };
  skip();
  if (i >= text.length) fail("unexpected end of JSON input");
  const v = value();
  skip();
  if (i < text.length) fail("invalid character after top-level value");
  return v;
}

/** How one Go field is decoded. */
export type GoKind =
  | { readonly t: "string" }
  | { readonly t: "bool" }
  | { readonly t: "int"; readonly bits: 32 | 64 }
  | { readonly t: "uint"; readonly bits: 32 | 64 }
  | { readonly t: "time" }
  | { readonly t: "enum"; readonly values: readonly string[]; readonly fold?: boolean }
  | { readonly t: "struct"; readonly fields: Readonly<Record<string, GoKind>> }
  | { readonly t: "array"; readonly of: GoKind }
  | { readonly t: "raw" };

/** Shorthands for field specs. */
export const K = {
  string: { t: "string" } as GoKind,
  bool: { t: "bool" } as GoKind,
  int: { t: "int", bits: 64 } as GoKind,
  int32: { t: "int", bits: 32 } as GoKind,
  uint: { t: "uint", bits: 64 } as GoKind,
  uint32: { t: "uint", bits: 32 } as GoKind,
  /** time.Duration: int64 nanoseconds. */
  duration: { t: "int", bits: 64 } as GoKind,
  time: { t: "time" } as GoKind,
  raw: { t: "raw" } as GoKind,
  enum: (values: readonly string[], fold = false): GoKind => ({ t: "enum", values, fold }),
  struct: (fields: Record<string, GoKind>): GoKind => ({ t: "struct", fields }),
  array: (of: GoKind): GoKind => ({ t: "array", of }),
} as const;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeError(kind: GoKind, value: JsonValue): GoJsonError {
  const what = value instanceof GoNumber
    ? "number"
    : Array.isArray(value)
    ? "array"
    : value instanceof JsonObject
    ? "object"
    : typeof value;
  return new GoJsonError(`cannot unmarshal ${what} into Go value of type ${kind.t}`);
}

function decodeInt(kind: { t: "int" | "uint"; bits: number }, n: GoNumber): number {
  if (!/^-?[0-9]+$/.test(n.raw)) throw new GoJsonError(`cannot unmarshal number ${n.raw}`);
  const big = BigInt(n.raw);
  const max = kind.t === "uint"
    ? (1n << BigInt(kind.bits)) - 1n
    : (1n << BigInt(kind.bits - 1)) - 1n;
  const min = kind.t === "uint" ? 0n : -(1n << BigInt(kind.bits - 1));
  if (big > max || big < min) throw new GoJsonError(`cannot unmarshal number ${n.raw}`);
  return Number(big);
}

/**
 * Decodes `value` as a field of `kind`, starting from `current` (what the field holds now):
 * `null` keeps `current` for plain values and clears pointers, slices and times
 * (nats-server's optional structs and `*time.Time` are pointers; enums reject `null`).
 */
export function decodeGo(kind: GoKind, value: JsonValue, current: unknown): unknown {
  switch (kind.t) {
    case "raw":
      return value;
    case "enum": {
      // store.go UnmarshalJSON compares the raw bytes, so null and numbers fail too.
      if (typeof value !== "string") throw new GoJsonError(`can not unmarshal ${String(value)}`);
      const v = kind.fold ? value.toLowerCase() : value;
      if (!kind.values.includes(v)) throw new GoJsonError(`can not unmarshal "${value}"`);
      return v;
    }
    case "struct": {
      if (value === null) return undefined;
      if (!(value instanceof JsonObject)) throw typeError(kind, value);
      const target = (typeof current === "object" && current !== null ? current : {}) as Record<
        string,
        unknown
      >;
      decodeFields(kind.fields, value, target);
      return target;
    }
    case "array": {
      if (value === null) return undefined;
      if (!Array.isArray(value)) throw typeError(kind, value);
      return value.map((item) => decodeGo(kind.of, item, undefined));
    }
    case "time": {
      if (value === null) return undefined;
      if (typeof value !== "string" || !RFC3339.test(value)) {
        throw new GoJsonError(`parsing time ${JSON.stringify(value)}`);
      }
      return value;
    }
  }
  if (value === null) return current;
  switch (kind.t) {
    case "string":
      if (typeof value !== "string") throw typeError(kind, value);
      return value;
    case "bool":
      if (typeof value !== "boolean") throw typeError(kind, value);
      return value;
    case "int":
    case "uint":
      if (!(value instanceof GoNumber)) throw typeError(kind, value);
      return decodeInt(kind, value);
  }
}

/**
 * Decodes the members of `obj` into `target` by the json names in `fields`: exact key first,
 * else the first field whose name matches ignoring case; unknown keys are skipped.
 */
export function decodeFields(
  fields: Readonly<Record<string, GoKind>>,
  obj: JsonObject,
  target: Record<string, unknown>,
): void {
  const names = Object.keys(fields);
  for (const [key, value] of obj.entries) {
    let name: string | undefined = Object.hasOwn(fields, key) ? key : undefined;
    if (name === undefined) {
      const lower = key.toLowerCase();
      name = names.find((n) => n.toLowerCase() === lower);
    }
    if (name === undefined) continue;
    const decoded = decodeGo(fields[name], value, target[name]);
    if (decoded === undefined) delete target[name];
    else target[name] = decoded;
  }
}

/**
 * `json.Unmarshal(body, &v)` for a struct with `fields`: the decoded members by json name
 * (absent ones missing). A top-level `null` decodes to `{}` as in Go. Throws {@link GoJsonError}.
 *
 * @example
 * ```ts
 * import { K, unmarshalStruct } from "./go_json.ts";
 * const v = unmarshalStruct({ name: K.string, max_msgs: K.int }, '{"NAME":"s","x":1,"max_msgs":5}');
 * if (v.name !== "s" || v.max_msgs !== 5 || "x" in v) throw new Error();
 * ```
 */
export function unmarshalStruct(
  fields: Readonly<Record<string, GoKind>>,
  body: string,
): Record<string, unknown> {
  const value = parseJson(body);
  const target: Record<string, unknown> = {};
  if (value === null) return target;
  if (!(value instanceof JsonObject)) throw typeError(K.struct(fields), value);
  decodeFields(fields, value, target);
  return target;
}
