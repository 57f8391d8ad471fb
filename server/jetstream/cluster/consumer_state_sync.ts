/**
 * @module
 * How a clustered stream's leader hands its consumers' states to the stream's group
 * (stream_replica.ts): every second, 50 ms after acks were applied, at once when an ack asks for
 * a confirmation (which waits for the commit, as nats-server's consumer group commits each ack),
 * and before a step-down. Only a changed state is proposed again.
 * IO shell: timers.
 */
import { base64 } from "../api/api_types.ts";
import type { Stream } from "../stream/stream.ts";
import type { ReplicaConsumers } from "./consumer_records.ts";
import { encodeConsumerRecord } from "./stream_entries.ts";
import type { ConsumerRecord } from "./stream_entries.ts";

/** How soon after acks the states go (a fail-over redelivers at most this much). */
const ACK_STATE_MS = 50;

/** A proposal the group did not commit: an ack confirmation is not sent. */
export class StatesDropped extends Error {}

/** See the module doc; one per stream replica, active while it leads. */
export class ConsumerStateSync {
  readonly #stream: Stream;
  readonly #held: ReplicaConsumers;
  readonly #propose: (data: Uint8Array) => Promise<unknown>;
  /** The states as last proposed (base64), by consumer. */
  readonly #sent = new Map<string, string>();
  #serving = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #soon = false;
  /** Whether the states proposed last were committed. */
  #committed: Promise<boolean> = Promise.resolve(true);
  #waiters: { resolve(): void; reject(err: Error): void }[] = [];

  constructor(
    stream: Stream,
    held: ReplicaConsumers,
    propose: (data: Uint8Array) => Promise<unknown>,
  ) {
    this.#stream = stream;
    this.#held = held;
    this.#propose = propose;
  }

  /** The replica started leading: every state goes again. */
  start(): void {
    this.#serving = true;
    this.#sent.clear();
  }

  /** The replica stopped leading: nothing waits any more (confirmations are not sent). */
  stop(): void {
    this.#serving = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const w of this.#waiters.splice(0)) w.reject(new StatesDropped("leadership lost"));
  }

  /** Acks were applied: their states go within {@link ACK_STATE_MS}. */
  changed(): void {
    this.#in(ACK_STATE_MS);
  }

  /** Resolves once the states as they are now were committed; rejects when leading stops. */
  replicated(): Promise<void> {
    if (!this.#serving) return Promise.reject(new StatesDropped("not leading"));
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#in(0);
    });
  }

  #in(ms: number): void {
    if (!this.#serving) return;
    if (this.#timer !== undefined) {
      if (ms > 0 || this.#soon) return;
      clearTimeout(this.#timer);
    }
    this.#soon = ms === 0;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const waiters = this.#waiters.splice(0);
      void this.send().then((ok) => {
        for (const w of waiters) ok ? w.resolve() : w.reject(new StatesDropped("not committed"));
      });
    }, ms);
  }

  /** Proposes the states that changed; resolves with whether they (or the last ones) committed. */
  send(): Promise<boolean> {
    if (!this.#serving) return Promise.resolve(false);
    const out: Promise<boolean>[] = [];
    for (const c of this.#stream.consumers.values()) {
      if (c.direct === true || c.encodedState === undefined) continue;
      let bytes: Uint8Array | null = null;
      try {
        bytes = c.encodedState();
      } catch { /* a consumer being deleted */ }
      if (bytes === null) continue;
      const state = base64(bytes);
      if (this.#sent.get(c.name) === state) continue;
      this.#sent.set(c.name, state);
      const r: ConsumerRecord = {
        kind: "consumer-state",
        name: c.name,
        ackPolicy: c.ackPolicy ?? "explicit",
        state,
      };
      this.#held.apply(r);
      out.push(this.#propose(encodeConsumerRecord(r)).then(() => true, () => false));
    }
    // Nothing new: the states sent last are the ones to wait for.
    if (out.length > 0) this.#committed = Promise.all(out).then((ok) => ok.every(Boolean));
    return this.#committed;
  }
}
