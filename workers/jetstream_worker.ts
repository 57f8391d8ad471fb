/**
 * @module
 * The JetStream worker of a sharded server (ARCHITECTURE.md): no client listener; it runs the
 * JetStream engine (`server/jetstream/`) and is one more node of the ring mesh. Its API
 * responders (`$JS.API.>` per account), stream subjects, consumer ack, flow control and pull
 * subjects are internal subscriptions, so their interest reaches every shard through the mesh
 * and the shards' clients publish, request and ack through the rings; answers and deliveries go
 * back the same way. Today one JetStream worker owns every stream. A thin shell around
 * `_worker_shell.ts`.
 */
/// <reference lib="deno.worker" />
import { loadJetStreamFor } from "../server/jetstream_loader.ts";
import { runWorker } from "./_worker_shell.ts";

runWorker({
  events: () => ({}),
  // An account a shard bound (an operator mode JWT account, known once a user of it
  // connects) is bound here on its first interest, so its JetStream API is served too.
  mesh: (s) => ({
    account: (name) => s.account(name) ?? s.bindAccount(name),
    // A shard's client subscribed to a push consumer's deliver subject: it starts at once.
    peerInterestChanged: (account, subject, _queue, delta) =>
      s.peerInterest.changed(account, subject, delta),
  }),
  prepare: (options) => loadJetStreamFor(options),
});
