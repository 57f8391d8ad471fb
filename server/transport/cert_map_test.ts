/**
 * @module
 * Tests for verify_and_map: Go's RFC 2253 subject string, go-ldap DN parsing and matching, the mapping order.
 */
import assert from "node:assert/strict";
import { goSubjectString, mapCertificateTo, mapCertificateUser, parseDn } from "./cert_map.ts";
import type { NameAttribute, PeerCertificate } from "./x509_der.ts";

function cert(
  subject: [string, string][][],
  san: { emails?: string[]; dnsNames?: string[]; uris?: string[] } = {},
): PeerCertificate {
  return {
    subject: subject.map((rdn) => rdn.map(([oid, value]): NameAttribute => ({ oid, value }))),
    emails: san.emails ?? [],
    dnsNames: san.dnsNames ?? [],
    uris: san.uris ?? [],
    spki: new Uint8Array(),
  };
}

const C = "2.5.4.6",
  O = "2.5.4.10",
  OU = "2.5.4.11",
  CN = "2.5.4.3",
  DC = "0.9.2342.19200300.100.1.25";
const EMAIL_ATTR = "1.2.840.113549.1.9.1";

Deno.test("goSubjectString orders attributes as Go's pkix.Name and reverses them", () => {
  const c = cert([[[CN, "x"]], [[C, "US"]], [[OU, "b"]], [[O, "Acme"]], [[OU, "a"]]]);
  assert.equal(goSubjectString(c), "CN=x,OU=b+OU=a,O=Acme,C=US");
});

Deno.test("goSubjectString escapes RFC 2253 specials and drops unknown types", () => {
  const c = cert([[[CN, ' a,b+c"d\\e<f>g;h ']], [[DC, "example"]], [[C, "#US"]]]);
  assert.equal(goSubjectString(c), 'CN=\\ a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\ ,C=\\#US');
});

Deno.test("parseDn follows go-ldap: spaces, escapes, hex and multi-valued RDNs", () => {
  assert.deepEqual(parseDn("CN=alice, O = Acme\\, Inc ,C=US"), [
    [{ type: "CN", value: "alice" }],
    [{ type: "O", value: "Acme, Inc" }],
    [{ type: "C", value: "US" }],
  ]);
  assert.deepEqual(parseDn("OU=a+OU=b,CN=\\41x"), [
    [{ type: "OU", value: "a" }, { type: "OU", value: "b" }],
    [{ type: "CN", value: "Ax" }],
  ]);
  assert.equal(parseDn("CN=#0102"), null);
  assert.equal(parseDn("novalue"), null);
});

const users = (...names: string[]) => new Map(names.map((n) => [n, { name: n }]));

Deno.test("mapping tries SAN email, then DNS, then URI before the subject", () => {
  const c = cert([[[CN, "alice"]]], {
    emails: ["a@x"],
    dnsNames: ["a.x"],
    uris: ["spiffe://x/a"],
  });
  assert.equal(mapCertificateUser(c, users("CN=alice", "a.x", "a@x"))?.user.name, "a@x");
  assert.equal(mapCertificateUser(c, users("CN=alice", "a.x"))?.user.name, "a.x");
  assert.equal(mapCertificateUser(c, users("CN=alice", "spiffe://x/a"))?.user.name, "spiffe://x/a");
  assert.equal(mapCertificateUser(c, users("CN=alice"))?.user.name, "CN=alice");
});

Deno.test("a DN user matches the subject exactly, then in any order", () => {
  const c = cert([[[C, "US"]], [[O, "Acme"]], [[CN, "alice"]]]);
  const exact = mapCertificateUser(c, users("cn=alice, o=Acme, c=US"));
  assert.match(exact!.how, /DistinguishedNameMatch/);
  assert.equal(
    mapCertificateUser(c, users("C=US,CN=alice,O=Acme"))?.user.name,
    "C=US,CN=alice,O=Acme",
  );
  assert.equal(mapCertificateUser(c, users("CN=alice,O=Other,C=US")), null);
  assert.equal(
    mapCertificateUser(c, users("CN=Alice,O=Acme,C=US")),
    null,
    "values are case-sensitive",
  );
});

Deno.test("an attribute go-ldap does not know disables DN matching but not the RDN string", () => {
  const c = cert([[[CN, "alice"]], [[EMAIL_ATTR, "a@x"]]]);
  assert.equal(
    mapCertificateUser(c, users("CN=alice"))?.how.startsWith("Using certificate subject"),
    true,
  );
});

Deno.test("domain components are appended to the RDN string", () => {
  const c = cert([[[DC, "org"]], [[DC, "example"]], [[CN, "svc"]]]);
  assert.equal(
    mapCertificateUser(c, users("CN=svc,DC=org,DC=example"))?.user.name,
    "CN=svc,DC=org,DC=example",
  );
});

Deno.test("mapCertificateTo reports nats-server's debug reasons", () => {
  const c = cert([[[CN, "alice"]]]);
  assert.equal(
    mapCertificateTo(c, users("CN=alice"), () => false).reason,
    'User in cert ["CN=alice"], not found',
  );
  assert.equal(
    mapCertificateTo(null, users("CN=alice"), () => true).reason,
    "User required in cert, no TLS connection state",
  );
});
