/**
 * @module
 * Decoding NATS JWTs (github.com/nats-io/jwt v2 `Decode`; behaviour and error texts only):
 * three base64url chunks, a `{"typ":"JWT","alg":"ed25519-nkey"}` header, the claims JSON, and
 * an Ed25519 signature by the issuer's NKey over `header.payload` (v2) or `payload` (v1). Also
 * decorated JWT files (`-----BEGIN ... JWT-----`). Version 1 claims are migrated to the v2
 * shape. Pure apart from the signature check. Runs where connections are owned.
 */
import {
  Base64Error,
  decodeBase64,
  decodePublicKey,
  NKeyPrefix,
  PREFIX_NAMES,
  verifySignature,
} from "./nkey.ts";

/** Registered claims every NATS JWT carries (jwt `ClaimsData`). Times are Unix seconds. */
export interface ClaimsData {
  aud?: string;
  exp?: number;
  jti?: string;
  iat?: number;
  iss: string;
  name?: string;
  nbf?: number;
  sub: string;
}

/** The kinds of claims this decoder recognises. */
export type ClaimKind = "operator" | "account" | "user" | "activation" | "generic";

/** A verified JWT: its registered claims, the `nats` section and the detected kind/version. */
export interface DecodedJwt {
  kind: ClaimKind;
  version: number;
  claims: ClaimsData;
  /** The `nats` object (for v1 claims, rebuilt in the v2 shape). */
  nats: Record<string, unknown>;
}

/** Thrown with the text nats-server would print for the failure. */
export class JwtError extends Error {
  override name = "JwtError";
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function decodeChunk(chunk: string): Uint8Array {
  try {
    return decodeBase64(chunk, "url");
  } catch (err) {
    if (err instanceof Base64Error) throw new JwtError(err.message);
    throw err;
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new JwtError((err as Error).message);
  }
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new JwtError(`json: cannot unmarshal ${goJsonType(value)} into Go value of type ${what}`);
  }
  return value as Record<string, unknown>;
}

function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value === "object" ? "object" : typeof value;
}

function checkHeader(chunk: string): void {
  const header = asObject(parseJson(decodeChunk(chunk)), "jwt.Header");
  const typ = typeof header.typ === "string" ? header.typ : "";
  const alg = typeof header.alg === "string" ? header.alg : "";
  if (typ.toUpperCase() !== "JWT") throw new JwtError(`not supported type ${JSON.stringify(typ)}`);
  const lower = alg.toLowerCase();
  if (lower !== "ed25519" && lower !== "ed25519-nkey") {
    throw new JwtError(`unexpected ${JSON.stringify(alg)} algorithm`);
  }
}

const STRING_CLAIMS = ["aud", "jti", "iss", "name", "sub"] as const;
const NUMBER_CLAIMS = ["exp", "iat", "nbf"] as const;

function readClaimsData(payload: Record<string, unknown>): ClaimsData {
  const claims: ClaimsData = { iss: "", sub: "" };
  for (const key of STRING_CLAIMS) {
    const value = payload[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") {
      throw new JwtError(
        `json: cannot unmarshal ${
          goJsonType(value)
        } into Go struct field ClaimsData.${key} of type string`,
      );
    }
    claims[key] = value;
  }
  for (const key of NUMBER_CLAIMS) {
    const value = payload[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      throw new JwtError(
        `json: cannot unmarshal ${
          goJsonType(value)
        } into Go struct field ClaimsData.${key} of type int64`,
      );
    }
    claims[key] = value;
  }
  return claims;
}

const KINDS: ReadonlySet<string> = new Set(["operator", "account", "user", "activation"]);

/** Issuer prefixes each kind accepts (jwt `ExpectedPrefixes`). */
const EXPECTED_PREFIXES: Readonly<Record<ClaimKind, readonly number[] | null>> = {
  operator: [NKeyPrefix.operator],
  account: [NKeyPrefix.account, NKeyPrefix.operator],
  user: [NKeyPrefix.account],
  activation: [NKeyPrefix.account, NKeyPrefix.operator],
  generic: null,
};

/** v1 claims kept `type`, `tags` and `issuer_account` at the top level; move them into `nats`. */
function migrateV1(payload: Record<string, unknown>, kind: ClaimKind): Record<string, unknown> {
  const nats = { ...asObject(payload.nats ?? {}, "jwt.v1") };
  nats.type = payload.type;
  if (payload.tags !== undefined) nats.tags = payload.tags;
  if (kind === "user" || kind === "activation") {
    if (payload.issuer_account !== undefined) nats.issuer_account = payload.issuer_account;
  }
  if (kind === "user") {
    for (const key of ["subs", "data", "payload"]) nats[key] ??= -1;
  }
  if (kind === "account" && Array.isArray(nats.signing_keys)) {
    nats.signing_keys = nats.signing_keys.filter((key) => typeof key === "string");
  }
  return nats;
}

/**
 * Decodes and verifies a NATS JWT (signature by its `iss` NKey, issuer role). Throws
 * {@link JwtError} with jwt-library wording (`expected 3 chunks`, `claim failed V2 signature
 * verification`, ...). Time validity is not checked here (see `jwt_validate.ts`).
 *
 * @example
 * ```ts
 * import { decodeJwt, JwtError } from "./jwt.ts";
 * try {
 *   decodeJwt("a.b");
 * } catch (err) {
 *   (err as JwtError).message; // "expected 3 chunks"
 * }
 * ```
 */
export function decodeJwt(token: string): DecodedJwt {
  const chunks = token.split(".");
  if (chunks.length !== 3) throw new JwtError("expected 3 chunks");
  checkHeader(chunks[0]);
  const payload = asObject(parseJson(decodeChunk(chunks[1])), "jwt.identifier");
  const nats = payload.nats === undefined || payload.nats === null
    ? {}
    : asObject(payload.nats, "jwt.GenericFields");
  const topType = typeof payload.type === "string" ? payload.type : "";
  const natsType = typeof nats.type === "string" ? nats.type : "";
  const version = topType !== ""
    ? 1
    : typeof nats.version === "number" && Number.isInteger(nats.version)
    ? nats.version
    : 0;
  if (version > 2) throw new JwtError("JWT was generated by a newer version ");
  const type = topType !== "" ? topType : natsType;
  if (type === "cluster") throw new JwtError("ClusterClaims are not supported");
  if (type === "server") throw new JwtError("ServerClaims are not supported");
  const kind: ClaimKind = KINDS.has(type) ? type as ClaimKind : "generic";
  if (kind !== "generic" && version !== 1 && version !== 2) {
    throw new JwtError(`library supports version 2 or less - received ${version}`);
  }
  const claims = readClaimsData(payload);
  const sig = decodeChunk(chunks[2]);
  // The jwt library checks generic claims the v1 way (over the payload only).
  const v1 = version <= 1 || kind === "generic";
  const signed = v1 ? chunks[1] : token.slice(0, chunks[0].length + chunks[1].length + 1);
  if (!verifySignature(claims.iss, encoder.encode(signed), sig)) {
    throw new JwtError(`claim failed ${v1 ? "V1" : "V2"} signature verification`);
  }
  const prefixes = EXPECTED_PREFIXES[kind];
  if (prefixes !== null && !prefixes.some((p) => decodePublicKey(claims.iss, p) !== null)) {
    throw new JwtError(
      `unable to validate expected prefixes - [${prefixes.map((p) => PREFIX_NAMES[p]).join(" ")}]`,
    );
  }
  return {
    kind,
    version,
    claims,
    nats: version === 1 && kind !== "generic" ? migrateV1(payload, kind) : nats,
  };
}

/**
 * Decodes a JWT of one kind; other kinds fail with `not <kind> claim` as the jwt library's
 * `DecodeOperatorClaims` / `DecodeAccountClaims` / `DecodeUserClaims` do.
 */
export function decodeJwtOfKind(token: string, kind: "operator" | "account" | "user"): DecodedJwt {
  const decoded = decodeJwt(token);
  if (decoded.kind !== kind) throw new JwtError(`not ${kind} claim`);
  return decoded;
}

const DECORATED = /\s*(?:(?:-{3,}.*-{3,}\r?\n)([\w\-.=]+)(?:\r?\n-{3,}.*-{3,}(?:\r?\n|$)))/;

/**
 * The JWT inside a decorated file (`-----BEGIN NATS ... JWT-----` blocks, as `.creds` and
 * `nsc` operator files); other text is returned unchanged (jwt `ParseDecoratedJWT`).
 *
 * @example
 * ```ts
 * import { parseDecoratedJwt } from "./jwt.ts";
 * parseDecoratedJwt("-----BEGIN X JWT-----\neyJabc\n------END X JWT------\n"); // "eyJabc"
 * ```
 */
export function parseDecoratedJwt(contents: string): string {
  const match = DECORATED.exec(contents);
  return match ? match[1] : contents;
}
