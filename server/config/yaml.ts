// deno-lint-ignore-file no-import-prefix -- full npm: specifiers (pinned as in deno.json) let a
// script with no deno.json import mod.ts from anywhere; tests/e2e/embedding_test.ts checks both.
/**
 * @module
 * YAML loader: a `.yaml`/`.yml` config to the same {@linkcode ConfMap} tree the `.conf` parser
 * builds, so one normalizer serves both. Quoted and block scalars are strings; plain scalars
 * read like `.conf` values (`1MB`, `yes`, `-1`, `1.5`, `$VAR`, dates), so a YAML file and its
 * `.conf` twin mean the same. `include: file` (or a list) merges a file into the map, like
 * `.conf` includes; `<<` merge keys and anchors work. Lines and columns are 1-based.
 * Pure (file reading is injected); main isolate.
 */

import type {
  Document,
  LineCounter,
  Node as YamlNode,
  Pair,
  Scalar,
  YAMLMap,
} from "npm:yaml@2.9.1";
import type * as YamlLib from "npm:yaml@2.9.1";
import { ConfigParseError, parseConf, type ParseSource } from "./conf_parser.ts";
import { dirPath, joinPath } from "./paths.ts";
import { type ConfMap, type ConfNode, type SourcePosition, withPosition } from "./tree.ts";

/** The `yaml` npm module, loaded on first need: npm modules cost memory at startup. */
let yamlLib: typeof YamlLib | null = null;

/** Loads YAML support; call (and await) before parsing YAML. */
export async function loadYamlSupport(): Promise<void> {
  yamlLib ??= await import("npm:yaml@2.9.1");
}

function lib(): typeof YamlLib {
  if (yamlLib === null) throw new Error("YAML support is not loaded (await loadYamlSupport())");
  return yamlLib;
}

const ENV_KEY = "pk";
const MAX_DEPTH = 64;

class YamlLoader {
  #source: ParseSource;
  #doc: Document;
  #lines: LineCounter;
  #scopes: Map<string, ConfNode>[] = [];
  #depth = 0;

  constructor(source: ParseSource, doc: Document, lines: LineCounter) {
    this.#source = source;
    this.#doc = doc;
    this.#lines = lines;
  }

  position(offset: number | undefined): SourcePosition {
    const { line, col } = this.#lines.linePos(offset ?? 0);
    return { file: this.#source.file, line, col };
  }

  #fail(message: string, where: SourcePosition): never {
    throw new ConfigParseError(
      `${where.file}:${where.line}:${where.col}: ${message}`,
      where.file,
      where.line,
    );
  }

  convert(node: unknown, where: SourcePosition): ConfNode {
    if (++this.#depth > MAX_DEPTH) this.#fail("YAML nesting too deep", where);
    try {
      if (lib().isAlias(node)) return this.convert(node.resolve(this.#doc), where);
      if (lib().isMap(node)) return this.convertMap(node, where);
      if (lib().isSeq(node)) {
        const items = node.items.map((item) =>
          this.convert(item, this.position((item as YamlNode | null)?.range?.[0]))
        );
        return { kind: "array", value: items, ...where };
      }
      if (lib().isScalar(node)) return this.#scalar(node, where);
      if (node === null || node === undefined) return { kind: "string", value: "", ...where };
      return this.#fail("unsupported YAML node", where);
    } finally {
      this.#depth--;
    }
  }

  convertMap(map: YAMLMap, where: SourcePosition): ConfMap {
    const value = new Map<string, ConfNode>();
    const explicit = new Set(map.items.map((pair) => this.#keyText(pair)));
    this.#scopes.push(value);
    try {
      for (const pair of map.items) {
        const key = this.#keyText(pair);
        const at = this.position((pair.key as YamlNode | null)?.range?.[0]);
        if (key === "<<") this.#merge(pair.value, value, explicit, at);
        else if (key.toLowerCase() === "include") this.#include(pair.value, value, at);
        else {
          value.delete(key);
          value.set(key, this.convert(pair.value, at));
        }
      }
    } finally {
      this.#scopes.pop();
    }
    return { kind: "map", value, ...where };
  }

  #keyText(pair: Pair): string {
    if (lib().isScalar(pair.key)) return String(pair.key.value ?? "");
    if (pair.key === null || pair.key === undefined) return "";
    return this.#fail("map keys must be scalars", this.position((pair.key as YamlNode).range?.[0]));
  }

  #merge(
    source: unknown,
    into: Map<string, ConfNode>,
    explicit: Set<string>,
    at: SourcePosition,
  ): void {
    const target = lib().isAlias(source) ? source.resolve(this.#doc) : source;
    const maps = lib().isSeq(target) ? target.items : [target];
    for (const item of maps) {
      const merged = this.convert(item, at);
      if (merged.kind !== "map") this.#fail("merge key << needs a map", at);
      for (const [key, child] of merged.value) {
        if (!explicit.has(key) && !into.has(key)) into.set(key, child);
      }
    }
  }

  #include(node: unknown, into: Map<string, ConfNode>, at: SourcePosition): void {
    const target = this.convert(node, at);
    const paths = target.kind === "array" ? target.value : [target];
    for (const entry of paths) {
      if (entry.kind !== "string") this.#fail("include needs a file name", at);
      const path = joinPath(dirPath(this.#source.file), entry.value);
      let included: ConfMap;
      try {
        const depth = (this.#source.depth ?? 0) + 1;
        if (depth > MAX_DEPTH) throw new Error("too many nested includes");
        included = this.#source.parseFile
          ? this.#source.parseFile(path, depth)
          : parseYaml(this.#source.readFile(path), { ...this.#source, file: path, depth });
      } catch (err) {
        throw new ConfigParseError(
          `error parsing include file '${entry.value}', ${(err as Error).message}`,
          at.file,
          at.line,
        );
      }
      for (const [key, child] of included.value) {
        into.delete(key);
        into.set(key, child);
      }
    }
  }

  /** Plain scalars read as `.conf` values; quoted and block scalars stay strings. */
  #scalar(scalar: Scalar, where: SourcePosition): ConfNode {
    const text = String(scalar.value ?? "");
    if (scalar.type !== "PLAIN" || text === "") return { kind: "string", value: text, ...where };
    let parsed: ConfMap;
    try {
      parsed = parseConf(`${ENV_KEY}=${text}`, {
        ...this.#source,
        file: this.#source.file,
        scopes: [...this.#scopes],
        parseFile: undefined,
      });
    } catch (err) {
      if (!(err instanceof ConfigParseError)) throw err;
      if (err.message.startsWith("Parse error")) return { kind: "string", value: text, ...where };
      const message = err.message.replace(/ on line \d+ /, ` on line ${where.line} `);
      throw new ConfigParseError(message, where.file, where.line);
    }
    const value = parsed.value.get(ENV_KEY);
    if (!value || parsed.value.size !== 1) return { kind: "string", value: text, ...where };
    return withPosition(value, where);
  }
}

/**
 * Parses YAML text into a config tree. Throws {@linkcode ConfigParseError} on YAML syntax
 * errors, naming file, line and column.
 *
 * @example
 * ```ts
 * import { loadYamlSupport, parseYaml } from "./yaml.ts";
 * await loadYamlSupport();
 * const tree = parseYaml("port: 4222\nmax_payload: 1MB\n", {
 *   file: "nats.yaml",
 *   readFile: () => "",
 *   env: () => undefined,
 * });
 * tree.value.get("max_payload")?.value; // 1048576
 * ```
 */
export function parseYaml(text: string, source: ParseSource): ConfMap {
  const lines = new (lib().LineCounter)();
  const doc = lib().parseDocument(text, {
    lineCounter: lines,
    schema: "failsafe",
    uniqueKeys: true,
  });
  const loader = new YamlLoader(source, doc, lines);
  const problem = doc.errors[0];
  if (problem) {
    const where = loader.position(problem.pos[0]);
    const reason = problem.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new ConfigParseError(
      `${where.file}:${where.line}:${where.col}: ${reason}`,
      where.file,
      where.line,
    );
  }
  const top = { file: source.file, line: 1, col: 1 };
  if (doc.contents === null) return { kind: "map", value: new Map(), ...top };
  if (!lib().isMap(doc.contents)) {
    throw new ConfigParseError(`${source.file}:1:1: a YAML config must be a map`, source.file, 1);
  }
  return loader.convertMap(doc.contents, top);
}
