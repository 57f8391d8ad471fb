/**
 * @module
 * Tests for the DER certificate reader against the committed test certificates.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { parseCertificate, pemToDer } from "./x509_der.ts";

const certs = new URL("../../tests/tls/certs/", import.meta.url);
const der = (name: string) => pemToDer(Deno.readTextFileSync(new URL(name, certs)))!;

Deno.test("parseCertificate reads the subject RDNs in certificate order", () => {
  const c = parseCertificate(der("client-cert.pem"));
  assert.deepEqual(c.subject.map((rdn) => rdn.map((a) => [a.oid, a.value])), [
    [["2.5.4.6", "US"]],
    [["2.5.4.8", "CA"]],
    [["2.5.4.7", "Los Angeles"]],
    [["2.5.4.10", "denats test"]],
    [["2.5.4.11", "clients"]],
    [["2.5.4.3", "alice"]],
  ]);
  assert.deepEqual([c.emails, c.dnsNames, c.uris], [[], [], []]);
});

Deno.test("parseCertificate reads SAN emails and DNS names", () => {
  const c = parseCertificate(der("client-email-cert.pem"));
  assert.deepEqual(c.emails, ["bob@example.com"]);
  assert.deepEqual(c.dnsNames, ["bob.example.com"]);
  const server = parseCertificate(der("server-cert.pem"));
  assert.deepEqual(server.dnsNames, ["localhost"]);
});

Deno.test("the SubjectPublicKeyInfo hash is the one openssl computes (pinned_certs key id)", () => {
  const c = parseCertificate(der("server-cert.pem"));
  assert.equal(
    createHash("sha256").update(c.spki).digest("hex"),
    "058b86223d857dfd461c0ae70963c60c6136fbe2e4d753703012f3471bddd93f",
  );
});

Deno.test("parseCertificate rejects truncated DER at every length", () => {
  const full = der("client-cert.pem");
  for (const n of [0, 1, 2, 10, 100, full.length - 1]) {
    assert.throws(() => parseCertificate(full.subarray(0, n)));
  }
});

Deno.test("pemToDer returns null without a certificate block", () => {
  assert.equal(pemToDer("-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----"), null);
});
