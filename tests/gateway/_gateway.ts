/**
 * @module
 * Gateway test helpers: super-clusters written as nats-server `.conf` files (each server with
 * its `cluster {}` routes and its `gateway { gateways: [...] }` list), started as denats in this
 * process (`startServer({ configFile })`) or as reference `nats-server` processes, with their
 * `/gatewayz` data and polling until every server has its outbound gateways.
 * Runs in the test isolate.
 */
import { startServer } from "../../mod.ts";
import type { ServerHandle } from "../../server/start.ts";
import { gatewayz } from "../../server/monitor/links.ts";
import type { Gatewayz as GatewayzData } from "../../server/monitor/links.ts";
import type { RemoteGatewayz } from "../../server/monitor/types.ts";
import { freePort, TempDir } from "../cluster/_cluster.ts";
import { type Binary, DENATS_BIN, NATS_SERVER_BIN, ServerProcess } from "../process/_proc.ts";
import { waitFor } from "../helpers/poll.ts";

export { freePort, TempDir, waitFor };

/** `/gatewayz` as the tests read it (without `gw_name`, `outbound_gateways` is never null). */
export type Gatewayz = Omit<GatewayzData, "outbound_gateways"> & {
  outbound_gateways: Record<string, RemoteGatewayz>;
};

/** One server of a super-cluster. */
export interface GatewayNodeConfig {
  name: string;
  /** Its cluster (= gateway) name. */
  cluster: string;
  port: number;
  clusterPort: number;
  gatewayPort: number;
  httpPort: number;
}

/** Extra settings of a node's `gateway {}` block. */
export interface GatewayExtra {
  /** `authorization { user, password }` of the gateway listener. */
  user?: string;
  password?: string;
  /** Credentials put in the URLs this node dials. */
  dialUser?: string;
  dialPassword?: string;
  rejectUnknown?: boolean;
  /** `tls {}` of the gateway block (file paths and options). */
  tls?: Record<string, string | number | boolean>;
  /** Top-level `.conf` text added to the node's file (accounts, system_account, ...). */
  top?: string;
  /** A `tls {}` block per remote cluster listed in `gateways` (`.conf` only). */
  remoteTls?: Record<string, Record<string, string | number | boolean>>;
  /** The clusters listed in `gateways` (default: every other cluster). */
  only?: readonly string[];
}

/** The other clusters `node` lists in its `gateways`, with their servers' gateway URLs. */
function remoteClusters(
  node: GatewayNodeConfig,
  all: readonly GatewayNodeConfig[],
  extra: GatewayExtra,
): [string, string[]][] {
  const cred = extra.dialUser ? `${extra.dialUser}:${extra.dialPassword ?? ""}@` : "";
  const others = [...new Set(all.map((n) => n.cluster))].filter((c) =>
    c !== node.cluster && (extra.only === undefined || extra.only.includes(c))
  );
  return others.map((c) => [
    c,
    all.filter((n) => n.cluster === c).map((n) => `nats://${cred}127.0.0.1:${n.gatewayPort}`),
  ]);
}

/** {@link gatewayConf} in YAML (block style), for the same super-cluster. */
export function gatewayYaml(
  node: GatewayNodeConfig,
  all: readonly GatewayNodeConfig[],
  extra: GatewayExtra = {},
): string {
  const q = JSON.stringify;
  const peers = all.filter((n) => n.cluster === node.cluster && n !== node);
  const lines = [
    `server_name: ${q(node.name)}`,
    `listen: "127.0.0.1:${node.port}"`,
    `http: "127.0.0.1:${node.httpPort}"`,
    "cluster:",
    `  name: ${q(node.cluster)}`,
    `  listen: "127.0.0.1:${node.clusterPort}"`,
    "  routes:",
    ...peers.map((p) => `    - "nats://127.0.0.1:${p.clusterPort}"`),
    "gateway:",
    `  name: ${q(node.cluster)}`,
    `  listen: "127.0.0.1:${node.gatewayPort}"`,
  ];
  if (extra.user) {
    lines.push("  authorization:", `    user: ${q(extra.user)}`);
    lines.push(`    password: ${q(extra.password ?? "")}`);
  }
  const remotes = remoteClusters(node, all, extra);
  lines.push(remotes.length === 0 ? "  gateways: []" : "  gateways:");
  for (const [name, urls] of remotes) {
    lines.push(`    - name: ${q(name)}`, "      urls:", ...urls.map((u) => `        - ${q(u)}`));
  }
  return lines.join("\n") + "\n";
}

/** Ports for a node. */
export function nodeConfig(name: string, cluster: string): GatewayNodeConfig {
  return {
    name,
    cluster,
    port: freePort(),
    clusterPort: freePort(),
    gatewayPort: freePort(),
    httpPort: freePort(),
  };
}

/** Two clusters of two servers: a1 and a2 in A, b1 and b2 in B. */
export function twoClusters(): GatewayNodeConfig[] {
  return [
    nodeConfig("a1", "A"),
    nodeConfig("a2", "A"),
    nodeConfig("b1", "B"),
    nodeConfig("b2", "B"),
  ];
}

/**
 * The `.conf` of `node`: routes to the other servers of its cluster, and one gateway entry per
 * other cluster with the URLs of all its servers.
 */
export function gatewayConf(
  node: GatewayNodeConfig,
  all: readonly GatewayNodeConfig[],
  extra: GatewayExtra = {},
): string {
  const peers = all.filter((n) => n.cluster === node.cluster && n !== node);
  const lines = [
    `server_name: ${JSON.stringify(node.name)}`,
    `listen: "127.0.0.1:${node.port}"`,
    `http: "127.0.0.1:${node.httpPort}"`,
    ...(extra.top ? [extra.top] : []),
    "cluster {",
    `  name: ${JSON.stringify(node.cluster)}`,
    `  listen: "127.0.0.1:${node.clusterPort}"`,
    `  routes: [${peers.map((p) => `"nats://127.0.0.1:${p.clusterPort}"`).join(", ")}]`,
    "}",
    "gateway {",
    `  name: ${JSON.stringify(node.cluster)}`,
    `  listen: "127.0.0.1:${node.gatewayPort}"`,
  ];
  if (extra.user) {
    lines.push(
      `  authorization { user: ${JSON.stringify(extra.user)}, password: ${
        JSON.stringify(extra.password ?? "")
      } }`,
    );
  }
  if (extra.rejectUnknown) lines.push("  reject_unknown_cluster: true");
  if (extra.tls) {
    const fields = Object.entries(extra.tls).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
    lines.push(`  tls { ${fields.join(", ")} }`);
  }
  lines.push("  gateways: [");
  for (const [name, urls] of remoteClusters(node, all, extra)) {
    const tls = extra.remoteTls?.[name];
    const tlsText = tls
      ? `, tls { ${Object.entries(tls).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ")} }`
      : "";
    lines.push(
      `    { name: ${JSON.stringify(name)}, urls: [${
        urls.map((u) => JSON.stringify(u)).join(", ")
      }]${tlsText} }`,
    );
  }
  lines.push("  ]", "}");
  return lines.join("\n") + "\n";
}

/** What every node kind offers. */
export interface GatewayNode extends AsyncDisposable {
  readonly config: GatewayNodeConfig;
  readonly url: string;
  gatewayz(query?: string): Promise<Gatewayz>;
}

/** denats in this process, from its `.conf`. */
export class DenatsNode implements GatewayNode {
  readonly config: GatewayNodeConfig;
  readonly handle: ServerHandle;

  private constructor(config: GatewayNodeConfig, handle: ServerHandle) {
    this.config = config;
    this.handle = handle;
  }

  /** Starts from `conf` (`.conf` text, or YAML with `ext` "yaml"). */
  static async start(
    dir: TempDir,
    c: GatewayNodeConfig,
    conf: string,
    ext: "conf" | "yaml" = "conf",
    shards = 1,
  ): Promise<DenatsNode> {
    const file = dir.write(`${c.name}.${ext}`, conf);
    const handle = await startServer({ config: file, quiet: true, shards });
    return new DenatsNode(c, handle);
  }

  get url(): string {
    return `nats://127.0.0.1:${this.config.port}`;
  }

  async gatewayz(query = ""): Promise<Gatewayz> {
    if (this.handle.sharded) {
      // The main isolate combines the link worker's data: read it over HTTP.
      const res = await fetch(`http://127.0.0.1:${this.config.httpPort}/gatewayz?${query}`);
      return await res.json();
    }
    const q = new URLSearchParams(query);
    return JSON.parse(JSON.stringify(gatewayz(this.handle.server, {
      name: q.get("gw_name") ?? undefined,
      accounts: q.get("accs") === "1" || q.get("accs") === "true",
      accountName: q.get("acc_name") ?? undefined,
    })));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.handle.close();
  }
}

/**
 * A server process from its `.conf`: the reference nats-server, or `bin/denats` (see
 * {@link ProcessNode.denats}); it can be killed and started again on the same file.
 */
export class ProcessNode implements GatewayNode {
  readonly config: GatewayNodeConfig;
  readonly binary: Binary;
  readonly file: string;
  #proc: ServerProcess;

  private constructor(
    config: GatewayNodeConfig,
    binary: Binary,
    file: string,
    proc: ServerProcess,
  ) {
    this.config = config;
    this.binary = binary;
    this.file = file;
    this.#proc = proc;
  }

  /** The reference nats-server. */
  static start(dir: TempDir, c: GatewayNodeConfig, conf: string): Promise<ProcessNode> {
    return ProcessNode.#start(dir, c, conf, { kind: "nats-server", path: NATS_SERVER_BIN });
  }

  /** `bin/denats` as a child process. */
  static denats(dir: TempDir, c: GatewayNodeConfig, conf: string): Promise<ProcessNode> {
    return ProcessNode.#start(dir, c, conf, { kind: "denats", path: DENATS_BIN });
  }

  static async #start(
    dir: TempDir,
    c: GatewayNodeConfig,
    conf: string,
    binary: Binary,
  ): Promise<ProcessNode> {
    const file = dir.write(`${c.name}.conf`, conf);
    const proc = await ServerProcess.start(binary, ["-c", file]);
    return new ProcessNode(c, binary, file, proc);
  }

  get proc(): ServerProcess {
    return this.#proc;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.config.port}`;
  }

  /** SIGKILL, and waits for the exit. */
  async kill(): Promise<void> {
    this.#proc.signal("SIGKILL");
    await this.#proc.waitExit(10_000);
  }

  /** Starts the process again on the same file (same ports). */
  async restart(): Promise<void> {
    this.#proc = await ServerProcess.start(this.binary, ["-c", this.file]);
  }

  async gatewayz(query = ""): Promise<Gatewayz> {
    const res = await fetch(`http://127.0.0.1:${this.config.httpPort}/gatewayz?${query}`);
    return await res.json();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#proc[Symbol.asyncDispose]();
  }
}

/** The reference nats-server from its `.conf` (a {@link ProcessNode}). */
export const NatsServerNode = ProcessNode;

/**
 * Starts every node of `configs` in order, each as `kindOf` says, with its `.conf` from
 * {@link gatewayConf} (`extra` per node), appending each to `nodes` once started so that the
 * caller disposes of what did start.
 */
export async function startGatewayNodes(
  dir: TempDir,
  configs: readonly GatewayNodeConfig[],
  kindOf: (c: GatewayNodeConfig) => "denats" | "nats-server",
  nodes: GatewayNode[],
  extra: (c: GatewayNodeConfig) => GatewayExtra = () => ({}),
): Promise<void> {
  for (const c of configs) {
    const conf = gatewayConf(c, configs, extra(c));
    nodes.push(
      kindOf(c) === "denats"
        ? await DenatsNode.start(dir, c, conf)
        : await NatsServerNode.start(dir, c, conf),
    );
  }
}

/** Waits until each node has an outbound gateway to every other cluster. */
export async function waitForGateways(
  nodes: readonly GatewayNode[],
  timeoutMs = 15_000,
): Promise<void> {
  const clusters = [...new Set(nodes.map((n) => n.config.cluster))];
  await waitFor(
    async () => {
      for (const n of nodes) {
        const gz = await n.gatewayz().catch(() => null);
        if (gz === null) return false;
        const want = clusters.filter((c) => c !== n.config.cluster);
        if (!want.every((c) => gz.outbound_gateways?.[c] !== undefined)) return false;
      }
      return true;
    },
    timeoutMs,
    "outbound gateways",
  );
}

/**
 * A fake remote gateway listening on a port: accepts the connection a denats outbound gateway
 * dials and speaks raw protocol on it (`expect`, `send`).
 */
export class FakeGatewayPeer implements AsyncDisposable {
  readonly #listener: Deno.TcpListener;
  #conn: Deno.TcpConn | null = null;
  #text = "";
  #reading: Promise<void> | null = null;

  constructor() {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  }

  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  /** Waits for the dialed connection. */
  async accept(): Promise<void> {
    this.#conn = await this.#listener.accept();
    const conn = this.#conn;
    this.#reading = (async () => {
      const buf = new Uint8Array(65536);
      const dec = new TextDecoder();
      try {
        while (true) {
          const n = await conn.read(buf);
          if (n === null) break;
          this.#text += dec.decode(buf.subarray(0, n));
        }
      } catch {
        // closed
      }
    })();
  }

  async send(text: string): Promise<void> {
    await this.#conn!.write(new TextEncoder().encode(text));
  }

  /** Waits until `re` matches the unread text; consumes through the match. */
  async expect(re: RegExp, timeoutMs = 3000): Promise<RegExpExecArray> {
    let m: RegExpExecArray | null = null;
    await waitFor(() => (m = re.exec(this.#text)) !== null, timeoutMs, String(re)).catch((e) => {
      throw new Error(`${e.message}; unread: ${JSON.stringify(this.#text.slice(0, 300))}`);
    });
    const found = m as unknown as RegExpExecArray;
    this.#text = this.#text.slice(found.index + found[0].length);
    return found;
  }

  /** The unread text, emptied. */
  take(): string {
    const t = this.#text;
    this.#text = "";
    return t;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#conn?.close();
    } catch { /* closed */ }
    this.#listener.close();
    await this.#reading;
  }
}
