/**
 * @module
 * JetStream in a super-cluster: two clusters of two real `bin/denats` processes (A: a1 a2,
 * B: b1 b2) joined by gateways form one meta group of four (its expected size: the two route
 * URLs plus the other cluster's two gateway URLs, as nats-server bootstrapRaftNode counts);
 * a new stream goes to the cluster of the client that asked (or `placement.cluster`, or
 * nats-server's 10005 for an unknown one), and publishing, stream info, pull consumers and a
 * mirror work from either side; the meta group survives the loss of its leader. The same checks
 * pass on nats-server 2.9.10 (`JS_CLUSTER_BIN=/usr/sbin/nats-server`).
 */
import assert from "node:assert/strict";
import type { NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { waitFor } from "../helpers/poll.ts";
import { freePort } from "../cluster/_cluster.ts";
import { api, API_TIMEOUT_MS, FAILOVER_MS, type Json, Node, PinnedClients } from "./_js_cluster.ts";

const CLUSTERS: Record<string, string[]> = { A: ["a1", "a2"], B: ["b1", "b2"] };

/** A member of cluster `cluster` with a gateway to the other one. */
class ScNode extends Node {
  constructor(
    name: string,
    readonly cluster: string,
    clusterPort: number,
    storeDir: string,
    routes: number[],
    readonly gatewayPort: number,
    readonly remote: { name: string; ports: number[] },
  ) {
    super(name, clusterPort, storeDir, routes);
  }

  override conf(): string {
    const url = (p: number) => JSON.stringify(`nats://127.0.0.1:${p}`);
    return [
      `server_name: ${this.name}`,
      `jetstream { store_dir: ${JSON.stringify(this.storeDir)} }`,
      `cluster { name: ${this.cluster}, listen: "127.0.0.1:${this.clusterPort}", routes: [${
        this.routes.map(url).join(", ")
      }] }`,
      `gateway { name: ${this.cluster}, listen: "127.0.0.1:${this.gatewayPort}", gateways: [`,
      `  { name: ${this.remote.name}, urls: [${this.remote.ports.map(url).join(", ")}] }`,
      "] }",
      "",
    ].join("\n");
  }
}

/** The four servers, one client per server. */
class SuperCluster implements AsyncDisposable {
  readonly #clients = new PinnedClients();
  private constructor(readonly root: string, readonly nodes: ScNode[]) {}

  static async start(): Promise<SuperCluster> {
    const root = await Deno.makeTempDir({ prefix: "denats_jssc_" });
    const routePort: Record<string, number> = {};
    const gwPort: Record<string, number> = {};
    for (const names of Object.values(CLUSTERS)) {
      for (const n of names) [routePort[n], gwPort[n]] = [freePort(), freePort()];
    }
    const nodes: ScNode[] = [];
    for (const [cluster, names] of Object.entries(CLUSTERS)) {
      const [other, otherNames] = Object.entries(CLUSTERS).find(([c]) => c !== cluster)!;
      for (const n of names) {
        nodes.push(
          new ScNode(
            n,
            cluster,
            routePort[n],
            `${root}/${n}`,
            names.map((m) => routePort[m]),
            gwPort[n],
            {
              name: other,
              ports: otherNames.map((m) => gwPort[m]),
            },
          ),
        );
      }
    }
    const sc = new SuperCluster(root, nodes);
    try {
      await Promise.all(nodes.map((n) => n.start()));
    } catch (err) {
      await sc[Symbol.asyncDispose]();
      throw err;
    }
    return sc;
  }

  node(name: string): ScNode {
    return this.nodes.find((n) => n.name === name)!;
  }

  client(name: string): Promise<NatsConnection> {
    return this.#clients.get(name, this.node(name).up.port);
  }

  dropClient(name: string): Promise<void> {
    return this.#clients.drop(name);
  }

  /**
   * Polls `/jsz` until every running server names one meta leader (other than `not`) of
   * `size` members.
   */
  async metaLeader(size = 4, not = ""): Promise<string> {
    return await waitFor(
      async () => {
        const leaders = new Set<string>();
        for (const n of this.nodes.filter((n) => n.srv !== null)) {
          const meta = (await n.jsz().catch(() => ({}) as Json)).meta_cluster as Json | undefined;
          if (!meta?.leader || meta.cluster_size !== size || meta.name !== n.cluster) return null;
          leaders.add(meta.leader);
        }
        return leaders.size === 1 && !leaders.has(not) ? [...leaders][0] : null;
      },
      FAILOVER_MS,
      `one meta leader of ${size} named by every server`,
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#clients.closeAll();
    for (const n of this.nodes) await n.kill().catch(() => {});
    await Deno.remove(this.root, { recursive: true }).catch(() => {});
  }
}

/** A stream create answered (its `cluster` block), asked through `nc`. */
async function create(nc: NatsConnection, cfg: Json): Promise<Json> {
  return await api(nc, `$JS.API.STREAM.CREATE.${cfg.name}`, cfg, API_TIMEOUT_MS);
}

Deno.test("JetStream super-cluster: one meta group over gateways, streams in the requester's cluster", async (t) => {
  await using sc = await SuperCluster.start();
  let leader = await sc.metaLeader();
  const clusterOf = (server: string) => server[0].toUpperCase();

  await t.step("a new stream goes to the cluster of the client that asked", async () => {
    const sa = await create(await sc.client("a2"), {
      name: "SA",
      subjects: ["sa.>"],
      num_replicas: 2,
    });
    assert.equal(sa.error, undefined, JSON.stringify(sa));
    assert.equal(sa.cluster?.name, "A");
    assert.equal(clusterOf(sa.cluster?.leader), "A");
    const sb = await create(await sc.client("b1"), {
      name: "SB",
      subjects: ["sb.>"],
      num_replicas: 2,
    });
    assert.equal(sb.cluster?.name, "B", JSON.stringify(sb));
    assert.deepEqual(
      [sb.cluster.leader, ...(sb.cluster.replicas as Json[]).map((r) => r.name)].sort(),
      ["b1", "b2"],
    );
  });

  await t.step("placement.cluster picks the other cluster; an unknown one is refused", async () => {
    const nc = await sc.client("a1");
    const sx = await create(nc, { name: "SX", subjects: ["sx.>"], placement: { cluster: "B" } });
    assert.equal(sx.cluster?.name, "B", JSON.stringify(sx));
    const bad = await create(nc, { name: "SY", subjects: ["sy.>"], placement: { cluster: "Z" } });
    assert.equal(bad.error?.err_code, 10005, JSON.stringify(bad));
    assert.equal(bad.error?.description, "no suitable peers for placement");
  });

  await t.step("publish, stream info and a pull consumer across the gateways", async () => {
    const js = jetstream(await sc.client("a1"), { timeout: API_TIMEOUT_MS });
    for (let i = 0; i < 20; i++) {
      assert.equal((await js.publish("sb.x", `b${i}`)).stream, "SB");
      assert.equal((await js.publish("sa.x", `a${i}`)).stream, "SA");
    }
    const info = await api(await sc.client("b2"), "$JS.API.STREAM.INFO.SA");
    assert.equal(info.state?.messages, 20, JSON.stringify(info));
    assert.equal(info.cluster?.name, "A");
    const jsm = await jetstreamManager(await sc.client("a2"), { timeout: API_TIMEOUT_MS });
    await jsm.consumers.add("SB", { durable_name: "D", ack_policy: AckPolicy.Explicit });
    const consumer = await jetstream(await sc.client("a2")).consumers.get("SB", "D");
    const got: string[] = [];
    for await (const m of await consumer.fetch({ max_messages: 10, expires: 5000 })) {
      got.push(m.string());
      assert.equal(await m.ackAck(), true);
    }
    assert.deepEqual(got, Array.from({ length: 10 }, (_, i) => `b${i}`));
    const ci = await api(await sc.client("b1"), "$JS.API.CONSUMER.INFO.SB.D");
    assert.equal(ci.ack_floor?.stream_seq, 10, JSON.stringify(ci));
  });

  await t.step("a mirror in cluster B of a stream in cluster A", async () => {
    const mb = await create(await sc.client("b2"), { name: "MB", mirror: { name: "SA" } });
    assert.equal(mb.cluster?.name, "B", JSON.stringify(mb));
    const nc = await sc.client("b2");
    const mirrored = await waitFor(
      async () => {
        const i = await api(nc, "$JS.API.STREAM.INFO.MB").catch(() => null);
        return i?.state?.messages === 20 ? i : null;
      },
      FAILOVER_MS,
      "MB holding SA's 20 messages",
    );
    assert.equal(mirrored.state.last_seq, 20);
    const m = await api(nc, "$JS.API.STREAM.MSG.GET.MB", { seq: 7 });
    assert.equal(atob(m.message?.data ?? ""), "a6", JSON.stringify(m));
  });

  await t.step("a placement update moves a stream to the other cluster", async () => {
    const nc = await sc.client("a1");
    const mv = await create(nc, { name: "MV", subjects: ["mv.>"], num_replicas: 2 });
    assert.equal(mv.cluster?.name, "A", JSON.stringify(mv));
    const js = jetstream(nc, { timeout: API_TIMEOUT_MS });
    for (let i = 0; i < 50; i++) await js.publish("mv.x", `m${i}`);
    const cfg = { ...mv.config, placement: { cluster: "B" } };
    // Moving and scaling at once is refused (10123).
    const both = await api(nc, "$JS.API.STREAM.UPDATE.MV", { ...cfg, num_replicas: 1 });
    assert.equal(both.error?.err_code, 10123, JSON.stringify(both));
    const up = await api(nc, "$JS.API.STREAM.UPDATE.MV", cfg);
    assert.equal(up.error, undefined, JSON.stringify(up));
    const moved = await waitFor(
      async () => {
        const i = await api(nc, "$JS.API.STREAM.INFO.MV").catch(() => null);
        const members = [
          i?.cluster?.leader,
          ...((i?.cluster?.replicas ?? []) as Json[])
            .map((r) => r.name),
        ].sort();
        return i?.cluster?.name === "B" && members.join() === "b1,b2" ? i : null;
      },
      FAILOVER_MS,
      "MV led in B by b1 and b2 only",
    );
    assert.equal(moved.state.messages, 50);
    assert.equal(moved.config.placement?.cluster, "B");
    const m = await api(nc, "$JS.API.STREAM.MSG.GET.MV", { seq: 50 });
    assert.equal(atob(m.message?.data ?? ""), "m49", JSON.stringify(m));
    // The old servers dropped their copies.
    await waitFor(
      async () =>
        (await sc.node("a1").localStream("MV")) === undefined &&
        (await sc.node("a2").localStream("MV")) === undefined,
      FAILOVER_MS,
      "a1 and a2 without MV",
    );
    assert.equal((await js.publish("mv.x", "after")).seq, 51);
  });

  await t.step("a meta leader step-down to a named cluster", async () => {
    const nc = await sc.client("a1");
    const other = clusterOf(leader) === "A" ? "B" : "A";
    const tags = await api(nc, "$JS.API.META.LEADER.STEPDOWN", { placement: { tags: ["x"] } });
    assert.equal(tags.error?.err_code, 10011, JSON.stringify(tags));
    const none = await api(nc, "$JS.API.META.LEADER.STEPDOWN", { placement: { cluster: "Z" } });
    assert.equal(none.error?.description, "no replacement peer connected", JSON.stringify(none));
    const ok = await api(nc, "$JS.API.META.LEADER.STEPDOWN", { placement: { cluster: other } });
    assert.equal(ok.success, true, JSON.stringify(ok));
    leader = await sc.metaLeader(4, leader);
    assert.equal(clusterOf(leader), other);
  });

  await t.step(
    "the meta group outlives its leader: a new one, and creates still placed",
    async () => {
      const lost = clusterOf(leader);
      const survivor = sc.nodes.find((n) => n.cluster === lost && n.name !== leader)!;
      const whole = lost === "A" ? "B" : "A";
      await sc.dropClient(leader);
      await sc.node(leader).kill();
      const next = await sc.metaLeader(4, leader);
      assert.notEqual(next, leader);
      // Placed in the cluster that lost nobody (a killed server counts as online for a while,
      // here as in nats-server, so a placement in its own cluster could pick it).
      const nc = await sc.client(survivor.name);
      const r = await waitFor(
        async () => {
          const cfg = { name: "LATE", subjects: ["late.>"], placement: { cluster: whole } };
          const r = await create(nc, cfg).catch(() => null);
          return r && !r.error ? r : null;
        },
        FAILOVER_MS,
        "a create answered after the meta leader's loss",
      );
      assert.equal(r.cluster?.name, whole, JSON.stringify(r));
      assert.equal(clusterOf(r.cluster?.leader), whole);
      const js = jetstream(nc, { timeout: API_TIMEOUT_MS });
      assert.equal((await js.publish("late.x", "after")).seq, 1);
    },
  );
});
