/**
 * @module
 * Link TLS through the link manager with the fake line-protocol kind over loopback: TLS-first
 * both ways with mutual certificates (tests/tls/certs route-*.pem), a plaintext peer refused
 * with Go's text, a dialed handshake failure handed to the kind, INFO-then-TLS on the accept
 * side, and shutdown during a handshake.
 */
import assert from "node:assert/strict";
import { silentLogger } from "../log/logger.ts";
import { parseTlsSection } from "../transport/tls_options.ts";
import { prepareTransports } from "../transport/tls_loader.ts";
import { TlsSetup } from "../transport/tls_setup.ts";
import { LinkManager } from "./link_manager.ts";
import type { LinkUrl } from "../links/core/link_spec.ts";
import { type FakeLink, fakeSpec, loopback, waitFor } from "./_fake_link.ts";

type Manager = LinkManager<LinkUrl, string, FakeLink>;

const CERTS = new URL("../../tests/tls/certs/", import.meta.url).pathname;

await prepareTransports({ tls: {} });

function routeTls(): TlsSetup {
  const p = parseTlsSection({
    cert_file: `${CERTS}route-cert.pem`,
    key_file: `${CERTS}route-key.pem`,
    ca_file: `${CERTS}route-ca.pem`,
    timeout: 2,
  });
  if (p.error !== undefined) throw new Error(p.error);
  return new TlsSetup(p.settings, false, silentLogger());
}

function request(target: LinkUrl) {
  return { targets: target, context: "test", delayMs: 0, tryForEver: false, firstConnect: true };
}

async function closeAll(...managers: Manager[]): Promise<void> {
  await Promise.all(managers.map((m) => m.close()));
  for (const m of managers) assert.equal(m.pendingTasks, 0, "every task ended");
}

Deno.test("link TLS-first: dialer and acceptor handshake with mutual certificates, then talk", async () => {
  const tls = routeTls();
  const a = fakeSpec({ tlsMode: "tlsFirst", tls });
  const b = fakeSpec({ tlsMode: "tlsFirst", tls });
  const server: Manager = new LinkManager(a.spec);
  const dialer: Manager = new LinkManager(b.spec);
  try {
    const port = server.listen();
    server.run();
    dialer.run();
    // Verified against the certificate's DNS:localhost.
    dialer.dial(request(loopback(port, "localhost")));
    const [accepted, dialed] = await waitFor(() => {
      const pair = [a.record.links[0], b.record.links[0]];
      return pair[0]?.lines.length > 0 && pair[1]?.lines.length > 0 ? pair : null;
    });
    assert.deepEqual(accepted.lines, ["HELLO 1"]);
    assert.deepEqual(dialed.lines, ["HELLO 1"]);
    const serverLog = a.record.log.join("\n");
    assert.match(
      serverLog,
      /\[DBG\] 127\.0\.0\.1:\d+ - fid:1 - Starting TLS fake server handshake/,
    );
    assert.match(serverLog, /- fid:1 - TLS handshake complete/);
    assert.ok(
      b.record.log.includes(`[DBG] 127.0.0.1:${port} - fid:1 - Starting TLS fake client handshake`),
    );
  } finally {
    await closeAll(server, dialer);
    tls.close();
  }
});

Deno.test("link TLS-first: a plaintext peer is refused with Go's text and the kind's close line", async () => {
  const tls = routeTls();
  const a = fakeSpec({ tlsMode: "tlsFirst", tls });
  const b = fakeSpec();
  const server: Manager = new LinkManager(a.spec);
  const dialer: Manager = new LinkManager(b.spec);
  try {
    const port = server.listen();
    server.run();
    dialer.run();
    dialer.dial(request(loopback(port)));
    const dialed = await waitFor(() => b.record.links[0]?.closed ? b.record.links[0] : null);
    assert.equal(dialed.closeReason, "Client Closed");
    await waitFor(() => a.record.log.some((l) => l.includes("connection closed")));
    const lines = a.record.log.filter((l) => l.includes(" - fid:1 - "));
    const prefix = lines[0].match(/^\[DBG\] (127\.0\.0\.1:\d+ - fid:1) - /)![1];
    assert.deepEqual(lines, [
      `[DBG] ${prefix} - Starting TLS fake server handshake`,
      `[ERR] ${prefix} - TLS fake handshake error: tls: first record does not look like a TLS handshake`,
      `[INF] ${prefix} - Fake connection closed: TLS Handshake Failure`,
    ]);
    assert.equal(a.record.links.length, 0);
  } finally {
    await closeAll(server, dialer);
    tls.close();
  }
});

Deno.test("link TLS-first: a dialed handshake that fails is handed to the kind", async () => {
  const tls = routeTls();
  const a = fakeSpec();
  const b = fakeSpec({ tlsMode: "tlsFirst", tls });
  const server: Manager = new LinkManager(a.spec);
  const dialer: Manager = new LinkManager(b.spec);
  try {
    const port = server.listen();
    server.run();
    dialer.run();
    dialer.dial(request(loopback(port)));
    await waitFor(() => b.record.handshakeFailures.length === 1);
    assert.deepEqual(b.record.handshakeFailures, [`fake://127.0.0.1:${port}`]);
    assert.equal(b.record.links.length, 0);
    assert.ok(b.record.log.some((l) => /^\[ERR\] .* - fid:1 - TLS fake handshake error: /.test(l)));
    assert.ok(
      b.record.log.includes(
        `[INF] 127.0.0.1:${port} - fid:1 - Fake connection closed: TLS Handshake Failure`,
      ),
    );
  } finally {
    await closeAll(server, dialer);
    tls.close();
  }
});

Deno.test("link INFO-then-TLS: an accepted link gets the plaintext INFO, then the handshake", async () => {
  const tls = routeTls();
  const a = fakeSpec({
    tlsMode: "infoThenTls",
    tls,
    acceptPreface: (cid) => new TextEncoder().encode(`INFO {"cid":${cid}}\r\n`),
  });
  const server: Manager = new LinkManager(a.spec);
  let conn: Deno.Conn | null = null;
  try {
    const port = server.listen();
    server.run();
    const raw = await Deno.connect({ hostname: "127.0.0.1", port });
    conn = raw;
    const buf = new Uint8Array(64);
    const n = await raw.read(buf);
    assert.equal(new TextDecoder().decode(buf.subarray(0, n!)), 'INFO {"cid":1}\r\n');
    const caCerts = [Deno.readTextFileSync(`${CERTS}route-ca.pem`)];
    const secured = await Deno.startTls(raw, { hostname: "localhost", caCerts });
    conn = secured;
    const m = await secured.read(buf);
    assert.equal(new TextDecoder().decode(buf.subarray(0, m!)), "HELLO 1\n");
    await secured.write(new TextEncoder().encode("HI\n"));
    const link = await waitFor(() => a.record.links[0]?.lines.length ? a.record.links[0] : null);
    assert.deepEqual(link.lines, ["HI"]);
  } finally {
    conn?.close();
    await closeAll(server);
    tls.close();
  }
});

Deno.test("link TLS: shutdown closes a connection waiting in its handshake", async () => {
  const tls = routeTls();
  const a = fakeSpec({ tlsMode: "tlsFirst", tls });
  const server: Manager = new LinkManager(a.spec);
  const port = server.listen();
  server.run();
  const silent = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await waitFor(() => a.record.log.some((l) => l.includes("Starting TLS fake server")));
    assert.equal(server.pendingTasks, 2, "accept loop and handshake");
    await closeAll(server);
    assert.equal(a.record.links.length, 0);
  } finally {
    silent.close();
    tls.close();
  }
});
