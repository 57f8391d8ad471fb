/**
 * @module
 * What every worker of a sharded server does the same way (shard, link and JetStream workers): it speaks
 * the control protocol of `server/ipc/control.ts` with the main isolate (spawn, rings, stats,
 * reload, shutdown), builds the engine (`server/server.ts` plus a `server/mesh/` node) and
 * leaves what differs by role to a {@link WorkerRoleHost}. Private to workers/.
 */
/// <reference lib="deno.worker" />
import { Logger } from "../server/log/logger.ts";
import { closeYielder, MeshNode } from "../server/mesh/mesh_node.ts";
import { prepareIoYield } from "../server/conn/io_yield.ts";
import { Server } from "../server/server.ts";
import { connData, workerCounters, workerSnapshot } from "../server/runtime/snapshot.ts";
import {
  ControlKind,
  type MainToWorker,
  type SpawnMessage,
  sumCounters,
  type WorkerToMain,
} from "../server/ipc/control.ts";
import { prepareAuth } from "../server/accounts/bcrypt.ts";
import type { ServerEvents } from "../server/server.ts";
import type { MeshHost } from "../server/mesh/mesh_node.ts";
import type { ServerOptions } from "../server/options.ts";
import { ShardGatewayReplies } from "../server/links/gateway/shard_replies.ts";

/** What differs between the worker roles: the server's events and the mesh's wiring. */
export interface WorkerRoleHost {
  /** Events of this role's server, given how to post to the main isolate. */
  events(post: (msg: WorkerToMain) => void, workerId: number): ServerEvents;
  /** The role's part of the mesh host (a link worker relays interest between links and mesh). */
  mesh(server: Server): Partial<Pick<MeshHost, "account" | "linkWorker" | "peerInterestChanged">>;
  /** Runs before the server is built (the JetStream worker loads the JetStream code). */
  prepare?(options: ServerOptions): Promise<void>;
  /** Runs once the server is built, before it starts (a shard adds JetStream's mappings). */
  setup?(server: Server): void;
}

let host!: WorkerRoleHost;

let server: Server | null = null;
let mesh: MeshNode | null = null;
let workerId = -1;
let stopped = false;
/** A client INFO tail that came before the server was up (a restarted shard). */
let pendingInfoTail: string | null = null;
/** Resolved by the first ring links: a shard accepts clients only once it is in the mesh. */
let linked!: () => void;
const meshLinked = new Promise<void>((resolve) => (linked = resolve));

function post(msg: WorkerToMain): void {
  self.postMessage(msg);
}

async function spawn(msg: SpawnMessage & { shardCount: number }): Promise<void> {
  workerId = msg.workerId;
  const o = msg.options;
  await prepareAuth(o);
  // Awaited before the Ready message: rings come only after it (see sharded.ts).
  await host.prepare?.(o);
  void prepareIoYield(); // not awaited: messages from the main isolate must find the node set up
  const logger = new Logger(
    (line) => post({ kind: ControlKind.Log, workerId, level: "notice", text: line }),
    { pid: Deno.pid, debug: o.debug, trace: o.trace, logtime: o.logtime, logtimeUTC: o.logtimeUTC },
  );
  const s = new Server(o, logger, {
    serverId: msg.serverId,
    startedAt: msg.startedAt,
    index: msg.workerId,
    count: msg.shardCount,
    role: msg.role,
    acceptAfter: msg.shardCount > 1 ? meshLinked : undefined,
    websocketPort: msg.websocketPort,
  }, host.events(post, workerId));
  const m = new MeshNode(msg.workerId, {
    account: (name) => s.account(name),
    fanOut: s.fanOut,
    markDirty: (f) => s.markDirty(f),
    localSubscriptions: () => s.localSubscriptions(),
    logError: (text) => logger.error(text),
    ...host.mesh(s),
  });
  s.attachMesh(m);
  host.setup?.(s);
  // Gateways run in the link worker; a shard hides and maps their routed replies. So does a
  // shard of a leaf without gateways (requests that crossed its hub's gateways).
  const gateways = Boolean(o.gatewayConfig?.port && o.gatewayConfig.name);
  const spoke = !gateways && (o.leafnodeConfig?.remotes.length ?? 0) > 0;
  if (msg.role === "shard" && (gateways || spoke)) {
    s.fanOut.gateways = new ShardGatewayReplies(s.fanOut, () => Date.now());
  }
  try {
    s.start();
  } catch (err) {
    post({ kind: ControlKind.Fatal, workerId, message: String((err as Error).message ?? err) });
    return;
  }
  server = s;
  mesh = m;
  if (pendingInfoTail !== null) s.setClientInfoTail(pendingInfoTail, false);
  pendingInfoTail = null;
  post({
    kind: ControlKind.Ready,
    workerId,
    clientPort: s.port,
    clusterPort: s.cluster?.port,
    websocketPort: s.websocketPort || undefined,
    websocketUrl: s.websocketUrl ?? undefined,
  });
}

/** Runs this worker with its role's host: answers the main isolate's control messages. */
export function runWorker(roleHost: WorkerRoleHost): void {
  host = roleHost;
  self.onmessage = onMessage;
}

/** A closed connection's record, for the main isolate's closed list. */
export function connClosedMessage(
  c: Parameters<typeof connData>[0],
  workerId: number,
): WorkerToMain {
  return {
    kind: ControlKind.ConnClosed,
    workerId,
    conn: connData(c, workerId),
    stopMs: Date.now(),
  };
}

async function onMessage(event: MessageEvent<MainToWorker>): Promise<void> {
  const msg = event.data;
  switch (msg.kind) {
    case ControlKind.Spawn:
      await spawn(msg as SpawnMessage & { shardCount: number });
      return;
    case ControlKind.Rings:
      mesh?.addLinks(msg.links);
      // Clients are accepted once this worker applied what its peers replayed on joining (a
      // JetStream worker's `$JS.API.>`): a peer answers the barrier after its replay, on the
      // same ring.
      if (mesh) void mesh.barrier().then(linked);
      else linked();
      return;
    case ControlKind.ClientInfo:
      if (server) server.setClientInfoTail(msg.infoTail, msg.notify);
      else pendingInfoTail = msg.infoTail;
      return;
    case ControlKind.WorkerDied:
      mesh?.removePeer(msg.workerId);
      return;
    case ControlKind.StatsRequest:
      if (!server) {
        // Still starting (a restarted worker): nothing to report, but the request is answered,
        // or the main isolate's monitoring request would wait forever.
        const counters = sumCounters([]);
        post({
          kind: ControlKind.StatsResponse,
          requestId: msg.requestId,
          workerId,
          counters,
          data: null,
        });
        return;
      }
      post({
        kind: ControlKind.StatsResponse,
        requestId: msg.requestId,
        workerId,
        counters: workerCounters(server),
        data: msg.topic === "connz" || msg.topic === "jsz"
          ? workerSnapshot(server, workerId, msg.topic === "jsz" ? msg.params : undefined)
          : null,
      });
      return;
    case ControlKind.Reload: {
      const errors: string[] = [];
      try {
        await prepareAuth(msg.options);
        server?.reload(msg.options);
      } catch (err) {
        errors.push(String((err as Error).message ?? err));
      }
      post({
        kind: ControlKind.ReloadResult,
        requestId: msg.requestId,
        workerId,
        ok: errors.length === 0,
        errors,
      });
      return;
    }
    case ControlKind.Shutdown:
      if (server) {
        if (msg.lameDuck) await server.enterLameDuckMode();
        else await server.shutdown();
      }
      // The route worker in lame duck mode gets a second Shutdown once the shards are done.
      if (stopped) return;
      stopped = true;
      mesh?.close();
      closeYielder();
      post({ kind: ControlKind.Stopped, workerId });
      self.close();
      return;
  }
}
