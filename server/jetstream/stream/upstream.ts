/**
 * @module
 * One upstream consumer of a mirroring or sourcing stream (nats-server 2.9.10 stream.go
 * `sourceInfo`, the shared part of `setupMirrorConsumer`/`setSourceConsumer`,
 * `processMirrorMsgs`/`processSourceMsgs`, `cancelSourceInfo`, `handleFlowControl`): the
 * consumer is created through the JetStream API of the origin (an external API prefix for
 * another account or domain) with a request from this stream's internal connection; messages
 * arrive on a deliver inbox subscribed before the request goes out and wait until the answer
 * names the consumer; flow control requests are answered, idle heartbeats checked, and a
 * consumer silent for three health checks is recreated. Creates are throttled to one per
 * {@link RETRY_THRESHOLD_MS} and time out after {@link CREATE_TIMEOUT_MS}. Time and timers come
 * from the stream's injected env. PURE: no Deno APIs, timers or console output.
 */
import type { InternalConnection, InternalMsg } from "../../internal/internal_connection.ts";
import type { ApiError } from "../api/errors.ts";
import type { StreamConfig, StreamSource } from "../api/stream_config.ts";
import type { StreamSourceInfo } from "../api/api_types.ts";
import type { StreamStore } from "../store/types.ts";
import { CONSUMER_STALLED_HDR, LAST_CONSUMER_HDR } from "../consumer/engine/status.ts";
import { parseAckReply } from "../consumer/engine/ack.ts";
import type { EntryResult, StreamEntry } from "./entry.ts";
import type { InboundMsg } from "./inbound.ts";
import type { StreamEnv } from "./stream.ts";
import {
  ackReplyConsumer,
  CREATE_TIMEOUT_MS,
  createReplySubject,
  createRequestBody,
  createSubjectFor,
  deliverSubjectFor,
  hash8,
  HEALTH_CHECK_MS,
  indexName,
  isControlMsg,
  RETRY_THRESHOLD_MS,
  type UpstreamRequest,
} from "./source_proto.ts";

/** What mirrors and sources need of their stream. */
export interface UpstreamHost {
  readonly conn: InternalConnection;
  readonly store: StreamStore;
  readonly config: StreamConfig;
  readonly env: StreamEnv;
  readonly accountName: string;
  /** The stream stopped or was deleted. */
  readonly closed: boolean;
  random(): number;
  warn(text: string): void;
  debug(text: string): void;
  /** The stream's one apply function. */
  apply(entry: StreamEntry): EntryResult;
  /**
   * A sourced message through the publish checks: the rejection, a store's refusal (its
   * rejected persistence), or null.
   */
  processSourced(msg: InboundMsg): ApiError | Promise<unknown> | null;
  /** Subscribes the direct gets of stream `name` answered from this stream's store. */
  subscribeDirect(name: string): { unsubscribe(): void }[];
}

/** Consumer info members read from a create answer. */
interface CreateAnswer {
  error?: ApiError;
  name?: string;
  delivered?: { stream_seq?: number };
}

/** Go's `%+v` of an *ApiError (its Error(): `<description> (<err_code>)`), `<nil>` for none. */
export function goApiErrorText(e: ApiError | undefined): string {
  if (e === undefined) return "<nil>";
  return `${e.description} (${e.err_code})`;
}

/** One mirror or source (see the module doc). */
export abstract class UpstreamLink {
  readonly host: UpstreamHost;
  readonly source: StreamSource;
  readonly iname: string;
  /** Consumer name of the current consumer ("" before its answer or after a cancel). */
  cname = "";
  /** Last origin stream sequence and consumer delivery sequence seen. */
  sseq = 0;
  dseq = 0;
  lag = 0;
  /** Last activity (ns), 0 for never. */
  last = 0n;
  err: ApiError | null = null;
  /** When the last create was sent (ns), and whether it awaits its answer. */
  #lreq = -1n;
  #sip = false;
  #sub: { unsubscribe(): void } | null = null;
  #replySub: { unsubscribe(): void } | null = null;
  #queue: InternalMsg[] | null = null;
  #cancelTicker: (() => void) | null = null;
  #cancelRetry: (() => void) | null = null;
  #cancelWait: (() => void) | null = null;
  /** Bumped by each cancel: answers and timers of older setups are ignored. */
  #generation = 0;
  readonly #kind: "M" | "S";

  constructor(host: UpstreamHost, source: StreamSource, kind: "M" | "S") {
    this.host = host;
    this.source = source;
    this.iname = indexName(source);
    this.#kind = kind;
  }

  /** The create request of a new consumer (its deliver inbox and, when filtered, name). */
  protected abstract request(deliverSubject: string, name: string): UpstreamRequest;
  /** The create answer named the consumer that delivered up to `deliveredStream`. */
  protected abstract created(deliveredStream: number): void;
  /** A data message of the current consumer. */
  protected abstract onData(msg: InternalMsg): void;
  /** A gap or a stall: create the consumer again at the right place. */
  abstract retry(): void;

  /** Info of stream info's `mirror`/`sources` (stream.go sourceInfo). */
  info(): StreamSourceInfo {
    const now = this.host.env.now();
    const out: StreamSourceInfo = {
      name: this.source.name,
      lag: this.lag,
      active: this.last === 0n ? -1 : Number(now - this.last),
    };
    if (this.err !== null) out.error = this.err;
    const ext = this.source.external;
    if (ext) out.external = { api: ext.api ?? "", deliver: ext.deliver ?? "" };
    return out;
  }

  /** cancelSourceInfo: the deliver subscription goes and the consumer name is forgotten. */
  cancel(): void {
    this.#generation++;
    this.#sub?.unsubscribe();
    this.#sub = null;
    this.#replySub?.unsubscribe();
    this.#replySub = null;
    this.#cancelTicker?.();
    this.#cancelTicker = null;
    this.#cancelWait?.();
    this.#cancelWait = null;
    // A create still waiting is abandoned (its answer is ignored): the next one may go.
    this.#sip = false;
    this.#queue = null;
    this.cname = "";
    this.onCancel();
  }

  /** Also stops a scheduled retry (the stream stops or the source is removed). */
  stop(): void {
    this.cancel();
    this.#cancelRetry?.();
    this.#cancelRetry = null;
  }

  /** Hook for subclasses (mirror direct subscriptions). */
  protected onCancel(): void {}

  /**
   * Creates the consumer now, or once the retry threshold passed when the last create was
   * recent or is still waiting (setupMirrorConsumer/setSourceConsumer's throttle).
   */
  protected create(): void {
    const host = this.host;
    if (host.closed) return;
    this.cancel();
    const now = host.env.now();
    const sinceMs = this.#lreq < 0n ? Infinity : Number(now - this.#lreq) / 1e6;
    if (sinceMs < RETRY_THRESHOLD_MS || this.#sip) {
      this.scheduleRetry(sinceMs);
      return;
    }
    this.#lreq = now;
    const deliver = deliverSubjectFor(this.source, this.#kind, host.random);
    const prefix = this.#kind === "M" ? "mirror" : "src";
    const name = `${prefix}-${hash8(String(host.random()) + String(now))}`;
    const req = this.request(deliver, name);
    const reply = createReplySubject(host.random);
    const generation = this.#generation;
    let sub: { unsubscribe(): void };
    try {
      this.#replySub = host.conn.subscribe(reply, { max: 1 }, (m) => {
        this.#replySub = null;
        this.#answered(generation, m);
      });
      this.#queue = [];
      sub = host.conn.subscribe(deliver, (m) => this.#receive(generation, m));
    } catch (e) {
      this.#replySub?.unsubscribe();
      this.#replySub = null;
      this.err = {
        code: 500,
        err_code: this.#kind === "M" ? 10029 : 10045,
        description: String(e),
      };
      this.scheduleRetry(0);
      return;
    }
    this.err = null;
    this.#sub = sub;
    this.#sip = true;
    const body = createRequestBody(this.source.name, req);
    host.conn.publish(createSubjectFor(this.source, req.name), body, { reply });
    this.#cancelWait = host.env.setTimer(CREATE_TIMEOUT_MS, () => {
      this.#cancelWait = null;
      if (generation !== this.#generation) return;
      this.#replySub?.unsubscribe();
      this.#replySub = null;
      this.#sip = false;
      this.scheduleRetry(Infinity);
    });
  }

  /** scheduleSetupMirrorConsumerRetryAsap: once the threshold passed, plus 10 ms. */
  protected scheduleRetry(sinceMs: number): void {
    if (this.#cancelRetry !== null || this.host.closed) return;
    const wait = Math.max(0, RETRY_THRESHOLD_MS - sinceMs) + 10;
    this.#cancelRetry = this.host.env.setTimer(wait, () => {
      this.#cancelRetry = null;
      if (!this.host.closed) this.retryNow();
    });
  }

  /** What a scheduled retry runs (the mirror sets up again; a source at its next sequence). */
  protected abstract retryNow(): void;

  #answered(generation: number, m: InternalMsg): void {
    this.#cancelWait?.();
    this.#cancelWait = null;
    if (generation !== this.#generation || this.host.closed) {
      this.#sip = false;
      return;
    }
    this.#sip = false;
    let ans: CreateAnswer;
    try {
      ans = m.json<CreateAnswer>();
    } catch {
      this.host.warn(
        `JetStream bad ${this.#kind === "M" ? "mirror" : "source"} consumer create response: ${
          JSON.stringify(m.string())
        }`,
      );
      this.scheduleRetry(0);
      return;
    }
    if (ans.error !== undefined || ans.name === undefined) {
      const what = this.#kind === "M" ? "mirror" : "source";
      this.host.warn(
        `JetStream error response for create ${what} consumer: ${goApiErrorText(ans.error)}`,
      );
      this.err = ans.error ?? null;
      this.scheduleRetry(0);
      return;
    }
    this.err = null;
    // The consumer may have delivered before it answered (its info then counts those): the
    // first waiting delivery shows where it started.
    let delivered = ans.delivered?.stream_seq ?? 0;
    const first = (this.#queue ?? []).find((q) => !isControlMsg(q.rawHeaders, q.data));
    if (first !== undefined && ackReplyConsumer(first.reply) === ans.name) {
      delivered = Math.min(delivered, parseAckReply(first.reply).streamSeq - 1);
    }
    this.created(delivered);
    this.cname = ans.name;
    this.dseq = 0;
    this.last = this.host.env.now();
    this.#armTicker(generation);
    const queued = this.#queue ?? [];
    this.#queue = null;
    for (const q of queued) {
      if (generation !== this.#generation) break;
      this.#handle(q);
    }
  }

  /** processMirrorMsgs/processSourceMsgs' health check: recreate after 3 silent checks. */
  #armTicker(generation: number): void {
    this.#cancelTicker = this.host.env.setTimer(HEALTH_CHECK_MS, () => {
      this.#cancelTicker = null;
      if (generation !== this.#generation || this.host.closed) return;
      const silentMs = Number(this.host.env.now() - this.last) / 1e6;
      if (silentMs > 3 * HEALTH_CHECK_MS) {
        this.retry();
        return;
      }
      this.#armTicker(generation);
    });
  }

  #receive(generation: number, m: InternalMsg): void {
    if (generation !== this.#generation || this.host.closed) return;
    if (this.#queue !== null) {
      this.#queue.push(m);
      return;
    }
    this.#handle(m);
  }

  /** Common part of processInboundMirrorMsg/processInboundSourceMsg. */
  #handle(m: InternalMsg): void {
    const control = isControlMsg(m.rawHeaders, m.data);
    const reply = m.reply;
    // Only the current consumer's messages (names, since imports change subscriptions).
    if (!control && (this.cname === "" || ackReplyConsumer(reply) !== this.cname)) return;
    this.last = this.host.env.now();
    if (!control) {
      this.onData(m);
      return;
    }
    const conn = this.host.conn;
    if (reply !== "") {
      // A flow control request: answer it.
      if (!conn.closed) conn.publish(reply);
      return;
    }
    // An idle heartbeat: did we miss anything, or does the other side think we stalled?
    const last = Number(m.header(LAST_CONSUMER_HDR) ?? "");
    if (Number.isInteger(last) && last > 0 && last !== this.dseq) {
      this.retry();
      return;
    }
    const stalled = m.header(CONSUMER_STALLED_HDR) ?? "";
    if (stalled !== "" && !conn.closed) conn.publish(stalled);
  }
}
