/**
 * @module
 * JetStream on one server (nats-server 2.9.10 jetstream.go `enableJetStream`,
 * `enableJetStreamAccounts`, `configJetStream`; jetstream_api.go dispatch): the running
 * settings, the accounts that have JetStream (the global account when no accounts are
 * configured, else those with `jetstream` set), and the `$JS.API.>` responders, one internal
 * connection (kind JETSTREAM) per account, answering every account that is not the system
 * account: an account without JetStream gets nats-server's error 10039
 * (`JetStream not enabled for account`). Runs in the isolate that owns the connections (the
 * main isolate with `--shards 1`).
 */
import type { Account } from "../accounts/account.ts";
import {
  InternalConnection,
  type InternalContext,
  InternalKind,
  type InternalMsg,
} from "../internal/internal_connection.ts";
import type { JsAccountLimits } from "./account_limits.ts";
import type { StreamRegistry } from "./stream_view.ts";
import type { ResolvedJetStream } from "./js_config.ts";
import { Advisories, type Advisory } from "./advisories.ts";
import { msToNs } from "./js_time.ts";
import { addJsDomainMappings } from "./domain_mappings.ts";
import { Nuid } from "../system/events.ts";
import { marshal } from "../monitor/format.ts";
import type {
  JetStreamMonitor,
  JetStreamStats,
  JetStreamVarzConfig,
  JszDetailOptions,
} from "../monitor/types.ts";
import type { StreamDetailOptions } from "./stream/stream_detail.ts";

/** nats-server JetStreamAPIStats. */
export interface JsApiStats {
  total: number;
  errors: number;
}

/** One account's JetStream state (nats-server `jsAccount`). */
export interface JsAccount {
  readonly account: Account;
  /** Null: JetStream is not enabled for the account (its API answers 10039). */
  readonly limits: JsAccountLimits | null;
  /**
   * Tiered limits by tier name (an account JWT's `tiered_limits`); `limits` is then the `R1`
   * tier, the one a standalone server's streams use. Absent: one default tier.
   */
  readonly tiers?: Record<string, JsAccountLimits>;
  readonly api: JsApiStats;
}

/** nats-server `ApiError` JSON. */
export interface JsApiError {
  code: number;
  err_code: number;
  description: string;
}

/** nats-server NewJSNotEnabledForAccountError. */
export const NOT_ENABLED_FOR_ACCOUNT: JsApiError = {
  code: 503,
  err_code: 10039,
  description: "JetStream not enabled for account",
};

/**
 * How a response counts in the API statistics (nats-server sends some answers through
 * `sendAPIResponse` even when they carry an error, and a successful STREAM.MSG.GET not through
 * the API layer at all). Set as a symbol-keyed member of the response (JSON leaves it out);
 * without it a response counts as an error when it has an `error` member.
 */
export const API_COUNT: unique symbol = Symbol("jsApiCount");
/** Values of {@link API_COUNT}. */
export type ApiCount = "ok" | "error" | "none";

/**
 * A handler's answer meaning "another server answers this" (clustered JetStream: only the meta
 * leader, or the stream's leader, answers): nothing is sent and nothing counted.
 */
export const NO_ANSWER: Record<string, unknown> = Object.freeze({});

/** Where account info and `/varz` read stream usage (the stream engine). */
export interface JsUsageSource {
  accountUsage(
    account: string,
  ): { memory: number; storage: number; streams: number; consumers: number };
  serverUsage(): {
    memory: number;
    storage: number;
    reserved_memory: number;
    reserved_storage: number;
    streams: number;
    consumers: number;
    messages: number;
    bytes: number;
  };
  /** The `/jsz` stream_detail entries of `account` (optional). */
  streamDetails?(account: string, opts: StreamDetailOptions): Record<string, unknown>[];
  stop(): Promise<void>;
}

/** An API request as the handlers see it. */
export interface JsApiRequest {
  readonly jsa: JsAccount;
  /** The subject with the `$JS.API.` (or `$JS.<domain>.API.`) prefix removed. */
  readonly op: string;
  readonly msg: InternalMsg;
}

/**
 * Answers one API operation; returns the response object (with its `type`), or null to send
 * nothing (an operation nats-server does not serve), or a promise of either (an operation that
 * waits for storage).
 */
export type JsApiHandler = (
  req: JsApiRequest,
) => Record<string, unknown> | null | Promise<Record<string, unknown> | null>;

/**
 * Go's `uint64(n)` of an int64 as a JSON number: a negative limit (-1, unlimited) shows as
 * 2^64 + n, which only raw JSON text can carry.
 */
function goUint64(n: number): unknown {
  if (n >= 0) return n;
  const raw = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
  return raw((2n ** 64n + BigInt(n)).toString());
}

const enc = new TextEncoder();
const dec = new TextDecoder();
/** API operations that only read (their answers need no {@link JetStream.settle}). */
const READ_ONLY_OPS =
  /^(INFO$|STREAM\.(INFO|MSG\.GET)\.|STREAM\.(LIST|NAMES)$|CONSUMER\.(INFO|LIST|NAMES)\.|DIRECT\.GET\.)/;
/**
 * Whether `op` (under `prefix`) is answered by a subscription of its own and never by the API
 * handlers: direct gets (each stream subscribes them under every API prefix) and `$JS.API.`
 * pull requests (the consumer's own subscription; a domain's are forwarded by the consumer
 * API). nats-server subscribes each API subject apart, so these never reach its API; here they
 * also match `$JS.API.>`, and every handler would parse them only to answer nothing (a direct
 * get, request/reply bound, spent a tenth of its CPU there).
 */
function ownSubscriptionOp(op: string, prefix: string): boolean {
  return op.startsWith("DIRECT.GET.") ||
    (prefix === "$JS.API." && op.startsWith("CONSUMER.MSG.NEXT."));
}
const ZERO_USAGE = { memory: 0, storage: 0, streams: 0, consumers: 0 };

/** The zero `JetStreamAccountLimits` nats-server reports at the top level with tiers. */
const NO_TIER_LIMITS: JsAccountLimits = {
  max_memory: 0,
  max_storage: 0,
  max_streams: 0,
  max_consumers: 0,
  max_ack_pending: 0,
  memory_max_stream_bytes: 0,
  storage_max_stream_bytes: 0,
  max_bytes_required: false,
};

/**
 * Account info `tiers` (nats-server JetStreamTier): every tier with its limits, the usage under
 * `R1` (a standalone server's streams all have one replica).
 */
function tierUsage(
  tiers: Record<string, JsAccountLimits>,
  u: typeof ZERO_USAGE,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, limits] of Object.entries(tiers)) {
    const { memory, storage, streams, consumers } = name === "R1" ? u : ZERO_USAGE;
    out[name] = { memory, storage, streams, consumers, limits };
  }
  return out;
}

/** JetStream of one server: settings, accounts and API responders. */
export class JetStream implements JetStreamMonitor {
  readonly config: ResolvedJetStream;
  readonly #ctx: InternalContext;
  readonly #accounts = new Map<string, JsAccount>();
  /** The API responder (and advisory publisher) of each served account. */
  readonly #conns = new Map<string, InternalConnection>();
  readonly #serverId: string;
  /** Advisory builders (`$JS.EVENT.>`), with this server's domain. */
  readonly advisories: Advisories;
  /** Extra API operations (the stream and consumer engine registers its own). */
  readonly #handlers: JsApiHandler[] = [];
  /** Server-wide API counters (`/varz` jetstream.stats.api). */
  readonly api: JsApiStats = { total: 0, errors: 0 };
  #usage: JsUsageSource | null = null;
  /** How API handlers (and consumers) find a stream; set by the stream engine. */
  streams: StreamRegistry | null = null;
  /**
   * In a sharded server's JetStream worker: resolves once every other worker applied the
   * interest this one announced (a stream's subjects, a consumer's ack subjects), so an API
   * answer reaches no client before its shard routes to what the request created; null when
   * there is nothing to wait for.
   */
  settle: (() => Promise<void> | null) | null = null;

  constructor(
    ctx: InternalContext,
    config: ResolvedJetStream,
    serverId: string,
    now: () => bigint = () => msToNs(Date.now()),
  ) {
    this.#ctx = ctx;
    this.config = config;
    this.#serverId = serverId;
    const ids = new Nuid();
    this.advisories = new Advisories({ nextId: () => ids.next(), now, domain: config.domain });
  }

  /** The requester as advisories describe it (nats-server ClientInfo: `acc`, `server`). */
  clientInfo(account: Account): Record<string, unknown> {
    return { acc: account.name, server: this.#serverId };
  }

  /** Publishes an advisory in `account` (nats-server publishAdvisory). */
  advise(account: Account, adv: Advisory): void {
    const conn = this.#conns.get(account.name);
    conn?.publish(adv.subject, enc.encode(marshal(adv.body)));
  }

  /** Accounts with JetStream enabled. */
  get enabledAccounts(): JsAccount[] {
    return [...this.#accounts.values()].filter((a) => a.limits !== null);
  }

  /** The JetStream state of `name`, or undefined when its API is not served here. */
  account(name: string): JsAccount | undefined {
    return this.#accounts.get(name);
  }

  /** Sets where account info and `/varz` read stream usage. */
  setUsageSource(source: JsUsageSource): void {
    this.#usage = source;
  }

  /** The usage source (the stream engine), if one is set. */
  get usageSource(): JsUsageSource | null {
    return this.#usage;
  }

  /**
   * Adds an API operation handler, tried before the built-in ones (`first`: before the handlers
   * added so far).
   */
  addHandler(handler: JsApiHandler, first = false): void {
    if (first) this.#handlers.unshift(handler);
    else this.#handlers.push(handler);
  }

  /** Rewrites each answer before it is sent (clustered JetStream adds `cluster` members). */
  decorate: ((req: JsApiRequest, response: Record<string, unknown>) => void) | null = null;

  /**
   * Serves `$JS.API.>` (and `$JS.<domain>.API.>`) in `account`, with JetStream on (`limits`)
   * or answering 10039 (null). With JetStream on, a domain also maps its subjects for the
   * account (domain_mappings.ts): that is how `$JS.<domain>.API.$KV.>` reaches a bucket.
   */
  serveAccount(
    account: Account,
    limits: JsAccountLimits | null,
    tiers?: Record<string, JsAccountLimits>,
  ): void {
    if (this.#accounts.has(account.name)) return;
    const jsa: JsAccount = { account, limits, api: { total: 0, errors: 0 } };
    if (limits !== null && tiers !== undefined) Object.assign(jsa, { tiers });
    this.#accounts.set(account.name, jsa);
    if (limits !== null) addJsDomainMappings(account, this.config.domain);
    const conn = new InternalConnection(this.#ctx, account, { kind: InternalKind.JetStream });
    this.#conns.set(account.name, conn);
    const prefixes = ["$JS.API."];
    if (this.config.domain !== "") prefixes.push(`$JS.${this.config.domain}.API.`);
    for (const prefix of prefixes) {
      conn.subscribe(`${prefix}>`, (msg) => this.#dispatch(jsa, msg, prefix));
    }
  }

  /** `/varz` and `/jsz` `config`. */
  varzConfig(): JetStreamVarzConfig {
    const c = this.config;
    const out: JetStreamVarzConfig = {
      max_memory: c.maxMemory,
      max_storage: c.maxStore,
      store_dir: c.storeDir,
    };
    if (c.domain !== "") out.domain = c.domain;
    if (c.compressOk === true) out.compress_ok = true;
    return out;
  }

  /** `/varz` jetstream `stats` and the `/jsz` counters. */
  stats(): JetStreamStats {
    const u = this.#usage?.serverUsage();
    return {
      memory: u?.memory ?? 0,
      storage: u?.storage ?? 0,
      reserved_memory: u?.reserved_memory ?? 0,
      reserved_storage: u?.reserved_storage ?? 0,
      accounts: this.enabledAccounts.length,
      ha_assets: 0,
      api: { ...this.api },
    };
  }

  /** Streams, consumers, messages and bytes over every account. */
  totals(): { streams: number; consumers: number; messages: number; bytes: number } {
    const u = this.#usage?.serverUsage();
    if (u === undefined) return { streams: 0, consumers: 0, messages: 0, bytes: 0 };
    return { streams: u.streams, consumers: u.consumers, messages: u.messages, bytes: u.bytes };
  }

  /** Names of the accounts with JetStream enabled, in the order they were enabled. */
  accountNames(): string[] {
    return this.enabledAccounts.map((a) => a.account.name);
  }

  /**
   * `/jsz` account_details entry of `name` (nats-server accountDetail), or null when the
   * account does not have JetStream here.
   */
  accountDetail(name: string, opts: JszDetailOptions): Record<string, unknown> | null {
    const jsa = this.#accounts.get(name);
    if (jsa === undefined || jsa.limits === null) return null;
    const u = this.#usage?.accountUsage(name) ?? ZERO_USAGE;
    const out: Record<string, unknown> = {
      name,
      id: name,
      memory: u.memory,
      storage: u.storage,
      reserved_memory: goUint64(jsa.limits.max_memory),
      reserved_storage: goUint64(jsa.limits.max_storage),
      accounts: 0,
      ha_assets: 0,
      api: { ...jsa.api },
    };
    if (opts.streams) {
      const details = this.#usage?.streamDetails?.(name, opts) ?? [];
      if (details.length > 0) out.stream_detail = details;
    }
    return out;
  }

  /** Clustered JetStream: this server leads the meta group (null: a standalone server). */
  isMetaLeader: (() => boolean) | null = null;
  /** Clustered JetStream's `/jsz` `meta_cluster` (null: a standalone server). */
  metaCluster: (() => Record<string, unknown>) | null = null;
  /** Clustered JetStream's `/healthz` problem (null: a standalone server). */
  clusterHealth: ((serverOnly: boolean) => string | null) | null = null;
  /** Runs first when JetStream stops (clustered JetStream leaves its groups). */
  beforeStop: (() => void) | null = null;

  /** Closes the API responders and stops the streams (their data stays). */
  async stop(): Promise<void> {
    this.beforeStop?.();
    for (const c of this.#conns.values()) c.close();
    this.#conns.clear();
    await this.#usage?.stop();
  }

  #dispatch(jsa: JsAccount, msg: InternalMsg, prefix: string): void {
    if (msg.reply === "") return;
    const op = msg.subject.slice(prefix.length);
    if (ownSubscriptionOp(op, prefix)) return;
    const req: JsApiRequest = { jsa, op, msg };
    let response: ReturnType<JsApiHandler> = null;
    for (const h of this.#handlers) {
      response = h(req);
      if (response !== null) break;
    }
    response ??= this.#builtin(req);
    if (response instanceof Promise) {
      // An operation that waits (a stream delete, a create after one): answered when done.
      response.then((r) => this.#send(req, r)).catch(() => {});
      return;
    }
    this.#send(req, response);
  }

  #send(req: JsApiRequest, response: Record<string, unknown> | null): void {
    if (response === null || response === NO_ANSWER) return;
    const { jsa, msg, op } = req;
    this.decorate?.(req, response);
    // Reads change no interest: answered at once.
    const wait = READ_ONLY_OPS.test(op) ? null : this.settle?.() ?? null;
    if (wait !== null) {
      wait.then(() => this.#sendNow(jsa, msg, response)).catch(() => {});
      return;
    }
    this.#sendNow(jsa, msg, response);
  }

  #sendNow(jsa: JsAccount, msg: InternalMsg, response: Record<string, unknown>): void {
    const count: ApiCount = (response as { [API_COUNT]?: ApiCount })[API_COUNT] ??
      ("error" in response ? "error" : "ok");
    if (count !== "none") {
      this.api.total++;
      jsa.api.total++;
    }
    if (count === "error") {
      this.api.errors++;
      jsa.api.errors++;
    }
    const text = marshal(response);
    msg.respond(enc.encode(text));
    const client = { acc: jsa.account.name, server: this.#serverId };
    const audit = this.advisories.apiAudit(
      this.#serverId,
      client,
      msg.subject,
      dec.decode(msg.data),
      text,
    );
    this.advise(jsa.account, audit);
  }

  #builtin(req: JsApiRequest): Record<string, unknown> | null {
    if (req.op !== "INFO") return null;
    const type = "io.nats.jetstream.api.v1.account_info_response";
    const { jsa } = req;
    if (jsa.limits === null) return { type, error: NOT_ENABLED_FOR_ACCOUNT };
    const u = this.#usage?.accountUsage(jsa.account.name) ?? ZERO_USAGE;
    const out: Record<string, unknown> = {
      type,
      memory: u.memory,
      storage: u.storage,
      streams: u.streams,
      consumers: u.consumers,
      limits: jsa.limits,
    };
    if (this.config.domain !== "") out.domain = this.config.domain;
    // The counters as they were before this request (nats-server counts after answering).
    out.api = { ...jsa.api };
    if (jsa.tiers !== undefined) {
      // nats-server JetStreamUsage with tiers: no top-level limits, the usage under its tier.
      out.limits = NO_TIER_LIMITS;
      out.tiers = tierUsage(jsa.tiers, u);
    }
    return out;
  }
}
