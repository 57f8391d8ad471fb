/**
 * @module
 * `natsServerTarget`: writes the nats-server `.conf` equivalent of {@link TargetOptions} to a
 * temp dir, spawns the reference `nats-server` with `ports_file_dir`, learns its random port
 * from `nats-server_<pid>.ports` and kills it on close. Runs in the test isolate.
 */
import type { Permissions, UserOptions } from "../../server/options.ts";
import { LOOPBACK, type Target, type TargetOptions } from "./target.ts";
import { waitFor } from "./poll.ts";

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

/** Renders a JSON-compatible value in `.conf` syntax (the conf lexer accepts JSON values). */
function confValue(value: unknown): string {
  return JSON.stringify(value);
}

function confPermissions(p: Permissions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.publish) out.publish = p.publish;
  if (p.subscribe) out.subscribe = p.subscribe;
  if (p.response) {
    out.allow_responses = { max: p.response.maxMsgs, expires: `${p.response.expiresMs}ms` };
  }
  return out;
}

function confUser(u: UserOptions): Record<string, unknown> {
  const keys = Object.keys(u).filter((k) => !["user", "password", "permissions"].includes(k));
  if (keys.length > 0) throw new Error(`natsServerTarget: unsupported user keys ${keys}`);
  const out: Record<string, unknown> = {};
  if (u.user !== undefined) out.user = u.user;
  if (u.password !== undefined) out.password = u.password;
  if (u.permissions) out.permissions = confPermissions(u.permissions);
  return out;
}

/**
 * Translates {@link TargetOptions} to nats-server `.conf` text.
 *
 * @example
 * ```ts
 * import { toNatsServerConf } from "./nats_server_target.ts";
 * const conf = toNatsServerConf({ maxPayload: 1024 }, "/tmp/x");
 * if (!conf.includes("max_payload: 1024")) throw new Error(conf);
 * ```
 */
export function toNatsServerConf(opts: TargetOptions, portsDir: string): string {
  const lines = [
    `listen: ${confValue(`${LOOPBACK}:-1`)}`,
    `ports_file_dir: ${confValue(portsDir)}`,
  ];
  const top: Record<string, unknown> = {};
  const auth: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(opts)) {
    if (value === undefined) continue;
    switch (key) {
      case "serverName":
        top.server_name = value;
        break;
      case "maxPayload":
        top.max_payload = value;
        break;
      case "maxControlLine":
        top.max_control_line = value;
        break;
      case "maxConnections":
        top.max_connections = value;
        break;
      case "maxSubscriptions":
        top.max_subscriptions = value;
        break;
      case "maxPending":
        top.max_pending = value;
        break;
      case "writeDeadlineMs":
        top.write_deadline = `${value}ms`;
        break;
      case "pingIntervalMs":
        top.ping_interval = `${value}ms`;
        break;
      case "pingMax":
        top.ping_max = value;
        break;
      case "noAuthUser":
        top.no_auth_user = value;
        break;
      case "noHeaderSupport":
        top.no_header_support = value;
        break;
      case "username":
        auth.user = value;
        break;
      case "password":
        auth.password = value;
        break;
      case "authorizationToken":
        auth.token = value;
        break;
      case "authTimeout":
        auth.timeout = value;
        break;
      case "users":
        auth.users = (value as UserOptions[]).map(confUser);
        break;
      default:
        throw new Error(`natsServerTarget: unsupported option '${key}'`);
    }
  }
  for (const [key, value] of Object.entries(top)) lines.push(`${key}: ${confValue(value)}`);
  if (Object.keys(auth).length > 0) lines.push(`authorization: ${confValue(auth)}`);
  return lines.join("\n") + "\n";
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

/** Spawns the reference `nats-server` with the translated options on a random loopback port. */
export async function natsServerTarget(opts: TargetOptions = {}): Promise<Target> {
  const dir = await Deno.makeTempDir({ prefix: "denats_compat_" });
  const confPath = `${dir}/server.conf`;
  await Deno.writeTextFile(confPath, toNatsServerConf(opts, dir));
  const child = new Deno.Command(natsServerBinary(), {
    args: ["-c", confPath],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const logText = readAll(child.stderr);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const portsFile = `${dir}/nats-server_${child.pid}.ports`;
  let port = 0;
  const close = async () => {
    if (!exited) {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
    await status;
    await logText;
    await Deno.remove(dir, { recursive: true });
  };
  try {
    await waitFor(async () => {
      if (exited) throw new Error(`nats-server exited early: ${await logText}`);
      try {
        const ports = JSON.parse(await Deno.readTextFile(portsFile)) as { nats?: string[] };
        const url = ports.nats?.[0];
        if (!url) return false;
        port = Number(new URL(url.replace(/^nats:/, "http:")).port);
        return port > 0;
      } catch (err) {
        if (err instanceof Deno.errors.NotFound || err instanceof SyntaxError) return false;
        throw err;
      }
    }, 5000);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    host: LOOPBACK,
    port,
    url: `nats://${LOOPBACK}:${port}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}
