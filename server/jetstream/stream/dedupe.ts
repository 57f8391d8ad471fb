/**
 * @module
 * The `Nats-Msg-Id` duplicate table of a stream (nats-server 2.9.10 stream.go `ddmap`/`ddarr`,
 * `checkMsgId`, `storeMsgIdLocked`, `purgeMsgIds`, `rebuildDedupe`): ids in arrival order with the
 * sequence and time they were stored at, dropped once older than the duplicate window. Time
 * arrives as an argument. PURE: no Deno APIs, timers or console output.
 */

/** One remembered message id. */
export interface DedupeEntry {
  id: string;
  seq: number;
  /** Nanoseconds since the epoch. */
  ts: bigint;
}

/**
 * Message ids seen within the duplicate window.
 *
 * @example
 * ```ts
 * import { DedupeTable } from "./dedupe.ts";
 * const t = new DedupeTable();
 * t.add({ id: "a", seq: 1, ts: 10n });
 * if (t.find("a")?.seq !== 1) throw new Error();
 * t.expire(20n, 5n);
 * if (t.find("a") !== undefined) throw new Error();
 * ```
 */
export class DedupeTable {
  readonly #byId = new Map<string, DedupeEntry>();
  /** Entries in arrival order; `#head` is the oldest still kept. */
  #order: DedupeEntry[] = [];
  #head = 0;

  /** Number of ids tracked. */
  get size(): number {
    return this.#byId.size;
  }

  /** The entry for `id`, if still in the window. */
  find(id: string): DedupeEntry | undefined {
    if (id === "") return undefined;
    return this.#byId.get(id);
  }

  /** Remembers `entry` (a newer entry for the same id replaces the older). */
  add(entry: DedupeEntry): void {
    this.#byId.set(entry.id, entry);
    this.#order.push(entry);
  }

  /** Forgets `entry` when it is still the one for its id (its message was not stored). */
  forget(entry: DedupeEntry): void {
    if (this.#byId.get(entry.id) === entry) this.#byId.delete(entry.id);
  }

  /**
   * Drops ids stored `window` ns or longer before `now`; returns when the oldest remaining one
   * expires (ns since the epoch), or null when the table is empty.
   */
  expire(now: bigint, window: bigint): bigint | null {
    while (this.#head < this.#order.length) {
      const e = this.#order[this.#head];
      if (now - e.ts < window) break;
      if (this.#byId.get(e.id) === e) this.#byId.delete(e.id);
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
    if (this.#head >= this.#order.length) {
      this.clear();
      return null;
    }
    return this.#order[this.#head].ts + window;
  }

  /** Forgets every id. */
  clear(): void {
    this.#byId.clear();
    this.#order = [];
    this.#head = 0;
  }
}
