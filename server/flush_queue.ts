/**
 * @module
 * The per-turn flush (ARCHITECTURE.md "one write in flight"): connections with new output are
 * queued once and flushed together in a microtask at the end of the current turn.
 */
import type { Flushable } from "./client/context.ts";

/** Connections waiting for the end-of-turn flush. */
export class FlushQueue {
  #dirty: Flushable[] = [];
  #scheduled = false;

  /** Queues `c` for the flush at the end of this turn. */
  add(c: Flushable): void {
    this.#dirty.push(c);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#flushAll());
    }
  }

  #flushAll(): void {
    this.#scheduled = false;
    const list = this.#dirty;
    this.#dirty = [];
    for (let i = 0; i < list.length; i++) list[i].flushOutbound();
  }
}
