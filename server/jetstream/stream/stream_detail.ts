/**
 * @module
 * A stream as `/jsz` lists it (nats-server 2.9.10 monitor.go `StreamDetail`): name, created,
 * cluster, config (when asked for), state, consumer_detail (when asked for; public consumers
 * only, each with its config only when asked for), mirror and sources, in Go's member order.
 * PURE: no Deno APIs, timers or console output.
 */
import type { ConsumerHandle } from "../stream_view.ts";

type Json = Record<string, unknown>;

/** What `/jsz` asks of each stream. */
export interface StreamDetailOptions {
  config: boolean;
  consumers: boolean;
  /** nats-server `clusterInfo(nil)`: `{name?, leader}` of this server. */
  cluster: Json;
}

/** What a stream provides to its detail. */
export interface DetailSource {
  readonly name: string;
  readonly consumers: ReadonlyMap<string, ConsumerHandle>;
  /** Stream info members (config, created, state, mirror, sources). */
  info(): Json;
}

/** The `stream_detail` entry of `s`. */
export function streamDetail(s: DetailSource, opts: StreamDetailOptions): Json {
  const info = s.info();
  const out: Json = { name: s.name, created: info.created, cluster: opts.cluster };
  if (opts.config) out.config = info.config;
  out.state = info.state;
  if (opts.consumers) {
    const list: Json[] = [];
    const names = [...s.consumers.keys()].sort();
    for (const name of names) {
      const c = s.consumers.get(name)!;
      if (c.direct === true || c.detail === undefined) continue;
      list.push(c.detail(opts.config));
    }
    if (list.length > 0) out.consumer_detail = list;
  }
  if (info.mirror !== undefined) out.mirror = info.mirror;
  if (info.sources !== undefined) out.sources = info.sources;
  return out;
}
