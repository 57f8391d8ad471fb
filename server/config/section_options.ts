/**
 * @module
 * Options whose features arrive in later issues (accounts, mqtt, tls, operator/resolver,
 * mappings, ocsp...; the link blocks and jetstream have their own `*_block.ts`). They are checked for
 * shape and first-level field names the way nats-server 2.9.10 `server/opts.go` does, then
 * stored as plain objects in the RawSection fields of ServerOptions. Pure; main isolate.
 */

import type { RawSection, UserOptions } from "../options.ts";
import { isFailed, isValidSubject, parseUserPermissions, parseUsers } from "./auth_options.ts";
import { DurationError, parseGoDuration } from "./duration.ts";
import { isValidPublicKey, NKeyPrefix } from "./nkeys.ts";
import {
  asMap,
  asString,
  ConversionPanic,
  entriesLower,
  type NormalizeContext,
  recoverPanic,
} from "./normalize_context.ts";
import { type ConfMap, type ConfNode, goTypeName, toPlain } from "./tree.ts";
import { type MapDest, mappingError } from "../accounts/mapping.ts";

const names = (list: string): ReadonlySet<string> => new Set(list.split(/\s+/));

/** First-level field names each section accepts (nats-server parseCluster, parseGateway...). */
export const SECTION_FIELDS = {
  mqtt: names(
    "listen port host net tls authorization authentication no_auth_user ack_wait ackwait " +
      "max_ack_pending max_pending max_inflight js_domain stream_replicas consumer_replicas " +
      "consumer_memory_storage consumer_inactive_threshold consumer_auto_cleanup",
  ),
  tls: names(
    "cert_file key_file ca_file insecure verify verify_and_map " +
      "verify_cert_and_check_known_urls cipher_suites curve_preferences timeout " +
      "connection_rate_limit pinned_certs",
  ),
  account: names("nkey imports exports jetstream users default_permissions mappings maps limits"),
} as const;

function checkFields(map: ConfMap, known: ReadonlySet<string>, ctx: NormalizeContext): void {
  for (const [lower, value, key] of entriesLower(map)) {
    if (!known.has(lower)) ctx.unknownField(value, key);
  }
}

const plainSection = (map: ConfMap): RawSection => toPlain(map) as RawSection;

type SectionField = "mqtt";

/** A map-only section: `Expected ... got <type>` when not a map, unknown first-level fields. */
export function mapSection(
  field: SectionField,
  notMap: (type: string) => string,
): (node: ConfNode, ctx: NormalizeContext) => void {
  return (node, ctx) => {
    if (node.kind !== "map") {
      ctx.error(node, notMap(goTypeName(node)));
      return;
    }
    checkFields(node, SECTION_FIELDS[field], ctx);
    ctx.options[field] = plainSection(node);
  };
}

/** `tls` and `resolver_tls`: a map with known fields (nats-server parseTLS). */
export function tlsSection(
  field: "tls" | "resolverTls",
): (node: ConfNode, ctx: NormalizeContext) => void {
  return (node, ctx) => {
    const map = asMap(node);
    for (const [lower, value, key] of entriesLower(map)) {
      if (!SECTION_FIELDS.tls.has(lower)) {
        ctx.error(value, `error parsing tls config, unknown field [${JSON.stringify(key)}]`);
        return;
      }
    }
    ctx.options[field] = plainSection(map);
  };
}

function addAccountUsers(
  account: string,
  usersNode: ConfNode,
  defaults: ConfNode | undefined,
  ctx: NormalizeContext,
): void {
  const parsed = parseUsers(usersNode, ctx, undefined);
  if (isFailed(parsed)) {
    ctx.errors.push(parsed.failed);
    return;
  }
  if (!parsed) return;
  const options = ctx.options;
  const all = [...parsed.nkeys, ...parsed.users];
  if (all.length > 0) {
    if (options.username) {
      return ctx.error(usersNode, "Can not have a single user/pass and accounts");
    }
    if (options.authorizationToken) {
      return ctx.error(usersNode, "Can not have a token and accounts");
    }
  }
  if (defaults) {
    const permissions = parseUserPermissions(defaults, ctx);
    if (permissions && !isFailed(permissions)) {
      for (const user of all) user.permissions ??= permissions;
    }
  }
  const seen = new Set((options.users ?? []).map((user) => user.nkey ?? user.user ?? ""));
  const added: UserOptions[] = [];
  for (const user of all) {
    const name = user.nkey ?? user.user ?? "";
    if (seen.has(name)) {
      const what = user.nkey ? "nkey" : "user";
      ctx.error(usersNode, `Duplicate ${what} ${JSON.stringify(name)} detected`);
      continue;
    }
    seen.add(name);
    added.push({ ...user, account });
  }
  if (added.length > 0) options.users = [...(options.users ?? []), ...added];
}

/** `accounts`: a list of names or a map of account blocks (nats-server parseAccounts). */
export function applyAccounts(node: ConfNode, ctx: NormalizeContext): void {
  const accounts: RawSection = {};
  if (node.kind === "array") {
    for (const entry of node.value) {
      const name = asString(entry);
      if (name === "$G") ctx.error(entry, `${JSON.stringify(name)} is a Reserved Account`);
      else if (name in accounts) ctx.error(entry, `Duplicate Account Entry: ${name}`);
      else accounts[name] = {};
    }
  } else if (node.kind === "map") {
    for (const [name, value] of node.value) {
      if (value.usedVariable) continue;
      if (value.kind !== "map") {
        ctx.error(value, "Expected map entries for accounts");
        continue;
      }
      if (name === "$G") {
        ctx.error(value, `${JSON.stringify(name)} is a Reserved Account`);
        continue;
      }
      let usersNode: ConfNode | undefined;
      let defaults: ConfNode | undefined;
      for (const [lower, field, key] of entriesLower(value)) {
        if (lower === "nkey") {
          if (field.kind !== "string" || !isValidPublicKey(field.value, NKeyPrefix.account)) {
            const shown = field.kind === "string"
              ? JSON.stringify(field.value)
              : String(field.value);
            ctx.error(field, `Not a valid public nkey for an account: ${shown}`);
          }
        } else if (lower === "users") usersNode = field;
        else if (lower === "default_permissions") defaults = field;
        else if (lower === "mappings" || lower === "maps") {
          recoverPanic(ctx, () => checkMappings(field, ctx));
        } else if (!SECTION_FIELDS.account.has(lower)) ctx.unknownField(field, key);
      }
      if (usersNode) addAccountUsers(name, usersNode, defaults, ctx);
      accounts[name] = plainSection(value);
    }
  }
  ctx.options.accounts = { ...(ctx.options.accounts ?? {}), ...accounts };
}

/** One weighted destination `{dest, weight, cluster}` (nats-server parseAccountMapDest). */
function checkMapDest(node: ConfNode, ctx: NormalizeContext): MapDest | undefined {
  if (node.kind !== "map") {
    ctx.error(node, "Expected an entry for the mapping destination");
    return undefined;
  }
  let dest = "";
  let cluster = "";
  let weight = 0;
  let weighted = false;
  for (const [lower, value, key] of entriesLower(node)) {
    if (lower === "dest" || lower === "destination") dest = asString(value);
    else if (lower === "cluster") cluster = asString(value);
    else if (lower === "weight") {
      if (value.kind === "string") {
        const text = value.value.replace(/%$/, "");
        if (!/^[+-]?[0-9]+$/.test(text)) {
          return void ctx.error(
            value,
            `Invalid weight ${JSON.stringify(text)} for mapping destination`,
          );
        }
        weight = Number(text);
      } else if (value.kind === "integer") weight = value.value;
      else {
        return void ctx.error(value, `Unknown entry type for weight of ${String(value.value)}\n`);
      }
      if (weight > 100 || weight < 0) {
        return void ctx.error(value, `Invalid weight ${weight} for mapping destination`);
      }
      weighted = true;
    } else {
      return void ctx.error(value, `Unknown field ${JSON.stringify(key)} for mapping destination`);
    }
  }
  if (!weighted) {
    ctx.error(node, `Missing weight for mapping destination ${JSON.stringify(dest)}`);
    return undefined;
  }
  return { subject: dest, weight, cluster };
}

/**
 * Subject mappings (global `mappings` or an account's): shape, then each mapping compiled as
 * nats-server parseAccountMappings does (server/accounts/mapping.ts), with its error texts.
 */
function checkMappings(node: ConfNode, ctx: NormalizeContext): RawSection {
  const map = asMap(node);
  for (const [subject, value] of map.value) {
    if (!isValidSubject(subject)) {
      ctx.error(node, `Subject ${JSON.stringify(subject)} is not a valid subject`);
      continue;
    }
    let dests: MapDest[];
    if (value.kind === "string") dests = [{ subject: value.value, weight: 100, cluster: "" }];
    else if (value.kind === "array") {
      dests = value.value.map((entry) => checkMapDest(entry, ctx)).filter((d) => d !== undefined);
    } else {
      const dest = checkMapDest(value, ctx);
      if (!dest) continue;
      dests = [dest];
    }
    const err = mappingError(subject, dests);
    if (err === null) continue;
    if (value.kind === "string") {
      const to = JSON.stringify(value.value);
      ctx.error(value, `Error adding mapping for ${JSON.stringify(subject)} to ${to} : ${err}`);
    } else {
      // nats-server formats this error with `v.(string)`, which panics for lists and maps.
      const where = value.kind === "array" ? value.value.at(-1) ?? value : value;
      throw new ConversionPanic(value, "string", where);
    }
  }
  return plainSection(map);
}

/** `mappings` / `maps` on the global account. */
export function applyMappings(node: ConfNode, ctx: NormalizeContext): void {
  const mappings = recoverPanic(ctx, () => checkMappings(node, ctx));
  if (mappings) ctx.options.mappings = mappings;
}

/** A string, or a list of strings (`trusted`, `resolver_pinned_accounts`). */
function stringList(
  node: ConfNode,
  ctx: NormalizeContext,
  what: string,
): { list: string[]; where: ConfNode } | undefined {
  if (node.kind === "string") return { list: [node.value], where: node };
  if (node.kind !== "array") {
    ctx.error(node, `error parsing ${what}: unsupported type ${goTypeName(node)}`);
    return undefined;
  }
  const list: string[] = [];
  let where: ConfNode = node;
  for (const entry of node.value) {
    where = entry;
    if (entry.kind === "string") list.push(entry.value);
    else ctx.error(entry, `error parsing ${what}: unsupported type in array ${goTypeName(entry)}`);
  }
  return { list, where };
}

/** `trusted` / `trusted_keys`: operator public keys. */
export function applyTrusted(node: ConfNode, ctx: NormalizeContext): void {
  const parsed = stringList(node, ctx, "trusted");
  if (!parsed) return;
  for (const key of parsed.list) {
    if (!isValidPublicKey(key, NKeyPrefix.operator)) {
      ctx.error(
        parsed.where,
        `trust key ${JSON.stringify(key)} required to be a valid public operator nkey`,
      );
    }
  }
  ctx.options.trustedKeys = parsed.list;
}

/** `resolver_pinned_accounts`. */
export function applyPinnedAccounts(node: ConfNode, ctx: NormalizeContext): void {
  const parsed = stringList(node, ctx, "resolver_pinned_accounts");
  if (parsed) ctx.options.resolverPinnedAccounts = parsed.list;
}

/**
 * `operator` and aliases: a path to an operator JWT (read relative to the process directory)
 * or the JWT inline. Arrays are rejected by nats-server 2.9.10. Stores the JWT texts; their
 * claims are decoded by the operator feature.
 */
export function applyOperators(node: ConfNode, ctx: NormalizeContext): void {
  const jwts: string[] = [];
  ctx.options.operator = jwts;
  if (node.kind !== "string") {
    ctx.error(node, `error parsing operators: unsupported type ${goTypeName(node)}`);
    return;
  }
  try {
    jwts.push(ctx.readFile(node.value));
  } catch (err) {
    if (!node.value.startsWith("eyJ")) {
      ctx.error(node, `error parsing operator JWT: ${(err as Error).message}`);
      return;
    }
    jwts.push(node.value);
  }
}

const RESOLVER_ERROR = "error parsing account resolver, should be MEM or " +
  ' URL("url") or a map containing dir and type state=[FULL|CACHE])';

/** `resolver`: `MEM`, `URL(...)` or a directory resolver map. */
export function applyResolver(node: ConfNode, ctx: NormalizeContext): void {
  if (node.kind === "string") {
    if (/(MEM|MEMORY)\s*/i.test(node.value) || /URL/i.test(node.value)) {
      ctx.options.resolver = node.value;
    } else ctx.error(node, RESOLVER_ERROR);
    return;
  }
  if (node.kind !== "map") {
    ctx.error(node, `error parsing operator resolver, wrong type ${goTypeName(node)}`);
    return;
  }
  const get = (name: string) => node.value.get(name);
  const dir = get("dir") ? asString(get("dir")!) : "";
  const type = get("type") ? asString(get("type")!).toUpperCase() : "";
  for (const name of ["ttl", "interval", "timeout"]) {
    const value = get(name);
    if (!value) continue;
    try {
      parseGoDuration(asString(value));
    } catch (err) {
      if (!(err instanceof DurationError)) throw err;
      ctx.error(node, err.message);
      return;
    }
  }
  if (dir === "") {
    ctx.error(node, "dir has no value and needs to point to a directory");
    return;
  }
  if (type === "CACHE") {
    if (get("interval")) ctx.error(node, "CACHE does not accept sync");
    if (get("allow_delete")?.value === true) ctx.error(node, "CACHE does not accept allow_delete");
  } else if (type === "FULL") {
    if (get("ttl")) ctx.error(node, "FULL does not accept ttl");
  } else {
    ctx.error(node, RESOLVER_ERROR);
    return;
  }
  ctx.options.resolver = plainSection(node);
}

/** `resolver_preload`: account public key to JWT. */
export function applyResolverPreload(node: ConfNode, ctx: NormalizeContext): void {
  if (node.kind !== "map") {
    ctx.error(node, "preload should be a map of account_public_key:account_jwt");
    return;
  }
  const preload: Record<string, string> = {};
  for (const [key, value] of node.value) {
    if (value.kind !== "string") ctx.error(value, "preload map value should be a string JWT");
    else preload[key] = value.value;
  }
  ctx.options.resolverPreload = preload;
}

/** `ocsp`: a boolean or `{mode, url(s)}`. */
export function applyOcsp(node: ConfNode, ctx: NormalizeContext): void {
  if (node.kind === "bool") {
    ctx.options.ocsp = node.value;
    return;
  }
  if (node.kind !== "map") {
    ctx.error(node, `error parsing ocsp config: unsupported type ${goTypeName(node)}`);
    return;
  }
  for (const [key, value] of node.value) {
    // Panics here are recovered at the top level, so they carry the `ocsp` key's position.
    if (key === "mode") {
      if (value.kind !== "string") throw new ConversionPanic(value, "string", node);
      if (!/^(always|must|never|auto)$/i.test(value.value)) {
        ctx.error(value, "error parsing ocsp config: unsupported ocsp mode string");
      }
    } else if (key === "urls") {
      throw new ConversionPanic(value, "[]string", node);
    } else if (key === "url") {
      if (value.kind !== "string") throw new ConversionPanic(value, "string", node);
    } else {
      ctx.error(value, "error parsing ocsp config: unsupported field string");
      return;
    }
  }
  ctx.options.ocsp = plainSection(node);
}

/** `server_tags`: a string or list of strings, lower-cased and de-duplicated. */
export function applyServerTags(node: ConfNode, ctx: NormalizeContext): void {
  const tags = [...(ctx.options.tags ?? [])];
  const add = (tag: string) => {
    const lower = tag.toLowerCase();
    if (lower !== "" && !tags.includes(lower)) tags.push(lower);
  };
  if (node.kind === "string") add(node.value);
  else if (node.kind === "array") {
    for (const entry of node.value) {
      if (entry.kind !== "string") {
        ctx.error(
          node,
          "error parsing tags: unsupported type *conf.token where string is expected",
        );
        return;
      }
      add(entry.value);
    }
  } else {
    ctx.error(node, `error parsing tags: unsupported type ${goTypeName(node)}`);
    return;
  }
  ctx.options.tags = tags;
}

/** `default_js_domain`: account to JetStream domain. */
export function applyDefaultJsDomain(node: ConfNode, ctx: NormalizeContext): void {
  if (node.kind !== "map") {
    ctx.error(node, `error default_js_domain config: unsupported type ${goTypeName(node)}`);
    return;
  }
  const domains: Record<string, string> = {};
  for (const [key, value] of node.value) domains[key] = asString(value);
  ctx.options.defaultJsDomain = domains;
}

/**
 * `system_account` / `system`, read before every other option (nats-server
 * configureSystemAccount looks the keys up exactly, case-sensitive).
 */
export function configureSystemAccount(root: ConfMap, ctx: NormalizeContext): void {
  const node = root.value.get("system_account") ?? root.value.get("system");
  if (!node) return;
  ctx.key = root.value.has("system_account") ? "system_account" : "system";
  recoverPanic(ctx, () => {
    if (node.kind !== "string") ctx.error(node, "system account name must be a string");
    else ctx.options.systemAccount = node.value;
  });
}
