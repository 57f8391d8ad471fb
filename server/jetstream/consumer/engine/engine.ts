/**
 * @module
 * The consumer state machine (nats-server 2.9.10 consumer.go): every state change is one
 * {@link ConsumerEntry} applied by {@link ConsumerEngine.apply} with the time passed in, so a
 * RAFT log can replay them later. It selects the starting sequence, delivers (push to the
 * deliver subject, pull to waiting requests), tracks pending acks, redelivers on ack_wait or
 * backoff, enforces max_deliver and max_ack_pending, replays at the original pace, limits the
 * rate, sends idle heartbeats and flow control requests, and says when it next needs waking
 * ({@link ConsumerEngine.nextWakeup}). The next message to deliver is chosen in next_msg.ts,
 * other transitions live in acks.ts, pull.ts and lifecycle.ts. IO is the injected
 * {@link ConsumerOutput}; the stream's messages come from its StreamStore, the consumer's
 * state goes to its ConsumerStore.
 * PURE: no Deno APIs, timers or console output.
 */
import type { ConsumerStore, PendingEntry, StoredMsg, StreamStore } from "../../store/types.ts";
import { ackPrefix, AckReply, type AckReplyPrefix } from "./ack.ts";
import type { EngineConfig } from "./config.ts";
import { ACK_WAIT_DELAY } from "./redelivery.ts";
import { subjectMatches } from "../../../sublist/sublist.ts";
import { RateLimiter } from "./rate_limiter.ts";
import { headersOnly, idleHeartbeat } from "./status.ts";
import { flowControlReply, needFlowControl, sendFlowControl } from "./flow_control.ts";
import { WaitQueue } from "./wait_queue.ts";
import { applyAck, term } from "./acks.ts";
import { getNextMsg } from "./next_msg.ts";
import { processNextRequest, processWaiting, releaseWaiting, takeWaiting } from "./pull.ts";
export type { EngineInfo } from "./info.ts";
import { type EngineInfo, engineInfo } from "./info.ts";
import {
  checkPendingNow,
  forceExpirePending,
  purge,
  restoreState,
  selectStartingSeq,
} from "./lifecycle.ts";

/** What the engine does to the world. */
export interface ConsumerOutput {
  /**
   * Publishes a message to `subject`; a delivery shows the stored message's subject (`shown`,
   * nats-server's `pa.deliver`) and has its ack reply as an {@link AckReply} (written as bytes;
   * `String(reply)` is the subject). Returns false when nothing received it.
   */
  send(
    subject: string,
    reply: string | AckReply,
    header: Uint8Array | null,
    data: Uint8Array | null,
    shown?: string,
  ): boolean;
  /** The consumer acknowledged `seq` (interest and work-queue streams remove messages). */
  streamAcked(seq: number): void;
  /** Confirms an ack that asked for it (once replicated, in a cluster); absent: sent at once. */
  confirm?(reply: string): void;
  /** An advisory or metric: `body` without `id`/`timestamp` (the shell adds them). */
  advisory(subject: string, body: Record<string, unknown>): void;
  /** The inactive threshold passed: the consumer should be deleted. */
  inactive(): void;
  /**
   * A warning for the server log (the shell prefixes
   * `JetStream consumer '<account> > <stream> > <consumer>' `).
   */
  warn?(text: string): void;
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
  /**
   * Interest beyond this cluster, for a pull request's reply without a local subscriber
   * (nats-server nextWaiting/processWaiting): with gateways or leafnodes, a request younger
   * than 2 s (`young`) or a reply a gateway would carry. Absent: none.
   */
  remoteInterest?(subject: string, young: boolean): boolean;
  /** A number in [0, 1) (jitter, sampling, flow control ids). */
  random(): number;
  /** Rate limit burst: the stream's max message size, else the max payload. */
  rateBurst: number;
  /** Flow control window (nats-server JsFlowControlMaxPending, 32 MiB). */
  flowControlLimit?: number;
  /**
   * Push consumer: the most messages one delivery pass sends (absent or 0: no limit). A pass
   * that stops there sets {@link ConsumerEngine.more}; the shell applies a `stored` entry (no
   * sequence) in a later turn to go on, so the receivers' sockets are written in between
   * (nats-server delivers from its own goroutine while the client's writeLoop writes).
   */
  passLimit?: number;
}

/** An ack message (its subject carries the delivery, `body` the kind). */
export interface AckEntry {
  subject: string;
  reply: string;
  body: Uint8Array;
}

/** One state change. */
export type ConsumerEntry =
  | ({ type: "ack" } & AckEntry)
  | { type: "next"; reply: string; body: string }
  | { type: "flow"; subject: string }
  /** A message was stored (`seq`/`subject` absent: just look for work). */
  | { type: "stored"; seq?: number; subject?: string }
  | { type: "tick" }
  | { type: "interest"; active: boolean }
  | { type: "config"; config: EngineConfig; deliverChanged: boolean }
  | { type: "purged"; firstSeq: number; lastSeq: number }
  /** The stream removed a message (limits, age, delete): nats-server decStreamPending. */
  | { type: "removed"; seq: number; subject: string }
  | { type: "delete" };

const JS_FLOW_CONTROL_MAX_PENDING = 32 * 1024 * 1024;

/** A message held back by replay pacing or the rate limit. */
interface Parked {
  msg: StoredMsg;
  dc: number;
  subject: string;
  reply: AckReply;
  header: Uint8Array | null;
  data: Uint8Array | null;
  size: number;
  at: bigint;
  rated: boolean;
}

/** A parked delivery keeps its own copy of the (borrowed) store bytes until it goes out. */
function own(p: Parked): Parked {
  p.header = p.header?.slice() ?? null;
  p.data = p.data?.slice() ?? null;
  return p;
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
  /**
   * The last delivery pass stopped at {@link EngineDeps.passLimit} with messages perhaps left
   * to deliver: apply a `stored` entry (no sequence) later to go on.
   */
  more = false;
  /** Cached messages left to deliver and the last sequence it counted (nats-server npc/npcm). */
  npc = 0;
  npcm = 0;
  /** Timers as absolute deadlines (ns, 0n = not running). */
  pendingAt = 0n;
  heartbeatAt = 0n;
  waitingAt = 0n;
  deleteAt = 0n;
  /** Inactive threshold with jitter (nats-server `dthresh`). */
  dthresh = 0n;
  #prefix: AckReplyPrefix;
  #replay = false;
  #replayLast = 0;
  #lts = 0n;
  #limiter: RateLimiter | null = null;
  #parked: Parked | null = null;

  constructor(config: EngineConfig, deps: EngineDeps, now: bigint) {
    this.config = config;
    this.deps = deps;
    this.#prefix = AckReply.prefixOf(ackPrefix(config.stream, config.name));
    this.waiting = config.deliverSubject === "" ? new WaitQueue(config.maxWaiting) : null;
    if (this.waiting) this.waiting.last = now;
    const cs = deps.consumerStore;
    if (cs !== null && cs.hasState()) restoreState(this, cs, now);
    else selectStartingSeq(this);
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
        flowControlReply(this, entry.subject);
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
        purge(this, entry.firstSeq, entry.lastSeq);
        break;
      case "removed":
        this.#removed(entry.seq, entry.subject, now);
        break;
      case "stored":
        if (entry.seq !== undefined && entry.seq > this.npcm && this.#matches(entry.subject!)) {
          this.npc++;
        }
        break;
    }
    this.#deliverAll(now);
  }

  /**
   * Applies the acks that arrived together (a client's pipelined `+ACK`s) at `now`, then
   * delivers once: the same state as applying them one by one, without a delivery pass per ack.
   */
  applyAcks(acks: readonly AckEntry[], now: bigint): void {
    if (this.closed) return;
    for (let i = 0; i < acks.length && !this.closed; i++) {
      const a = acks[i];
      applyAck(this, a.subject, a.reply, a.body, now);
      this.#suppressDeletion(now);
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
    if (deliverChanged) forceExpirePending(this, now);
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

  /**
   * Messages left to deliver, from the store (nats-server `streamNumPending`); resets the
   * cached count the ack replies use.
   */
  streamNumPending(): number {
    if (this.config.deliverPolicy === "last_per_subject") {
      this.npc = this.npcm = 0;
      for (const ss of this.deps.store.subjectsState(this.config.filterSubject).values()) {
        if (this.sseq <= ss.last) {
          this.npc++;
          if (ss.last > this.npcm) this.npcm = ss.last;
        }
      }
    } else {
      const ss = this.deps.store.filteredState(this.sseq, this.config.filterSubject);
      this.npc = ss.msgs;
      this.npcm = ss.last;
    }
    return this.npc;
  }

  /** The cached count (nats-server `numPending`): counted down per delivery, up per store. */
  numPending(): number {
    if (this.npcm === 0) this.streamNumPending();
    return Math.max(0, this.npc);
  }

  #removed(seq: number, subject: string, now: bigint): void {
    if (seq > this.npcm && seq >= this.sseq && this.#matches(subject)) this.npc--;
    const p = this.pending.get(seq);
    // A pending message that is gone counts as terminated.
    if (p) term(this, seq, p.sequence, this.rdc.get(seq) ?? 1, now);
  }

  #matches(subject: string): boolean {
    const f = this.config.filterSubject;
    return f === "" || (this.config.filterWildcard ? subjectMatches(f, subject) : f === subject);
  }

  /** Consumer info counts at `now`. */
  info(now: bigint): EngineInfo {
    return engineInfo(this, now);
  }

  /** Interest retention: whether this consumer still needs `seq` (nats-server `needAck`). */
  needsAck(seq: number, subject: string): boolean {
    if (!this.#matches(subject)) return false;
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
    if (this.pendingAt !== 0n && now >= this.pendingAt) checkPendingNow(this, now);
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

  /** nats-server loopAndGatherMsgs, run until it would wait. */
  #deliverAll(now: bigint): void {
    let stalledOnAcks = false;
    const limit = this.isPull ? 0 : (this.deps.passLimit ?? 0);
    let sent = 0;
    this.more = false;
    for (;;) {
      if (this.closed) return;
      if (!this.isPull) {
        if (!this.active || (this.maxpb > 0 && this.pbytes > this.maxpb)) break;
        if (limit > 0 && sent >= limit) {
          this.more = true;
          break;
        }
      } else if (this.waiting!.isEmpty() && this.#parked === null) break;
      let p = this.#parked;
      if (p !== null) {
        if (now < p.at) return;
        this.#parked = null;
      } else {
        const next = getNextMsg(this);
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
          this.#parked = own(p);
          return;
        }
      }
      this.#lts = p.msg.ts;
      if (this.#limiter !== null && !p.rated) {
        p.rated = true;
        const delay = this.#limiter.reserve(p.size, now);
        if (delay > 0n) {
          p.at = now + delay;
          this.#parked = own(p);
          return;
        }
      }
      this.#deliver(p, now);
      sent++;
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
    if (dc === 1 && this.npcm > 0) this.npc--;
    const reply = new AckReply(this.#prefix, dc, msg.seq, this.dseq, msg.ts, this.numPending());
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
        if (dc === 1) {
          this.sseq = msg.seq;
          if (this.npcm > 0) this.npc++;
        } else {
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
    if (this.maxpb > 0 && needFlowControl(this, psz)) sendFlowControl(this);
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
      const deliver = this.config.deliverSubject;
      const remote = this.deps.remoteInterest?.(deliver, false) ?? false;
      if (!remote && !this.deps.hasInterest(deliver)) this.#updateInterest(false, now);
    } else if (this.pending.has(seq) && !this.rdqi.has(seq)) {
      this.addToRedeliverQueue(seq);
    }
  }
}
