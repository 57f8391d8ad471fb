/**
 * @module
 * Log destinations: stderr, or a file (`-l`/`log_file`) with nats-server's size-based rotation
 * (`log_size_limit`: when a write would pass the limit the file is renamed to
 * `<file>.<YYYY.MM.DD.HH.MM.SS.micros>` and a new one started) and reopen on SIGUSR1.
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

/** A log file with optional rotation by size. */
export class FileLog {
  readonly path: string;
  #limit: number;
  #file: Deno.FsFile;
  #size: number;

  constructor(path: string, sizeLimit = 0) {
    this.path = path;
    this.#limit = sizeLimit;
    this.#file = this.#open();
    this.#size = this.#file.statSync().size;
  }

  #open(): Deno.FsFile {
    return Deno.openSync(this.path, { create: true, append: true, write: true, mode: 0o660 });
  }

  /** The sink writing lines to this file. */
  get sink(): LogSink {
    return (line) => this.write(line);
  }

  /** Appends one line, rotating first when it would pass the size limit. */
  write(line: string): void {
    const bytes = enc.encode(line + "\n");
    if (this.#limit > 0 && this.#size + bytes.length > this.#limit && this.#size > 0) {
      this.#rotate();
    }
    try {
      this.#file.writeSync(bytes);
      this.#size += bytes.length;
    } catch {
      // disk full or file gone: nothing sensible to log to
    }
  }

  #rotate(): void {
    const d = new Date();
    const stamp = `${d.getFullYear()}.${pad(d.getMonth() + 1)}.${pad(d.getDate())}.${
      pad(d.getHours())
    }.${pad(d.getMinutes())}.${pad(d.getSeconds())}.${pad(d.getMilliseconds() * 1000, 9)}`;
    this.#file.close();
    try {
      Deno.renameSync(this.path, `${this.path}.${stamp}`);
    } catch {
      // keep appending to the same file
    }
    this.#file = this.#open();
    this.#size = this.#file.statSync().size;
  }

  /** Closes and reopens the file (SIGUSR1, for logrotate). */
  reopen(): void {
    try {
      this.#file.close();
    } catch {
      // already closed
    }
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
