/**
 * @module
 * JetStream on an edge server (`edge: true`, no `store_dir`): memory streams and KV buckets with
 * no file access at all (the socket APIs made to throw as in edge_test.ts; no store directory is
 * created), file streams refused with nats-server's 10047 as with `max_file_store: 0`, and a
 * nats-server hub in domain `hub` mirroring the edge's stream (domain `edge`) through
 * `$JS.edge.API` across the WebSocket leafnode the edge dialed.
 */
import assert from "node:assert/strict";
import { connect, wsconnect } from "@nats-io/transport-node";
import { jetstream, JetStreamApiError, jetstreamManager, StorageType } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { startServer } from "../../mod.ts";
import { waitFor } from "../helpers/poll.ts";
import { freePort } from "../helpers/free_port.ts";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";
import { withoutSockets } from "./_edge.ts";

Deno.test("edge JetStream: memory streams and KV without a store, file streams refused", async () => {
  await withoutSockets(async (calls) => {
    const nats = await startServer({ edge: true, quiet: true, jetstream: {}, httpPort: -1 });
    const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, nats.fetch);
    const nc = await wsconnect({ servers: `ws://127.0.0.1:${http.addr.port}` });
    try {
      const jsm = await jetstreamManager(nc);
      const si = await jsm.streams.add({
        name: "EVENTS",
        subjects: ["events.>"],
        storage: StorageType.Memory,
      });
      assert.equal(si.config.storage, StorageType.Memory);
      const file = await jsm.streams.add({ name: "DISK", subjects: ["disk.>"] }).then(
        () => null,
        (e) => e,
      );
      assert.ok(file instanceof JetStreamApiError && file.code === 10047, String(file));
      const js = jetstream(nc);
      for (let i = 0; i < 5; i++) {
        assert.equal((await js.publish(`events.${i}`, `e${i}`)).seq, i + 1);
      }
      const consumer = await js.consumers.get("EVENTS");
      const first = await consumer.next({ expires: 2000 });
      assert.equal(first?.string(), "e0");
      const kv = await new Kvm(nc).create("CONFIG", { storage: StorageType.Memory });
      await kv.put("mode", "edge");
      assert.equal((await kv.get("mode"))?.string(), "edge");
      const jsz = await (await fetch(`http://127.0.0.1:${http.addr.port}/jsz`)).json();
      assert.equal(jsz.config.max_storage, 0);
      assert.equal(jsz.config.store_dir, "");
      assert.equal(jsz.streams, 2);
      assert.deepEqual(calls, [], "no raw socket API was called");
    } finally {
      await nc.close();
      await nats.close();
      await http.shutdown();
    }
  });
});

Deno.test({
  name: "edge JetStream: a nats-server hub mirrors the edge's stream across the WebSocket leafnode",
  ignore: !natsServerAvailable(),
  fn: async () => {
    const wsPort = freePort();
    const store = await Deno.makeTempDir({ prefix: "denats_edge_hub_" });
    await using hub = await spawnFromConf(
      natsServerBinary(),
      `server_name: hub\njetstream { store_dir: ${JSON.stringify(store)}, domain: hub }\n` +
        `websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }\nleafnodes { listen: "127.0.0.1:-1" }\n`,
    );
    await withoutSockets(async (calls) => {
      const nats = await startServer({
        edge: true,
        quiet: true,
        jetstream: { domain: "edge" },
        leafnodes: { remotes: [{ url: `ws://127.0.0.1:${wsPort}` }] },
      });
      const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, nats.fetch);
      const local = await wsconnect({ servers: `ws://127.0.0.1:${http.addr.port}` });
      const central = await connect({ port: hub.port });
      try {
        await jetstreamManager(local).then((jsm) =>
          jsm.streams.add({ name: "O", subjects: ["orders.>"], storage: StorageType.Memory })
        );
        const js = jetstream(local);
        for (let i = 0; i < 10; i++) await js.publish(`orders.${i}`, `o${i}`);
        // The hub reaches the edge's JetStream through its domain once the leafnode is up.
        const hubJsm = await jetstreamManager(central);
        await waitFor(
          async () => {
            const edgeJsm = await jetstreamManager(central, { domain: "edge", checkAPI: false });
            return await edgeJsm.streams.info("O").then(() => true, () => false);
          },
          15_000,
          "the edge's stream through $JS.edge.API",
        );
        await hubJsm.streams.add({
          name: "M",
          mirror: { name: "O", external: { api: "$JS.edge.API", deliver: "" } },
        });
        const mirrored = await waitFor(
          async () => {
            const si = await hubJsm.streams.info("M");
            return si.state.messages === 10 ? si : null;
          },
          15_000,
          "the mirror caught up",
        );
        assert.equal(mirrored.state.last_seq, 10);
        assert.equal((await hubJsm.streams.getMessage("M", { seq: 10 }))?.string(), "o9");
        assert.deepEqual(calls, [], "no raw socket API was called");
      } finally {
        await local.close();
        await central.close();
        await nats.close();
        await http.shutdown();
      }
    });
    await hub.close();
    await Deno.remove(store, { recursive: true }).catch(() => {});
  },
});
