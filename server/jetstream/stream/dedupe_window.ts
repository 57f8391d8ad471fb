/**
 * @module
 * A stream's duplicate window (nats-server 2.9.10 stream.go `ddmap`, `rebuildDedupe`,
 * `purgeMsgIds`): the `Nats-Msg-Id`s stored inside `duplicate_window` and the last message's
 * id, rebuilt from the store on first use after a recovery (not before the stream serves:
 * reading every message of the window made a restart of a million-message stream take
 * seconds), and a timer that drops ids as they leave the window. Time and timers come from the
 * stream's {@link StreamEnv}. Runs in the isolate that owns the stream.
 */
import { getHeader } from "../../protocol/headers.ts";
import type { StreamStore } from "../store/types.ts";
import { DedupeTable } from "./dedupe.ts";
import { JsHeader } from "./inbound.ts";
import type { StreamEnv } from "./stream.ts";

const dec = new TextDecoder();

/** What the window reads of its stream. */
export interface DedupeOwner {
  readonly store: StreamStore;
  /** The current `duplicate_window` in ns. */
  windowNs(): bigint;
  isClosed(): boolean;
}

/** The duplicate window of one stream (see the module doc). */
export class DedupeWindow {
  readonly #table = new DedupeTable();
  readonly #owner: DedupeOwner;
  readonly #env: StreamEnv;
  #lastMsgId = "";
  /** False after a recovery until the window is rebuilt (on first use, as 2.9.10). */
  #loaded = true;
  /** Set once a message was stored since the recovery: its id is the last one. */
  #lastKnown = true;
  #cancel: (() => void) | null = null;

  constructor(owner: DedupeOwner, env: StreamEnv) {
    this.#owner = owner;
    this.#env = env;
  }

  /** After a recovery: rebuilt when first needed (stream.go ddloaded). */
  rebuildLater(): void {
    this.#loaded = false;
    this.#lastKnown = false;
  }

  /** The `Nats-Msg-Id`s inside the window. */
  get table(): DedupeTable {
    if (!this.#loaded) this.#rebuild();
    return this.#table;
  }

  /** The id of the last message stored ("" when it had none). */
  get lastMsgId(): string {
    if (!this.#lastKnown) this.#rebuild();
    return this.#lastMsgId;
  }

  set lastMsgId(id: string) {
    this.#lastMsgId = id;
    this.#lastKnown = true;
  }

  /** A message was stored: ids start leaving the window once it has any. */
  stored(): void {
    if (this.#owner.windowNs() > 0n && this.#loaded && this.#table.size > 0) this.#schedule();
  }

  /** Stops the timer (the stream stops). */
  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
  }

  /**
   * The ids of the stored messages still inside the window, and the last message's id unless
   * one was stored since (nats-server rebuildDedupe).
   */
  #rebuild(): void {
    this.#loaded = true;
    const knewLast = this.#lastKnown;
    this.#lastKnown = true;
    const window = this.#owner.windowNs();
    if (window <= 0n) return;
    const store = this.#owner.store;
    const last = store.state().lastSeq;
    const start = store.getSeqFromTime(this.#env.now() - window);
    if (start === 0) return;
    store.scanHeaders(start, (seq, ts, header) => {
      const v = getHeader(JsHeader.MsgId, header, 0, header.length);
      if (v === null || v.length === 0) return;
      const id = dec.decode(v);
      this.#table.add({ id, seq, ts });
      if (seq === last && !knewLast) this.#lastMsgId = id;
    });
    if (this.#table.size > 0) this.#schedule();
  }

  #schedule(): void {
    if (this.#cancel !== null) return;
    // The window is read when the timer fires (an update may have changed it).
    const fire = () => {
      this.#cancel = null;
      if (this.#owner.isClosed()) return;
      const next = this.#table.expire(this.#env.now(), this.#owner.windowNs());
      if (next !== null) this.#arm(next, fire);
    };
    this.#arm(this.#env.now() + this.#owner.windowNs(), fire);
  }

  #arm(at: bigint, fire: () => void): void {
    const ms = Math.max(50, Number((at - this.#env.now()) / 1_000_000n));
    this.#cancel = this.#env.setTimer(ms, fire);
  }
}
