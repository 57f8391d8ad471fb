/**
 * @module
 * Log destinations: stderr, or a file (`-l`/`log_file`) with nats-server's size-based rotation
 * (`log_size_limit`) and reopen on SIGUSR1.
 * Main isolate.
 */
import type { LogSink } from "./logger.ts";

const enc = new TextEncoder();

/** A sink writing to stderr. */
export function stderrSink(): LogSink {
  return (line) => {
    try {
      Deno.stderr.writeSync(enc.encode(line + "\n"));
    } catch {
      // stderr closed
    }
  };
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** logger/log.go's backup suffix: `.YYYY.MM.DD.HH.MM.SS.<nanoseconds, 9 digits>` (local time). */
export function rotationSuffix(d: Date, nanos: number): string {
  return `.${d.getFullYear()}.${pad(d.getMonth() + 1)}.${pad(d.getDate())}.${pad(d.getHours())}.${
    pad(d.getMinutes())
  }.${pad(d.getSeconds())}.${pad(nanos, 9)}`;
}

/**
 * A log file with nats-server's size-based rotation (logger/log.go `fileLogger.Write`): a line
 * is written first; when the file then exceeds the limit it is renamed to
 * `<file><rotationSuffix>`, a new file is opened and starts with the line
 * `Rotated log, backup saved as "<backup>"` (ended by CRLF, as nats-server's `logDirect`).
 */
export class FileLog {
  readonly path: string;
  #limit: number;
  #file: Deno.FsFile;
  #size: number;
  /** Formats the notice written at the top of a rotated file (set by the logger's owner). */
  formatNotice: (msg: string) => string = (msg) => `[INF] ${msg}`;

  constructor(path: string, sizeLimit = 0) {
    this.path = path;
    this.#limit = sizeLimit;
    this.#file = this.#open();
    this.#size = this.#file.statSync().size;
  }

  #open(): Deno.FsFile {
    return Deno.openSync(this.path, { create: true, append: true, write: true, mode: 0o660 });
  }

  /** Bytes in the current file. */
  get size(): number {
    return this.#size;
  }

  /** The sink writing lines to this file. */
  get sink(): LogSink {
    return (line) => this.write(line);
  }

  /** Appends one line, then rotates when the file passed the size limit. */
  write(line: string): void {
    this.#append(enc.encode(line + "\n"));
    if (this.#limit > 0 && this.#size > this.#limit) this.#rotate();
  }

  #append(bytes: Uint8Array): void {
    try {
      this.#file.writeSync(bytes);
      this.#size += bytes.length;
    } catch {
      // disk full or file gone: nothing sensible to log to
    }
  }

  #rotate(): void {
    const now = performance.timeOrigin + performance.now();
    const ms = Math.floor(now);
    const date = new Date(ms);
    const nanos = date.getMilliseconds() * 1_000_000 + Math.floor((now - ms) * 1_000_000);
    const backup = `${this.path}${rotationSuffix(date, nanos)}`;
    this.close();
    try {
      Deno.renameSync(this.path, backup);
    } catch {
      // keep appending to the same file
    }
    this.#file = this.#open();
    this.#size = 0;
    this.#append(
      enc.encode(
        this.formatNotice(`Rotated log, backup saved as ${JSON.stringify(backup)}`) + "\r\n",
      ),
    );
  }

  /** Closes and reopens the file (SIGUSR1, for logrotate). */
  reopen(): void {
    this.close();
    this.#file = this.#open();
    this.#size = this.#file.statSync().size;
  }

  close(): void {
    try {
      this.#file.close();
    } catch {
      // already closed
    }
  }
}
