/**
 * @module
 * Test servers for the TLS and WebSocket suites: the same configuration started as denats (in
 * this process, logs captured) or as the reference `nats-server` (spawned from a `.conf`, ports
 * from its ports file, logs from stderr), so one list of cases runs against both.
 * Runs in the test isolate.
 */
import { startServer } from "../../mod.ts";
import { Logger } from "../../server/log/logger.ts";
import type { RawSection, UserOptions } from "../../server/options.ts";
import {
  natsServerAvailable,
  natsServerBinary,
  portOf,
  spawnFromConf,
} from "../helpers/spawn_server.ts";

/** Directory of the committed test certificates. */
export const CERTS = new URL("./certs/", import.meta.url).pathname;

/** Path of a file in {@link CERTS}. */
export function cert(name: string): string {
  return CERTS + name;
}

/** The subset of configuration the TLS and WebSocket cases use (nats-server `.conf` names). */
export interface ServerConfig {
  tls?: RawSection;
  allow_non_tls?: boolean;
  websocket?: RawSection;
  authorization?: { users?: UserOptions[]; token?: string; user?: string; password?: string };
  no_auth_user?: string;
}

/** A running server under test. */
export interface RunningServer {
  readonly kind: "denats" | "nats-server";
  readonly port: number;
  /** The WebSocket port, 0 when not configured. */
  readonly wsPort: number;
  /** Log lines so far (without the `[pid] time [LVL]` prefix). */
  logs(): string[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a server from a {@link ServerConfig}. */
export type ServerFactory = (config: ServerConfig) => Promise<RunningServer>;

const LOOPBACK = "127.0.0.1";
const PREFIX = /^\[\d+\] (?:[\d/:. ]+ )?\[[A-Z]{3}\] /;

/** Starts denats in this process with debug and trace logs captured. */
export const denats: ServerFactory = async (config) => {
  const lines: string[] = [];
  const logger = new Logger((line) => lines.push(line.replace(PREFIX, "")), {
    pid: Deno.pid,
    debug: true,
    trace: true,
    logtime: false,
    logtimeUTC: false,
  });
  const auth = config.authorization ?? {};
  const server = await startServer({
    host: LOOPBACK,
    port: -1,
    logger,
    tls: config.tls,
    allowNonTls: config.allow_non_tls,
    websocket: config.websocket,
    users: auth.users,
    authorizationToken: auth.token,
    username: auth.user,
    password: auth.password,
    noAuthUser: config.no_auth_user,
  });
  const close = () => server.close();
  return {
    kind: "denats",
    port: server.port,
    wsPort: server.server.websocketPort,
    logs: () => [...lines],
    close,
    [Symbol.asyncDispose]: close,
  };
};

function confUsers(users: UserOptions[]): unknown[] {
  return users.map((u) => ({
    ...(u.user !== undefined ? { user: u.user } : {}),
    ...(u.password !== undefined ? { password: u.password } : {}),
  }));
}

/** True when the reference nats-server can run. */
export const natsServerInstalled = natsServerAvailable();

/** Spawns the reference nats-server with the equivalent `.conf`. */
export const natsServer: ServerFactory = async (config) => {
  const conf: Record<string, unknown> = { debug: true, trace: true };
  if (config.tls) conf.tls = config.tls;
  if (config.allow_non_tls !== undefined) conf.allow_non_tls = config.allow_non_tls;
  if (config.websocket) conf.websocket = config.websocket;
  if (config.no_auth_user) conf.no_auth_user = config.no_auth_user;
  if (config.authorization) {
    const a = config.authorization;
    conf.authorization = {
      ...(a.users ? { users: confUsers(a.users) } : {}),
      ...(a.token ? { token: a.token } : {}),
      ...(a.user ? { user: a.user, password: a.password } : {}),
    };
  }
  const text = Object.entries(conf).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join("\n");
  const server = await spawnFromConf(natsServerBinary(), text + "\n", {
    tempPrefix: "denats_tls_",
  });
  return {
    kind: "nats-server",
    port: server.port,
    wsPort: portOf(server.ports.websocket?.[0]),
    logs: () => server.logs().split("\n").filter((l) => l !== "").map((l) => l.replace(PREFIX, "")),
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
};

/** The TLS block for the committed server certificate, plus `extra`. */
export function serverTls(extra: RawSection = {}): RawSection {
  return {
    cert_file: cert("server-cert.pem"),
    key_file: cert("server-key.pem"),
    ca_file: cert("ca.pem"),
    ...extra,
  };
}
