/**
 * @module
 * JetStream advisories and metrics (nats-server 2.9.10 jetstream_events.go, subjects from
 * jetstream_api.go): stream and consumer actions, consumer delivery advisories (max
 * deliveries, nak, terminated), ack metrics and the API audit, each a JSON object with the
 * `TypedEvent` head (`type`, `id`, `timestamp`) and nats-server's field order, published on
 * `$JS.EVENT.ADVISORY.>` / `$JS.EVENT.METRIC.>` in the account concerned.
 * PURE: no Deno APIs, timers or console output; ids and time are injected.
 */
import { goTimeNs } from "./js_time.ts";

/** Advisory subjects (nats-server JSAdvisory*Pre, JSMetric*Pre, JSAuditAdvisory). */
export const ADVISORY = {
  streamCreated: "$JS.EVENT.ADVISORY.STREAM.CREATED",
  streamDeleted: "$JS.EVENT.ADVISORY.STREAM.DELETED",
  streamUpdated: "$JS.EVENT.ADVISORY.STREAM.UPDATED",
  consumerCreated: "$JS.EVENT.ADVISORY.CONSUMER.CREATED",
  consumerDeleted: "$JS.EVENT.ADVISORY.CONSUMER.DELETED",
  maxDeliveries: "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES",
  nak: "$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED",
  terminated: "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED",
  ackMetric: "$JS.EVENT.METRIC.CONSUMER.ACK",
  api: "$JS.EVENT.ADVISORY.API",
  snapshotCreate: "$JS.EVENT.ADVISORY.STREAM.SNAPSHOT_CREATE",
  snapshotComplete: "$JS.EVENT.ADVISORY.STREAM.SNAPSHOT_COMPLETE",
  restoreCreate: "$JS.EVENT.ADVISORY.STREAM.RESTORE_CREATE",
  restoreComplete: "$JS.EVENT.ADVISORY.STREAM.RESTORE_COMPLETE",
} as const;

/** nats-server ActionAdvisoryType. */
export type AdvisoryAction = "create" | "delete" | "modify";

/** One advisory ready to publish. */
export interface Advisory {
  readonly subject: string;
  readonly body: Record<string, unknown>;
}

/** Where ids, time and the domain come from. */
export interface AdvisoryContext {
  /** A new event id (a NUID). */
  nextId(): string;
  /** Now, in nanoseconds since the epoch. */
  now(): bigint;
  /** The JetStream domain ("" = none; then `domain` is left out). */
  readonly domain: string;
}

/** A delivery of one message to a consumer, as the consumer advisories describe it. */
export interface DeliveryFacts {
  stream: string;
  consumer: string;
  consumerSeq: number;
  streamSeq: number;
  deliveries: number;
}

/** Builds JetStream advisories with nats-server's shapes. */
export class Advisories {
  readonly #ctx: AdvisoryContext;

  constructor(ctx: AdvisoryContext) {
    this.#ctx = ctx;
  }

  #event(type: string, fields: Record<string, unknown>): Record<string, unknown> {
    const body: Record<string, unknown> = {
      type,
      id: this.#ctx.nextId(),
      timestamp: goTimeNs(this.#ctx.now()),
      ...fields,
    };
    if (this.#ctx.domain !== "") body.domain = this.#ctx.domain;
    return body;
  }

  /**
   * `$JS.EVENT.ADVISORY.STREAM.{CREATED,DELETED,UPDATED}.<stream>`; `template` is the stream's
   * template owner (nats-server leaves it out of the update advisory).
   */
  streamAction(stream: string, action: AdvisoryAction, template = ""): Advisory {
    const fields: Record<string, unknown> = { stream, action };
    if (template !== "" && action !== "modify") fields.template = template;
    const pre = action === "create"
      ? ADVISORY.streamCreated
      : action === "delete"
      ? ADVISORY.streamDeleted
      : ADVISORY.streamUpdated;
    return {
      subject: `${pre}.${stream}`,
      body: this.#event("io.nats.jetstream.advisory.v1.stream_action", fields),
    };
  }

  /** `$JS.EVENT.ADVISORY.CONSUMER.{CREATED,DELETED}.<stream>.<consumer>`. */
  consumerAction(stream: string, consumer: string, action: AdvisoryAction): Advisory {
    const pre = action === "delete" ? ADVISORY.consumerDeleted : ADVISORY.consumerCreated;
    return {
      subject: `${pre}.${stream}.${consumer}`,
      body: this.#event("io.nats.jetstream.advisory.v1.consumer_action", {
        stream,
        consumer,
        action,
      }),
    };
  }

  /** `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`. */
  maxDeliveries(d: DeliveryFacts): Advisory {
    return {
      subject: `${ADVISORY.maxDeliveries}.${d.stream}.${d.consumer}`,
      body: this.#event("io.nats.jetstream.advisory.v1.max_deliver", {
        stream: d.stream,
        consumer: d.consumer,
        stream_seq: d.streamSeq,
        deliveries: d.deliveries,
      }),
    };
  }

  /** `$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.<stream>.<consumer>`. */
  nak(d: DeliveryFacts): Advisory {
    return {
      subject: `${ADVISORY.nak}.${d.stream}.${d.consumer}`,
      body: this.#event("io.nats.jetstream.advisory.v1.nak", this.#delivery(d)),
    };
  }

  /** `$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.<stream>.<consumer>`. */
  terminated(d: DeliveryFacts): Advisory {
    return {
      subject: `${ADVISORY.terminated}.${d.stream}.${d.consumer}`,
      body: this.#event("io.nats.jetstream.advisory.v1.terminated", this.#delivery(d)),
    };
  }

  /** `$JS.EVENT.METRIC.CONSUMER.ACK.<stream>.<consumer>`: `ackTimeNs` from delivery to ack. */
  ackMetric(d: DeliveryFacts, ackTimeNs: bigint): Advisory {
    return {
      subject: `${ADVISORY.ackMetric}.${d.stream}.${d.consumer}`,
      body: this.#event("io.nats.jetstream.metric.v1.consumer_ack", {
        stream: d.stream,
        consumer: d.consumer,
        consumer_seq: d.consumerSeq,
        stream_seq: d.streamSeq,
        ack_time: Number(ackTimeNs),
        deliveries: d.deliveries,
      }),
    };
  }

  /**
   * `$JS.EVENT.ADVISORY.API`: one API request and its response text. `client` is nats-server's
   * `ClientInfo` of the requester (at least `acc` and `server`).
   */
  apiAudit(
    server: string,
    client: Record<string, unknown>,
    subject: string,
    request: string,
    response: string,
  ): Advisory {
    const fields: Record<string, unknown> = { server, client, subject };
    if (request !== "") fields.request = request;
    fields.response = response;
    return {
      subject: ADVISORY.api,
      body: this.#event("io.nats.jetstream.advisory.v1.api_audit", fields),
    };
  }

  /** `$JS.EVENT.ADVISORY.STREAM.SNAPSHOT_CREATE.<stream>` (JSSnapshotCreateAdvisory). */
  snapshotCreate(
    stream: string,
    state: Record<string, unknown>,
    client: Record<string, unknown>,
  ): Advisory {
    return {
      subject: `${ADVISORY.snapshotCreate}.${stream}`,
      body: this.#event("io.nats.jetstream.advisory.v1.snapshot_create", {
        stream,
        state,
        client,
      }),
    };
  }

  /** `$JS.EVENT.ADVISORY.STREAM.SNAPSHOT_COMPLETE.<stream>`; times in ns since the epoch. */
  snapshotComplete(
    stream: string,
    start: bigint,
    end: bigint,
    client: Record<string, unknown>,
  ): Advisory {
    return {
      subject: `${ADVISORY.snapshotComplete}.${stream}`,
      body: this.#event("io.nats.jetstream.advisory.v1.snapshot_complete", {
        stream,
        start: goTimeNs(start),
        end: goTimeNs(end),
        client,
      }),
    };
  }

  /** `$JS.EVENT.ADVISORY.STREAM.RESTORE_CREATE.<stream>` (JSRestoreCreateAdvisory). */
  restoreCreate(stream: string, client: Record<string, unknown>): Advisory {
    return {
      subject: `${ADVISORY.restoreCreate}.${stream}`,
      body: this.#event("io.nats.jetstream.advisory.v1.restore_create", { stream, client }),
    };
  }

  /** `$JS.EVENT.ADVISORY.STREAM.RESTORE_COMPLETE.<stream>` with the bytes received. */
  restoreComplete(
    stream: string,
    start: bigint,
    end: bigint,
    bytes: number,
    client: Record<string, unknown>,
  ): Advisory {
    return {
      subject: `${ADVISORY.restoreComplete}.${stream}`,
      body: this.#event("io.nats.jetstream.advisory.v1.restore_complete", {
        stream,
        start: goTimeNs(start),
        end: goTimeNs(end),
        bytes,
        client,
      }),
    };
  }

  #delivery(d: DeliveryFacts): Record<string, unknown> {
    return {
      stream: d.stream,
      consumer: d.consumer,
      consumer_seq: d.consumerSeq,
      stream_seq: d.streamSeq,
      deliveries: d.deliveries,
    };
  }
}
