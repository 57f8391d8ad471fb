/**
 * @module
 * Leafnode wire helpers (nats-server 2.9.10 leafnode.go): the LS+/LS- lines a server sends for
 * its interest (writeLeafSub: `LS+ <subject>[ <queue> <weight>]`, no account: a leafnode
 * connection is bound to one), decoding of LS+/LS- arguments (processLeafSub,
 * processLeafUnsub), the interest key (keyFromSub), the loop-detection subject prefix and the
 * INFO and CONNECT messages of both sides, with their JSON fields in nats-server's order.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { argTokens, decodeSubject, parseWeight } from "../core/interest_args.ts";

const enc = new TextEncoder();
const lenient = new TextDecoder();

/** leafnode.go leafNodeLoopDetectionSubjectPrefix. */
export const LOOP_DETECTION_PREFIX = "$LDS.";

/**
 * `<subject>` or `<subject> <queue>`: how both sides name one interest (keyFromSub).
 *
 * @example
 * ```ts
 * import { leafKey } from "./leaf_protocol.ts";
 * if (leafKey("foo", "q") !== "foo q" || leafKey("foo", null) !== "foo") throw new Error();
 * ```
 */
export function leafKey(subject: string, queue: string | null): string {
  return queue === null ? subject : `${subject} ${queue}`;
}

/**
 * The LS+ (weight > 0) or LS- line for an interest key (writeLeafSub: the weight is written
 * only for a queue key).
 *
 * @example
 * ```ts
 * import { leafSubLine } from "./leaf_protocol.ts";
 * const d = new TextDecoder();
 * if (d.decode(leafSubLine("foo q", 2)) !== "LS+ foo q 2\r\n") throw new Error();
 * if (d.decode(leafSubLine("foo", 0)) !== "LS- foo\r\n") throw new Error();
 * ```
 */
export function leafSubLine(key: string, weight: number): Uint8Array {
  if (weight <= 0) return enc.encode(`LS- ${key}\r\n`);
  return enc.encode(key.includes(" ") ? `LS+ ${key} ${weight}\r\n` : `LS+ ${key}\r\n`);
}

/** Decoded LS+ arguments. */
export interface LeafSubArgs {
  subject: string;
  /** Set when the subject bytes are not valid UTF-8 (opaque sublist subjects). */
  subjectBytes?: Uint8Array;
  queue: string | null;
  /** Queue weight (1 for plain interest; a bad weight gives -1 like parseSize). */
  weight: number;
  /** `<subject>[ <queue>]`, the key LS- names. */
  key: string;
}

/**
 * Decodes `LS+` arguments; a string is nats-server's error text
 * (`processLeafSub Parse Error: '<args>'`).
 *
 * @example
 * ```ts
 * import { parseLeafSub } from "./leaf_protocol.ts";
 * const r = parseLeafSub(new TextEncoder().encode("foo bar 3"));
 * if (typeof r === "string" || r.queue !== "bar" || r.weight !== 3 || r.key !== "foo bar") {
 *   throw new Error();
 * }
 * ```
 */
export function parseLeafSub(args: Uint8Array): LeafSubArgs | string {
  const t = argTokens(args);
  if (t.length !== 1 && t.length !== 3) {
    return `processLeafSub Parse Error: '${lenient.decode(args)}'`;
  }
  const { subject, subjectBytes } = decodeSubject(t[0]);
  const queue = t.length === 3 ? lenient.decode(t[1]) : null;
  const weight = t.length === 3 ? parseWeight(t[2]) : 1;
  return { subject, subjectBytes, queue, weight, key: leafKey(lenient.decode(t[0]), queue) };
}

/** The key an `LS-` names (its arguments, as nats-server looks them up). */
export function parseLeafUnsub(args: Uint8Array): string {
  return argTokens(args).map((t) => lenient.decode(t)).join(" ");
}

/** The INFO a leafnode listener sends (server.go `Info`, the fields leafnode.go sets). */
export interface LeafInfoMessage {
  server_id: string;
  server_name?: string;
  version?: string;
  proto?: number;
  go?: string;
  host?: string;
  port?: number;
  headers?: boolean;
  auth_required?: boolean;
  tls_required?: boolean;
  tls_verify?: boolean;
  max_payload?: number;
  jetstream?: boolean;
  ip?: string;
  client_id?: number;
  nonce?: string;
  cluster?: string;
  domain?: string;
  ws_connect_urls?: string[];
  import?: unknown;
  export?: unknown;
  info_on_connect?: boolean;
  connect_info?: boolean;
  leafnode_urls?: string[];
  remote_account?: string;
  /** Set by a client port's INFO (a leaf dialing the wrong port sees it). */
  gateway?: string;
}

/** The CONNECT a soliciting leafnode sends (leafnode.go `leafConnectInfo`). */
export interface LeafConnectMessage {
  version?: string;
  jwt?: string;
  sig?: string;
  user?: string;
  pass?: string;
  tls_required?: boolean;
  compression?: boolean;
  server_id?: string;
  domain?: string;
  name?: string;
  is_hub?: boolean;
  cluster?: string;
  headers?: boolean;
  jetstream?: boolean;
  deny_pub?: string[];
  gateway?: string;
  /** Set by clients only: a client on the leafnode port. */
  lang?: string;
}

/** Go's encoding/json escapes `<`, `>` and `&` in strings (HTML-safe output). */
function goJson(o: unknown): string {
  return JSON.stringify(o).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function parseObject<T>(text: string): T | null {
  try {
    const v = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v as T : null;
  } catch {
    return null;
  }
}

/** Parses an INFO's JSON; null when it is not an object. */
export function parseLeafInfo(text: string): LeafInfoMessage | null {
  return parseObject<LeafInfoMessage>(text);
}

/** A CONNECT's JSON for the trace: the password replaced by `[REDACTED]`. */
export function redactConnect(json: string): string {
  return json.replace(/"pass":"[^"]*"/, '"pass":"[REDACTED]"');
}

/** Parses a CONNECT's JSON; null when it is not an object. */
export function parseLeafConnect(text: string): LeafConnectMessage | null {
  return parseObject<LeafConnectMessage>(text);
}

/**
 * JSON of a leafnode INFO with nats-server's field order and `omitempty` rules (server.go
 * `Info`; `server_id`, `server_name`, `version`, `proto`, `go`, `host`, `port`, `headers` and
 * `max_payload` always present).
 *
 * @example
 * ```ts
 * import { leafInfoJson } from "./leaf_protocol.ts";
 * const j = leafInfoJson({ server_id: "S", leafnode_urls: ["h:1"], client_id: 3 });
 * if (!j.startsWith('{"server_id":"S","server_name":""') || !j.includes('"client_id":3')) {
 *   throw new Error(j);
 * }
 * ```
 */
export function leafInfoJson(i: LeafInfoMessage): string {
  const o: Record<string, unknown> = {
    server_id: i.server_id,
    server_name: i.server_name ?? "",
    version: i.version ?? "",
    proto: i.proto ?? 1,
    go: i.go ?? "",
    host: i.host ?? "",
    port: i.port ?? 0,
    headers: i.headers ?? false,
  };
  if (i.auth_required) o.auth_required = true;
  if (i.tls_required) o.tls_required = true;
  if (i.tls_verify) o.tls_verify = true;
  o.max_payload = i.max_payload ?? 0;
  if (i.jetstream) o.jetstream = true;
  if (i.ip) o.ip = i.ip;
  if (i.client_id) o.client_id = i.client_id;
  if (i.nonce) o.nonce = i.nonce;
  if (i.cluster) o.cluster = i.cluster;
  if (i.domain) o.domain = i.domain;
  if (i.ws_connect_urls?.length) o.ws_connect_urls = i.ws_connect_urls;
  if (i.import) o.import = i.import;
  if (i.export) o.export = i.export;
  if (i.info_on_connect) o.info_on_connect = true;
  if (i.connect_info) o.connect_info = true;
  if (i.leafnode_urls?.length) o.leafnode_urls = i.leafnode_urls;
  if (i.remote_account) o.remote_account = i.remote_account;
  return goJson(o);
}

/**
 * JSON of a leafnode CONNECT with nats-server's field order (`leafConnectInfo`: only
 * `tls_required` is always present).
 *
 * @example
 * ```ts
 * import { leafConnectJson } from "./leaf_protocol.ts";
 * const j = leafConnectJson({ version: "2.9.10", server_id: "S", name: "n", headers: true });
 * if (j !== '{"version":"2.9.10","tls_required":false,"server_id":"S","name":"n","headers":true}') {
 *   throw new Error(j);
 * }
 * ```
 */
export function leafConnectJson(c: LeafConnectMessage): string {
  const o: Record<string, unknown> = {};
  if (c.version) o.version = c.version;
  if (c.jwt) o.jwt = c.jwt;
  if (c.sig) o.sig = c.sig;
  if (c.user) o.user = c.user;
  if (c.pass) o.pass = c.pass;
  o.tls_required = c.tls_required ?? false;
  if (c.compression) o.compression = true;
  if (c.server_id) o.server_id = c.server_id;
  if (c.domain) o.domain = c.domain;
  if (c.name) o.name = c.name;
  if (c.is_hub) o.is_hub = true;
  if (c.cluster) o.cluster = c.cluster;
  if (c.headers) o.headers = true;
  if (c.jetstream) o.jetstream = true;
  if (c.deny_pub?.length) o.deny_pub = c.deny_pub;
  return goJson(o);
}

/** leafnode.go denyAllClientJs: JetStream API, KV and object store subjects. */
export const DENY_ALL_CLIENT_JS: readonly string[] = ["$JS.API.>", "$KV.>", "$OBJ.>"];

/**
 * Whether the domains alone keep JetStream from extending over a leafnode link (different
 * domains, or JetStream off here). The whole decision, system account and domain mappings
 * included, is leaf_jetstream.ts leafJetStreamPlan.
 *
 * @example
 * ```ts
 * import { jetStreamApiDenied } from "./leaf_protocol.ts";
 * if (!jetStreamApiDenied({ localDomain: "", remoteDomain: "", jetStream: false })) throw 1;
 * ```
 */
export function jetStreamApiDenied(
  o: { localDomain: string; remoteDomain: string; jetStream: boolean },
): boolean {
  return o.localDomain !== o.remoteDomain || !o.jetStream;
}
