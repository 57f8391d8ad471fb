/**
 * @module
 * Decentralized (operator mode) trust: operator JWTs and `trusted` keys, the account resolver
 * (`resolver: MEMORY` with `resolver_preload`), and verified account JWTs (nats-server
 * server/jwt.go validateTrustedOperators, server.go configureResolver, checkResolvePreloads,
 * fetchAccount/verifyAccountClaims, accounts.go updateAccountClaims; behaviour and texts).
 * Runs where connections are owned; reads operator files when given paths.
 */
import type { JsAccountLimits } from "../jetstream/account_limits.ts";
import type { Permissions, ServerOptions } from "../options.ts";
import { SERVER_VERSION } from "../version.ts";
import type { AccountConfig, AccountLimits } from "./account_config.ts";
import { parseDecoratedJwt } from "./jwt.ts";
import {
  type AccountClaims,
  decodeAccountClaims,
  decodeOperatorClaims,
  type OperatorClaims,
  type UserPermissionLimits,
  type UserScope,
} from "./jwt_claims.ts";
import { isBlocking, validateAccountClaims } from "./jwt_validate.ts";
import { isPublicKey, NKeyPrefix } from "./nkey.ts";

/** Where account JWTs come from (nats-server `AccountResolver`). */
export interface AccountResolver {
  /** The account's JWT; throws an Error with nats-server's text when it has none. */
  fetch(name: string): string;
  store(name: string, jwt: string): void;
  readonly readOnly: boolean;
}

/** nats-server `MemAccResolver`. */
export class MemoryResolver implements AccountResolver {
  readonly readOnly = false;
  #jwts = new Map<string, string>();
  fetch(name: string): string {
    if (!isPublicKey(name, NKeyPrefix.account)) {
      throw new Error("will only fetch valid account keys");
    }
    const jwt = this.#jwts.get(name);
    if (jwt === undefined) throw new Error("account missing");
    return jwt;
  }
  store(name: string, jwt: string): void {
    this.#jwts.set(name, jwt);
  }
}

/**
 * nats-server `URLAccResolver`: denats does not fetch JWTs over HTTP, so every fetch fails
 * (nats-server checks the URL at startup with a fetch of "", which then fails too).
 */
export class UrlResolver implements AccountResolver {
  readonly readOnly = true;
  readonly url: string;
  constructor(url: string) {
    this.url = url.endsWith("/") ? url : url + "/";
  }
  fetch(name: string): string {
    const url = this.url + name;
    const reason = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url)
      ? "URL account resolver is not supported by denats"
      : `Get ${JSON.stringify(url)}: unsupported protocol scheme ""`;
    throw new Error(`could not fetch <${JSON.stringify(url)}>: ${reason}`);
  }
  store(): void {}
}

/** The nats-based directory resolver (`resolver: {type: full|cache, dir}`): not implemented. */
class DirectoryResolver implements AccountResolver {
  readonly readOnly = false;
  fetch(): string {
    throw new Error("directory account resolver is not supported by denats");
  }
  store(): void {}
}

/** A verified account JWT, as bound to connections. */
export interface JwtAccount {
  /** The account's public key (its name). */
  name: string;
  claims: AccountClaims;
  /** The operator key that signed it. */
  issuer: string;
  /** Keys that may sign user JWTs (the account key itself unless strict), with scopes. */
  signingKeys: Map<string, UserScope | null>;
  revocations: Map<string, number>;
  limits: AccountLimits;
  disallowBearer: boolean;
  defaultPermissions?: Permissions;
  /** Epoch ms of `exp`, or null when it never expires. */
  expiresAt: number | null;
  /** The account as the typed model (exports, imports, limits) for routing. */
  config: AccountConfig;
}

/** Outcome of an account lookup. */
export type AccountLookup = { account: JwtAccount } | { error: string };

function operatorTexts(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** An operator given as a JWT (raw or decorated) or, failing that, a path to one. */
function operatorJwtText(text: string): string {
  if (text.startsWith("eyJ") || text.includes("-----")) return text;
  try {
    return Deno.readTextFileSync(text);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(`open ${text}: no such file or directory`);
    }
    throw err;
  }
}

function parseVersion(version: string): [number, number, number] | string {
  if (version === "") return [0, 0, 0];
  const parts = version.split(".");
  if (parts.length !== 3) {
    return "asserted server version must be of the form <major>.<minor>.<update>";
  }
  const nums: number[] = [];
  for (const part of parts) {
    if (!/^[+-]?[0-9]+$/.test(part)) return `asserted server version cant parse ${part} to int`;
    nums.push(Number(part));
  }
  if (nums.some((n) => n < 0)) {
    return `asserted server version can'b contain negative values: ${version}`;
  }
  return nums as [number, number, number];
}

/** nats-server `buildPermissionsFromJwt` (with `validateResponsePermissions`). */
export function permissionsFromJwt(l: UserPermissionLimits): Permissions | undefined {
  let p: Permissions | undefined;
  if ((l.pub.allow?.length ?? 0) > 0 || (l.pub.deny?.length ?? 0) > 0) {
    p = { publish: {} };
    if (l.pub.allow?.length) p.publish!.allow = [...l.pub.allow];
    if (l.pub.deny?.length) p.publish!.deny = [...l.pub.deny];
  }
  if ((l.sub.allow?.length ?? 0) > 0 || (l.sub.deny?.length ?? 0) > 0) {
    p ??= {};
    p.subscribe = {};
    if (l.sub.allow?.length) p.subscribe.allow = [...l.sub.allow];
    if (l.sub.deny?.length) p.subscribe.deny = [...l.sub.deny];
  }
  if (l.resp !== null) {
    p ??= {};
    p.response = {
      maxMsgs: l.resp.max === 0 ? 1 : l.resp.max,
      expiresMs: l.resp.ttl === 0 ? 2 * 60_000 : l.resp.ttl / 1e6,
    };
    p.publish ??= {};
    p.publish.allow ??= [];
  }
  return p;
}

/** nats-server toUnlimited: a JWT limit that is not positive means no limit. */
function toUnlimited(value: number): number {
  return value > 0 ? value : -1;
}

/** One JWT JetStream limits object (`jetstream` or a tier) as nats-server takes it. */
function jwtLimits(js: Record<string, unknown>): JsAccountLimits {
  const n = (key: string) => typeof js[key] === "number" ? js[key] as number : 0;
  return {
    max_memory: n("mem_storage"),
    max_storage: n("disk_storage"),
    max_streams: n("streams"),
    max_consumers: n("consumer"),
    max_ack_pending: toUnlimited(n("max_ack_pending")),
    memory_max_stream_bytes: toUnlimited(n("mem_max_stream_bytes")),
    storage_max_stream_bytes: toUnlimited(n("disk_max_stream_bytes")),
    max_bytes_required: js.max_bytes_required === true,
  };
}

/** JetStream is on for the limits when the memory or disk storage limit is not zero. */
function storageAllowed(js: Record<string, unknown>): boolean {
  const n = (key: string) => typeof js[key] === "number" ? js[key] as number : 0;
  return n("mem_storage") !== 0 || n("disk_storage") !== 0;
}

/** The tiers of a JWT's `tiered_limits`, each a limits object. */
function jwtTiers(tiered: Record<string, unknown> | null): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(tiered ?? {})) {
    if (value !== null && typeof value === "object") out[name] = value as Record<string, unknown>;
  }
  return out;
}

/**
 * An account JWT's JetStream limits (nats-server updateAccountClaimsWithRefresh and jwt
 * `IsJSEnabled`): JetStream is on when the memory or disk storage limit (of the default limits,
 * or of some tier when the JWT has tiered limits) is not zero. Non-positive max_ack_pending and
 * per-stream byte limits mean no limit. With tiered limits, the `R1` tier is the one a standalone
 * server's streams use.
 */
function jwtJetStream(
  js: Record<string, unknown>,
  tiered: Record<string, unknown> | null,
): { limits: JsAccountLimits | null; tiers?: Record<string, JsAccountLimits> } {
  const tierClaims = jwtTiers(tiered);
  if (Object.keys(tierClaims).length === 0) {
    return { limits: storageAllowed(js) ? jwtLimits(js) : null };
  }
  if (!Object.values(tierClaims).some(storageAllowed)) return { limits: null };
  const tiers: Record<string, JsAccountLimits> = {};
  for (const [name, claims] of Object.entries(tierClaims)) tiers[name] = jwtLimits(claims);
  // No R1 tier: streams here get no storage (nats-server has no applicable limit for them).
  const r1 = tiers.R1 ?? { ...jwtLimits({}), max_memory: 0, max_storage: 0 };
  return { limits: r1, tiers };
}

/** The typed account model of an account JWT (imports/exports as nats-server registers them). */
export function accountConfigFromClaims(ac: AccountClaims): AccountConfig {
  const config: AccountConfig = {
    name: ac.claims.sub,
    nkey: ac.claims.sub,
    users: [],
    streamExports: [],
    serviceExports: [],
    streamImports: [],
    serviceImports: [],
    limits: {
      maxConnections: ac.limits.conn,
      maxSubscriptions: ac.limits.subs,
      maxPayload: ac.limits.payload,
      maxLeafNodes: ac.limits.leaf,
    },
    signingKeys: [...ac.signingKeys.keys()],
    jetstreamLimits: null,
  };
  const js = jwtJetStream(ac.limits.jetstream, ac.limits.tieredLimits);
  config.jetstreamLimits = js.limits;
  if (js.tiers) config.jetstreamTiers = js.tiers;
  const permissions = permissionsFromJwt(ac.defaultPermissions);
  if (permissions) config.defaultPermissions = permissions;
  for (const e of ac.exports) {
    if (e === null) continue;
    const base = {
      subject: e.subject,
      accounts: null,
      accountTokenPosition: e.accountTokenPosition,
      tokenRequired: e.tokenReq,
    };
    if (e.type === "stream") config.streamExports.push(base);
    else if (e.type === "service") {
      config.serviceExports.push({
        ...base,
        responseType: e.responseType === "Stream"
          ? "Streamed"
          : e.responseType === "Chunked"
          ? "Chunked"
          : "Singleton",
        responseThresholdMs: e.responseThreshold / 1e6,
        latency: e.latency ? { subject: e.latency.results, sampling: e.latency.sampling } : null,
      });
    }
  }
  for (const i of ac.imports) {
    if (i === null) continue;
    const token = i.token === "" ? undefined : i.token;
    if (i.type === "stream") {
      // A JWT stream import's deprecated `to` is a prefix; `local_subject` maps the subject.
      config.streamImports.push({
        account: i.account,
        subject: i.subject,
        to: i.localSubject,
        prefix: i.localSubject === "" ? i.to : "",
        token,
      });
    } else if (i.type === "service") {
      config.serviceImports.push(
        i.localSubject !== ""
          ? { account: i.account, subject: i.subject, to: i.localSubject, share: i.share, token }
          : {
            account: i.account,
            subject: i.to || i.subject,
            to: i.subject,
            share: i.share,
            token,
          },
      );
    }
  }
  return config;
}

/** Operator-mode trust state of one server. */
export class Trust {
  /** nats-server `trustedKeys`: null when not in operator mode. */
  readonly trustedKeys: string[] | null = null;
  readonly operators: OperatorClaims[] = [];
  /** System account: config `system_account`, else the single operator's. */
  readonly systemAccount: string | undefined;
  /**
   * Startup errors by phase, nats-server's texts: `config` (parsing; no file position here),
   * `validation` (validateOptions) and `startup` (NewServer: resolver and system account).
   * nats-server stops at the first phase with errors, and reports one error after parsing.
   */
  readonly phaseErrors: { config: string[]; validation: string[]; startup: string[] } = {
    config: [],
    validation: [],
    startup: [],
  };
  /** Startup warnings. */
  readonly warnings: string[] = [];
  readonly pinnedAccounts: ReadonlySet<string> | null = null;
  readonly resolver: AccountResolver | null = null;
  #strictSigningKeys = new Set<string>();
  #accounts = new Map<string, JwtAccount>();
  #now: () => number;

  constructor(opts: ServerOptions, now: () => number = Date.now) {
    this.#now = now;
    for (const text of operatorTexts(opts.operator)) {
      try {
        this.operators.push(decodeOperatorClaims(parseDecoratedJwt(operatorJwtText(text))));
      } catch (err) {
        this.phaseErrors.config.push(`error parsing operator JWT: ${(err as Error).message}`);
      }
    }
    let systemAccount = opts.systemAccount;
    if (this.operators.length === 1 && !systemAccount) {
      systemAccount = this.operators[0].systemAccount || undefined;
    }
    this.systemAccount = systemAccount;
    this.resolver = this.#makeResolver(opts);
    this.#preload(opts);
    if (opts.resolverPinnedAccounts && opts.resolverPinnedAccounts.length > 0) {
      const pinned = new Set(opts.resolverPinnedAccounts);
      this.pinnedAccounts = pinned;
    }
    const trusted = this.#validateOperators(opts, systemAccount);
    if (trusted !== null) this.trustedKeys = trusted;
    if (this.operators.length > 0 && !systemAccount) {
      this.warnings.push("Trusted Operators should utilize a System Account");
    }
    if (this.operators.length > 0) this.#checkPreloads(opts);
    if (this.enabled && systemAccount && this.resolver instanceof MemoryResolver) {
      const lookup = this.lookupAccount(systemAccount);
      if ("error" in lookup) {
        this.phaseErrors.startup.push(`error resolving system account: ${lookup.error}`);
      }
    }
  }

  /** The errors nats-server would stop with (see {@link phaseErrors}). */
  get errors(): string[] {
    const { config, validation, startup } = this.phaseErrors;
    if (config.length > 0) return config;
    return validation.length > 0 ? validation.slice(0, 1) : startup.slice(0, 1);
  }

  /** True in operator mode: clients must present a user JWT. */
  get enabled(): boolean {
    return this.trustedKeys !== null;
  }

  #makeResolver(opts: ServerOptions): AccountResolver | null {
    const r = opts.resolver;
    let resolver: AccountResolver | null = null;
    if (typeof r === "string") {
      if (/(MEM|MEMORY)\s*/i.test(r)) return new MemoryResolver();
      const url = /URL(?:\(\s*"?([^\s"]*)"?\s*\))?/i.exec(r)?.[1] ?? "";
      resolver = new UrlResolver(url);
    } else if (typeof r === "object" && r !== null) {
      return new DirectoryResolver();
    } else if (this.operators.length === 1) {
      // nats-server turns the operator's account server URL (even "") into a URL resolver.
      resolver = new UrlResolver(this.operators[0].accountServerUrl + "/accounts");
    }
    if (resolver instanceof UrlResolver) {
      try {
        resolver.fetch("");
      } catch (err) {
        this.phaseErrors.startup.push((err as Error).message);
      }
    }
    return resolver;
  }

  #preload(opts: ServerOptions): void {
    const preload = opts.resolverPreload ?? {};
    const entries = Object.entries(preload).filter((e): e is [string, string] =>
      typeof e[1] === "string"
    );
    for (const [key, jwt] of entries) {
      try {
        decodeAccountClaims(jwt);
      } catch {
        this.phaseErrors.config.push("invalid account JWT");
        continue;
      }
      if (this.resolver === null) continue;
      if (this.resolver.readOnly) {
        this.phaseErrors.startup.push(
          "resolver preloads only available for writeable resolver types MEM/DIR/CACHE_DIR",
        );
        return;
      }
      this.resolver.store(key, jwt);
    }
  }

  #checkPreloads(opts: ServerOptions): void {
    for (const [key, jwt] of Object.entries(opts.resolverPreload ?? {})) {
      if (typeof jwt !== "string") continue;
      let claims: AccountClaims;
      try {
        claims = decodeAccountClaims(jwt);
      } catch {
        this.warnings.push(`Preloaded account [${key}] not valid`);
        continue;
      }
      const issues = validateAccountClaims(claims, this.#now());
      if (isBlocking(issues, true)) {
        this.warnings.push(`Account [${key}] has validation issues:`);
        for (const issue of issues) this.warnings.push(`  - ${issue.description}`);
      }
    }
  }

  /** nats-server validateTrustedOperators + processTrustedKeys; returns the trusted keys. */
  #validateOperators(opts: ServerOptions, systemAccount: string | undefined): string[] | null {
    const err = (text: string) => {
      this.phaseErrors.validation.push(text);
      return null;
    };
    const hasOperatorOption = operatorTexts(opts.operator).length > 0;
    if (this.operators.length === 0) {
      if (hasOperatorOption) return [];
      if (opts.trustedKeys && opts.trustedKeys.length > 0) {
        for (const key of opts.trustedKeys) {
          if (!isPublicKey(key, NKeyPrefix.operator)) {
            return err(
              `trusted Keys ${JSON.stringify(key)} are required to be a valid public operator nkey`,
            );
          }
        }
        return [...opts.trustedKeys];
      }
      return null;
    }
    if (this.resolver === null) {
      return err("operators require an account resolver to be configured");
    }
    if (Object.keys(opts.accounts ?? {}).length > 0) {
      return err("operators do not allow Accounts to be configured directly");
    }
    if ((opts.users ?? []).length > 0) {
      return err("operators do not allow users to be configured directly");
    }
    if (opts.trustedKeys && opts.trustedKeys.length > 0) {
      return err("conflicting options for 'TrustedKeys' and 'TrustedOperators'");
    }
    if (opts.systemAccount) {
      const nonEmpty = this.operators.some((o) => o.systemAccount !== "");
      const found = this.operators.some((o) => o.systemAccount === opts.systemAccount);
      if (nonEmpty && !found) {
        return err("system_account in config and operator JWT must be identical");
      }
    } else if (
      this.operators[0].systemAccount === "" && this.resolver instanceof DirectoryResolver
    ) {
      return err(
        "using nats based account resolver - the system account needs to be specified in configuration or the operator jwt",
      );
    }
    const [srvMajor, srvMinor, srvUpdate] = parseVersion(SERVER_VERSION) as number[];
    for (const op of this.operators) {
      const v = parseVersion(op.assertServerVersion);
      const sub = op.claims.sub;
      if (typeof v === "string") {
        return err(
          `operator ${sub} expects version ${op.assertServerVersion} got error instead: ${v}`,
        );
      }
      const [major, minor, update] = v;
      if (major > srvMajor) {
        return err(
          `operator ${sub} expected major version ${major} > server major version ${srvMajor}`,
        );
      }
      if (srvMajor > major) continue;
      if (minor > srvMinor) {
        return err(
          `operator ${sub} expected minor version ${minor} > server minor version ${srvMinor}`,
        );
      }
      if (srvMinor > minor) continue;
      if (update > srvUpdate) {
        return err(
          `operator ${sub} expected update version ${update} > server update version ${srvUpdate}`,
        );
      }
    }
    const keys: string[] = [];
    for (const op of this.operators) {
      if (!op.strictSigningKeyUsage) keys.push(op.claims.sub);
      keys.push(...op.signingKeys);
      if (op.strictSigningKeyUsage) {
        for (const k of op.signingKeys) this.#strictSigningKeys.add(k);
      }
    }
    for (const key of keys) {
      if (!isPublicKey(key, NKeyPrefix.operator)) {
        return err(
          `trusted Keys ${JSON.stringify(key)} are required to be a valid public operator nkey`,
        );
      }
    }
    for (const key of opts.resolverPinnedAccounts ?? []) {
      if (!isPublicKey(key, NKeyPrefix.account)) {
        return err(`pinned account key ${JSON.stringify(key)} is not a valid public account nkey`);
      }
    }
    if (this.pinnedAccounts !== null && systemAccount) {
      (this.pinnedAccounts as Set<string>).add(systemAccount);
    }
    if (opts.noAuthUser) return err("no_auth_user not compatible with Trusted Operator");
    return keys;
  }

  /** nats-server `isTrustedIssuer`. */
  isTrustedIssuer(issuer: string): boolean {
    if (this.trustedKeys === null) return issuer === "";
    return this.trustedKeys.includes(issuer);
  }

  /**
   * Looks an account up (cached once verified), as nats-server `lookupAccount`: fetched from
   * the resolver, decoded, issued by a trusted operator key, valid now, and not expired.
   */
  lookupAccount(name: string): AccountLookup {
    const now = this.#now();
    const cached = this.#accounts.get(name);
    if (cached) {
      if (cached.expiresAt !== null && cached.expiresAt <= now) return { error: "account expired" };
      return { account: cached };
    }
    if (this.resolver === null) return { error: "account missing" };
    let jwt: string;
    let claims: AccountClaims;
    try {
      jwt = this.resolver.fetch(name);
      claims = decodeAccountClaims(jwt);
    } catch (err) {
      return { error: (err as Error).message };
    }
    if (!this.isTrustedIssuer(claims.claims.iss)) return { error: "account validation failed" };
    if (isBlocking(validateAccountClaims(claims, now), true)) {
      return { error: "account validation failed" };
    }
    if (claims.claims.sub !== name) return { error: "account validation failed" };
    const account = this.#build(claims);
    this.#accounts.set(name, account);
    if (account.expiresAt !== null && account.expiresAt <= now) return { error: "account expired" };
    return { account };
  }

  #build(ac: AccountClaims): JwtAccount {
    const signingKeys = new Map(ac.signingKeys);
    if (!this.#strictSigningKeys.has(ac.claims.iss)) signingKeys.set(ac.claims.sub, null);
    const config = accountConfigFromClaims(ac);
    const exp = ac.claims.exp ?? 0;
    return {
      name: ac.claims.sub,
      claims: ac,
      issuer: ac.claims.iss,
      signingKeys,
      revocations: ac.revocations,
      limits: config.limits,
      disallowBearer: ac.limits.disallowBearer,
      defaultPermissions: config.defaultPermissions,
      expiresAt: exp > 0 ? exp * 1000 : null,
      config,
    };
  }

  /** Accounts verified so far. */
  knownAccounts(): JwtAccount[] {
    return [...this.#accounts.values()];
  }
}
