/**
 * @module
 * The config normalizer: one tree (from `.conf` or YAML) to `Partial<ServerOptions>`, with
 * every error and warning collected (nats-server `ProcessConfigFile` + `processConfigFileLine`).
 * Also the text entry point {@linkcode parseConfigText}, which picks the syntax by file
 * extension. File reading and the environment are injected. Pure; main isolate.
 */

import type { ServerOptions } from "../options.ts";
import { ConfigParseError, parseConf, type ParseSource } from "./conf_parser.ts";
import { type ConfigIssue, makeIssue } from "./issues.ts";
import { ConversionPanic, NormalizeContext } from "./normalize_context.ts";
import { OPTIONS_BY_NAME } from "./options_table.ts";
import { isYamlPath } from "./paths.ts";
import { configureSystemAccount } from "./section_options.ts";
import type { ConfMap } from "./tree.ts";
import { parseYaml } from "./yaml.ts";

/** What a config produces. Options hold only what the file set. */
export interface ConfigResult {
  options: Partial<ServerOptions>;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

/** Inputs of {@linkcode parseConfigText}. */
export interface ConfigTextOptions {
  /** Path of the text, used for positions, relative includes and the syntax choice. */
  file: string;
  /** Reads included files (throw an Error with a Go-style message on failure). */
  readFile?: (path: string) => string;
  /** Environment lookup for `$VAR`. */
  env?: (name: string) => string | undefined;
  /** Force a syntax instead of choosing by extension. */
  syntax?: "conf" | "yaml";
  /** Accept unknown top-level fields (nats-server `NoErrOnUnknownFields`). */
  allowUnknownTopLevel?: boolean;
}

/**
 * Normalizes a parsed tree into options, collecting all errors and warnings.
 *
 * @example
 * ```ts
 * import { normalizeTree } from "./normalize.ts";
 * import { parseConf } from "./conf_parser.ts";
 * const tree = parseConf("port: 4333", { file: "a.conf", readFile: () => "", env: () => undefined });
 * normalizeTree(tree).options.port; // 4333
 * ```
 */
export function normalizeTree(
  tree: ConfMap,
  settings: { allowUnknownTopLevel?: boolean; readFile?: (path: string) => string } = {},
): ConfigResult {
  const ctx = new NormalizeContext(settings.readFile);
  configureSystemAccount(tree, ctx);
  for (const [key, node] of tree.value) {
    ctx.key = key;
    const spec = OPTIONS_BY_NAME.get(key.toLowerCase());
    if (!spec) {
      if (!settings.allowUnknownTopLevel) ctx.unknownField(node, key);
      continue;
    }
    try {
      spec.apply(node, ctx, key);
    } catch (err) {
      if (!(err instanceof ConversionPanic)) throw err;
      ctx.error(err.where, err.message);
    }
  }
  return { options: ctx.options, errors: ctx.errors, warnings: ctx.warnings };
}

/** Parses text in either syntax into a tree; includes may switch syntax by extension. */
export function parseSource(
  text: string,
  source: ParseSource & { syntax?: "conf" | "yaml" },
): ConfMap {
  const parseFile = (path: string, depth: number): ConfMap =>
    parseSource(source.readFile(path), { ...source, file: path, depth, syntax: undefined });
  const full = { ...source, parseFile };
  const yaml = source.syntax ? source.syntax === "yaml" : isYamlPath(source.file);
  return yaml ? parseYaml(text, full) : parseConf(text, full);
}

const noFiles = (path: string): string => {
  throw new Error(`open ${path}: no such file or directory`);
};

/**
 * Parses and normalizes config text. Syntax errors stop parsing and come back as the single
 * error (nats-server stops at the first); option errors are all collected.
 *
 * @example
 * ```ts
 * import { parseConfigText } from "./normalize.ts";
 * const result = parseConfigText("port: 4333\nfoo: 1\n", { file: "nats.conf" });
 * result.options.port; // 4333
 * result.errors[0].message; // 'nats.conf:2:1: unknown field "foo"'
 * ```
 */
export function parseConfigText(text: string, options: ConfigTextOptions): ConfigResult {
  let tree: ConfMap;
  try {
    tree = parseSource(text, {
      file: options.file,
      readFile: options.readFile ?? noFiles,
      env: options.env ?? (() => undefined),
      syntax: options.syntax,
    });
  } catch (err) {
    if (!(err instanceof ConfigParseError)) throw err;
    const issue = makeIssue(undefined, err.message);
    issue.file = err.file;
    issue.line = err.line;
    issue.syntax = true;
    return { options: {}, errors: [issue], warnings: [] };
  }
  return normalizeTree(tree, options);
}
