/**
 * @module
 * Test helpers for the config folder: an in-memory file system and environment, and a reader
 * for the fixtures in `tests/configs/`. Used by tests only; disk access goes through `load.ts`.
 */

import { readConfigFile } from "./load.ts";

/** A `readFile` over in-memory files, failing like Go's `os.ReadFile`. */
export function memoryFiles(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`open ${path}: no such file or directory`);
    return text;
  };
}

/** An `env` lookup over a plain object. */
export function memoryEnv(vars: Record<string, string> = {}): (name: string) => string | undefined {
  return (name) => vars[name];
}

/** Absolute path of `tests/configs/`. */
export const FIXTURES_DIR: string = new URL("../../tests/configs/", import.meta.url).pathname;

/**
 * A `readFile` for fixtures: relative paths resolve under `tests/configs/`, while error texts
 * keep the path as given (as nats-server does when run from that directory).
 */
export function fixtureFiles(path: string): string {
  if (path.startsWith("/")) return readConfigFile(path);
  try {
    return readConfigFile(FIXTURES_DIR + path);
  } catch (err) {
    throw new Error((err as Error).message.replace(FIXTURES_DIR + path, path));
  }
}
