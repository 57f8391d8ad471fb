/**
 * @module
 * The few X.509 facts client-certificate auth needs, read straight from a certificate's DER:
 * the subject's relative distinguished names in certificate order, the subject alternative
 * names (email, DNS, URI) and the raw SubjectPublicKeyInfo (for `pinned_certs`). Go's
 * `crypto/x509` gives nats-server the same facts (auth.go checkClientTLSCertSubject).
 * PURE: no Deno, node or timers. Runs in whichever isolate owns the TLS connection.
 */

/** One attribute of a distinguished name. */
export interface NameAttribute {
  /** Dotted object identifier, e.g. `2.5.4.3` for CN. */
  readonly oid: string;
  /** The value when it is one of the ASN.1 string types Go decodes to a string, else null. */
  readonly value: string | null;
}

/** What auth needs from a peer certificate. */
export interface PeerCertificate {
  /** Subject RDNs in certificate order (most general first); each RDN is a set of attributes. */
  readonly subject: readonly (readonly NameAttribute[])[];
  /** SAN rfc822Name entries (Go `EmailAddresses`). */
  readonly emails: readonly string[];
  /** SAN dNSName entries (Go `DNSNames`). */
  readonly dnsNames: readonly string[];
  /** SAN uniformResourceIdentifier entries (Go `URIs`). */
  readonly uris: readonly string[];
  /** DER of the SubjectPublicKeyInfo (its SHA-256 is the `pinned_certs` key id). */
  readonly spki: Uint8Array;
}

/** Error thrown for DER that is not a certificate this parser understands. */
export class CertificateParseError extends Error {
  override name = "CertificateParseError";
}

interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset after the last content byte. */
  end: number;
}

function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new CertificateParseError("truncated DER");
  const tag = der[offset];
  let length = der[offset + 1];
  let pos = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || pos + bytes > limit) {
      throw new CertificateParseError("unsupported DER length");
    }
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[pos + i];
    pos += bytes;
  }
  const end = pos + length;
  if (end > limit) throw new CertificateParseError("truncated DER");
  return { tag, start: offset, contentStart: pos, end };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.contentStart;
  while (pos < parent.end) {
    const child = readTlv(der, pos, parent.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

function decodeOid(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < bytes.length; i++) {
    value = value * 128 + (bytes[i] & 0x7f);
    if ((bytes[i] & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join(".");
}

const utf8 = new TextDecoder("utf-8");

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Decodes the ASN.1 string types Go's `encoding/asn1` turns into a Go string. */
function decodeString(tag: number, bytes: Uint8Array): string | null {
  switch (tag) {
    case 0x0c: // UTF8String
      return utf8.decode(bytes);
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // T61String
    case 0x1b: // GeneralString
      return latin1(bytes);
    case 0x1e: { // BMPString (UTF-16BE)
      let s = "";
      for (let i = 0; i + 1 < bytes.length; i += 2) {
        s += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
      }
      return s;
    }
    default:
      return null;
  }
}

function parseName(der: Uint8Array, name: Tlv): NameAttribute[][] {
  const rdns: NameAttribute[][] = [];
  for (const set of children(der, name)) {
    const rdn: NameAttribute[] = [];
    for (const atv of children(der, set)) {
      const [type, value] = children(der, atv);
      if (!type || !value || type.tag !== 0x06) throw new CertificateParseError("bad name");
      rdn.push({
        oid: decodeOid(der.subarray(type.contentStart, type.end)),
        value: decodeString(value.tag, der.subarray(value.contentStart, value.end)),
      });
    }
    rdns.push(rdn);
  }
  return rdns;
}

const OID_SUBJECT_ALT_NAME = "2.5.29.17";

function parseAltNames(
  der: Uint8Array,
  extensions: Tlv,
): { emails: string[]; dnsNames: string[]; uris: string[] } {
  const out = { emails: [] as string[], dnsNames: [] as string[], uris: [] as string[] };
  const [list] = children(der, extensions);
  if (!list) return out;
  for (const ext of children(der, list)) {
    const parts = children(der, ext);
    if (parts.length < 2 || parts[0].tag !== 0x06) continue;
    if (decodeOid(der.subarray(parts[0].contentStart, parts[0].end)) !== OID_SUBJECT_ALT_NAME) {
      continue;
    }
    const octets = parts[parts.length - 1];
    const names = readTlv(der, octets.contentStart, octets.end);
    for (const general of children(der, names)) {
      const text = latin1(der.subarray(general.contentStart, general.end));
      if (general.tag === 0x81) out.emails.push(text);
      else if (general.tag === 0x82) out.dnsNames.push(text);
      else if (general.tag === 0x86) out.uris.push(text);
    }
  }
  return out;
}

/**
 * Reads subject, SANs and SubjectPublicKeyInfo from a DER certificate.
 *
 * @example
 * ```ts
 * import { parseCertificate } from "./x509_der.ts";
 * try {
 *   parseCertificate(new Uint8Array([0x30, 0x00]));
 * } catch (err) {
 *   if (!(err instanceof Error)) throw err;
 * }
 * ```
 */
export function parseCertificate(der: Uint8Array): PeerCertificate {
  const cert = readTlv(der, 0, der.length);
  const [tbs] = children(der, cert);
  if (!tbs || tbs.tag !== 0x30) throw new CertificateParseError("not a certificate");
  const fields = children(der, tbs);
  let i = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version
  i += 3; // serialNumber, signature, issuer
  i += 1; // validity
  const subject = fields[i];
  const spki = fields[i + 1];
  if (!subject || !spki || subject.tag !== 0x30 || spki.tag !== 0x30) {
    throw new CertificateParseError("not a certificate");
  }
  const extensions = fields.slice(i + 2).find((f) => f.tag === 0xa3);
  const alt = extensions ? parseAltNames(der, extensions) : { emails: [], dnsNames: [], uris: [] };
  return {
    subject: parseName(der, subject),
    ...alt,
    spki: der.slice(spki.start, spki.end),
  };
}

/**
 * Decodes the first certificate of a PEM text to DER.
 *
 * @example
 * ```ts
 * import { pemToDer } from "./x509_der.ts";
 * const der = pemToDer("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n");
 * if (der?.length !== 2) throw new Error("expected 2 bytes");
 * ```
 */
export function pemToDer(pem: string): Uint8Array | null {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!match) return null;
  const bin = atob(match[1].replace(/\s+/g, ""));
  const out = new Uint8Array(bin.length);
  for (let j = 0; j < bin.length; j++) out[j] = bin.charCodeAt(j);
  return out;
}
