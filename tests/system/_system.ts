/**
 * @module
 * Shared pieces of the system account tests: the config (a `SYS` system account user and an
 * `A` account user), servers started from it (denats in this process, or the reference
 * `nats-server` spawned with `ports_file_dir` and stopped with SIGTERM so it sends its shutdown
 * event), real-client helpers that collect messages and poll for them, and JSON comparison
 * helpers. Runs in the test isolate.
 */
import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { startServer } from "../../mod.ts";
import { denatsOptions } from "../auth/_servers.ts";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";
import { waitFor } from "../helpers/poll.ts";
import { LOOPBACK } from "../helpers/target.ts";

/** The system account user `sys` and a normal user `a` in account `A`. */
export const SYS_CONF = `server_name: sysA
accounts {
  SYS: { users: [{ user: sys, password: sys }] }
  A: { users: [{ user: a, password: a }] }
}
system_account: SYS
`;

/** A server under test, with a graceful stop (denats shutdown, nats-server SIGTERM). */
export interface SystemTarget {
  readonly kind: "denats" | "nats-server";
  readonly url: string;
  /** Stops the server gracefully and waits for it (idempotent). */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** denats configured from `conf`; `statszIntervalMs` shortens the statsz heartbeat. */
export async function denatsSystem(
  conf: string,
  statszIntervalMs?: number,
): Promise<SystemTarget> {
  const options = await denatsOptions(conf);
  const server = await startServer({
    ...options,
    host: LOOPBACK,
    port: -1,
    quiet: true,
    statszIntervalMs,
  });
  let stopped: Promise<void> | null = null;
  const stop = () => (stopped ??= server.close());
  return {
    kind: "denats",
    url: `nats://${LOOPBACK}:${server.port}`,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** nats-server configured from `conf` plus a loopback listener and a ports file. */
export async function natsServerSystem(conf: string): Promise<SystemTarget> {
  const server = await spawnFromConf(natsServerBinary(), conf, { tempPrefix: "denats_system_" });
  const stop = () => server.close("SIGTERM");
  return {
    kind: "nats-server",
    url: `nats://${LOOPBACK}:${server.port}`,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Whether the nats-server comparisons run; prints a visible notice once when they cannot. */
export function withNatsServer(): boolean {
  if (natsServerAvailable()) return true;
  console.warn("tests/system: nats-server not found; comparisons with it are skipped");
  return false;
}

/** A connection plus a close that tolerates a server that already went away. */
export async function login(
  url: string,
  user: string,
  name: string,
): Promise<NatsConnection & AsyncDisposable> {
  const nc = await connect({ servers: url, user, pass: user, name, reconnect: false });
  return Object.assign(nc, {
    async [Symbol.asyncDispose]() {
      if (!nc.isClosed()) await nc.close().catch(() => undefined);
    },
  });
}

/** One received message: subject and parsed JSON body. */
export interface Received {
  subject: string;
  json: Record<string, unknown>;
}

/** Collects every message of `sub` in arrival order. */
export function collect(sub: Subscription): Received[] {
  const seen: Received[] = [];
  (async () => {
    for await (const m of sub) {
      seen.push({ subject: m.subject, json: m.data.length > 0 ? m.json() : {} });
    }
  })();
  return seen;
}

/** Waits until `seen` (or what it returns) holds a message matching `pick`; returns it. */
export function waitForMessage(
  seen: Received[] | (() => Received[]),
  pick: (m: Received) => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<Received> {
  const list = typeof seen === "function" ? seen : () => seen;
  return waitFor(() => list().find(pick), timeoutMs, what);
}

/** A request with a JSON body (or none); resolves to the parsed reply. */
export async function requestJson(
  nc: NatsConnection,
  subject: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const payload = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const m = await nc.request(subject, payload, { timeout: 2000 });
  return m.json<Record<string, unknown>>();
}

/** JSON type name as the comparisons use it. */
function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/** Keys mapped to shapes (sorted), arrays reduced to their first element's shape. */
export function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shape(v[0])];
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) {
      out[key] = shape((v as Record<string, unknown>)[key]);
    }
    return out;
  }
  return typeName(v);
}

/** `v` at a dotted path (`client.acc`). */
export function at(v: unknown, path: string): unknown {
  let cur = v;
  for (const key of path.split(".")) {
    cur = cur !== null && typeof cur === "object"
      ? (cur as Record<string, unknown>)[key]
      : undefined;
  }
  return cur;
}

/** The values at `paths`, as one object (for comparing what is deterministic). */
export function pick(v: unknown, paths: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(paths.map((p) => [p, at(v, p)]));
}
