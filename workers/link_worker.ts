/**
 * @module
 * The link worker of a sharded server: no client listener; it runs the routes (listener,
 * solicited routes, gossip), the gateways and the leafnodes (listener and remotes), and relays
 * between them and the ring mesh. A thin shell around `_worker_shell.ts`: its client INFO tail
 * (`cluster`, `connect_urls`) goes to the shards through the main isolate, the shards' interest
 * reaches its links and its links' interest reaches the mesh.
 */
/// <reference lib="deno.worker" />
import { ControlKind } from "../server/ipc/control.ts";
import { runWorker } from "./_worker_shell.ts";

runWorker({
  events: (post) => ({
    clientInfoChanged: (infoTail, notify) =>
      post({ kind: ControlKind.ClientInfo, infoTail, notify }),
  }),
  mesh: (s) => ({
    linkWorker: true,
    peerInterestChanged: (account, subject, queue, delta, bytes) =>
      s.peerInterestChanged(account, subject, queue, delta, bytes),
  }),
});
