/**
 * @module
 * The `tls {}` block (and the `--tls*` flags) as denats uses it: normalized settings, the
 * checks nats-server 2.9.10 makes with its error texts (opts.go parseTLS, GenTLSConfig,
 * overrideTLS), the INFO fields TLS adds, and warnings for options the Deno TLS stack cannot
 * honour. PURE: no Deno, node, files or timers (certificate files are read by `tls_setup.ts`).
 */
import type { RawSection } from "../options.ts";

/** nats-server TLS_TIMEOUT (const.go), seconds. */
export const DEFAULT_TLS_TIMEOUT_SECONDS = 2;

/** Normalized TLS settings of one listener. */
export interface TlsSettings {
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  /** Client certificates required and verified against `ca_file` (`verify`). */
  verify: boolean;
  /** Map the client certificate to a user (`verify_and_map`, implies verify). */
  map: boolean;
  /** Client-side option only; accepted. */
  insecure: boolean;
  /** Handshake timeout in seconds. */
  timeoutSeconds: number;
  /** `connection_rate_limit`: new TLS connections per second, 0 = unlimited. */
  rateLimit: number;
  /** Lower-case hex SHA-256 of allowed client SubjectPublicKeyInfo DER, or null. */
  pinnedCerts: ReadonlySet<string> | null;
  /** `cipher_suites` as configured (Go names), or null. */
  cipherSuites: readonly string[] | null;
  /** `curve_preferences` as configured (Go names), or null. */
  curvePreferences: readonly string[] | null;
  /**
   * TLS handshake before INFO. Not a nats-server 2.9.10 option (its config rejects
   * `handshake_first`); reachable only through embedded options.
   */
  handshakeFirst: boolean;
}

/** Go cipher suite names nats-server 2.9.10 accepts (ciphersuites.go cipherMap). */
export const GO_CIPHER_SUITES: ReadonlySet<string> = new Set([
  "TLS_RSA_WITH_RC4_128_SHA",
  "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
  "TLS_RSA_WITH_AES_128_CBC_SHA",
  "TLS_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_RSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
  "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
]);

/** Go curve names nats-server 2.9.10 accepts (ciphersuites.go curvePreferenceMap). */
export const GO_CURVES: ReadonlySet<string> = new Set([
  "X25519",
  "CurveP256",
  "CurveP384",
  "CurveP521",
]);

/** Result of {@link parseTlsSection}. */
export type TlsParse = { settings: TlsSettings; error?: undefined } | { error: string };

const PIN = /^[a-f0-9]{64}$/;
const GO_DURATION = /^(?:[0-9]*\.?[0-9]+(?:ns|us|µs|ms|s|m|h))+$/;
const DURATION_PART = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g;
const DURATION_UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  "µs": 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

function stringList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.map((v) => String(v));
}

/**
 * Checks and normalizes a `tls {}` section (keys already validated by the config pipeline).
 * Errors carry nats-server's text; file-level checks happen in `tls_setup.ts`.
 *
 * @example
 * ```ts
 * import { parseTlsSection } from "./tls_options.ts";
 * const parsed = parseTlsSection({ cert_file: "a.pem", key_file: "b.pem", verify: true });
 * if (parsed.error !== undefined || !parsed.settings.verify) throw new Error("unexpected");
 * const bad = parseTlsSection({ cert_file: "a.pem" });
 * if (bad.error !== "missing 'key_file' in TLS configuration") throw new Error(bad.error);
 * ```
 */
export function parseTlsSection(raw: RawSection): TlsParse {
  const s: TlsSettings = {
    verify: false,
    map: false,
    insecure: false,
    timeoutSeconds: 0,
    rateLimit: 0,
    pinnedCerts: null,
    cipherSuites: null,
    curvePreferences: null,
    handshakeFirst: false,
  };
  for (const [key, value] of Object.entries(raw)) {
    switch (key.toLowerCase()) {
      case "cert_file":
        if (typeof value !== "string") {
          return { error: "error parsing tls config, expected 'cert_file' to be filename" };
        }
        s.certFile = value;
        break;
      case "key_file":
        if (typeof value !== "string") {
          return { error: "error parsing tls config, expected 'key_file' to be filename" };
        }
        s.keyFile = value;
        break;
      case "ca_file":
        if (typeof value !== "string") {
          return { error: "error parsing tls config, expected 'ca_file' to be filename" };
        }
        s.caFile = value;
        break;
      case "insecure":
      case "verify":
      case "verify_and_map":
      case "verify_cert_and_check_known_urls":
      case "handshake_first": {
        if (typeof value !== "boolean") {
          return { error: `error parsing tls config, expected '${key}' to be a boolean` };
        }
        const k = key.toLowerCase();
        if (k === "insecure") s.insecure = value;
        else if (k === "verify") s.verify = value;
        else if (k === "handshake_first") s.handshakeFirst = value;
        else if (k === "verify_and_map") {
          if (value) s.verify = true;
          s.map = value;
        } else if (value) {
          return { error: "verify_cert_and_check_known_urls not supported in this context" };
        }
        break;
      }
      case "cipher_suites": {
        const list = stringList(value);
        if (!list || list.length === 0) {
          return { error: "error parsing tls config, 'cipher_suites' cannot be empty" };
        }
        const bad = list.find((name) => !GO_CIPHER_SUITES.has(name));
        if (bad !== undefined) return { error: `unrecognized cipher ${bad}` };
        s.cipherSuites = list;
        break;
      }
      case "curve_preferences": {
        const list = stringList(value);
        if (!list || list.length === 0) {
          return { error: "error parsing tls config, 'curve_preferences' cannot be empty" };
        }
        const bad = list.find((name) => !GO_CURVES.has(name));
        if (bad !== undefined) return { error: `unrecognized curve preference ${bad}` };
        s.curvePreferences = list;
        break;
      }
      case "timeout": {
        if (typeof value === "number") s.timeoutSeconds = value;
        else if (typeof value === "string") {
          if (!GO_DURATION.test(value)) {
            return {
              error: `error parsing tls config, 'timeout' time: invalid duration ${
                JSON.stringify(value)
              }`,
            };
          }
          s.timeoutSeconds = 0;
          for (const m of value.matchAll(DURATION_PART)) {
            s.timeoutSeconds += Number(m[1]) * DURATION_UNIT_SECONDS[m[2]];
          }
        } else return { error: "error parsing tls config, 'timeout' wrong type" };
        break;
      }
      case "connection_rate_limit":
        if (typeof value !== "number" || !Number.isInteger(value)) {
          return { error: "error parsing tls config, 'connection_rate_limit' wrong type" };
        }
        s.rateLimit = value;
        break;
      case "pinned_certs": {
        const list = stringList(value);
        if (!list) {
          return {
            error: "error parsing tls config, expected 'pinned_certs' to be a list of " +
              "hex-encoded sha256 of DER encoded SubjectPublicKeyInfo",
          };
        }
        if (list.length === 0) break;
        const pins = new Set<string>();
        for (const entry of list.map((e) => e.toLowerCase())) {
          if (!PIN.test(entry)) {
            return {
              error: `error parsing tls config, 'pinned_certs' key ${entry} does not look like ` +
                "hex-encoded sha256 of DER encoded SubjectPublicKeyInfo",
            };
          }
          pins.add(entry);
        }
        s.pinnedCerts = pins;
        break;
      }
      default:
        return { error: `error parsing tls config, unknown field [${JSON.stringify(key)}]` };
    }
  }
  if (s.certFile && !s.keyFile) return { error: "missing 'key_file' in TLS configuration" };
  if (!s.certFile && s.keyFile) return { error: "missing 'cert_file' in TLS configuration" };
  if (s.timeoutSeconds <= 0) s.timeoutSeconds = DEFAULT_TLS_TIMEOUT_SECONDS;
  return { settings: s };
}

/**
 * The `tls` section the `--tls --tlscert --tlskey --tlsverify --tlscacert` flags stand for
 * (nats-server opts.go overrideTLS). `flags` holds the flags given, by name. Returns
 * `{ tls: null }` for `--tls=false` (TLS disabled), `{}` when no TLS flag was given.
 *
 * @example
 * ```ts
 * import { tlsSectionFromFlags } from "./tls_options.ts";
 * const r = tlsSectionFromFlags({ tls: true, tlscert: "c.pem", tlskey: "k.pem" });
 * if (r.tls?.cert_file !== "c.pem") throw new Error("unexpected");
 * if (tlsSectionFromFlags({ tls: true }).error === undefined) throw new Error("expected error");
 * ```
 */
export function tlsSectionFromFlags(
  flags: Readonly<Record<string, unknown>>,
): { tls?: RawSection | null; error?: string } {
  const names = Object.keys(flags).filter((name) => name.startsWith("tls"));
  if (names.length === 0) return {};
  if (flags.tls === false) return { tls: null };
  const cert = flags.tlscert;
  const key = flags.tlskey;
  if (typeof cert !== "string" || cert === "") {
    return { error: "TLS Server certificate must be present and valid" };
  }
  if (typeof key !== "string" || key === "") {
    return { error: "TLS Server private key must be present and valid" };
  }
  const tls: RawSection = { cert_file: cert, key_file: key };
  if (typeof flags.tlscacert === "string" && flags.tlscacert !== "") {
    tls.ca_file = flags.tlscacert;
  }
  if (flags.tlsverify === true) tls.verify = true;
  return { tls };
}

/**
 * INFO fields TLS adds (nats-server server.go NewServer): `tls_required` (or `tls_available`
 * with `allow_non_tls`) and `tls_verify`.
 *
 * @example
 * ```ts
 * import { parseTlsSection, tlsInfoFields } from "./tls_options.ts";
 * const { settings } = parseTlsSection({ verify: true }) as { settings: never };
 * const fields = tlsInfoFields(settings, false);
 * if (!fields.tls_required || !fields.tls_verify) throw new Error("unexpected");
 * ```
 */
export function tlsInfoFields(
  settings: TlsSettings | null,
  allowNonTls: boolean,
): Record<string, boolean> {
  if (!settings) return {};
  const out: Record<string, boolean> = {};
  if (!allowNonTls) out.tls_required = true;
  if (settings.verify) out.tls_verify = true;
  if (allowNonTls) out.tls_available = true;
  return out;
}

/**
 * Startup warnings for options denats accepts but the Deno TLS stack (rustls behind
 * `node:tls`) cannot apply.
 *
 * @example
 * ```ts
 * import { parseTlsSection, unsupportedTlsWarnings } from "./tls_options.ts";
 * const parsed = parseTlsSection({ curve_preferences: ["X25519"] });
 * if (parsed.error !== undefined) throw new Error(parsed.error);
 * if (unsupportedTlsWarnings(parsed.settings, "tls").length !== 1) throw new Error();
 * ```
 */
export function unsupportedTlsWarnings(settings: TlsSettings, where: string): string[] {
  const out: string[] = [];
  if (settings.cipherSuites) {
    out.push(
      `${where}: 'cipher_suites' cannot be applied by the Deno TLS stack and is ignored; ` +
        "the runtime's default suites (TLS 1.2 ECDHE AEAD and TLS 1.3) are used",
    );
  }
  if (settings.curvePreferences) {
    out.push(
      `${where}: 'curve_preferences' cannot be applied by the Deno TLS stack and is ignored; ` +
        "the runtime's default key exchange groups are used",
    );
  }
  return out;
}

/** A TLS or WebSocket configuration problem, with nats-server's message. */
export class TlsConfigError extends Error {
  override name = "TlsConfigError";
}
