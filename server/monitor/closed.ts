/**
 * @module
 * Closed connections for `/connz?state=closed`: a fixed-size ring that keeps the newest entries
 * (nats-server ring.go `closedRingBuffer`, 10,000 by default) and the snapshot taken when a
 * connection closes (server.go `saveClosedClient`). Runs in the isolate that owns the
 * connections.
 */
import {
  type ConnInfo,
  type ConnRecord,
  connRecord,
  type ConnSortKeys,
  GLOBAL_ACCOUNT_NAME,
  type SubDetail,
  subDetail,
} from "./conn_info.ts";
import { goTime } from "./format.ts";
import type { MonitoredConn } from "./types.ts";

/** nats-server `DEFAULT_MAX_CLOSED_CLIENTS`. */
export const DEFAULT_MAX_CLOSED_CLIENTS = 10_000;

/**
 * A closed connection (nats-server `closedClient`). Its subscriptions are kept packed (one
 * string per field for all of them, numbers only when some are non-zero) and expanded to
 * `SubDetail`s only when `/connz?state=closed&subs=1` asks: the ring holds up to 10,000 of
 * these, and a connection that subscribed 2,000 times then closed costs a few tens of KB
 * instead of 2,000 objects.
 */
export class ClosedConn implements ConnRecord {
  readonly info: ConnInfo;
  readonly keys: ConnSortKeys;
  /** CONNECT user name (shown with `auth`, filtered by `user`). */
  readonly user: string;
  /** Account name, "" for the global account (filtered by `acc`). */
  readonly acc: string;
  /** Subscriptions at close. */
  readonly subCount: number;
  readonly #account: string;
  /** Subjects, queue groups ("" for none; null when no subscription had one) and sids, each
   * joined by spaces (none of them can hold one: the parser splits arguments on it). */
  readonly #subjects: string;
  readonly #queues: string | null;
  readonly #sids: string;
  /** `msgs, max` pairs, null when all are 0. */
  readonly #counts: number[] | null;

  constructor(c: MonitoredConn, rec: ConnRecord) {
    this.info = rec.info;
    this.keys = rec.keys;
    this.user = c.userName;
    const account = c.account.name;
    this.#account = account;
    this.acc = account === GLOBAL_ACCOUNT_NAME ? "" : account;
    this.subCount = c.subs.size;
    if (c.subs.size === 0) {
      this.#subjects = this.#sids = "";
      this.#queues = null;
      this.#counts = null;
      return;
    }
    const subjects: string[] = [];
    const sids: string[] = [];
    let queues: string[] | null = null;
    let counts: number[] | null = null;
    let i = 0;
    for (const sub of c.subs.values()) {
      subjects.push(sub.subject);
      sids.push(sub.sidText);
      if (sub.queue !== null) (queues ??= new Array<string>(i).fill("")).push(sub.queue);
      else if (queues !== null) queues.push("");
      if (sub.delivered !== 0 || sub.max !== 0) counts ??= new Array<number>(2 * i).fill(0);
      if (counts !== null) counts.push(sub.delivered, sub.max);
      i++;
    }
    this.#subjects = subjects.join(" ");
    this.#sids = sids.join(" ");
    this.#queues = queues === null ? null : queues.join(" ");
    this.#counts = counts;
  }

  /** Subscription subjects at close (`subscriptions_list`). */
  get subjects(): string[] {
    return this.subCount === 0 ? [] : this.#subjects.split(" ");
  }

  /** Subscriptions at close, with their account (`subscriptions_list_detail`). */
  get subs(): SubDetail[] {
    if (this.subCount === 0) return [];
    const subjects = this.#subjects.split(" ");
    const sids = this.#sids.split(" ");
    const queues = this.#queues?.split(" ") ?? null;
    const counts = this.#counts;
    const cid = this.info.cid;
    const out: SubDetail[] = [];
    for (let i = 0; i < subjects.length; i++) {
      const q = queues?.[i];
      out.push(subDetail(
        {
          subject: subjects[i],
          queue: q ? q : null,
          sidText: sids[i],
          delivered: counts?.[2 * i] ?? 0,
          max: counts?.[2 * i + 1] ?? 0,
        },
        cid,
        this.#account,
      ));
    }
    return out;
  }
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
  return new ClosedConn(c, rec);
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
