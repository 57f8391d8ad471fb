/**
 * @module
 * The JetStream stream configuration of nats-server 2.9.10 (`stream.go` StreamConfig,
 * StreamSource, ExternalStream, RePublish, `jetstream_cluster.go` Placement): the type with
 * every field under its JSON name, decoding a request body as Go's json.Unmarshal does,
 * marshalling in Go's field order with Go's `omitempty` rules, and `checkStreamCfg` (defaults
 * and validation, each rule answering the exact API error nats-server sends).
 * Durations are nanoseconds, as on the wire. PURE: no Deno APIs, timers or console output.
 */
import { formatGoDuration } from "../../config/duration.ts";
import { goQuote } from "../../protocol/wire_errors.ts";
import { SubjectTransform } from "../../accounts/mapping.ts";
import { type ApiError, jsApiError } from "./errors.ts";
import { type GoKind, K, unmarshalStruct } from "./go_json.ts";
import {
  byteLength,
  isValidName,
  isValidPublishSubject,
  isValidSubject,
  subjectIsSubsetMatch,
  subjectsCollide,
} from "./_subjects.ts";

/** Retention policies (store.go). Go's zero value is `limits`. */
export const RETENTION_POLICIES = ["limits", "interest", "workqueue"] as const;
/** Discard policies (store.go, matched ignoring case). Go's zero value is `old`. */
export const DISCARD_POLICIES = ["old", "new"] as const;
/** Storage types (store.go); `""` is Go's unset zero, defaulted to `file`. */
export const STORAGE_TYPES = ["file", "memory", "any"] as const;

export type RetentionPolicy = typeof RETENTION_POLICIES[number];
export type DiscardPolicy = typeof DISCARD_POLICIES[number];
export type StorageType = typeof STORAGE_TYPES[number] | "";

/** Placement (jetstream_cluster.go). */
export interface Placement {
  cluster?: string;
  tags?: string[];
}

/** ExternalStream: a source in another account, reached by API and delivery prefixes. */
export interface ExternalStream {
  api: string;
  deliver: string;
}

/** StreamSource: a mirror or one of the sources. */
export interface StreamSource {
  name: string;
  opt_start_seq?: number;
  /** RFC 3339 text, as sent. */
  opt_start_time?: string;
  filter_subject?: string;
  external?: ExternalStream;
}

/** RePublish: republish stored messages from `src` to `dest`. */
export interface RePublish {
  src?: string;
  dest: string;
  headers_only?: boolean;
}

/** StreamConfig with every 2.9.10 field, in Go's order (an absent optional is Go's zero/nil). */
export interface StreamConfig {
  name: string;
  description?: string;
  subjects?: string[];
  retention: RetentionPolicy;
  max_consumers: number;
  max_msgs: number;
  max_bytes: number;
  /** Nanoseconds. */
  max_age: number;
  max_msgs_per_subject: number;
  max_msg_size: number;
  discard: DiscardPolicy;
  storage: StorageType;
  num_replicas: number;
  no_ack?: boolean;
  template_owner?: string;
  /** Nanoseconds. */
  duplicate_window: number;
  placement?: Placement;
  mirror?: StreamSource;
  sources?: StreamSource[];
  republish?: RePublish;
  allow_direct: boolean;
  mirror_direct: boolean;
  discard_new_per_subject?: boolean;
  sealed: boolean;
  deny_delete: boolean;
  deny_purge: boolean;
  allow_rollup_hdrs: boolean;
}

const EXTERNAL: GoKind = K.struct({ api: K.string, deliver: K.string });
const SOURCE: GoKind = K.struct({
  name: K.string,
  opt_start_seq: K.uint,
  opt_start_time: K.time,
  filter_subject: K.string,
  external: EXTERNAL,
});

/** Go decoding spec of StreamConfig (json names and types). */
export const STREAM_CONFIG_FIELDS: Readonly<Record<string, GoKind>> = {
  name: K.string,
  description: K.string,
  subjects: K.array(K.string),
  retention: K.enum(RETENTION_POLICIES),
  max_consumers: K.int,
  max_msgs: K.int,
  max_bytes: K.int,
  max_age: K.duration,
  max_msgs_per_subject: K.int,
  max_msg_size: K.int32,
  discard: K.enum(DISCARD_POLICIES, true),
  storage: K.enum(STORAGE_TYPES),
  num_replicas: K.int,
  no_ack: K.bool,
  template_owner: K.string,
  duplicate_window: K.duration,
  placement: K.struct({ cluster: K.string, tags: K.array(K.string) }),
  mirror: SOURCE,
  sources: K.array(SOURCE),
  republish: K.struct({ src: K.string, dest: K.string, headers_only: K.bool }),
  allow_direct: K.bool,
  mirror_direct: K.bool,
  discard_new_per_subject: K.bool,
  sealed: K.bool,
  deny_delete: K.bool,
  deny_purge: K.bool,
  allow_rollup_hdrs: K.bool,
};

/** A Go zero StreamConfig. */
export function zeroStreamConfig(): StreamConfig {
  return {
    name: "",
    retention: "limits",
    max_consumers: 0,
    max_msgs: 0,
    max_bytes: 0,
    max_age: 0,
    max_msgs_per_subject: 0,
    max_msg_size: 0,
    discard: "old",
    storage: "",
    num_replicas: 0,
    duplicate_window: 0,
    allow_direct: false,
    mirror_direct: false,
    sealed: false,
    deny_delete: false,
    deny_purge: false,
    allow_rollup_hdrs: false,
  };
}

/** Decodes already-decoded members over Go's zero config. */
export function streamConfigFromDecoded(decoded: Record<string, unknown>): StreamConfig {
  return { ...zeroStreamConfig(), ...decoded } as StreamConfig;
}

/**
 * `json.Unmarshal(body, &StreamConfig{})`; a body Go cannot decode answers
 * `JSInvalidJSONErr` (`invalid JSON`).
 *
 * @example
 * ```ts
 * import { parseStreamConfig } from "./stream_config.ts";
 * const r = parseStreamConfig('{"name":"S","subjects":["a.>"],"unknown":1}');
 * if (!("config" in r) || r.config.name !== "S" || r.config.max_msgs !== 0) throw new Error();
 * ```
 */
export function parseStreamConfig(body: string): { config: StreamConfig } | { error: ApiError } {
  try {
    return { config: streamConfigFromDecoded(unmarshalStruct(STREAM_CONFIG_FIELDS, body)) };
  } catch {
    return { error: jsApiError("JSInvalidJSONErr") };
  }
}

function sourceJson(s: StreamSource): Record<string, unknown> {
  const out: Record<string, unknown> = { name: s.name };
  if (s.opt_start_seq) out.opt_start_seq = s.opt_start_seq;
  if (s.opt_start_time !== undefined) out.opt_start_time = s.opt_start_time;
  if (s.filter_subject) out.filter_subject = s.filter_subject;
  if (s.external) out.external = { api: s.external.api ?? "", deliver: s.external.deliver ?? "" };
  return out;
}

/**
 * The config as nats-server marshals it: Go's field order, `omitempty` fields left out when
 * zero, `storage` etc. as strings.
 */
export function streamConfigToJson(c: StreamConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { name: c.name };
  if (c.description) out.description = c.description;
  if (c.subjects && c.subjects.length > 0) out.subjects = [...c.subjects];
  out.retention = c.retention;
  out.max_consumers = c.max_consumers;
  out.max_msgs = c.max_msgs;
  out.max_bytes = c.max_bytes;
  out.max_age = c.max_age;
  out.max_msgs_per_subject = c.max_msgs_per_subject;
  if (c.max_msg_size) out.max_msg_size = c.max_msg_size;
  out.discard = c.discard;
  out.storage = c.storage;
  out.num_replicas = c.num_replicas;
  if (c.no_ack) out.no_ack = true;
  if (c.template_owner) out.template_owner = c.template_owner;
  if (c.duplicate_window) out.duplicate_window = c.duplicate_window;
  if (c.placement) {
    const p: Record<string, unknown> = {};
    if (c.placement.cluster) p.cluster = c.placement.cluster;
    if (c.placement.tags && c.placement.tags.length > 0) p.tags = [...c.placement.tags];
    out.placement = p;
  }
  if (c.mirror) out.mirror = sourceJson(c.mirror);
  if (c.sources && c.sources.length > 0) out.sources = c.sources.map(sourceJson);
  if (c.republish) {
    const r: Record<string, unknown> = {};
    if (c.republish.src) r.src = c.republish.src;
    r.dest = c.republish.dest ?? "";
    if (c.republish.headers_only) r.headers_only = true;
    out.republish = r;
  }
  out.allow_direct = c.allow_direct;
  out.mirror_direct = c.mirror_direct;
  if (c.discard_new_per_subject) out.discard_new_per_subject = true;
  out.sealed = c.sealed;
  out.deny_delete = c.deny_delete;
  out.deny_purge = c.deny_purge;
  out.allow_rollup_hdrs = c.allow_rollup_hdrs;
  return out;
}

/** stream.go constants. */
export const STREAM_MAX_REPLICAS = 5;
/** jetstream_api.go JSMaxNameLen / JSMaxDescriptionLen. */
export const JS_MAX_NAME_LEN = 255;
export const JS_MAX_DESCRIPTION_LEN = 4 * 1024;
/** stream.go StreamDefaultDuplicatesWindow: 2 minutes in nanoseconds. */
export const STREAM_DEFAULT_DUPLICATES_WINDOW = 120_000_000_000;
const MS100 = 100_000_000;

/** What checkStreamCfg looks up around the config (the account's streams, limits). */
export interface StreamCheckContext {
  /** The config of an existing stream of this account (Go `getStream`). */
  lookupStream?(name: string): StreamConfig | undefined;
  /** Server `jetstream { limits { duplicate_window } }` in ns; 0 for none. */
  limitDuplicates?: number;
  /** The selected account tier's MaxBytesRequired. */
  maxBytesRequired?: boolean;
  /** The tier's max stream bytes for this storage (memory/store MaxStreamBytes); 0 for none. */
  maxStreamBytes?: (storage: StorageType) => number;
  /** True while the meta layer recovers (skips filter-overlap checks). */
  isRecovering?: boolean;
}

function invalid(text: string): ApiError {
  return jsApiError("JSStreamInvalidConfigF", { err: text });
}

function cloneConfig(c: StreamConfig): StreamConfig {
  return structuredClone(c);
}

/**
 * stream.go `checkStreamCfg`: the config with defaults applied, or the first API error.
 *
 * @example
 * ```ts
 * import { checkStreamConfig, parseStreamConfig } from "./stream_config.ts";
 * const p = parseStreamConfig('{"name":"S"}');
 * if (!("config" in p)) throw new Error();
 * const r = checkStreamConfig(p.config);
 * if (!("config" in r) || r.config.max_msgs !== -1 || r.config.subjects?.[0] !== "S") {
 *   throw new Error();
 * }
 * ```
 */
export function checkStreamConfig(
  config: StreamConfig,
  ctx: StreamCheckContext = {},
): { config: StreamConfig } | { error: ApiError } {
  const fail = (error: ApiError) => ({ error });
  if (!isValidName(config.name)) {
    return fail(invalid("stream name is required and can not contain '.', '*', '>'"));
  }
  if (byteLength(config.name) > JS_MAX_NAME_LEN) {
    return fail(invalid(`stream name is too long, maximum allowed is ${JS_MAX_NAME_LEN}`));
  }
  if (byteLength(config.description ?? "") > JS_MAX_DESCRIPTION_LEN) {
    return fail(
      invalid(`stream description is too long, maximum allowed is ${JS_MAX_DESCRIPTION_LEN}`),
    );
  }
  const cfg = cloneConfig(config);
  if (cfg.storage === "") cfg.storage = "file";
  if (cfg.num_replicas === 0) cfg.num_replicas = 1;
  if (cfg.num_replicas > STREAM_MAX_REPLICAS) {
    return fail(invalid(`maximum replicas is ${STREAM_MAX_REPLICAS}`));
  }
  if (cfg.num_replicas < 0) return fail(jsApiError("JSReplicasCountCannotBeNegative"));
  if (cfg.max_msgs === 0) cfg.max_msgs = -1;
  if (cfg.max_msgs_per_subject === 0) cfg.max_msgs_per_subject = -1;
  if (cfg.max_bytes === 0) cfg.max_bytes = -1;
  if (cfg.max_msg_size === 0) cfg.max_msg_size = -1;
  if (cfg.max_consumers === 0) cfg.max_consumers = -1;
  const limDup = ctx.limitDuplicates ?? 0;
  if (cfg.duplicate_window === 0 && cfg.mirror === undefined) {
    let maxWindow = STREAM_DEFAULT_DUPLICATES_WINDOW;
    if (limDup > 0 && maxWindow > limDup) maxWindow = limDup;
    cfg.duplicate_window = cfg.max_age !== 0 && cfg.max_age < maxWindow ? cfg.max_age : maxWindow;
  }
  if (cfg.max_age > 0 && cfg.max_age < MS100) return fail(invalid("max age needs to be >= 100ms"));
  if (cfg.duplicate_window < 0) return fail(invalid("duplicates window can not be negative"));
  if (cfg.max_age !== 0 && cfg.duplicate_window > cfg.max_age) {
    return fail(invalid("duplicates window can not be larger then max age"));
  }
  if (limDup > 0 && cfg.duplicate_window > limDup) {
    return fail(
      invalid(
        `duplicates window can not be larger then server limit of ${
          formatGoDuration(BigInt(limDup))
        }`,
      ),
    );
  }
  if (cfg.duplicate_window > 0 && cfg.duplicate_window < MS100) {
    return fail(invalid("duplicates window needs to be >= 100ms"));
  }
  if (cfg.deny_purge && cfg.allow_rollup_hdrs) {
    return fail(invalid("roll-ups require the purge permission"));
  }
  if (cfg.discard_new_per_subject) {
    if (cfg.discard !== "new") {
      return fail(invalid("discard new per subject requires discard new policy to be set"));
    }
    if (cfg.max_msgs_per_subject <= 0) {
      return fail(invalid("discard new per subject requires max msgs per subject > 0"));
    }
  }
  const origin = checkOrigins(cfg, ctx);
  if (origin) return fail(origin);

  const subjects = cfg.subjects ?? [];
  if (subjects.length === 0) {
    if (cfg.mirror === undefined && (cfg.sources ?? []).length === 0) cfg.subjects = [cfg.name];
  } else {
    if (cfg.mirror !== undefined) return fail(jsApiError("JSMirrorWithSubjectsErr"));
    const seen = new Set<string>();
    for (const subj of subjects) {
      if (seen.has(subj)) return fail(invalid("duplicate subjects detected"));
      if (subjectIsSubsetMatch(subj, "$JS.API.>")) {
        return fail(invalid("subjects overlap with jetstream api"));
      }
      if (!isValidSubject(subj)) return fail(invalid("invalid subject"));
      seen.add(subj);
    }
  }
  const finalSubjects = cfg.subjects ?? [];
  if (finalSubjects.length === 0 && (cfg.sources ?? []).length === 0 && !cfg.mirror) {
    return fail(invalid("stream needs at least one configured subject or be a source/mirror"));
  }
  const limit = ctx.maxStreamBytes?.(cfg.storage) ?? 0;
  if (ctx.maxBytesRequired && cfg.max_bytes <= 0) {
    return fail(jsApiError("JSStreamMaxBytesRequired"));
  } else if (limit > 0 && cfg.max_bytes > limit) {
    return fail(jsApiError("JSStreamMaxStreamBytesExceeded"));
  }
  if (finalSubjects.length > 1) {
    for (const subj of finalSubjects) {
      for (const other of finalSubjects) {
        if (other !== subj && subjectsCollide(other, subj)) {
          return fail(invalid(`subject ${goQuote(subj)} overlaps with ${goQuote(other)}`));
        }
      }
    }
  }
  if (cfg.republish) {
    if (!cfg.republish.src) cfg.republish.src = ">";
    const src = cfg.republish.src;
    const dest = cfg.republish.dest ?? "";
    if (!finalSubjects.some((s) => subjectsCollide(src, s))) {
      return fail(
        invalid("stream configuration for republish source is not valid subset of subjects"),
      );
    }
    if (finalSubjects.some((s) => subjectsCollide(dest, s))) {
      return fail(invalid("stream configuration for republish destination forms a cycle"));
    }
    try {
      new SubjectTransform(src, dest);
    } catch {
      return fail(invalid("stream configuration for republish not valid"));
    }
  }
  return { config: cfg };
}

/** The mirror/sources part of checkStreamCfg: payload sizes, filters, prefixes and cycles. */
function checkOrigins(cfg: StreamConfig, ctx: StreamCheckContext): ApiError | null {
  const lookup = (name: string) => ctx.lookupStream?.(name);
  const overlapsOrigin = (filter: string | undefined, subs: string[]) =>
    !filter || subs.length === 0 || subs.some((s) => subjectsCollide(s, filter));
  const streamSubs: string[] = [];
  const deliveryPrefixes: string[] = [];
  const apiPrefixes: string[] = [];
  const noteExternal = (e: ExternalStream | undefined) => {
    if (!e) return;
    if (e.deliver) deliveryPrefixes.push(e.deliver);
    if (e.api) apiPrefixes.push(e.api);
  };
  if (cfg.mirror) {
    if ((cfg.subjects ?? []).length > 0) return jsApiError("JSMirrorWithSubjectsErr");
    if ((cfg.sources ?? []).length > 0) return jsApiError("JSMirrorWithSourcesErr");
    const origin = lookup(cfg.mirror.name);
    const subs = origin?.subjects ?? [];
    streamSubs.push(...subs);
    if (origin) {
      if (
        cfg.max_msg_size > 0 && origin.max_msg_size > 0 && cfg.max_msg_size < origin.max_msg_size
      ) {
        return jsApiError("JSMirrorMaxMessageSizeTooBigErr");
      }
      if (!ctx.isRecovering && !overlapsOrigin(cfg.mirror.filter_subject, subs)) {
        return invalid(
          `mirror '${cfg.mirror.name}' filter subject '${
            cfg.mirror.filter_subject ?? ""
          }' does not overlap with any origin stream subject`,
        );
      }
    }
    noteExternal(cfg.mirror.external);
    if (origin) cfg.mirror_direct = origin.allow_direct;
  }
  for (const src of cfg.sources ?? []) {
    const origin = lookup(src.name);
    const subs = origin?.subjects ?? [];
    streamSubs.push(...subs);
    if (origin) {
      if (
        cfg.max_msg_size > 0 && origin.max_msg_size > 0 && cfg.max_msg_size < origin.max_msg_size
      ) {
        return jsApiError("JSSourceMaxMessageSizeTooBigErr");
      }
      // nats-server checks the filter against every origin subject gathered so far.
      if (!ctx.isRecovering && !overlapsOrigin(src.filter_subject, streamSubs)) {
        return invalid(
          `source '${src.name}' filter subject '${
            src.filter_subject ?? ""
          }' does not overlap with any origin stream subject`,
        );
      }
    }
    noteExternal(src.external);
  }
  for (const pfx of deliveryPrefixes) {
    if (!isValidPublishSubject(pfx)) {
      return jsApiError("JSStreamInvalidExternalDeliverySubjErrF", { prefix: pfx });
    }
    for (const sub of streamSubs) {
      if (subjectsCollide(sub, `${pfx}.${sub}`)) {
        return jsApiError("JSStreamExternalDelPrefixOverlapsErrF", { prefix: pfx, subject: sub });
      }
    }
  }
  for (const pfx of apiPrefixes) {
    if (!isValidPublishSubject(pfx)) {
      return invalid(
        `stream external api prefix ${goQuote(pfx)} must be a valid subject without wildcards`,
      );
    }
    if (subjectsCollide(pfx, "$JS.API")) {
      return jsApiError("JSStreamExternalApiOverlapErrF", { prefix: pfx, subject: "$JS.API" });
    }
  }
  // Cycle check over sources and mirrors (external ones are not followed).
  const toVisit: StreamConfig[] = [cfg];
  const visited = new Set<string>();
  while (toVisit.length > 0) {
    const c = toVisit.shift()!;
    visited.add(c.name);
    for (const src of c.sources ?? []) {
      if (src.external) continue;
      if (visited.has(src.name)) return invalid("detected cycle");
      const next = lookup(src.name);
      if (next) toVisit.push(next);
    }
    if (c.mirror && !c.mirror.external) {
      if (visited.has(c.mirror.name)) return invalid("detected cycle");
      const next = lookup(c.mirror.name);
      if (next) toVisit.push(next);
    }
  }
  return null;
}
