/**
 * @module
 * The only impure part of the config pipeline: reads config files and the environment and
 * hands them to the pure parser/normalizer. File errors read like Go's (`open x: no such file
 * or directory`), since nats-server prints them verbatim. Main isolate.
 */

import { type ConfigResult, parseConfigText } from "./normalize.ts";
import { makeIssue } from "./issues.ts";
import { isYamlPath } from "./paths.ts";
import { loadYamlSupport } from "./yaml.ts";
import { goSyscallText } from "../go_path_error.ts";

/** Go-style text for a file read failure. */
function describeReadError(path: string, err: unknown): string {
  const reason = goSyscallText(err);
  return `${reason === "is a directory" ? "read" : "open"} ${path}: ${reason}`;
}

/** Reads a file synchronously, throwing an Error with the Go-style message. */
export function readConfigFile(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (err) {
    throw new Error(describeReadError(path, err));
  }
}

/** Environment lookup that tolerates a missing `--allow-env` (treated as unset). */
export function lookupEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * Loads and normalizes a config file (`.conf`, or `.yaml`/`.yml`). The result's options carry
 * `configFile`; a missing file is the single error, worded as nats-server words it.
 *
 * @example
 * ```ts ignore
 * import { loadConfigFile } from "./load.ts";
 * const { options, errors } = await loadConfigFile("nats.conf");
 * ```
 */
export async function loadConfigFile(path: string): Promise<ConfigResult> {
  let mentionsYaml = isYamlPath(path);
  if (!mentionsYaml) {
    try {
      mentionsYaml = /\.ya?ml\b/i.test(readConfigFile(path));
    } catch {
      // reported by the sync loader below
    }
  }
  if (mentionsYaml) await loadYamlSupport();
  return loadConfigFileSync(path);
}

/** Synchronous {@linkcode loadConfigFile}; YAML needs {@linkcode loadYamlSupport} first. */
export function loadConfigFileSync(path: string): ConfigResult {
  let text: string;
  try {
    text = readConfigFile(path);
  } catch (err) {
    const issue = { ...makeIssue(undefined, (err as Error).message), syntax: true };
    return { options: {}, errors: [issue], warnings: [] };
  }
  const result = parseConfigText(text, { file: path, readFile: readConfigFile, env: lookupEnv });
  result.options.configFile = path;
  return result;
}
