/**
 * @module
 * An account's JetStream limits (nats-server 2.9.10 `JetStreamAccountLimits` and opts.go
 * `parseJetStreamForAccount`): `jetstream: enabled | disabled | true | false | { max_mem,
 * max_file, max_streams, max_consumers, max_bytes_required, mem_max_stream_bytes,
 * disk_max_stream_bytes, max_ack_pending }` in an account of the config, with nats-server's error
 * texts. -1 is "no limit".
 * PURE: no Deno APIs, timers or console output.
 */

/** nats-server `JetStreamAccountLimits` (JSON names as in account info). */
export interface JsAccountLimits {
  max_memory: number;
  max_storage: number;
  max_streams: number;
  max_consumers: number;
  max_ack_pending: number;
  memory_max_stream_bytes: number;
  storage_max_stream_bytes: number;
  max_bytes_required: boolean;
}

/** nats-server defaultJSAccountTiers: every limit off. */
export function unlimitedJs(): JsAccountLimits {
  return {
    max_memory: -1,
    max_storage: -1,
    max_streams: -1,
    max_consumers: -1,
    max_ack_pending: -1,
    memory_max_stream_bytes: -1,
    storage_max_stream_bytes: -1,
    max_bytes_required: false,
  };
}

/** Result of {@link parseAccountJetStream}: limits (null = disabled) and config errors. */
export interface AccountJetStream {
  limits: JsAccountLimits | null;
  errors: string[];
}

type NumberKey = Exclude<keyof JsAccountLimits, "max_bytes_required">;

const NUMBER_KEYS: Record<string, NumberKey> = {
  max_memory: "max_memory",
  max_mem: "max_memory",
  mem: "max_memory",
  memory: "max_memory",
  max_store: "max_storage",
  max_file: "max_storage",
  max_disk: "max_storage",
  store: "max_storage",
  disk: "max_storage",
  max_streams: "max_streams",
  streams: "max_streams",
  max_consumers: "max_consumers",
  consumers: "max_consumers",
  mem_max_stream_bytes: "memory_max_stream_bytes",
  memory_max_stream_bytes: "memory_max_stream_bytes",
  disk_max_stream_bytes: "storage_max_stream_bytes",
  store_max_stream_bytes: "storage_max_stream_bytes",
  max_ack_pending: "max_ack_pending",
};

const BOOL_KEYS = new Set(["max_bytes_required", "max_stream_bytes", "max_bytes"]);

/** Go's `%T` of a normalized config value. */
function goType(value: unknown): string {
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int64" : "float64";
  if (Array.isArray(value)) return "[]interface {}";
  if (value === null || value === undefined) return "<nil>";
  return "map[string]interface {}";
}

/**
 * Parses an account's `jetstream` value as nats-server does. An unknown key in the map is
 * reported (`unknown field "x"`) and skipped; a wrong value ends the parse.
 *
 * @example
 * ```ts
 * import { parseAccountJetStream } from "./account_limits.ts";
 * parseAccountJetStream({ max_mem: 1024, max_streams: 10 }).limits?.max_streams; // 10
 * parseAccountJetStream("enabled").limits?.max_memory; // -1
 * parseAccountJetStream("on").errors[0]; // "Expected 'enabled' or 'disabled' for string value, got 'on'"
 * ```
 */
export function parseAccountJetStream(value: unknown): AccountJetStream {
  if (value === undefined) return { limits: null, errors: [] };
  if (typeof value === "boolean") return { limits: value ? unlimitedJs() : null, errors: [] };
  if (typeof value === "string") {
    const v = value.toLowerCase();
    if (v === "enabled" || v === "enable") return { limits: unlimitedJs(), errors: [] };
    if (v === "disabled" || v === "disable") return { limits: null, errors: [] };
    return {
      limits: null,
      errors: [`Expected 'enabled' or 'disabled' for string value, got '${value}'`],
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      limits: null,
      errors: [`Expected map, bool or string to define JetStream, got ${goType(value)}`],
    };
  }
  const limits = unlimitedJs();
  const errors: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const lower = key.toLowerCase();
    const numberKey = NUMBER_KEYS[lower];
    if (numberKey !== undefined) {
      if (typeof v !== "number" || !Number.isInteger(v)) {
        return { limits: null, errors: [`Expected a parseable size for "${key}", got ${v}`] };
      }
      limits[numberKey] = v;
    } else if (BOOL_KEYS.has(lower)) {
      if (typeof v !== "boolean") {
        return { limits: null, errors: [`Expected a parseable bool for "${key}", got ${v}`] };
      }
      limits.max_bytes_required = v;
    } else {
      errors.push(`unknown field "${key}"`);
    }
  }
  return { limits, errors };
}
