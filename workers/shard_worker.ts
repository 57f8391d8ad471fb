/**
 * @module
 * A shard worker: owns a share of the client connections (SO_REUSEPORT on the client port
 * and the WebSocket port) end to end, and is one node of the ring mesh. With role `"route"` it
 * is the route worker instead: no client listener, it runs the routes (listener, solicited routes, gossip) and
 * relays between them and the mesh. A thin shell: the engine is `server/server.ts`
 * plus `server/mesh/`; this file only speaks the control protocol of `server/ipc/control.ts`
 * with the main isolate.
 */
/// <reference lib="deno.worker" />
import { Logger } from "../server/log/logger.ts";
import { closeYielder, MeshNode } from "../server/mesh/mesh_node.ts";
import { Server } from "../server/server.ts";
import { connData, workerCounters, workerSnapshot } from "../server/runtime/snapshot.ts";
import {
  ControlKind,
  type MainToWorker,
  type SpawnMessage,
  type WorkerToMain,
} from "../server/ipc/control.ts";
import { prepareAuth } from "../server/accounts/bcrypt.ts";

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
  }, {
    // Closed connections are recorded by the main isolate.
    clientClosed: (c) =>
      post({
        kind: ControlKind.ConnClosed,
        workerId,
        conn: connData(c, workerId),
        stopMs: Date.now(),
      }),
    // The route worker's client INFO tail goes to the shards through the main isolate (a
    // shard only applies what it is sent).
    clientInfoChanged: msg.role === "route"
      ? (infoTail, notify) => post({ kind: ControlKind.ClientInfo, infoTail, notify })
      : undefined,
  });
  const m = new MeshNode(msg.workerId, {
    account: (name) => s.account(name),
    fanOut: s.fanOut,
    markDirty: (f) => s.markDirty(f),
    localSubscriptions: () => s.localSubscriptions(),
    logError: (text) => logger.error(text),
    linkWorker: s.isRouteWorker,
    peerInterestChanged: s.isRouteWorker
      ? (account, subject, queue, delta, bytes) =>
        s.peerInterestChanged(account, subject, queue, delta, bytes)
      : undefined,
  });
  s.attachMesh(m);
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

self.onmessage = async (event: MessageEvent<MainToWorker>) => {
  const msg = event.data;
  switch (msg.kind) {
    case ControlKind.Spawn:
      await spawn(msg as SpawnMessage & { shardCount: number });
      return;
    case ControlKind.Rings:
      mesh?.addLinks(msg.links);
      linked();
      return;
    case ControlKind.ClientInfo:
      if (server) server.setClientInfoTail(msg.infoTail, msg.notify);
      else pendingInfoTail = msg.infoTail;
      return;
    case ControlKind.WorkerDied:
      mesh?.removePeer(msg.workerId);
      return;
    case ControlKind.StatsRequest:
      if (!server) return;
      post({
        kind: ControlKind.StatsResponse,
        requestId: msg.requestId,
        workerId,
        counters: workerCounters(server),
        data: msg.topic === "connz" ? workerSnapshot(server, workerId) : null,
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
};
