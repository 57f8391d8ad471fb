/**
 * @module
 * Pull request bodies (`$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>` and `+NXT`), decoded as
 * nats-server 2.9.10 `nextReqFromMsg` does: empty = one message, a number = that batch, a JSON
 * `JSApiConsumerGetNextRequest` (`batch`, `expires`, `max_bytes`, `no_wait`, `idle_heartbeat`).
 * PURE: no Deno APIs, timers or console output.
 */
import { K, unmarshalStruct } from "../../api/go_json.ts";

/** A decoded pull request. Times are absolute ns (0n = none). */
export interface PullRequest {
  batch: number;
  maxBytes: number;
  noWait: boolean;
  /** Absolute expiry in ns, 0n when the request does not expire. */
  expires: bigint;
  /** Heartbeat interval in ns (0n = none). */
  heartbeat: bigint;
}

/** A request that failed to decode: answered `400 Bad Request - <error>`. */
export interface PullRequestError {
  error: string;
}

/** Go's type names of the request fields, for its unmarshal error text. */
const GO_TYPES: Record<string, string> = {
  expires: "time.Duration",
  batch: "int",
  max_bytes: "int",
  no_wait: "bool",
  idle_heartbeat: "time.Duration",
};

/**
 * encoding/json's text for a value that does not fit its field (`json: cannot unmarshal string
 * into Go struct field JSApiConsumerGetNextRequest.batch of type int`); a syntax error keeps
 * the decoder's own text.
 */
function goJsonErrorText(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  for (const [field, kind] of Object.entries(FIELDS)) {
    try {
      unmarshalStruct({ [field]: kind }, text);
    } catch (e) {
      const m = /^cannot unmarshal (\w+(?: [^ ]+)??)(?: into|$)/.exec((e as Error).message);
      if (m === null) return message;
      const what = m[1] === "boolean" ? "bool" : m[1];
      return `json: cannot unmarshal ${what} into Go struct field ` +
        `JSApiConsumerGetNextRequest.${field} of type ${GO_TYPES[field]}`;
    }
  }
  return message;
}

const FIELDS = {
  expires: K.duration,
  batch: K.int,
  max_bytes: K.int,
  no_wait: K.bool,
  idle_heartbeat: K.duration,
};

/**
 * Decodes a pull request body received at `now` (ns).
 *
 * @example
 * ```ts
 * import { parsePullRequest } from "./pull_request.ts";
 * const r = parsePullRequest('{"batch":5,"expires":1000000000}', 10n);
 * if (!("batch" in r) || r.batch !== 5 || r.expires !== 1_000_000_010n) throw new Error();
 * ```
 */
export function parsePullRequest(body: string, now: bigint): PullRequest | PullRequestError {
  const text = body.trim();
  const plain = (batch: number): PullRequest => ({
    batch,
    maxBytes: 0,
    noWait: false,
    expires: 0n,
    heartbeat: 0n,
  });
  if (text === "") return plain(1);
  if (text[0] === "{") {
    let d: Record<string, unknown>;
    try {
      d = unmarshalStruct(FIELDS, text);
    } catch (e) {
      return { error: goJsonErrorText(text, e) };
    }
    const expires = BigInt((d.expires as number | undefined) ?? 0);
    const heartbeat = BigInt((d.idle_heartbeat as number | undefined) ?? 0);
    const batch = (d.batch as number | undefined) ?? 0;
    const maxBytes = (d.max_bytes as number | undefined) ?? 0;
    const noWait = (d.no_wait as boolean | undefined) ?? false;
    if (heartbeat > 0n && heartbeat * 2n > expires) return { error: "heartbeat value too large" };
    return {
      batch,
      maxBytes,
      noWait,
      expires: expires === 0n ? 0n : now + expires,
      heartbeat,
    };
  }
  if (/^[+-]?[0-9]+$/.test(text)) return plain(Number.parseInt(text, 10));
  return plain(1);
}
