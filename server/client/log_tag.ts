/**
 * @module
 * The per-client tag nats-server puts at the start of every client log line (client.go
 * `initClient`, then `processConnect`): `ip:port - cid:N` (IPv6 hosts in brackets, a transport
 * may supply its own base such as WebSocket's `wid:N`), and once CONNECT carried a version, lang
 * or name, ` - "v<version>:<lang>:<name>"` quoted as Go's `%q`. Pure; any isolate.
 */
import { joinHostPort } from "../links/route/cluster_options.ts";

/** What of CONNECT goes into the tag. */
export interface ClientTagOptions {
  readonly version: string;
  readonly lang: string;
  readonly name: string;
}

/** `ip:port`, an IPv6 host in brackets (Go's RemoteAddr().String()). */
export function hostPortText(host: string, port: number): string {
  return joinHostPort(host, port);
}

const SHORT_ESCAPES: Record<number, string> = {
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  11: "\\v",
  12: "\\f",
  13: "\\r",
  34: '\\"',
  92: "\\\\",
};

/**
 * A string quoted as Go's `%q` (strconv.Quote): `"` and `\` escaped, control characters as
 * `\n`, `\x1b`, ...; printable Unicode kept.
 *
 * @example
 * ```ts
 * import { goQuote } from "./log_tag.ts";
 * console.log(goQuote('a "b"\n')); // "a \"b\"\n"
 * ```
 */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const short = SHORT_ESCAPES[code];
    if (short !== undefined) out += short;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if ((code >= 0x80 && code < 0xa0) || code === 0xad || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return out + '"';
}

/**
 * The CONNECT part of the tag: `v<version>`, `<lang>` and `<name>` joined by `:` (each only when
 * set), or "" when CONNECT carried none of them.
 */
export function connectTag(o: ClientTagOptions): string {
  const parts: string[] = [];
  if (o.version !== "") parts.push(`v${o.version}`);
  if (o.lang !== "") parts.push(o.lang);
  if (o.name !== "") parts.push(o.name);
  return parts.join(":");
}

/**
 * The full log prefix of a client connection.
 *
 * @example
 * ```ts
 * import { clientLogPrefix } from "./log_tag.ts";
 * const o = { version: "2.29.3", lang: "nats.js", name: "" };
 * console.log(clientLogPrefix(undefined, "127.0.0.1", 54321, 6, o));
 * // 127.0.0.1:54321 - cid:6 - "v2.29.3:nats.js"
 * ```
 */
export function clientLogPrefix(
  base: string | undefined,
  host: string,
  port: number,
  cid: number,
  o: ClientTagOptions,
): string {
  const head = base ?? `${hostPortText(host, port)} - cid:${cid}`;
  const tag = connectTag(o);
  return tag === "" ? head : `${head} - ${goQuote(tag)}`;
}
