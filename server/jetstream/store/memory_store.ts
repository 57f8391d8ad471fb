/**
 * @module
 * The memory stream store (nats-server 2.9.10 `server/memstore.go`): the shared semantics of
 * stream_core.ts with payloads in a {@link PayloadTable} (dense by sequence, small ones in
 * slabs). Sizes are `memStoreMsgSize`. Runs in whichever isolate owns the stream.
 * PURE: no Deno APIs, timers or console output.
 */

import { ConsumerStateMachine } from "./consumer_state.ts";
import { type Payload, StreamCore } from "./stream_core.ts";
import { PayloadTable } from "./payload_table.ts";
import type { SubjectEntry } from "./subject_table.ts";
import {
  type ConsumerStore,
  type ConsumerStoreConfig,
  defaultLimits,
  memStoreMsgSize,
  StoreError,
  StoreErrorCode,
  type StoreLimits,
} from "./types.ts";

const RESOLVED = Promise.resolve();

/**
 * A stream store in memory.
 *
 * @example
 * ```ts
 * import { MemoryStore } from "./memory_store.ts";
 * import assert from "node:assert";
 * const store = new MemoryStore();
 * const { seq } = await store.storeMsg("orders.1", null, new TextEncoder().encode("hi"), 1n);
 * assert.equal(store.loadMsg(seq).subject, "orders.1");
 * assert.equal(store.state().bytes, 8 + 2 + 16);
 * ```
 */
export class MemoryStore extends StreamCore {
  readonly #payloads = new PayloadTable();
  protected readonly replaceNeedsLarger = true;

  constructor(limits: StoreLimits = defaultLimits()) {
    super(limits);
  }

  protected msgSize(subjectLen: number, headerLen: number, dataLen: number): number {
    return memStoreMsgSize(subjectLen, headerLen, dataLen);
  }

  protected persistMsg(
    seq: number,
    _subject: SubjectEntry | null,
    header: Uint8Array | null,
    data: Uint8Array,
  ): void {
    // Copies, like memstore: the caller may reuse its buffers.
    this.#payloads.add(seq, header && header.length > 0 ? header : null, data);
  }

  protected persisted(): Promise<void> {
    return RESOLVED;
  }

  protected readPayload(seq: number): Payload {
    return this.#payloads.get(seq)!;
  }

  protected persistRemove(seq: number, secure: boolean): void {
    const p = this.#payloads.remove(seq);
    if (p && secure) {
      p.header?.fill(0);
      p.data.fill(0);
    }
  }

  protected persistSkip(): void {}

  protected persistFloor(floor: number, emptied: boolean): void {
    if (emptied) {
      this.#payloads.clear();
      return;
    }
    this.#payloads.removeBelow(floor);
  }

  protected persistTruncate(seq: number): void {
    this.#payloads.removeAbove(seq);
  }

  flush(): Promise<void> {
    return RESOLVED;
  }

  consumerStore(name: string, config: ConsumerStoreConfig): ConsumerStore {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed);
    if (name === "") throw new Error("bad consumer config");
    this.consumers++;
    return new MemoryConsumerStore(config, () => this.consumers--);
  }

  stop(): Promise<void> {
    this.closed = true;
    this.#payloads.clear();
    return RESOLVED;
  }

  delete(): Promise<void> {
    if (!this.closed) this.purge();
    return this.stop();
  }
}

/** Consumer state kept in memory only. */
export class MemoryConsumerStore extends ConsumerStateMachine implements ConsumerStore {
  #onStop: () => void;

  constructor(config: ConsumerStoreConfig, onStop: () => void) {
    super(config);
    this.#onStop = onStop;
  }

  /** True once a state was given (a clustered stream's new leader resuming the consumer). */
  hasState(): boolean {
    const st = this.state();
    return st.delivered.consumerSeq > 0 || st.delivered.streamSeq > 0;
  }

  flush(): void {}

  stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.#onStop();
  }

  delete(): void {
    this.stop();
  }
}
