/**
 * @module
 * `natsServerTarget`: writes the nats-server `.conf` equivalent of {@link TargetOptions} to a
 * temp dir, spawns the reference `nats-server` with `ports_file_dir`, learns its random port
 * from `nats-server_<pid>.ports` and kills it on close. Runs in the test isolate.
 */
import type { Permissions, UserOptions } from "../../server/options.ts";
import { LOOPBACK, type Target, type TargetOptions } from "./target.ts";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "./spawn_server.ts";

export { natsServerAvailable, natsServerBinary };

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
  return `listen: ${confValue(`${LOOPBACK}:-1`)}\nports_file_dir: ${confValue(portsDir)}\n` +
    confBody(opts);
}

/** The option lines of {@link toNatsServerConf} (without `listen` and `ports_file_dir`). */
function confBody(opts: TargetOptions): string {
  const lines: string[] = [];
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

/** Spawns the reference `nats-server` with the translated options on a random loopback port. */
export async function natsServerTarget(opts: TargetOptions = {}): Promise<Target> {
  const server = await spawnFromConf(natsServerBinary(), confBody(opts), {
    tempPrefix: "denats_compat_",
  });
  return {
    host: LOOPBACK,
    port: server.port,
    url: `nats://${LOOPBACK}:${server.port}`,
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
}
