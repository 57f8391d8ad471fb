/**
 * @module
 * Cluster test helpers: cluster nodes of three kinds behind one interface — denats in this
 * process (`startServer` with a `cluster` option), `bin/denats -c <conf>` processes and the
 * reference `nats-server` processes — with their route data (`/routez` or its collector), full
 * mesh polling with deadlines, config files in `.conf` and YAML, and free ports. Every node is
 * disposable; processes are killed on dispose. Runs in the test isolate.
 */
import { startServer } from "../../mod.ts";
import type { ServerHandle, StartOptions } from "../../server/start.ts";
import { routez } from "../../server/monitor/links.ts";
import {
  DENATS_BIN,
  haveNatsServer,
  NATS_SERVER_BIN,
  ServerProcess,
  TempDir,
} from "../process/_proc.ts";
import { waitFor } from "../helpers/poll.ts";
import { freePort } from "../helpers/free_port.ts";

export { freePort, TempDir, waitFor };

/** What every node kind offers the tests. */
export interface ClusterNode {
  readonly kind: "denats" | "denats-process" | "nats-server";
  readonly name: string;
  readonly clientPort: number;
  readonly clusterPort: number;
  /** `nats://127.0.0.1:<client port>`. */
  readonly url: string;
  serverId(): Promise<string>;
  /** `remote_id` of each route (the `/routez` data). */
  routeIds(): Promise<string[]>;
  /** Stops the node (SIGKILL for processes, shutdown for in-process servers). */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** True when the reference nats-server is installed; warns visibly once when it is not. */
export function haveReference(): boolean {
  return haveNatsServer("mixed-cluster tests skipped");
}

/** One node's settings, written as `.conf` or YAML. */
export interface NodeConfig {
  name: string;
  port: number;
  clusterPort: number;
  /** Monitoring port (process nodes need it for `/routez`). */
  httpPort?: number;
  clusterName?: string;
  /** Route URLs to solicit. */
  routes?: string[];
  /** `cluster.authorization` credentials. */
  user?: string;
  password?: string;
  /** `cluster.authorization.timeout` in seconds. */
  authTimeout?: number;
  /** More `cluster {}` fields (JSON values), e.g. `no_advertise`, `cluster_advertise`. */
  clusterExtra?: Record<string, unknown>;
}

/** nats-server `.conf` text of a node (also read by denats). */
export function confText(c: NodeConfig): string {
  const lines = [
    `server_name: ${JSON.stringify(c.name)}`,
    `listen: "127.0.0.1:${c.port}"`,
  ];
  if (c.httpPort) lines.push(`http: "127.0.0.1:${c.httpPort}"`);
  lines.push("cluster {");
  if (c.clusterName) lines.push(`  name: ${JSON.stringify(c.clusterName)}`);
  lines.push(`  listen: "127.0.0.1:${c.clusterPort}"`);
  for (const [k, v] of Object.entries(c.clusterExtra ?? {})) {
    lines.push(`  ${k}: ${JSON.stringify(v)}`);
  }
  if (c.user) {
    const timeout = c.authTimeout ? `, timeout: ${c.authTimeout}` : "";
    lines.push(
      `  authorization { user: ${JSON.stringify(c.user)}, password: ${
        JSON.stringify(c.password ?? "")
      }${timeout} }`,
    );
  }
  if (c.routes?.length) {
    lines.push("  routes: [");
    for (const r of c.routes) lines.push(`    ${JSON.stringify(r)}`);
    lines.push("  ]");
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** The same node as YAML (denats reads both syntaxes into one tree). */
export function yamlText(c: NodeConfig): string {
  const lines = [
    `server_name: ${JSON.stringify(c.name)}`,
    `listen: "127.0.0.1:${c.port}"`,
  ];
  if (c.httpPort) lines.push(`http: "127.0.0.1:${c.httpPort}"`);
  lines.push("cluster:");
  if (c.clusterName) lines.push(`  name: ${JSON.stringify(c.clusterName)}`);
  lines.push(`  listen: "127.0.0.1:${c.clusterPort}"`);
  for (const [k, v] of Object.entries(c.clusterExtra ?? {})) {
    lines.push(`  ${k}: ${JSON.stringify(v)}`);
  }
  if (c.user) {
    lines.push("  authorization:");
    lines.push(`    user: ${JSON.stringify(c.user)}`);
    lines.push(`    password: ${JSON.stringify(c.password ?? "")}`);
    if (c.authTimeout) lines.push(`    timeout: ${c.authTimeout}`);
  }
  if (c.routes?.length) {
    lines.push("  routes:");
    for (const r of c.routes) lines.push(`    - ${JSON.stringify(r)}`);
  }
  return lines.join("\n") + "\n";
}

/** denats in this process. */
export class InProcessNode implements ClusterNode {
  readonly kind = "denats" as const;
  readonly name: string;
  readonly handle: ServerHandle;
  #stopped = false;

  private constructor(name: string, handle: ServerHandle) {
    this.name = name;
    this.handle = handle;
  }

  /** Starts denats with `opts` (a `cluster` section, ports...) and a silent logger. */
  static async start(name: string, opts: StartOptions): Promise<InProcessNode> {
    const handle = await startServer({
      host: "127.0.0.1",
      port: -1,
      quiet: true,
      serverName: name,
      ...opts,
    });
    return new InProcessNode(name, handle);
  }

  get clientPort(): number {
    return this.handle.port;
  }
  get clusterPort(): number {
    return this.handle.server.cluster?.port ?? 0;
  }
  get url(): string {
    return `nats://127.0.0.1:${this.clientPort}`;
  }
  serverId(): Promise<string> {
    return Promise.resolve(this.handle.serverId);
  }
  routeIds(): Promise<string[]> {
    return Promise.resolve(routez(this.handle.server).routes.map((r) => r.remote_id));
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

/** A server process (`bin/denats` or `nats-server`) run from a config file, with monitoring. */
export class ProcessNode implements ClusterNode {
  readonly kind: "denats-process" | "nats-server";
  readonly name: string;
  readonly clientPort: number;
  readonly clusterPort: number;
  readonly httpPort: number;
  readonly proc: ServerProcess;
  #id = "";

  private constructor(kind: ProcessNode["kind"], c: NodeConfig, proc: ServerProcess) {
    this.kind = kind;
    this.name = c.name;
    this.clientPort = c.port;
    this.clusterPort = c.clusterPort;
    this.httpPort = c.httpPort!;
    this.proc = proc;
  }

  /** Writes `c` to `dir` (`.conf`, or `.yaml` for denats when asked) and starts the binary. */
  static async start(
    kind: ProcessNode["kind"],
    dir: TempDir,
    c: NodeConfig,
    syntax: "conf" | "yaml" = "conf",
  ): Promise<ProcessNode> {
    const cfg = { ...c, httpPort: c.httpPort ?? freePort() };
    const file = dir.write(
      `${c.name}.${syntax}`,
      syntax === "conf" ? confText(cfg) : yamlText(cfg),
    );
    const binary = kind === "nats-server"
      ? { kind: "nats-server" as const, path: NATS_SERVER_BIN }
      : { kind: "denats" as const, path: DENATS_BIN };
    const proc = await ServerProcess.start(binary, ["-c", file]);
    // nats-server opens the route listener just after `Server is ready`.
    try {
      await proc.waitForLine(/Listening for route connections on /, 5000);
    } catch (e) {
      await proc[Symbol.asyncDispose]();
      throw e;
    }
    return new ProcessNode(kind, cfg, proc);
  }

  get url(): string {
    return `nats://127.0.0.1:${this.clientPort}`;
  }

  async #get(path: string): Promise<Record<string, unknown>> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}/${path}`);
    return await res.json();
  }

  async serverId(): Promise<string> {
    if (!this.#id) this.#id = (await this.#get("varz")).server_id as string;
    return this.#id;
  }

  async routeIds(): Promise<string[]> {
    const rz = await this.#get("routez");
    return (rz.routes as { remote_id: string }[]).map((r) => r.remote_id);
  }

  /** SIGKILL: the peers see the socket die, no goodbye. */
  async stop(): Promise<void> {
    await this.proc[Symbol.asyncDispose]();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * Waits until every node has a route to every other node and to nothing else (full mesh), as
 * `/routez` reports it.
 */
export async function waitForMesh(
  nodes: readonly ClusterNode[],
  timeoutMs = 15_000,
): Promise<void> {
  const ids = await Promise.all(nodes.map((n) => n.serverId()));
  let last = "";
  try {
    await waitFor(
      async () => {
        const views = await Promise.all(nodes.map((n) => n.routeIds().catch(() => [] as string[])));
        last = views.map((v, i) => `${nodes[i].name}:${v.length}`).join(" ");
        return views.every((v, i) => {
          const want = ids.filter((_, j) => j !== i).sort();
          const have = [...v].sort();
          return have.length === want.length && have.every((id, k) => id === want[k]);
        });
      },
      timeoutMs,
      "full mesh",
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}: ${last}`);
  }
}

/** Disposes everything given, in reverse, ignoring failures (test cleanup). */
export async function disposeAll(items: (AsyncDisposable | null | undefined)[]): Promise<void> {
  for (const item of [...items].reverse()) {
    try {
      await item?.[Symbol.asyncDispose]();
    } catch {
      // best effort
    }
  }
}
