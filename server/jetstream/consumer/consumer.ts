/**
 * @module
 * A running consumer: the IO shell around the pure {@link ConsumerEngine}. It subscribes (with
 * its stream's internal connection) to its acks `$JS.ACK.<stream>.<name>.*.*.*.*.*`, its pull
 * requests `$JS.API.CONSUMER.MSG.NEXT.<stream>.<name>` and, with flow control, the replies
 * `$JS.FC.<stream>.<name>.*`; hears of new messages through the stream's `onStored`; turns
 * each into one engine entry with the stream's clock; runs one timer at the engine's next
 * deadline; watches a push consumer's deliver subject for interest; publishes deliveries,
 * statuses and advisories (nats-server 2.9.10 consumer.go `setLeader`). Runs in the isolate
 * that owns the stream.
 */
import type { Account } from "../../accounts/account.ts";
import { hasSubscriberInterest } from "../../accounts/import_routing.ts";
import type { InternalSubscription } from "../../internal/internal_connection.ts";
import { subjectMatches } from "../../sublist/sublist.ts";
import type { ConsumerConfig } from "../api/consumer_config.ts";
import { type ConsumerInfo, consumerInfoJson } from "../api/api_types.ts";
import type { ConsumerStore } from "../store/types.ts";
import { decodeConsumerState } from "../store/consumer_state.ts";
import type { ConsumerHandle, StreamView } from "../stream_view.ts";
import { ackSubscription } from "./engine/ack.ts";
import { engineConfig } from "./engine/config.ts";
import { goTimeNs } from "../js_time.ts";
import { yieldToIo } from "../../conn/io_yield.ts";
import { type AckEntry, ConsumerEngine, type ConsumerEntry } from "./engine/engine.ts";
import { randomBase62 } from "../../protocol/base62.ts";

/**
 * How often a push consumer checks its deliver subject for interest (ms): a fallback to the
 * interest watcher (nats-server registers a sublist notification), and the only check without
 * one.
 */
export const INTEREST_POLL_MS = 1000;

/**
 * The most messages a push consumer delivers in one turn before it lets the runtime write the
 * sockets (and read acks and flow control replies) and goes on: a flow control window is up
 * to 32 MiB, which in one turn left the subscriber idle while it was built.
 */
export const PUSH_PASS_LIMIT = 2048;

/** Tells of subscriptions coming and going (the server's `onInterest`). */
export type InterestWatch = (
  listener: (account: Account, sub: { readonly subject: string }, delta: 1 | -1) => void,
) => () => void;

/** Options of a {@link Consumer}. */
/**
 * Whether a reply in `account` without a local subscriber is still wanted: with gateways or
 * leafnodes, when the request is `young` (under 2 s) or a gateway would carry the reply.
 */
export type RemoteInterest = (account: Account, subject: string, young: boolean) => boolean;

export interface ConsumerOptions {
  /** Creation time (ns); the stream's clock when absent. */
  created?: bigint;
  /** The server's max payload (rate limit burst when the stream has no max_msg_size). */
  maxPayload?: number;
  /** Called once the consumer deleted itself (inactive threshold). */
  onDeleted?: (c: Consumer) => void;
  /** Server log warnings (nats-server's texts). */
  warn?: (text: string) => void;
  /** Watches interest changes, so a push consumer starts as soon as its subscriber comes. */
  watchInterest?: InterestWatch;
  /** A number in [0, 1) (jitter, ids). */
  random?: () => number;
  /** Interest beyond this cluster in a pull request's reply (see {@link RemoteInterest}). */
  remoteInterest?: RemoteInterest;
  /**
   * The state to start from (consumer_state.ts encoding): a clustered stream's new leader
   * resuming a consumer its group replicated but its store does not hold (a memory stream's).
   */
  state?: Uint8Array;
}

const enc = new TextEncoder();
const EMPTY_DATA = new Uint8Array(0);

function nuid(random: () => number): string {
  return randomBase62(22, random);
}

/** One consumer of a stream. */
export class Consumer implements ConsumerHandle {
  readonly name: string;
  readonly stream: StreamView;
  readonly created: bigint;
  config: ConsumerConfig;
  readonly engine: ConsumerEngine;
  /** Null for a direct consumer (a mirror's or source's: no state kept, as nats-server). */
  /** ConsumerHandle: the state as the store encodes it (null: a direct consumer). */
  encodedState(): Uint8Array | null {
    return this.#store?.encodedState() ?? null;
  }

  /** ConsumerHandle: the ack policy. */
  get ackPolicy(): string {
    return this.config.ack_policy;
  }

  readonly #store: ConsumerStore | null;
  readonly #subs: InternalSubscription[] = [];
  readonly #opts: ConsumerOptions;
  readonly #random: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = 0n;
  #poll: ReturnType<typeof setInterval> | undefined;
  #unstored: (() => void) | null = null;
  #unwatch: (() => void) | null = null;
  #stopped = false;
  /** A continuation of a delivery pass cut at the pass limit is scheduled. */
  #continuing = false;
  /**
   * Acks received in this turn, applied together (one delivery pass) at its end or before any
   * other entry, so entries keep their order.
   */
  #acks: AckEntry[] = [];

  constructor(
    stream: StreamView,
    name: string,
    config: ConsumerConfig,
    opts: ConsumerOptions = {},
  ) {
    this.stream = stream;
    this.name = name;
    this.config = config;
    this.#opts = opts;
    this.#random = opts.random ?? Math.random;
    this.created = opts.created ?? stream.now();
    this.#store = config.direct
      ? null
      : stream.store.consumerStore(name, { ackPolicy: config.ack_policy });
    if (opts.state !== undefined) this.#store?.update(decodeConsumerState(opts.state));
    const sc = stream.config;
    const burst = sc.max_msg_size > 0 ? sc.max_msg_size : (opts.maxPayload ?? 1024 * 1024);
    const conn = stream.conn;
    this.engine = new ConsumerEngine(engineConfig(sc.name, name, config), {
      store: stream.store,
      consumerStore: this.#store,
      retention: sc.retention,
      rateBurst: burst,
      passLimit: PUSH_PASS_LIMIT,
      random: this.#random,
      hasInterest: (subject) => hasSubscriberInterest(conn.account, subject),
      remoteInterest: opts.remoteInterest
        ? (subject, young) => opts.remoteInterest!(conn.account, subject, young)
        : undefined,
      output: {
        send: (subject, reply, header, data, shown) =>
          !conn.closed && conn.publish(shown ?? subject, data ?? undefined, {
            reply,
            headers: header ?? undefined,
            deliverTo: subject,
          }),
        streamAcked: (seq) => this.stream.acked(this, seq),
        confirm: (reply) => {
          const send = () => !conn.closed && conn.publish(reply, EMPTY_DATA);
          const replicated = this.stream.consumerReplicated?.();
          if (replicated === undefined || replicated === null) send();
          else void replicated.then(send, () => {});
        },
        advisory: (subject, body) => this.#advisory(subject, body),
        inactive: () => queueMicrotask(() => this.#deleteInactive()),
        warn: (text) =>
          opts.warn?.(
            `JetStream consumer '${stream.account.name} > ${sc.name} > ${name}' ${text}`,
          ),
      },
    }, stream.now());
  }

  /** A mirror's or source's consumer: not counted, listed or saved. */
  get direct(): boolean {
    return this.config.direct === true;
  }

  get filterSubject(): string {
    return this.config.filter_subject ?? "";
  }

  get isPull(): boolean {
    return (this.config.deliver_subject ?? "") === "";
  }

  /** Subscribes and starts delivering (nats-server setLeader(true)). */
  start(): void {
    const conn = this.stream.conn;
    const sname = this.stream.config.name;
    this.#subs.push(
      conn.subscribe(
        ackSubscription(sname, this.name),
        (m) => this.#ack({ subject: m.subject, reply: m.reply, body: m.data }),
      ),
      conn.subscribe(
        `$JS.API.CONSUMER.MSG.NEXT.${sname}.${this.name}`,
        (m) => this.#apply({ type: "next", reply: m.reply, body: m.string() }),
      ),
    );
    if (this.config.flow_control) {
      this.#subs.push(
        conn.subscribe(
          `$JS.FC.${sname}.${this.name}.*`,
          (m) => this.#apply({ type: "flow", subject: m.subject }),
        ),
      );
    }
    this.#unstored = this.stream.onStored((seq, subject) =>
      this.#apply({ type: "stored", seq, subject })
    );
    if (!this.isPull) {
      this.#poll = setInterval(() => this.#checkInterest(), INTEREST_POLL_MS);
      this.#unwatch = this.#opts.watchInterest?.((account, sub) => {
        const deliver = this.config.deliver_subject ?? "";
        if (account === this.stream.account) {
          if (!subjectMatches(sub.subject, deliver)) return;
        } else if (
          !this.stream.account.exportsStreams || !this.stream.account.sublist.hasInterest(deliver)
        ) {
          // Another account's subscription reaches the deliver subject only through a stream
          // import, which is an entry matching it in this account.
          return;
        }
        // After the SUB (or UNSUB) that changed it is done.
        queueMicrotask(() => this.#checkInterest());
      }) ?? null;
      // Deliveries begin after the create answer went out (nats-server runs the consumer's
      // loop apart): a mirror across a leafnode or gateway takes the answer first. Without a
      // subscriber it is inactive at once (the answer's push_bound).
      if (!this.#hasDeliveryInterest()) this.#checkInterest();
      setTimeout(() => {
        this.#checkInterest();
        this.#apply({ type: "stored" });
      }, 0);
      return;
    }
    this.#apply({ type: "stored" });
  }

  /** A pull request that arrived another way (a JetStream domain's API prefix). */
  pullRequest(reply: string, body: string): void {
    this.#apply({ type: "next", reply, body });
  }

  /** Queues an ack; the acks of one turn are applied together. */
  #ack(entry: AckEntry): void {
    if (this.#stopped) return;
    this.#acks.push(entry);
    if (this.#acks.length === 1) queueMicrotask(() => this.#applyAcks());
  }

  #applyAcks(): void {
    if (this.#acks.length === 0) return;
    const acks = this.#acks;
    this.#acks = [];
    if (this.#stopped) return;
    this.engine.applyAcks(acks, this.stream.now());
    this.stream.consumerChanged?.();
    this.#arm();
    this.#continueLater();
  }

  /** Applies an entry now (after the acks before it) and re-arms the timer. */
  #apply(entry: ConsumerEntry): void {
    if (this.#stopped) return;
    this.#applyAcks();
    this.engine.apply(entry, this.stream.now());
    this.#arm();
    this.#continueLater();
  }

  /** A pass stopped at the pass limit: goes on after the runtime wrote and read its sockets. */
  #continueLater(): void {
    if (!this.engine.more || this.#continuing || this.#stopped) return;
    this.#continuing = true;
    yieldToIo().then(() => {
      this.#continuing = false;
      if (this.engine.more) this.#apply({ type: "stored" });
    });
  }

  #arm(): void {
    const at = this.engine.nextWakeup();
    if (at === null || this.#stopped) {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerAt = 0n;
      return;
    }
    if (this.#timer !== undefined && this.#timerAt === at) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const delayMs = Math.max(0, Math.ceil(Number(at - this.stream.now()) / 1e6));
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = 0n;
      this.#apply({ type: "tick" });
    }, delayMs);
  }

  #checkInterest(): void {
    if (this.#stopped) return;
    const interest = this.#hasDeliveryInterest();
    if (interest !== this.engine.active) this.#apply({ type: "interest", active: interest });
  }

  /**
   * Whether the deliver subject has a subscriber; with a deliver group, a member of that queue
   * group (nats-server registers a queue notification then).
   */
  #hasDeliveryInterest(): boolean {
    const subject = this.config.deliver_subject ?? "";
    const group = this.config.deliver_group ?? "";
    const sublist = this.stream.conn.account.sublist;
    if (group === "") {
      // Or beyond a gateway (nats-server hasDeliveryInterest: a mirror in another cluster).
      const account = this.stream.conn.account;
      return hasSubscriberInterest(account, subject) ||
        (this.#opts.remoteInterest?.(account, subject, false) ?? false);
    }
    return sublist.matchString(subject).qsubs.some((g) => g.length > 0 && g[0].queue === group);
  }

  #advisory(subject: string, body: Record<string, unknown>): void {
    const conn = this.stream.conn;
    if (conn.closed) return;
    const { type, ...rest } = body;
    const full = {
      type,
      id: nuid(this.#random),
      timestamp: goTimeNs(this.stream.now()),
      ...rest,
    };
    conn.publish(subject, enc.encode(JSON.stringify(full)));
  }

  /** Sends the consumer_action advisory (`CREATED` or `DELETED`). */
  sendActionAdvisory(action: "create" | "delete"): void {
    const kind = action === "create" ? "CREATED" : "DELETED";
    const sname = this.stream.config.name;
    this.#advisory(`$JS.EVENT.ADVISORY.CONSUMER.${kind}.${sname}.${this.name}`, {
      type: "io.nats.jetstream.advisory.v1.consumer_action",
      stream: sname,
      consumer: this.name,
      action,
    });
  }

  /** Consumer info JSON for `/jsz` consumer_detail (config left out unless asked for). */
  detail(withConfig: boolean): Record<string, unknown> {
    const info = this.info();
    if (!withConfig) delete info.config;
    return consumerInfoJson(info);
  }

  /** Consumer info (nats-server infoWithSnapAndReply). */
  info(): ConsumerInfo {
    this.#applyAcks();
    const now = this.stream.now();
    const e = this.engine.info(now);
    this.#arm();
    const seq = (s: { consumer_seq: number; stream_seq: number; last_active?: bigint }) => {
      const out: { consumer_seq: number; stream_seq: number; last_active?: string } = {
        consumer_seq: s.consumer_seq,
        stream_seq: s.stream_seq,
      };
      if (s.last_active !== undefined) out.last_active = goTimeNs(s.last_active);
      return out;
    };
    return {
      stream_name: this.stream.config.name,
      name: this.name,
      created: goTimeNs(this.created),
      config: this.config,
      delivered: seq(e.delivered),
      ack_floor: seq(e.ack_floor),
      num_ack_pending: e.num_ack_pending,
      num_redelivered: e.num_redelivered,
      num_waiting: e.num_waiting,
      num_pending: e.num_pending,
      push_bound: e.push_bound,
    };
  }

  /**
   * Takes an allowed config update (checked by the API: checkNewConsumerConfig): the engine
   * reads the new limits (max_ack_pending, ack_wait, max_deliver, backoff, sample_freq, rate
   * limit, deliver subject, inactive threshold) from the next entry on.
   */
  updateConfig(config: ConsumerConfig): void {
    const deliverChanged = (config.deliver_subject ?? "") !== (this.config.deliver_subject ?? "");
    this.config = config;
    try {
      this.#store?.updateConfig({ ackPolicy: config.ack_policy });
    } catch { /* closed */ }
    this.#apply({
      type: "config",
      config: engineConfig(this.stream.config.name, this.name, config),
      deliverChanged,
    });
  }

  /** ConsumerHandle: the stream was purged below `firstSeq`. */
  purged(firstSeq: number, lastSeq: number): void {
    this.#apply({ type: "purged", firstSeq, lastSeq });
  }

  /** ConsumerHandle: the stream removed a message (limits, age, delete). */
  removed(seq: number, subject: string): void {
    // Called from inside the store (possibly during this consumer's own ack): applied after.
    queueMicrotask(() => this.#apply({ type: "removed", seq, subject }));
  }

  /** ConsumerHandle: interest retention. */
  needsAck(seq: number, subject: string): boolean {
    if (subject === "") {
      try {
        subject = this.stream.store.loadMsg(seq).subject;
      } catch {
        return false;
      }
    }
    // Acks not applied yet count as not received (the message stays; they ack it later).
    return this.engine.needsAck(seq, subject);
  }

  #shutdown(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#poll !== undefined) clearInterval(this.#poll);
    this.#timer = this.#poll = undefined;
    this.#unstored?.();
    this.#unstored = null;
    this.#unwatch?.();
    this.#unwatch = null;
    for (const s of this.#subs) s.unsubscribe();
    this.#subs.length = 0;
  }

  /** ConsumerHandle: the server stops; state is flushed and kept. */
  stop(): void {
    if (this.#stopped) return;
    this.#applyAcks();
    this.#shutdown();
    try {
      this.#store?.flush();
      this.#store?.stop();
    } catch { /* already closed */ }
  }

  /** ConsumerHandle: deleted (by the API, its stream, or inactivity): state is removed. */
  delete(): void {
    if (this.#stopped) return;
    this.engine.apply({ type: "delete" }, this.stream.now());
    this.#shutdown();
    try {
      this.#store?.delete();
    } catch { /* already closed */ }
  }

  /**
   * After a delete (API or inactivity, not the stream's own): an interest stream drops the
   * messages no remaining consumer needs (nats-server stopWithFlags, checkInterest).
   */
  releaseInterest(): void {
    if (this.stream.config.retention !== "interest") return;
    const st = this.stream.store.state();
    const start = Math.max(this.engine.asflr, st.firstSeq, 1);
    for (let seq = start; seq <= st.lastSeq; seq++) this.stream.acked(this, seq);
  }

  #deleteInactive(): void {
    if (this.#stopped) return;
    this.delete();
    this.stream.detachConsumer(this.name);
    this.releaseInterest();
    this.sendActionAdvisory("delete");
    this.#opts.onDeleted?.(this);
  }
}
