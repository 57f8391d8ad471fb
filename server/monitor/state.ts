/**
 * @module
 * Monitoring's own long-lived state, owned by the server: the closed-connection ring, HTTP
 * request counts (`http_req_stats`), message totals of closed connections per account
 * (`/accstatz`), the config load time and process CPU/memory sampling (nats-server pse_linux.go:
 * CPU percent from `/proc/self/stat` tick deltas, at most one new sample a second) and the
 * dashboard's throughput history.
 * Runs in the main isolate.
 */
import { ClosedConnections, closedSnapshot, DEFAULT_MAX_CLOSED_CLIENTS } from "./closed.ts";
import type { MonitoredConn } from "./types.ts";
import { ThroughputHistory } from "./history.ts";

/** Message totals of one account (nats-server `AccountStat` sent/received). */
export interface AccountTotals {
  inMsgs: number;
  inBytes: number;
  outMsgs: number;
  outBytes: number;
  slowConsumers: number;
}

/** Clock ticks per second, as nats-server assumes (`_SC_CLK_TCK`). */
const TICKS = 100;

interface CpuSample {
  ticks: number;
  seconds: number;
}

function readProcStat(): string[] | null {
  try {
    const text = Deno.readTextFileSync("/proc/self/stat");
    // Fields after the command name, which is in parentheses and may hold spaces.
    return text.slice(text.lastIndexOf(")") + 2).trim().split(/\s+/);
  } catch {
    return null;
  }
}

function systemUptime(): number {
  try {
    return Number(Deno.readTextFileSync("/proc/uptime").split(" ")[0]);
  } catch {
    return NaN;
  }
}

/** Process CPU percent and resident memory. */
export class ProcessUsage {
  #last: CpuSample | null = null;
  #lastAt = 0;
  #pcpu = 0;

  /** Resident set size in bytes. */
  rss(): number {
    try {
      return Deno.memoryUsage().rss;
    } catch {
      return 0;
    }
  }

  /** CPU percent (one decimal) over the last sampling window; the first window starts at exec. */
  cpu(nowMs: number = Date.now()): number {
    if (this.#last !== null && nowMs - this.#lastAt < 1000) return this.#pcpu;
    const fields = readProcStat();
    const uptime = systemUptime();
    if (fields === null || !Number.isFinite(uptime)) return this.#pcpu;
    // Field numbers from proc(5): utime 14, stime 15, starttime 22 (fields[0] is field 3).
    const ticks = Number(fields[11]) + Number(fields[12]);
    const seconds = uptime - Number(fields[19]) / TICKS;
    const prev = this.#last ?? { ticks: 0, seconds: 0 };
    const dt = seconds - prev.seconds;
    if (dt > 0) this.#pcpu = Math.round(((ticks - prev.ticks) / TICKS / dt) * 1000) / 10;
    this.#last = { ticks, seconds };
    this.#lastAt = nowMs;
    return this.#pcpu;
  }
}

/** Monitoring state of one server. */
export class MonitorState {
  readonly closed: ClosedConnections;
  /** Requests per monitoring path (`http_req_stats`). */
  readonly httpReqStats: Map<string, number> = new Map();
  readonly usage = new ProcessUsage();
  /** The dashboard's last ten minutes of 1 s samples (`/dashboard/history`). */
  readonly history: ThroughputHistory = new ThroughputHistory();
  /** When the configuration was (re)loaded, ms since the epoch (`config_load_time`). */
  configLoadTime: number;
  readonly #accountTotals = new Map<string, AccountTotals>();

  constructor(maxClosed: number = DEFAULT_MAX_CLOSED_CLIENTS, now: number = Date.now()) {
    this.closed = new ClosedConnections(maxClosed);
    this.configLoadTime = now;
  }

  /** Counts one request to `path` (a nats-server path constant such as `/varz`). */
  countRequest(path: string): void {
    this.httpReqStats.set(path, (this.httpReqStats.get(path) ?? 0) + 1);
  }

  /**
   * Records a connection that is closing: call it before its subscriptions are dropped, with
   * `closeReason` set. Keeps a snapshot for `/connz` and folds its counters into its account.
   */
  connectionClosed(c: MonitoredConn, nowMs: number = Date.now()): void {
    this.closed.add(closedSnapshot(c, nowMs));
    const t = this.#totalsOf(c.account.name);
    t.inMsgs += c.inMsgs;
    t.inBytes += c.inBytes;
    t.outMsgs += c.outMsgs;
    t.outBytes += c.outBytes;
    if (c.closeReason?.startsWith("Slow Consumer")) t.slowConsumers++;
  }

  /** Totals of closed connections of an account (zeros when none closed yet). */
  closedTotals(account: string): Readonly<AccountTotals> {
    return this.#accountTotals.get(account) ?? {
      inMsgs: 0,
      inBytes: 0,
      outMsgs: 0,
      outBytes: 0,
      slowConsumers: 0,
    };
  }

  #totalsOf(account: string): AccountTotals {
    let t = this.#accountTotals.get(account);
    if (t === undefined) {
      t = { inMsgs: 0, inBytes: 0, outMsgs: 0, outBytes: 0, slowConsumers: 0 };
      this.#accountTotals.set(account, t);
    }
    return t;
  }
}
