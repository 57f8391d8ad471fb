/**
 * @module
 * The config pipeline: `.conf` and YAML text to one tree, one normalizer to ServerOptions,
 * nats-server's CLI flags, and the merge of the three. Only `load.ts` touches files and the
 * environment. Re-exports only.
 *
 * @example
 * ```ts
 * import { defaultOptions } from "../options.ts";
 * import { mergeOptions, parseConfigText, parseFlags } from "./mod.ts";
 * const file = parseConfigText("port: 4333\ndebug: true\n", { file: "nats.conf" });
 * const flags = parseFlags(["-D=false"]);
 * const options = mergeOptions(defaultOptions(), file.options, flags.options);
 * options.port; // 4333
 * options.debug; // false
 * ```
 */

export {
  type ConfigResult,
  type ConfigTextOptions,
  normalizeTree,
  parseConfigText,
  parseSource,
} from "./normalize.ts";
export { loadConfigFile, loadConfigFileSync, lookupEnv, readConfigFile } from "./load.ts";
export { ConfigParseError, parseConf, type ParseSource } from "./conf_parser.ts";
export { loadYamlSupport, parseYaml } from "./yaml.ts";
export { type ConfigIssue, formatConfigFailure, formatIssues } from "./issues.ts";
export {
  type FlagError,
  type ParsedFlags,
  parseFlags,
  SIGNAL_COMMANDS,
  type SignalRequest,
} from "./flags.ts";
export { mergeOptions } from "./merge.ts";
export { tlsHelpText, usage, usageText } from "./usage.ts";
export { OPTION_SPECS, type OptionSpec } from "./options_table.ts";
export type { ConfMap, ConfNode, SourcePosition } from "./tree.ts";
