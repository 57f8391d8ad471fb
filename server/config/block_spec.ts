/**
 * @module
 * The machinery every option block (`cluster`, `gateway`, `leafnodes`, `websocket`,
 * `jetstream` and their nested lists) uses: a table of field specs per block (key and aliases
 * -> parser -> typed target), one walker that reports unknown fields as nats-server does, and
 * the value parsers the blocks share (URLs, storage sizes, nested `tls {}`, `parseListen`).
 * Panics (failed Go type assertions) propagate as {@link ConversionPanic}; each block decides
 * where it recovers, as the matching nats-server 2.9.10 function does (server/opts.go).
 * Pure; main isolate.
 */
import { parseTlsSection, type TlsSettings } from "../transport/tls_options.ts";
import type { RawSection } from "../options.ts";
import {
  asMap,
  ConversionPanic,
  entriesLower,
  goValue,
  type NormalizeContext,
} from "./normalize_context.ts";
import { type ConfMap, type ConfNode, toPlain } from "./tree.ts";

/** A field's parser: writes into `target`; calls {@linkcode stopBlock} to end the block. */
export type FieldApply<T> = (
  node: ConfNode,
  ctx: NormalizeContext,
  target: T,
  key: string,
) => void;

class StopBlock {}

/** Ends the block being walked (a nats-server parser's `return err` after an error). */
export function stopBlock(): never {
  throw new StopBlock();
}

/** One field of a block: lower-case names (aliases) and what to do with the value. */
export interface FieldSpec<T> {
  names: readonly string[];
  apply: FieldApply<T>;
}

/** A block's field table, looked up by lower-case name. */
export class FieldTable<T> {
  readonly #byName = new Map<string, FieldSpec<T>>();

  constructor(specs: readonly FieldSpec<T>[]) {
    for (const spec of specs) for (const name of spec.names) this.#byName.set(name, spec);
  }

  /** Every accepted name, aliases included. */
  get names(): string[] {
    return [...this.#byName.keys()];
  }

  /**
   * Walks a map: known fields are applied, unknown ones reported (`unknown field "x"` at the
   * value, skipped when the key was used as a `$variable`). Returns false when a field
   * stopped the block ({@linkcode stopBlock}).
   */
  walk(map: ConfMap, ctx: NormalizeContext, target: T): boolean {
    try {
      for (const [lower, value, key] of entriesLower(map)) {
        const spec = this.#byName.get(lower);
        if (spec) spec.apply(value, ctx, target, key);
        else ctx.unknownField(value, key);
      }
    } catch (err) {
      if (err instanceof StopBlock) return false;
      throw err;
    }
    return true;
  }
}

/** A field whose value is converted by `convert` (which may panic) then stored by `set`. */
export function field<T, V>(
  names: string[],
  convert: (node: ConfNode) => V,
  set: (target: T, value: V) => void,
): FieldSpec<T> {
  return { names, apply: (node, _ctx, target) => set(target, convert(node)) };
}

/** A field with its own parser. */
export function custom<T>(names: string[], apply: FieldApply<T>): FieldSpec<T> {
  return { names, apply };
}

/** Go `strconv.ParseInt(text, 10, 64)` error text, or undefined when it parses. */
function parseIntError(text: string): string | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) {
    return `strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`;
  }
  const value = BigInt(text);
  if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) {
    return `strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`;
  }
  return undefined;
}

/**
 * nats-server `getStorageSize`: an integer, or a string `<int><K|M|G|T>` (powers of 1024).
 * Returns the byte count or the error text nats-server appends after the field name.
 *
 * @example
 * ```ts
 * import { storageSize } from "./block_spec.ts";
 * storageSize({ kind: "string", value: "2K", file: "a", line: 1, col: 0 }); // { bytes: 2048 }
 * ```
 */
export function storageSize(node: ConfNode): { bytes: number } | { error: string } {
  if (node.kind === "integer") return { bytes: node.value };
  if (node.kind !== "string") return { error: "must be int64 or string" };
  if (node.value === "") return { bytes: 0 };
  const prefix = node.value.slice(0, -1);
  const invalid = parseIntError(prefix);
  if (invalid) return { error: invalid };
  const shift = ({ K: 10, M: 20, G: 30, T: 40 } as Record<string, number>)[node.value.at(-1)!];
  if (shift === undefined) return { error: "sizes defined as strings must end in K, M, G, T" };
  return { bytes: Number(prefix) * 2 ** shift };
}

/**
 * Whether Go's `url.Parse` rejects the (trimmed) text: control characters, bad `%` escapes,
 * a missing scheme before a colon in the first segment, or an unclosed IPv6 bracket.
 */
export function goUrlRejects(text: string): boolean {
  for (const ch of text) if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) return true;
  if (/%(?![0-9a-fA-F]{2})/.test(text.replace(/#.*$/, ""))) return true;
  if (text.startsWith(":")) return true;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(text);
  if (!scheme) {
    const first = text.split("/")[0];
    return first.includes(":");
  }
  const rest = text.slice(scheme[0].length);
  if (!rest.startsWith("//")) return false;
  const authority = rest.slice(2).split(/[/?#]/)[0];
  const host = authority.slice(authority.lastIndexOf("@") + 1);
  if (host.startsWith("[")) return !host.includes("]");
  return host.includes("]") || host.includes("[");
}

/**
 * nats-server `parseURLs`: each entry must be a string (else a panic); duplicates are
 * warnings (`Duplicate <typ> entry detected`); unparsable URLs are errors at the entry.
 */
export function parseUrlList(
  node: ConfNode,
  typ: string,
  ctx: NormalizeContext,
): { urls: string[]; failed: boolean } {
  const urls: string[] = [];
  const seen = new Set<string>();
  let failed = false;
  for (const entry of node.kind === "array" ? node.value : []) {
    if (entry.kind !== "string") throwConversion(entry, "string");
    const text = (entry as { value: string }).value;
    if (seen.has(text)) {
      ctx.warning(entry, text, `Duplicate ${typ} entry detected`);
      continue;
    }
    seen.add(text);
    const trimmed = text.trim();
    if (goUrlRejects(trimmed)) {
      ctx.error(entry, `error parsing ${typ} url [${JSON.stringify(trimmed)}]`);
      failed = true;
      continue;
    }
    urls.push(trimmed);
  }
  return { urls, failed };
}

/** One URL string (nats-server `parseURL`); undefined after reporting. */
export function parseOneUrl(node: ConfNode, typ: string, ctx: NormalizeContext) {
  if (node.kind !== "string") throwConversion(node, "string");
  const trimmed = (node as { value: string }).value.trim();
  if (goUrlRejects(trimmed)) {
    ctx.error(node, `error parsing ${typ} url [${JSON.stringify(trimmed)}]`);
    return undefined;
  }
  return trimmed;
}

function throwConversion(node: ConfNode, wanted: string): never {
  throw new ConversionPanic(node, wanted);
}

/** Lower-case TLS field names nats-server 2.9.10 parseTLS knows. */
export const TLS_FIELDS: ReadonlySet<string> = new Set([
  "cert_file",
  "key_file",
  "ca_file",
  "insecure",
  "verify",
  "verify_and_map",
  "verify_cert_and_check_known_urls",
  "cipher_suites",
  "curve_preferences",
  "timeout",
  "connection_rate_limit",
  "pinned_certs",
]);

/**
 * A nested `tls {}` (nats-server parseTLS): not a map panics; an unknown field is
 * `error parsing tls config, unknown field ["x"]` at the field; the settings' own checks
 * (`transport/tls_options.ts`) at the field they concern, or at the block when they concern
 * several (a cert without its key). `prepare` may drop or reject fields
 * denats treats specially for one block before the common checks.
 */
export function parseTlsBlock(
  node: ConfNode,
  ctx: NormalizeContext,
  prepare?: (raw: RawSection) => string | undefined,
): TlsSettings | undefined {
  const map = asMap(node);
  for (const [lower, value, key] of entriesLower(map)) {
    if (!TLS_FIELDS.has(lower)) {
      ctx.error(value, `error parsing tls config, unknown field [${JSON.stringify(key)}]`);
      return undefined;
    }
    // parseTLS checks each field on its own and reports at that field.
    const alone = parseTlsSection({ [key]: toPlain(value) } as RawSection);
    if (alone.error !== undefined && !alone.error.startsWith("missing '")) {
      // List entries (cipher_suites, curve_preferences, pinned_certs) fail at the entry.
      const entry = value.kind === "array"
        ? value.value.find((item) =>
          parseTlsSection({ [key]: [toPlain(item)] } as RawSection).error === alone.error
        )
        : undefined;
      ctx.error(entry ?? value, alone.error);
      return undefined;
    }
  }
  const raw = toPlain(map) as RawSection;
  const problem = prepare?.(raw);
  if (problem) {
    ctx.error(node, problem);
    return undefined;
  }
  const parsed = parseTlsSection(raw);
  if (parsed.error !== undefined) {
    ctx.error(node, parsed.error);
    return undefined;
  }
  return parsed.settings;
}

/** `%v` of a value for the `Expected ... got %v` texts (Go prints maps and lists as such). */
export function goShown(node: ConfNode): string {
  return goValue(node);
}

/**
 * TLS of a route or gateway link (nats-server getTLSConfig): parseTLS outside the client
 * context (so `verify_cert_and_check_known_urls` is allowed), then forced mutual: `verify`
 * always, and no connection rate limit. `prepare` adds the block's own refusals.
 */
export function parseMutualTls(
  node: ConfNode,
  ctx: NormalizeContext,
  prepare?: (raw: RawSection) => string | undefined,
): TlsSettings | undefined {
  const settings = parseTlsBlock(node, ctx, (raw) => {
    const problem = prepare?.(raw);
    if (problem) return problem;
    for (const key of Object.keys(raw)) {
      if (key.toLowerCase() === "verify_cert_and_check_known_urls") delete raw[key];
    }
    return undefined;
  });
  return settings && { ...settings, verify: true, rateLimit: 0 };
}

/** nats-server parseListen for a block's `listen`: reports at the value, returns host/port. */
export { listen as parseListenValue } from "./listen.ts";
