/**
 * @module
 * The decisions of nats-server 2.9.10's consumer create handler on a single (non-clustered)
 * server, in its order: `jetstream_api.go` jsConsumerCreateRequest (the three subject forms,
 * names and filter taken from the subject) and `consumer.go` addConsumerWithAssignment
 * (defaults, checkConsumerCfg, an existing consumer's allowed updates, the consumer limit,
 * work-queue rules, name rules, the ephemeral inactive threshold).
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { type ApiError, isApiError, jsApiError } from "./errors.ts";
import { byteLength, isValidName, subjectIsSubsetMatch } from "./_subjects.ts";
import { JS_MAX_NAME_LEN, type StreamConfig } from "./stream_config.ts";
import {
  checkConsumerConfig,
  checkNewConsumerConfig,
  type ConsumerConfig,
  type ConsumerLimits,
  JS_DELETE_WAIT_TIME_DEFAULT,
  parseCreateConsumerRequest,
  setConsumerConfigDefaults,
} from "./consumer_config.ts";

/** The three request forms of consumer create (jetstream_api.go ccReqType). */
export const CONSUMER_CREATE_KINDS = ["new", "legacy_ephemeral", "legacy_durable"] as const;
export type ConsumerCreateKind = typeof CONSUMER_CREATE_KINDS[number];

/** What the consumer create decision reads from the account. */
export interface ConsumerRequestContext extends ConsumerLimits {
  lookupStream(name: string): StreamConfig | undefined;
  /** The consumers of stream `name` (name -> stored config). */
  consumers(stream: string): ReadonlyMap<string, ConsumerConfig>;
  /** The account tier's max_consumers (0 or -1 for none). */
  accountMaxConsumers?: number;
  /** Whether a deliver subject has subscribers (for push consumer rebinding). */
  deliverSubjectHasInterest?(subject: string): boolean;
  /** A fresh name for a legacy ephemeral (nats-server createConsumerName). */
  newConsumerName?(): string;
}

/** A created (or existing, unchanged or updated) consumer. */
export interface ConsumerCreateOk {
  stream: string;
  name: string;
  config: ConsumerConfig;
  /** True when a consumer of this name existed (the request updated or matched it). */
  existed: boolean;
}

/**
 * jsConsumerCreateRequest + addConsumer: the consumer to create/update, the API error, or
 * null when nats-server sends no answer (a subject of fewer than 5 tokens).
 *
 * @example
 * ```ts
 * import { consumerCreateCheck } from "./consumer_requests.ts";
 * const ctx = { lookupStream: () => undefined, consumers: () => new Map() };
 * const r = consumerCreateCheck("$JS.API.CONSUMER.CREATE.S", '{"stream_name":"S"}', ctx);
 * if (!r || !("error" in r) || r.error.err_code !== 10059) throw new Error();
 * ```
 */
export function consumerCreateCheck(
  subject: string,
  body: string,
  ctx: ConsumerRequestContext,
): ConsumerCreateOk | { error: ApiError } | null {
  const parsed = parseCreateConsumerRequest(body);
  if ("error" in parsed) return parsed;
  const req = parsed.request;
  const fail = (error: ApiError) => ({ error });
  const tokens = subject.split(".");
  const n = tokens.length;
  if (n < 5) return null;
  let kind: ConsumerCreateKind = "new";
  let streamName = tokens[4];
  let consumerName = "";
  let filter = "";
  if (n === 5) {
    kind = "legacy_ephemeral";
  } else {
    if (tokens[3] === "DURABLE") {
      kind = "legacy_durable";
      if (n !== 7) return fail(jsApiError("JSConsumerDurableNameNotInSubjectErr"));
      streamName = tokens[5];
      consumerName = tokens[6];
    } else {
      consumerName = tokens[5];
    }
    if (n > 7) filter = tokens.slice(6).join(".");
  }
  if (streamName !== req.stream_name) return fail(jsApiError("JSStreamMismatchErr"));
  if (consumerName !== "" && /[\\/]/.test(consumerName)) {
    return fail(jsApiError("JSConsumerNameContainsPathSeparatorsErr"));
  }
  const config = req.config;
  if (kind === "legacy_durable") {
    if (!config.durable_name) return fail(jsApiError("JSConsumerDurableNameNotSetErr"));
    if (consumerName !== config.durable_name) {
      return fail(jsApiError("JSConsumerDurableNameNotMatchSubjectErr"));
    }
  }
  if (kind === "new") {
    if (config.durable_name && consumerName !== config.durable_name) {
      return fail(jsApiError("JSConsumerDurableNameNotMatchSubjectErr"));
    }
    config.name = consumerName;
  }
  if (kind === "legacy_ephemeral" && config.durable_name) {
    return fail(jsApiError("JSConsumerEphemeralWithDurableNameErr"));
  }
  if (filter !== "" && (config.filter_subject ?? "") !== filter) {
    return fail(jsApiError("JSConsumerCreateFilterSubjectMismatchErr"));
  }
  if (config.num_replicas > 1) return fail(jsApiError("JSStreamReplicasNotSupportedErr"));
  const stream = ctx.lookupStream(req.stream_name);
  if (!stream) return fail(jsApiError("JSStreamNotFoundErr"));
  return addConsumer(stream, config, ctx);
}

/** consumer.go addConsumerWithAssignment on a single server (no clustering, no recovery). */
export function addConsumer(
  stream: StreamConfig,
  requested: ConsumerConfig,
  ctx: ConsumerRequestContext,
): ConsumerCreateOk | { error: ApiError } {
  const fail = (error: ApiError) => ({ error });
  const config = setConsumerConfigDefaults(requested, ctx);
  const invalid = checkConsumerConfig(config, { ...ctx, stream });
  if (invalid) return fail(invalid);
  const consumers = ctx.consumers(stream.name);
  const cName = config.durable_name || config.name || "";
  if (cName !== "") {
    const existing = consumers.get(cName);
    if (existing) {
      const err = checkNewConsumerConfig(
        existing,
        config,
        ctx.deliverSubjectHasInterest ?? (() => false),
      );
      if (err === null) return { stream: stream.name, name: cName, config, existed: true };
      return fail(isApiError(err) ? err : jsApiError("JSConsumerCreateErrF", { err }));
    }
  }
  let maxc = stream.max_consumers;
  const accMax = ctx.accountMaxConsumers ?? 0;
  if (maxc <= 0 || (accMax > 0 && accMax < maxc)) maxc = accMax;
  const publicCount = [...consumers.values()].filter((c) => !c.direct).length;
  if (maxc > 0 && publicCount >= maxc) return fail(jsApiError("JSMaximumConsumersLimitErr"));
  if (stream.retention === "workqueue" && !config.direct) {
    if (config.ack_policy !== "explicit") {
      return fail(jsApiError("JSConsumerWQRequiresExplicitAckErr"));
    }
    if (consumers.size > 0) {
      const filter = config.filter_subject ?? "";
      if (filter === "") return fail(jsApiError("JSConsumerWQMultipleUnfilteredErr"));
      for (const other of consumers.values()) {
        const f = other.filter_subject ?? "";
        if (f === "" || subjectIsSubsetMatch(filter, f) || subjectIsSubsetMatch(f, filter)) {
          return fail(jsApiError("JSConsumerWQConsumerNotUniqueErr"));
        }
      }
    }
    if (config.deliver_policy !== "all") {
      return fail(jsApiError("JSConsumerWQConsumerNotDeliverAllErr"));
    }
  }
  let name: string;
  if (config.durable_name) {
    if (byteLength(config.durable_name) > JS_MAX_NAME_LEN) {
      return fail(jsApiError("JSConsumerNameTooLongErrF", { max: JS_MAX_NAME_LEN }));
    }
    name = config.durable_name;
  } else if (config.name) {
    name = config.name;
  } else {
    // nats-server copies the config into the consumer before naming a legacy ephemeral, so
    // its stored (and reported) config carries no name.
    do name = ctx.newConsumerName?.() ?? ""; while (name !== "" && consumers.has(name));
  }
  if (!isValidName(name)) return fail(jsApiError("JSConsumerBadDurableNameErr"));
  if (!config.durable_name && (config.inactive_threshold ?? 0) <= 0) {
    config.inactive_threshold = JS_DELETE_WAIT_TIME_DEFAULT;
  }
  return { stream: stream.name, name, config, existed: false };
}
