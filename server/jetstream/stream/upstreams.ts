/**
 * @module
 * The mirror or the sources of one stream, started with the stream's subscriptions
 * (nats-server 2.9.10 stream.go `subscribeToStream`: `setupMirrorConsumer` or
 * `setupSourceConsumers`), following source updates, stopped with the stream, and reported in
 * stream info (`mirror`, `sources`). PURE: no Deno APIs, timers or console output.
 */
import type { StreamSourceInfo } from "../api/api_types.ts";
import type { StreamConfig } from "../api/stream_config.ts";
import { MirrorLink } from "./mirror.ts";
import { SourceSet } from "./sources.ts";
import type { UpstreamHost } from "./upstream.ts";

/** A stream's upstream consumers (see the module doc). */
export class Upstreams {
  readonly #host: UpstreamHost;
  #mirror: MirrorLink | null = null;
  #sources: SourceSet | null = null;
  /** Started and not stopped (a replica that does not lead runs none). */
  #running = false;

  constructor(host: UpstreamHost) {
    this.#host = host;
  }

  /** Starts the mirror, or the sources, of the stream's config. */
  start(): void {
    this.#running = true;
    const cfg = this.#host.config;
    if (cfg.mirror) {
      this.#mirror = new MirrorLink(this.#host, cfg.mirror);
      this.#mirror.setup();
    } else if ((cfg.sources ?? []).length > 0) {
      this.#sources = new SourceSet(this.#host);
      this.#sources.start(cfg.sources!);
    }
  }

  /** A config update: sources added, removed or refiltered (a mirror cannot change). */
  configChanged(old: StreamConfig, next: StreamConfig): void {
    if (!this.#running) return;
    if (next.mirror || this.#mirror !== null) return;
    const before = old.sources ?? [], after = next.sources ?? [];
    if (before.length === 0 && after.length === 0) return;
    this.#sources ??= new SourceSet(this.#host);
    this.#sources.update(before, after);
  }

  /** Stops the mirror or sources ({@link start} starts them again). */
  stop(): void {
    this.#mirror?.stop();
    this.#sources?.stop();
    this.#mirror = null;
    this.#sources = null;
    this.#running = false;
  }

  /** Stream info's `mirror` and `sources` members. */
  info(): { mirror?: StreamSourceInfo; sources?: StreamSourceInfo[] } {
    if (this.#mirror !== null) return { mirror: this.#mirror.info() };
    if (this.#sources === null || this.#sources.links.size === 0) return {};
    return { sources: [...this.#sources.links.values()].map((l) => l.info()) };
  }
}
