/**
 * @module
 * A shard worker: owns a share of the client connections (SO_REUSEPORT on the client port and
 * the WebSocket port) end to end and is one node of the ring mesh. A thin shell around
 * `_worker_shell.ts`: its closed connections go to the main isolate's closed list; with a
 * JetStream domain, it maps the domain's API subjects of its clients' publishes.
 */
/// <reference lib="deno.worker" />
import { addShardJsDomainMappings } from "../server/runtime/shard_js_mappings.ts";
import { connClosedMessage, runWorker } from "./_worker_shell.ts";

runWorker({
  events: (post, workerId) => ({ clientClosed: (c) => post(connClosedMessage(c, workerId)) }),
  mesh: () => ({}),
  // A JetStream domain maps its API subjects where they are published: here.
  setup: (s) => addShardJsDomainMappings(s),
});
