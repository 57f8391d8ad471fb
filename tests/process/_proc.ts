/**
 * @module
 * Process-level test helpers: run `bin/denats` (through a symlink named `nats-server`, as
 * harnesses do) and the reference `/usr/sbin/nats-server` as real child processes, collect their
 * log lines, wait for lines/files/exits with deadlines, and kill whatever is left on dispose.
 * Runs in the test isolate.
 */
import { deepStrictEqual } from "node:assert";
import { waitFor } from "../helpers/poll.ts";

export { waitFor };

/** `bin/denats`, the executable under test. */
export const DENATS_BIN = new URL("../../bin/denats", import.meta.url).pathname;
/** The reference server, when installed. */
export const NATS_SERVER_BIN = Deno.env.get("NATS_SERVER_BIN") ?? "/usr/sbin/nats-server";

/** One executable to run a scenario against. */
export interface Binary {
  /** `denats` or `nats-server` (the reference). */
  readonly kind: "denats" | "nats-server";
  /** Path to exec; for denats a symlink named `nats-server` to `bin/denats`. */
  readonly path: string;
}

const warned = new Set<string>();

/**
 * True when the reference nats-server is installed; warns once (visibly) when it is not, saying
 * what is `skipped`.
 */
export function haveNatsServer(skipped = "side-by-side checks skipped"): boolean {
  try {
    Deno.statSync(NATS_SERVER_BIN);
    return true;
  } catch {
    if (!warned.has(skipped)) {
      warned.add(skipped);
      console.warn(`%c${NATS_SERVER_BIN} not found: ${skipped}`, "color: yellow");
    }
    return false;
  }
}

/** A temporary directory removed on dispose. */
export class TempDir {
  readonly path: string;
  private constructor(path: string) {
    this.path = path;
  }
  static async create(): Promise<TempDir> {
    return new TempDir(await Deno.makeTempDir({ prefix: "denats_proc_" }));
  }
  /** `path/name`. */
  file(name: string): string {
    return `${this.path}/${name}`;
  }
  /** Writes `text` to `path/name` and returns the full path. */
  write(name: string, text: string): string {
    Deno.writeTextFileSync(this.file(name), text);
    return this.file(name);
  }
  /** Names of the entries in the directory, sorted. */
  list(): string[] {
    return [...Deno.readDirSync(this.path)].map((e) => e.name).sort();
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await Deno.remove(this.path, { recursive: true }).catch(() => {});
  }
}

/**
 * The binaries to compare in `dir`: denats through a `nats-server` symlink in `dir/denats/`,
 * then the reference nats-server when installed.
 */
export function binaries(dir: TempDir): Binary[] {
  const linkDir = dir.file("denats");
  Deno.mkdirSync(linkDir, { recursive: true });
  const link = `${linkDir}/nats-server`;
  try {
    Deno.symlinkSync(DENATS_BIN, link);
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
  }
  const list: Binary[] = [{ kind: "denats", path: link }];
  if (haveNatsServer()) list.push({ kind: "nats-server", path: NATS_SERVER_BIN });
  return list;
}

/** Runs `scenario` against each binary; asserts nats-server (when present) agrees; returns denats'. */
export async function compare<T>(scenario: (bin: Binary, dir: TempDir) => Promise<T>): Promise<T> {
  await using root = await TempDir.create();
  const results = new Map<string, T>();
  for (const bin of binaries(root)) {
    await using dir = await TempDir.create();
    results.set(bin.kind, await scenario(bin, dir));
  }
  const denats = results.get("denats")!;
  if (results.has("nats-server")) deepStrictEqual(denats, results.get("nats-server"));
  return denats;
}

/** What a finished command printed and returned. */
export interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

const dec = new TextDecoder();

/** Runs a command to completion (bounded by `timeoutMs`, then killed). */
export async function run(
  path: string,
  args: string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<Output> {
  const child = new Deno.Command(path, {
    args,
    cwd: opts.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, opts.timeoutMs ?? 10_000);
  try {
    const out = await child.output();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } finally {
    clearTimeout(timer);
  }
}

/** Options for {@link ServerProcess.start}. */
export interface StartOptions {
  cwd?: string;
  /** Log file the server writes (`-l`); lines are then read from it instead of stderr. */
  logFile?: string;
  /** Wait for `Server is ready` (default true). */
  waitReady?: boolean;
}

/** A running server process; its stderr (or log file) lines are collected as they arrive. */
export class ServerProcess {
  readonly binary: Binary;
  readonly pid: number;
  readonly #child: Deno.ChildProcess;
  readonly #stderrLines: string[] = [];
  readonly #reader: Promise<void>;
  readonly #logFile: string | undefined;
  #status: Deno.CommandStatus | undefined;
  readonly #statusPromise: Promise<Deno.CommandStatus>;

  private constructor(binary: Binary, child: Deno.ChildProcess, logFile: string | undefined) {
    this.binary = binary;
    this.#child = child;
    this.pid = child.pid;
    this.#logFile = logFile;
    this.#reader = this.#read(child.stderr);
    this.#statusPromise = child.status.then((s) => (this.#status = s));
  }

  /** Spawns `binary args` and (by default) waits for `Server is ready`. */
  static async start(
    binary: Binary,
    args: string[],
    opts: StartOptions = {},
  ): Promise<ServerProcess> {
    const child = new Deno.Command(binary.path, {
      args,
      cwd: opts.cwd,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const proc = new ServerProcess(binary, child, opts.logFile);
    if (opts.waitReady ?? true) {
      try {
        await proc.waitForLine(/\[INF\] Server is ready$/, 10_000);
      } catch (err) {
        await proc[Symbol.asyncDispose]();
        throw err;
      }
    }
    return proc;
  }

  async #read(stream: ReadableStream<Uint8Array>): Promise<void> {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      const parts = rest.split("\n");
      rest = parts.pop()!;
      this.#stderrLines.push(...parts);
    }
    if (rest) this.#stderrLines.push(rest);
  }

  /** Log lines so far: stderr, or the log file given to {@link start}. */
  lines(): string[] {
    if (!this.#logFile) return [...this.#stderrLines];
    try {
      return Deno.readTextFileSync(this.#logFile).split("\n").filter((l) => l !== "");
    } catch {
      return [];
    }
  }

  /** Lines written to stderr (whatever the log destination). */
  stderrLines(): string[] {
    return [...this.#stderrLines];
  }

  /** Waits for a log line matching `re` (after the first `from` lines) and returns it. */
  async waitForLine(re: RegExp, timeoutMs = 5000, from = 0): Promise<string> {
    try {
      return await waitFor(
        () => {
          const line = this.lines().slice(from).find((l) => re.test(l));
          if (line !== undefined) return line;
          if (this.#status) throw new Error(`exited (${this.#status.code}) before ${re}`);
          return undefined;
        },
        timeoutMs,
        `log line ${re}`,
      );
    } catch (err) {
      throw new Error(`${this.binary.kind}: ${(err as Error).message}\n${this.lines().join("\n")}`);
    }
  }

  /** The client port from `Listening for client connections on <host>:<port>`. */
  async clientPort(): Promise<number> {
    const line = await this.waitForLine(/Listening for client connections on /);
    return Number(line.match(/:(\d+)$/)![1]);
  }

  /** Sends a signal to the process. */
  signal(sig: Deno.Signal): void {
    Deno.kill(this.pid, sig);
  }

  /** True once the process has exited. */
  get exited(): boolean {
    return this.#status !== undefined;
  }

  /** Waits for the process to exit; returns its status. */
  async waitExit(timeoutMs = 5000): Promise<Deno.CommandStatus> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.binary.kind} did not exit within ${timeoutMs}ms`)),
        timeoutMs,
      );
    });
    try {
      const status = await Promise.race([this.#statusPromise, timeout]);
      await this.#reader;
      return status;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the process if it is still running and waits for it. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#status) {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
    await this.#statusPromise;
    await this.#reader;
  }
}

/** Strips what differs between any two runs: pid, time, ids, ports, paths, cids. */
export function normalizeLine(line: string): string {
  return line
    .replace(/^\[\d+\] /, "[PID] ")
    .replace(/\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} /, "")
    .replace(/\bN[A-Z0-9]{55}\b/g, "<ID>")
    .replace(/:\d{2,5}\b/g, ":<PORT>")
    .replace(/cid:\d+/g, "cid:<N>");
}
