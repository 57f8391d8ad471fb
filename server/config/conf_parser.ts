/**
 * @module
 * Parser for the nats-server `.conf` syntax: lexer items to a {@linkcode ConfMap} tree, with
 * `include` (relative to the including file), `$variables` (enclosing scopes, then the
 * environment), size suffixes, booleans and dates. Mirrors nats-server 2.9.10
 * `conf/parse.go` in pedantic mode (values carry their key's position). File reading and the
 * environment are injected, so this module is pure; runs in the main isolate.
 */

import { ConfLexer, ItemType, type LexItem } from "./conf_lexer.ts";
import { dirPath, joinPath } from "./paths.ts";
import { type ConfMap, type ConfNode, positionTree, withPosition } from "./tree.ts";

/** What the parser needs from the outside world. */
export interface ParseSource {
  /** The path of the text being parsed, as it appears in error positions. */
  file: string;
  /** Reads an included file; throws an Error whose message is the Go-style text. */
  readFile: (path: string) => string;
  /** Looks up an environment variable. */
  env: (name: string) => string | undefined;
  /** Parses an included file (lets `.yaml` includes use the YAML loader). */
  parseFile?: (path: string, depth: number) => ConfMap;
  /** Include/variable nesting depth, to stop cycles. */
  depth?: number;
  /** Outer variable scopes, innermost last (the YAML loader resolves `$VAR` through these). */
  scopes?: readonly Map<string, ConfNode>[];
}

/** A syntax-level error: parsing stops at the first one, as in nats-server. */
export class ConfigParseError extends Error {
  /** File being parsed when the error happened. */
  readonly file: string;
  /** Line, when nats-server names one. */
  readonly line?: number;

  constructor(message: string, file: string, line?: number) {
    super(message);
    this.name = "ConfigParseError";
    this.file = file;
    this.line = line;
  }
}

const MAX_DEPTH = 64;
const ENV_KEY = "pk";
const BCRYPT_PREFIX = "2a$";
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

const SIZE_SUFFIXES: Record<string, bigint> = { "": 1n };
for (const [index, letter] of ["k", "m", "g", "t", "p", "e"].entries()) {
  SIZE_SUFFIXES[letter] = 1000n ** BigInt(index + 1);
  for (const binary of ["b", "i", "ib"]) {
    SIZE_SUFFIXES[letter + binary] = 1024n ** BigInt(index + 1);
  }
}

/**
 * Converts an integer item (`1024`, `-1`, `10MB`, `2Gi`) to a number the way nats-server does.
 * Returns undefined for an unknown suffix (nats-server then silently sets nothing).
 *
 * @example
 * ```ts
 * import { parseConfInteger } from "./conf_parser.ts";
 * parseConfInteger("1MB"); // 1048576
 * parseConfInteger("1M"); // 1000000
 * ```
 */
export function parseConfInteger(raw: string): number | undefined {
  let digits = 0;
  for (const char of raw) {
    if (char !== "-" && !/^\p{Nd}$/u.test(char)) break;
    digits += char.length;
  }
  const numText = raw.slice(0, digits);
  if (!/^[+-]?[0-9]+$/.test(numText)) throw new Error(`expected integer, but got '${raw}'`);
  const num = BigInt(numText);
  if (num > INT64_MAX || num < INT64_MIN) throw new Error(`integer '${raw}' is out of the range`);
  const multiplier = SIZE_SUFFIXES[raw.slice(digits).trim().toLowerCase()];
  if (multiplier === undefined) return undefined;
  return Number(BigInt.asIntN(64, num * multiplier));
}

/** Go `time.Parse("2006-01-02T15:04:05Z", value)`. */
function parseZuluDate(raw: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(raw);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  const valid = month >= 1 && month <= 12 && day >= 1 && hour < 24 && minute < 60 &&
    second < 60 && date.getUTCDate() === day;
  return valid ? date : undefined;
}

type Context = Map<string, ConfNode> | ConfNode[];

interface KeyItem {
  line: number;
  pos: number;
}

class ConfParser {
  #source: ParseSource;
  #depth: number;
  #root = new Map<string, ConfNode>();
  #contexts: Context[] = [this.#root];
  #keys: string[] = [];
  #keyItems: KeyItem[] = [];

  constructor(source: ParseSource) {
    this.#source = source;
    this.#depth = source.depth ?? 0;
  }

  parse(text: string): ConfMap {
    const lexer = new ConfLexer(text);
    for (;;) {
      const item = lexer.nextItem();
      if (item.type === ItemType.EOF) break;
      this.#process(item);
    }
    return { kind: "map", value: this.#root, file: this.#source.file, line: 1, col: 0 };
  }

  #fail(message: string, line?: number): never {
    throw new ConfigParseError(message, this.#source.file, line);
  }

  #node(item: LexItem, value: Omit<ConfNode, "file" | "line" | "col">): ConfNode {
    return { ...value, file: this.#source.file, line: item.line, col: item.pos } as ConfNode;
  }

  #process(item: LexItem): void {
    switch (item.type) {
      case ItemType.Error:
        return this.#fail(`Parse error on line ${item.line}: '${item.value}'`, item.line);
      case ItemType.Key:
        this.#keys.push(item.value);
        this.#keyItems.push({ line: item.line, pos: item.pos });
        return;
      case ItemType.MapStart:
        this.#contexts.push(new Map());
        return;
      case ItemType.MapEnd: {
        const map = this.#contexts.pop() as Map<string, ConfNode>;
        return this.#setValue(this.#node(item, { kind: "map", value: map }));
      }
      case ItemType.ArrayStart:
        this.#contexts.push([]);
        return;
      case ItemType.ArrayEnd: {
        const array = this.#contexts.pop() as ConfNode[];
        return this.#setValue(this.#node(item, { kind: "array", value: array }));
      }
      case ItemType.String:
        return this.#setValue(this.#node(item, { kind: "string", value: item.value }));
      case ItemType.Integer: {
        let value: number | undefined;
        try {
          value = parseConfInteger(item.value);
        } catch (err) {
          return this.#fail((err as Error).message, item.line);
        }
        if (value === undefined) return; // unknown suffix: nats-server sets nothing
        return this.#setValue(this.#node(item, { kind: "integer", value }));
      }
      case ItemType.Float: {
        const value = Number(item.value);
        if (!Number.isFinite(value)) this.#fail(`float '${item.value}' is out of the range`);
        return this.#setValue(this.#node(item, { kind: "float", value }));
      }
      case ItemType.Bool: {
        const word = item.value.toLowerCase();
        const value = word === "true" || word === "yes" || word === "on";
        return this.#setValue(this.#node(item, { kind: "bool", value }));
      }
      case ItemType.Datetime: {
        const value = parseZuluDate(item.value);
        if (!value) this.#fail(`expected Zulu formatted DateTime, but got '${item.value}'`);
        return this.#setValue(this.#node(item, { kind: "datetime", value }));
      }
      case ItemType.Variable:
        return this.#setValue(this.#resolveVariable(item));
      case ItemType.Include:
        return this.#include(item);
    }
  }

  #setValue(node: ConfNode): void {
    const context = this.#contexts[this.#contexts.length - 1];
    if (Array.isArray(context)) {
      context.push(node);
      return;
    }
    const key = this.#keys.pop();
    const keyItem = this.#keyItems.pop();
    if (key === undefined || keyItem === undefined) {
      return this.#fail("BUG in parser, keys stack empty");
    }
    node.line = keyItem.line;
    node.col = keyItem.pos;
    context.set(key, node);
  }

  #resolveVariable(item: LexItem): ConfNode {
    const name = item.value;
    const here = { file: this.#source.file, line: item.line, col: item.pos };
    if (name.startsWith(BCRYPT_PREFIX)) return { kind: "string", value: "$" + name, ...here };
    const scopes = [...(this.#source.scopes ?? []), ...this.#contexts];
    for (let i = scopes.length - 1; i >= 0; i--) {
      const context = scopes[i];
      if (Array.isArray(context)) continue;
      const found = context.get(name);
      if (found) {
        found.usedVariable = true;
        return withPosition(found, here);
      }
    }
    const fromEnv = this.#source.env(name);
    if (fromEnv !== undefined) {
      if (this.#depth >= MAX_DEPTH) {
        this.#fail(
          `variable reference for '${name}' on line ${item.line} could not be parsed: ` +
            "too many nested variable references",
          item.line,
        );
      }
      let parsed: ConfMap;
      try {
        parsed = new ConfParser({ ...this.#source, scopes: undefined, depth: this.#depth + 1 })
          .parse(`${ENV_KEY}=${fromEnv}`);
      } catch (err) {
        return this.#fail(
          `variable reference for '${name}' on line ${item.line} could not be parsed: ` +
            (err as Error).message,
          item.line,
        );
      }
      const value = parsed.value.get(ENV_KEY);
      if (value) return positionTree(value, here);
    }
    return this.#fail(
      `variable reference for '${name}' on line ${item.line} can not be found`,
      item.line,
    );
  }

  #include(item: LexItem): void {
    const path = joinPath(dirPath(this.#source.file), item.value);
    let included: ConfMap;
    try {
      if (this.#depth >= MAX_DEPTH) throw new Error("too many nested includes");
      included = this.#source.parseFile
        ? this.#source.parseFile(path, this.#depth + 1)
        : parseConf(this.#source.readFile(path), {
          ...this.#source,
          file: path,
          depth: this.#depth + 1,
        });
    } catch (err) {
      return this.#fail(
        `error parsing include file '${item.value}', ${(err as Error).message}`,
        item.line,
      );
    }
    for (const [key, value] of included.value) {
      this.#keys.push(key);
      this.#keyItems.push({ line: value.line, pos: value.col });
      this.#setValue(value);
    }
  }
}

/**
 * Parses `.conf` text into a tree. Throws {@linkcode ConfigParseError} with nats-server's
 * message on the first syntax error.
 *
 * @example
 * ```ts
 * import { parseConf } from "./conf_parser.ts";
 * const tree = parseConf("port: 4222\nmax_payload: 1MB", {
 *   file: "nats.conf",
 *   readFile: () => "",
 *   env: () => undefined,
 * });
 * tree.value.get("max_payload")?.value; // 1048576
 * ```
 */
export function parseConf(text: string, source: ParseSource): ConfMap {
  return new ConfParser(source).parse(text);
}
