/**
 * @module
 * JetStream in a sharded server (`shards: 2`): the JetStream worker owns the streams, clients
 * on both shards reach them through the ring mesh. With the official clients
 * (`@nats-io/jetstream`, `@nats-io/kv` 3.4.0): a stream created from one shard, publishes with
 * PubAcks from both, a pull consumer fetched and acked from the other shard, a durable push
 * consumer with flow control, KV put/get/watch across shards, `/jsz` and `/varz` counts, the
 * startup log, a restart keeping the data (in process and as a real process stopped with
 * SIGTERM), and the main isolate restarting a failed JetStream worker.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { type ServerHandle, startServer } from "../../mod.ts";
import { Logger } from "../../server/log/logger.ts";
import { spawnFromConf } from "../helpers/spawn_server.ts";
import { eventually } from "./_js_server.ts";

const SHARDS = 2;
/** Workers sharing the connection id sequence: the shards and the JetStream worker. */
const WORKERS = SHARDS + 1;
const DENATS = new URL("../../bin/denats", import.meta.url).pathname;

/** A store directory for sharded servers, restartable on it; removed on dispose. */
class ShardedJs {
  readonly dir = Deno.makeTempDirSync({ prefix: "denats_jssh_" });
  readonly lines: string[] = [];

  get storeDir(): string {
    return `${this.dir}/js`;
  }

  async start(extra = ""): Promise<ServerHandle> {
    const conf = `${this.dir}/server.conf`;
    const js = `jetstream { store_dir: ${JSON.stringify(this.storeDir)} }\n`;
    Deno.writeTextFileSync(conf, js + extra);
    this.lines.length = 0;
    const logger = new Logger((line) => this.lines.push(line), {
      pid: Deno.pid,
      debug: false,
      trace: false,
      logtime: false,
      logtimeUTC: false,
    });
    return await startServer({ config: conf, port: -1, httpPort: -1, shards: SHARDS, logger });
  }

  [Symbol.dispose](): void {
    Deno.removeSync(this.dir, { recursive: true });
  }
}

/** The shard that owns client id `cid`. */
function shardOf(cid: number): number {
  return (cid - 1) % WORKERS;
}

/** One connection on shard 0 and one on shard 1 (extra connections are closed). */
async function onBothShards(
  port: number,
  auth: { user?: string; pass?: string } = {},
): Promise<[NatsConnection, NatsConnection]> {
  const placed: (NatsConnection | undefined)[] = [];
  const extra: NatsConnection[] = [];
  for (let i = 0; i < 64 && (!placed[0] || !placed[1]); i++) {
    const nc = await connect({ port, name: `c${i}`, ...auth });
    const shard = shardOf(nc.info!.client_id);
    assert.ok(shard < SHARDS, `a client on a shard: cid ${nc.info!.client_id}`);
    if (placed[shard] === undefined) placed[shard] = nc;
    else extra.push(nc);
  }
  await Promise.all(extra.map((nc) => nc.close()));
  assert.ok(placed[0] && placed[1], "connections on both shards");
  return [placed[0], placed[1]];
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return await res.json();
}

Deno.test("sharded JetStream: a stream used from both shards, pull fetch and ack, /jsz", async () => {
  using dir = new ShardedJs();
  await using srv = await dir.start();
  const [a, b] = await onBothShards(srv.port);
  try {
    // The startup log as a single server writes it: JetStream before the client port.
    const starting = dir.lines.findIndex((l) => l.includes("[INF] Starting JetStream"));
    const listening = dir.lines.findIndex((l) => l.includes("Listening for client connections"));
    assert.ok(starting > 0 && starting < listening, dir.lines.join("\n"));
    assert.ok(dir.lines.some((l) => l.includes("---------------- JETSTREAM ----------------")));
    assert.ok(dir.lines.some((l) => l.includes("Started 2 shard workers and a JetStream worker")));

    const jsmA = await jetstreamManager(a);
    await jsmA.streams.add({ name: "ORDERS", subjects: ["orders.>"] });
    // Right after the create answer, the other shard routes to the stream already.
    const jsA = jetstream(a);
    const jsB = jetstream(b);
    const acks = [];
    for (let i = 0; i < 10; i++) {
      acks.push(await jsB.publish(`orders.b.${i}`, `b${i}`));
      acks.push(await jsA.publish(`orders.a.${i}`, `a${i}`));
    }
    assert.deepEqual(acks.map((ack) => ack.seq), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.ok(acks.every((ack) => ack.stream === "ORDERS" && !ack.duplicate));
    const dup = await jsB.publish("orders.x", "once", { msgID: "m1" });
    const again = await jsA.publish("orders.x", "once", { msgID: "m1" });
    assert.equal(again.seq, dup.seq);
    assert.equal(again.duplicate, true);

    // A pull consumer created, fetched and acked from the other shard.
    const jsmB = await jetstreamManager(b);
    await jsmB.consumers.add("ORDERS", { durable_name: "pull", ack_policy: AckPolicy.Explicit });
    const consumer = await jsB.consumers.get("ORDERS", "pull");
    const got: string[] = [];
    const batch = await consumer.fetch({ max_messages: 21, expires: 3000 });
    for await (const m of batch) {
      got.push(m.string());
      await m.ackAck();
    }
    assert.equal(got.length, 21);
    assert.deepEqual(got.slice(0, 4), ["b0", "a0", "b1", "a1"]);
    const info = await jsmA.consumers.info("ORDERS", "pull");
    assert.equal(info.num_ack_pending, 0);
    assert.equal(info.ack_floor.stream_seq, 21);
    assert.equal(info.num_pending, 0);

    // /jsz and /varz come from the JetStream worker.
    const jsz = await getJson(`${srv.monitorUrl}/jsz?consumers=true&config=true`);
    assert.equal(jsz.server_id, srv.serverId);
    assert.equal(jsz.streams, 1);
    assert.equal(jsz.consumers, 1);
    assert.equal(jsz.messages, 21);
    const details = jsz.account_details as Record<string, unknown>[];
    assert.equal(details.length, 1);
    assert.equal(details[0].name, "$G");
    const text = await (await fetch(`${srv.monitorUrl}/jsz?accounts=true`)).text();
    assert.match(text, /"reserved_memory": 18446744073709551615/, "Go's uint64 -1 kept");
    const streams = details[0].stream_detail as Record<string, unknown>[];
    assert.equal(streams[0].name, "ORDERS");
    assert.ok(streams[0].config, "config asked for");
    const consumers = streams[0].consumer_detail as Record<string, unknown>[];
    assert.equal(consumers[0].name, "pull");
    const plain = await getJson(`${srv.monitorUrl}/jsz`);
    assert.equal(plain.account_details, undefined);
    const varz = await getJson(`${srv.monitorUrl}/varz`);
    const js = varz.jetstream as { config: { store_dir: string }; stats: { accounts: number } };
    assert.equal(js.config.store_dir, `${dir.storeDir}/jetstream`);
    assert.equal(js.stats.accounts, 1);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

Deno.test("sharded JetStream: a durable push consumer delivers to the other shard", async () => {
  using dir = new ShardedJs();
  await using srv = await dir.start();
  const [a, b] = await onBothShards(srv.port);
  try {
    const jsmA = await jetstreamManager(a);
    await jsmA.streams.add({ name: "EV", subjects: ["ev.>"] });
    const jsA = jetstream(a);
    for (let i = 0; i < 50; i++) await jsA.publish("ev.x", `e${i}`);
    await jsmA.consumers.add("EV", {
      durable_name: "push",
      deliver_subject: "push.deliver",
      ack_policy: AckPolicy.Explicit,
      flow_control: true,
      idle_heartbeat: 1_000_000_000,
    });
    const consumer = await jetstream(b).consumers.getPushConsumer("EV", "push");
    const messages = await consumer.consume();
    const seen: string[] = [];
    for await (const m of messages) {
      seen.push(m.string());
      m.ack();
      // Then one published from the other shard while the consumer is bound.
      if (seen.length === 50) await jetstream(a).publish("ev.y", "late");
      if (seen.length === 51) break;
    }
    assert.deepEqual(seen, [...Array.from({ length: 50 }, (_, i) => `e${i}`), "late"]);
    await b.flush();
    await eventually(async () => {
      const info = await jsmA.consumers.info("EV", "push");
      return info.num_ack_pending === 0 && info.delivered.stream_seq === 51;
    });
    await messages.close();
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

Deno.test("sharded JetStream: KV put, get and watch across shards", async () => {
  using dir = new ShardedJs();
  await using srv = await dir.start();
  const [a, b] = await onBothShards(srv.port);
  try {
    const kvA = await new Kvm(a).create("CFG");
    const kvB = await new Kvm(b).open("CFG");
    const watch = await kvB.watch({ key: "app.>" });
    const watched: string[] = [];
    const watching = (async () => {
      for await (const e of watch) {
        watched.push(`${e.key}=${e.string()}@${e.revision}`);
        if (watched.length === 3) return;
      }
    })();
    assert.equal(await kvA.put("app.color", "red"), 1);
    assert.equal(await kvB.put("app.size", "xl"), 2);
    assert.equal((await kvB.get("app.color"))?.string(), "red");
    assert.equal((await kvA.get("app.size"))?.string(), "xl");
    assert.equal(await kvA.update("app.color", "blue", 1), 3);
    await watching;
    watch.stop();
    assert.deepEqual(watched, ["app.color=red@1", "app.size=xl@2", "app.color=blue@3"]);
    const keys = [];
    for await (const k of await kvB.keys()) keys.push(k);
    assert.deepEqual(keys.sort(), ["app.color", "app.size"]);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

Deno.test("sharded JetStream: a restart keeps streams, messages and consumers", async () => {
  using dir = new ShardedJs();
  {
    await using srv = await dir.start();
    const [a, b] = await onBothShards(srv.port);
    const jsm = await jetstreamManager(a);
    await jsm.streams.add({ name: "KEEP", subjects: ["keep.>"] });
    await jsm.consumers.add("KEEP", { durable_name: "d", ack_policy: AckPolicy.Explicit });
    for (let i = 0; i < 5; i++) await jetstream(i % 2 ? a : b).publish("keep.x", `k${i}`);
    const batch = await jetstream(b).consumers.get("KEEP", "d").then((c) =>
      c.fetch({ max_messages: 2, expires: 2000 })
    );
    for await (const m of batch) await m.ackAck();
    await Promise.all([a.close(), b.close()]);
  }
  await using srv = await dir.start();
  assert.ok(
    dir.lines.some((l) => l.includes("Restored 5 messages for stream '$G > KEEP'")),
    dir.lines.join("\n"),
  );
  const [a, b] = await onBothShards(srv.port);
  try {
    const jsm = await jetstreamManager(b);
    const si = await jsm.streams.info("KEEP");
    assert.equal(si.state.messages, 5);
    const ci = await jsm.consumers.info("KEEP", "d");
    assert.equal(ci.ack_floor.stream_seq, 2);
    const c = await jetstream(a).consumers.get("KEEP", "d");
    const m = await c.next({ expires: 2000 });
    assert.equal(m?.string(), "k2");
    assert.equal((await jetstream(b).publish("keep.y", "after")).seq, 6);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

Deno.test("sharded JetStream: a failed JetStream worker is restarted with its streams", async () => {
  using dir = new ShardedJs();
  await using srv = await dir.start();
  const [a, b] = await onBothShards(srv.port);
  try {
    const jsm = await jetstreamManager(a);
    await jsm.streams.add({ name: "R", subjects: ["r.>"] });
    await jetstream(b).publish("r.1", "one");
    const sharded = srv.sharded!;
    sharded.failWorker(SHARDS, "test");
    await eventually(() => sharded.restarts === 1 && sharded.liveWorkers === WORKERS, 10_000);
    // Once the fresh worker announced its subscriptions, the stream answers again.
    let seq = 0;
    await eventually(async () => {
      seq = await jetstream(b).publish("r.2", "two", { timeout: 500 }).then((ack) => ack.seq)
        .catch(() => 0);
      return seq > 0;
    }, 10_000);
    assert.equal(seq, 2);
    assert.equal((await jsm.streams.info("R")).state.messages, 2);
    assert.ok(dir.lines.some((l) => l.includes("The JetStream worker restarted")));
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

Deno.test("sharded JetStream process: SIGTERM flushes, a new process finds the data", async () => {
  using dir = new ShardedJs();
  const conf = `jetstream { store_dir: ${JSON.stringify(dir.storeDir)} }\n`;
  const run = () =>
    spawnFromConf(DENATS, conf, { extraArgs: ["--shards", "2"], timeoutMs: 15_000 });
  {
    await using proc = await run();
    const [a, b] = await onBothShards(proc.port);
    const jsm = await jetstreamManager(a);
    await jsm.streams.add({ name: "P", subjects: ["p.>"] });
    for (let i = 0; i < 20; i++) await jetstream(i % 2 ? a : b).publish("p.x", `p${i}`);
    await Promise.all([a.close(), b.close()]);
    await proc.close("SIGTERM");
    assert.match(proc.logs(), /Server Exiting\.\./);
  }
  await using proc = await run();
  const nc = await connect({ port: proc.port });
  try {
    const si = await (await jetstreamManager(nc)).streams.info("P");
    assert.equal(si.state.messages, 20);
    assert.equal(si.state.last_seq, 20);
  } finally {
    await nc.close();
  }
});

Deno.test("sharded JetStream: accounts keep their streams apart; one without JetStream gets 10039", async () => {
  using dir = new ShardedJs();
  await using srv = await dir.start(`accounts {
  A: { jetstream: enabled, users: [{ user: a, password: a }] }
  B: { users: [{ user: b, password: b }] }
}
`);
  const [a0, a1] = await onBothShards(srv.port, { user: "a", pass: "a" });
  const [b0, b1] = await onBothShards(srv.port, { user: "b", pass: "b" });
  try {
    const jsm = await jetstreamManager(a0);
    await jsm.streams.add({ name: "ACC", subjects: ["acc.>"] });
    assert.equal((await jetstream(a1).publish("acc.1", "x")).seq, 1);
    // B's clients reach the JetStream worker too: it answers that B has no JetStream.
    for (const b of [b0, b1]) {
      const m = await b.request("$JS.API.INFO", "", { timeout: 2000 });
      const reply = m.json<{ error: { code: number; err_code: number; description: string } }>();
      assert.deepEqual(reply.error, {
        code: 503,
        err_code: 10039,
        description: "JetStream not enabled for account",
      });
    }
    // B's publishes on the subject do not reach A's stream.
    b1.publish("acc.2", "not stored");
    await b1.flush();
    await jetstream(a0).publish("acc.3", "y");
    const si = await (await jetstreamManager(a1)).streams.info("ACC");
    assert.equal(si.state.messages, 2);
    const info = await (await jetstreamManager(a1)).getAccountInfo();
    assert.equal(info.streams, 1);
    const jsz = await getJson(`${srv.monitorUrl}/jsz?acc=A`);
    const details = jsz.account_details as { name: string }[];
    assert.deepEqual(details.map((d) => d.name), ["A"]);
  } finally {
    await Promise.all([a0, a1, b0, b1].map((nc) => nc.close()));
  }
});

Deno.test("sharded JetStream: a domain's $KV subjects are mapped on the publisher's shard", async () => {
  using dir = new ShardedJs();
  const conf = `${dir.dir}/server.conf`;
  const store = JSON.stringify(dir.storeDir);
  Deno.writeTextFileSync(conf, `jetstream { store_dir: ${store}, domain: hub }\n`);
  await using srv = await startServer({ config: conf, port: -1, quiet: true, shards: SHARDS });
  const [a, b] = await onBothShards(srv.port);
  try {
    await new Kvm(a).create("CFG");
    for (const [i, nc] of [a, b].entries()) {
      const m = await nc.request(`$JS.hub.API.$KV.CFG.k${i}`, `v${i}`, { timeout: 2000 });
      assert.deepEqual(m.json(), { stream: "KV_CFG", domain: "hub", seq: i + 1 });
    }
    const kv = await new Kvm(jetstream(b, { domain: "hub" })).open("CFG");
    assert.equal((await kv.get("k0"))?.string(), "v0");
    assert.equal((await kv.get("k1"))?.string(), "v1");
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

Deno.test("sharded JetStream: lame duck mode stops every worker and keeps the stored data", async () => {
  using dir = new ShardedJs();
  const ldm = 'lame_duck_duration: "30s"\nlame_duck_grace_period: "500ms"\n';
  {
    const srv = await dir.start(ldm);
    const [a, b] = await onBothShards(srv.port);
    await jetstreamManager(a).then((jsm) => jsm.streams.add({ name: "L", subjects: ["l.>"] }));
    for (let i = 0; i < 10; i++) await jetstream(i % 2 ? a : b).publish("l.x", `l${i}`);
    await Promise.all([a.close(), b.close()]);
    const start = performance.now();
    await srv.sharded!.enterLameDuckMode();
    assert.ok(performance.now() - start < 5000, "no clients: no lame duck wait");
    assert.equal(srv.sharded!.liveWorkers, 0);
    assert.ok(dir.lines.at(-1)?.includes("Server Exiting.."), dir.lines.join("\n"));
  }
  await using srv = await dir.start();
  const nc = await connect({ port: srv.port });
  try {
    const si = await (await jetstreamManager(nc)).streams.info("L");
    assert.equal(si.state.messages, 10);
  } finally {
    await nc.close();
  }
});
