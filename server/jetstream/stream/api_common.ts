/**
 * @module
 * Shared pieces of the stream API handlers (nats-server 2.9.10 jetstream_api.go): response
 * skeletons with `type` first and `error` second, how a response counts in the API statistics,
 * and the `$JS.API` operation split (request bodies are decoded by api/api_types.ts). PURE: no Deno APIs, timers or console
 * output.
 */
import type { ApiError } from "../api/errors.ts";
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
  return count === undefined ? out : counted(out, count);
}

/** Marks how `out` counts in the API statistics (see API_COUNT). */
export function counted<T extends object>(out: T, count: ApiCount): T {
  Object.defineProperty(out, API_COUNT, { value: count });
  return out;
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
