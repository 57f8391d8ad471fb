/**
 * @module
 * WebSocket `Origin` checks (nats-server websocket.go checkOrigin, wsSetOriginOptions,
 * wsGetHostAndPort): `same_origin` compares the origin's host and port with the request's
 * `Host`; `allowed_origins` requires the origin's host in the list with the same scheme and
 * port. A request without `Origin` is always accepted. Go's `url.ParseRequestURI` and
 * `net.SplitHostPort` behaviour is reproduced for the error texts. PURE.
 */

/** An allowed origin's scheme and port, keyed by lower-case host. */
interface AllowedOrigin {
  scheme: string;
  port: string;
}

/** The compiled origin policy of a WebSocket listener. */
export interface OriginPolicy {
  readonly sameOrigin: boolean;
  readonly allowed: ReadonlyMap<string, AllowedOrigin>;
}

interface RequestUri {
  scheme: string;
  host: string;
}

/** Go `url.ParseRequestURI`, reduced to scheme and host; a string is Go's error. */
function parseRequestUri(text: string): RequestUri | string {
  const invalid = `parse ${JSON.stringify(text)}: invalid URI for request`;
  if (text.startsWith("/")) return { scheme: "", host: "" };
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(text);
  if (!m) return invalid;
  const scheme = m[1].toLowerCase();
  const rest = m[2];
  if (!rest.startsWith("//")) return { scheme, host: "" };
  let authority = rest.slice(2).split(/[/?#]/, 1)[0];
  const at = authority.lastIndexOf("@");
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith("[") && !authority.includes("]")) {
    return `parse ${JSON.stringify(text)}: missing ']' in host`;
  }
  return { scheme, host: authority };
}

/** Go `net.SplitHostPort`; a string is Go's error. */
function splitHostPort(hostport: string): [string, string] | string {
  const addrErr = (why: string) => `address ${hostport}: ${why}`;
  if (hostport.startsWith("[")) {
    const end = hostport.indexOf("]");
    if (end < 0) return addrErr("missing ']' in address");
    const after = hostport.slice(end + 1);
    if (after === "") return addrErr("missing port in address");
    if (!after.startsWith(":")) return addrErr("missing port in address");
    if (after.slice(1).includes(":")) return addrErr("too many colons in address");
    return [hostport.slice(1, end), after.slice(1)];
  }
  const i = hostport.lastIndexOf(":");
  if (i < 0) return addrErr("missing port in address");
  if (hostport.slice(0, i).includes(":")) return addrErr("too many colons in address");
  return [hostport.slice(0, i), hostport.slice(i + 1)];
}

/** nats-server wsGetHostAndPort: a missing port defaults from the scheme (443 or 80). */
function hostAndPort(tls: boolean, hostport: string): [string, string] | string {
  const split = splitHostPort(hostport);
  if (typeof split === "string") {
    if (split.endsWith("missing port in address")) {
      return [hostport.toLowerCase(), tls ? "443" : "80"];
    }
    return split;
  }
  return [split[0].toLowerCase(), split[1]];
}

/**
 * Compiles `same_origin` and `allowed_origins`. Unparseable origins are skipped and reported
 * (nats-server logs `error parsing allowed origin: ...`).
 *
 * @example
 * ```ts
 * import { checkOrigin, originPolicy } from "./ws_origin.ts";
 * const { policy } = originPolicy(false, ["https://app.example.com"]);
 * if (checkOrigin(policy, "https://app.example.com", "x:1", false) !== null) throw new Error();
 * if (checkOrigin(policy, "http://app.example.com", "x:1", false) === null) throw new Error();
 * ```
 */
export function originPolicy(
  sameOrigin: boolean,
  allowedOrigins: readonly string[],
): { policy: OriginPolicy; errors: string[] } {
  const allowed = new Map<string, AllowedOrigin>();
  const errors: string[] = [];
  for (const origin of allowedOrigins) {
    const u = parseRequestUri(origin);
    if (typeof u === "string") {
      errors.push(`error parsing allowed origin: ${u}`);
      continue;
    }
    const hp = hostAndPort(u.scheme === "https", u.host);
    const [host, port] = typeof hp === "string" ? [u.host.toLowerCase(), ""] : hp;
    allowed.set(host, { scheme: u.scheme, port });
  }
  return { policy: { sameOrigin, allowed }, errors };
}

/**
 * Checks a request's `Origin` (or `Sec-WebSocket-Origin`) against the policy. `host` is the
 * request's `Host` header and `tls` whether the request came over TLS. Returns null when
 * allowed, else the reason nats-server logs after `origin not allowed: `.
 */
export function checkOrigin(
  policy: OriginPolicy,
  origin: string | null,
  host: string | null,
  tls: boolean,
): string | null {
  if (!policy.sameOrigin && policy.allowed.size === 0) return null;
  if (!origin) return null;
  const u = parseRequestUri(origin);
  if (typeof u === "string") return u;
  const o = hostAndPort(u.scheme === "https", u.host);
  if (typeof o === "string") return o;
  if (policy.sameOrigin) {
    const r = hostAndPort(tls, host ?? "");
    if (typeof r === "string") return r;
    if (o[0] !== r[0] || o[1] !== r[1]) return "not same origin";
  }
  if (policy.allowed.size > 0) {
    const allowed = policy.allowed.get(o[0]);
    if (!allowed || u.scheme !== allowed.scheme || o[1] !== allowed.port) {
      return "not in the allowed list";
    }
  }
  return null;
}
