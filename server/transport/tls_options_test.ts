/**
 * @module
 * Tests for the tls block checks (nats-server texts), the --tls flags, INFO fields, warnings and Go TLS error wording.
 */
import assert from "node:assert/strict";
import {
  parseTlsSection,
  tlsInfoFields,
  tlsSectionFromFlags,
  type TlsSettings,
  unsupportedTlsWarnings,
} from "./tls_options.ts";
import { goAlertError, goVerifyError } from "./tls_errors.ts";

function error(raw: Record<string, unknown>): string | undefined {
  return parseTlsSection(raw).error;
}

function settings(raw: Record<string, unknown>): TlsSettings {
  const p = parseTlsSection(raw);
  if (p.error !== undefined) throw new Error(p.error);
  return p.settings;
}

Deno.test("parseTlsSection reports nats-server's texts", () => {
  assert.equal(error({ cert_file: "c" }), "missing 'key_file' in TLS configuration");
  assert.equal(error({ key_file: "k" }), "missing 'cert_file' in TLS configuration");
  assert.equal(
    error({ cert_file: 1 }),
    "error parsing tls config, expected 'cert_file' to be filename",
  );
  assert.equal(
    error({ verify: "yes" }),
    "error parsing tls config, expected 'verify' to be a boolean",
  );
  assert.equal(error({ cipher_suites: ["FOO"] }), "unrecognized cipher FOO");
  assert.equal(
    error({ cipher_suites: [] }),
    "error parsing tls config, 'cipher_suites' cannot be empty",
  );
  assert.equal(error({ curve_preferences: ["FOO"] }), "unrecognized curve preference FOO");
  assert.equal(
    error({ pinned_certs: ["abc"] }),
    "error parsing tls config, 'pinned_certs' key abc does not look like hex-encoded sha256 of DER encoded SubjectPublicKeyInfo",
  );
  assert.equal(error({ timeout: true }), "error parsing tls config, 'timeout' wrong type");
  assert.equal(
    error({ timeout: "2x" }),
    "error parsing tls config, 'timeout' time: invalid duration \"2x\"",
  );
  assert.equal(error({ bogus: 1 }), 'error parsing tls config, unknown field ["bogus"]');
  assert.equal(
    error({ verify_cert_and_check_known_urls: true }),
    "verify_cert_and_check_known_urls not supported in this context",
  );
});

Deno.test("parseTlsSection normalizes verify_and_map, timeouts and pins", () => {
  const s = settings({
    verify_and_map: true,
    timeout: "1m30s",
    pinned_certs: ["A".repeat(64)],
  });
  assert.equal(s.verify, true);
  assert.equal(s.map, true);
  assert.equal(s.timeoutSeconds, 90);
  assert.deepEqual([...s.pinnedCerts!], ["a".repeat(64)]);
  assert.equal(settings({}).timeoutSeconds, 2, "TLS_TIMEOUT default");
});

Deno.test("the --tls flags build a tls section like nats-server overrideTLS", () => {
  assert.deepEqual(tlsSectionFromFlags({}), {});
  assert.deepEqual(tlsSectionFromFlags({ tls: false, tlscert: "c" }), { tls: null });
  assert.equal(
    tlsSectionFromFlags({ tls: true }).error,
    "TLS Server certificate must be present and valid",
  );
  assert.equal(
    tlsSectionFromFlags({ tlscert: "c" }).error,
    "TLS Server private key must be present and valid",
  );
  assert.deepEqual(
    tlsSectionFromFlags({ tlsverify: true, tlscert: "c", tlskey: "k", tlscacert: "ca" }).tls,
    { cert_file: "c", key_file: "k", ca_file: "ca", verify: true },
  );
});

Deno.test("INFO fields: tls_required or tls_available, and tls_verify", () => {
  const verify = settings({ verify: true });
  assert.deepEqual(tlsInfoFields(verify, false), { tls_required: true, tls_verify: true });
  assert.deepEqual(tlsInfoFields(verify, true), { tls_verify: true, tls_available: true });
  assert.deepEqual(tlsInfoFields(null, true), {});
});

Deno.test("cipher_suites and curve_preferences produce startup warnings", () => {
  const s = settings({
    cipher_suites: ["TLS_AES_128_GCM_SHA256"],
    curve_preferences: ["X25519"],
  });
  const w = unsupportedTlsWarnings(s, "tls");
  assert.equal(w.length, 2);
  assert.match(w[0], /^tls: 'cipher_suites' cannot be applied/);
  assert.deepEqual(unsupportedTlsWarnings(settings({}), "tls"), []);
});

Deno.test("TLS errors are worded as Go's crypto/tls", () => {
  assert.equal(
    goVerifyError("CERT_HAS_EXPIRED"),
    "tls: failed to verify client certificate: x509: certificate has expired or is not yet valid",
  );
  assert.equal(
    goAlertError(new Error("peer sent no certificates")),
    "tls: client didn't provide a certificate",
  );
  assert.equal(
    goAlertError(new Error("received fatal alert: BadCertificate")),
    "remote error: tls: bad certificate",
  );
  assert.equal(goAlertError(new Error("something else")), "something else");
});
