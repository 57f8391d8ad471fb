/**
 * @module
 * The hashes and reply prefixes of gateway reply routing (nats-server 2.9.10 gateway.go
 * `getGWHash`, `getOldHash`, `newGateway`, `isGWRoutedSubjectAndIsOldPrefix`; events.go
 * `getHashSize`): a reply sent across gateways becomes `_GR_.<cluster hash>.<server hash>.<reply>`
 * (older servers: `$GR.<old cluster hash>.<reply>`), so the response finds the origin server.
 * The hashes are computed exactly as nats-server does, so Go servers interoperate.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { hashSize, sha256Hex } from "../../protocol/sha256.ts";

/** Length of the cluster and server hashes (gateway.go gwHashLen). */
export const GW_HASH_LEN = 6;
/** `_GR_.` (gateway.go gwReplyPrefix). */
export const GW_REPLY_PREFIX = "_GR_.";
/** `$GR.` (gateway.go oldGWReplyPrefix). */
export const OLD_GW_REPLY_PREFIX = "$GR.";
/** Offset of the cluster hash in a routed reply. */
export const GW_CLUSTER_OFFSET = GW_REPLY_PREFIX.length;
/** Offset of the server hash in a routed reply. */
export const GW_SERVER_OFFSET = GW_CLUSTER_OFFSET + GW_HASH_LEN + 1;
/** Offset of the original reply subject in a routed reply (19). */
export const GW_SUBJECT_OFFSET = GW_SERVER_OFFSET + GW_HASH_LEN + 1;
/** Offset of the original reply in an old-style routed reply: `$GR.` + 4 hash chars + `.`. */
export const OLD_GW_SUBJECT_OFFSET = OLD_GW_REPLY_PREFIX.length + 5;

const cache = new Map<string, string>();

/**
 * The 6-character hash of a gateway or server name (events.go getHashSize: each of the first
 * bytes of the SHA-256 digest picks a base-62 digit).
 *
 * @example
 * ```ts
 * import { gatewayHash } from "./gateway_hash.ts";
 * if (gatewayHash("A").length !== 6) throw new Error();
 * ```
 */
export function gatewayHash(name: string): string {
  let h = cache.get(name);
  if (h !== undefined) return h;
  h = hashSize(name, GW_HASH_LEN);
  if (cache.size > 1024) cache.clear();
  cache.set(name, h);
  return h;
}

/** The 4-character hash of the old `$GR.` prefix: hex SHA-256, first 4 chars (getOldHash). */
export function oldGatewayHash(name: string): string {
  return sha256Hex(name).slice(0, 4);
}

/** `_GR_.<cluster hash>.<server hash>.` of this server. */
export function gatewayReplyPrefix(gatewayName: string, serverId: string): string {
  return `${GW_REPLY_PREFIX}${gatewayHash(gatewayName)}.${gatewayHash(serverId)}.`;
}

/** `$GR.<old cluster hash>.` of this cluster. */
export function oldGatewayReplyPrefix(gatewayName: string): string {
  return `${OLD_GW_REPLY_PREFIX}${oldGatewayHash(gatewayName)}.`;
}

/** What a subject is with respect to gateway reply routing. */
export const RoutedReply = { None: 0, New: 1, Old: 2 } as const;
export type RoutedReply = typeof RoutedReply[keyof typeof RoutedReply];

function startsWith(buf: Uint8Array, start: number, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) {
    if (buf[start + i] !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Whether `buf[start, end)` is a gateway-routed subject (gateway.go
 * isGWRoutedSubjectAndIsOldPrefix): long enough to hold the hashes and a subject.
 *
 * @example
 * ```ts
 * import { routedReplyKind, RoutedReply } from "./gateway_hash.ts";
 * const b = new TextEncoder().encode("_GR_.abcdef.ghijkl.foo");
 * if (routedReplyKind(b, 0, b.length) !== RoutedReply.New) throw new Error();
 * ```
 */
export function routedReplyKind(buf: Uint8Array, start: number, end: number): RoutedReply {
  const n = end - start;
  if (n > GW_SUBJECT_OFFSET && startsWith(buf, start, GW_REPLY_PREFIX)) return RoutedReply.New;
  if (n > OLD_GW_SUBJECT_OFFSET && startsWith(buf, start, OLD_GW_REPLY_PREFIX)) {
    return RoutedReply.Old;
  }
  return RoutedReply.None;
}

/** Same as {@link routedReplyKind} for a string. */
export function routedReplyKindOf(subject: string): RoutedReply {
  const b = new TextEncoder().encode(subject);
  return routedReplyKind(b, 0, b.length);
}
