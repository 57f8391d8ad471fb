/**
 * @module
 * Go's `*os.PathError` text for a failed file operation, `<op> <path>: <reason>`, as nats-server
 * prints it (config files, log files, credentials, JetStream stores): Deno's
 * `No space left on device (os error 28): ...` becomes Go's `no space left on device` (Go's
 * syscall texts are glibc's with a lower-case first letter).
 */

/** The reason part of a file error as Go words it. */
export function goSyscallText(err: unknown): string {
  if (err instanceof Deno.errors.NotFound) return "no such file or directory";
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (err instanceof Deno.errors.IsADirectory) return "is a directory";
  const message = err instanceof Error ? err.message : String(err);
  const reason = message.replace(/ \(os error \d+\).*$/s, "");
  return `${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
}

/**
 * `<op> <path>: <reason>`.
 *
 * @example
 * ```ts
 * import { goPathError } from "./go_path_error.ts";
 * const err = new Error("No space left on device (os error 28)");
 * if (goPathError("write", "/d/1.blk", err) !== "write /d/1.blk: no space left on device") {
 *   throw new Error();
 * }
 * ```
 */
export function goPathError(op: string, path: string, err: unknown): string {
  return `${op} ${path}: ${goSyscallText(err)}`;
}
