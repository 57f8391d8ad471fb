/**
 * @module
 * TLS on the client port, as cases that run against denats (`tls_test.ts`) and against the
 * reference nats-server (`tls_compat_test.ts`): a real client (`@nats-io/transport-node`),
 * raw sockets for plaintext-vs-TLS mismatches, client certificates (verify, verify_and_map,
 * pinned_certs), the handshake timeout and the log lines nats-server writes.
 * Runs in the test isolate.
 */
import net from "node:net";
import tls from "node:tls";
import type { Buffer } from "node:buffer";
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { waitFor } from "../helpers/poll.ts";
import { cert, type RunningServer, type ServerConfig, serverTls } from "./servers.ts";

/** One TLS case. */
export interface TlsCase {
  name: string;
  config: ServerConfig;
  /** Not applicable to nats-server 2.9.10 (e.g. `handshake_first`). */
  denatsOnly?: boolean;
  run(server: RunningServer): Promise<void>;
}

/** Client certificate choices. */
export type ClientCert = "alice" | "bob" | "untrusted" | null;

const CLIENT_FILES: Record<Exclude<ClientCert, null>, [string, string]> = {
  alice: ["client-cert.pem", "client-key.pem"],
  bob: ["client-email-cert.pem", "client-email-key.pem"],
  untrusted: ["untrusted-cert.pem", "untrusted-key.pem"],
};

/** SHA-256 of alice's SubjectPublicKeyInfo (openssl pkey -pubout -outform der | sha256). */
export const ALICE_SPKI_SHA256 = await spkiSha256("client-cert.pem");

async function spkiSha256(file: string): Promise<string> {
  const { X509Certificate, createHash } = await import("node:crypto");
  const x = new X509Certificate(await Deno.readTextFile(cert(file)));
  const der = x.publicKey.export({ type: "spki", format: "der" }) as Uint8Array;
  return createHash("sha256").update(der).digest("hex");
}

/** Connects a real client with TLS. */
export function tlsClient(
  port: number,
  who: ClientCert,
  extra: { handshakeFirst?: boolean; user?: string; pass?: string } = {},
): Promise<NatsConnection> {
  const files = who ? CLIENT_FILES[who] : null;
  return connect({
    servers: `127.0.0.1:${port}`,
    reconnect: false,
    timeout: 3000,
    user: extra.user,
    pass: extra.pass,
    tls: {
      caFile: cert("ca.pem"),
      ...(files ? { certFile: cert(files[0]), keyFile: cert(files[1]) } : {}),
      ...(extra.handshakeFirst ? { handshakeFirst: true } : {}),
    },
  });
}

/** Publishes and receives one message on `nc`. */
export async function roundTrip(nc: NatsConnection, subject = "tls.echo"): Promise<void> {
  const sub = nc.subscribe(subject, { max: 1 });
  nc.publish(subject, "hello");
  for await (const m of sub) assert.equal(m.string(), "hello");
  await nc.flush();
}

/** What a raw socket saw: the bytes received and whether the server closed it. */
export interface RawOutcome {
  text: string;
  closed: boolean;
}

/** Opens a TCP socket, optionally sends `send`, collects what arrives for up to `ms`. */
export function rawExchange(port: number, send: string | null, ms: number): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    let text = "";
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text, closed: false });
    }, ms);
    s.on("data", (d: Buffer) => (text += d.toString("latin1")));
    s.on("error", () => {});
    s.on("close", () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    if (send !== null) s.write(send);
  });
}

/**
 * Reads INFO in plaintext, then upgrades with `node:tls`, sends `send` and collects the
 * decrypted reply until close or `ms`.
 */
export function rawTls(port: number, who: ClientCert, send: string, ms = 2000): Promise<
  RawOutcome & { info: string; error?: string }
> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("data", (infoChunk: Buffer) => {
      const info = infoChunk.toString("latin1");
      const files = who ? CLIENT_FILES[who] : null;
      const c = tls.connect({
        socket: s,
        ca: Deno.readTextFileSync(cert("ca.pem")),
        servername: "localhost",
        ...(files
          ? {
            cert: Deno.readTextFileSync(cert(files[0])),
            key: Deno.readTextFileSync(cert(files[1])),
          }
          : {}),
      });
      let text = "";
      let error: string | undefined;
      const timer = setTimeout(() => {
        c.destroy();
        resolve({ info, text, closed: false, error });
      }, ms);
      c.on("secureConnect", () => c.write(send));
      c.on("data", (d: Buffer) => (text += d.toString("latin1")));
      c.on("error", (e: Error) => (error ??= e.message));
      c.on("close", () => {
        clearTimeout(timer);
        resolve({ info, text, closed: true, error });
      });
    });
    s.on("error", () => {});
  });
}

/** Waits until a log line matches. */
export function expectLog(server: RunningServer, pattern: RegExp): Promise<string> {
  return waitFor(
    () => server.logs().find((l) => pattern.test(l)),
    3000,
    `log line ${pattern}`,
  );
}

const ALICE_DN = "CN=alice,OU=clients,O=denats test,L=Los Angeles,ST=CA,C=US";
const CONNECT_PING = 'CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n';

/** Every TLS case. */
export const TLS_CASES: TlsCase[] = [
  {
    name: "INFO is sent in plaintext with tls_required, then a real client works over TLS",
    config: { tls: serverTls() },
    async run(s) {
      const raw = await rawExchange(s.port, null, 300);
      assert.match(raw.text, /^INFO \{.*"headers":true,"tls_required":true,"max_payload":/);
      const nc = await tlsClient(s.port, null);
      await roundTrip(nc);
      await nc.close();
      await expectLog(s, /- TLS handshake complete$/);
      await expectLog(s, /- TLS version 1\.[23], cipher suite TLS_/);
    },
  },
  {
    name: "verify: INFO has tls_verify and a client with a CA-signed certificate connects",
    config: { tls: serverTls({ verify: true }) },
    async run(s) {
      const raw = await rawExchange(s.port, null, 300);
      assert.match(raw.text, /"tls_required":true,"tls_verify":true,"max_payload"/);
      const nc = await tlsClient(s.port, "alice");
      await roundTrip(nc);
      await nc.close();
    },
  },
  {
    name: "verify: a client without a certificate is refused and the server stays up",
    config: { tls: serverTls({ verify: true }) },
    async run(s) {
      const out = await rawTls(s.port, null, CONNECT_PING);
      assert.ok(out.closed && !out.text.includes("PONG"), JSON.stringify(out));
      await expectLog(s, /TLS handshake error: tls: client didn't provide a certificate$/);
      await expectLog(s, /Client connection closed: TLS Handshake Failure$/);
      const nc = await tlsClient(s.port, "alice");
      await roundTrip(nc);
      await nc.close();
    },
  },
  {
    name: "verify: a certificate signed by an unknown CA is refused",
    config: { tls: serverTls({ verify: true }) },
    async run(s) {
      const out = await rawTls(s.port, "untrusted", CONNECT_PING);
      assert.ok(out.closed && !out.text.includes("PONG"), JSON.stringify(out));
      await expectLog(
        s,
        /TLS handshake error: tls: failed to verify client certificate: x509: certificate signed by unknown authority$/,
      );
    },
  },
  {
    name: "a plaintext client gets INFO, then is closed; TLS clients are unaffected",
    config: { tls: serverTls() },
    async run(s) {
      const out = await rawExchange(s.port, CONNECT_PING, 2000);
      assert.ok(out.closed, "expected the server to close the plaintext client");
      assert.match(out.text, /^INFO \{[^\r\n]*\} \r\n$/);
      await expectLog(
        s,
        /TLS handshake error: tls: first record does not look like a TLS handshake$/,
      );
      const nc = await tlsClient(s.port, null);
      await roundTrip(nc);
      await nc.close();
    },
  },
  {
    name: "a TLS client against a plaintext server fails and the server stays healthy",
    config: {},
    async run(s) {
      await assert.rejects(() => tlsClient(s.port, null));
      const nc = await connect({ servers: `127.0.0.1:${s.port}`, reconnect: false });
      await roundTrip(nc);
      await nc.close();
    },
  },
  {
    name: "allow_non_tls: INFO has tls_available and both plaintext and TLS clients work",
    config: { tls: serverTls(), allow_non_tls: true },
    async run(s) {
      const raw = await rawExchange(s.port, CONNECT_PING, 500);
      assert.match(raw.text, /"headers":true,"tls_available":true,"max_payload"/);
      assert.match(raw.text, /PONG\r\n/);
      const nc = await tlsClient(s.port, null);
      await roundTrip(nc);
      await nc.close();
    },
  },
  {
    name: "a client that never starts the handshake is closed at tls.timeout",
    config: { tls: serverTls({ timeout: 0.5 }) },
    async run(s) {
      const started = Date.now();
      const out = await rawExchange(s.port, null, 3000);
      const elapsed = Date.now() - started;
      assert.ok(out.closed, "expected a close");
      assert.ok(elapsed >= 400 && elapsed < 2000, `closed after ${elapsed}ms`);
      await expectLog(
        s,
        /TLS handshake error: read tcp 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+: i\/o timeout$/,
      );
      // nats-server's "TLS handshake timeout" line races with the read deadline; not checked.
    },
  },
  {
    name: "verify_and_map: the certificate subject (RFC 2253) selects the user",
    config: {
      tls: serverTls({ verify_and_map: true }),
      authorization: { users: [{ user: ALICE_DN }, { user: "other" }] },
    },
    async run(s) {
      const raw = await rawExchange(s.port, null, 300);
      assert.match(raw.text, /"auth_required":true,"tls_required":true,"tls_verify":true/);
      const nc = await tlsClient(s.port, "alice");
      await roundTrip(nc);
      await nc.close();
    },
  },
  {
    name: "verify_and_map: a DN with other spacing and order still matches",
    config: {
      tls: serverTls({ verify_and_map: true }),
      authorization: {
        users: [{ user: "C=US, ST=CA, L=Los Angeles, O=denats test, OU=clients, CN=alice" }],
      },
    },
    async run(s) {
      const nc = await tlsClient(s.port, "alice");
      await roundTrip(nc);
      await nc.close();
    },
  },
  {
    name: "verify_and_map: a SAN email selects the user",
    config: {
      tls: serverTls({ verify_and_map: true }),
      authorization: { users: [{ user: "bob@example.com" }, { user: ALICE_DN }] },
    },
    async run(s) {
      const nc = await tlsClient(s.port, "bob");
      await roundTrip(nc);
      await nc.close();
    },
  },
  {
    name: "verify_and_map: a certificate that maps to no user gets Authorization Violation",
    config: {
      tls: serverTls({ verify_and_map: true }),
      authorization: { users: [{ user: "someone-else" }] },
    },
    async run(s) {
      const out = await rawTls(s.port, "alice", CONNECT_PING);
      assert.match(out.text, /-ERR 'Authorization Violation'\r\n/);
      assert.ok(out.closed);
      await expectLog(s, /- authentication error - User ""$/);
    },
  },
  {
    name: "pinned_certs: a pinned client key is accepted, another is refused",
    config: { tls: serverTls({ verify: true, pinned_certs: [ALICE_SPKI_SHA256] }) },
    async run(s) {
      const nc = await tlsClient(s.port, "alice");
      await roundTrip(nc);
      await nc.close();
      const out = await rawTls(s.port, "bob", CONNECT_PING);
      assert.ok(!out.text.includes("PONG"), JSON.stringify(out));
      await expectLog(s, /TLS handshake error: certificate not pinned$/);
    },
  },
  {
    name: "a wrong password over TLS gets the -ERR before the close",
    config: {
      tls: serverTls(),
      authorization: { users: [{ user: "u", password: "p" }] },
    },
    async run(s) {
      await assert.rejects(() => tlsClient(s.port, null, { user: "u", pass: "wrong" }));
      const nc = await tlsClient(s.port, null, { user: "u", pass: "p" });
      await roundTrip(nc);
      await nc.close();
    },
  },
  {
    name: "connection_rate_limit: connections over the limit get the throttling -ERR",
    config: { tls: serverTls({ connection_rate_limit: 1 }) },
    async run(s) {
      const outcomes = await Promise.all([0, 1, 2].map(() => rawExchange(s.port, null, 700)));
      const throttle = /-ERR 'Connection throttling is active. Please try again later.'\r\n$/;
      const throttled = outcomes.filter((o) => throttle.test(o.text));
      assert.ok(throttled.length >= 1 && throttled.length < 3, JSON.stringify(outcomes));
      assert.ok(throttled.every((o) => o.closed));
    },
  },
  {
    name: "handshake_first: the TLS handshake comes before INFO",
    config: { tls: serverTls({ handshake_first: true }) },
    denatsOnly: true,
    async run(s) {
      const nc = await tlsClient(s.port, null, { handshakeFirst: true });
      await roundTrip(nc);
      await nc.close();
      const plain = await rawExchange(s.port, null, 300);
      assert.equal(plain.text, "", "no plaintext INFO in handshake_first mode");
    },
  },
  {
    name: "large messages cross TLS intact in both directions",
    config: { tls: serverTls() },
    async run(s) {
      const pub = await tlsClient(s.port, null);
      const sub = await tlsClient(s.port, null);
      const payload = new Uint8Array(900 * 1024).map((_, i) => i % 251);
      const received = sub.subscribe("big", { max: 3 });
      await sub.flush();
      for (let i = 0; i < 3; i++) pub.publish("big", payload);
      await pub.flush();
      let n = 0;
      for await (const m of received) {
        assert.equal(m.data.length, payload.length);
        assert.ok(m.data.every((b, i) => b === i % 251));
        n++;
      }
      assert.equal(n, 3);
      await pub.close();
      await sub.close();
    },
  },
];
