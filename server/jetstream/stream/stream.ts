/**
 * @module
 * One stream of one server (nats-server 2.9.10 stream.go `stream`): its config, store, created
 * time, duplicate table and consumers; it listens on its subjects through an internal connection
 * of kind JETSTREAM in its account, checks each message ({@link checkInbound}), applies every
 * change as one entry ({@link applyStreamEntry}) and sends the PubAcks in arrival order once the
 * store has persisted each message. It implements the consumers' {@link StreamView}, runs
 * retention (work queue, interest) on acks, the max_age and duplicate-window timers, republish
 * and direct gets. Time and timers come from an injected {@link StreamEnv}. Runs in the isolate
 * that owns the stream.
 */
import type { StreamKeys } from "../store/file/store_cipher.ts";
import type { Account } from "../../accounts/account.ts";
import { SubjectTransform } from "../../accounts/mapping.ts";
import type { InternalConnection, InternalMsg } from "../../internal/internal_connection.ts";
import type { ApiError } from "../api/errors.ts";
import type { StreamConfig } from "../api/stream_config.ts";
import { subjectHasWildcard, subjectIsSubsetMatch } from "../api/_subjects.ts";
import type { StreamStore } from "../store/types.ts";
import type { ConsumerHandle, StreamView } from "../stream_view.ts";
import type { DedupeTable } from "./dedupe.ts";
import { DedupeWindow } from "./dedupe_window.ts";
import { directGetReply } from "./direct_get.ts";
import { republishOf } from "./republish.ts";
import {
  applyStreamEntry,
  type EntryResult,
  type StreamEntry,
  type StreamMachine,
} from "./entry.ts";
import { checkInbound, DUPLICATE_MSG_ID, type InboundMsg, type InboundState } from "./inbound.ts";
import { AckQueue } from "./ack_queue.ts";
import { type StreamAction, streamActionAdvisory } from "./advisory.ts";
import { apiStreamState, streamInfoJson } from "./stream_info.ts";
import type { UpstreamHost } from "./upstream.ts";
import { Upstreams } from "./upstreams.ts";

/** The clock and timers a stream uses (tests inject a manual one). */
export interface StreamEnv {
  /** Nanoseconds since the epoch. */
  now(): bigint;
  /** Runs `cb` after `ms`; returns a cancel function. */
  setTimer(ms: number, cb: () => void): () => void;
}

/** What a stream asks of its account and server. */
export interface StreamHooks {
  /** The account's limit error once a store grew its usage, or null. */
  accountLimitError(storage: string): ApiError | null;
  /** The server's JetStream resources for this storage are used up. */
  resourcesExceeded(storage: string): boolean;
  /** Storage usage changed by `bytes` (account and server usage). */
  usage(storage: string, bytes: number): void;
  /** Server log lines of mirrors and sources (optional: tests may leave them out). */
  warn?(text: string): void;
  debug?(text: string): void;
}

/**
 * How a replicated stream's leader hands each change to its group (cluster/stream_replica.ts):
 * called after the leader applied `entry` at `now` with result `r`; resolves once the group
 * committed it (null: nothing to replicate).
 */
export interface StreamReplication {
  replicate(entry: StreamEntry, r: EntryResult, now: bigint): Promise<unknown> | null;
  /** A consumer's state changed (acks applied): replicate the consumers' states soon. */
  consumerChanged?(): void;
  /** Resolves once the consumers' current states are replicated (rejects: not leading). */
  consumerReplicated?(): Promise<void>;
}

/** An entry's result with the promise of its replication (see {@link Stream.apply}). */
export type AppliedResult = EntryResult & { committed?: Promise<unknown> };

/** Construction options of a {@link Stream}. */
export interface StreamOptions {
  account: Account;
  config: StreamConfig;
  store: StreamStore;
  conn: InternalConnection;
  /** Creation time, ns. */
  created: bigint;
  env: StreamEnv;
  hooks: StreamHooks;
  /** JetStream domain ("" for none): PubAcks and infos name it. */
  domain: string;
  /** API prefixes the direct get subjects live under (`$JS.API`, `$JS.<domain>.API`). */
  apiPrefixes: readonly string[];
  /** Where durable consumers save their config (null: a memory stream saves nothing). */
  consumerDir: string | null;
  /** The stream's keys when its files are encrypted (consumer configs are sealed with them). */
  sealer?: StreamKeys | null;
}

/** A stream (see the module doc). */
export class Stream implements StreamView, StreamMachine, InboundState, UpstreamHost {
  readonly account: Account;
  readonly store: StreamStore;
  readonly conn: InternalConnection;
  readonly created: bigint;
  readonly consumerDir: string | null;
  readonly sealer: StreamKeys | null;
  readonly #window: DedupeWindow;
  config: StreamConfig;
  readonly #env: StreamEnv;
  readonly #hooks: StreamHooks;
  readonly #domain: string;
  readonly #apiPrefixes: readonly string[];
  readonly #consumers = new Map<string, ConsumerHandle>();
  readonly #storedCbs = new Set<(seq: number, subject: string) => void>();
  /** Stream subject -> its subscription. */
  readonly #subs = new Map<string, { unsubscribe(): void }>();
  #directSubs: { unsubscribe(): void }[] = [];
  /** Answers waiting for their turn (PubAcks go out in arrival order). */
  readonly #acks: AckQueue;
  #republish: SubjectTransform | null = null;
  #expiryAt: bigint | null = null;
  #cancelExpiry: (() => void) | null = null;
  #closed = false;
  readonly #upstreams: Upstreams = new Upstreams(this);
  /** Set on a stream of a clustered server (its RAFT group). */
  #replication: StreamReplication | null = null;
  /** A replica that is not its group's leader takes no messages and runs no consumers. */
  #leader = true;

  constructor(o: StreamOptions) {
    this.account = o.account;
    this.config = o.config;
    this.store = o.store;
    this.conn = o.conn;
    this.created = o.created;
    this.consumerDir = o.consumerDir;
    this.sealer = o.sealer ?? null;
    this.#env = o.env;
    this.#hooks = o.hooks;
    this.#domain = o.domain;
    this.#apiPrefixes = o.apiPrefixes;
    this.#acks = new AckQueue(o.conn, o.config.name, o.domain);
    this.#window = new DedupeWindow({
      store: o.store,
      windowNs: () => BigInt(this.config.duplicate_window),
      isClosed: () => this.#closed,
    }, o.env);
    this.store.registerStorageUpdates((msgs, bytes, seq, subject) => {
      if (bytes !== 0) this.#hooks.usage(this.config.storage, bytes);
      // One message removed (limits, age, delete, ack): consumers adjust (stream.go storeUpdates).
      if (msgs === -1 && seq > 0) {
        for (const c of this.#consumers.values()) c.removed?.(seq, subject);
      }
    });
  }

  get name(): string {
    return this.config.name;
  }

  get consumers(): ReadonlyMap<string, ConsumerHandle> {
    return this.#consumers;
  }

  // ---- UpstreamHost (mirror.ts, sources.ts) ----

  get env(): StreamEnv {
    return this.#env;
  }

  get accountName(): string {
    return this.account.name;
  }

  get closed(): boolean {
    return this.#closed;
  }

  random(): number {
    return Math.random();
  }

  warn(text: string): void {
    this.#hooks.warn?.(text);
  }

  debug(text: string): void {
    this.#hooks.debug?.(text);
  }

  processSourced(msg: InboundMsg): ApiError | Promise<unknown> | null {
    return this.processInbound(msg);
  }

  now(): bigint {
    return this.#env.now();
  }

  /** After recovery: the duplicate window is rebuilt when first needed (dedupe_window.ts). */
  rebuildDedupeLater(): void {
    this.#window.rebuildLater();
  }

  /** The `Nats-Msg-Id`s inside the duplicate window. */
  get dedupe(): DedupeTable {
    return this.#window.table;
  }

  /** The id of the last message stored ("" when it had none). */
  get lastMsgId(): string {
    return this.#window.lastMsgId;
  }

  set lastMsgId(id: string) {
    this.#window.lastMsgId = id;
  }

  /**
   * Subscribes its subjects (and direct gets), starts its mirror or sources and timers; a
   * replica that is not (yet) its group's leader (`leader` false) only serves direct gets.
   */
  start(leader = true): void {
    this.#leader = leader;
    this.#subscribe();
    if (leader) this.#upstreams.start();
    this.#scheduleExpiry();
  }

  /** The group this replicated stream's changes go through (null: not replicated). */
  set replication(r: StreamReplication | null) {
    this.#replication = r;
  }

  /** Whether this replica leads its group (always true on a standalone server). */
  get isLeader(): boolean {
    return this.#leader;
  }

  /**
   * The group elected this replica (true) or another one (false): the leader takes the
   * stream's messages and runs its mirror or sources; a follower stops its consumers (the new
   * leader runs them).
   */
  setLeader(leader: boolean): void {
    if (this.#closed || leader === this.#leader) return;
    this.#leader = leader;
    this.#subscribe();
    if (leader) {
      this.#upstreams.start();
      return;
    }
    this.#upstreams.stop();
    for (const c of this.#consumers.values()) c.stop();
    this.#consumers.clear();
  }

  // ---- StreamView ----

  onStored(cb: (seq: number, subject: string) => void): () => void {
    this.#storedCbs.add(cb);
    return () => this.#storedCbs.delete(cb);
  }

  consumerChanged(): void {
    this.#replication?.consumerChanged?.();
  }

  consumerReplicated(): Promise<void> | null {
    return this.#replication?.consumerReplicated?.() ?? null;
  }

  acked(consumer: ConsumerHandle, seq: number): void {
    const retention = this.config.retention;
    if (retention === "limits") return;
    if (retention === "interest") {
      let subject: string;
      try {
        subject = this.store.loadMsg(seq).subject;
      } catch {
        return;
      }
      for (const c of this.#consumers.values()) {
        if (c !== consumer && c.needsAck(seq, subject)) return;
      }
    }
    this.apply({ op: "remove", seq });
  }

  attachConsumer(c: ConsumerHandle): void {
    this.#consumers.set(c.name, c);
  }

  detachConsumer(name: string): void {
    this.#consumers.delete(name);
  }

  // ---- state changes ----

  /**
   * Applies one entry now (the single place a stream changes); on a replicated stream's leader
   * the entry then goes to its group, and a message is only persisted (its PubAck sent) once
   * the group committed it (`committed` for the other entries).
   */
  apply(entry: StreamEntry): AppliedResult {
    const now = this.#env.now();
    const result = this.#applyAt(entry, now);
    const r = this.#replication;
    if (r === null || entry.op === "expire" || entry.op === "config") return result;
    const committed = r.replicate(entry, result, now);
    if (committed === null) return result;
    if (result.op === "msg" || result.op === "mirror") {
      const persisted = Promise.all([result.persisted, committed]);
      persisted.catch(() => {});
      return { ...result, persisted };
    }
    return { ...result, committed };
  }

  /** Applies an entry its group committed (on a replica, or replayed), at the entry's time. */
  applyLogged(entry: StreamEntry, now: bigint): EntryResult {
    return this.#applyAt(entry, now);
  }

  #applyAt(entry: StreamEntry, now: bigint): EntryResult {
    const old = this.config;
    const result = applyStreamEntry(this, entry, now);
    if (entry.op === "config") {
      this.#configChanged();
      this.#upstreams.configChanged(old, this.config);
    }
    if (entry.op === "purge") this.#notifyPurge(entry.filter);
    this.#scheduleExpiry();
    return result;
  }

  /** StreamMachine: the account's limit error once the store grew (jsa.limitsExceeded). */
  accountLimitError(): ApiError | null {
    return this.#hooks.accountLimitError(this.config.storage);
  }

  /** InboundState: the consumers' filters (read only for interest retention). */
  *consumerFilters(): Iterable<string> {
    for (const c of this.#consumers.values()) yield c.filterSubject;
  }

  /** stream.go purge: consumers matching the purge's filter learn the new first sequence. */
  #notifyPurge(filter: string): void {
    if (this.#consumers.size === 0) return;
    const st = this.store.state();
    const first = filter === "" ? st.firstSeq : this.store.filteredState(st.firstSeq, filter).first;
    for (const c of this.#consumers.values()) {
      // consumer.go isFilteredMatch(purge filter).
      const f = c.filterSubject;
      const matches = filter === "" || f === "" || filter === f ||
        (subjectHasWildcard(f) && subjectIsSubsetMatch(filter, f));
      if (matches) c.purged?.(first, st.lastSeq);
    }
  }

  /**
   * A message arrived on one of the stream's subjects (or from a source): its rejection, or
   * (unanswered) the rejected persistence of a store that refused it.
   */
  processInbound(msg: InboundMsg): ApiError | Promise<unknown> | null {
    if (this.#closed) return null;
    const cfg = this.config;
    const canRespond = !cfg.no_ack && msg.reply !== "";
    const decision = checkInbound(this, msg, this.#hooks.resourcesExceeded(cfg.storage));
    switch (decision.kind) {
      case "drop":
        return null;
      case "reject":
        // A sealed stream answers even without acks (nats-server processInboundJetStreamMsg).
        if (canRespond || (cfg.sealed && msg.reply !== "")) {
          this.#acks.error(msg.reply, decision.error);
        }
        return decision.error;
      case "duplicate":
        if (canRespond) this.#acks.duplicate(msg.reply, decision.seq);
        return DUPLICATE_MSG_ID;
    }
    const e = decision.entry;
    // The subject's previous sequence, for republish's Nats-Last-Sequence (gap detection).
    const prevLast = this.#republish !== null ? lastSeqOf(this.store, e.subject) : 0;
    const r = this.apply(e);
    if (r.op !== "msg") return null;
    const seq = r.seq;
    if (seq > 0 && r.limitError === null && !e.skip) {
      this.#afterStored(e.subject, e.header, e.data, seq, prevLast);
    }
    // Unanswered (sources): a refused store is reported by its rejected persistence.
    if (!canRespond) return seq === 0 ? r.persisted : r.limitError;
    if (r.limitError !== null) {
      this.#acks.error(msg.reply, r.limitError);
      return r.limitError;
    }
    this.#acks.stored(msg.reply, seq, r.persisted);
    return null;
  }

  #afterStored(
    subject: string,
    header: Uint8Array | null,
    data: Uint8Array,
    seq: number,
    prevLast: number,
  ): void {
    this.#window.stored();
    if (this.#republish !== null) {
      const headersOnly = this.config.republish?.headers_only === true;
      const m = { subject, header, data, seq, last: prevLast };
      const r = republishOf(this.#republish, headersOnly, this.name, m);
      if (r !== null) this.conn.publish(r.dest, r.data, { headers: r.headers });
    }
    for (const cb of this.#storedCbs) cb(seq, subject);
  }

  #scheduleExpiry(): void {
    if (this.#closed) return;
    const at = this.store.nextExpiry();
    if (at === null) {
      this.#cancelExpiry?.();
      this.#cancelExpiry = null;
      this.#expiryAt = null;
      return;
    }
    if (this.#expiryAt !== null && this.#expiryAt <= at) return;
    this.#cancelExpiry?.();
    this.#expiryAt = at;
    const ms = Math.max(1, Math.ceil(Number(at - this.#env.now()) / 1_000_000));
    this.#cancelExpiry = this.#env.setTimer(ms, () => {
      this.#cancelExpiry = null;
      this.#expiryAt = null;
      if (!this.#closed) this.apply({ op: "expire" });
    });
  }

  /**
   * Subscriptions follow the config: only subjects that came or went change (a message already
   * received on a kept subject is still handled), direct gets follow allow_direct.
   */
  #configChanged(): void {
    this.#subscribe();
  }

  #subscribe(): void {
    const cfg = this.config;
    this.#republish = cfg.republish
      ? new SubjectTransform(cfg.republish.src ?? ">", cfg.republish.dest)
      : null;
    // Only the leader takes messages (nats-server subscribes a replica once it leads).
    const wanted = new Set(this.#leader ? cfg.subjects ?? [] : []);
    for (const [subject, sub] of this.#subs) {
      if (wanted.has(subject)) continue;
      sub.unsubscribe();
      this.#subs.delete(subject);
    }
    for (const subject of wanted) {
      if (this.#subs.has(subject)) continue;
      const sub = this.conn.subscribe(subject, (m) => void this.processInbound(inboundOf(m)));
      this.#subs.set(subject, sub);
    }
    if (!cfg.allow_direct) {
      for (const s of this.#directSubs) s.unsubscribe();
      this.#directSubs = [];
      return;
    }
    if (this.#directSubs.length > 0) return;
    this.#directSubs = this.subscribeDirect(cfg.name);
  }

  /** Direct gets of stream `name` (its own, or a mirror's origin) answered from this store. */
  subscribeDirect(name: string): { unsubscribe(): void }[] {
    const subs = [];
    for (const prefix of this.#apiPrefixes) {
      const base = `${prefix}.DIRECT.GET.${name}`;
      subs.push(
        this.conn.subscribe(base, { queue: "_sys_" }, (m) => this.#directGet(m, undefined)),
        this.conn.subscribe(
          `${base}.>`,
          { queue: "_sys_" },
          (m) => this.#directGet(m, m.subject.slice(base.length + 1)),
        ),
      );
    }
    return subs;
  }

  #unsubscribe(): void {
    for (const s of [...this.#subs.values(), ...this.#directSubs]) s.unsubscribe();
    this.#subs.clear();
    this.#directSubs = [];
  }

  #directGet(m: InternalMsg, key: string | undefined): void {
    if (m.reply === "") return;
    const r = directGetReply(this.name, this.store, m.data, key);
    this.conn.publish(m.reply, r.data, { headers: r.header });
  }

  // ---- info ----

  /** StreamInfo members; `subjects` limits per-subject counts (already paged by the caller). */
  info(
    opts: {
      details?: boolean;
      subjects?: Map<string, number> | null;
      /** false: no domain, mirror or sources (the create response). */
      domain?: boolean;
    } = {},
  ) {
    const st = this.store.state(opts.details === true);
    let consumers = 0; // direct consumers (mirrors and sources of others) are not counted
    for (const c of this.#consumers.values()) if (c.direct !== true) consumers++;
    return streamInfoJson({
      config: this.config,
      created: this.created,
      state: apiStreamState(st, { subjects: opts.subjects, consumers }),
      domain: opts.domain === false ? "" : this.#domain,
      ...(opts.domain === false ? {} : this.#upstreams.info()),
    });
  }

  /** Publishes the stream_action advisory of `action` (advisory.ts). */
  advise(action: StreamAction): void {
    if (this.conn.closed) return;
    const a = streamActionAdvisory(this.config, action, this.#env.now(), this.#domain);
    this.conn.publish(a.subject, a.body);
  }

  /** Stops listening and timers; consumers stop; the store stops (server shutdown). */
  async stop(): Promise<void> {
    if (!this.#close()) return;
    for (const c of this.#consumers.values()) c.stop();
    await this.#acks.idle();
    this.store.registerStorageUpdates(null);
    await this.store.stop();
  }

  /** Deletes the stream: consumers are deleted, the store removes its data. */
  async delete(): Promise<void> {
    if (!this.#close()) return;
    for (const c of [...this.#consumers.values()]) c.delete();
    this.#consumers.clear();
    // After the consumers, as nats-server does.
    this.advise("delete");
    // The account gets the stream's bytes back (a store's delete need not report them).
    this.store.registerStorageUpdates(null);
    const held = this.store.state().bytes;
    if (held !== 0) this.#hooks.usage(this.config.storage, -held);
    await this.store.delete();
  }

  #close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.#upstreams.stop();
    this.#unsubscribe();
    this.#cancelExpiry?.();
    this.#window.stop();
    return true;
  }
}

/** The last sequence stored on `subject`, 0 when none. */
function lastSeqOf(store: StreamStore, subject: string): number {
  try {
    return store.loadLastMsg(subject).seq;
  } catch {
    return 0;
  }
}

/** A received message as the inbound checks see it. */
export function inboundOf(m: InternalMsg): InboundMsg {
  return {
    subject: m.subject,
    reply: m.reply,
    header: m.rawHeaders,
    data: m.data,
    getHeader: (key) => m.header(key),
  };
}
