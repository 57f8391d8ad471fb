/**
 * @module
 * The consumer state machine (nats-server 2.9.10 consumer.go): every state change is one
 * {@link ConsumerEntry} applied by {@link ConsumerEngine.apply} with the time passed in, so a
 * RAFT log can replay them later. It selects the starting sequence, delivers (push to the
 * deliver subject, pull to waiting requests), tracks pending acks, redelivers on ack_wait or
 * backoff, enforces max_deliver and max_ack_pending, replays at the original pace, limits the
 * rate, sends idle heartbeats and flow control requests, and says when it next needs waking
 * ({@link ConsumerEngine.nextWakeup}). IO is the injected {@link ConsumerOutput}; the stream's
 * messages come from its StreamStore, the consumer's state goes to its ConsumerStore.
 * PURE: no Deno APIs, timers or console output.
 */
import { isStoreError, StoreErrorCode } from "../../store/types.ts";
import type { ConsumerStore, PendingEntry, StoredMsg, StreamStore } from "../../store/types.ts";
import { ackPrefix, ackReply } from "./ack.ts";
import type { EngineConfig } from "./config.ts";
import { ACK_WAIT_DELAY, checkPending } from "./redelivery.ts";
import { RateLimiter } from "./rate_limiter.ts";
import { FLOW_CONTROL_REQUEST, headersOnly, idleHeartbeat } from "./status.ts";
import { WaitQueue } from "./wait_queue.ts";
import { applyAck } from "./acks.ts";
import { processNextRequest, processWaiting, releaseWaiting, takeWaiting } from "./pull.ts";

/** What the engine does to the world. */
export interface ConsumerOutput {
  /**
   * Publishes a message to `subject`; a delivery shows the stored message's subject (`shown`,
   * nats-server's `pa.deliver`). Returns false when nothing received it.
   */
  send(
    subject: string,
    reply: string,
    header: Uint8Array | null,
    data: Uint8Array | null,
    shown?: string,
  ): boolean;
  /** The consumer acknowledged `seq` (interest and work-queue streams remove messages). */
  streamAcked(seq: number): void;
  /** An advisory or metric: `body` without `id`/`timestamp` (the shell adds them). */
  advisory(subject: string, body: Record<string, unknown>): void;
  /** The inactive threshold passed: the consumer should be deleted. */
  inactive(): void;
}

/** What the engine needs besides its config. */
export interface EngineDeps {
  store: StreamStore;
  /** Null for a direct consumer (no state kept). */
  consumerStore: ConsumerStore | null;
  /** The stream's retention policy. */
  retention: "limits" | "interest" | "workqueue";
  output: ConsumerOutput;
  /** Whether anything is subscribed to `subject` (pull request replies). */
  hasInterest(subject: string): boolean;
  /** A number in [0, 1) (jitter, sampling, flow control ids). */
  random(): number;
  /** Rate limit burst: the stream's max message size, else the max payload. */
  rateBurst: number;
  /** Flow control window (nats-server JsFlowControlMaxPending, 32 MiB). */
  flowControlLimit?: number;
}

/** One state change. */
export type ConsumerEntry =
  | { type: "ack"; subject: string; reply: string; body: Uint8Array }
  | { type: "next"; reply: string; body: string }
  | { type: "flow"; subject: string }
  | { type: "stored" }
  | { type: "tick" }
  | { type: "interest"; active: boolean }
  | { type: "config"; config: EngineConfig; deliverChanged: boolean }
  | { type: "purged"; firstSeq: number; lastSeq: number }
  | { type: "delete" };

/** The counts consumer info reports, computed as nats-server's `infoWithSnapAndReply`. */
export interface EngineInfo {
  delivered: { consumer_seq: number; stream_seq: number; last_active?: bigint };
  ack_floor: { consumer_seq: number; stream_seq: number; last_active?: bigint };
  num_ack_pending: number;
  num_redelivered: number;
  num_waiting: number;
  num_pending: number;
  push_bound: boolean;
}

const JS_FLOW_CONTROL_MAX_PENDING = 32 * 1024 * 1024;
const FC_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A message held back by replay pacing or the rate limit. */
interface Parked {
  msg: StoredMsg;
  dc: number;
  subject: string;
  reply: string;
  header: Uint8Array | null;
  data: Uint8Array | null;
  size: number;
  at: bigint;
  rated: boolean;
}

/** The consumer state machine. Fields mirror nats-server's consumer struct. */
export class ConsumerEngine {
  config: EngineConfig;
  readonly deps: EngineDeps;
  /** Next stream sequence to look at, next consumer (delivery) sequence. */
  sseq = 1;
  dseq = 1;
  /** Ack floors (consumer and stream sequence). */
  adflr = 0;
  asflr = 0;
  pending = new Map<number, PendingEntry>();
  /** Redelivery counts by stream sequence (deliveries - 1). */
  rdc = new Map<number, number>();
  /** Redelivery queue and its index. */
  rdq: number[] = [];
  rdqi = new Set<number>();
  /** Deliver last per subject: the sequences still to send and where to resume. */
  lss: { resume: number; seqs: number[] } | null = null;
  waiting: WaitQueue | null;
  /** Push consumer: the deliver subject has interest. */
  active = true;
  /** Last delivery and last ack times (ns, 0n = never). */
  ldt = 0n;
  lat = 0n;
  /** Flow control: pending bytes, window, limit, outstanding request id and its size. */
  pbytes = 0;
  maxpb = 0;
  pblimit = 0;
  fcid = "";
  fcsz = 0;
  closed = false;
  /** Timers as absolute deadlines (ns, 0n = not running). */
  pendingAt = 0n;
  heartbeatAt = 0n;
  waitingAt = 0n;
  deleteAt = 0n;
  /** Inactive threshold with jitter (nats-server `dthresh`). */
  dthresh = 0n;
  #prefix: string;
  #replay = false;
  #replayLast = 0;
  #lts = 0n;
  #limiter: RateLimiter | null = null;
  #parked: Parked | null = null;

  constructor(config: EngineConfig, deps: EngineDeps, now: bigint) {
    this.config = config;
    this.deps = deps;
    this.#prefix = ackPrefix(config.stream, config.name);
    this.waiting = config.deliverSubject === "" ? new WaitQueue(config.maxWaiting) : null;
    if (this.waiting) this.waiting.last = now;
    const cs = deps.consumerStore;
    if (cs !== null && cs.hasState()) this.#restore(cs, now);
    else this.#selectStartingSeq();
    if (config.flowControl) {
      this.pblimit = deps.flowControlLimit ?? JS_FLOW_CONTROL_MAX_PENDING;
      this.maxpb = Math.max(1, Math.floor(this.pblimit / 16));
    }
    if (config.rateLimitBps > 0) {
      this.#limiter = new RateLimiter(config.rateLimitBps, deps.rateBurst, now);
    }
    this.#setThreshold();
    if (config.replayPolicy !== "instant") {
      this.#replay = true;
      this.#replayLast = deps.store.state().lastSeq;
    }
    if (config.heartbeat > 0n) this.heartbeatAt = now + config.heartbeat;
    if (this.dthresh > 0n && this.isPull) this.deleteAt = now + this.dthresh;
  }

  get isPull(): boolean {
    return this.config.deliverSubject === "";
  }

  /** Applies one entry at `now` (ns), then delivers what can be delivered. */
  apply(entry: ConsumerEntry, now: bigint): void {
    if (this.closed) return;
    switch (entry.type) {
      case "ack":
        applyAck(this, entry.subject, entry.reply, entry.body, now);
        this.#suppressDeletion(now);
        break;
      case "next":
        processNextRequest(this, entry.reply, entry.body, now);
        break;
      case "flow":
        this.#flowControlReply(entry.subject);
        break;
      case "interest":
        this.#updateInterest(entry.active, now);
        break;
      case "tick":
        this.#tick(now);
        break;
      case "delete":
        releaseWaiting(this);
        this.closed = true;
        return;
      case "config":
        this.#updateConfig(entry.config, entry.deliverChanged, now);
        break;
      case "purged":
        this.#purged(entry.firstSeq, entry.lastSeq);
        break;
      case "stored":
        break;
    }
    this.#deliverAll(now);
  }

  /** nats-server updateConfig: the settings an update may change take effect now. */
  #updateConfig(config: EngineConfig, deliverChanged: boolean, now: bigint): void {
    const old = this.config;
    this.config = config;
    if (config.rateLimitBps !== old.rateLimitBps) {
      this.#limiter = config.rateLimitBps > 0
        ? new RateLimiter(config.rateLimitBps, this.deps.rateBurst, now)
        : null;
    }
    if (config.ackWait !== old.ackWait && this.pendingAt !== 0n) {
      this.pendingAt = now + 100_000_000n;
    }
    if (config.inactiveThreshold !== old.inactiveThreshold) {
      this.#setThreshold();
      this.deleteAt = this.dthresh > 0n ? now + this.dthresh : 0n;
    }
    if (deliverChanged) this.#forceExpirePending(now);
  }

  /** nats-server consumer.purge: what was purged is neither pending nor to be delivered. */
  #purged(firstSeq: number, lastSeq: number): void {
    const sseq = firstSeq === 0 ? lastSeq + 1 : firstSeq;
    if (this.sseq < sseq) this.sseq = sseq;
    if (this.asflr < sseq) {
      this.asflr = sseq - 1;
      if (this.dseq > 0) this.adflr = this.dseq - 1;
    }
    this.pending = new Map();
    const rdq = this.rdq;
    this.rdq = [];
    this.rdqi = new Set();
    this.addToRedeliverQueue(...rdq.filter((s) => s >= this.sseq));
    this.#writeState();
  }

  /** nats-server forceExpirePending: every pending message is redelivered now. */
  #forceExpirePending(now: bigint): void {
    const expired = [...this.pending.keys()].filter((s) => !this.rdqi.has(s)).sort((a, b) => a - b);
    if (expired.length === 0) return;
    this.addToRedeliverQueue(...expired);
    const off = now - this.pending.get(expired[0])!.timestamp;
    for (const seq of expired) this.pending.get(seq)!.timestamp += off;
    this.pendingAt = now + this.config.ackWait + ACK_WAIT_DELAY;
  }

  /** The earliest deadline (ns) at which a `tick` is needed, or null. */
  nextWakeup(): bigint | null {
    let at = 0n;
    const consider = (t: bigint) => {
      if (t > 0n && (at === 0n || t < at)) at = t;
    };
    consider(this.pendingAt);
    consider(this.heartbeatAt);
    consider(this.waitingAt);
    consider(this.deleteAt);
    if (this.#parked) consider(this.#parked.at);
    return at === 0n ? null : at;
  }

  /** Messages left to deliver (nats-server `streamNumPending`). */
  numPending(): number {
    const lastPerSubject = this.config.deliverPolicy === "last_per_subject";
    if (lastPerSubject) {
      let n = 0;
      for (const ss of this.deps.store.subjectsState(this.config.filterSubject).values()) {
        if (this.sseq <= ss.last) n++;
      }
      return n;
    }
    return this.deps.store.filteredState(this.sseq, this.config.filterSubject).msgs;
  }

  /** Consumer info counts at `now`. */
  info(now: bigint): EngineInfo {
    const out: EngineInfo = {
      delivered: { consumer_seq: this.dseq - 1, stream_seq: this.sseq - 1 },
      ack_floor: { consumer_seq: this.adflr, stream_seq: this.asflr },
      num_ack_pending: this.pending.size,
      num_redelivered: this.rdc.size,
      num_waiting: 0,
      num_pending: this.numPending(),
      push_bound: !this.isPull && this.active,
    };
    if (this.ldt !== 0n) out.delivered.last_active = this.ldt;
    if (this.lat !== 0n) out.ack_floor.last_active = this.lat;
    if (this.waiting) {
      processWaiting(this, false, now);
      out.num_waiting = this.waiting.length;
    }
    return out;
  }

  /** Interest retention: whether this consumer still needs `seq` (nats-server `needAck`). */
  needsAck(seq: number, subject: string): boolean {
    const f = this.config.filterSubject;
    if (f !== "" && !subjectMatchesFilter(subject, f, this.config.filterWildcard)) return false;
    if (this.config.ackPolicy !== "explicit") return seq > this.asflr;
    if (seq <= this.asflr) return false;
    return seq >= this.sseq || this.pending.has(seq);
  }

  /** Queues stream sequences for redelivery. */
  addToRedeliverQueue(...seqs: number[]): void {
    for (const s of seqs) {
      this.rdq.push(s);
      this.rdqi.add(s);
    }
  }

  /** drops `seq` from the redelivery queue. */
  removeFromRedeliverQueue(seq: number): void {
    if (!this.rdqi.delete(seq)) return;
    const i = this.rdq.indexOf(seq);
    if (i >= 0) this.rdq.splice(i, 1);
  }

  /** persists an ack (errors of the store are ignored as nats-server does). */
  storeAcks(dseq: number, sseq: number, now: bigint): void {
    try {
      this.deps.consumerStore?.updateAcks(dseq, sseq);
    } catch { /* nats-server ignores store errors here */ }
    this.lat = now;
  }

  /** persists a delivery. */
  storeDelivered(dseq: number, sseq: number, dc: number, ts: bigint, now: bigint): void {
    try {
      this.deps.consumerStore?.updateDelivered(dseq, sseq, dc, ts);
    } catch { /* ignored like nats-server */ }
    this.ldt = now;
  }

  /** makes sure the ack-wait check runs within `delay`. */
  checkPendingWithin(delay: bigint, now: bigint): void {
    const at = now + delay;
    if (this.pendingAt === 0n || at < this.pendingAt) this.pendingAt = at;
  }

  /** messages waiting in the redelivery queue. */
  get redeliveryCount(): number {
    return this.rdq.length;
  }

  /** the idle heartbeat for `subject` (push deliver subject or a pull reply). */
  sendIdleHeartbeat(subject: string): void {
    this.deps.output.send(
      subject,
      "",
      idleHeartbeat(this.dseq - 1, this.sseq - 1, this.fcid),
      null,
    );
  }

  #restore(cs: ConsumerStore, now: bigint): void {
    const st = cs.state();
    this.sseq = Math.max(this.sseq, st.delivered.streamSeq + 1);
    this.dseq = st.delivered.consumerSeq + 1;
    this.adflr = st.ackFloor.consumerSeq;
    this.asflr = st.ackFloor.streamSeq;
    this.pending = st.pending;
    this.rdc = st.redelivered;
    const last = this.deps.store.state().lastSeq;
    for (const seq of [...this.rdc.keys()]) {
      if (seq < this.asflr || (last > 0 && seq > last)) this.rdc.delete(seq);
    }
    if (this.pending.size > 0) {
      // nats-server checks restored pending after 500ms-1.5s, or sooner with a short ack_wait.
      let delay = 500_000_000n + BigInt(Math.floor(this.deps.random() * 1000)) * 1_000_000n;
      if (this.config.ackWait < delay) delay = this.config.ackWait + ACK_WAIT_DELAY;
      this.pendingAt = now + delay;
    }
  }

  #selectStartingSeq(): void {
    const { store } = this.deps;
    const c = this.config;
    const state = store.state();
    if (c.optStartSeq === 0) {
      if (c.deliverPolicy === "all") this.sseq = state.firstSeq;
      else if (c.deliverPolicy === "last") {
        this.sseq = state.lastSeq;
        if (c.filterSubject !== "") this.sseq = store.filteredState(1, c.filterSubject).last;
      } else if (c.deliverPolicy === "last_per_subject") {
        const mss = store.subjectsState(c.filterSubject);
        if (mss.size > 0) {
          const seqs = [...mss.values()].map((s) => s.last).sort((a, b) => a - b);
          this.lss = { resume: state.lastSeq, seqs };
          this.sseq = seqs[0];
        } else this.sseq = state.lastSeq;
      } else if (c.optStartTime !== 0n) this.sseq = store.getSeqFromTime(c.optStartTime);
      else this.sseq = state.lastSeq + 1;
    } else this.sseq = c.optStartSeq;
    if (state.firstSeq === 0) this.sseq = 1;
    else if (this.sseq < state.firstSeq) this.sseq = state.firstSeq;
    else if (this.sseq > state.lastSeq) this.sseq = state.lastSeq + 1;
    this.dseq = 1;
    this.adflr = 0;
    this.asflr = this.sseq - 1;
    if (this.sseq > 0) {
      try {
        this.deps.consumerStore?.setStarting(this.sseq - 1);
      } catch { /* closed store */ }
    }
  }

  /** nats-server updateInactiveThreshold (jitter 100ms..1s for pull and ephemeral default). */
  #setThreshold(): void {
    const c = this.config;
    const jitter = 100_000_000n + BigInt(Math.floor(this.deps.random() * 900)) * 1_000_000n;
    if (c.inactiveThreshold > 0n) {
      this.dthresh = this.isPull ? c.inactiveThreshold + jitter : c.inactiveThreshold;
    } else this.dthresh = 0n;
  }

  #suppressDeletion(now: bigint): void {
    if (this.config.inactiveThreshold <= 0n) return;
    if (!this.isPull && this.deleteAt !== 0n) this.deleteAt = now + this.dthresh;
    else if (this.waiting) this.waiting.last = now;
  }

  #updateInterest(interest: boolean, now: bigint): void {
    if (this.isPull) return;
    this.active = interest;
    if (this.deleteAt !== 0n && this.dthresh > 0n && !interest) return;
    this.deleteAt = 0n;
    if (!interest && this.dthresh > 0n) this.deleteAt = now + this.dthresh;
  }

  #tick(now: bigint): void {
    if (this.pendingAt !== 0n && now >= this.pendingAt) this.#checkPending(now);
    if (this.heartbeatAt !== 0n && now >= this.heartbeatAt) {
      if (this.active && !this.isPull) this.sendIdleHeartbeat(this.config.deliverSubject);
      this.heartbeatAt = now + this.config.heartbeat;
    }
    if (this.waitingAt !== 0n && now >= this.waitingAt) {
      this.waitingAt = 0n;
      processWaiting(this, true, now);
    }
    if (this.deleteAt !== 0n && now >= this.deleteAt) this.#deleteNotActive(now);
  }

  #deleteNotActive(now: bigint): void {
    this.deleteAt = 0n;
    if (!this.isPull) {
      if (this.active) return;
    } else {
      const elapsed = now - this.waiting!.last;
      if (elapsed <= this.config.inactiveThreshold) {
        this.deleteAt = now + (this.dthresh - elapsed);
        return;
      }
      processWaiting(this, true, now);
      if (this.waiting!.length > 0) {
        this.deleteAt = now + this.dthresh;
        return;
      }
    }
    this.deps.output.inactive();
  }

  #checkPending(now: bigint): void {
    const firstSeq = this.deps.store.state().firstSeq;
    const r = checkPending(
      this.pending,
      this.rdc,
      this.rdqi,
      this.config.ackWait,
      this.config.backoff,
      firstSeq,
      now,
    );
    for (const seq of r.gone) {
      this.pending.delete(seq);
      this.rdc.delete(seq);
      this.removeFromRedeliverQueue(seq);
    }
    if (r.expired.length > 0) {
      this.addToRedeliverQueue(...r.expired);
      // Timestamps move forward by the same offset so redeliveries keep their order.
      const off = now - this.pending.get(r.expired[0])!.timestamp;
      for (const seq of r.expired) {
        const p = this.pending.get(seq);
        if (p) p.timestamp += off;
      }
    }
    this.pendingAt = this.pending.size > 0 ? now + r.next : 0n;
    if (r.gone.length > 0) this.#writeState();
  }

  #writeState(): void {
    const cs = this.deps.consumerStore;
    if (cs === null) return;
    try {
      cs.update({
        delivered: { consumerSeq: this.dseq - 1, streamSeq: this.sseq - 1 },
        ackFloor: { consumerSeq: this.adflr, streamSeq: this.asflr },
        pending: this.pending,
        redelivered: this.rdc,
      });
    } catch { /* ignored like nats-server */ }
  }

  #flowControlReply(subject: string): void {
    if (subject !== this.fcid) return;
    if (this.maxpb < this.pblimit) this.maxpb = Math.min(this.maxpb * 2, this.pblimit);
    this.pbytes = Math.max(0, this.pbytes - this.fcsz);
    this.fcid = "";
    this.fcsz = 0;
  }

  /** nats-server getNextMsg: redeliveries first, then the skip list, then the stream. */
  #nextMsg(): { msg: StoredMsg; dc: number } | "wait" | "maxAckPending" {
    const { store } = this.deps;
    while (this.rdq.length > 0) {
      const seq = this.rdq.shift()!;
      this.rdqi.delete(seq);
      const dc = (this.rdc.get(seq) ?? 0) + 1 + 1;
      this.rdc.set(seq, dc - 1);
      const max = this.config.maxDeliver;
      if (max > 0 && dc > max) {
        if (dc === max + 1) {
          this.deps.output.advisory(
            `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${this.config.stream}.${this.config.name}`,
            {
              type: "io.nats.jetstream.advisory.v1.max_deliver",
              stream: this.config.stream,
              consumer: this.config.name,
              stream_seq: seq,
              deliveries: dc - 1,
            },
          );
        }
        this.pending.delete(seq);
        continue;
      }
      try {
        return { msg: store.loadMsg(seq), dc };
      } catch {
        // Gone from the stream: nothing to redeliver.
        this.pending.delete(seq);
        this.rdc.delete(seq);
      }
    }
    let seq = this.sseq;
    if (this.lss !== null && this.lss.seqs.length > 0) {
      seq = this.lss.seqs[0];
      if (this.lss.seqs.length === 1) {
        this.sseq = this.lss.resume;
        this.lss = null;
      } else this.lss.seqs.shift();
    }
    const maxp = this.config.maxAckPending;
    if (maxp > 0 && this.config.ackPolicy !== "none" && this.pending.size >= maxp) {
      return "maxAckPending";
    }
    try {
      const msg = store.loadNextMsg(this.config.filterSubject, this.config.filterWildcard, seq);
      if (msg.seq >= this.sseq) this.sseq = msg.seq + 1;
      return { msg, dc: 1 };
    } catch (e) {
      if (isStoreError(e, StoreErrorCode.EOF)) {
        const last = store.state().lastSeq;
        if (last >= this.sseq) this.sseq = last + 1;
      }
      return "wait";
    }
  }

  /** nats-server loopAndGatherMsgs, run until it would wait. */
  #deliverAll(now: bigint): void {
    let stalledOnAcks = false;
    for (;;) {
      if (this.closed) return;
      if (!this.isPull) {
        if (!this.active || (this.maxpb > 0 && this.pbytes > this.maxpb)) break;
      } else if (this.waiting!.isEmpty() && this.#parked === null) break;
      let p = this.#parked;
      if (p !== null) {
        if (now < p.at) return;
        this.#parked = null;
      } else {
        const next = this.#nextMsg();
        if (next === "wait" || next === "maxAckPending") {
          stalledOnAcks = next === "maxAckPending";
          break;
        }
        p = this.#prepare(next.msg, next.dc, now);
        if (p === null) break;
      }
      if (this.#replay && this.#lts > 0n && !p.rated) {
        const delay = p.msg.ts - this.#lts;
        if (delay > 1_000_000n && p.at === 0n) {
          p.at = now + delay;
          this.#parked = p;
          return;
        }
      }
      this.#lts = p.msg.ts;
      if (this.#limiter !== null && !p.rated) {
        p.rated = true;
        const delay = this.#limiter.reserve(p.size, now);
        if (delay > 0n) {
          p.at = now + delay;
          this.#parked = p;
          return;
        }
      }
      this.#deliver(p, now);
      if (this.config.heartbeat > 0n) this.heartbeatAt = now + this.config.heartbeat;
    }
    if (this.#replay && this.sseq > this.#replayLast) this.#replay = false;
    if (this.isPull) {
      const fexp = processWaiting(this, !stalledOnAcks, now);
      // A deadline already reached fires 1ms later (nats-server's floor), never in a loop.
      this.waitingAt = fexp !== 0n && fexp <= now ? now + 1_000_000n : fexp;
    }
  }

  /** Builds the delivery of `msg`; for pull, picks the request (null: none, redo later). */
  #prepare(msg: StoredMsg, dc: number, now: bigint): Parked | null {
    const reply = ackReply(this.#prefix, dc, msg.seq, this.dseq, msg.ts, this.numPending());
    let header = msg.header;
    let data: Uint8Array | null = msg.data;
    if (this.config.headersOnly) {
      header = headersOnly(msg.header, msg.data.length);
      data = null;
    }
    const size = msg.subject.length + reply.length + (header?.length ?? 0) + (data?.length ?? 0);
    let subject = this.config.deliverSubject;
    if (this.isPull) {
      const wr = takeWaiting(this, size, now);
      if (wr === null) {
        // Put it back: the next request takes it.
        if (dc === 1) this.sseq = msg.seq;
        else {
          this.rdc.set(msg.seq, dc - 2);
          if (dc - 2 === 0) this.rdc.delete(msg.seq);
          this.rdq.unshift(msg.seq);
          this.rdqi.add(msg.seq);
        }
        return null;
      }
      subject = wr.reply;
      if (wr.n > 0 && wr.hb > 0n) wr.hbt = now + wr.hb;
    }
    return { msg, dc, subject, reply, header, data, size, at: 0n, rated: false };
  }

  /** nats-server deliverMsg. */
  #deliver(p: Parked, now: bigint): void {
    const dseq = this.dseq++;
    const psz = p.subject.length + p.reply.length + (p.header?.length ?? 0) +
      (p.data?.length ?? 0);
    if (this.maxpb > 0) this.pbytes += psz;
    const ok = this.deps.output.send(p.subject, p.reply, p.header, p.data, p.msg.subject);
    const seq = p.msg.seq;
    const ap = this.config.ackPolicy;
    if (ap === "explicit" || ap === "all") this.#trackPending(seq, dseq, now);
    else {
      this.adflr = dseq;
      this.asflr = seq;
    }
    if (this.maxpb > 0 && this.#needFlowControl(psz)) this.#sendFlowControl();
    if (this.isPull && this.dthresh > 0n) this.waiting!.last = now;
    this.storeDelivered(dseq, seq, p.dc, p.msg.ts, now);
    if (ap === "none" && this.deps.retention !== "limits") this.deps.output.streamAcked(seq);
    if (!ok) this.#didNotDeliver(seq, now);
  }

  #trackPending(sseq: number, dseq: number, now: bigint): void {
    if (this.pendingAt === 0n) this.pendingAt = now + this.config.ackWait + ACK_WAIT_DELAY;
    const p = this.pending.get(sseq);
    if (p) p.timestamp = now;
    else this.pending.set(sseq, { sequence: dseq, timestamp: now });
  }

  #didNotDeliver(seq: number, now: bigint): void {
    if (!this.isPull) {
      this.active = false;
      if (!this.deps.hasInterest(this.config.deliverSubject)) this.#updateInterest(false, now);
    } else if (this.pending.has(seq) && !this.rdqi.has(seq)) {
      this.addToRedeliverQueue(seq);
    }
  }

  #needFlowControl(size: number): boolean {
    if (this.maxpb === 0) return false;
    if (this.fcid === "" && this.pbytes > this.maxpb / 2) return true;
    if (this.fcid !== "" && this.pbytes - this.fcsz >= this.maxpb) this.fcsz += size;
    return false;
  }

  #sendFlowControl(): void {
    if (this.isPull) return;
    let id = "";
    for (let i = 0; i < 4; i++) id += FC_DIGITS[Math.floor(this.deps.random() * 62)];
    const reply = `$JS.FC.${this.config.stream}.${this.config.name}.${id}`;
    this.fcsz = this.pbytes;
    this.fcid = reply;
    this.deps.output.send(this.config.deliverSubject, reply, FLOW_CONTROL_REQUEST, null);
  }
}

/** Whether `subject` matches the consumer filter (literal compare unless it has wildcards). */
export function subjectMatchesFilter(subject: string, filter: string, wildcard: boolean): boolean {
  if (!wildcard) return subject === filter;
  const s = subject.split(".");
  const f = filter.split(".");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === ">") return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== "*" && f[i] !== s[i]) return false;
  }
  return s.length === f.length;
}
