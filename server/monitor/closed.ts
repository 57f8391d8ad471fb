/**
 * @module
 * Closed connections for `/connz?state=closed`: a fixed-size ring that keeps the newest entries
 * (nats-server ring.go `closedRingBuffer`, 10,000 by default) and the snapshot taken when a
 * connection closes (server.go `saveClosedClient`). Runs in the isolate that owns the
 * connections.
 */
import {
  type ConnRecord,
  connRecord,
  GLOBAL_ACCOUNT_NAME,
  type SubDetail,
  subDetail,
} from "./conn_info.ts";
import { goTime } from "./format.ts";
import type { MonitoredConn } from "./types.ts";

/** nats-server `DEFAULT_MAX_CLOSED_CLIENTS`. */
export const DEFAULT_MAX_CLOSED_CLIENTS = 10_000;

/** A closed connection (nats-server `closedClient`). */
export interface ClosedConn extends ConnRecord {
  /** Subscriptions at close, with their account (shown with `subs`). */
  subs: SubDetail[];
  /** CONNECT user name (shown with `auth`, filtered by `user`). */
  user: string;
  /** Account name, "" for the global account (filtered by `acc`). */
  acc: string;
}

/**
 * Snapshot of `c` closing at `nowMs`: uptime and idle are measured to the stop time.
 *
 * @example
 * ```ts
 * import { closedSnapshot } from "./closed.ts";
 * const conn = {
 *   cid: 7, host: "127.0.0.1", remotePort: 5000, startedAt: 0, lastActivity: 0,
 *   inMsgs: 0, outMsgs: 0, inBytes: 0, outBytes: 0, rttMs: 0, out: { pending: 0 },
 *   opts: { name: "", lang: "", version: "" }, userName: "", rawAuthUser: "",
 *   account: { name: "$G" },
 *   subs: new Map(), closeReason: "Client Closed",
 * };
 * const cc = closedSnapshot(conn, 61_000);
 * if (cc.info.uptime !== "1m1s" || cc.info.reason !== "Client Closed") throw new Error();
 * ```
 */
export function closedSnapshot(c: MonitoredConn, nowMs: number): ClosedConn {
  const rec = connRecord(c, nowMs);
  rec.info.stop = goTime(nowMs);
  rec.info.reason = c.closeReason ?? "";
  rec.keys.stopMs = nowMs;
  const account = c.account.name;
  const subs: SubDetail[] = [];
  for (const sub of c.subs.values()) subs.push(subDetail(sub, c.cid, account));
  return {
    info: rec.info,
    keys: rec.keys,
    subs,
    user: c.userName,
    acc: account === GLOBAL_ACCOUNT_NAME ? "" : account,
  };
}

/**
 * Fixed-size ring of closed connections; the oldest entry is dropped when full.
 *
 * @example
 * ```ts
 * import { ClosedConnections } from "./closed.ts";
 * const ring = new ClosedConnections<number>(2);
 * ring.add(1); ring.add(2); ring.add(3);
 * if (ring.list().join() !== "2,3" || ring.total !== 3) throw new Error();
 * ```
 */
export class ClosedConnections<T = ClosedConn> {
  readonly #slots: (T | undefined)[];
  #total = 0;

  constructor(capacity = DEFAULT_MAX_CLOSED_CLIENTS) {
    this.#slots = new Array(Math.max(1, capacity));
  }

  /** Maximum entries kept. */
  get capacity(): number {
    return this.#slots.length;
  }

  /** Entries ever added. */
  get total(): number {
    return this.#total;
  }

  /** Entries currently held. */
  get size(): number {
    return Math.min(this.#total, this.#slots.length);
  }

  add(entry: T): void {
    this.#slots[this.#total % this.#slots.length] = entry;
    this.#total++;
  }

  /** Held entries, oldest first (a copy). */
  list(): T[] {
    const cap = this.#slots.length;
    const n = this.size;
    const out = new Array<T>(n);
    const first = this.#total <= cap ? 0 : this.#total % cap;
    for (let i = 0; i < n; i++) out[i] = this.#slots[(first + i) % cap]!;
    return out;
  }
}
