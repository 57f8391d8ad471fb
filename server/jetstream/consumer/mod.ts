/**
 * @module
 * Consumers of JetStream on one server: {@link startConsumers} registers the consumer API with
 * JetStream over the stream engine (the StreamRegistry) and recovers the saved consumers of
 * every recovered stream, with nats-server 2.9.10's notice (jetstream.go
 * `enableJetStreamAccounts`). Runs in the isolate that owns the connections.
 */
import type { JetStream } from "../jetstream.ts";
import type { StreamRegistry, StreamView } from "../stream_view.ts";
import { ConsumerApi } from "./consumer_api.ts";
import type { InterestWatch, RemoteInterest } from "./consumer.ts";

export { Consumer } from "./consumer.ts";
export { ConsumerApi } from "./consumer_api.ts";

/** Options of {@link startConsumers}. */
export interface StartConsumersOptions {
  /** The server's max payload (rate limit burst). */
  maxPayload?: number;
  /** The server's interest changes (push consumers start as soon as a subscriber comes). */
  watchInterest?: InterestWatch;
  /** Interest beyond this cluster in pull request replies. */
  remoteInterest?: RemoteInterest;
  warn?: (text: string) => void;
  notice?: (text: string) => void;
}

/**
 * Serves the consumer API of `js` over `registry` and recovers the consumers of `streams`
 * (the streams recovered at startup).
 */
export function startConsumers(
  js: JetStream,
  registry: StreamRegistry,
  streams: Iterable<StreamView>,
  opts: StartConsumersOptions = {},
): ConsumerApi {
  const api = new ConsumerApi(registry, {
    maxPayload: opts.maxPayload,
    warn: opts.warn,
    watchInterest: opts.watchInterest,
    remoteInterest: opts.remoteInterest,
  });
  js.addHandler(api.handle);
  for (const s of streams) {
    const n = api.savedCount(s);
    if (n === 0) continue;
    opts.notice?.(`  Recovering ${n} consumers for stream - '${s.account.name} > ${s.name}'`);
    api.recover(s);
  }
  return api;
}
