/**
 * @module
 * The `authorization` block: single user/password or token, `users` arrays and permissions
 * (`publish`/`subscribe` as a subject, a list (legacy allow form) or `{allow, deny}`, and
 * `allow_responses`). Mirrors nats-server 2.9.10 `server/opts.go` parseAuthorization,
 * parseUsers, parseUserPermissions, parseAllowResponses (behaviour and messages).
 * Pure; main isolate.
 */

import type {
  Permissions,
  ResponsePermission,
  SubjectPermission,
  UserOptions,
} from "../options.ts";
import { DurationError, nanosToMs, parseGoDuration } from "./duration.ts";
import { type ConfigIssue, makeIssue } from "./issues.ts";
import { isValidPublicKey, NKeyPrefix } from "./nkeys.ts";
import {
  asInt,
  asMap,
  asString,
  entriesLower,
  goQuotedList,
  goValue,
  type NormalizeContext,
  recoverPanic,
} from "./normalize_context.ts";
import { type ConfMap, type ConfNode, goTypeName } from "./tree.ts";

/** nats-server DEFAULT_ALLOW_RESPONSE_MAX_MSGS / DEFAULT_ALLOW_RESPONSE_EXPIRATION. */
const DEFAULT_RESPONSE: ResponsePermission = { maxMsgs: 1, expiresMs: 2 * 60_000 };

const CONNECTION_TYPES = new Set([
  "STANDARD",
  "WEBSOCKET",
  "LEAFNODE",
  "LEAFNODE_WS",
  "MQTT",
  "MQTT_WS",
]);

/** A returned (not recorded) error, as Go functions that `return nil, err`. */
interface Failed {
  failed: ConfigIssue;
}

const isFailed = (value: unknown): value is Failed =>
  typeof value === "object" && value !== null && "failed" in value;

/** nats-server `IsValidSubject`. */
export function isValidSubject(subject: string): boolean {
  if (subject === "") return false;
  let fullWildcard = false;
  for (const token of subject.split(".")) {
    if (token.length === 0 || fullWildcard) return false;
    if (token.length > 1) {
      if (/[\t\n\f\r ]/.test(token)) return false;
      continue;
    }
    if (token === ">") fullWildcard = true;
    else if (/[ \t\n\r\f]/.test(token)) return false;
  }
  return true;
}

/** Subject validation for permissions: a subject or `subject queue` (nats checkPermSubjectArray). */
function checkPermSubjects(subjects: string[]): string | undefined {
  for (const subject of subjects) {
    if (isValidSubject(subject)) continue;
    const fields = subject.split(/\s+/).filter((field) => field !== "");
    if (fields.length !== 2) return `subject ${JSON.stringify(subject)} is not a valid subject`;
    if (!isValidSubject(fields[0])) {
      return `subject ${JSON.stringify(fields[0])} is not a valid subject`;
    }
  }
  return undefined;
}

/**
 * A subject or list of subjects. `where` is the token nats-server has at hand: undefined in the
 * legacy form (its errors then carry no position), the value itself under allow/deny.
 */
export function parsePermSubjects(node: ConfNode, where: ConfNode | undefined): string[] | Failed {
  let subjects: string[];
  if (node.kind === "string") subjects = [node.value];
  else if (node.kind === "array") {
    subjects = [];
    for (const element of node.value) {
      if (element.kind !== "string") {
        return {
          failed: makeIssue(element, "Subject in permissions array cannot be cast to string"),
        };
      }
      subjects.push(element.value);
    }
  } else {
    return {
      failed: makeIssue(
        where,
        "Expected subject permissions to be a subject, or array of subjects, got " +
          goTypeName(node),
      ),
    };
  }
  const invalid = checkPermSubjects(subjects);
  return invalid ? { failed: makeIssue(where, invalid) } : subjects;
}

function parseSubjectPermission(
  map: ConfMap,
  ctx: NormalizeContext,
): SubjectPermission | undefined {
  if (map.value.size === 0) return undefined;
  const permission: SubjectPermission = {};
  for (const [lower, value, key] of entriesLower(map)) {
    if (lower === "allow" || lower === "deny") {
      const subjects = parsePermSubjects(value, value);
      if (isFailed(subjects)) ctx.errors.push(subjects.failed);
      else permission[lower] = subjects;
    } else if (!value.usedVariable) {
      ctx.error(
        value,
        `Unknown field name ${JSON.stringify(key)} parsing subject permissions, ` +
          "only 'allow' or 'deny' are permitted",
      );
    }
  }
  return permission;
}

function parseVariablePermissions(
  node: ConfNode,
  ctx: NormalizeContext,
): SubjectPermission | undefined | Failed {
  if (node.kind === "map") return parseSubjectPermission(node, ctx);
  const subjects = parsePermSubjects(node, undefined);
  return isFailed(subjects) ? subjects : { allow: subjects };
}

function parseAllowResponses(
  node: ConfNode,
  ctx: NormalizeContext,
): ResponsePermission | undefined {
  if (node.kind !== "map") {
    ctx.error(node, "error parsing response permissions, expected a boolean or a map");
    return undefined;
  }
  const response = { ...DEFAULT_RESPONSE };
  for (const [lower, value, key] of entriesLower(node)) {
    switch (lower) {
      case "max":
      case "max_msgs":
      case "max_messages":
      case "max_responses": {
        const max = asInt(value);
        if (max !== 0) response.maxMsgs = max;
        break;
      }
      case "expires":
      case "expiration":
      case "ttl": {
        if (value.kind !== "string") {
          ctx.error(value, "error parsing expires, not a duration string");
          return undefined;
        }
        try {
          const nanos = parseGoDuration(value.value);
          if (nanos !== 0n) response.expiresMs = nanosToMs(nanos);
        } catch (err) {
          if (!(err instanceof DurationError)) throw err;
          ctx.error(value, `error parsing expires: ${err.message}`);
          return undefined;
        }
        break;
      }
      default:
        if (!value.usedVariable) {
          ctx.error(value, `Unknown field ${JSON.stringify(key)} parsing permissions`);
        }
    }
  }
  return response;
}

/**
 * A `permissions` map (users, default permissions, accounts). Returns the permissions,
 * `undefined` when a panic was recovered, or a failure to report.
 */
export function parseUserPermissions(
  node: ConfNode,
  ctx: NormalizeContext,
): Permissions | undefined | Failed {
  return recoverPanic(ctx, () => {
    if (node.kind !== "map") {
      return {
        failed: makeIssue(node, `Expected permissions to be a map/struct, got ${goValue(node)}`),
      };
    }
    const permissions: Permissions = {};
    for (const [lower, value, key] of entriesLower(node)) {
      switch (lower) {
        case "pub":
        case "publish":
        case "import":
        case "sub":
        case "subscribe":
        case "export": {
          const parsed = parseVariablePermissions(value, ctx);
          if (isFailed(parsed)) {
            ctx.errors.push(parsed.failed);
            break;
          }
          const target = ["pub", "publish", "import"].includes(lower) ? "publish" : "subscribe";
          permissions[target] = parsed;
          if (parsed === undefined) delete permissions[target];
          break;
        }
        case "publish_allow_responses":
        case "allow_responses": {
          if (value.kind === "bool") {
            if (value.value) permissions.response = { ...DEFAULT_RESPONSE };
          } else {
            const response = recoverPanic(ctx, () => parseAllowResponses(value, ctx));
            if (response) permissions.response = response;
            else delete permissions.response;
          }
          if (permissions.response) {
            permissions.publish ??= {};
            permissions.publish.allow ??= [];
          }
          break;
        }
        default:
          if (!value.usedVariable) {
            ctx.error(value, `Unknown field ${JSON.stringify(key)} parsing permissions`);
          }
      }
    }
    return permissions;
  });
}

/** `allowed_connection_types`: string or list; unknown types are an error. */
function parseAllowedConnectionTypes(node: ConfNode, ctx: NormalizeContext): string[] | undefined {
  let types: string[];
  if (node.kind === "string") types = [node.value];
  else if (node.kind === "array") {
    types = [];
    for (const element of node.value) {
      if (element.kind === "string") types.push(element.value);
      else {
        ctx.error(
          element,
          "error parsing allowed connection types: unsupported type in array " +
            goTypeName(element),
        );
      }
    }
  } else {
    ctx.error(
      node,
      `error parsing allowed connection types: unsupported type ${goTypeName(node)}`,
    );
    return undefined;
  }
  const valid: string[] = [];
  const unknown: string[] = [];
  for (const type of types.map((type) => type.toUpperCase())) {
    if (!CONNECTION_TYPES.has(type)) unknown.push(type);
    else if (!valid.includes(type)) valid.push(type);
  }
  if (unknown.length > 0) ctx.error(node, `invalid connection types ${goQuotedList(unknown)}`);
  return valid;
}

/** Result of a `users` array: password users and NKey users. */
export interface ParsedUsers {
  users: UserOptions[];
  nkeys: UserOptions[];
}

/**
 * A `users` array (authorization or account). `where` positions the not-an-array error
 * (accounts pass undefined: nats-server has no token there).
 */
export function parseUsers(
  node: ConfNode,
  ctx: NormalizeContext,
  where: ConfNode | undefined = node,
): ParsedUsers | undefined | Failed {
  return recoverPanic(ctx, (): ParsedUsers | Failed => {
    if (node.kind !== "array") {
      return {
        failed: makeIssue(where, `Expected users field to be an array, got ${goValue(node)}`),
      };
    }
    const result: ParsedUsers = { users: [], nkeys: [] };
    for (const entry of node.value) {
      if (entry.kind !== "map") {
        ctx.error(entry, `Expected user entry to be a map/struct, got ${goValue(entry)}`);
        continue;
      }
      const user: UserOptions = {};
      let nkey = "";
      let permissions: Permissions | undefined;
      let last: ConfNode = entry;
      for (const [lower, value, key] of entriesLower(entry)) {
        last = value;
        switch (lower) {
          case "nkey":
            nkey = asString(value);
            break;
          case "user":
          case "username":
            user.user = asString(value);
            break;
          case "pass":
          case "password":
            user.password = asString(value);
            break;
          case "permission":
          case "permissions":
          case "authorization": {
            const parsed = parseUserPermissions(value, ctx);
            if (isFailed(parsed)) ctx.errors.push(parsed.failed);
            else permissions = parsed;
            break;
          }
          case "allowed_connection_types":
          case "connection_types":
          case "clients":
            user.allowedConnectionTypes = parseAllowedConnectionTypes(value, ctx);
            if (!user.allowedConnectionTypes) delete user.allowedConnectionTypes;
            break;
          default:
            ctx.unknownField(value, key);
        }
      }
      if (permissions) user.permissions = permissions;
      if (nkey === "" && !user.user) {
        return { failed: makeIssue(last, "User entry requires a user") };
      }
      if (nkey !== "") {
        if (!isValidPublicKey(nkey, NKeyPrefix.user)) {
          return { failed: makeIssue(last, "Not a valid public nkey for a user") };
        }
        if (user.user || user.password) {
          return { failed: makeIssue(last, "Nkey users do not take usernames or passwords") };
        }
        const nkeyUser: UserOptions = { nkey };
        if (user.permissions) nkeyUser.permissions = user.permissions;
        if (user.allowedConnectionTypes) {
          nkeyUser.allowedConnectionTypes = user.allowedConnectionTypes;
        }
        result.nkeys.push(nkeyUser);
      } else {
        result.users.push(user);
      }
    }
    return result;
  });
}

/** A parsed `authorization {}` block (nats-server `authorization`). */
export interface Authorization {
  user?: string;
  pass?: string;
  token?: string;
  timeout?: number;
  users?: UserOptions[];
  nkeys?: UserOptions[];
  defaultPermissions?: Permissions;
}

/** nats-server parseAuthorization: also used for the cluster and gateway blocks. */
export function parseAuthorizationBlock(
  node: ConfNode,
  ctx: NormalizeContext,
): Authorization | undefined {
  return recoverPanic(ctx, () => {
    const auth: Authorization = {};
    for (const [lower, value, key] of entriesLower(asMap(node))) {
      switch (lower) {
        case "user":
        case "username":
          auth.user = asString(value);
          break;
        case "pass":
        case "password":
          auth.pass = asString(value);
          break;
        case "token":
          auth.token = asString(value);
          break;
        case "timeout":
          auth.timeout = value.kind === "integer" || value.kind === "float" ? value.value : 1;
          break;
        case "users": {
          const parsed = parseUsers(value, ctx);
          if (isFailed(parsed)) {
            ctx.errors.push(parsed.failed);
            continue;
          }
          auth.users = parsed?.users;
          auth.nkeys = parsed?.nkeys;
          break;
        }
        case "default_permission":
        case "default_permissions":
        case "permissions": {
          const parsed = parseUserPermissions(value, ctx);
          if (isFailed(parsed)) {
            ctx.errors.push(parsed.failed);
            continue;
          }
          auth.defaultPermissions = parsed;
          break;
        }
        default:
          ctx.unknownField(value, key);
          continue;
      }
      if (auth.defaultPermissions) {
        for (const user of [...(auth.users ?? []), ...(auth.nkeys ?? [])]) {
          user.permissions ??= auth.defaultPermissions;
        }
      }
    }
    return auth;
  });
}

/** The top-level `authorization` option (nats-server processConfigFileLine "authorization"). */
export function applyAuthorization(node: ConfNode, ctx: NormalizeContext): void {
  const auth = parseAuthorizationBlock(node, ctx);
  if (!auth) {
    // nats-server recovers the panic, returns a nil block and then dereferences it.
    ctx.error(node, "runtime error: invalid memory address or nil pointer dereference");
    return;
  }
  const options = ctx.options;
  if (auth.user !== undefined) options.username = auth.user;
  if (auth.pass !== undefined) options.password = auth.pass;
  if (auth.token !== undefined) options.authorizationToken = auth.token;
  if (auth.timeout !== undefined) options.authTimeout = auth.timeout;
  if (auth.defaultPermissions) options.defaultPermissions = auth.defaultPermissions;
  if ((auth.user || auth.pass) && auth.token) {
    ctx.error(node, "Cannot have a user/pass and token");
    return;
  }
  const existing = options.users ?? [];
  const names = new Set(existing.map((user) => user.nkey ?? user.user ?? ""));
  if (auth.users !== undefined || names.size > 0) {
    if (auth.user) {
      ctx.error(node, "Can not have a single user/pass and a users array");
      return;
    }
    if (auth.token) {
      ctx.error(node, "Can not have a token and a users array");
      return;
    }
    for (const user of auth.users ?? []) {
      const name = user.user ?? "";
      if (names.has(name)) {
        ctx.error(node, `Duplicate user ${JSON.stringify(name)} detected`);
        return;
      }
      names.add(name);
    }
    if (auth.users?.length) options.users = [...(options.users ?? []), ...auth.users];
  }
  for (const user of auth.nkeys ?? []) {
    if (names.has(user.nkey!)) {
      ctx.error(node, `Duplicate nkey ${JSON.stringify(user.nkey)} detected`);
      return;
    }
    names.add(user.nkey!);
  }
  if (auth.nkeys?.length) options.users = [...(options.users ?? []), ...auth.nkeys];
}

/** A failure returned (not yet recorded) by a parser; callers push `failed` to the errors. */
export type { Failed };

export { isFailed };
