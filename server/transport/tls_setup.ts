/**
 * @module
 * Loads a listener's TLS material once (certificate, key, CA) with nats-server 2.9.10's error
 * texts (opts.go GenTLSConfig), builds the `node:tls` secure context every connection shares,
 * and owns the `connection_rate_limit` counter (rate_counter.go). Runs in the isolate that
 * owns the listener.
 */
import tls from "node:tls";
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { Logger } from "../log/logger.ts";
import { type TlsSettings, unsupportedTlsWarnings } from "./tls_options.ts";
import { pemToDer } from "./x509_der.ts";

/** Error thrown when TLS material cannot be loaded (the message is nats-server's). */
import { TlsConfigError } from "./tls_options.ts";
export { TlsConfigError };

/** Go `os.ReadFile` error text. */
function readFile(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new TlsConfigError(`open ${path}: no such file or directory`);
    }
    if (err instanceof Deno.errors.PermissionDenied) {
      throw new TlsConfigError(`open ${path}: permission denied`);
    }
    throw new TlsConfigError(`open ${path}: ${(err as Error).message}`);
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----/g;

function pemTypes(text: string): string[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => m[1]);
}

/** Go `tls.LoadX509KeyPair` checks, with its messages. */
function checkKeyPair(certPem: string, keyPem: string): void {
  const pair = (msg: string) =>
    new TlsConfigError(`error parsing X509 certificate/key pair: ${msg}`);
  const certTypes = pemTypes(certPem);
  if (!certTypes.includes("CERTIFICATE")) {
    if (certTypes.some((t) => t.endsWith("PRIVATE KEY"))) {
      throw pair(
        "tls: failed to find certificate PEM data in certificate input, but did find a " +
          "private key; PEM inputs may have been switched",
      );
    }
    throw pair("tls: failed to find any PEM data in certificate input");
  }
  const keyTypes = pemTypes(keyPem);
  if (!keyTypes.some((t) => t.endsWith("PRIVATE KEY"))) {
    if (keyTypes.includes("CERTIFICATE")) {
      throw pair("tls: found a certificate rather than a key in the PEM for the private key");
    }
    throw pair("tls: failed to find any PEM data in key input");
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    throw pair(`x509: ${(err as Error).message}`);
  }
  let ok = false;
  try {
    ok = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    throw pair("tls: failed to parse private key");
  }
  if (!ok) throw pair("tls: private key does not match public key");
}

function checkCa(caPem: string): void {
  const blocks = caPem.split(/(?=-----BEGIN CERTIFICATE-----)/).filter((b) => pemToDer(b));
  let parsed = 0;
  for (const block of blocks) {
    try {
      new X509Certificate(block);
      parsed++;
    } catch {
      // Go's AppendCertsFromPEM skips blocks it cannot parse
    }
  }
  if (parsed === 0) throw new TlsConfigError("failed to parse root ca certificate");
}

/** TLS material and shared state for one listener. */
export class TlsSetup {
  readonly settings: TlsSettings;
  /** Null when no certificate is configured (every handshake then fails, as in Go). */
  readonly secureContext: tls.SecureContext | null;
  /** Milliseconds. */
  readonly timeoutMs: number;
  /** `allow_non_tls`: plaintext clients accepted too. */
  readonly allowNonTls: boolean;
  #logger: Logger;
  #pem: { cert?: string; key?: string; ca?: string };
  #clientContext: tls.SecureContext | null = null;
  #windowEnd = 0;
  #count = 0;
  #blocked = 0;
  #ticker: ReturnType<typeof setInterval> | undefined;

  /** Reads the files; throws {@link TlsConfigError} with nats-server's message. */
  constructor(settings: TlsSettings, allowNonTls: boolean, logger: Logger) {
    this.settings = settings;
    this.allowNonTls = allowNonTls;
    this.#logger = logger;
    this.timeoutMs = Math.max(1, Math.round(settings.timeoutSeconds * 1000));
    let cert: string | undefined;
    let key: string | undefined;
    if (settings.certFile && settings.keyFile) {
      cert = readFile(settings.certFile);
      key = readFile(settings.keyFile);
      checkKeyPair(cert, key);
    }
    let ca: string | undefined;
    if (settings.caFile) {
      ca = readFile(settings.caFile);
      checkCa(ca);
    }
    this.secureContext = cert && key ? tls.createSecureContext({ cert, key, ca }) : null;
    this.#pem = { cert, key, ca };
  }

  /**
   * The context for connections this server dials (routes): the CA verifies the server it
   * reaches and the certificate, when configured, is presented as the client certificate.
   */
  get clientContext(): tls.SecureContext {
    const { cert, key, ca } = this.#pem;
    this.#clientContext ??= tls.createSecureContext(cert && key ? { cert, key, ca } : { ca });
    return this.#clientContext;
  }

  /** Logs the warnings for options the runtime cannot apply. */
  warnUnsupported(where: string): void {
    for (const w of unsupportedTlsWarnings(this.settings, where)) this.#logger.warn(w);
  }

  /**
   * `connection_rate_limit` (rate_counter.go allow): at most `limit` new TLS connections per
   * second. Rejections are summed and logged once a second.
   */
  allowConnection(now: number): boolean {
    const limit = this.settings.rateLimit;
    if (limit <= 0) return true;
    if (now > this.#windowEnd) {
      this.#count = 0;
      this.#windowEnd = now + 1000;
    } else this.#count++;
    if (this.#count < limit) return true;
    this.#blocked++;
    this.#ticker ??= setInterval(() => this.#logBlocked(), 1000);
    return false;
  }

  #logBlocked(): void {
    const blocked = this.#blocked;
    this.#blocked = 0;
    if (blocked > 0) {
      this.#logger.warn(`Rejected ${blocked} connections due to TLS rate limiting`);
    } else {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  /** Stops the rate-limit log timer. */
  close(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }
}
