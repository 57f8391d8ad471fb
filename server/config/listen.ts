/**
 * @module
 * nats-server `parseListen` (a port, or `"host:port"`) and Go `net.SplitHostPort`, shared by the
 * top-level `listen`/`http`/`https` options and every block's `listen`. Pure; main isolate.
 */
import type { NormalizeContext } from "./normalize_context.ts";
import { type ConfNode, goTypeName } from "./tree.ts";

/** Parses a value; returns undefined after reporting a problem. */
type ValueParser<T> = (node: ConfNode, ctx: NormalizeContext, key: string) => T | undefined;

/** Go `net.SplitHostPort`; undefined when the address is malformed. */
export function splitHostPort(address: string): [string, string] | undefined {
  const colon = address.lastIndexOf(":");
  if (colon < 0) return undefined;
  let host: string;
  let from = 0;
  let to = 0;
  if (address[0] === "[") {
    const end = address.indexOf("]");
    if (end < 0 || end + 1 !== colon) return undefined;
    host = address.slice(1, end);
    [from, to] = [1, end + 1];
  } else {
    host = address.slice(0, colon);
    if (host.includes(":")) return undefined;
  }
  if (address.slice(from).includes("[") || address.slice(to).includes("]")) return undefined;
  return [host, address.slice(colon + 1)];
}

/** `listen` / `http` / `https`: a port number or `"host:port"` (nats-server parseListen). */
export const listen: ValueParser<{ host: string; port: number }> = (node, ctx) => {
  if (node.kind === "integer") return { host: "", port: node.value };
  if (node.kind !== "string") {
    ctx.error(node, `expected port or host:port, got ${goTypeName(node)}`);
    return undefined;
  }
  const parts = splitHostPort(node.value);
  if (!parts) {
    ctx.error(node, `could not parse address string ${JSON.stringify(node.value)}`);
    return undefined;
  }
  if (!/^[+-]?[0-9]+$/.test(parts[1]) || Math.abs(Number(parts[1])) > 2 ** 63) {
    ctx.error(node, `could not parse port ${JSON.stringify(parts[1])}`);
    return undefined;
  }
  return { host: parts[0], port: Number(parts[1]) };
};
