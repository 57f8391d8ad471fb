/**
 * @module
 * Servers for the hostile-input tests: denats in this process or the reference nats-server as
 * a child process, both from `.conf` text, with a monitoring listener (for `/varz`) and a way
 * to read the server's resident memory (`VmRSS` of this process for denats, of the child for
 * nats-server). Also a seeded PRNG and small socket helpers. Runs in the test isolate.
 */
import { startServer } from "../../mod.ts";
import { denatsOptions } from "../auth/_servers.ts";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";
import { RawClient } from "../helpers/raw_client.ts";
import { pub, sub } from "../helpers/frames.ts";
import assert from "node:assert/strict";
import { LOOPBACK, type Target } from "../helpers/target.ts";
import { prng } from "../../server/protocol/prng.ts";

/** A running server with monitoring and a memory probe. */
export interface HostileTarget extends Target {
  readonly monitorUrl: string;
  /** Resident set size of the process running the server, in MB. */
  rssMb(): Promise<number>;
  /** `/varz` as JSON. */
  varz(): Promise<Record<string, unknown>>;
}

/** A named way to start a {@link HostileTarget}. */
export interface HostileKind {
  name: string;
  /** Run only the cases that report memory figures (a second denats variant). */
  memoryOnly?: boolean;
  start(conf: string): Promise<HostileTarget>;
}

async function readRssMb(pid: number | "self"): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

async function fetchVarz(monitorUrl: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${monitorUrl}/varz`);
  return await res.json();
}

/** denats in this process (its RSS is the test process's RSS). */
export async function startDenats(conf: string): Promise<HostileTarget> {
  const options = await denatsOptions(conf);
  const server = await startServer({
    ...options,
    host: LOOPBACK,
    port: -1,
    httpHost: LOOPBACK,
    httpPort: -1,
    quiet: true,
  });
  const monitorUrl = server.monitorUrl ?? "";
  const close = () => server.close();
  return {
    host: LOOPBACK,
    port: server.port,
    url: `nats://${LOOPBACK}:${server.port}`,
    monitorUrl,
    rssMb: () => readRssMb("self"),
    varz: () => fetchVarz(monitorUrl),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The reference nats-server as a child process. */
export function startNatsServer(conf: string): Promise<HostileTarget> {
  return startChild(natsServerBinary(), conf);
}

const DENATS_BIN = new URL("../../bin/denats", import.meta.url).pathname;

/** denats as a child process (`bin/denats`), so RSS figures are the server's alone. */
export function startDenatsProcess(conf: string): Promise<HostileTarget> {
  return startChild(DENATS_BIN, conf);
}

/** `binary -c conf` with monitoring, stderr discarded. */
async function startChild(binary: string, conf: string): Promise<HostileTarget> {
  const server = await spawnFromConf(binary, conf, {
    monitor: true,
    captureLogs: false,
    timeoutMs: 15_000,
    tempPrefix: "denats_hostile_",
  });
  const monitorUrl = server.monitorUrl!;
  return {
    host: LOOPBACK,
    port: server.port,
    url: `nats://${LOOPBACK}:${server.port}`,
    monitorUrl,
    rssMb: () => readRssMb(server.pid),
    varz: () => fetchVarz(monitorUrl),
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
}

/**
 * denats always (in this process; also as a child process with `subprocess`, for RSS figures
 * of the server alone); nats-server when installed (otherwise a visible notice).
 */
export function hostileKinds(subprocess = false): HostileKind[] {
  const kinds: HostileKind[] = [{ name: "denats", start: startDenats }];
  if (subprocess) {
    kinds.push({ name: "denats process", start: startDenatsProcess, memoryOnly: true });
  }
  if (natsServerAvailable()) kinds.push({ name: "nats-server", start: startNatsServer });
  else console.warn("tests/hostile: nats-server not found; cases run against denats only");
  return kinds;
}

export { prng };

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}

export function report(kind: HostileKind, what: string, figures: Record<string, unknown>): void {
  console.log(`[hostile ${kind.name}] ${what}: ${JSON.stringify(figures)}`);
}

/** Sends PING and classifies what follows: "pong", "closed" or "timeout". */
export async function settle(
  c: RawClient,
  timeoutMs: number,
): Promise<"pong" | "closed" | "timeout"> {
  if (!(await c.trySend("PING\r\n"))) return "closed";
  try {
    await c.expect(/PONG\r\n/, timeoutMs);
    return "pong";
  } catch {
    return c.closed ? "closed" : "timeout";
  }
}

/** Asserts the server still routes between two fresh connections. */
export async function assertServing(t: HostileTarget): Promise<void> {
  await using s = await RawClient.open(t);
  await using p = await RawClient.open(t);
  await s.send(sub("health", 1));
  await s.flush();
  await p.send(pub("health", "ok"));
  assert.equal((await s.expectMsg()).payload, "ok");
}
