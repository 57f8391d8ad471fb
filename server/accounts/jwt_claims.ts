/**
 * @module
 * Typed views of the `nats` section of operator, account and user JWTs (github.com/nats-io/jwt
 * v2 `Operator`, `Account`, `User`, `UserScope`; field names and JSON shapes only). A value of
 * the wrong JSON type is a decode error, as Go's `json.Unmarshal` makes it. Pure; runs where
 * connections are owned.
 */
import { type ClaimsData, decodeJwtOfKind, JwtError } from "./jwt.ts";

/** `allow` / `deny` lists (jwt `Permission`). `null` = absent, `[]` = present but empty. */
export interface JwtPermission {
  allow: string[] | null;
  deny: string[] | null;
}

/** `resp` (jwt `ResponsePermission`): `ttl` is nanoseconds (Go `time.Duration`). */
export interface JwtResponsePermission {
  max: number;
  ttl: number;
}

/** A `times` entry: `HH:MM:SS` wall-clock bounds. */
export interface JwtTimeRange {
  start: string;
  end: string;
}

/** jwt `UserPermissionLimits`: permissions, limits, bearer flag, connection types. */
export interface UserPermissionLimits {
  pub: JwtPermission;
  sub: JwtPermission;
  resp: JwtResponsePermission | null;
  src: string[] | null;
  times: JwtTimeRange[] | null;
  locale: string;
  subs: number;
  data: number;
  payload: number;
  bearerToken: boolean;
  allowedConnectionTypes: string[] | null;
}

/** A decoded user JWT. */
export interface UserClaims {
  jwt: string;
  claims: ClaimsData;
  issuerAccount: string;
  tags: string[];
  limits: UserPermissionLimits;
}

/** A scoped signing key (jwt `UserScope`): users it signs get `template` instead of their own. */
export interface UserScope {
  kind: "user_scope";
  key: string;
  role: string;
  template: UserPermissionLimits;
}

/** One export of an account JWT (jwt `Export`). */
export interface JwtExport {
  name: string;
  subject: string;
  type: string;
  tokenReq: boolean;
  responseType: string;
  responseThreshold: number;
  accountTokenPosition: number;
  revocations: Map<string, number>;
  latency: { sampling: number; results: string } | null;
  description: string;
  infoUrl: string;
}

/** One import of an account JWT (jwt `Import`). */
export interface JwtImport {
  name: string;
  subject: string;
  account: string;
  token: string;
  to: string;
  localSubject: string;
  type: string;
  share: boolean;
}

/** jwt `OperatorLimits` (NatsLimits + AccountLimits; JetStream limits kept raw). */
export interface JwtAccountLimits {
  subs: number;
  data: number;
  payload: number;
  imports: number;
  exports: number;
  wildcards: boolean;
  disallowBearer: boolean;
  conn: number;
  leaf: number;
  /** True when every limit field is zero/false/empty (jwt `OperatorLimits.IsEmpty`). */
  empty: boolean;
  jetstream: Record<string, unknown>;
  tieredLimits: Record<string, unknown> | null;
}

/** A decoded account JWT. */
export interface AccountClaims {
  jwt: string;
  claims: ClaimsData;
  tags: string[];
  /** Signing keys: plain keys map to null, scoped keys to their scope. */
  signingKeys: Map<string, UserScope | null>;
  revocations: Map<string, number>;
  limits: JwtAccountLimits;
  defaultPermissions: UserPermissionLimits;
  imports: (JwtImport | null)[];
  exports: (JwtExport | null)[];
  mappings: Record<string, { subject: string; weight: number; cluster: string }[]>;
  description: string;
  infoUrl: string;
}

/** A decoded operator JWT. */
export interface OperatorClaims {
  jwt: string;
  claims: ClaimsData;
  signingKeys: string[];
  systemAccount: string;
  assertServerVersion: string;
  strictSigningKeyUsage: boolean;
  accountServerUrl: string;
}

type Json = Record<string, unknown>;

function typeName(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value;
}

function fail(field: string, value: unknown, goType: string): never {
  throw new JwtError(
    `json: cannot unmarshal ${typeName(value)} into Go struct field ${field} of type ${goType}`,
  );
}

function obj(value: unknown, field: string): Json {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) fail(field, value, "struct");
  return value as Json;
}

function str(value: unknown, field: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") fail(field, value, "string");
  return value;
}

function int(value: unknown, field: string, fallback = 0): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) fail(field, value, "int64");
  return value;
}

function bool(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") fail(field, value, "bool");
  return value;
}

function strings(value: unknown, field: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) fail(field, value, "jwt.StringList");
  return value.map((entry) => str(entry, field));
}

function readPermission(value: unknown, field: string): JwtPermission {
  const o = obj(value, field);
  return { allow: strings(o.allow, `${field}.allow`), deny: strings(o.deny, `${field}.deny`) };
}

/** CIDR list: an array, or a comma-separated string lower-cased and trimmed (jwt `CIDRList`). */
function readCidrs(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") {
    const out: string[] = [];
    for (const part of value.toLowerCase().split(",")) {
      const cidr = part.trim();
      if (cidr !== "" && !out.includes(cidr)) out.push(cidr);
    }
    return out;
  }
  return strings(value, "UserLimits.src");
}

/** Reads jwt `UserPermissionLimits` from a `nats` section or a scope template. */
export function readUserPermissionLimits(o: Json): UserPermissionLimits {
  let resp: JwtResponsePermission | null = null;
  if (o.resp !== undefined && o.resp !== null) {
    const r = obj(o.resp, "Permissions.resp");
    resp = { max: int(r.max, "ResponsePermission.max"), ttl: int(r.ttl, "ResponsePermission.ttl") };
  }
  let times: JwtTimeRange[] | null = null;
  if (o.times !== undefined && o.times !== null) {
    if (!Array.isArray(o.times)) fail("UserLimits.times", o.times, "[]jwt.TimeRange");
    times = o.times.map((t) => {
      const range = obj(t, "UserLimits.times");
      return { start: str(range.start, "TimeRange.start"), end: str(range.end, "TimeRange.end") };
    });
  }
  return {
    pub: readPermission(o.pub, "Permissions.pub"),
    sub: readPermission(o.sub, "Permissions.sub"),
    resp,
    src: readCidrs(o.src),
    times,
    locale: str(o.times_location, "UserLimits.times_location"),
    subs: int(o.subs, "NatsLimits.subs"),
    data: int(o.data, "NatsLimits.data"),
    payload: int(o.payload, "NatsLimits.payload"),
    bearerToken: bool(o.bearer_token, "UserPermissionLimits.bearer_token"),
    allowedConnectionTypes: strings(
      o.allowed_connection_types,
      "UserPermissionLimits.allowed_connection_types",
    ),
  };
}

/**
 * True when nothing is set (jwt `UserClaims.HasEmptyPermissions`, a Go `reflect.DeepEqual` with
 * the zero value: a present empty list is not empty).
 */
export function isEmptyPermissionLimits(l: UserPermissionLimits): boolean {
  return l.pub.allow === null && l.pub.deny === null && l.sub.allow === null &&
    l.sub.deny === null && l.resp === null && l.src === null && l.times === null &&
    l.locale === "" && l.subs === 0 && l.data === 0 && l.payload === 0 && !l.bearerToken &&
    l.allowedConnectionTypes === null;
}

function readTags(value: unknown): string[] {
  return strings(value, "GenericFields.tags") ?? [];
}

function readRevocations(value: unknown, field: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const [key, ts] of Object.entries(obj(value, field))) map.set(key, int(ts, field));
  return map;
}

/** Decodes and verifies a user JWT (jwt `DecodeUserClaims`). Throws {@link JwtError}. */
export function decodeUserClaims(token: string): UserClaims {
  const { claims, nats } = decodeJwtOfKind(token, "user");
  return {
    jwt: token,
    claims,
    issuerAccount: str(nats.issuer_account, "User.issuer_account"),
    tags: readTags(nats.tags),
    limits: readUserPermissionLimits(nats),
  };
}

function readScope(value: Json): UserScope {
  return {
    kind: "user_scope",
    key: str(value.key, "UserScope.key"),
    role: str(value.role, "UserScope.role"),
    // NewUserScope starts the template with unlimited NATS limits.
    template: readUserPermissionLimits({
      subs: -1,
      data: -1,
      payload: -1,
      ...obj(value.template, "UserScope.template"),
    }),
  };
}

function readSigningKeys(value: unknown): Map<string, UserScope | null> {
  const keys = new Map<string, UserScope | null>();
  if (value === undefined || value === null) return keys;
  if (!Array.isArray(value)) fail("Account.signing_keys", value, "[]interface {}");
  for (const entry of value) {
    if (typeof entry === "string") keys.set(entry, null);
    else if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
      const scope = entry as Json;
      if (scope.kind !== "user_scope") {
        throw new JwtError(`unknown signing key scope ${JSON.stringify(scope.type ?? null)}`);
      }
      const parsed = readScope(scope);
      keys.set(parsed.key, parsed);
    }
  }
  return keys;
}

function readLimits(value: unknown): JwtAccountLimits {
  const o = obj(value, "Account.limits");
  const field = (name: string) => `OperatorLimits.${name}`;
  const jetstream: Json = {};
  for (
    const key of [
      "mem_storage",
      "disk_storage",
      "streams",
      "consumer",
      "max_ack_pending",
      "mem_max_stream_bytes",
      "disk_max_stream_bytes",
      "max_bytes_required",
    ]
  ) {
    if (o[key] !== undefined && o[key] !== null && o[key] !== 0 && o[key] !== false) {
      jetstream[key] = o[key];
    }
  }
  const tiered = o.tiered_limits === undefined || o.tiered_limits === null
    ? null
    : obj(o.tiered_limits, field("tiered_limits"));
  const limits: JwtAccountLimits = {
    subs: int(o.subs, field("subs")),
    data: int(o.data, field("data")),
    payload: int(o.payload, field("payload")),
    imports: int(o.imports, field("imports")),
    exports: int(o.exports, field("exports")),
    wildcards: bool(o.wildcards, field("wildcards")),
    disallowBearer: bool(o.disallow_bearer, field("disallow_bearer")),
    conn: int(o.conn, field("conn")),
    leaf: int(o.leaf, field("leaf")),
    empty: false,
    jetstream: tiered !== null && Object.keys(tiered).length > 0 ? {} : jetstream,
    tieredLimits: tiered,
  };
  limits.empty = limits.subs === 0 && limits.data === 0 && limits.payload === 0 &&
    limits.imports === 0 && limits.exports === 0 && !limits.wildcards &&
    !limits.disallowBearer && limits.conn === 0 && limits.leaf === 0 &&
    Object.keys(limits.jetstream).length === 0 &&
    (limits.tieredLimits === null || Object.keys(limits.tieredLimits).length === 0);
  return limits;
}

/** Export/import `type`: "stream", "service" or absent (jwt `ExportType.UnmarshalJSON`). */
function readExportType(value: unknown, field: string): string {
  const type = str(value, field);
  if (value !== undefined && value !== null && type !== "stream" && type !== "service") {
    throw new JwtError(`unknown export type ${JSON.stringify(type)}`);
  }
  return type;
}

function readExport(value: unknown): JwtExport | null {
  if (value === null) return null;
  const o = obj(value, "Account.exports");
  const latency = o.service_latency === undefined || o.service_latency === null
    ? null
    : obj(o.service_latency, "Export.service_latency");
  let sampling = 0;
  if (latency !== null && latency.sampling !== undefined && latency.sampling !== "headers") {
    sampling = int(latency.sampling, "ServiceLatency.sampling");
  }
  return {
    name: str(o.name, "Export.name"),
    subject: str(o.subject, "Export.subject"),
    type: readExportType(o.type, "Export.type"),
    tokenReq: bool(o.token_req, "Export.token_req"),
    responseType: str(o.response_type, "Export.response_type"),
    responseThreshold: int(o.response_threshold, "Export.response_threshold"),
    accountTokenPosition: int(o.account_token_position, "Export.account_token_position"),
    revocations: readRevocations(o.revocations, "Export.revocations"),
    latency: latency === null
      ? null
      : { sampling, results: str(latency.results, "ServiceLatency.results") },
    description: str(o.description, "Info.description"),
    infoUrl: str(o.info_url, "Info.info_url"),
  };
}

function readImport(value: unknown): JwtImport | null {
  if (value === null) return null;
  const o = obj(value, "Account.imports");
  return {
    name: str(o.name, "Import.name"),
    subject: str(o.subject, "Import.subject"),
    account: str(o.account, "Import.account"),
    token: str(o.token, "Import.token"),
    to: str(o.to, "Import.to"),
    localSubject: str(o.local_subject, "Import.local_subject"),
    type: readExportType(o.type, "Import.type"),
    share: bool(o.share, "Import.share"),
  };
}

function readList<T>(value: unknown, field: string, read: (v: unknown) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(field, value, "jwt.List");
  return value.map(read);
}

function readMappings(value: unknown): AccountClaims["mappings"] {
  const out: AccountClaims["mappings"] = {};
  for (const [subject, list] of Object.entries(obj(value, "Account.mappings"))) {
    out[subject] = readList(list, "Account.mappings", (entry) => {
      const m = obj(entry, "WeightedMapping");
      return {
        subject: str(m.subject, "WeightedMapping.subject"),
        weight: int(m.weight, "WeightedMapping.weight"),
        cluster: str(m.cluster, "WeightedMapping.cluster"),
      };
    });
  }
  return out;
}

/** Decodes and verifies an account JWT (jwt `DecodeAccountClaims`). Throws {@link JwtError}. */
export function decodeAccountClaims(token: string): AccountClaims {
  const { claims, nats } = decodeJwtOfKind(token, "account");
  return {
    jwt: token,
    claims,
    tags: readTags(nats.tags),
    signingKeys: readSigningKeys(nats.signing_keys),
    revocations: readRevocations(nats.revocations, "Account.revocations"),
    limits: readLimits(nats.limits),
    defaultPermissions: readUserPermissionLimits(
      obj(nats.default_permissions, "Account.default_permissions"),
    ),
    imports: readList(nats.imports, "Account.imports", readImport),
    exports: readList(nats.exports, "Account.exports", readExport),
    mappings: readMappings(nats.mappings),
    description: str(nats.description, "Info.description"),
    infoUrl: str(nats.info_url, "Info.info_url"),
  };
}

/** Decodes and verifies an operator JWT (jwt `DecodeOperatorClaims`). Throws {@link JwtError}. */
export function decodeOperatorClaims(token: string): OperatorClaims {
  const { claims, nats } = decodeJwtOfKind(token, "operator");
  return {
    jwt: token,
    claims,
    signingKeys: strings(nats.signing_keys, "Operator.signing_keys") ?? [],
    systemAccount: str(nats.system_account, "Operator.system_account"),
    assertServerVersion: str(nats.assert_server_version, "Operator.assert_server_version"),
    strictSigningKeyUsage: bool(nats.strict_signing_key_usage, "Operator.strict_signing_key_usage"),
    accountServerUrl: str(nats.account_server_url, "Operator.account_server_url"),
  };
}
