/**
 * @module
 * The decisions of nats-server 2.9.10's `$JS.API.STREAM.CREATE` and `STREAM.UPDATE` handlers on
 * a single (non-clustered) server, in its order: `jetstream_api.go` jsStreamCreateRequest /
 * jsStreamUpdateRequest, `jsNonClusteredStreamLimitsCheck`, `stream.go` addStreamWithAssignment
 * (replicas, same-name, limits, subject overlap) and `configUpdateCheck` (what an update may
 * change), `jetstream.go` checkLimits / checkBytesLimits. Each answer is the exact API error.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { type ApiError, jsApiError } from "./errors.ts";
import { deepEqual, subjectsCollide } from "./_subjects.ts";
import { K, unmarshalStruct } from "./go_json.ts";
import {
  checkStreamConfig,
  parseStreamConfig,
  type StorageType,
  STREAM_CONFIG_FIELDS,
  type StreamCheckContext,
  type StreamConfig,
  streamConfigFromDecoded,
} from "./stream_config.ts";

/** jetstream.go JetStreamAccountLimits (-1 or 0 = no limit, as nats-server reads them). */
export interface JetStreamAccountLimits {
  max_memory: number;
  max_storage: number;
  max_streams: number;
  max_consumers: number;
  max_ack_pending: number;
  memory_max_stream_bytes: number;
  storage_max_stream_bytes: number;
  max_bytes_required: boolean;
}

/** An account with JetStream enabled and no limits (`jetstream: enabled`). */
export const UNLIMITED_ACCOUNT: JetStreamAccountLimits = {
  max_memory: -1,
  max_storage: -1,
  max_streams: -1,
  max_consumers: -1,
  max_ack_pending: -1,
  memory_max_stream_bytes: -1,
  storage_max_stream_bytes: -1,
  max_bytes_required: false,
};

/** Everything the create/update decisions read from the server and account. */
export interface StreamRequestContext {
  /** The account's streams (Go `jsa.streams`). */
  streams: readonly StreamConfig[];
  /** The account's selected limits (one tier; tiers are not modelled). */
  limits: JetStreamAccountLimits;
  /** The server's JetStream max_memory / max_file_store and what is reserved of them. */
  server: { maxMemory: number; maxStore: number; memReserved: number; storeReserved: number };
  /** No cluster and no gateway port (server.go standAloneMode). */
  standalone: boolean;
  /** Server `jetstream.limits.duplicate_window` in ns, 0 for none. */
  limitDuplicates?: number;
}

function checkContext(ctx: StreamRequestContext): StreamCheckContext {
  return {
    lookupStream: (name) => ctx.streams.find((s) => s.name === name),
    limitDuplicates: ctx.limitDuplicates,
    maxBytesRequired: ctx.limits.max_bytes_required,
    maxStreamBytes: (st: StorageType) =>
      st === "memory" ? ctx.limits.memory_max_stream_bytes : ctx.limits.storage_max_stream_bytes,
  };
}

/**
 * jsAccount.tieredReservation: max_bytes x replicas of the account's other streams (not
 * named `name`) on `storage`.
 */
export function reservedBytes(
  streams: readonly StreamConfig[],
  storage: StorageType,
  name: string,
): number {
  let total = 0;
  for (const s of streams) {
    if (s.storage === storage && s.max_bytes > 0 && s.name !== name) {
      total += s.max_bytes * s.num_replicas;
    }
  }
  return total;
}

/**
 * jetstream.go checkLimits: max consumers, then account (and, with `checkServer`, server)
 * memory/storage for `max_bytes` x replicas.
 */
export function checkStreamLimits(
  limits: JetStreamAccountLimits,
  cfg: StreamConfig,
  server: StreamRequestContext["server"] | null,
  currentReserved: number,
  maxBytesOffset = 0,
): ApiError | null {
  if (
    cfg.max_consumers > 0 && limits.max_consumers > 0 && cfg.max_consumers > limits.max_consumers
  ) {
    return jsApiError("JSMaximumConsumersLimitErr");
  }
  const replicas = cfg.num_replicas < 1 ? 1 : cfg.num_replicas;
  const addBytes = cfg.max_bytes < 0 ? 1 : cfg.max_bytes;
  const total = addBytes * replicas + maxBytesOffset;
  if (cfg.storage === "memory") {
    if (limits.max_memory >= 0 && currentReserved + total > limits.max_memory) {
      return jsApiError("JSMemoryResourcesExceededErr");
    }
    if (server && server.memReserved + addBytes > server.maxMemory) {
      return jsApiError("JSMemoryResourcesExceededErr");
    }
  } else if (cfg.storage === "file") {
    if (limits.max_storage >= 0 && currentReserved + total > limits.max_storage) {
      return jsApiError("JSStorageResourcesExceededErr");
    }
    if (server && server.storeReserved + addBytes > server.maxStore) {
      return jsApiError("JSStorageResourcesExceededErr");
    }
  }
  return null;
}

/** checkStreamLimits for `cfg` against what the account's other streams reserve. */
function accountLimitsCheck(cfg: StreamConfig, ctx: StreamRequestContext): ApiError | null {
  return checkStreamLimits(
    ctx.limits,
    cfg,
    ctx.server,
    reservedBytes(ctx.streams, cfg.storage, cfg.name),
  );
}

/**
 * jetstream_api.go jsNonClusteredStreamLimitsCheck, shared by create and restore: the
 * account's max streams, then account and server storage for `cfg`'s max_bytes.
 */
function nonClusteredLimitsCheck(cfg: StreamConfig, ctx: StreamRequestContext): ApiError | null {
  if (ctx.limits.max_streams > 0 && ctx.streams.length >= ctx.limits.max_streams) {
    return jsApiError("JSMaximumStreamsLimitErr");
  }
  return accountLimitsCheck(cfg, ctx);
}

/** `JSStreamSubjectOverlapErr` when a subject of `cfg` collides with another stream's. */
function subjectOverlapCheck(cfg: StreamConfig, ctx: StreamRequestContext): ApiError | null {
  for (const other of ctx.streams) {
    if (other.name === cfg.name) continue;
    for (const subj of other.subjects ?? []) {
      if ((cfg.subjects ?? []).some((s) => subjectsCollide(s, subj))) {
        return jsApiError("JSStreamSubjectOverlapErr");
      }
    }
  }
  return null;
}

/**
 * The outcome of a create: the stored config, and whether an identical stream existed (a
 * single nats-server 2.9.10 still answers `did_create: true` then).
 */
export type StreamCreateResult = { config: StreamConfig; existed: boolean } | { error: ApiError };

/**
 * jsStreamCreateRequest + addStream on a single server: the config to create, the existing
 * stream when an identical one exists, or the API error nats-server answers.
 *
 * @example
 * ```ts
 * import { streamCreateCheck, UNLIMITED_ACCOUNT } from "./stream_requests.ts";
 * const ctx = {
 *   streams: [],
 *   limits: UNLIMITED_ACCOUNT,
 *   server: { maxMemory: 1e9, maxStore: 1e12, memReserved: 0, storeReserved: 0 },
 *   standalone: true,
 * };
 * const r = streamCreateCheck("S", '{"name":"T"}', ctx);
 * if (!("error" in r) || r.error.description !== "stream name in subject does not match request") {
 *   throw new Error();
 * }
 * ```
 */
export function streamCreateCheck(
  subjectStream: string,
  body: string,
  ctx: StreamRequestContext,
): StreamCreateResult {
  const parsed = parseStreamConfig(body);
  if ("error" in parsed) return parsed;
  const req = parsed.config;
  if (subjectStream !== req.name) return { error: jsApiError("JSStreamMismatchErr") };
  if (/[\\/]/.test(subjectStream)) {
    return { error: jsApiError("JSStreamNameContainsPathSeparatorsErr") };
  }
  if (req.sealed) {
    return {
      error: jsApiError("JSStreamInvalidConfigF", {
        err: "stream configuration for create can not be sealed",
      }),
    };
  }
  if (req.mirror_direct && !req.mirror) {
    return {
      error: jsApiError("JSStreamInvalidConfigF", {
        err: "stream has no mirror but does have mirror direct",
      }),
    };
  }
  // jsNonClusteredStreamLimitsCheck runs on the request as sent (before defaults).
  const rawLimit = nonClusteredLimitsCheck(req, ctx);
  if (rawLimit) return { error: rawLimit };
  const checked = checkStreamConfig(req, checkContext(ctx));
  if ("error" in checked) return checked;
  const cfg = checked.config;
  if (ctx.standalone && cfg.num_replicas > 1) {
    return { error: jsApiError("JSStreamReplicasNotSupportedErr") };
  }
  const existing = ctx.streams.find((s) => s.name === cfg.name);
  if (existing) {
    if (deepEqual(existing, cfg)) return { config: existing, existed: true };
    return { error: jsApiError("JSStreamNameExistErr") };
  }
  // The same-name stream was handled above: every stream is another one here.
  const error = accountLimitsCheck(cfg, ctx) ?? subjectOverlapCheck(cfg, ctx);
  return error ? { error } : { config: cfg, existed: false };
}

function invalid(text: string): { error: ApiError } {
  return { error: jsApiError("JSStreamInvalidConfigF", { err: text }) };
}

/**
 * stream.go configUpdateCheck: `cfg` (already through checkStreamCfg) against the stored
 * `old`; sealing applies its adjustments. Limits are checked for the max_bytes growth.
 */
export function configUpdateCheck(
  old: StreamConfig,
  cfg: StreamConfig,
  ctx: StreamRequestContext,
): { config: StreamConfig } | { error: ApiError } {
  if (cfg.name !== old.name) return invalid("stream configuration name must match original");
  if (cfg.max_consumers !== old.max_consumers) {
    return invalid("stream configuration update can not change MaxConsumers");
  }
  if (cfg.storage !== old.storage) {
    return invalid("stream configuration update can not change storage type");
  }
  if (cfg.retention !== old.retention) {
    return invalid("stream configuration update can not change retention policy");
  }
  if (old.template_owner) {
    return invalid("stream configuration update not allowed on template owned stream");
  }
  if (cfg.template_owner) {
    return invalid("stream configuration update can not be owned by a template");
  }
  if (!cfg.sealed && old.sealed) {
    return invalid("stream configuration update can not unseal a sealed stream");
  }
  if (!cfg.deny_delete && old.deny_delete) {
    return invalid("stream configuration update can not cancel deny message deletes");
  }
  if (!cfg.deny_purge && old.deny_purge) {
    return invalid("stream configuration update can not cancel deny purge");
  }
  if (!deepEqual(cfg.mirror, old.mirror)) {
    return { error: jsApiError("JSStreamMirrorNotUpdatableErr") };
  }
  if (!deepEqual(cfg.republish, old.republish)) {
    return invalid("stream configuration update can not change RePublish");
  }
  if (cfg.discard_new_per_subject) {
    if (cfg.discard !== "new") {
      return invalid("discard new per subject requires discard new policy to be set");
    }
    if (cfg.max_msgs_per_subject <= 0) {
      return invalid("discard new per subject requires max msgs per subject > 0");
    }
  }
  const out = structuredClone(cfg);
  if (out.sealed) {
    out.max_age = 0;
    out.discard = "new";
    out.deny_delete = true;
    out.deny_purge = true;
    out.allow_rollup_hdrs = false;
  }
  const diff = Math.max(0, out.max_bytes - old.max_bytes);
  const excessReplicas = out.num_replicas - old.num_replicas;
  const offset = old.max_bytes > 0 && excessReplicas > 0 ? old.max_bytes * excessReplicas : 0;
  // The reservation leaves this stream out, then adds its old size back (as nats-server does).
  const reserved = reservedBytes(ctx.streams, out.storage, old.name) +
    old.num_replicas * old.max_bytes;
  const limit = checkStreamLimits(
    ctx.limits,
    { ...out, max_bytes: diff },
    ctx.server,
    reserved,
    offset,
  );
  if (limit) return { error: limit };
  return { config: out };
}

/**
 * jsStreamUpdateRequest + stream.update on a single server: the new stored config or the
 * API error (checkStreamCfg first, then the name in the subject, the stream's existence,
 * configUpdateCheck and the subject overlap with the account's other streams).
 */
export function streamUpdateCheck(
  subjectStream: string,
  body: string,
  ctx: StreamRequestContext,
): { config: StreamConfig } | { error: ApiError } {
  const parsed = parseStreamConfig(body);
  if ("error" in parsed) return parsed;
  const checked = checkStreamConfig(parsed.config, checkContext(ctx));
  if ("error" in checked) return checked;
  if (subjectStream !== checked.config.name) return { error: jsApiError("JSStreamMismatchErr") };
  const old = ctx.streams.find((s) => s.name === subjectStream);
  if (!old) return { error: jsApiError("JSStreamNotFoundErr") };
  const updated = configUpdateCheck(old, checked.config, ctx);
  if ("error" in updated) return updated;
  const overlap = subjectOverlapCheck(updated.config, ctx);
  return overlap ? { error: overlap } : updated;
}

/** store.go StreamState as a restore request decodes it (`subjects` and `lost` unchecked). */
const STREAM_STATE_FIELDS = {
  messages: K.uint,
  bytes: K.uint,
  first_seq: K.uint,
  first_ts: K.time,
  last_seq: K.uint,
  last_ts: K.time,
  num_subjects: K.int,
  subjects: K.raw,
  num_deleted: K.int,
  deleted: K.array(K.uint),
  lost: K.raw,
  consumer_count: K.int,
} as const;

/**
 * jsStreamRestoreRequest on a single server, after its JetStream and empty-request checks:
 * `JSApiStreamRestoreRequest` decoded (`invalid JSON` when Go cannot), the config's name taken
 * from the subject when empty (a different non-empty name is kept, as nats-server does),
 * checkStreamCfg, jsNonClusteredStreamLimitsCheck (max streams, then account and server
 * storage for `max_bytes`), and a stream of the subject's name already existing
 * (`stream name already in use, cannot restore`).
 *
 * @example
 * ```ts
 * import { streamRestoreCheck, UNLIMITED_ACCOUNT } from "./stream_requests.ts";
 * const ctx = {
 *   streams: [],
 *   limits: UNLIMITED_ACCOUNT,
 *   server: { maxMemory: 1e9, maxStore: 1e12, memReserved: 0, storeReserved: 0 },
 *   standalone: true,
 * };
 * const r = streamRestoreCheck("S", '{"config":{"subjects":["a"]}}', ctx);
 * if (!("config" in r) || r.config.name !== "S") throw new Error();
 * ```
 */
export function streamRestoreCheck(
  subjectStream: string,
  body: string,
  ctx: StreamRequestContext,
): { config: StreamConfig } | { error: ApiError } {
  let decoded: Record<string, unknown>;
  try {
    decoded = unmarshalStruct({
      config: K.struct(STREAM_CONFIG_FIELDS),
      state: K.struct(STREAM_STATE_FIELDS),
    }, body);
  } catch {
    return { error: jsApiError("JSInvalidJSONErr") };
  }
  const req = streamConfigFromDecoded((decoded.config ?? {}) as Record<string, unknown>);
  if (req.name === "") req.name = subjectStream;
  const checked = checkStreamConfig(req, checkContext(ctx));
  if ("error" in checked) return checked;
  const cfg = checked.config;
  const limit = nonClusteredLimitsCheck(cfg, ctx);
  if (limit) return { error: limit };
  if (ctx.streams.some((s) => s.name === subjectStream)) {
    return { error: jsApiError("JSStreamNameExistRestoreFailedErr") };
  }
  return { config: cfg };
}
