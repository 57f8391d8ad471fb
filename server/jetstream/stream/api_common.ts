/**
 * @module
 * Shared pieces of the stream API handlers (nats-server 2.9.10 jetstream_api.go): response
 * skeletons with `type` first and `error` second, `isEmptyRequest`, request decoding with Go's
 * json.Unmarshal rules, and the `$JS.API` operation split. PURE: no Deno APIs, timers or console
 * output.
 */
import type { ApiError } from "../api/errors.ts";
import { type GoKind, unmarshalStruct } from "../api/go_json.ts";
import { API_COUNT, type ApiCount } from "../jetstream.ts";

/** A response object; `count` overrides how it counts in the API statistics. */
export function response(
  type: string,
  error: ApiError | null,
  members: Record<string, unknown> = {},
  count?: ApiCount,
): Record<string, unknown> {
  const out: Record<string, unknown> = { type };
  if (error !== null) out.error = error;
  Object.assign(out, members);
  if (count !== undefined) Object.defineProperty(out, API_COUNT, { value: count });
  return out;
}

/** jetstream_api.go isEmptyRequest: no body, `{}`, or a JSON object without members. */
export function isEmptyRequest(body: string): boolean {
  if (body.length === 0 || body === "{}") return true;
  try {
    const v = JSON.parse(body);
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
  } catch {
    return false;
  }
}

/** Go json.Unmarshal into a struct; null when it fails. */
export function decodeRequest<T>(fields: Record<string, GoKind>, body: string): Partial<T> | null {
  try {
    return unmarshalStruct(fields, body) as Partial<T>;
  } catch {
    return null;
  }
}

/**
 * Splits `STREAM.INFO.S` style operations: returns the stream name token when `op` is
 * `<prefix>.<name>` with exactly one name token, else null.
 */
export function streamOp(op: string, prefix: string): string | null {
  if (!op.startsWith(`${prefix}.`)) return null;
  const name = op.slice(prefix.length + 1);
  if (name === "" || name.includes(".")) return null;
  return name;
}

/** Response type names (jetstream_api.go). */
export const T = {
  create: "io.nats.jetstream.api.v1.stream_create_response",
  update: "io.nats.jetstream.api.v1.stream_update_response",
  info: "io.nats.jetstream.api.v1.stream_info_response",
  delete: "io.nats.jetstream.api.v1.stream_delete_response",
  names: "io.nats.jetstream.api.v1.stream_names_response",
  list: "io.nats.jetstream.api.v1.stream_list_response",
  purge: "io.nats.jetstream.api.v1.stream_purge_response",
  msgDelete: "io.nats.jetstream.api.v1.stream_msg_delete_response",
  msgGet: "io.nats.jetstream.api.v1.stream_msg_get_response",
  leaderStepdown: "io.nats.jetstream.api.v1.stream_leader_stepdown_response",
  removePeer: "io.nats.jetstream.api.v1.stream_remove_peer_response",
} as const;
