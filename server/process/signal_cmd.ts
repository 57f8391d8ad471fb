/**
 * @module
 * `--signal <cmd>[=<pid>]`: sends a signal to a running server, with nats-server's commands,
 * pid resolution and messages (signal.go `ProcessSignal`, `CommandToSignal`, `resolvePids`).
 * Main isolate, CLI only.
 */

/** nats-server's commands and the signals they send. */
export const SIGNAL_COMMANDS: Record<string, Deno.Signal> = {
  stop: "SIGKILL",
  quit: "SIGINT",
  term: "SIGTERM",
  reopen: "SIGUSR1",
  reload: "SIGHUP",
  ldm: "SIGUSR2",
};

/** Thrown with nats-server's message (printed as `nats-server: <message>`). */
export class SignalCommandError extends Error {}

/** Resolves `pidOrFile` to pids: a number, a pid file path, or a `prefix*` pattern over processes. */
async function resolvePids(pidOrFile: string | undefined, processName: string): Promise<number[]> {
  if (pidOrFile === undefined || pidOrFile === "") {
    const pids = await pgrep(processName);
    if (pids.length === 0) throw new SignalCommandError(`no ${processName} processes running`);
    if (pids.length > 1) {
      throw new SignalCommandError(
        `multiple ${processName} processes running:\n${pids.join("\n")}`,
      );
    }
    return pids;
  }
  if (/^\d+$/.test(pidOrFile)) return [Number(pidOrFile)];
  if (pidOrFile.endsWith("*")) {
    const prefix = pidOrFile.slice(0, -1);
    return (await pgrep(processName)).filter((p) => String(p).startsWith(prefix));
  }
  let text: string;
  try {
    text = Deno.readTextFileSync(pidOrFile).trim();
  } catch {
    throw new SignalCommandError(`invalid pid: ${pidOrFile}`);
  }
  if (!/^\d+$/.test(text)) throw new SignalCommandError(`invalid pid: ${pidOrFile}`);
  return [Number(text)];
}

async function pgrep(name: string): Promise<number[]> {
  try {
    const out = await new Deno.Command("pgrep", {
      args: ["-x", name.slice(0, 15)],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    const self = Deno.pid;
    return new TextDecoder().decode(out.stdout).split("\n").filter((l) => /^\d+$/.test(l)).map(
      Number,
    )
      .filter((p) => p !== self);
  } catch {
    return [];
  }
}

/** Parses `cmd[=pid]` and sends the signal. Throws {@link SignalCommandError}. */
export async function sendSignalCommand(arg: string, processName: string): Promise<void> {
  const eq = arg.indexOf("=");
  const command = eq >= 0 ? arg.slice(0, eq) : arg;
  const target = eq >= 0 ? arg.slice(eq + 1) : undefined;
  const signal = SIGNAL_COMMANDS[command];
  if (!signal) throw new SignalCommandError(`unknown signal "${command}"`);
  const pids = await resolvePids(target, processName);
  const errors: string[] = [];
  for (const pid of pids) {
    try {
      Deno.kill(pid, signal);
    } catch (err) {
      errors.push(
        err instanceof Deno.errors.NotFound ? "no such process" : String((err as Error).message),
      );
    }
  }
  if (errors.length > 0) throw new SignalCommandError(errors.join("\n"));
}
