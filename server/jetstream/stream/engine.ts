/**
 * @module
 * The streams of every JetStream account of one server (nats-server 2.9.10 jetstream.go
 * `jsAccount.streams`, usage and reservations, `addStream`/`delete`, and the recovery of
 * `enableJetStreamAccounts`): creates each stream with its store and internal connection, saves
 * its config (meta_file.ts), recovers the saved ones before the server is ready, tracks memory
 * and storage usage per account and server, and answers the account info and `/varz` numbers.
 * Memory streams use the MemoryStore; file streams the FileStore (or the injected factory).
 * Runs in the isolate that owns the connections.
 */
import type { ConsumerApi } from "../consumer/consumer_api.ts";
import type { Account } from "../../accounts/account.ts";
import { goQuote } from "../../protocol/wire_errors.ts";
import {
  InternalConnection,
  type InternalContext,
  InternalKind,
} from "../../internal/internal_connection.ts";
import { type ApiError, jsApiError } from "../api/errors.ts";
import type { StreamConfig } from "../api/stream_config.ts";
import type { JetStreamAccountLimits, StreamRequestContext } from "../api/stream_requests.ts";
import type { JsAccount } from "../jetstream.ts";
import type { StreamStore } from "../store/types.ts";
import { FileStore } from "../store/file/file_store.ts";
import { MemoryStore } from "../store/memory_store.ts";
import type { StreamRegistry } from "../stream_view.ts";
import { storeLimitsOf } from "./entry.ts";
import { listSavedStreams, removeStreamDir, streamDir, writeStreamMeta } from "./meta_file.ts";
import type { StreamKeys } from "../store/file/store_cipher.ts";
import { createStreamKeys, type StoreEncryption } from "../store/file/stream_key_file.ts";
import {
  conversionDone,
  converting,
  encryptSavedStream,
  encryptStoreFiles,
} from "../store/file/store_convert.ts";
import { Stream, type StreamEnv } from "./stream.ts";
import { streamDetail, type StreamDetailOptions } from "./stream_detail.ts";
import { StreamTemplates } from "./templates.ts";

/**
 * `n` with thousands separators, as Go's humanize.Comma ("1,000,000"); not `toLocaleString`,
 * whose first call loads the ICU locale data (about 20 ms of a restart).
 */
export function withCommas(n: number): string {
  const digits = String(Math.trunc(Math.abs(n)));
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}

/**
 * Opens the store of a file stream in `dir`, encrypted with `keys` when given (FileStore; tests
 * may pass another).
 */
export type FileStoreFactory = (
  dir: string,
  config: StreamConfig,
  keys?: StreamKeys | null,
) => StreamStore;

/** File streams keep their messages in the FileStore under the stream's directory. */
export const openFileStore: FileStoreFactory = (dir, config, keys) =>
  FileStore.open({ dir, limits: storeLimitsOf(config), keys: keys ?? undefined });

/** Settings of the engine. */
export interface EngineOptions {
  ctx: InternalContext;
  env: StreamEnv;
  /** The `jetstream` directory of the store; "" for a memory-only JetStream (nothing on disk). */
  storeDir: string;
  domain: string;
  maxMemory: number;
  maxStore: number;
  /** No cluster and no gateway (create with replicas > 1 is refused). */
  standalone: boolean;
  /**
   * Clustered JetStream: streams start as replicas that do not lead (cluster/js_cluster.ts
   * elects their leaders); consumers are recovered by the leader.
   */
  clustered?: boolean;
  openFileStore?: FileStoreFactory;
  /** `jetstream { key, cipher }`: file streams are encrypted at rest (null or absent: not). */
  encryption?: StoreEncryption | null;
  /** Warnings (a saved stream that cannot be recovered). */
  warn(text: string): void;
  /** Debug lines (mirror and source retries). */
  debug?(text: string): void;
  /** Notices (the streams restored at startup). */
  notice(text: string): void;
}

/** One account's streams and usage. */
export class AccountStreams {
  readonly jsa: JsAccount;
  readonly streams = new Map<string, Stream>();
  memory = 0;
  storage = 0;

  constructor(jsa: JsAccount) {
    this.jsa = jsa;
  }

  get account(): Account {
    return this.jsa.account;
  }

  /** The account's limits in the form the create/update checks read. */
  get limits(): JetStreamAccountLimits {
    return this.jsa.limits!;
  }

  /** Streams sorted by name. */
  sorted(): Stream[] {
    return [...this.streams.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }

  consumerCount(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.consumers.size;
    return n;
  }
}

/** Every account's streams (see the module doc). */
export class StreamEngine implements StreamRegistry {
  readonly #o: EngineOptions;
  readonly #accounts = new Map<string, AccountStreams>();
  #memory = 0;
  #storage = 0;
  readonly #deleting = new Map<string, Promise<void>>();
  /** Stream templates (templates.ts). */
  readonly templates: StreamTemplates;

  constructor(o: EngineOptions) {
    this.#o = o;
    this.templates = new StreamTemplates(this, o.storeDir, (text) => o.warn(text));
  }

  /** No cluster and no gateway (nats-server standAloneMode). */
  get standalone(): boolean {
    return this.#o.standalone;
  }

  /** Clustered JetStream (see {@link EngineOptions.clustered}). */
  get clustered(): boolean {
    return this.#o.clustered === true;
  }

  /** The consumer API over these streams (set by consumer/mod.ts startConsumers). */
  consumerApi: ConsumerApi | null = null;

  /** The JetStream clock (ns since the epoch). */
  now(): bigint {
    return this.#o.env.now();
  }

  /** The server context internal connections are made with. */
  get context(): InternalContext {
    return this.#o.ctx;
  }

  get domain(): string {
    return this.#o.domain;
  }

  /** The API subject prefixes (`$JS.API`, and `$JS.<domain>.API` with a domain). */
  get apiPrefixes(): string[] {
    return this.#o.domain === "" ? ["$JS.API"] : ["$JS.API", `$JS.${this.#o.domain}.API`];
  }

  /** The streams of `jsa`'s account (created on first use). */
  accountOf(jsa: JsAccount): AccountStreams {
    let a = this.#accounts.get(jsa.account.name);
    if (a === undefined) {
      a = new AccountStreams(jsa);
      this.#accounts.set(jsa.account.name, a);
    }
    return a;
  }

  stream(account: string, name: string): Stream | undefined {
    return this.#accounts.get(account)?.streams.get(name);
  }

  /** The create/update decision context of an account (stream_requests.ts). */
  requestContext(a: AccountStreams): StreamRequestContext {
    const r = this.reservations();
    return {
      streams: [...a.streams.values()].map((s) => s.config),
      limits: a.limits,
      server: {
        maxMemory: this.#o.maxMemory,
        maxStore: this.#o.maxStore,
        memReserved: r.memory,
        storeReserved: r.storage,
      },
      standalone: this.#o.standalone,
    };
  }

  /** Bytes reserved by max_bytes of every stream, per storage. */
  reservations(): { memory: number; storage: number } {
    let memory = 0, storage = 0;
    for (const a of this.#accounts.values()) {
      for (const s of a.streams.values()) {
        const c = s.config;
        if (c.max_bytes <= 0) continue;
        if (c.storage === "memory") memory += c.max_bytes * c.num_replicas;
        else storage += c.max_bytes * c.num_replicas;
      }
    }
    return { memory, storage };
  }

  /**
   * Creates (and saves, for `save`) a stream with a checked config; throws the store error
   * when its store cannot be opened. A new file stream gets its keys (`meta.key`) when
   * encryption is on; a recovered one comes with `keys` (null: in clear).
   */
  createStream(
    a: AccountStreams,
    config: StreamConfig,
    created: bigint,
    save = true,
    keys?: StreamKeys | null,
  ): Stream {
    const dir = streamDir(this.#o.storeDir, a.account.name, config.name);
    const file = config.storage !== "memory";
    // Like nats-server, memory streams are not encrypted.
    const enc = this.#o.encryption ?? null;
    keys ??= file && save && enc ? createStreamKeys(dir, enc, a.account.name, config.name) : null;
    const store = !file
      ? new MemoryStore(storeLimitsOf(config))
      : (this.#o.openFileStore ?? openFileStore)(dir, config, keys);
    store.updateConfig(storeLimitsOf(config));
    // Like nats-server, only file streams are saved: a memory stream is gone after a restart.
    if (save && file) writeStreamMeta(dir, config, created, keys);
    const conn = new InternalConnection(this.#o.ctx, a.account, {
      kind: InternalKind.JetStream,
      name: `stream-${config.name}`,
    });
    const stream = new Stream({
      account: a.account,
      config,
      store,
      conn,
      created,
      env: this.#o.env,
      domain: this.#o.domain,
      apiPrefixes: this.apiPrefixes,
      consumerDir: config.storage === "memory" ? null : `${dir}/obs`,
      sealer: keys,
      hooks: {
        warn: (text) => this.#o.warn(text),
        debug: (text) => this.#o.debug?.(text),
        accountLimitError: (storage) => this.#accountLimitError(a, storage),
        resourcesExceeded: (storage) =>
          storage === "memory"
            ? this.#memory > this.#o.maxMemory
            : this.#storage > this.#o.maxStore,
        usage: (storage, bytes) => {
          if (storage === "memory") {
            a.memory += bytes;
            this.#memory += bytes;
          } else {
            a.storage += bytes;
            this.#storage += bytes;
          }
        },
      },
    });
    // A recovered store already holds bytes: count them.
    const held = store.state().bytes;
    if (held > 0) {
      if (config.storage === "memory") {
        a.memory += held;
        this.#memory += held;
      } else {
        a.storage += held;
        this.#storage += held;
      }
    }
    a.streams.set(config.name, stream);
    if (!save) stream.rebuildDedupeLater();
    stream.start(this.#o.clustered !== true);
    stream.advise("create");
    return stream;
  }

  /** Applies a checked config update and saves it. */
  updateStream(stream: Stream, config: StreamConfig): void {
    stream.apply({ op: "config", config });
    stream.advise("modify");
    if (config.storage === "memory") return;
    writeStreamMeta(
      streamDir(this.#o.storeDir, stream.account.name, config.name),
      config,
      stream.created,
      stream.sealer,
    );
  }

  /**
   * Deletes a stream, its consumers, its store and its saved config; a create of the same
   * name waits for it ({@link settled}).
   */
  deleteStream(a: AccountStreams, stream: Stream): Promise<void> {
    a.streams.delete(stream.name);
    const dir = streamDir(this.#o.storeDir, a.account.name, stream.name);
    const done = stream.delete().catch(() => {}).finally(() => {
      stream.conn.close();
      // A memory-only JetStream (an edge server: no store directory) has no files to remove.
      if (this.#o.storeDir !== "") removeStreamDir(dir);
      if (this.#deleting.get(dir) === done) this.#deleting.delete(dir);
    });
    this.#deleting.set(dir, done);
    return done;
  }

  /** Resolves once no delete of stream `name` of `a` is under way. */
  settled(a: AccountStreams, name: string): Promise<void> | null {
    return this.#deleting.get(streamDir(this.#o.storeDir, a.account.name, name)) ?? null;
  }

  /** jetstream.go jsAccount.limitsExceeded for the stream's storage. */
  #accountLimitError(a: AccountStreams, storage: string): ApiError | null {
    const l = a.jsa.limits;
    if (l === null) return jsApiError("JSNoLimitsErr");
    if (storage === "memory") {
      if (l.memory_max_stream_bytes > 0 && a.memory > l.memory_max_stream_bytes) {
        return jsApiError("JSAccountResourcesExceededErr");
      }
      if (l.max_memory >= 0 && a.memory > l.max_memory) {
        return jsApiError("JSAccountResourcesExceededErr");
      }
    } else {
      if (l.storage_max_stream_bytes > 0 && a.storage > l.storage_max_stream_bytes) {
        return jsApiError("JSAccountResourcesExceededErr");
      }
      if (l.max_storage >= 0 && a.storage > l.max_storage) {
        return jsApiError("JSAccountResourcesExceededErr");
      }
    }
    return null;
  }

  /**
   * Recovers every saved stream of the accounts `jsaOf` knows (with JetStream on); a stream
   * of an unknown account, or one that cannot be opened, is reported and left on disk.
   */
  recover(jsaOf: (account: string) => JsAccount | undefined): number {
    let n = 0;
    // Templates first: the streams they made name them (jetstream.go enableJetStreamAccounts).
    this.templates.recover(jsaOf);
    const enc = this.#o.encryption ?? null;
    const saved = this.#o.storeDir === ""
      ? []
      : listSavedStreams(this.#o.storeDir, (text) => this.#o.warn(text), enc);
    for (const s of saved) {
      const jsa = jsaOf(s.account);
      if (jsa === undefined || jsa.limits === null) continue;
      const name = s.config.name;
      const owner = s.config.template_owner ?? "";
      if (owner !== "") {
        const err = this.templates.adopt(s.account, owner, name);
        if (err !== null) {
          this.#o.warn(
            `  Error adding stream ${goQuote(name)} to template ${goQuote(owner)}: ${err}`,
          );
          this.#o.warn(`  Error recreating stream ${goQuote(name)}: stream not owned by template`);
          continue;
        }
      }
      this.#o.notice(`  Starting restore for stream '${s.account} > ${name}'`);
      let stream: Stream;
      try {
        const keys = this.#encryptionOf(s.dir, s.account, name, s.keys, s.otherCipher);
        if (keys !== s.keys || converting(s.dir)) {
          // Saved in clear (or its conversion was cut short): now encrypted, meta.inf last.
          if (keys !== null && keys === s.keys) encryptStoreFiles(s.dir, keys);
          writeStreamMeta(s.dir, s.config, s.created, keys);
          conversionDone(s.dir);
        }
        stream = this.createStream(this.accountOf(jsa), s.config, s.created, false, keys);
      } catch (err) {
        this.#o.warn(`  Error recreating stream ${goQuote(name)}: ${errText(err)}`);
        continue;
      }
      const msgs = withCommas(stream.store.state().msgs);
      this.#o.notice(`  Restored ${msgs} messages for stream '${s.account} > ${name}'`);
      n++;
    }
    return n;
  }

  /**
   * The keys a recovered file stream is opened with: its own; new ones for a stream saved in
   * clear when encryption is on (nats-server: `Encrypting stream '<account> > <name>'`).
   */
  #encryptionOf(
    dir: string,
    account: string,
    name: string,
    keys: StreamKeys | null,
    otherCipher: string | undefined,
  ): StreamKeys | null {
    const enc = this.#o.encryption ?? null;
    if (enc === null) return keys;
    if (keys === null) {
      this.#o.notice(`  Encrypting stream '${account} > ${name}'`);
      return encryptSavedStream(dir, enc, account, name);
    }
    if (otherCipher !== undefined) {
      // nats-server converts the stream to the configured cipher; denats keeps the one it has.
      const names: Record<string, string> = { chacha: "ChaCha20-Poly1305", aes: "AES-GCM" };
      this.#o.notice(`  Keeping ${names[otherCipher]} for stream '${account} > ${name}'`);
    }
    return keys;
  }

  /**
   * Encrypts a restored stream's directory (unpacked in clear) when encryption is on; returns
   * the keys to open its store with (null: in clear).
   */
  encryptRestored(
    dir: string,
    account: string,
    config: StreamConfig,
    created: bigint,
  ): StreamKeys | null {
    const enc = this.#o.encryption ?? null;
    if (enc === null || config.storage === "memory") return null;
    const keys = encryptSavedStream(dir, enc, account, config.name);
    writeStreamMeta(dir, config, created, keys);
    conversionDone(dir);
    return keys;
  }

  /** Account info numbers. */
  accountUsage(
    account: string,
  ): { memory: number; storage: number; streams: number; consumers: number } {
    const a = this.#accounts.get(account);
    if (a === undefined) return { memory: 0, storage: 0, streams: 0, consumers: 0 };
    return {
      memory: a.memory,
      storage: a.storage,
      streams: a.streams.size,
      consumers: a.consumerCount(),
    };
  }

  /** The `/jsz` stream_detail entries of `account`, sorted by stream name. */
  streamDetails(account: string, opts: StreamDetailOptions): Record<string, unknown>[] {
    const a = this.#accounts.get(account);
    return a === undefined ? [] : a.sorted().map((s) => streamDetail(s, opts));
  }

  /** Server-wide usage for `/varz` and `/jsz`. */
  serverUsage() {
    let streams = 0, consumers = 0, messages = 0, bytes = 0;
    for (const a of this.#accounts.values()) {
      for (const s of a.streams.values()) {
        streams++;
        for (const c of s.consumers.values()) if (c.direct !== true) consumers++;
        const st = s.store.state();
        messages += st.msgs;
        bytes += st.bytes;
      }
    }
    const r = this.reservations();
    return {
      memory: this.#memory,
      storage: this.#storage,
      reserved_memory: r.memory,
      reserved_storage: r.storage,
      streams,
      consumers,
      messages,
      bytes,
    };
  }

  /** Stops every stream (server shutdown); their data stays. */
  async stop(): Promise<void> {
    this.templates.stop();
    const all = [...this.#accounts.values()].flatMap((a) => [...a.streams.values()]);
    this.#accounts.clear();
    await Promise.all(all.map(async (s) => {
      await s.stop();
      s.conn.close();
    }));
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
