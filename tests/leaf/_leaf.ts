/**
 * @module
 * Leafnode test helpers: hub and leaf nodes of two kinds behind one interface (denats in this
 * process, started from a `.conf` file with a capturing logger, and the reference nats-server
 * as a process), their `.conf` text, clients, polling until a link is up, and the setup the
 * leaf test files share (test options, certificates, a round trip across a link). Every node
 * is disposable. Runs in the test isolate.
 */
import { startServer } from "../../mod.ts";
import type { ServerHandle } from "../../server/start.ts";
import { Logger } from "../../server/log/logger.ts";
import { leafz } from "../../server/monitor/links.ts";
import { haveNatsServer, NATS_SERVER_BIN, ServerProcess, TempDir } from "../process/_proc.ts";
import { freePort, waitFor } from "../cluster/_cluster.ts";
import { connect, type NatsConnection } from "@nats-io/transport-node";

export { connect, freePort, type NatsConnection, TempDir, waitFor };

/** `Deno.test` options of the leaf tests: servers and clients outlive the sanitizers' view. */
export const OPTS = { sanitizeOps: false, sanitizeResources: false };

/** The test certificates (`tests/tls/certs/`), with a trailing slash. */
export const CERTS = new URL("../tls/certs/", import.meta.url).pathname;

/** True when the reference nats-server is installed; warns visibly once when it is not. */
export function haveReference(): boolean {
  return haveNatsServer("mixed leafnode tests skipped");
}

/** One node's settings. */
export interface LeafNodeSpec {
  name: string;
  /** Client port (0: pick one). */
  port?: number;
  /** `leafnodes { listen }` port, when this node is a hub. */
  leafPort?: number;
  /** Extra lines inside `leafnodes {}` (authorization, reconnect...). */
  leafExtra?: string[];
  /** `remotes` entries as `.conf` map bodies, e.g. `url: "nats-leaf://127.0.0.1:7422"`. */
  remotes?: string[];
  /** Top-level extra lines (accounts, authorization, http...). */
  extra?: string[];
}

/** The `.conf` text of a node (read by denats and nats-server alike). */
export function leafConf(s: LeafNodeSpec): string {
  const lines = [`server_name: ${JSON.stringify(s.name)}`, `listen: "127.0.0.1:${s.port}"`];
  lines.push(...(s.extra ?? []));
  if (s.leafPort || s.remotes?.length || s.leafExtra?.length) {
    lines.push("leafnodes {");
    if (s.leafPort) lines.push(`  listen: "127.0.0.1:${s.leafPort}"`);
    for (const l of s.leafExtra ?? []) lines.push(`  ${l}`);
    if (s.remotes?.length) {
      lines.push("  remotes: [");
      for (const r of s.remotes) lines.push(`    { ${r} }`);
      lines.push("  ]");
    }
    lines.push("}");
  }
  return lines.join("\n") + "\n";
}

/** What both node kinds offer. */
export interface LeafTestNode extends AsyncDisposable {
  readonly kind: "denats" | "nats-server";
  readonly name: string;
  readonly clientPort: number;
  /** Number of registered leafnode connections. */
  leafCount(): Promise<number>;
  /** Log lines so far (without the `[pid] ` prefix). */
  lines(): string[];
  stop(): Promise<void>;
}

const PREFIX = /^\[\d+\] (\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d+ )?/;

/** denats in this process, from a `.conf` file. */
export class DenatsNode implements LeafTestNode {
  readonly kind = "denats" as const;
  readonly name: string;
  readonly handle: ServerHandle;
  readonly #lines: string[];
  #stopped = false;

  private constructor(name: string, handle: ServerHandle, lines: string[]) {
    this.name = name;
    this.handle = handle;
    this.#lines = lines;
  }

  static async start(dir: TempDir, spec: LeafNodeSpec, debug = false): Promise<DenatsNode> {
    const lines: string[] = [];
    const logger = new Logger((line) => lines.push(line.replace(PREFIX, "")), {
      pid: Deno.pid,
      debug,
      trace: false,
      logtime: false,
      logtimeUTC: false,
    });
    const file = dir.write(`${spec.name}.conf`, leafConf({ port: -1, ...spec }));
    const handle = await startServer({ config: file, logger });
    return new DenatsNode(spec.name, handle, lines);
  }

  get clientPort(): number {
    return this.handle.port;
  }
  leafCount(): Promise<number> {
    return Promise.resolve(leafz(this.handle.server).leafnodes);
  }
  lines(): string[] {
    return this.#lines;
  }
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.handle.close();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** The reference nats-server as a process, with monitoring for `/leafz`. */
export class NatsServerNode implements LeafTestNode {
  readonly kind = "nats-server" as const;
  readonly name: string;
  readonly clientPort: number;
  readonly httpPort: number;
  readonly proc: ServerProcess;

  private constructor(name: string, clientPort: number, httpPort: number, proc: ServerProcess) {
    this.name = name;
    this.clientPort = clientPort;
    this.httpPort = httpPort;
    this.proc = proc;
  }

  static async start(dir: TempDir, spec: LeafNodeSpec): Promise<NatsServerNode> {
    const port = spec.port || freePort();
    const httpPort = freePort();
    const file = dir.write(
      `${spec.name}.conf`,
      leafConf({ ...spec, port, extra: [...(spec.extra ?? []), `http: "127.0.0.1:${httpPort}"`] }),
    );
    const proc = await ServerProcess.start({ kind: "nats-server", path: NATS_SERVER_BIN }, [
      "-c",
      file,
    ]);
    return new NatsServerNode(spec.name, port, httpPort, proc);
  }

  async leafCount(): Promise<number> {
    try {
      const r = await fetch(`http://127.0.0.1:${this.httpPort}/leafz`);
      return (await r.json()).leafnodes as number;
    } catch {
      return 0;
    }
  }
  lines(): string[] {
    return this.proc.lines().map((l) => l.replace(PREFIX, ""));
  }
  async stop(): Promise<void> {
    await this.proc[Symbol.asyncDispose]();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** Which server a node runs. */
export type NodeKind = LeafTestNode["kind"];

/** Starts a node of `kind` (`debug`: denats logs debug lines; nats-server ignores it). */
export function startNode(
  kind: NodeKind,
  dir: TempDir,
  spec: LeafNodeSpec,
  debug = false,
): Promise<LeafTestNode> {
  return kind === "denats" ? DenatsNode.start(dir, spec, debug) : NatsServerNode.start(dir, spec);
}

/** Waits until `node` has `n` registered leafnode connections. */
export async function waitLeafs(node: LeafTestNode, n = 1, timeoutMs = 8000): Promise<void> {
  await waitFor(async () => (await node.leafCount()) === n, timeoutMs, `${node.name} leafs=${n}`);
}

/** A client of `node`, closed on dispose. */
export async function client(
  node: LeafTestNode,
  opts: Record<string, unknown> = {},
): Promise<NatsConnection & AsyncDisposable> {
  const nc = await connect({ port: node.clientPort, ...opts });
  return Object.assign(nc, { [Symbol.asyncDispose]: () => nc.close() });
}

/**
 * Waits until a publish on `pub` for `subject` reaches `sub` (interest crossed the link):
 * publishes probes until one arrives.
 */
export async function waitInterest(
  pub: NatsConnection,
  sub: NatsConnection,
  subject: string,
  timeoutMs = 5000,
): Promise<void> {
  const probe = `${subject}.probe.${Math.random().toString(36).slice(2)}`;
  let got = false;
  const s = sub.subscribe(probe, {
    callback: () => {
      got = true;
    },
  });
  await sub.flush();
  try {
    await waitFor(
      async () => {
        pub.publish(probe);
        await pub.flush();
        return got;
      },
      timeoutMs,
      `interest in ${probe}`,
    );
  } finally {
    s.unsubscribe();
  }
}

/**
 * Messages both ways across the link between `hub` and `leaf` once interest crossed: `up`
 * published on `<prefix>.up` by a leaf client, `down` on `<prefix>.down` by a hub client.
 * Returns the two payloads received (order of arrival).
 */
export async function exchange(
  hub: LeafTestNode,
  leaf: LeafTestNode,
  prefix: string,
  up: string,
  down: string,
  what: string,
): Promise<string[]> {
  await using nh = await client(hub);
  await using nl = await client(leaf);
  const got: string[] = [];
  nh.subscribe(`${prefix}.up`, { callback: (_e, m) => void got.push(m.string()) });
  nl.subscribe(`${prefix}.down`, { callback: (_e, m) => void got.push(m.string()) });
  await nh.flush();
  await nl.flush();
  await waitInterest(nl, nh, prefix);
  await waitInterest(nh, nl, prefix);
  nl.publish(`${prefix}.up`, up);
  nh.publish(`${prefix}.down`, down);
  await waitFor(() => got.length === 2, 3000, what);
  return got;
}

/** Deliveries to the two members of {@link queueAcrossLink}'s queue group. */
export interface QueueCounts {
  near: number;
  far: number;
}

/**
 * A queue group `q` on `work` with a member on the publisher's side of the link (`near`, which
 * also publishes) and one across it (`far`): publishes `count` messages and returns what each
 * member got (`first`); then the near member leaves and `near` publishes until the far member
 * gets one (`failOver` names that wait), and returns the counts again (`last`).
 */
export async function queueAcrossLink(
  near: NatsConnection,
  far: NatsConnection,
  count: number,
  failOver: string,
): Promise<{ first: QueueCounts; last: QueueCounts }> {
  const counts: QueueCounts = { near: 0, far: 0 };
  far.subscribe("work", { queue: "q", callback: () => void counts.far++ });
  const local = near.subscribe("work", { queue: "q", callback: () => void counts.near++ });
  await far.flush();
  await near.flush();
  await waitInterest(near, far, "work");
  for (let i = 0; i < count; i++) near.publish("work");
  await near.flush();
  await waitFor(() => counts.near + counts.far >= count, 3000, `${count} queue messages`);
  const first = { ...counts };
  local.unsubscribe();
  await near.flush();
  // No local member left: the far member gets them across the link.
  await waitFor(
    async () => {
      near.publish("work");
      await near.flush();
      return counts.far > 0;
    },
    5000,
    failOver,
  );
  return { first, last: counts };
}
