/**
 * @module
 * A JetStream cluster with servers that run no JetStream (nats-server "mixed mode"): two
 * `bin/denats` with JetStream and two nats-server 2.9.10 without it, four routes configured. The
 * meta group first expects four (the routes) and, as nats-server's monitorCluster does on a cold
 * boot, adjusts to the two JetStream servers once every routed server's statsz told it runs none
 * (`Adjusting JetStream expected peer set size to 2 from original 4`); then it elects a leader, an
 * R2 stream is placed on the JetStream servers, and clients of the nats-server members publish to
 * it and read it. Skipped (with a message) where nats-server is not installed.
 */
import assert from "node:assert/strict";
import { jetstream } from "@nats-io/jetstream";
import { waitFor } from "../helpers/poll.ts";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";
import { freePort } from "../cluster/_cluster.ts";
import { api, API_TIMEOUT_MS, FAILOVER_MS, type Json, Node, PinnedClients } from "./_js_cluster.ts";

/** A member without JetStream, run by nats-server. */
class GoNode extends Node {
  override conf(): string {
    return super.conf().split("\n").filter((l) => !l.startsWith("jetstream")).join("\n");
  }

  override async start(): Promise<void> {
    this.srv = await spawnFromConf(natsServerBinary(), this.conf(), {
      monitor: true,
      timeoutMs: 30_000,
      tempPrefix: `denats_jsmix_${this.name}_`,
    });
  }
}

const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) console.log("cluster_mixed_test: nats-server not installed, skipped");

Deno.test({
  name: "clustered JetStream with nats-server members that run no JetStream",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "denats_jsmix_" });
    const names = ["n1", "n2", "n3", "n4"];
    const ports = names.map(() => freePort());
    // Every server lists all four routes, its own too (as one shared config would): the
    // meta group's bootstrap estimate is 4, which two JetStream servers cannot reach alone.
    const nodes = names.map((n, i) =>
      i < 2
        ? new Node(n, ports[i], `${root}/${n}`, ports)
        : new GoNode(n, ports[i], `${root}/${n}`, ports)
    );
    const clients = new PinnedClients();
    try {
      await Promise.all(nodes.map((n) => n.start()));
      const meta = await waitFor(
        async () => {
          const views = await Promise.all(nodes.slice(0, 2).map((n) => n.jsz()));
          const m = views.map((v) => v.meta_cluster as Json);
          return m.every((x) => x?.leader && x.leader === m[0].leader && x.cluster_size === 2)
            ? m[0]
            : null;
        },
        FAILOVER_MS,
        "a meta leader of the two JetStream servers",
      );
      assert.ok(["n1", "n2"].includes(meta.leader), JSON.stringify(meta));
      assert.match(
        nodes[0].logs() + nodes[1].logs(),
        /Adjusting JetStream expected peer set size to 2 from original 4/,
      );

      const go = await clients.get("n3", nodes[2].up.port);
      const si = await api(go, "$JS.API.STREAM.CREATE.MIX", {
        name: "MIX",
        subjects: ["mix.>"],
        num_replicas: 2,
      });
      assert.equal(si.error, undefined, JSON.stringify(si));
      const members = [si.cluster.leader, ...(si.cluster.replicas as Json[]).map((r) => r.name)];
      assert.deepEqual(members.sort(), ["n1", "n2"]);
      const js = jetstream(go, { timeout: API_TIMEOUT_MS });
      for (let i = 0; i < 10; i++) assert.equal((await js.publish("mix.x", `m${i}`)).seq, i + 1);
      const other = await clients.get("n4", nodes[3].up.port);
      const m = await api(other, "$JS.API.STREAM.MSG.GET.MIX", { seq: 10 });
      assert.equal(atob(m.message?.data ?? ""), "m9", JSON.stringify(m));
    } finally {
      await clients.closeAll();
      for (const n of nodes) await n.kill().catch(() => {});
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
});
