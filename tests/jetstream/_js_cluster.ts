/**
 * @module
 * A clustered JetStream of three real `bin/denats` processes for the tests (`server_name`
 * n1..n3, cluster C1 over fixed route ports, each with its own store dir and server tag; one
 * client per server that stays on it) and the small API helpers those tests share.
 * `JS_CLUSTER_BIN=/usr/sbin/nats-server` runs the same tests on the reference.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  jetstream,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
  type PubAck,
} from "@nats-io/jetstream";
import { type SpawnedServer, spawnFromConf } from "../helpers/spawn_server.ts";
import { waitFor } from "../helpers/poll.ts";
import { freePort } from "../cluster/_cluster.ts";

/** The server binary (`JS_CLUSTER_BIN=nats-server` runs the same checks on the reference). */
export const BIN = Deno.env.get("JS_CLUSTER_BIN") ??
  new URL("../../bin/denats", import.meta.url).pathname;
export const NAMES = ["n1", "n2", "n3"];
/** Each server's tag (`server_tags`), for the placement case. */
export const TAG: Record<string, string> = { n1: "az:a", n2: "az:b", n3: "az:c" };
/** A system account with user `sys` and a JetStream account `APP` (user `app`, the default). */
export const SYS_APP_ACCOUNTS = `
accounts {
  SYS { users: [{ user: sys, password: sys }] }
  APP { jetstream: enabled, users: [{ user: app, password: app }] }
}
system_account: SYS
no_auth_user: app
`;
/** Deadline of anything that may wait for an election. */
export const FAILOVER_MS = 30_000;
export const API_TIMEOUT_MS = 10_000;

// deno-lint-ignore no-explicit-any
export type Json = Record<string, any>;

/** nats-server getHash: sha256 of the name, its first 8 bytes as base-62 digits. */
export async function goHash(name: string): Promise<string> {
  const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const sum = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(name)),
  );
  return [...sum.slice(0, 8)].map((b) => digits[b % 62]).join("");
}

/** One cluster member: fixed route port and store dir, so it can be killed and restarted. */
export class Node {
  srv: SpawnedServer | null = null;
  constructor(
    readonly name: string,
    readonly clusterPort: number,
    readonly storeDir: string,
    readonly routes: number[],
    /** More configuration for every server (accounts, a system account). */
    readonly extra = "",
  ) {}

  conf(): string {
    return [
      `server_name: ${this.name}`,
      `server_tags: [${JSON.stringify(TAG[this.name])}]`,
      `jetstream { store_dir: ${JSON.stringify(this.storeDir)} }`,
      "cluster {",
      "  name: C1",
      `  listen: "127.0.0.1:${this.clusterPort}"`,
      `  routes: [${this.routes.map((p) => JSON.stringify(`nats://127.0.0.1:${p}`)).join(", ")}]`,
      "}",
      this.extra,
      "",
    ].join("\n");
  }

  async start(): Promise<void> {
    this.srv = await spawnFromConf(BIN, this.conf(), {
      monitor: true,
      timeoutMs: 30_000,
      tempPrefix: `denats_jsc_${this.name}_`,
    });
  }

  get up(): SpawnedServer {
    assert.ok(this.srv, `${this.name} is running`);
    return this.srv;
  }

  logs(): string {
    return this.srv?.logs() ?? "";
  }

  async jsz(query = ""): Promise<Json> {
    const res = await fetch(`${this.up.monitorUrl}/jsz${query}`);
    assert.equal(res.status, 200);
    return await res.json();
  }

  /** The local copy of `stream` as this server's `/jsz` reports it (undefined: none here). */
  async localStream(stream: string): Promise<Json | undefined> {
    const jsz = await this.jsz("?streams=true");
    const details = (jsz.account_details ?? []) as Json[];
    return details.flatMap((a) => (a.stream_detail ?? []) as Json[]).find((s) => s.name === stream);
  }

  /** Stops the server (SIGKILL by default; SIGTERM for a clean shutdown). */
  async kill(signal: Deno.Signal = "SIGKILL"): Promise<void> {
    await this.srv?.close(signal);
    this.srv = null;
  }
}

/** One client per server that stays on it (no cluster URL updates; re-made once closed). */
export class PinnedClients {
  readonly #clients = new Map<string, NatsConnection>();

  async get(name: string, port: number): Promise<NatsConnection> {
    let nc = this.#clients.get(name);
    if (nc === undefined || nc.isClosed()) {
      nc = await connect({
        port,
        name: `client-${name}`,
        ignoreClusterUpdates: true,
        maxReconnectAttempts: 0,
      });
      this.#clients.set(name, nc);
    }
    return nc;
  }

  async drop(name: string): Promise<void> {
    await this.#clients.get(name)?.close().catch(() => {});
    this.#clients.delete(name);
  }

  async closeAll(): Promise<void> {
    for (const name of [...this.#clients.keys()]) await this.drop(name);
  }
}

/** The three servers, one client per server (re-made after a restart). */
export class Cluster implements AsyncDisposable {
  readonly nodes: Node[];
  readonly #clients = new PinnedClients();
  private constructor(readonly root: string, nodes: Node[]) {
    this.nodes = nodes;
  }

  static async start(extra = ""): Promise<Cluster> {
    const root = await Deno.makeTempDir({ prefix: "denats_jscluster_" });
    const ports = NAMES.map(() => freePort());
    const nodes = NAMES.map((n, i) =>
      new Node(n, ports[i], `${root}/${n}`, ports.filter((_, j) => j !== i), extra)
    );
    const c = new Cluster(root, nodes);
    try {
      await Promise.all(nodes.map((n) => n.start()));
    } catch (err) {
      await c[Symbol.asyncDispose]();
      throw err;
    }
    return c;
  }

  node(name: string): Node {
    const n = this.nodes.find((n) => n.name === name);
    assert.ok(n, `node ${name}`);
    return n;
  }

  /** A client that stays on `name` (no cluster URL updates). */
  client(name: string): Promise<NatsConnection> {
    return this.#clients.get(name, this.node(name).up.port);
  }

  async jsm(name: string): Promise<JetStreamManager> {
    // No account-info check on creation: that needs the meta leader, which may be electing.
    return await jetstreamManager(await this.client(name), {
      timeout: API_TIMEOUT_MS,
      checkAPI: false,
    });
  }

  async js(name: string): Promise<JetStreamClient> {
    return jetstream(await this.client(name), { timeout: API_TIMEOUT_MS });
  }

  dropClient(name: string): Promise<void> {
    return this.#clients.drop(name);
  }

  /**
   * Polls `/jsz` until every running server names the same meta leader and counts 3 members
   * (bootstrapped from two routes, the expected size starts at 2); returns the leader.
   */
  async metaLeader(): Promise<{ leader: string; views: Map<string, Json> }> {
    return await waitFor(
      async () => {
        const running = this.nodes.filter((n) => n.srv !== null);
        const views = new Map<string, Json>();
        for (const n of running) {
          const meta = (await n.jsz().catch(() => ({}) as Json)).meta_cluster as Json | undefined;
          if (!meta?.leader) return null;
          views.set(n.name, meta);
        }
        const leaders = new Set([...views.values()].map((m) => m.leader as string));
        const sized = [...views.values()].every((m) => m.cluster_size === 3);
        return leaders.size === 1 && sized ? { leader: [...leaders][0], views } : null;
      },
      FAILOVER_MS,
      "one meta leader named by every server",
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#clients.closeAll();
    for (const n of this.nodes) await n.kill().catch(() => {});
    await Deno.remove(this.root, { recursive: true }).catch(() => {});
  }
}

/** A raw `$JS.API` request (with no body when `body` is undefined). */
export async function api(
  nc: NatsConnection,
  subject: string,
  body?: unknown,
  timeout = API_TIMEOUT_MS,
): Promise<Json> {
  const data = body === undefined ? "" : JSON.stringify(body);
  return (await nc.request(subject, data, { timeout })).json<Json>();
}

/**
 * Stream info answered by a leader within 2 s (null while there is none: timeout or no
 * responders, or an error answer); poll it (`waitFor`) where one answer is needed.
 */
export async function streamInfo(nc: NatsConnection, stream: string): Promise<Json | null> {
  try {
    const info = await api(nc, `$JS.API.STREAM.INFO.${stream}`, undefined, 2000);
    return info.error ? null : info;
  } catch {
    return null;
  }
}

/** Publishes until a PubAck comes (the msg id makes a retry of a stored message a duplicate). */
export async function publishRetrying(
  js: JetStreamClient,
  subject: string,
  data: string,
  msgID: string,
): Promise<PubAck> {
  let last: unknown = null;
  try {
    return await waitFor(
      async () => {
        try {
          return await js.publish(subject, data, { msgID, retries: 3, timeout: 2000 });
        } catch (err) {
          last = err;
          return null;
        }
      },
      FAILOVER_MS,
      `PubAck for ${msgID}`,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last error: ${last}`);
  }
}

/** The sorted names of a ClusterInfo's replicas (the members other than the leader). */
export function replicaNames(cluster: Json): string[] {
  return ((cluster.replicas ?? []) as Json[]).map((r) => r.name as string).sort();
}
