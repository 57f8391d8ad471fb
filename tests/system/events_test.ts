/**
 * @module
 * System account events end to end with real clients, on denats and (when installed) on
 * nats-server with the same config: a `SYS` user watches `$SYS.ACCOUNT.*.CONNECT`,
 * `.DISCONNECT`, `.SERVER.CONNS`, `$SYS.SERVER.*.STATSZ` and `.SHUTDOWN` while a user of
 * account `A` connects, publishes and leaves; a second `A` connection subscribed to `$SYS.>`
 * sees none of it. The messages of both servers are compared by keys, JSON types and the
 * values that are deterministic. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { connect as natsConnect } from "@nats-io/transport-node";
import { ignoreConnectionResets } from "../auth/_servers.ts";
import {
  at,
  collect,
  denatsSystem,
  login,
  natsServerSystem,
  pick,
  type Received,
  shape,
  SYS_CONF,
  type SystemTarget,
  waitForMessage,
  withNatsServer,
} from "./_system.ts";

const compare = withNatsServer();
ignoreConnectionResets();

/** Everything one run of the scenario captured. */
interface Captured {
  connect: Received;
  disconnect: Received;
  connsUp: Received;
  connsDown: Received;
  connsOld: Received;
  statsz: Received;
  shutdown: Received;
  authError: Received;
  /** What the `A` connection subscribed to `$SYS.>` received. */
  leaked: Received[];
}

async function scenario(target: SystemTarget): Promise<Captured> {
  await using t = target;
  await using sys = await login(t.url, "sys", "sysmon");
  const events = collect(sys.subscribe("$SYS.ACCOUNT.>"));
  const server = collect(sys.subscribe("$SYS.SERVER.>"));
  await sys.flush();
  await using watcher = await login(t.url, "a", "watcher");
  const leaked = collect(watcher.subscribe("$SYS.>"));
  await watcher.flush();
  // The watcher's own connection events come first; the scenario's start after them.
  await waitForMessage(events, (m) => at(m.json, "client.name") === "watcher", "watcher");
  const mark = { events: events.length, server: server.length };
  const a = await login(t.url, "a", "aclient");
  a.publish("foo", "hello");
  await a.flush();
  const connect = await waitForMessage(
    events,
    (m) => m.subject === "$SYS.ACCOUNT.A.CONNECT" && at(m.json, "client.name") === "aclient",
    "CONNECT of aclient",
  );
  await a.close();
  const disconnect = await waitForMessage(
    events,
    (m) => m.subject === "$SYS.ACCOUNT.A.DISCONNECT" && at(m.json, "client.name") === "aclient",
    "DISCONNECT of aclient",
  );
  const conns = (subject: string, n: number) =>
    waitForMessage(
      () => [...events.slice(mark.events), ...server.slice(mark.server)],
      (m) => m.subject === subject && m.json.conns === n,
      subject,
    );
  const connsUp = await conns("$SYS.ACCOUNT.A.SERVER.CONNS", 2);
  const connsDown = await conns("$SYS.ACCOUNT.A.SERVER.CONNS", 1);
  const connsOld = await conns("$SYS.SERVER.ACCOUNT.A.CONNS", 1);
  const statsz = await waitForMessage(server, (m) => m.subject.endsWith(".STATSZ"), "STATSZ");
  await assert.rejects(
    natsConnect({ servers: t.url, user: "a", pass: "wrong", name: "intruder", reconnect: false }),
  );
  const authError = await waitForMessage(server, (m) => m.subject.endsWith(".AUTH.ERR"), "AUTH");
  await watcher.flush();
  await t.stop();
  const shutdown = await waitForMessage(server, (m) => m.subject.endsWith(".SHUTDOWN"), "SHUTDOWN");
  return {
    connect,
    disconnect,
    connsUp,
    connsDown,
    connsOld,
    statsz,
    shutdown,
    authError,
    leaked,
  };
}

const runs = new Map<string, Promise<Captured>>();

function run(kind: "denats" | "nats-server"): Promise<Captured> {
  let p = runs.get(kind);
  if (!p) {
    p = (kind === "denats" ? denatsSystem(SYS_CONF) : natsServerSystem(SYS_CONF)).then(scenario);
    runs.set(kind, p);
  }
  return p;
}

/** Values that must be equal on both servers. */
const SERVER_BLOCK = ["server.name", "server.host", "server.ver", "server.jetstream"];
const CLIENT_BLOCK = [
  "client.host",
  "client.id",
  "client.acc",
  "client.user",
  "client.name",
  "client.lang",
  "client.ver",
  "client.kind",
  "client.client_type",
];

Deno.test("a system user sees another account's client connect and disconnect", async () => {
  const c = await run("denats");
  assert.equal(c.connect.json.type, "io.nats.server.advisory.v1.client_connect");
  assert.deepEqual(pick(c.connect.json, ["client.acc", "client.user", "client.kind"]), {
    "client.acc": "A",
    "client.user": "a",
    "client.kind": "Client",
  });
  assert.equal(at(c.connect.json, "client.client_type"), "nats");
  assert.equal(at(c.connect.json, "client.rtt"), undefined);
  assert.match(String(c.connect.json.id), /^[0-9A-Za-z]{22}$/);
  const d = c.disconnect.json;
  assert.equal(d.type, "io.nats.server.advisory.v1.client_disconnect");
  assert.deepEqual([d.sent, d.received, d.reason], [
    { msgs: 1, bytes: 5 },
    { msgs: 0, bytes: 0 },
    "Client Closed",
  ]);
  assert.equal(at(d, "client.id"), at(c.connect.json, "client.id"));
  assert.equal(typeof at(d, "client.rtt"), "number");
  assert.equal(typeof at(d, "client.stop"), "string");
  assert.ok((at(d, "server.seq") as number) > (at(c.connect.json, "server.seq") as number));
});

Deno.test("account connection events count the account's local connections", async () => {
  const c = await run("denats");
  assert.equal(c.connsUp.json.type, "io.nats.server.advisory.v1.account_connections");
  assert.deepEqual(pick(c.connsDown.json, ["acc", "conns", "total_conns", "leafnodes"]), {
    acc: "A",
    conns: 1,
    total_conns: 1,
    leafnodes: 0,
  });
  assert.deepEqual(c.connsDown.json.received, { msgs: 1, bytes: 5 });
  assert.equal(c.connsOld.json.id, c.connsDown.json.id);
});

Deno.test("statsz and shutdown events carry the server block and the stats", async () => {
  const c = await run("denats");
  const id = at(c.statsz.json, "server.id") as string;
  assert.equal(c.statsz.subject, `$SYS.SERVER.${id}.STATSZ`);
  assert.equal(at(c.statsz.json, "server.name"), "sysA");
  assert.equal(at(c.statsz.json, "statsz.active_servers"), 1);
  assert.ok((at(c.statsz.json, "statsz.subscriptions") as number) >= 40);
  assert.equal(c.shutdown.subject, `$SYS.SERVER.${id}.SHUTDOWN`);
  assert.deepEqual(Object.keys(c.shutdown.json), [
    "name",
    "host",
    "id",
    "ver",
    "seq",
    "jetstream",
    "time",
  ]);
});

Deno.test("a refused login is reported on $SYS.SERVER.<id>.CLIENT.AUTH.ERR", async () => {
  const c = await run("denats");
  const e = c.authError.json;
  assert.equal(c.authError.subject, `$SYS.SERVER.${at(e, "server.id")}.CLIENT.AUTH.ERR`);
  assert.deepEqual(pick(e, ["type", "client.acc", "client.user", "client.name", "reason"]), {
    type: "io.nats.server.advisory.v1.client_disconnect",
    "client.acc": "$G",
    "client.user": "a",
    "client.name": "intruder",
    reason: "Authentication Failure",
  });
});

Deno.test("a normal account's subscriber on $SYS.> receives no system traffic", async () => {
  assert.deepEqual((await run("denats")).leaked, []);
});

Deno.test({
  name: "events have nats-server's keys, JSON types and deterministic values",
  ignore: !compare,
  fn: async () => {
    const [ours, ref] = await Promise.all([run("denats"), run("nats-server")]);
    for (const key of Object.keys(ours) as (keyof Captured)[]) {
      if (key === "leaked") continue;
      assert.deepEqual(shape(ours[key].json), shape(ref[key].json), `shape of ${key}`);
      assert.deepEqual(
        ours[key].subject.replace(/\.N[A-Z0-9]{55}\./, ".<id>."),
        ref[key].subject.replace(/\.N[A-Z0-9]{55}\./, ".<id>."),
      );
    }
    for (const key of ["connect", "disconnect", "authError"] as const) {
      const paths = ["type", ...SERVER_BLOCK, ...CLIENT_BLOCK];
      assert.deepEqual(pick(ours[key].json, paths), pick(ref[key].json, paths), key);
    }
    const paths = ["sent", "received", "reason"];
    assert.deepEqual(pick(ours.disconnect.json, paths), pick(ref.disconnect.json, paths));
    for (const key of ["connsUp", "connsDown", "connsOld"] as const) {
      const p = ["type", "acc", "conns", "leafnodes", "total_conns", "sent", "received"];
      assert.deepEqual(pick(ours[key].json, p), pick(ref[key].json, p), key);
    }
    const stats = ["statsz.cores", "statsz.active_servers", "statsz.slow_consumers"];
    assert.deepEqual(pick(ours.statsz.json, stats), pick(ref.statsz.json, stats));
    assert.deepEqual(ref.leaked, []);
  },
});
