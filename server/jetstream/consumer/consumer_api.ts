/**
 * @module
 * The consumer API of nats-server 2.9.10 on a single server (jetstream_api.go
 * `jsConsumerCreateRequest`, `jsConsumerInfoRequest`, `jsConsumerNamesRequest`,
 * `jsConsumerListRequest`, `jsConsumerDeleteRequest`): `CONSUMER.CREATE.<stream>`,
 * `CONSUMER.CREATE.<stream>.<name>[.<filter>]`, `CONSUMER.DURABLE.CREATE.<stream>.<name>`,
 * `CONSUMER.INFO`, `CONSUMER.NAMES`, `CONSUMER.LIST` (paged), `CONSUMER.DELETE`, each with
 * nats-server's checks in its order and its answer shapes; consumers' configs (ephemerals too,
 * as nats-server) saved beside their stream and recovered with it. `CONSUMER.MSG.NEXT` is served
 * by each consumer's own subscription. Runs in the isolate that owns the streams.
 */
import { hasSubscriberInterest } from "../../accounts/import_routing.ts";
import type { JsApiRequest } from "../jetstream.ts";
import { NOT_ENABLED_FOR_ACCOUNT } from "../jetstream.ts";
import type { StreamRegistry, StreamView } from "../stream_view.ts";
import {
  apiResponse,
  consumerInfoResponse,
  consumerListResponse,
  isEmptyRequest,
  namesResponse,
  parsePagedRequest,
  successResponse,
} from "../api/api_types.ts";
import { type ApiOp, parseApiSubject } from "../api/api_subjects.ts";
import { jsApiError } from "../api/errors.ts";
import { type ConsumerConfig, parseCreateConsumerRequest } from "../api/consumer_config.ts";
import { consumerCreateCheck } from "../api/consumer_requests.ts";
import { Consumer, type InterestWatch, type RemoteInterest } from "./consumer.ts";
import {
  consumerMetaBody,
  readConsumerMetas,
  removeConsumerMeta,
  savedConsumerDirs,
  writeConsumerMeta,
} from "./consumer_meta.ts";
import { randomBase62 } from "../../protocol/base62.ts";

type Json = Record<string, unknown>;

/** Options of {@link ConsumerApi}. */
export interface ConsumerApiOptions {
  /** The server's max payload (rate limit burst). */
  maxPayload?: number;
  /** Server `jetstream.limits` max_ack_pending / max_request_batch. */
  serverMaxAckPending?: number;
  serverMaxRequestBatch?: number;
  random?: () => number;
  /** Watches interest changes (push consumers start as soon as a subscriber comes). */
  watchInterest?: InterestWatch;
  /** Interest beyond this cluster in pull request replies. */
  remoteInterest?: RemoteInterest;
  /** Reports a saved consumer that could not be recovered. */
  warn?: (text: string) => void;
}

/** The consumers of a stream that this module created (skipping foreign handles). */
function consumersOf(view: StreamView): Consumer[] {
  return [...view.consumers.values()].filter((c): c is Consumer => c instanceof Consumer);
}

/** The consumers clients see (nats-server getPublicConsumers: direct ones left out). */
function publicConsumersOf(view: StreamView): Consumer[] {
  return consumersOf(view).filter((c) => !c.direct);
}

/** Consumer API handlers over a {@link StreamRegistry}. */
export class ConsumerApi {
  readonly #registry: StreamRegistry;
  readonly #opts: ConsumerApiOptions;
  readonly #random: () => number;
  /**
   * A clustered stream's leader hands its durable consumers' saved configs to the stream's
   * group (cluster/stream_replica.ts), so the replica that leads next recovers them.
   */
  replication: {
    saved(view: StreamView, name: string, body: string): void;
    removed(view: StreamView, name: string): void;
  } | null = null;

  constructor(registry: StreamRegistry, opts: ConsumerApiOptions = {}) {
    this.#registry = registry;
    this.#opts = opts;
    this.#random = opts.random ?? Math.random;
  }

  /** A JetStream API handler: answers consumer operations, null for anything else. */
  readonly handle = (req: JsApiRequest): Json | null => {
    const subject = `$JS.API.${req.op}`;
    const route = parseApiSubject(subject);
    if (route === null) return null;
    const body = req.msg.string();
    switch (route.op as ApiOp) {
      case "CONSUMER.CREATE":
      case "CONSUMER.CREATE.NAMED":
      case "CONSUMER.DURABLE.CREATE":
        return this.#create(req, subject, body);
      case "CONSUMER.INFO":
        return this.#info(req, route.stream ?? "", route.consumer ?? "", body);
      case "CONSUMER.DELETE":
        return this.#delete(req, route.stream ?? "", route.consumer ?? "", body);
      case "CONSUMER.MSG.NEXT":
        // `$JS.API.` requests reach the consumer's own subscription; a domain's
        // `$JS.<domain>.API.` ones are passed on (nats-server maps them onto `$JS.API.`).
        if (!req.msg.subject.startsWith("$JS.API.")) this.#forwardNext(req, route, body);
        return null;
      case "CONSUMER.NAMES":
      case "CONSUMER.LIST":
        return this.#names(
          req,
          route.op as "CONSUMER.NAMES" | "CONSUMER.LIST",
          route.stream ?? "",
          body,
        );
      default:
        return null;
    }
  };

  /** Starts a consumer on `view` and attaches it. */
  startConsumer(
    view: StreamView,
    name: string,
    config: ConsumerConfig,
    created?: bigint,
    state?: Uint8Array,
  ): Consumer {
    const c = new Consumer(view, name, config, {
      created,
      state,
      maxPayload: this.#opts.maxPayload,
      random: this.#random,
      watchInterest: this.#opts.watchInterest,
      remoteInterest: this.#opts.remoteInterest,
      warn: this.#opts.warn,
      onDeleted: (gone) => this.#forget(view, gone.name),
    });
    view.attachConsumer(c);
    c.start();
    return c;
  }

  /** How many consumers `view` has saved. */
  savedCount(view: StreamView): number {
    const dir = view.consumerDir ?? null;
    return dir === null ? 0 : savedConsumerDirs(dir).length;
  }

  /** Recreates the saved consumers of a recovered stream (ephemerals go once inactive). */
  recover(view: StreamView): Consumer[] {
    const dir = view.consumerDir ?? null;
    if (dir === null) return [];
    const warn = this.#opts.warn ?? (() => {});
    return readConsumerMetas(dir, warn, view.sealer ?? null).map((s) =>
      this.startConsumer(view, s.name, s.config, s.created)
    );
  }

  #forwardNext(req: JsApiRequest, route: { stream?: string; consumer?: string }, body: string) {
    const view = this.#registry.stream(req.jsa.account.name, route.stream ?? "");
    const consumer = view?.consumers.get(route.consumer ?? "");
    if (consumer instanceof Consumer) consumer.pullRequest(req.msg.reply, body);
  }

  #forget(view: StreamView, name: string): void {
    const dir = view.consumerDir ?? null;
    if (dir !== null) removeConsumerMeta(dir, name);
    this.replication?.removed(view, name);
  }

  #create(req: JsApiRequest, subject: string, body: string): Json | null {
    const fail = (error: ReturnType<typeof jsApiError>) => apiResponse("CONSUMER.CREATE", error);
    const { jsa } = req;
    if (jsa.limits === null) {
      const parsed = parseCreateConsumerRequest(body);
      if ("error" in parsed) return fail(parsed.error);
      return { type: apiResponse("CONSUMER.CREATE").type, error: NOT_ENABLED_FOR_ACCOUNT };
    }
    const account = jsa.account;
    const registry = this.#registry;
    const r = consumerCreateCheck(subject, body, {
      lookupStream: (name) => registry.stream(account.name, name)?.config,
      consumers: (stream) => {
        const view = registry.stream(account.name, stream);
        const out = new Map<string, ConsumerConfig>();
        if (view) { for (const c of consumersOf(view)) out.set(c.name, c.config); }
        return out;
      },
      accountMaxConsumers: jsa.limits.max_consumers,
      accountMaxAckPending: jsa.limits.max_ack_pending,
      serverMaxAckPending: this.#opts.serverMaxAckPending,
      serverMaxRequestBatch: this.#opts.serverMaxRequestBatch,
      deliverSubjectHasInterest: (s) => hasSubscriberInterest(account, s),
      newConsumerName: () => randomBase62(8, this.#random),
    });
    if (r === null) return null;
    if ("error" in r) return fail(r.error);
    const view = registry.stream(account.name, r.stream)!;
    let consumer = view.consumers.get(r.name);
    if (consumer instanceof Consumer) {
      consumer.updateConfig(r.config);
    } else {
      consumer = this.startConsumer(view, r.name, r.config);
      (consumer as Consumer).sendActionAdvisory("create");
    }
    const c = consumer as Consumer;
    const dir = view.consumerDir ?? null;
    // Ephemerals are saved too (nats-server): recovered, they go once inactive. Direct
    // consumers have no store (consumer.go addConsumerWithAssignment).
    if (!c.direct) {
      if (dir !== null) writeConsumerMeta(dir, c.name, c.config, c.created, view.sealer ?? null);
      // A clustered stream's group carries every consumer (a memory stream's and ephemerals
      // too), so that the replica leading next resumes it.
      this.replication?.saved(view, c.name, consumerMetaBody(c.name, c.config, c.created));
    }
    return consumerInfoResponse("CONSUMER.CREATE", c.info());
  }

  #lookup(
    req: JsApiRequest,
    stream: string,
    name: string,
    op: "CONSUMER.INFO" | "CONSUMER.DELETE",
  ): { view: StreamView; consumer: Consumer } | Json {
    const view = this.#registry.stream(req.jsa.account.name, stream);
    if (!view) return apiResponse(op, jsApiError("JSStreamNotFoundErr"));
    const consumer = view.consumers.get(name);
    if (!(consumer instanceof Consumer)) {
      return apiResponse(op, jsApiError("JSConsumerNotFoundErr"));
    }
    return { view, consumer };
  }

  #info(req: JsApiRequest, stream: string, name: string, body: string): Json {
    const op = "CONSUMER.INFO";
    if (!isEmptyRequest(body)) return apiResponse(op, jsApiError("JSNotEmptyRequestErr"));
    if (req.jsa.limits === null) {
      return { type: apiResponse(op).type, error: NOT_ENABLED_FOR_ACCOUNT };
    }
    const found = this.#lookup(req, stream, name, op);
    if (!("consumer" in found)) return found as Json;
    return consumerInfoResponse(op, (found.consumer as Consumer).info());
  }

  #delete(req: JsApiRequest, stream: string, name: string, body: string): Json {
    const op = "CONSUMER.DELETE";
    if (req.jsa.limits === null) {
      return { type: apiResponse(op).type, error: NOT_ENABLED_FOR_ACCOUNT };
    }
    if (!isEmptyRequest(body)) return apiResponse(op, jsApiError("JSNotEmptyRequestErr"));
    const found = this.#lookup(req, stream, name, op);
    if (!("consumer" in found)) return found as Json;
    const { view, consumer } = found as { view: StreamView; consumer: Consumer };
    consumer.delete();
    view.detachConsumer(name);
    consumer.releaseInterest();
    this.#forget(view, name);
    consumer.sendActionAdvisory("delete");
    return successResponse(op, true);
  }

  #names(
    req: JsApiRequest,
    op: "CONSUMER.NAMES" | "CONSUMER.LIST",
    stream: string,
    body: string,
  ): Json {
    // Go's response struct has no omitempty on the paging members: errors carry them too.
    const fail = (error: unknown) => ({
      type: apiResponse(op).type,
      error,
      total: 0,
      offset: 0,
      limit: 0,
      consumers: [],
    });
    if (req.jsa.limits === null) return fail(NOT_ENABLED_FOR_ACCOUNT);
    const parsed = parsePagedRequest(body);
    if ("error" in parsed) return fail(parsed.error);
    const view = this.#registry.stream(req.jsa.account.name, stream);
    if (!view) return fail(jsApiError("JSStreamNotFoundErr"));
    const consumers = publicConsumersOf(view);
    const offset = parsed.request.offset;
    if (op === "CONSUMER.NAMES") return namesResponse(op, consumers.map((c) => c.name), offset);
    return consumerListResponse(consumers.map((c) => c.info()), offset);
  }
}
