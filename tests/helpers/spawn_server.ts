/**
 * @module
 * `spawnFromConf`: the one place the tests spawn a server binary (`nats-server` or `bin/denats`)
 * on random loopback ports. It writes the `.conf` to a temp dir with `listen` (and `http` when
 * monitoring is asked for) on port -1 and `ports_file_dir`, waits for `<name>_<pid>.ports`,
 * collects stderr, and kills the process (SIGKILL by default) and removes the dir on close.
 * Runs in the test isolate.
 */
import { waitFor } from "./poll.ts";
import { LOOPBACK } from "./target.ts";

/** Path of the reference binary (override with `NATS_SERVER_BIN`). */
export function natsServerBinary(): string {
  return Deno.env.get("NATS_SERVER_BIN") ?? "nats-server";
}

/** True when the reference `nats-server` binary can be run. */
export function natsServerAvailable(): boolean {
  try {
    const out = new Deno.Command(natsServerBinary(), {
      args: ["--version"],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    return out.success;
  } catch {
    return false;
  }
}

/** Options for {@link spawnFromConf}. */
export interface SpawnOptions {
  /** Arguments after `-c <conf>` (or, without a conf, before `--ports_file_dir <dir>`). */
  extraArgs?: string[];
  env?: Record<string, string>;
  /** Also listen for monitoring (`http: 127.0.0.1:-1`) and wait for its port. */
  monitor?: boolean;
  /** Collect stderr (default true); false sends it to /dev/null. */
  captureLogs?: boolean;
  /** Deadline for the ports file (default 5000 ms). */
  timeoutMs?: number;
  /** Prefix of the temp dir name. */
  tempPrefix?: string;
}

/** A spawned server. */
export interface SpawnedServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` of the monitoring listener (no trailing slash), when asked for. */
  readonly monitorUrl?: string;
  readonly pid: number;
  readonly process: Deno.ChildProcess;
  /** The temp dir holding the conf and ports file (removed on close). */
  readonly dir: string;
  /** The parsed ports file (`nats`, `monitoring`, `websocket`... URL lists). */
  readonly ports: Record<string, string[] | undefined>;
  /** stderr so far. */
  logs(): string;
  /** Stops the process with `signal` (default SIGKILL) and waits for it; idempotent. */
  close(signal?: Deno.Signal): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The port of a ports-file URL (`nats://127.0.0.1:4222`, `ws://...`). */
export function portOf(url: string | undefined): number {
  if (!url) return 0;
  return Number(new URL(url.replace(/^\w+:/, "http:")).port);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * Spawns `binary -c <conf>` where the conf is `listen`/`http` on random loopback ports,
 * `ports_file_dir`, then `confText`. With `confText === null` no conf is written and the
 * command line is `binary ...extraArgs --ports_file_dir <dir>`.
 */
export async function spawnFromConf(
  binary: string,
  confText: string | null,
  opts: SpawnOptions = {},
): Promise<SpawnedServer> {
  const dir = await Deno.makeTempDir({ prefix: opts.tempPrefix ?? "denats_spawn_" });
  let args: string[];
  if (confText === null) {
    args = [...(opts.extraArgs ?? []), "--ports_file_dir", dir];
  } else {
    const path = `${dir}/server.conf`;
    const head = [`listen: "${LOOPBACK}:-1"`];
    if (opts.monitor) head.push(`http: "${LOOPBACK}:-1"`);
    head.push(`ports_file_dir: ${JSON.stringify(dir)}`);
    await Deno.writeTextFile(path, `${head.join("\n")}\n${confText}`);
    args = ["-c", path, ...(opts.extraArgs ?? [])];
  }
  const capture = opts.captureLogs ?? true;
  const child = new Deno.Command(binary, {
    args,
    env: opts.env,
    stdin: "null",
    stdout: "null",
    stderr: capture ? "piped" : "null",
  }).spawn();
  let logText = "";
  const pump = capture
    ? (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        logText += chunk;
      }
    })()
    : Promise.resolve();
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  let closing: Promise<void> | null = null;
  const close = (signal: Deno.Signal = "SIGKILL") =>
    closing ??= (async () => {
      if (!exited) {
        try {
          child.kill(signal);
        } catch { /* already gone */ }
      }
      await status;
      await pump;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    })();
  const portsFile = `${dir}/${basename(binary)}_${child.pid}.ports`;
  try {
    const ports = await waitFor(
      async () => {
        if (exited) {
          await pump;
          throw new Error(`${binary} exited: ${logText}`);
        }
        try {
          const p = JSON.parse(await Deno.readTextFile(portsFile)) as SpawnedServer["ports"];
          if (portOf(p.nats?.[0]) <= 0) return null;
          return !opts.monitor || p.monitoring?.length ? p : null;
        } catch (err) {
          if (err instanceof Deno.errors.NotFound || err instanceof SyntaxError) return null;
          throw err;
        }
      },
      opts.timeoutMs ?? 5000,
      `${basename(binary)} ports file`,
    );
    return {
      host: LOOPBACK,
      port: portOf(ports.nats?.[0]),
      monitorUrl: opts.monitor ? ports.monitoring![0].replace(/\/$/, "") : undefined,
      pid: child.pid,
      process: child,
      dir,
      ports,
      logs: () => logText,
      close,
      [Symbol.asyncDispose]: () => close(),
    };
  } catch (err) {
    await close();
    throw err;
  }
}
