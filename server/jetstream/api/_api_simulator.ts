/**
 * @module
 * Test helper: one account of a single-server JetStream answering stream and consumer creates
 * and updates with our pure validators and keeping what they accept, so the recorded
 * nats-server cases can be replayed. Not for production use.
 */
import { parseApiSubject } from "./api_subjects.ts";
import type { ConsumerConfig } from "./consumer_config.ts";
import { consumerCreateCheck } from "./consumer_requests.ts";
import type { ApiError } from "./errors.ts";
import type { StreamConfig } from "./stream_config.ts";
import {
  streamCreateCheck,
  type StreamRequestContext,
  streamUpdateCheck,
} from "./stream_requests.ts";

/** What the simulator answers: an error, or the accepted config. */
export type SimAnswer = { error?: ApiError; config?: StreamConfig | ConsumerConfig } | null;

export class ApiSimulator {
  readonly #ctx: StreamRequestContext;
  readonly #consumers = new Map<string, Map<string, ConsumerConfig>>();
  #next = 0;

  constructor(ctx: StreamRequestContext) {
    this.#ctx = ctx;
  }

  /** The streams accepted so far. */
  get streams(): readonly StreamConfig[] {
    return this.#ctx.streams;
  }

  /** The answer to a raw request, or null when nats-server would send none. */
  request(subject: string, body: string): SimAnswer {
    const route = parseApiSubject(subject);
    if (!route) return null;
    switch (route.op) {
      case "STREAM.CREATE": {
        const r = streamCreateCheck(route.stream!, body, this.#ctx);
        if ("error" in r) return r;
        if (!r.existed) this.#ctx.streams = [...this.#ctx.streams, r.config];
        return { config: r.config };
      }
      case "STREAM.UPDATE": {
        const r = streamUpdateCheck(route.stream!, body, this.#ctx);
        if ("error" in r) return r;
        this.#ctx.streams = this.#ctx.streams.map((s) => s.name === r.config.name ? r.config : s);
        return { config: r.config };
      }
      case "CONSUMER.CREATE":
      case "CONSUMER.CREATE.NAMED":
      case "CONSUMER.DURABLE.CREATE": {
        const r = consumerCreateCheck(subject, body, {
          lookupStream: (name) => this.#ctx.streams.find((s) => s.name === name),
          consumers: (stream) => this.#consumers.get(stream) ?? new Map(),
          newConsumerName: () => `eph${++this.#next}`,
        });
        if (r === null || "error" in r) return r;
        const map = this.#consumers.get(r.stream) ?? new Map<string, ConsumerConfig>();
        map.set(r.name, r.config);
        this.#consumers.set(r.stream, map);
        return { config: r.config };
      }
      default:
        return null;
    }
  }
}
