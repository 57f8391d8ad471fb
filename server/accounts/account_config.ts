/**
 * @module
 * The typed account model: what an account exports, imports and limits, built from the
 * normalized `accounts {}` section (nats-server server/opts.go parseAccounts,
 * parseAccountExports/Imports, parseExportStreamOrService, parseImportStreamOrService,
 * parseAccountLimits; behaviour and error texts). Linking imports to exports, and the errors
 * that needs, live in `imports.ts`. Pure; runs in the main isolate at startup.
 */
import type { Permissions, RawSection, ServerOptions, UserOptions } from "../options.ts";
import { linkAccounts } from "./imports.ts";
import { type JsAccountLimits, parseAccountJetStream } from "../jetstream/account_limits.ts";

/** How a service answers (nats-server `ServiceRespType`). */
export const ResponseType = {
  Singleton: "Singleton",
  Streamed: "Streamed",
  Chunked: "Chunked",
} as const;

/** One of {@linkcode ResponseType}. */
export type ResponseType = typeof ResponseType[keyof typeof ResponseType];

/** A stream export. `accounts: null` means public. */
export interface StreamExport {
  subject: string;
  /** Accounts allowed to import; null = any account. */
  accounts: string[] | null;
  /** 1-based token that must equal the importing account's name (0 = unused). */
  accountTokenPosition: number;
  /** JWT exports only: importers need an activation token. */
  tokenRequired: boolean;
}

/** A service export. */
export interface ServiceExport extends StreamExport {
  responseType: ResponseType;
  /** `response_threshold`, ms (0 = nats-server's default of 2 minutes). */
  responseThresholdMs: number;
  /** `latency` tracking: results subject and sampling percentage (0 = headers). */
  latency: { subject: string; sampling: number } | null;
}

/** A stream import: messages on `subject` in `account` appear locally (with `to` or `prefix`). */
export interface StreamImport {
  account: string;
  subject: string;
  /** Local subject (`to` in config, `local_subject` in JWTs); "" = unchanged. */
  to: string;
  /** Literal prefix prepended to the subject; "" = none. */
  prefix: string;
  /** JWT activation token, when the export requires one. */
  token?: string;
}

/** A service import: requests published locally on `to` go to `subject` in `account`. */
export interface ServiceImport {
  account: string;
  /** Subject in the exporting account. */
  subject: string;
  /** Local subject requests are published on (defaults to `subject`). */
  to: string;
  share: boolean;
  /** JWT activation token, when the export requires one. */
  token?: string;
}

/** Account limits; -1 = unlimited (nats-server `limits`, jwt `OperatorLimits`). */
export interface AccountLimits {
  maxConnections: number;
  maxSubscriptions: number;
  maxPayload: number;
  maxLeafNodes: number;
}

/** One account, from config or from an account JWT. */
export interface AccountConfig {
  name: string;
  /** `nkey` (config) or the account's public key (JWT). */
  nkey?: string;
  /** Config users bound to this account (the normalizer already applied default permissions). */
  users: UserOptions[];
  /** JWT accounts: `default_permissions` for users whose JWT has none. */
  defaultPermissions?: Permissions;
  streamExports: StreamExport[];
  serviceExports: ServiceExport[];
  streamImports: StreamImport[];
  serviceImports: ServiceImport[];
  limits: AccountLimits;
  /** JWT accounts: keys that may sign activation tokens besides the account key. */
  signingKeys?: string[];
  /** `mappings` / `maps`, raw (the mapping feature owns their semantics). */
  mappings?: RawSection;
  /** `jetstream`, raw. */
  jetstream?: unknown;
  /** `jetstream` typed: the account's JetStream limits, null when it has no JetStream. */
  jetstreamLimits: JsAccountLimits | null;
  /**
   * An account JWT's tiered JetStream limits by tier name (`R1`, `R3`), when it has those
   * instead of one default tier; `jetstreamLimits` then holds the `R1` tier (a standalone
   * server's streams have one replica).
   */
  jetstreamTiers?: Record<string, JsAccountLimits>;
}

/** No limits (nats-server `NewAccount`). */
export function unlimited(): AccountLimits {
  return { maxConnections: -1, maxSubscriptions: -1, maxPayload: -1, maxLeafNodes: -1 };
}

/** Go's `%T` of a normalized config value. */
function goType(value: unknown): string {
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int64" : "float64";
  if (Array.isArray(value)) return "[]interface {}";
  if (value === null || value === undefined) return "<nil>";
  return "map[string]interface {}";
}

/** Go's `%+v` / `%v` of a normalized config value. */
function goValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goValue).join(" ")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    return `map[${entries.map(([k, v]) => `${k}:${goValue(v)}`).join(" ")}]`;
  }
  return String(value);
}

/** A failed Go type assertion, recovered by nats-server into a config error. */
class ConversionPanic extends Error {
  constructor(value: unknown, want: string) {
    super(`interface conversion: interface {} is ${goType(value)}, not ${want}`);
  }
}

function want<T>(value: unknown, check: (v: unknown) => boolean, goName: string): T {
  if (!check(value)) throw new ConversionPanic(value, goName);
  return value as T;
}
const isString = (v: unknown) => typeof v === "string";
const isInt = (v: unknown) => typeof v === "number" && Number.isInteger(v);
const isBool = (v: unknown) => typeof v === "boolean";
const isList = (v: unknown) => Array.isArray(v);
const isMap = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

type Plain = Record<string, unknown>;

/** Runs `fn`, turning a conversion panic into an error (nats-server convertPanicToErrorList). */
function recover<T>(errors: string[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConversionPanic) {
      errors.push(err.message);
      return undefined;
    }
    throw err;
  }
}

function parseExport(
  value: unknown,
  errors: string[],
): { stream?: StreamExport; service?: ServiceExport } | undefined {
  if (!isMap(value)) {
    errors.push(`Export Items should be a map with type entry, got ${goType(value)}`);
    return undefined;
  }
  let stream: StreamExport | undefined;
  let service: ServiceExport | undefined;
  let accounts: string[] | null = null;
  let responseType: ResponseType | undefined;
  let thresholdMs: number | undefined;
  let latency: ServiceExport["latency"] | undefined;
  let tokenPosition = 0;
  let responseSeen = false;
  let thresholdSeen = false;
  return recover(errors, () => {
    for (const [key, v] of Object.entries(value as Plain)) {
      switch (key.toLowerCase()) {
        case "stream":
          if (service) {
            errors.push(`Detected stream ${JSON.stringify(v)} but already saw a service`);
          } else if (responseSeen) errors.push("Detected response directive on non-service");
          else if (latency !== undefined) errors.push("Detected latency directive on non-service");
          else if (!isString(v)) {
            errors.push(`Expected stream name to be string, got ${goType(v)}`);
          } else {
            stream = {
              subject: v as string,
              accounts,
              accountTokenPosition: 0,
              tokenRequired: false,
            };
          }
          break;
        case "service":
          if (stream) errors.push(`Detected service ${JSON.stringify(v)} but already saw a stream`);
          else if (!isString(v)) {
            errors.push(`Expected service name to be string, got ${goType(v)}`);
          } else {
            service = {
              subject: v as string,
              accounts,
              accountTokenPosition: 0,
              tokenRequired: false,
              responseType: responseType ?? ResponseType.Singleton,
              responseThresholdMs: thresholdMs ?? 0,
              latency: latency ?? null,
            };
          }
          break;
        case "response":
        case "response_type": {
          if (responseSeen) {
            errors.push("Duplicate response type definition");
            break;
          }
          responseSeen = true;
          if (!isString(v)) {
            errors.push(`Expected response type to be string, got ${goType(v)}`);
            break;
          }
          const lower = (v as string).toLowerCase();
          const rt = lower === "single" || lower === "singleton"
            ? ResponseType.Singleton
            : lower === "stream"
            ? ResponseType.Streamed
            : lower === "chunk" || lower === "chunked"
            ? ResponseType.Chunked
            : undefined;
          if (rt === undefined) {
            errors.push(`Unknown response type: ${JSON.stringify(v)}`);
            break;
          }
          responseType = rt;
          if (service) service.responseType = rt;
          if (stream) errors.push("Detected response directive on non-service");
          break;
        }
        case "threshold":
        case "response_threshold":
        case "response_max_time":
        case "response_time": {
          if (thresholdSeen) {
            errors.push("Duplicate response threshold detected");
            break;
          }
          thresholdSeen = true;
          const ms = isString(v) ? parseDurationMs(v as string) : undefined;
          if (ms === undefined) {
            errors.push(
              isString(v)
                ? `Expected response threshold to be a parseable time duration, got ${
                  JSON.stringify(v)
                }`
                : `Expected response threshold to be a parseable time duration, got ${goType(v)}`,
            );
            break;
          }
          thresholdMs = ms;
          if (service) service.responseThresholdMs = ms;
          if (stream) errors.push("Detected response directive on non-service");
          break;
        }
        case "accounts":
          accounts = want<unknown[]>(v, isList, "[]interface {}").map((a) =>
            want<string>(a, isString, "string")
          );
          if (accounts.length === 0) accounts = null;
          if (stream) stream.accounts = accounts;
          else if (service) service.accounts = accounts;
          break;
        case "latency": {
          const parsed = parseLatency(v, errors);
          if (parsed === undefined) break;
          latency = parsed;
          if (stream) errors.push("Detected latency directive on non-service");
          else if (service) service.latency = parsed;
          break;
        }
        case "account_token_position":
          tokenPosition = want<number>(v, isInt, "int64");
          break;
        default:
          errors.push(`unknown field ${JSON.stringify(key)}`);
      }
    }
    if (stream) stream.accountTokenPosition = tokenPosition;
    if (service) service.accountTokenPosition = tokenPosition;
    return { stream, service };
  });
}

/** Go `time.ParseDuration` for the simple forms config files use; undefined when invalid. */
function parseDurationMs(text: string): number | undefined {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    "µs": 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  if (text === "0") return 0;
  const re = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  const sign = text.startsWith("-") ? -1 : 1;
  if (text.startsWith("-") || text.startsWith("+")) index = 1;
  if (index >= text.length) return undefined;
  while (index < text.length) {
    re.lastIndex = index;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]];
    index = re.lastIndex;
  }
  return sign * total;
}

function parseLatency(value: unknown, errors: string[]): ServiceExport["latency"] | undefined {
  if (isString(value)) return { subject: value as string, sampling: 100 };
  if (!isMap(value)) {
    errors.push(`Expected latency entry to be a map/struct or string, got ${goType(value)}`);
    return undefined;
  }
  const map = value as Plain;
  let sampling = 100;
  if ("sampling" in map) {
    const s = map.sampling;
    if (isInt(s)) sampling = s as number;
    else if (isString(s)) {
      const text = (s as string).trim();
      if (text.toLowerCase() === "headers") sampling = 0;
      else {
        const n = text.replace(/%$/, "");
        if (!/^[+-]?[0-9]+$/.test(n)) {
          errors.push(
            `Failed to parse latency sample: strconv.Atoi: parsing ${
              JSON.stringify(n)
            }: invalid syntax`,
          );
          return undefined;
        }
        sampling = Number(n);
      }
    } else {
      errors.push(`Expected latency sample to be a string or map/struct, got ${goType(s)}`);
      return undefined;
    }
    if (!(isString(s) && (s as string).trim().toLowerCase() === "headers")) {
      if (sampling < 1 || sampling > 100) {
        errors.push("bad sampling percentage, should be 1-100");
        return undefined;
      }
    }
  }
  if (!("subject" in map)) {
    errors.push("Latency subject required, but missing");
    return undefined;
  }
  if (!isString(map.subject)) {
    errors.push("Expected latency subject to be a string, got string");
    return undefined;
  }
  return { subject: map.subject as string, sampling };
}

function parseAccountRef(value: Plain, errors: string[]): { account: string; subject: string } {
  let account = "";
  let subject = "";
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase();
    if (lower === "account") account = want<string>(v, isString, "string");
    else if (lower === "subject") subject = want<string>(v, isString, "string");
    else errors.push(`unknown field ${JSON.stringify(key)}`);
  }
  return { account, subject };
}

function parseImport(
  value: unknown,
  errors: string[],
): { stream?: StreamImport; service?: ServiceImport } | undefined {
  if (!isMap(value)) {
    errors.push(`Import Items should be a map with type entry, got ${goType(value)}`);
    return undefined;
  }
  let stream: StreamImport | undefined;
  let service: ServiceImport | undefined;
  let prefix = "";
  let to = "";
  let share = false;
  return recover(errors, () => {
    for (const [key, v] of Object.entries(value as Plain)) {
      const lower = key.toLowerCase();
      if (lower === "stream" || lower === "service") {
        const other = lower === "stream" ? service : stream;
        if (other) {
          errors.push(
            `Detected ${lower} but already saw a ${lower === "stream" ? "service" : "stream"}`,
          );
          continue;
        }
        if (!isMap(v)) {
          errors.push(
            `${lower === "stream" ? "Stream" : "Service"} entry should be an account map, got ${
              goType(v)
            }`,
          );
          continue;
        }
        const ref = parseAccountRef(v as Plain, errors);
        if (ref.account === "" || ref.subject === "") {
          errors.push("Expect an account name and a subject");
          continue;
        }
        if (lower === "stream") stream = { ...ref, to, prefix };
        else service = { ...ref, to: to || ref.subject, share };
      } else if (lower === "prefix") {
        prefix = want<string>(v, isString, "string");
        if (stream) stream.prefix = prefix;
      } else if (lower === "to") {
        to = want<string>(v, isString, "string");
        if (service) service.to = to;
        if (stream) {
          stream.to = to;
          if (stream.prefix !== "") {
            errors.push("Stream import can not have a 'prefix' and a 'to' property");
          }
        }
      } else if (lower === "share") {
        share = want<boolean>(v, isBool, "bool");
        if (service) service.share = share;
      } else errors.push(`unknown field ${JSON.stringify(key)}`);
    }
    return { stream, service };
  });
}

const LIMIT_FIELDS: Readonly<Record<string, keyof AccountLimits>> = {
  max_connections: "maxConnections",
  max_conn: "maxConnections",
  max_subscriptions: "maxSubscriptions",
  max_subs: "maxSubscriptions",
  max_payload: "maxPayload",
  max_pay: "maxPayload",
  max_leafnodes: "maxLeafNodes",
  max_leafs: "maxLeafNodes",
};

function parseLimits(value: unknown, limits: AccountLimits, errors: string[]): void {
  if (!isMap(value)) {
    errors.push(`Expected account limits to be a map/struct, got ${goValue(value)}`);
    return;
  }
  recover(errors, () => {
    for (const [key, v] of Object.entries(value as Plain)) {
      const field = LIMIT_FIELDS[key.toLowerCase()];
      if (field === undefined) {
        errors.push(`Unknown field ${JSON.stringify(key)} parsing account limits`);
        continue;
      }
      // nats-server stores these as int32.
      limits[field] = want<number>(v, isInt, "int64") | 0;
    }
  });
}

function parseAccount(name: string, raw: Plain, opts: ServerOptions, errors: string[]) {
  const account: AccountConfig = {
    name,
    users: (opts.users ?? []).filter((u) => u.account === name),
    streamExports: [],
    serviceExports: [],
    streamImports: [],
    serviceImports: [],
    limits: unlimited(),
    jetstreamLimits: null,
  };
  for (const [key, value] of Object.entries(raw)) {
    switch (key.toLowerCase()) {
      case "nkey":
        if (typeof value === "string") account.nkey = value;
        break;
      case "exports":
        if (!isList(value)) {
          errors.push(`Exports should be an array, got ${goType(value)}`);
          break;
        }
        for (const entry of value as unknown[]) {
          const parsed = parseExport(entry, errors);
          if (parsed?.stream) account.streamExports.push(parsed.stream);
          if (parsed?.service) account.serviceExports.push(parsed.service);
        }
        break;
      case "imports": {
        if (!isList(value)) {
          errors.push(`Imports should be an array, got ${goType(value)}`);
          break;
        }
        for (const entry of value as unknown[]) {
          const parsed = parseImport(entry, errors);
          if (parsed?.stream) account.streamImports.push(parsed.stream);
          const svc = parsed?.service;
          if (!svc) continue;
          const dup = account.serviceImports.find((s) => s.to === svc.to);
          if (dup) {
            errors.push(
              `Duplicate service import subject ${
                JSON.stringify(svc.to)
              }, previously used in import for account ${JSON.stringify(dup.account)}, subject ${
                JSON.stringify(dup.subject)
              }`,
            );
          } else account.serviceImports.push(svc);
        }
        break;
      }
      case "limits":
        parseLimits(value, account.limits, errors);
        break;
      case "mappings":
      case "maps":
        if (isMap(value)) account.mappings = value as RawSection;
        break;
      case "jetstream": {
        account.jetstream = value;
        const js = parseAccountJetStream(value);
        account.jetstreamLimits = js.limits;
        errors.push(...js.errors);
        break;
      }
      default:
        // users/default_permissions were applied by the normalizer; unknown keys reported there.
        break;
    }
  }
  return account;
}

/** Result of {@link buildAccountConfigs}. */
export interface AccountConfigResult {
  accounts: AccountConfig[];
  /** nats-server's startup error texts (without file position). */
  errors: string[];
}

/**
 * Builds the typed accounts of `opts.accounts` and checks them as nats-server does at startup:
 * malformed exports/imports/limits first; then, when those are clean, every import against the
 * exporting account (`"B" account not defined for stream import`, `Error adding service import
 * "x": service import not authorized`, ...).
 *
 * @example
 * ```ts
 * import { buildAccountConfigs } from "./account_config.ts";
 * import { defaultOptions } from "../options.ts";
 * const { accounts, errors } = buildAccountConfigs({
 *   ...defaultOptions(),
 *   accounts: { A: { exports: [{ stream: "a.>" }] }, B: { imports: [{ stream: { account: "A", subject: "a.>" } }] } },
 * });
 * accounts.length; // 2
 * errors.length; // 0
 * ```
 */
export function buildAccountConfigs(opts: ServerOptions): AccountConfigResult {
  const errors: string[] = [];
  const accounts: AccountConfig[] = [];
  for (const [name, raw] of Object.entries(opts.accounts ?? {})) {
    accounts.push(parseAccount(name, isMap(raw) ? raw as Plain : {}, opts, errors));
  }
  if (errors.length > 0) return { accounts, errors };
  errors.push(...linkAccounts(accounts).errors);
  return { accounts, errors };
}
