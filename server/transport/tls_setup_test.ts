/**
 * @module
 * Tests for loading TLS material with nats-server's error texts and the connection rate limit.
 */
import assert from "node:assert/strict";
import { silentLogger } from "../log/logger.ts";
import { parseTlsSection } from "./tls_options.ts";
import { TlsSetup } from "./tls_setup.ts";

const dir = new URL("../../tests/tls/certs/", import.meta.url).pathname;

function load(raw: Record<string, unknown>): TlsSetup {
  const p = parseTlsSection(raw);
  if (p.error !== undefined) throw new Error(p.error);
  return new TlsSetup(p.settings, false, silentLogger());
}

Deno.test("TlsSetup loads a matching certificate and key", () => {
  const s = load({
    cert_file: dir + "server-cert.pem",
    key_file: dir + "server-key.pem",
    ca_file: dir + "ca.pem",
  });
  assert.ok(s.secureContext);
  assert.equal(s.timeoutMs, 2000);
});

Deno.test("TlsSetup reports file problems with nats-server's texts", () => {
  const pair = (cert: string, key: string) => () => load({ cert_file: cert, key_file: key });
  assert.throws(pair("/nope.pem", dir + "server-key.pem"), {
    message: "open /nope.pem: no such file or directory",
  });
  assert.throws(pair(dir + "server-key.pem", dir + "server-key.pem"), {
    message:
      "error parsing X509 certificate/key pair: tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched",
  });
  assert.throws(pair(dir + "server-cert.pem", dir + "client-key.pem"), {
    message: "error parsing X509 certificate/key pair: tls: private key does not match public key",
  });
  assert.throws(
    () =>
      load({
        cert_file: dir + "server-cert.pem",
        key_file: dir + "server-key.pem",
        ca_file: dir + "server-key.pem",
      }),
    { message: "failed to parse root ca certificate" },
  );
});

Deno.test("connection_rate_limit allows `limit` connections per second", () => {
  const s = load({ connection_rate_limit: 2 });
  assert.deepEqual([s.allowConnection(1000), s.allowConnection(1001), s.allowConnection(1002)], [
    true,
    true,
    false,
  ]);
  assert.equal(s.allowConnection(2500), true, "a new window");
  s.close();
});
