/**
 * @module
 * Streams of JetStream on one server: {@link startStreams} builds the stream engine, registers
 * the stream API operations with JetStream, and recovers the saved streams (before the server
 * says it is ready). Runs in the isolate that owns the connections.
 */
import type { InternalContext } from "../../internal/internal_connection.ts";
import type { JetStream } from "../jetstream.ts";
import { type FileStoreFactory, StreamEngine } from "./engine.ts";
import { msgApiHandler } from "./msg_api.ts";
import { realStreamEnv } from "./real_env.ts";
import type { StreamEnv } from "./stream.ts";
import { streamApiHandler } from "./stream_api.ts";
import { templateApiHandler } from "./template_api.ts";
import { startConsumers } from "../consumer/mod.ts";
import { snapshotApiHandler } from "../snapshot/snapshot_api.ts";
import type { InterestWatch, RemoteInterest } from "../consumer/consumer.ts";
import type { Account } from "../../accounts/account.ts";
import type { StoreEncryption } from "../store/file/stream_key_file.ts";

export { StreamEngine } from "./engine.ts";
export { Stream } from "./stream.ts";

/** Options of {@link startStreams}. */
export interface StartStreamsOptions {
  /** No cluster and no gateway port (nats-server standAloneMode). Default true. */
  standalone?: boolean;
  /** Clustered JetStream: streams start as replicas, their leaders run the consumers. */
  clustered?: boolean;
  env?: StreamEnv;
  openFileStore?: FileStoreFactory;
  /** `jetstream { key, cipher }`: file streams encrypted at rest. */
  encryption?: StoreEncryption | null;
  warn?: (text: string) => void;
  /** Error lines (a restore archive with unexpected content). */
  error?: (text: string) => void;
  debug?: (text: string) => void;
  notice?: (text: string) => void;
}

/** Starts the stream engine of `js`: API handlers, usage, recovery. */
export function startStreams(
  js: JetStream,
  ctx: InternalContext,
  opts: StartStreamsOptions = {},
): StreamEngine {
  const c = js.config;
  const engine = new StreamEngine({
    ctx,
    env: opts.env ?? realStreamEnv,
    storeDir: c.storeDir,
    domain: c.domain,
    maxMemory: c.maxMemory,
    maxStore: c.maxStore,
    standalone: opts.standalone ?? true,
    clustered: opts.clustered,
    openFileStore: opts.openFileStore,
    encryption: opts.encryption ?? null,
    warn: opts.warn ?? (() => {}),
    debug: opts.debug,
    notice: opts.notice ?? (() => {}),
  });
  js.addHandler(streamApiHandler(engine));
  js.addHandler(msgApiHandler(engine));
  js.addHandler(templateApiHandler(engine));
  js.setUsageSource(engine);
  js.streams = engine;
  engine.recover((name) => js.account(name));
  const recovered = js.enabledAccounts.flatMap((jsa) => engine.accountOf(jsa).sorted());
  // The server (ctx) tells of interest changes; a test context may not.
  // In a sharded server's JetStream worker, the shards' interest too (mesh/peer_interest.ts).
  const source = ctx as Partial<
    { onInterest: InterestWatch; peerInterest: { watch: InterestWatch } }
  >;
  const local = source.onInterest?.bind(ctx);
  const peers = source.peerInterest?.watch;
  const watchInterest: InterestWatch | undefined = local && peers
    ? (listener) => {
      const stopLocal = local(listener);
      const stopPeers = peers(listener);
      return () => {
        stopLocal();
        stopPeers();
      };
    }
    : local;
  // Clustered: a stream's leader recovers its consumers once elected.
  const consumers = startConsumers(js, engine, opts.clustered ? [] : recovered, {
    warn: opts.warn,
    notice: opts.notice,
    watchInterest,
    remoteInterest: remoteInterestOf(ctx),
  });
  engine.consumerApi = consumers;
  js.addHandler(snapshotApiHandler({
    engine,
    events: js,
    storeDir: c.storeDir,
    maxStore: c.maxStore,
    recoverConsumers: (stream) => void consumers.recover(stream),
    warn: opts.warn ?? (() => {}),
    error: opts.error ?? opts.warn ?? (() => {}),
    notice: opts.notice ?? (() => {}),
  }));
  return engine;
}

/**
 * Pull request replies beyond this cluster (nats-server nextWaiting): with gateways or
 * leafnodes, a young request's reply, or one a gateway would carry (its routed `_GR_.`
 * replies, or a subject another cluster is interested in). Undefined for a context without
 * links (tests, the JetStream worker).
 */
function remoteInterestOf(ctx: unknown): RemoteInterest | undefined {
  const links = ctx as Partial<{
    gateway: { router: { interested(account: Account, subject: string): boolean } } | null;
    leafnodes: unknown | null;
  }>;
  if (!("gateway" in links) && !("leafnodes" in links)) return undefined;
  return (account, subject, young) => {
    const gw = links.gateway ?? null;
    if (gw === null && (links.leafnodes ?? null) === null) return false;
    return young || (gw !== null && gw.router.interested(account, subject));
  };
}
