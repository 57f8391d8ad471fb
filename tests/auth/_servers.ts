/**
 * @module
 * Starts a server from `.conf` text for the auth tests: denats (the config pipeline
 * `loadConfigFileSync` + `mergeOptions`, then `startServer`) or the reference `nats-server`
 * (spawned with `ports_file_dir`). Both listen on a random loopback port. Also runs
 * `nats-server -t` to read the startup errors it reports for a config. Runs in the test isolate.
 */
import { startServer } from "../../mod.ts";
import { loadConfigFileSync } from "../../server/config/load.ts";
import { mergeOptions } from "../../server/config/merge.ts";
import { defaultOptions, type ServerOptions } from "../../server/options.ts";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";
import { waitFor } from "../helpers/poll.ts";
import { LOOPBACK, type Target } from "../helpers/target.ts";

export { LOOPBACK, natsServerAvailable };
export type { Target };

/** A named way to start a server from config text. */
export interface ConfTarget {
  name: string;
  start(conf: string): Promise<Target>;
}

/** Writes `conf` to a fresh temp dir; returns the dir and the file path. */
export async function writeConf(conf: string): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir({ prefix: "denats_auth_" });
  const path = `${dir}/server.conf`;
  await Deno.writeTextFile(path, conf);
  return { dir, path };
}

/** The normalized options denats derives from `conf` (throws on config errors). */
export async function denatsOptions(conf: string): Promise<ServerOptions> {
  const { dir, path } = await writeConf(conf);
  try {
    const result = loadConfigFileSync(path);
    if (result.errors.length > 0) {
      throw new Error(`config errors: ${result.errors.map((e) => e.message).join("; ")}`);
    }
    return mergeOptions(defaultOptions(), result.options);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** denats in this process, configured from `conf`. */
export async function denatsFromConf(conf: string): Promise<Target> {
  const options = await denatsOptions(conf);
  const server = await startServer({ ...options, host: LOOPBACK, port: -1, quiet: true });
  const close = () => server.close();
  return {
    host: LOOPBACK,
    port: server.port,
    url: `nats://${LOOPBACK}:${server.port}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The reference nats-server, configured from `conf` plus a loopback listen and ports file. */
export async function natsServerFromConf(conf: string): Promise<Target> {
  const server = await spawnFromConf(natsServerBinary(), conf, { tempPrefix: "denats_auth_" });
  return {
    host: LOOPBACK,
    port: server.port,
    url: `nats://${LOOPBACK}:${server.port}`,
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
}

/**
 * Startup errors nats-server reports for `conf` (config errors and `NewServer` validation),
 * without the `nats-server: ` prefix and `file:line:col: ` positions (denats reports account
 * and operator errors without positions). Empty when nats-server starts: it is then killed.
 */
export async function natsServerStartupErrors(conf: string): Promise<string[]> {
  const { dir, path } = await writeConf(`listen: "${LOOPBACK}:-1"\n${conf}`);
  const child = new Deno.Command(natsServerBinary(), {
    args: ["-c", path],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const log = new Response(child.stderr).text();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  try {
    // A config nats-server accepts keeps it running: give up waiting for an exit after 1.5s.
    await waitFor(() => exited, 1500).catch(() => undefined);
    if (!exited) {
      child.kill("SIGKILL");
      await status;
      await log;
      return [];
    }
    await status;
    return (await log).split("\n")
      .map((line) => line.replace(/^nats-server: /, "").replace(/^[^\s:]+:\d+:\d+: /, "").trim())
      .filter((line) => line !== "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export { ignoreConnectionResets } from "../helpers/node_resets.ts";

/** denats always; nats-server when installed (otherwise a visible notice is printed once). */
export function confTargets(): ConfTarget[] {
  const targets: ConfTarget[] = [{ name: "denats", start: denatsFromConf }];
  if (natsServerAvailable()) targets.push({ name: "nats-server", start: natsServerFromConf });
  else console.warn("tests/auth: nats-server not found; compat cases run against denats only");
  return targets;
}
