/**
 * @module
 * Test helper: a single-server JetStream account answering STREAM.CREATE / STREAM.UPDATE (and
 * later CONSUMER creates) with our pure validators and keeping the accepted configs, so the
 * recorded nats-server cases can be replayed. Not for production use.
 */
import type { ApiError } from "./errors.ts";
import {
  streamCreateCheck,
  type StreamRequestContext,
  streamUpdateCheck,
} from "./stream_requests.ts";

export class ApiSimulator {
  readonly #ctx: StreamRequestContext;

  constructor(ctx: StreamRequestContext) {
    this.#ctx = ctx;
  }

  /** The answer `{error}` / `{config}` to a raw request, or null when nobody would answer. */
  request(subject: string, body: string): { error?: ApiError; config?: unknown } | null {
    const tokens = subject.split(".");
    const op = tokens.slice(2, 4).join(".");
    if (op === "STREAM.CREATE" && tokens.length === 5) {
      const r = streamCreateCheck(tokens[4], body, this.#ctx);
      if ("error" in r) return r;
      if (!r.existed) this.#ctx.streams = [...this.#ctx.streams, r.config];
      return { config: r.config };
    }
    if (op === "STREAM.UPDATE" && tokens.length === 5) {
      const r = streamUpdateCheck(tokens[4], body, this.#ctx);
      if ("error" in r) return r;
      this.#ctx.streams = this.#ctx.streams.map((s) => s.name === r.config.name ? r.config : s);
      return { config: r.config };
    }
    return null;
  }
}
