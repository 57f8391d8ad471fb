/**
 * @module
 * Who a shard is: the identity a worker's `Server` is built with when it is one of several
 * isolates serving one NATS server. Built by `workers/shard_worker.ts` from its spawn message,
 * read by `server.ts`; runs in that worker.
 */
import type { WorkerRole } from "./ipc/control.ts";

/** Who a shard is: the one server id every shard shares, and its place among the shards. */
export interface ShardIdentity {
  serverId: string;
  /** Server start time (ms since the epoch), the same in every shard. */
  startedAt: number;
  index: number;
  /** Workers sharing the connection id sequence (shards and link workers). */
  count: number;
  /** What this worker does; a shard when unset. */
  role?: WorkerRole;
  /**
   * Connections are accepted only once this resolves (the kernel queues them meanwhile): a
   * shard waits for its rings, so no client is served before its PUBs can reach other workers.
   */
  acceptAfter?: Promise<void>;
  /**
   * The WebSocket port to join instead of the configured one (the port the first shard got for
   * a random `websocket { port: -1 }`); 0 or absent: as configured.
   */
  websocketPort?: number;
}
