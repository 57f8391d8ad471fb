/**
 * @module
 * Go `crypto/tls` wording for TLS handshake failures reported by the Deno TLS stack (rustls
 * behind `node:tls`), so the `TLS handshake error: ...` log lines read as nats-server's.
 * PURE: no Deno, node or timers.
 */

/** rustls alert names (`received fatal alert: X`) to Go `alert.String()` texts. */
const ALERTS: Record<string, string> = {
  CloseNotify: "close notify",
  UnexpectedMessage: "unexpected message",
  BadRecordMac: "bad record MAC",
  RecordOverflow: "record overflow",
  HandshakeFailure: "handshake failure",
  BadCertificate: "bad certificate",
  UnsupportedCertificate: "unsupported certificate",
  CertificateRevoked: "revoked certificate",
  CertificateExpired: "expired certificate",
  CertificateUnknown: "unknown certificate",
  IllegalParameter: "illegal parameter",
  UnknownCA: "unknown certificate authority",
  AccessDenied: "access denied",
  DecodeError: "error decoding message",
  DecryptError: "error decrypting message",
  ProtocolVersion: "protocol version not supported",
  InsufficientSecurity: "insufficient security level",
  InternalError: "internal error",
  UserCanceled: "user canceled",
  NoRenegotiation: "no renegotiation",
  MissingExtension: "missing extension",
  UnsupportedExtension: "unsupported extension",
  UnrecognisedName: "unrecognized name",
  CertificateRequired: "certificate required",
  NoApplicationProtocol: "no application protocol",
};

/** OpenSSL-style verify codes meaning "the chain does not end at a trusted CA". */
const UNKNOWN_AUTHORITY = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);

/**
 * Go's text for a failed client-certificate verification, from a `verifyError()` code.
 *
 * @example
 * ```ts
 * import { goVerifyError } from "./tls_errors.ts";
 * const text = goVerifyError("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
 * if (!text.endsWith("x509: certificate signed by unknown authority")) throw new Error(text);
 * ```
 */
export function goVerifyError(code: string): string {
  const prefix = "tls: failed to verify client certificate: ";
  if (UNKNOWN_AUTHORITY.has(code)) return prefix + "x509: certificate signed by unknown authority";
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return prefix + "x509: certificate has expired or is not yet valid";
  }
  return prefix + code;
}

/**
 * Go's text for a handshake error raised by `node:tls` (an alert from the peer, a missing
 * client certificate, a reset).
 *
 * @example
 * ```ts
 * import { goAlertError } from "./tls_errors.ts";
 * const text = goAlertError(new Error("received fatal alert: UnknownCA"));
 * if (text !== "remote error: tls: unknown certificate authority") throw new Error(text);
 * ```
 */
export function goAlertError(
  err: Error,
  conn?: { localAddr: Deno.Addr; remoteAddr: Deno.Addr },
): string {
  const code = (err as { code?: string }).code;
  const msg = err.message ?? String(err);
  if (code === "ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE" || /no certificates/i.test(msg)) {
    return "tls: client didn't provide a certificate";
  }
  const alert = /received fatal alert: (\w+)/.exec(msg);
  if (alert) return `remote error: tls: ${ALERTS[alert[1]] ?? alert[1]}`;
  if ((code === "ECONNRESET" || /reset|hang up/i.test(msg)) && conn) {
    const a = (x: Deno.Addr) => {
      const n = x as Deno.NetAddr;
      return n.hostname.includes(":") ? `[${n.hostname}]:${n.port}` : `${n.hostname}:${n.port}`;
    };
    return `read tcp ${a(conn.localAddr)}->${a(conn.remoteAddr)}: read: connection reset by peer`;
  }
  return msg;
}
