/**
 * @module
 * Config reload of `leafnodes {}` (nats-server 2.9.10 reload.go diffOptions, case
 * "leafnode"): which changes pass and the error text of those that do not. Passing: the TLS
 * configuration (certificates, CA, verify...: not the timeout, `verify_and_map` or pinned
 * certs), users whose name, password and account stay the same (any order, other members
 * ignored), remotes that are the same set in another order, a remote's `account` written as
 * `$G` or left out, its `deny_imports`/`deny_exports` and TLS configuration. Anything else is
 * refused with `config reload not supported for LeafNode: old=<v>, new=<v>`, `<v>` being Go's
 * `%v` of `LeafNodeOpts` after setBaselineOptions (pointers print as addresses; ours are made
 * up, as Go's differ from run to run anyway).
 * PURE: no Deno APIs, timers or console output. Runs in the main isolate.
 */
import type { LeafNodeConfig, LeafUser, RemoteLeafConfig } from "../../link_options.ts";
import type { TlsSettings } from "../../transport/tls_options.ts";

/** nats-server DEFAULT_HOST, AUTH_TIMEOUT and TLS_TIMEOUT (setBaselineOptions). */
const DEFAULT_HOST = "0.0.0.0";
const AUTH_TIMEOUT_SECONDS = 2;
const TLS_TIMEOUT_SECONDS = 2;
/** nats-server DEFAULT_LEAF_NODE_RECONNECT. */
const DEFAULT_RECONNECT_SECONDS = 1;
const GLOBAL_ACCOUNT = "$G";

/** A `leafnodes {}` as nats-server holds it after setBaselineOptions. */
interface Baseline {
  host: string;
  port: number;
  username: string;
  password: string;
  account: string;
  users: readonly LeafUser[];
  authTimeout: number;
  tls: TlsSettings | undefined;
  tlsTimeout: number;
  tlsMap: boolean;
  pinnedCerts: string[] | null;
  advertise: string;
  noAdvertise: boolean;
  reconnectSeconds: number;
  remotes: readonly RemoteLeafConfig[];
  minVersion: string;
}

function baseline(c: LeafNodeConfig | undefined, boundPort: number): Baseline {
  // A random port (-1) is the one bound at startup (reload.go leafnodesOrgPort).
  const port = c?.port === -1 && boundPort > 0 ? boundPort : c?.port ?? 0;
  const tls = c?.tls;
  let tlsTimeout = tls?.timeoutSeconds ?? 0;
  let authTimeout = c?.authTimeout ?? 0;
  let host = c?.host ?? "";
  if (port !== 0) {
    if (host === "") host = DEFAULT_HOST;
    if (tlsTimeout === 0) tlsTimeout = TLS_TIMEOUT_SECONDS;
    if (authTimeout === 0) authTimeout = tls ? tlsTimeout + 1 : AUTH_TIMEOUT_SECONDS;
  }
  return {
    host,
    port,
    username: c?.username ?? "",
    password: c?.password ?? "",
    account: c?.account ?? "",
    users: c?.users ?? [],
    authTimeout,
    tls,
    tlsTimeout,
    tlsMap: tls?.map ?? false,
    pinnedCerts: tls?.pinnedCerts ? [...tls.pinnedCerts].sort() : null,
    advertise: c?.advertise ?? "",
    noAdvertise: c?.noAdvertise ?? false,
    reconnectSeconds: c?.reconnectSeconds || DEFAULT_RECONNECT_SECONDS,
    remotes: c?.remotes ?? [],
    minVersion: c?.minVersion ?? "",
  };
}

/** A remote as reload.go compares it (copyRemoteLNConfigForReloadCompare). */
function remoteKey(r: RemoteLeafConfig): string {
  return JSON.stringify([
    r.localAccount || GLOBAL_ACCOUNT,
    r.noRandomize,
    r.urls,
    r.credentials,
    r.tls?.timeoutSeconds ?? 0,
    r.hub,
    r.wsCompression,
    r.wsNoMasking,
    r.jetStreamClusterMigrate,
  ]);
}

/** The same remote for reload.go (all but TLS configuration and deny lists equal). */
export function sameRemote(a: RemoteLeafConfig, b: RemoteLeafConfig): boolean {
  return remoteKey(a) === remoteKey(b);
}

/** reload.go leafRemotesChanged: another count, or an old remote with no equal new one. */
function remotesChanged(a: readonly RemoteLeafConfig[], b: readonly RemoteLeafConfig[]): boolean {
  if (a.length !== b.length) return true;
  const keys = new Set(b.map(remoteKey));
  return a.some((r) => !keys.has(remoteKey(r)));
}

/** The users check of reload.go: same names, each with the same password and account. */
function usersSame(a: readonly LeafUser[], b: readonly LeafUser[]): boolean {
  if (a.length !== b.length) return false;
  const next = new Map(b.map((u) => [u.username, u]));
  return a.every((u) => {
    const n = next.get(u.username);
    return n !== undefined && n.password === u.password && n.account === u.account;
  });
}

function scalars(b: Baseline): string {
  return JSON.stringify([
    b.host,
    b.port,
    b.username,
    b.password,
    b.account,
    b.authTimeout,
    b.tlsTimeout,
    b.tlsMap,
    b.pinnedCerts,
    b.advertise,
    b.noAdvertise,
    b.reconnectSeconds,
    b.minVersion,
  ]);
}

/** Go's `%v` of a float64 (strconv 'g', shortest: exponent form below 1e-4 or from 1e6). */
export function goFloat(n: number): string {
  if (n === 0 || !Number.isFinite(n)) return String(n);
  const [mantissa, e] = n.toExponential().split("e");
  const exp = Number(e);
  if (exp >= -4 && exp < 6) return String(n);
  const digits = String(Math.abs(exp)).padStart(2, "0");
  return `${mantissa}e${exp < 0 ? "-" : "+"}${digits}`;
}

/** Go's time.Duration String() for seconds. */
function goDuration(seconds: number): string {
  const ns = Math.round(seconds * 1e9);
  if (ns === 0) return "0s";
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${ns / 1e3}µs`;
  if (ns < 1e9) return `${ns / 1e6}ms`;
  let rest = ns / 1e9;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  rest = Math.round((rest - m * 60) * 1e9) / 1e9;
  if (h > 0) return `${h}h${m}m${rest}s`;
  if (m > 0) return `${m}m${rest}s`;
  return `${rest}s`;
}

/** Made-up Go heap addresses for the pointers `%v` prints. */
class Pointers {
  #next = 0xc000010000;
  next(): string {
    const p = this.#next;
    this.#next += 0x40;
    return `0x${p.toString(16)}`;
  }
  list(n: number): string {
    return `[${Array.from({ length: n }, () => this.next()).join(" ")}]`;
  }
}

/**
 * Go's `%v` of nats-server's `LeafNodeOpts` for `c` (undefined: no `leafnodes {}`), field by
 * field: Host Port Username Password Account Users AuthTimeout TLSConfig TLSTimeout TLSMap
 * TLSPinnedCerts Advertise NoAdvertise ReconnectInterval Remotes MinVersion resolver
 * dialTimeout connDelay tlsConfigOpts.
 *
 * @example
 * ```ts
 * import { goLeafNodeOpts } from "./leaf_reload.ts";
 * const v = goLeafNodeOpts(undefined);
 * if (v !== "{ 0    [] 0 <nil> 0 false map[]  false 1s []  <nil> 0 0 <nil>}") throw new Error(v);
 * ```
 */
export function goLeafNodeOpts(
  c: LeafNodeConfig | undefined,
  pointers = new Pointers(),
  boundPort = 0,
): string {
  const b = baseline(c, boundPort);
  const pinned = b.pinnedCerts === null
    ? "map[]"
    : `map[${b.pinnedCerts.map((k) => `${k}:{}`).join(" ")}]`;
  return "{" + [
    b.host,
    String(b.port),
    b.username,
    b.password,
    b.account,
    b.users.length === 0 ? "[]" : pointers.list(b.users.length),
    goFloat(b.authTimeout),
    b.tls ? pointers.next() : "<nil>",
    goFloat(b.tlsTimeout),
    String(b.tlsMap),
    pinned,
    b.advertise,
    String(b.noAdvertise),
    goDuration(b.reconnectSeconds),
    b.remotes.length === 0 ? "[]" : pointers.list(b.remotes.length),
    b.minVersion,
    "<nil>",
    "0",
    "0",
    b.tls ? pointers.next() : "<nil>",
  ].join(" ") + "}";
}

/**
 * Null when nats-server 2.9.10 reloads `leafnodes {}` from `before` to `after` without
 * complaint, else its error text. `boundPort`: the leafnode listener's port, which stands for
 * `-1` (random) on both sides, as in nats-server.
 *
 * @example
 * ```ts
 * import { leafNodeReloadError } from "./leaf_reload.ts";
 * const c = {
 *   host: "", port: 7422, username: "", password: "", authTimeout: 0, account: "", users: [],
 *   advertise: "", noAdvertise: false, reconnectSeconds: 0, minVersion: "", remotes: [],
 * };
 * if (leafNodeReloadError(c, { ...c }) !== null) throw new Error();
 * if (!leafNodeReloadError(c, { ...c, port: 7423 })?.includes("old={0.0.0.0 7422 ")) {
 *   throw new Error();
 * }
 * ```
 */
export function leafNodeReloadError(
  before: LeafNodeConfig | undefined,
  after: LeafNodeConfig | undefined,
  boundPort = 0,
): string | null {
  const a = baseline(before, boundPort);
  const b = baseline(after, boundPort);
  const same = scalars(a) === scalars(b) && usersSame(a.users, b.users) &&
    !remotesChanged(a.remotes, b.remotes);
  if (same) return null;
  const pointers = new Pointers();
  return "config reload not supported for LeafNode: " +
    `old=${goLeafNodeOpts(before, pointers, boundPort)}, ` +
    `new=${goLeafNodeOpts(after, pointers, boundPort)}`;
}
