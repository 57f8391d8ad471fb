/**
 * @module
 * Config errors and warnings, worded and positioned exactly as nats-server 2.9.10 prints them
 * (`server/errors.go`: configErr, unknownConfigFieldErr, configWarningErr, processConfigErr).
 * Pure; main isolate.
 */

import { formatPosition, type SourcePosition } from "./tree.ts";

/** One config error or warning. */
export interface ConfigIssue {
  /** The full line nats-server prints, e.g. `nats.conf:3:1: unknown field "foo"`. */
  message: string;
  /** The message without its position prefix. */
  reason: string;
  file?: string;
  line?: number;
  col?: number;
  /** The top-level option being processed, when there is one. */
  key?: string;
  /** The offending field name, for unknown fields and warnings. */
  field?: string;
  /** A syntax or file error: parsing stopped here, and nats-server prints it on its own. */
  syntax?: boolean;
}

/**
 * Builds an issue; with a position the message gets the `<file>:<line>:<col>: ` prefix.
 *
 * @example
 * ```ts
 * import { makeIssue } from "./issues.ts";
 * makeIssue({ file: "a.conf", line: 2, col: 1 }, "unknown field \"foo\"").message;
 * // 'a.conf:2:1: unknown field "foo"'
 * ```
 */
export function makeIssue(
  where: SourcePosition | undefined,
  reason: string,
  extra: { key?: string; field?: string } = {},
): ConfigIssue {
  if (!where) return { message: reason, reason, ...extra };
  return {
    message: `${formatPosition(where)}: ${reason}`,
    reason,
    file: where.file,
    line: where.line,
    col: where.col,
    ...extra,
  };
}

/** An unknown field (nats-server `unknownConfigFieldErr`). */
export function unknownFieldIssue(where: SourcePosition, field: string, key?: string): ConfigIssue {
  return makeIssue(where, `unknown field ${JSON.stringify(field)}`, { key, field });
}

/** A deprecated use (nats-server `configWarningErr`). */
export function warningIssue(
  where: SourcePosition,
  field: string,
  reason: string,
  key?: string,
): ConfigIssue {
  const issue = makeIssue(where, reason, { key, field });
  issue.message = `${formatPosition(where)}: invalid use of field ${
    JSON.stringify(field)
  }: ${reason}`;
  return issue;
}

/**
 * The report nats-server prints for a failed config: warnings first, then errors, one per
 * line, each ending in a newline (nats-server `processConfigErr.Error`).
 *
 * @example
 * ```ts
 * import { formatIssues } from "./issues.ts";
 * formatIssues({ warnings: [], errors: [{ message: "x", reason: "x" }] }); // "x\n"
 * ```
 */
export function formatIssues(result: { errors: ConfigIssue[]; warnings: ConfigIssue[] }): string {
  return [...result.warnings, ...result.errors].map((issue) => issue.message + "\n").join("");
}

/**
 * The exact text nats-server prints (after `<exe>: `) when a config fails: a syntax error on
 * its own, otherwise the {@linkcode formatIssues} report.
 *
 * @example
 * ```ts
 * import { formatConfigFailure } from "./issues.ts";
 * formatConfigFailure({ warnings: [], errors: [{ message: "x", reason: "x", syntax: true }] }); // "x"
 * ```
 */
export function formatConfigFailure(
  result: { errors: ConfigIssue[]; warnings: ConfigIssue[] },
): string {
  const first = result.errors[0];
  if (first?.syntax) return first.message;
  return formatIssues(result);
}
