/**
 * @module
 * Topology test helpers: servers that combine every link kind in one `.conf` (a `cluster {}`
 * with routes, a `gateway {}` with the other clusters' URLs, a `leafnodes {}` listener and
 * remotes), started as denats in this process, as `bin/denats` processes (which can be
 * SIGKILLed) or as the reference nats-server; their monitoring data over HTTP, and polling until
 * routes, gateways and leaf links are up. Every node is disposable. Runs in the test isolate.
 */
import { startServer } from "../../mod.ts";
import type { ServerHandle } from "../../server/start.ts";
import { freePort, TempDir } from "../cluster/_cluster.ts";
import { DENATS_BIN, NATS_SERVER_BIN, ServerProcess } from "../process/_proc.ts";
import { waitFor } from "../helpers/poll.ts";

export { freePort, TempDir, waitFor };

/** How a node runs. */
export type NodeKind = "denats" | "denats-process" | "nats-server";

/** One server of the topology; `0` ports are unused. */
export interface TopoSpec {
  name: string;
  port: number;
  httpPort: number;
  /** `cluster {}`: its name, listen port and the peers' cluster ports. */
  cluster?: { name: string; port: number; routes: number[] };
  /** `gateway {}`: its name, listen port and the other clusters' gateway ports. */
  gateway?: { name: string; port: number; remotes: [string, number[]][] };
  /** `leafnodes { listen }` port. */
  leafPort?: number;
  /** One remote with these hub leaf ports as its URLs, tried in order. */
  leafRemote?: number[];
  /** `websocket { listen, no_tls }` port (WebSocket clients and leafnodes). */
  wsPort?: number;
}

/** Ports for a node named `name`. */
export function spec(name: string): TopoSpec {
  return { name, port: freePort(), httpPort: freePort() };
}

/** The `.conf` text of `s` (read by denats and nats-server alike). */
export function topoConf(s: TopoSpec): string {
  const q = JSON.stringify;
  const url = (p: number, scheme = "nats") => q(`${scheme}://127.0.0.1:${p}`);
  const lines = [
    `server_name: ${q(s.name)}`,
    `listen: "127.0.0.1:${s.port}"`,
    `http: "127.0.0.1:${s.httpPort}"`,
  ];
  if (s.cluster) {
    lines.push(
      "cluster {",
      `  name: ${q(s.cluster.name)}`,
      `  listen: "127.0.0.1:${s.cluster.port}"`,
      `  routes: [${s.cluster.routes.map((p) => url(p)).join(", ")}]`,
      "}",
    );
  }
  if (s.gateway) {
    // A leafnode listener next to gateways needs a system account (leafnode.go validateLeafNode).
    lines.push(
      "accounts { SYS: {} }",
      "system_account: SYS",
      "gateway {",
      `  name: ${q(s.gateway.name)}`,
      `  listen: "127.0.0.1:${s.gateway.port}"`,
      "  gateways: [",
      ...s.gateway.remotes.map(([n, ports]) =>
        `    { name: ${q(n)}, urls: [${ports.map((p) => url(p)).join(", ")}] }`
      ),
      "  ]",
      "}",
    );
  }
  if (s.wsPort) lines.push(`websocket { listen: "127.0.0.1:${s.wsPort}", no_tls: true }`);
  if (s.leafPort || s.leafRemote) {
    lines.push("leafnodes {");
    if (s.leafPort) lines.push(`  listen: "127.0.0.1:${s.leafPort}"`);
    if (s.leafRemote) {
      lines.push("  reconnect: 1");
      const urls = s.leafRemote.map((p) => url(p, "nats-leaf")).join(", ");
      lines.push(`  remotes: [ { urls: [${urls}], dont_randomize: true } ]`);
    }
    lines.push("}");
  }
  return lines.join("\n") + "\n";
}

/** A running server of any kind. */
export class TopoNode implements AsyncDisposable {
  readonly spec: TopoSpec;
  readonly kind: NodeKind;
  readonly #handle: ServerHandle | null;
  readonly #proc: ServerProcess | null;
  #stopped = false;

  private constructor(
    s: TopoSpec,
    kind: NodeKind,
    handle: ServerHandle | null,
    proc: ServerProcess | null,
  ) {
    this.spec = s;
    this.kind = kind;
    this.#handle = handle;
    this.#proc = proc;
  }

  /** Writes `s`'s `.conf` in `dir` and starts it as `kind`. */
  static async start(dir: TempDir, s: TopoSpec, kind: NodeKind): Promise<TopoNode> {
    const file = dir.write(`${s.name}.conf`, topoConf(s));
    if (kind === "denats") {
      const handle = await startServer({ config: file, quiet: true });
      return new TopoNode(s, kind, handle, null);
    }
    const path = kind === "nats-server" ? NATS_SERVER_BIN : DENATS_BIN;
    const proc = await ServerProcess.start(
      { kind: kind === "nats-server" ? kind : "denats", path },
      [
        "-c",
        file,
      ],
    );
    return new TopoNode(s, kind, null, proc);
  }

  get name(): string {
    return this.spec.name;
  }

  get port(): number {
    return this.spec.port;
  }

  /** A monitoring endpoint's JSON (null while it does not answer). */
  async monitor(path: string): Promise<Record<string, unknown> | null> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.spec.httpPort}/${path}`);
      return await res.json();
    } catch {
      return null;
    }
  }

  /** SIGKILL (process nodes only), and waits for the exit. */
  async kill(): Promise<void> {
    if (!this.#proc) throw new Error(`${this.name} is not a process`);
    this.#stopped = true;
    this.#proc.signal("SIGKILL");
    await this.#proc.waitExit(10_000);
  }

  /** Log lines of a process node (empty for in-process nodes). */
  lines(): string[] {
    return this.#proc?.lines() ?? [];
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#stopped && this.#proc === null) return;
    this.#stopped = true;
    if (this.#handle) await this.#handle.close();
    if (this.#proc) await this.#proc[Symbol.asyncDispose]();
  }
}

/** The number of routes, outbound gateways and leaf links `node` has now. */
async function linkCounts(
  node: TopoNode,
): Promise<{ routes: number; gateways: string[]; leafs: number } | null> {
  const r = node.spec.cluster ? await node.monitor("routez") : { num_routes: 0 };
  const g = node.spec.gateway ? await node.monitor("gatewayz") : { outbound_gateways: {} };
  const l = await node.monitor("leafz");
  if (!r || !g || !l) return null;
  return {
    routes: Number(r.num_routes ?? 0),
    gateways: Object.keys((g.outbound_gateways ?? {}) as Record<string, unknown>),
    leafs: Number(l.leafnodes ?? 0),
  };
}

/** Expected links of one node: routes, outbound gateway names, leaf connections. */
export interface Want {
  routes?: number;
  gateways?: string[];
  leafs?: number;
}

/** Polls until every node in `want` has exactly its expected links. */
export async function waitLinks(
  want: [TopoNode, Want][],
  timeoutMs = 20_000,
): Promise<void> {
  let last = "";
  await waitFor(
    async () => {
      for (const [node, w] of want) {
        const c = await linkCounts(node);
        last = `${node.name}: ${JSON.stringify(c)} want ${JSON.stringify(w)}`;
        if (!c) return false;
        if (w.routes !== undefined && c.routes !== w.routes) return false;
        if (w.leafs !== undefined && c.leafs !== w.leafs) return false;
        if (w.gateways && !w.gateways.every((n) => c.gateways.includes(n))) return false;
      }
      return true;
    },
    timeoutMs,
    "links",
  ).catch((e) => {
    throw new Error(`${(e as Error).message}; last: ${last}`);
  });
}
