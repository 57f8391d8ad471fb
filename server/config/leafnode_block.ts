/**
 * @module
 * The `leafnodes {}` (alias `leaf`) block: the accept side, its `authorization` with leaf
 * users, and `remotes: [...]` (nats-server 2.9.10 opts.go `parseLeafNodes`,
 * `parseLeafAuthorization`, `parseLeafUsers`, `parseRemoteLeafNodes`, leafnode.go
 * `validateLeafNodeAuthOptions`, `checkLeafMinVersionConfig`), validated key by key into
 * {@link LeafNodeConfig}. Each of those functions recovers its own panics: reported at the
 * value, the function ends. Pure; main isolate.
 */
import type { LeafNodeConfig, LeafUser, RemoteLeafConfig } from "../link_options.ts";
import type { RawSection } from "../options.ts";
import { isFailed, parsePermSubjects } from "./auth_options.ts";
import {
  custom,
  field,
  FieldTable,
  goShown,
  parseListenValue,
  parseOneUrl,
  parseTlsBlock,
  parseUrlList,
  stopBlock,
} from "./block_spec.ts";
import {
  asBool,
  asInt,
  asMap,
  asString,
  type NormalizeContext,
  recoverPanic,
} from "./normalize_context.ts";
import { type ConfNode, goTypeName, toPlain } from "./tree.ts";

/** nats-server DEFAULT_LEAF_TLS_TIMEOUT, seconds. */
export const DEFAULT_LEAF_TLS_TIMEOUT_SECONDS = 2;

/** Subjects of `deny_imports` / `deny_exports` (nats-server parsePermSubjects). */
function denySubjects(node: ConfNode, ctx: NormalizeContext): string[] | undefined {
  const parsed = parsePermSubjects(node, node);
  if (isFailed(parsed)) {
    ctx.errors.push(parsed.failed);
    return undefined;
  }
  return parsed;
}

const REMOTE = new FieldTable<RemoteLeafConfig>([
  field(["no_randomize", "dont_randomize"], asBool, (r, v) => (r.noRandomize = v)),
  custom(["url", "urls"], (node, ctx, r) => {
    if (node.kind === "array") {
      const parsed = parseUrlList(node, "leafnode", ctx);
      if (!parsed.failed) r.urls = parsed.urls;
    } else if (node.kind === "string") {
      const url = parseOneUrl(node, "leafnode", ctx);
      if (url !== undefined) r.urls.push(url);
    } else {
      ctx.error(
        node,
        `Expected remote leafnode url to be an array or string, got ${goShown(node)}`,
      );
    }
  }),
  field(["account", "local"], asString, (r, v) => (r.localAccount = v)),
  field(["creds", "credentials"], asString, (r, v) => (r.credentials = v)),
  custom(["tls"], (node, ctx, r) => {
    const tls = parseTlsBlock(node, ctx);
    if (!tls) return;
    r.tls = tls.timeoutSeconds > 0
      ? tls
      : { ...tls, timeoutSeconds: DEFAULT_LEAF_TLS_TIMEOUT_SECONDS };
  }),
  field(["hub"], asBool, (r, v) => (r.hub = v)),
  custom(["deny_imports", "deny_import"], (node, ctx, r) => {
    const subjects = denySubjects(node, ctx);
    if (subjects) r.denyImports = subjects;
  }),
  custom(["deny_exports", "deny_export"], (node, ctx, r) => {
    const subjects = denySubjects(node, ctx);
    if (subjects) r.denyExports = subjects;
  }),
  field(
    ["ws_compress", "ws_compression", "websocket_compress", "websocket_compression"],
    asBool,
    (r, v) => (r.wsCompression = v),
  ),
  field(["ws_no_masking", "websocket_no_masking"], asBool, (r, v) => (r.wsNoMasking = v)),
  custom(["jetstream_cluster_migrate", "js_cluster_migrate"], (_node, _ctx, r) => {
    r.jetStreamClusterMigrate = true;
  }),
]);

/** A remote with nothing set. */
export function defaultRemoteLeaf(): RemoteLeafConfig {
  return {
    urls: [],
    noRandomize: false,
    localAccount: "",
    credentials: "",
    hub: false,
    denyImports: [],
    denyExports: [],
    wsCompression: false,
    wsNoMasking: false,
    jetStreamClusterMigrate: false,
  };
}

/** `remotes: [...]`; undefined after reporting a block-level error. */
function parseRemotes(node: ConfNode, ctx: NormalizeContext): RemoteLeafConfig[] | undefined {
  if (node.kind !== "array") {
    ctx.error(node, `Expected remotes field to be an array, got ${goTypeName(node)}`);
    return undefined;
  }
  return recoverPanic(ctx, () => {
    const remotes: RemoteLeafConfig[] = [];
    for (const entry of node.value) {
      if (entry.kind !== "map") {
        ctx.error(
          entry,
          `Expected remote leafnode entry to be a map/struct, got ${goShown(entry)}`,
        );
        continue;
      }
      const remote = defaultRemoteLeaf();
      REMOTE.walk(entry, ctx, remote);
      remotes.push(remote);
    }
    return remotes;
  });
}

const USER = new FieldTable<LeafUser>([
  field(["user", "username"], asString, (u, v) => (u.username = v)),
  field(["pass", "password"], asString, (u, v) => (u.password = v)),
  field(["account"], asString, (u, v) => (u.account = v)),
]);

/** `authorization { users: [...] }` of leafnodes (nats-server parseLeafUsers). */
function parseLeafUsers(node: ConfNode, ctx: NormalizeContext): LeafUser[] | undefined {
  if (node.kind !== "array") {
    ctx.error(node, `Expected users field to be an array, got ${goShown(node)}`);
    return undefined;
  }
  return recoverPanic(ctx, () => {
    const users: LeafUser[] = [];
    for (const entry of node.value) {
      if (entry.kind !== "map") {
        ctx.error(entry, `Expected user entry to be a map/struct, got ${goShown(entry)}`);
        continue;
      }
      const user: LeafUser = { username: "", password: "", account: "" };
      USER.walk(entry, ctx, user);
      users.push(user);
    }
    return users;
  });
}

interface LeafAuth {
  username: string;
  password: string;
  authTimeout: number;
  account: string;
  users: LeafUser[];
}

const AUTHORIZATION = new FieldTable<LeafAuth>([
  field(["user", "username"], asString, (a, v) => (a.username = v)),
  field(["pass", "password"], asString, (a, v) => (a.password = v)),
  custom(["timeout"], (node, _ctx, a) => {
    a.authTimeout = node.kind === "integer" || node.kind === "float" ? node.value : 1;
  }),
  custom(["users"], (node, ctx, a) => {
    const users = parseLeafUsers(node, ctx);
    if (users) a.users = users;
  }),
  field(["account"], asString, (a, v) => (a.account = v)),
]);

/** nats-server validateLeafNodeAuthOptions: the error text, or undefined. */
function leafAuthProblem(auth: LeafAuth): string | undefined {
  if (auth.users.length === 0) return undefined;
  if (auth.username !== "") return "can not have a single user/pass and a users array";
  const seen = new Set<string>();
  for (const user of auth.users) {
    if (seen.has(user.username)) {
      return `duplicate user ${JSON.stringify(user.username)} detected in leafnode authorization`;
    }
    seen.add(user.username);
  }
  return undefined;
}

/** nats-server versionComponents + checkLeafMinVersionConfig: the error text, or undefined. */
export function leafMinVersionProblem(version: string): string | undefined {
  const m = /^v?([0-9]+)\.?([0-9]+)?\.?([0-9]+)?/.exec(version);
  if (!m) return "invalid leafnode's minimum version: invalid semver";
  for (const part of [m[2], m[3]]) {
    if (part === undefined) {
      return `invalid leafnode's minimum version: strconv.Atoi: parsing "": invalid syntax`;
    }
  }
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const atLeast = major > 2 || (major === 2 && minor > 8) ||
    (major === 2 && minor === 8 && patch >= 0);
  return atLeast ? undefined : "the minimum version should be at least 2.8.0";
}

const LEAFNODES = new FieldTable<LeafNodeConfig>([
  custom(["listen"], (node, ctx, l) => {
    const hp = parseListenValue(node, ctx, "listen");
    if (hp) [l.host, l.port] = [hp.host, hp.port];
  }),
  field(["port"], asInt, (l, v) => (l.port = v)),
  field(["host", "net"], asString, (l, v) => (l.host = v)),
  custom(["authorization"], (node, ctx, l) => {
    const auth: LeafAuth = { username: "", password: "", authTimeout: 0, account: "", users: [] };
    if (recoverPanic(ctx, () => AUTHORIZATION.walk(asMap(node), ctx, auth)) === undefined) {
      // parseLeafAuthorization recovers, returns nil, and parseLeafNodes dereferences it.
      ctx.error(node, "runtime error: invalid memory address or nil pointer dereference");
      stopBlock();
    }
    Object.assign(l, auth);
    const problem = leafAuthProblem(auth);
    if (problem) ctx.error(node, problem);
  }),
  custom(["remotes"], (node, ctx, l) => {
    const remotes = parseRemotes(node, ctx);
    if (remotes) l.remotes = remotes;
  }),
  field(
    ["reconnect", "reconnect_delay", "reconnect_interval"],
    asInt,
    (l, v) => (l.reconnectSeconds = v),
  ),
  custom(["tls"], (node, ctx, l) => {
    const tls = parseTlsBlock(node, ctx);
    if (tls) l.tls = tls;
  }),
  field(["leafnode_advertise", "advertise"], asString, (l, v) => (l.advertise = v)),
  field(["no_advertise"], asBool, (l, v) => (l.noAdvertise = v)),
  custom(["min_version", "minimum_version"], (node, ctx, l) => {
    const version = asString(node);
    const problem = leafMinVersionProblem(version);
    if (problem) ctx.error(node, problem);
    else l.minVersion = version;
  }),
]);

/** An empty leafnodes block (nats-server zero values). */
export function defaultLeafNodeConfig(): LeafNodeConfig {
  return {
    host: "",
    port: 0,
    username: "",
    password: "",
    authTimeout: 0,
    account: "",
    users: [],
    advertise: "",
    noAdvertise: false,
    reconnectSeconds: 0,
    minVersion: "",
    remotes: [],
  };
}

/**
 * `leafnodes` / `leaf`: sets `leafnodeConfig` (typed; a listener when its port is not 0,
 * remotes when it has any) and `leafnodes` (raw).
 *
 * @example
 * ```ts
 * import { parseConfigText } from "./normalize.ts";
 * const r = parseConfigText('leafnodes { remotes: [{ url: "nats://h:7422", account: A }] }', {
 *   file: "a.conf",
 * });
 * r.options.leafnodeConfig?.remotes[0].localAccount; // "A"
 * ```
 */
export function applyLeafNodes(node: ConfNode, ctx: NormalizeContext): void {
  if (node.kind !== "map") {
    ctx.error(node, `Expected map to define a leafnode, got ${goTypeName(node)}`);
    return;
  }
  const config = defaultLeafNodeConfig();
  recoverPanic(ctx, () => LEAFNODES.walk(node, ctx, config));
  ctx.options.leafnodes = toPlain(node) as RawSection;
  ctx.options.leafnodeConfig = config;
}
