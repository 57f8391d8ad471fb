/**
 * @module
 * `--signal <cmd>[=<pid or pid file>]`: sends a signal to a running server with nats-server
 * 2.9.10's commands, pid resolution and messages (signal.go `ProcessSignal`, `resolvePids`;
 * opts.go `processSignal`, `maybeReadPidFile`). Main isolate, CLI only.
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

/** opts.go maybeReadPidFile: the file's contents when it can be read, else the text itself. */
function maybeReadPidFile(pidOrFile: string): string {
  try {
    return Deno.readTextFileSync(pidOrFile);
  } catch {
    return pidOrFile;
  }
}

/** Go's strconv.Atoi: optional sign, decimal digits, nothing else (no trimming). */
function atoi(text: string): number | null {
  return /^[+-]?\d+$/.test(text) ? Number(text) : null;
}

/**
 * signal.go resolvePids: `pgrep <name>` (a pattern over process names, as nats-server runs it),
 * without this process. A missing pgrep is "unable to resolve pid, try providing one".
 */
async function resolvePids(processName: string): Promise<number[]> {
  let stdout: Uint8Array;
  try {
    const out = await new Deno.Command("pgrep", {
      args: [processName],
      stdout: "piped",
      stderr: "null",
    }).output();
    stdout = out.stdout;
  } catch {
    throw new SignalCommandError("unable to resolve pid, try providing one");
  }
  const pids: number[] = [];
  for (const line of new TextDecoder().decode(stdout).split("\n")) {
    if (line === "") continue;
    const pid = atoi(line);
    if (pid === null) throw new SignalCommandError("unable to resolve pid, try providing one");
    if (pid !== Deno.pid) pids.push(pid);
  }
  return pids;
}

/**
 * The one pid to signal: given (a number or a pid file, read as is), or, when that is empty, the
 * single running server.
 */
async function targetPid(target: string | undefined, processName: string): Promise<number> {
  const text = target === undefined ? "" : maybeReadPidFile(target);
  if (text !== "") {
    const pid = atoi(text);
    if (pid === null) throw new SignalCommandError(`invalid pid: ${text}`);
    return pid;
  }
  const pids = await resolvePids(processName);
  if (pids.length === 0) throw new SignalCommandError(`no ${processName} processes running`);
  if (pids.length > 1) {
    throw new SignalCommandError(`multiple ${processName} processes running:\n${pids.join("\n")}`);
  }
  return pids[0];
}

/** Go's text for a failed kill(2). */
function killError(err: unknown): string {
  if (err instanceof Deno.errors.NotFound) return "no such process";
  if (err instanceof Deno.errors.PermissionDenied) return "operation not permitted";
  return String((err as Error).message).replace(/ \(os error \d+\)$/, "").toLowerCase();
}

/**
 * Sends `command` (`stop`, `quit`, `term`, `reopen`, `reload`, `ldm`) to `target` (a pid or a
 * pid file; the single running `processName` when undefined). As nats-server 2.9.10, the pid is
 * resolved before the command is checked. Throws {@link SignalCommandError}.
 */
export async function sendSignalCommand(
  command: string,
  target: string | undefined,
  processName: string,
): Promise<void> {
  const pid = await targetPid(target, processName);
  const signal = SIGNAL_COMMANDS[command];
  if (!signal) throw new SignalCommandError(`unknown signal "${command}"`);
  try {
    Deno.kill(pid, signal);
  } catch (err) {
    throw new SignalCommandError(killError(err));
  }
}
