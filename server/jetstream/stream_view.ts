/**
 * @module
 * The contract between streams (server/jetstream/stream/) and consumers
 * (server/jetstream/consumer/): what a consumer sees of its stream, what a stream sees of its
 * consumers, and how API handlers find a stream. Streams implement {@link StreamView};
 * consumers implement {@link ConsumerHandle}. Types only.
 * PURE: no Deno APIs, timers or console output.
 */
import type { MetaSealer } from "./consumer/consumer_meta.ts";
import type { Account } from "../accounts/account.ts";
import type { InternalConnection } from "../internal/internal_connection.ts";
import type { StreamConfig } from "./api/stream_config.ts";
import type { StreamStore } from "./store/types.ts";

/** A consumer as its stream knows it (for stream info, retention and deletion). */
export interface ConsumerHandle {
  readonly name: string;
  /** The consumer's filter subject ("" = every subject of the stream). */
  readonly filterSubject: string;
  /**
   * A direct consumer (a mirror's or source's): not counted, listed or saved (nats-server
   * numPublicConsumers/getPublicConsumers). Optional.
   */
  readonly direct?: boolean;
  /** Interest retention: whether this consumer still needs `seq` (not yet acked by it). */
  needsAck(seq: number, subject: string): boolean;
  /**
   * The stream was purged (nats-server consumer.purge): messages below `firstSeq` are gone
   * (for a filtered purge, `firstSeq` is the filter's first remaining message); called only
   * for consumers whose filter matches the purge's. Optional.
   */
  purged?(firstSeq: number, lastSeq: number): void;
  /**
   * The stream removed message `seq` on `subject` (limits, max_age, a delete; not an ack):
   * nats-server `decStreamPending`, a pending message counts as terminated. Optional.
   */
  removed?(seq: number, subject: string): void;
  /**
   * The consumer's info JSON (nats-server `ConsumerInfo`), with its config or without, for
   * `/jsz` consumer_detail. Optional.
   */
  detail?(withConfig: boolean): Record<string, unknown>;
  /**
   * The consumer's state as its store encodes it (delivered, ack floor, pending, redelivered),
   * for a clustered stream's replicas; null for a consumer without a store. Optional.
   */
  encodedState?(): Uint8Array | null;
  /** The consumer's ack policy (a replica's store for it is made with it). Optional. */
  readonly ackPolicy?: string;
  /** The stream is stopping (server shutdown): stop timers, flush state. */
  stop(): void;
  /** The stream is deleted, or the consumer is: stop and remove its state. */
  delete(): void;
}

/** What a consumer sees of its stream. */
export interface StreamView {
  readonly name: string;
  readonly account: Account;
  readonly config: StreamConfig;
  readonly store: StreamStore;
  /**
   * The stream's JetStream internal connection (bound to the stream's account): consumers
   * publish deliveries, heartbeats and status messages through it and subscribe for acks
   * and pull requests with it.
   */
  readonly conn: InternalConnection;
  /** Runs `cb` after each stored message; returns the unregister function. */
  onStored(cb: (seq: number, subject: string) => void): () => void;
  /**
   * A consumer acknowledged `seq` (ack policy explicit/all, or delivered with ack none):
   * a work-queue stream removes it; an interest stream removes it once no consumer needs it.
   */
  acked(consumer: ConsumerHandle, seq: number): void;
  /**
   * A consumer's acknowledgements were applied: a clustered stream's leader replicates the
   * consumers' states soon (not only on its timer). Absent: nothing to do.
   */
  consumerChanged?(): void;
  /**
   * Resolves once the consumers' current states are replicated (a clustered stream's leader:
   * an ack's confirmation waits for it); null when there is nothing to wait for.
   */
  consumerReplicated?(): Promise<void> | null;
  /** The consumers of the stream, by name. */
  readonly consumers: ReadonlyMap<string, ConsumerHandle>;
  attachConsumer(c: ConsumerHandle): void;
  detachConsumer(name: string): void;
  /**
   * Where durable consumers save their config (`<stream dir>/obs`), or null for a memory
   * stream (nothing is saved). Optional until every stream sets it.
   */
  readonly consumerDir?: string | null;
  /** Seals the saved consumer configs of an encrypted file stream (null: in clear). */
  readonly sealer?: MetaSealer | null;
  /** Current time in nanoseconds since the epoch (the one clock of JetStream; tests inject). */
  now(): bigint;
}

/** How API handlers find a stream. */
export interface StreamRegistry {
  stream(account: string, name: string): StreamView | undefined;
}
