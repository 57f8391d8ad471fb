/**
 * @module
 * Test-only stand-in for a stream while consumers are tested on their own: a StreamView over a
 * MemoryStore that listens on its subjects with an internal connection, stores each message,
 * answers a PubAck (`{"stream":..,"seq":..}`) and tells its consumers; a registry for the
 * consumer API; and a denats server with JetStream on whose API serves the consumer handlers.
 */
import type { Account } from "../../server/accounts/account.ts";
import { InternalConnection, InternalKind } from "../../server/internal/internal_connection.ts";
import type { Server } from "../../server/server.ts";
import { type StreamConfig, zeroStreamConfig } from "../../server/jetstream/api/stream_config.ts";
import { MemoryStore } from "../../server/jetstream/store/memory_store.ts";
import type {
  ConsumerHandle,
  StreamRegistry,
  StreamView,
} from "../../server/jetstream/stream_view.ts";
import {
  emptyStreamState,
  GO_ZERO_TIME,
  streamInfoResponse,
} from "../../server/jetstream/api/api_types.ts";
import { ConsumerApi } from "../../server/jetstream/consumer/consumer_api.ts";
import { loadConfigFileSync } from "../../server/config/load.ts";
import { defaultOptions } from "../../server/options.ts";
import { mergeOptions } from "../../server/config/merge.ts";
import { startServer } from "../../mod.ts";

/** A stream kept in memory, just enough for consumers. */
export class FakeStream implements StreamView {
  readonly name: string;
  readonly account: Account;
  readonly config: StreamConfig;
  readonly store = new MemoryStore();
  readonly conn: InternalConnection;
  readonly consumers = new Map<string, ConsumerHandle>();
  consumerDir: string | null = null;
  readonly #stored = new Set<(seq: number, subject: string) => void>();

  constructor(server: Server, account: Account, config: Partial<StreamConfig>) {
    this.config = {
      ...zeroStreamConfig(),
      num_replicas: 1,
      storage: "memory",
      max_msgs: -1,
      max_bytes: -1,
      max_msg_size: -1,
      max_consumers: -1,
      max_msgs_per_subject: -1,
      ...config,
    } as StreamConfig;
    this.name = this.config.name;
    this.account = account;
    this.conn = new InternalConnection(server, account, { kind: InternalKind.JetStream });
    for (const s of this.config.subjects ?? [this.name]) {
      this.conn.subscribe(s, async (m) => {
        const ack = await this.store.storeMsg(m.subject, m.rawHeaders, m.data, this.now());
        for (const cb of this.#stored) cb(ack.seq, m.subject);
        m.respond(JSON.stringify({ stream: this.name, seq: ack.seq }));
      });
    }
  }

  onStored(cb: (seq: number, subject: string) => void): () => void {
    this.#stored.add(cb);
    return () => this.#stored.delete(cb);
  }

  acked(consumer: ConsumerHandle, seq: number): void {
    if (this.config.retention === "limits") return;
    let subject = "";
    try {
      subject = this.store.loadMsg(seq).subject;
    } catch {
      return;
    }
    if (this.config.retention === "interest") {
      for (const c of this.consumers.values()) {
        if (c !== consumer && c.needsAck(seq, subject)) return;
      }
    }
    this.store.removeMsg(seq);
  }

  attachConsumer(c: ConsumerHandle): void {
    this.consumers.set(c.name, c);
  }

  detachConsumer(name: string): void {
    this.consumers.delete(name);
  }

  now(): bigint {
    return BigInt(Date.now()) * 1_000_000n;
  }

  close(): void {
    for (const c of this.consumers.values()) c.stop();
    this.conn.close();
  }
}

/** Streams by account and name. */
export class FakeRegistry implements StreamRegistry {
  readonly streams = new Map<string, FakeStream>();
  stream(account: string, name: string): StreamView | undefined {
    const s = this.streams.get(name);
    return s && s.account.name === account ? s : undefined;
  }
}

/** A denats server with JetStream on, fake streams and the consumer API. */
export interface ConsumerServer extends AsyncDisposable {
  port: number;
  server: Server;
  registry: FakeRegistry;
  api: ConsumerApi;
  addStream(config: Partial<StreamConfig>): FakeStream;
}

/** Starts denats in this process with `jetstream {}` and the consumer API on fake streams. */
export async function startConsumerServer(): Promise<ConsumerServer> {
  const dir = await Deno.makeTempDir({ prefix: "denats_jscons_" });
  const path = `${dir}/server.conf`;
  await Deno.writeTextFile(path, `jetstream { store_dir: ${JSON.stringify(`${dir}/js`)} }\n`);
  const loaded = loadConfigFileSync(path);
  if (loaded.errors.length > 0) throw new Error(loaded.errors.map((e) => e.message).join("; "));
  const handle = await startServer({
    ...mergeOptions(defaultOptions(), loaded.options),
    host: "127.0.0.1",
    port: -1,
    quiet: true,
  });
  const server = handle.server;
  const registry = new FakeRegistry();
  const api = new ConsumerApi(registry);
  server.jetstream!.addHandler(api.handle);
  // STREAM.INFO, which the ordered consumer asks for first.
  server.jetstream!.addHandler((req) => {
    if (!req.op.startsWith("STREAM.INFO.")) return null;
    const s = registry.streams.get(req.op.slice("STREAM.INFO.".length));
    if (!s) return null;
    const st = s.store.state();
    const state = {
      ...emptyStreamState(),
      messages: st.msgs,
      bytes: st.bytes,
      first_seq: st.firstSeq,
      last_seq: st.lastSeq,
      consumer_count: s.consumers.size,
    };
    return streamInfoResponse("STREAM.INFO", {
      config: s.config,
      created: GO_ZERO_TIME,
      state,
    }) as Record<
      string,
      unknown
    >;
  });
  return {
    port: handle.port,
    server,
    registry,
    api,
    addStream(config) {
      const s = new FakeStream(server, server.account()!, config);
      registry.streams.set(s.name, s);
      return s;
    },
    async [Symbol.asyncDispose]() {
      for (const s of registry.streams.values()) s.close();
      await handle.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
