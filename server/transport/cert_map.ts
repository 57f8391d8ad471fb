/**
 * @module
 * `verify_and_map`: which configured user a client certificate stands for, tried in
 * nats-server 2.9.10's order (auth.go checkClientTLSCertSubject): SAN emails, SAN DNS names,
 * SAN URIs (literal user names), then the subject as a distinguished name compared with each
 * user name parsed as a DN (internal/ldap/dn.go: exact order, then any order), then Go's
 * RFC 2253 subject string with domain components appended, then that string alone.
 * PURE: no Deno, node or timers. Called by the authenticator.
 */
import type { NameAttribute, PeerCertificate } from "./x509_der.ts";

/** One attribute of a parsed DN (go-ldap `AttributeTypeAndValue`). */
interface DnAttribute {
  type: string;
  value: string;
}

/** A DN as a list of RDNs, most specific first (go-ldap `DN`). */
type Dn = DnAttribute[][];

/** Attribute names internal/ldap/dn.go knows; any other type makes the cert DN unusable. */
const LDAP_TYPE_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "SERIALNUMBER",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.17": "POSTALCODE",
  "0.9.2342.19200300.100.1.25": "DC",
};

/** Go `pkix.Name.ToRDNSequence` order and names (DC and others are dropped by Go). */
const PKIX_ORDER: readonly [string, string][] = [
  ["2.5.4.6", "C"],
  ["2.5.4.8", "ST"],
  ["2.5.4.7", "L"],
  ["2.5.4.9", "STREET"],
  ["2.5.4.17", "POSTALCODE"],
  ["2.5.4.10", "O"],
  ["2.5.4.11", "OU"],
];
const OID_CN = "2.5.4.3";
const OID_SERIAL = "2.5.4.5";
const OID_DC = "0.9.2342.19200300.100.1.25";

/** Go `RDNSequence.String` value escaping (RFC 2253). */
function escapeValue(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    let escape = false;
    if (',+"\\<>;'.includes(c)) escape = true;
    else if (c === " ") escape = i === 0 || i === value.length - 1;
    else if (c === "#") escape = i === 0;
    out += escape ? "\\" + c : c;
  }
  return out;
}

function attributes(cert: PeerCertificate): NameAttribute[] {
  return cert.subject.flat();
}

/**
 * The subject as Go's `cert.Subject.ToRDNSequence().String()` prints it, e.g.
 * `CN=alice,OU=clients,O=Acme,C=US`.
 *
 * @example
 * ```ts
 * import { goSubjectString } from "./cert_map.ts";
 * const cert = {
 *   subject: [[{ oid: "2.5.4.6", value: "US" }], [{ oid: "2.5.4.3", value: "a,b" }]],
 *   emails: [], dnsNames: [], uris: [], spki: new Uint8Array(),
 * };
 * if (goSubjectString(cert) !== "CN=a\\,b,C=US") throw new Error(goSubjectString(cert));
 * ```
 */
export function goSubjectString(cert: PeerCertificate): string {
  const all = attributes(cert).filter((a) => a.value !== null);
  const rdns: string[][] = [];
  for (const [oid, name] of PKIX_ORDER) {
    const values = all.filter((a) => a.oid === oid).map((a) => `${name}=${escapeValue(a.value!)}`);
    if (values.length > 0) rdns.push(values);
  }
  for (const [oid, name] of [[OID_CN, "CN"], [OID_SERIAL, "SERIALNUMBER"]]) {
    const last = all.filter((a) => a.oid === oid).pop();
    if (last) rdns.push([`${name}=${escapeValue(last.value!)}`]);
  }
  return rdns.reverse().map((rdn) => rdn.join("+")).join(",");
}

/** go-ldap `FromRawCertSubject`: null when an attribute type or value is not supported. */
function certDn(cert: PeerCertificate): Dn | null {
  const dn: Dn = [];
  for (let i = cert.subject.length - 1; i >= 0; i--) {
    const rdn = cert.subject[i];
    if (rdn.length === 0) continue;
    const attrs: DnAttribute[] = [];
    for (let j = rdn.length - 1; j >= 0; j--) {
      const type = LDAP_TYPE_NAMES[rdn[j].oid];
      const value = rdn[j].value;
      if (type === undefined || value === null) return null;
      attrs.push({ type, value });
    }
    dn.push(attrs);
  }
  return dn;
}

/** go-ldap `ParseDN` (the subset nats-server vendors): null on a malformed DN. */
export function parseDn(text: string): Dn | null {
  const dn: Dn = [];
  let rdn: DnAttribute[] = [];
  let type = "";
  let buffer = "";
  let trailingSpaces = 0;
  let escaping = false;
  const take = (): string => {
    const s = buffer.slice(0, buffer.length - trailingSpaces);
    buffer = "";
    trailingSpaces = 0;
    return s;
  };
  const bytes = new TextEncoder().encode(text);
  const raw: number[] = [];
  const flushRaw = () => {
    if (raw.length > 0) {
      buffer += new TextDecoder().decode(new Uint8Array(raw));
      raw.length = 0;
    }
  };
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    const ch = String.fromCharCode(c);
    if (escaping) {
      trailingSpaces = 0;
      escaping = false;
      if (' "#+,;<=>\\'.includes(ch)) {
        flushRaw();
        buffer += ch;
        continue;
      }
      if (i + 1 >= bytes.length) return null;
      const hex = String.fromCharCode(c, bytes[i + 1]);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      raw.push(parseInt(hex, 16));
      i++;
    } else if (ch === "\\") {
      trailingSpaces = 0;
      escaping = true;
    } else if (ch === "=") {
      flushRaw();
      type = take();
      if (i + 1 < bytes.length && bytes[i + 1] === 0x23) return null; // BER encoding
    } else if (ch === "," || ch === "+") {
      flushRaw();
      if (type.length === 0) return null;
      rdn.push({ type, value: take() });
      type = "";
      if (ch === ",") {
        dn.push(rdn);
        rdn = [];
      }
    } else if (ch === " " && buffer.length === 0 && raw.length === 0) {
      continue;
    } else {
      trailingSpaces = ch === " " ? trailingSpaces + 1 : 0;
      raw.push(c);
    }
  }
  flushRaw();
  if (buffer.length > 0) {
    if (type.length === 0) return null;
    rdn.push({ type, value: take() });
    dn.push(rdn);
  }
  return dn;
}

function attrEqual(a: DnAttribute, b: DnAttribute): boolean {
  return a.type.toLowerCase() === b.type.toLowerCase() && a.value === b.value;
}

function hasAll(rdn: DnAttribute[], attrs: DnAttribute[]): boolean {
  return attrs.every((a) => rdn.some((mine) => attrEqual(mine, a)));
}

function rdnEqual(a: DnAttribute[], b: DnAttribute[]): boolean {
  return a.length === b.length && hasAll(a, b) && hasAll(b, a);
}

function dnEqual(a: Dn, b: Dn): boolean {
  return a.length === b.length && a.every((rdn, i) => rdnEqual(rdn, b[i]));
}

/** go-ldap `RDNsMatch`: same RDNs in any order. */
function dnRdnsMatch(a: Dn, b: Dn): boolean {
  return a.length === b.length && a.every((rdn) => b.some((other) => rdnEqual(rdn, other)));
}

/** How a certificate was mapped to a user, for the debug log. */
export interface CertMatch<T> {
  user: T;
  /** nats-server's debug wording: `Using email found in cert for auth [%q]`, ... */
  how: string;
}

/**
 * Finds the user a client certificate maps to. `users` is keyed by user name. Returns null
 * when no user matches (nats-server: `Authorization Violation`).
 *
 * @example
 * ```ts
 * import { mapCertificateUser } from "./cert_map.ts";
 * const cert = {
 *   subject: [[{ oid: "2.5.4.10", value: "Acme" }], [{ oid: "2.5.4.3", value: "alice" }]],
 *   emails: [], dnsNames: [], uris: [], spki: new Uint8Array(),
 * };
 * const users = new Map([["CN=alice, O=Acme", { user: "CN=alice, O=Acme" }]]);
 * if (mapCertificateUser(cert, users)?.user.user !== "CN=alice, O=Acme") throw new Error();
 * ```
 */
export function mapCertificateUser<T>(
  cert: PeerCertificate | null,
  users: ReadonlyMap<string, T>,
): CertMatch<T> | null {
  if (!cert) return null;
  const literal = (name: string, how: string): CertMatch<T> | null => {
    const user = users.get(name);
    return user === undefined ? null : { user, how: `${how} [${JSON.stringify(name)}]` };
  };
  for (const email of cert.emails) {
    const m = literal(email, "Using email found in cert for auth");
    if (m) return m;
  }
  for (const dns of cert.dnsNames) {
    const m = literal(dns, "Using SAN found in cert for auth");
    if (m) return m;
  }
  for (const uri of cert.uris) {
    const m = literal(uri, "Using URI found in cert for auth");
    if (m) return m;
  }
  const rdn = goSubjectString(cert);
  const dn = certDn(cert);
  if (dn) {
    const parsed: [string, T, Dn][] = [];
    for (const [name, user] of users) {
      const input = parseDn(name);
      if (!input) continue;
      if (dnEqual(input, dn)) {
        return { user, how: `Using DistinguishedNameMatch for auth [${JSON.stringify(name)}]` };
      }
      parsed.push([name, user, input]);
    }
    for (const [name, user, input] of parsed) {
      if (dnRdnsMatch(input, dn)) {
        return { user, how: `Using DistinguishedNameMatch for auth [${JSON.stringify(name)}]` };
      }
    }
  }
  const dcs = attributes(cert)
    .filter((a) => a.oid === OID_DC && a.value !== null)
    .map((a) => `DC=${a.value}`);
  if (dcs.length > 0) {
    const m = literal(`${rdn},${dcs.join(",")}`, "Using RDNSequence for auth");
    if (m) return m;
  }
  return literal(rdn, "Using certificate subject for auth");
}

/** Result of {@link mapCertificateTo}. */
export type CertMapping<T> =
  | { user: T; how: string; reason?: undefined }
  | { user?: undefined; reason: string };

/**
 * {@link mapCertificateUser} for the authenticator: only users `allowed` (connection type)
 * are candidates, and a failure carries nats-server's debug text.
 *
 * @example
 * ```ts
 * import { mapCertificateTo } from "./cert_map.ts";
 * const none = mapCertificateTo(null, new Map(), () => true);
 * if (none.reason !== "User required in cert, no TLS connection state") throw new Error();
 * ```
 */
export function mapCertificateTo<T>(
  cert: PeerCertificate | null,
  users: ReadonlyMap<string, T>,
  allowed: (user: T) => boolean,
): CertMapping<T> {
  if (!cert) return { reason: "User required in cert, no TLS connection state" };
  const candidates = new Map([...users].filter(([, user]) => allowed(user)));
  const match = mapCertificateUser(cert, candidates);
  if (match) return match;
  return { reason: `User in cert [${JSON.stringify(goSubjectString(cert))}], not found` };
}
