/**
 * @module
 * JetStream API errors as nats-server 2.9.10 sends them (`jetstream_errors.go` ApiError and the
 * generated `NewJS*Error` helpers): the JSON object `{code, err_code, description}` with the
 * description's `{placeholders}` filled in one left-to-right pass (Go's `strings.NewReplacer`),
 * values formatted as Go's `toReplacerArgs` does (strings as they are, errors by their text,
 * anything else with `%v`, so a nil error becomes `<nil>`).
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { JS_ERRORS, type JsErrorName } from "./errors_generated.ts";

export { JS_ERRORS };
export type { JsErrorName };

/** The `error` member of every JetStream API response (Go `ApiError`, in its JSON key order). */
export interface ApiError {
  code: number;
  err_code: number;
  description: string;
}

/** A placeholder value: Go passes strings, errors, numbers, or a nil error (`null`). */
export type ErrorArg = string | number | bigint | boolean | ApiError | Error | null | undefined;

/** Go `%v` / `toReplacerArgs` formatting of one placeholder value. */
function formatArg(value: ErrorArg): string {
  if (value === null || value === undefined) return "<nil>";
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.message;
  if (typeof value === "object") return `${value.description} (${value.err_code})`;
  return String(value);
}

/** Fills `{name}` tags in one pass; replaced text is not scanned again (strings.NewReplacer). */
function fillPlaceholders(description: string, args: Record<string, ErrorArg>): string {
  let out = "";
  let i = 0;
  while (i < description.length) {
    const open = description.indexOf("{", i);
    if (open < 0) break;
    const close = description.indexOf("}", open + 1);
    if (close < 0) break;
    const name = description.slice(open + 1, close);
    if (Object.hasOwn(args, name)) {
      out += description.slice(i, open) + formatArg(args[name]);
      i = close + 1;
    } else {
      out += description.slice(i, open + 1);
      i = open + 1;
    }
  }
  return out + description.slice(i);
}

/**
 * Builds the error JSON as Go's `NewJS<Name>Error(args...)` does.
 *
 * @example
 * ```ts
 * import { jsApiError } from "./errors.ts";
 * const e = jsApiError("JSStreamInvalidConfigF", { err: "duplicate subjects detected" });
 * if (e.description !== "duplicate subjects detected" || e.err_code !== 10052) throw new Error();
 * ```
 */
export function jsApiError(name: JsErrorName, args: Record<string, ErrorArg> = {}): ApiError {
  const spec = JS_ERRORS[name];
  const description = spec.placeholders.length === 0
    ? spec.description
    : fillPlaceholders(spec.description, args);
  return { code: spec.code, err_code: spec.errCode, description };
}

/**
 * Go's `NewJS<Name>Error(err, Unless(err))`: `err` itself when it already is an API error,
 * else the named error with `{err}` set to `err`'s text.
 *
 * @example
 * ```ts
 * import { jsApiError, jsApiErrorUnless } from "./errors.ts";
 * const inner = jsApiError("JSStreamNameExistErr");
 * if (jsApiErrorUnless("JSStreamCreateErrF", inner) !== inner) throw new Error();
 * if (jsApiErrorUnless("JSStreamCreateErrF", "boom").description !== "boom") throw new Error();
 * ```
 */
export function jsApiErrorUnless(name: JsErrorName, err: ApiError | string | Error): ApiError {
  if (isApiError(err)) return err;
  return jsApiError(name, { err });
}

/** True for an `{code, err_code, description}` object. */
export function isApiError(value: unknown): value is ApiError {
  return typeof value === "object" && value !== null && !(value instanceof Error) &&
    typeof (value as ApiError).code === "number" &&
    typeof (value as ApiError).err_code === "number";
}

/** True when `err` is the named API error (Go `IsNatsErr`, compared by err_code). */
export function isJsError(err: unknown, ...names: JsErrorName[]): boolean {
  if (!isApiError(err)) return false;
  return names.some((n) => JS_ERRORS[n].errCode === err.err_code);
}

/** Go `ApiError.Error()`: `description (err_code)`. */
export function apiErrorText(err: ApiError): string {
  return `${err.description} (${err.err_code})`;
}
