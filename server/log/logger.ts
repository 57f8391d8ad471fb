/**
 * @module
 * Log lines in nats-server's format (logger/log.go): `[pid] YYYY/MM/DD HH:MM:SS.uuuuuu [INF] msg`.
 * The sink (stderr, a file) is injected, so the logger itself is isolate-agnostic.
 */

/** Where formatted lines go. */
export type LogSink = (line: string) => void;

/** Logger settings (nats-server `-D`, `-V`, `-T`, logtime_utc). */
export interface LoggerOptions {
  pid: number;
  debug: boolean;
  trace: boolean;
  logtime: boolean;
  logtimeUTC: boolean;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Formats a timestamp like Go's `2006/01/02 15:04:05.000000` (`micros`: 0-999 within the ms). */
export function formatLogTime(d: Date, utc: boolean, micros = 0): string {
  const y = utc ? d.getUTCFullYear() : d.getFullYear();
  const mo = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const da = utc ? d.getUTCDate() : d.getDate();
  const h = utc ? d.getUTCHours() : d.getHours();
  const mi = utc ? d.getUTCMinutes() : d.getMinutes();
  const s = utc ? d.getUTCSeconds() : d.getSeconds();
  const us = d.getMilliseconds() * 1000 + micros;
  return `${y}/${pad(mo, 2)}/${pad(da, 2)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(us, 6)}`;
}

/** nats-server style leveled logger. */
export class Logger {
  #sink: LogSink;
  opts: LoggerOptions;

  constructor(sink: LogSink, opts: LoggerOptions) {
    this.#sink = sink;
    this.opts = opts;
  }

  /** Takes the levels and time format of reloaded options (`-D`, `-V`, `-T`, UTC). */
  applyOptions(next: Pick<LoggerOptions, "debug" | "trace" | "logtime" | "logtimeUTC">): void {
    const o = this.opts;
    o.debug = next.debug;
    o.trace = next.trace;
    o.logtime = next.logtime;
    o.logtimeUTC = next.logtimeUTC;
  }

  /** Replaces the sink (log file reopen, reload). */
  setSink(sink: LogSink): void {
    this.#sink = sink;
  }

  get debugEnabled(): boolean {
    return this.opts.debug;
  }

  get traceEnabled(): boolean {
    return this.opts.trace;
  }

  /** Formats one line (without the newline) as it would be logged now with `label`. */
  format(label: string, msg: string): string {
    const o = this.opts;
    let time = "";
    if (o.logtime) {
      const now = performance.timeOrigin + performance.now();
      const ms = Math.floor(now);
      time = formatLogTime(new Date(ms), o.logtimeUTC, Math.floor((now - ms) * 1000)) + " ";
    }
    return `[${o.pid}] ${time}${label} ${msg}`;
  }

  #line(label: string, msg: string): void {
    this.#sink(this.format(label, msg));
  }

  /** Writes an already formatted line (lines relayed from worker isolates). */
  raw(line: string): void {
    this.#sink(line);
  }

  notice(msg: string): void {
    this.#line("[INF]", msg);
  }
  warn(msg: string): void {
    this.#line("[WRN]", msg);
  }
  error(msg: string): void {
    this.#line("[ERR]", msg);
  }
  fatal(msg: string): void {
    this.#line("[FTL]", msg);
  }
  debug(msg: string): void {
    if (this.opts.debug) this.#line("[DBG]", msg);
  }
  trace(msg: string): void {
    if (this.opts.trace) this.#line("[TRC]", msg);
  }
}

/** A logger that drops everything (embedding with `quiet`). */
export function silentLogger(): Logger {
  return new Logger(() => {}, {
    pid: 0,
    debug: false,
    trace: false,
    logtime: false,
    logtimeUTC: false,
  });
}
