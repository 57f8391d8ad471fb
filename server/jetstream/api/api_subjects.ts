/**
 * @module
 * Every `$JS.API` subject nats-server 2.9.10 serves (`jetstream_api.go` JSApi* constants, the
 * per-stream DIRECT.GET and per-consumer MSG.NEXT subscriptions, the clustered meta/server/
 * account requests), each with its response `type`; a pure router from a request subject to
 * `{op, stream?, consumer?, ...}`; and the `$JS.<domain>.API.>` mappings of
 * `generateJSMappingTable`.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

/** jetstream_api.go JSApiPrefix and the subscription covering every request. */
export const JS_API_PREFIX = "$JS.API";
export const JS_ALL_API = "$JS.API.>";

const T = (name: string) => `io.nats.jetstream.api.v1.${name}`;

/**
 * Each operation: its subscription subject (Go's JSApi* pattern) and the response `type`
 * (null where the answer is a message, not JSON: direct gets and pull requests).
 */
export const API_OPS = {
  "INFO": { pattern: "$JS.API.INFO", type: T("account_info_response") },
  "STREAM.TEMPLATE.CREATE": {
    pattern: "$JS.API.STREAM.TEMPLATE.CREATE.*",
    type: T("stream_template_create_response"),
  },
  "STREAM.TEMPLATE.NAMES": {
    pattern: "$JS.API.STREAM.TEMPLATE.NAMES",
    type: T("stream_template_names_response"),
  },
  "STREAM.TEMPLATE.INFO": {
    pattern: "$JS.API.STREAM.TEMPLATE.INFO.*",
    type: T("stream_template_info_response"),
  },
  "STREAM.TEMPLATE.DELETE": {
    pattern: "$JS.API.STREAM.TEMPLATE.DELETE.*",
    type: T("stream_template_delete_response"),
  },
  "STREAM.CREATE": { pattern: "$JS.API.STREAM.CREATE.*", type: T("stream_create_response") },
  "STREAM.UPDATE": { pattern: "$JS.API.STREAM.UPDATE.*", type: T("stream_update_response") },
  "STREAM.NAMES": { pattern: "$JS.API.STREAM.NAMES", type: T("stream_names_response") },
  "STREAM.LIST": { pattern: "$JS.API.STREAM.LIST", type: T("stream_list_response") },
  "STREAM.INFO": { pattern: "$JS.API.STREAM.INFO.*", type: T("stream_info_response") },
  "STREAM.DELETE": { pattern: "$JS.API.STREAM.DELETE.*", type: T("stream_delete_response") },
  "STREAM.PURGE": { pattern: "$JS.API.STREAM.PURGE.*", type: T("stream_purge_response") },
  "STREAM.SNAPSHOT": { pattern: "$JS.API.STREAM.SNAPSHOT.*", type: T("stream_snapshot_response") },
  "STREAM.RESTORE": { pattern: "$JS.API.STREAM.RESTORE.*", type: T("stream_restore_response") },
  "STREAM.MSG.DELETE": {
    pattern: "$JS.API.STREAM.MSG.DELETE.*",
    type: T("stream_msg_delete_response"),
  },
  "STREAM.MSG.GET": { pattern: "$JS.API.STREAM.MSG.GET.*", type: T("stream_msg_get_response") },
  "STREAM.PEER.REMOVE": {
    pattern: "$JS.API.STREAM.PEER.REMOVE.*",
    type: T("stream_remove_peer_response"),
  },
  "STREAM.LEADER.STEPDOWN": {
    pattern: "$JS.API.STREAM.LEADER.STEPDOWN.*",
    type: T("stream_leader_stepdown_response"),
  },
  "DIRECT.GET": { pattern: "$JS.API.DIRECT.GET.*", type: null },
  "DIRECT.GET.LAST": { pattern: "$JS.API.DIRECT.GET.*.>", type: null },
  "CONSUMER.CREATE": { pattern: "$JS.API.CONSUMER.CREATE.*", type: T("consumer_create_response") },
  "CONSUMER.CREATE.NAMED": {
    pattern: "$JS.API.CONSUMER.CREATE.*.>",
    type: T("consumer_create_response"),
  },
  "CONSUMER.DURABLE.CREATE": {
    pattern: "$JS.API.CONSUMER.DURABLE.CREATE.*.*",
    type: T("consumer_create_response"),
  },
  "CONSUMER.NAMES": { pattern: "$JS.API.CONSUMER.NAMES.*", type: T("consumer_names_response") },
  "CONSUMER.LIST": { pattern: "$JS.API.CONSUMER.LIST.*", type: T("consumer_list_response") },
  "CONSUMER.INFO": { pattern: "$JS.API.CONSUMER.INFO.*.*", type: T("consumer_info_response") },
  "CONSUMER.DELETE": {
    pattern: "$JS.API.CONSUMER.DELETE.*.*",
    type: T("consumer_delete_response"),
  },
  "CONSUMER.MSG.NEXT": { pattern: "$JS.API.CONSUMER.MSG.NEXT.*.*", type: null },
  "CONSUMER.LEADER.STEPDOWN": {
    pattern: "$JS.API.CONSUMER.LEADER.STEPDOWN.*.*",
    type: T("consumer_leader_stepdown_response"),
  },
  "META.LEADER.STEPDOWN": {
    pattern: "$JS.API.META.LEADER.STEPDOWN",
    type: T("meta_leader_stepdown_response"),
  },
  "SERVER.REMOVE": { pattern: "$JS.API.SERVER.REMOVE", type: T("meta_server_remove_response") },
  "ACCOUNT.PURGE": { pattern: "$JS.API.ACCOUNT.PURGE.*", type: T("account_purge_response") },
  "ACCOUNT.STREAM.MOVE": {
    pattern: "$JS.API.ACCOUNT.STREAM.MOVE.*.*",
    type: T("stream_update_response"),
  },
  "ACCOUNT.STREAM.CANCEL_MOVE": {
    pattern: "$JS.API.ACCOUNT.STREAM.CANCEL_MOVE.*.*",
    type: T("stream_update_response"),
  },
} as const;

/** One API operation name. */
export type ApiOp = keyof typeof API_OPS;

/** Response type sent when the API is overloaded (jetstream_api.go JSApiOverloadedType). */
export const JS_API_OVERLOADED_TYPE = T("system_overloaded");

/** A routed request: the operation and the names its subject carries. */
export interface ApiRoute {
  op: ApiOp;
  stream?: string;
  consumer?: string;
  /** CONSUMER.CREATE.<stream>.<consumer>.<filter...>: the filter subject. */
  filter?: string;
  /** DIRECT.GET.<stream>.<subject...>: the subject whose last message is asked for. */
  subject?: string;
  template?: string;
  account?: string;
}

const OPS = Object.entries(API_OPS).map(([op, spec]) => ({
  op: op as ApiOp,
  tokens: spec.pattern.split("."),
}));

function matches(pattern: readonly string[], tokens: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p === ">") return tokens.length > i;
    if (i >= tokens.length) return false;
    if (p !== "*" && p !== tokens[i]) return false;
  }
  return tokens.length === pattern.length;
}

/**
 * Routes a `$JS.API.` request subject as nats-server's API sublist does; null when no
 * subscription would take it (nats-server then sends nothing).
 *
 * @example
 * ```ts
 * import { parseApiSubject } from "./api_subjects.ts";
 * const r = parseApiSubject("$JS.API.CONSUMER.CREATE.ORDERS.c1.orders.*");
 * if (r?.op !== "CONSUMER.CREATE.NAMED" || r.consumer !== "c1" || r.filter !== "orders.*") {
 *   throw new Error();
 * }
 * ```
 */
export function parseApiSubject(subject: string): ApiRoute | null {
  const tokens = subject.split(".");
  if (tokens.some((t) => t === "")) return null;
  const hit = OPS.find((o) => matches(o.tokens, tokens));
  if (!hit) return null;
  const route: ApiRoute = { op: hit.op };
  switch (hit.op) {
    case "STREAM.TEMPLATE.CREATE":
    case "STREAM.TEMPLATE.INFO":
    case "STREAM.TEMPLATE.DELETE":
      route.template = tokens[5];
      break;
    case "DIRECT.GET.LAST":
      route.stream = tokens[4];
      route.subject = tokens.slice(5).join(".");
      break;
    case "CONSUMER.CREATE.NAMED":
      route.stream = tokens[4];
      route.consumer = tokens[5];
      if (tokens.length > 6) route.filter = tokens.slice(6).join(".");
      break;
    case "CONSUMER.DURABLE.CREATE":
      route.stream = tokens[5];
      route.consumer = tokens[6];
      break;
    case "CONSUMER.INFO":
    case "CONSUMER.DELETE":
      route.stream = tokens[4];
      route.consumer = tokens[5];
      break;
    case "CONSUMER.MSG.NEXT":
    case "CONSUMER.LEADER.STEPDOWN":
      route.stream = tokens[5];
      route.consumer = tokens[6];
      break;
    case "ACCOUNT.PURGE":
      route.account = tokens[4];
      break;
    case "ACCOUNT.STREAM.MOVE":
    case "ACCOUNT.STREAM.CANCEL_MOVE":
      route.account = tokens[5];
      route.stream = tokens[6];
      break;
    case "INFO":
    case "STREAM.TEMPLATE.NAMES":
    case "STREAM.NAMES":
    case "STREAM.LIST":
    case "META.LEADER.STEPDOWN":
    case "SERVER.REMOVE":
      break;
    case "STREAM.MSG.DELETE":
    case "STREAM.MSG.GET":
    case "STREAM.PEER.REMOVE":
    case "STREAM.LEADER.STEPDOWN":
      route.stream = tokens[5];
      break;
    default:
      // STREAM.<op>.<stream>, DIRECT.GET.<stream>, CONSUMER.CREATE/NAMES/LIST.<stream>
      route.stream = tokens[4];
  }
  return route;
}

/** The response `type` of an operation (null for message answers). */
export function responseType(op: ApiOp): string | null {
  return API_OPS[op].type;
}

/** Builds an API subject from its pattern (`*` filled in order, `>` by the rest joined). */
export function apiSubject(op: ApiOp, ...parts: string[]): string {
  const out: string[] = [];
  let i = 0;
  for (const t of API_OPS[op].pattern.split(".")) {
    if (t === "*") out.push(parts[i++]);
    else if (t === ">") out.push(parts.slice(i).join("."));
    else out.push(t);
  }
  return out.join(".");
}

const DOMAIN_SUFFIXES: readonly [string, string][] = [
  ["INFO", "$JS.API.INFO"],
  ["STREAM.>", "$JS.API.STREAM.>"],
  ["CONSUMER.>", "$JS.API.CONSUMER.>"],
  ["DIRECT.>", "$JS.API.DIRECT.>"],
  ["META.>", "$JS.API.META.>"],
  ["SERVER.>", "$JS.API.SERVER.>"],
  ["ACCOUNT.>", "$JS.API.ACCOUNT.>"],
  ["$KV.>", "$KV.>"],
  ["$OBJ.>", "$OBJ.>"],
];

/**
 * jetstream_api.go generateJSMappingTable: the account mappings `$JS.<domain>.API.<x>` ->
 * `$JS.API.<x>` (and `$KV.>`, `$OBJ.>`) a JetStream domain installs.
 */
export function jsDomainMappings(domain: string): { from: string; to: string }[] {
  return DOMAIN_SUFFIXES.map(([suffix, to]) => ({ from: `$JS.${domain}.API.${suffix}`, to }));
}

/**
 * Maps a domain-qualified API subject to the local one, or null when it is not one of the
 * domain's subjects.
 *
 * @example
 * ```ts
 * import { mapJsDomainSubject } from "./api_subjects.ts";
 * if (mapJsDomainSubject("$JS.hub.API.STREAM.INFO.S", "hub") !== "$JS.API.STREAM.INFO.S") {
 *   throw new Error();
 * }
 * ```
 */
export function mapJsDomainSubject(subject: string, domain: string): string | null {
  const prefix = `$JS.${domain}.API.`;
  if (!subject.startsWith(prefix)) return null;
  const rest = subject.slice(prefix.length);
  for (const [suffix, to] of DOMAIN_SUFFIXES) {
    if (!suffix.endsWith(".>")) {
      if (rest === suffix) return to;
      continue;
    }
    const head = suffix.slice(0, -1);
    if (rest.startsWith(head) && rest.length > head.length) {
      return to.slice(0, -1) + rest.slice(head.length);
    }
  }
  return null;
}
