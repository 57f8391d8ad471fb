/**
 * @module
 * Shared machinery for the normalizer: the context that collects options, errors and
 * warnings, and typed accessors that fail the way nats-server's Go type assertions do
 * (`interface conversion: interface {} is string, not int64`, recovered per function and
 * reported at the value's position). Pure; main isolate.
 */

import type { ServerOptions } from "../options.ts";
import { type ConfigIssue, makeIssue, unknownFieldIssue, warningIssue } from "./issues.ts";
import { type ConfArray, type ConfMap, type ConfNode, goTypeName } from "./tree.ts";

/** A failed Go type assertion; recovered by {@linkcode recoverPanic}. */
export class ConversionPanic extends Error {
  /** Where nats-server reports it: the last token the recovering function unwrapped. */
  readonly where: ConfNode;
  /** The value whose assertion failed. */
  readonly node: ConfNode;
  /** The Go type that was asserted. */
  readonly wanted: string;

  constructor(node: ConfNode, wanted: string, where: ConfNode = node) {
    super(`interface conversion: interface {} is ${goTypeName(node)}, not ${wanted}`);
    this.name = "ConversionPanic";
    this.where = where;
    this.node = node;
    this.wanted = wanted;
  }
}

const noFile = (path: string): string => {
  throw new Error(`open ${path}: no such file or directory`);
};

/** Collects the normalized options and every error and warning. */
export class NormalizeContext {
  readonly options: Partial<ServerOptions> = {};
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  /** The top-level key being processed (for issue metadata). */
  key = "";
  /** Reads files named by options (operator JWTs), relative to the process directory. */
  readonly readFile: (path: string) => string;

  constructor(readFile: (path: string) => string = noFile) {
    this.readFile = readFile;
  }

  /** Records an error; `where` undefined gives nats-server's position-less form. */
  error(where: ConfNode | undefined, reason: string): void {
    this.errors.push(makeIssue(where, reason, { key: this.key || undefined }));
  }

  /** Records an unknown field unless the key was used as a `$variable`. */
  unknownField(node: ConfNode, field: string): void {
    if (node.usedVariable) return;
    this.errors.push(unknownFieldIssue(node, field, this.key || undefined));
  }

  /** Records a warning (`invalid use of field`). */
  warning(node: ConfNode, field: string, reason: string): void {
    this.warnings.push(warningIssue(node, field, reason, this.key || undefined));
  }
}

/**
 * Runs `body`; a {@linkcode ConversionPanic} is recorded as an error at the failing value and
 * `undefined` returned, like a Go function with `defer convertPanicToErrorList`.
 */
export function recoverPanic<T>(ctx: NormalizeContext, body: () => T): T | undefined {
  try {
    return body();
  } catch (err) {
    if (err instanceof ConversionPanic) {
      ctx.error(err.where, err.message);
      return undefined;
    }
    throw err;
  }
}

/** `v.(string)` */
export function asString(node: ConfNode): string {
  if (node.kind !== "string") throw new ConversionPanic(node, "string");
  return node.value;
}

/** `v.(int64)` */
export function asInt(node: ConfNode): number {
  if (node.kind !== "integer") throw new ConversionPanic(node, "int64");
  return node.value;
}

/** `v.(bool)` */
export function asBool(node: ConfNode): boolean {
  if (node.kind !== "bool") throw new ConversionPanic(node, "bool");
  return node.value;
}

/** `v.(map[string]interface{})` */
export function asMap(node: ConfNode): ConfMap {
  if (node.kind !== "map") throw new ConversionPanic(node, "map[string]interface {}");
  return node;
}

/** `v.([]interface{})` */
export function asArray(node: ConfNode): ConfArray {
  if (node.kind !== "array") throw new ConversionPanic(node, "[]interface {}");
  return node;
}

/** Go `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`). */
export function goFloat(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : value < 0 ? "-Inf" : "NaN";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa, expText] = value.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 21) {
    const sign = exp < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return String(value);
}

/** Go `%v` of a config value (maps print as `map[k:v]` with sorted keys). */
export function goValue(node: ConfNode): string {
  switch (node.kind) {
    case "float":
      return goFloat(node.value);
    case "datetime":
      return node.value.toISOString().replace(".000Z", " +0000 UTC").replace("T", " ");
    case "array":
      return `[${node.value.map(goValue).join(" ")}]`;
    case "map": {
      const keys = [...node.value.keys()].sort();
      return `map[${keys.map((key) => `${key}:${goValue(node.value.get(key)!)}`).join(" ")}]`;
    }
    default:
      return String(node.value);
  }
}

/** Go `%q` of a string slice: `["a" "b"]`. */
export function goQuotedList(values: string[]): string {
  return `[${values.map((value) => JSON.stringify(value)).join(" ")}]`;
}

/** Iterates a map's entries with lower-cased keys (nats-server switches on `strings.ToLower`). */
export function* entriesLower(map: ConfMap): Generator<[string, ConfNode, string]> {
  for (const [key, value] of map.value) yield [key.toLowerCase(), value, key];
}
