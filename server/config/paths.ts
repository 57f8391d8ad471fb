/**
 * @module
 * Go `path/filepath` Dir/Join/Clean for slash paths, so include paths and the file names in
 * error messages read exactly as nats-server prints them. Pure; main isolate.
 */

/**
 * Go `filepath.Clean`: the shortest equivalent path.
 *
 * @example
 * ```ts
 * import { cleanPath } from "./paths.ts";
 * cleanPath("./a/../b//c.conf"); // "b/c.conf"
 * ```
 */
export function cleanPath(path: string): string {
  if (path === "") return ".";
  const rooted = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return "/" + joined;
  return joined === "" ? "." : joined;
}

/** Go `filepath.Dir`. */
export function dirPath(path: string): string {
  const slash = path.lastIndexOf("/");
  return cleanPath(slash < 0 ? "" : path.slice(0, slash + 1));
}

/**
 * Go `filepath.Join`: joins non-empty parts and cleans. An absolute second part is NOT
 * treated specially (nats-server resolves `include "/x"` under the including directory).
 */
export function joinPath(...parts: string[]): string {
  const kept = parts.filter((part) => part !== "");
  return kept.length === 0 ? "" : cleanPath(kept.join("/"));
}

/** True when a path names a YAML file (`.yaml` / `.yml`). */
export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}
