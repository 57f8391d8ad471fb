/**
 * @module
 * `/varz`, `/subsz`, `/accountz` and `/accstatz` collectors against a {@link FakeServer}:
 * field order and types, live values, configured sections, account statistics.
 */
import assert from "node:assert/strict";
import { FakeServer } from "./_fake.ts";
import { accountStatz, accountz } from "./accountz.ts";
import { gatewayz, leafz, routez } from "./links.ts";
import { subsz, subszBody } from "./subsz.ts";
import { varz } from "./varz.ts";

const roundTrip = (v: unknown) => JSON.parse(JSON.stringify(v));

/** The /varz keys nats-server 2.9.10 always writes, in its order. */
const VARZ_KEYS = [
  "server_id",
  "server_name",
  "version",
  "proto",
  "go",
  "host",
  "port",
  "max_connections",
  "ping_interval",
  "ping_max",
  "http_host",
  "http_port",
  "http_base_path",
  "https_port",
  "auth_timeout",
  "max_control_line",
  "max_payload",
  "max_pending",
  "cluster",
  "gateway",
  "leaf",
  "mqtt",
  "websocket",
  "jetstream",
  "tls_timeout",
  "write_deadline",
  "start",
  "now",
  "uptime",
  "mem",
  "cores",
  "gomaxprocs",
  "cpu",
  "connections",
  "total_connections",
  "routes",
  "remotes",
  "leafnodes",
  "in_msgs",
  "out_msgs",
  "in_bytes",
  "out_bytes",
  "slow_consumers",
  "subscriptions",
  "http_req_stats",
  "config_load_time",
];

Deno.test("varz has nats-server's keys in order, durations in nanoseconds", () => {
  const s = new FakeServer({ httpPort: -1 });
  const v = roundTrip(varz(s));
  assert.deepEqual(Object.keys(v), VARZ_KEYS);
  assert.equal(v.ping_interval, 120_000_000_000);
  assert.equal(v.write_deadline, 10_000_000_000);
  assert.equal(v.http_port, -1);
  assert.equal(v.http_host, "0.0.0.0");
  assert.equal(v.uptime, "1h2m3s");
  assert.equal(v.version, "2.9.10");
  assert.deepEqual([v.cluster, v.gateway, v.leaf, v.mqtt, v.websocket, v.jetstream], [
    {},
    {},
    {},
    {},
    {},
    {},
  ]);
  assert.ok(v.mem > 0, "mem is the process RSS");
  assert.equal(v.cores, navigator.hardwareConcurrency);
  assert.equal(typeof v.cpu, "number");
  assert.match(v.now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
});

Deno.test("varz reports live counters and optional fields when set", () => {
  const s = new FakeServer({ maxSubscriptions: 10, tags: ["a"], systemAccount: "SYS" });
  Object.assign(s.auth, { required: true });
  s.addAccount("SYS");
  const c = s.connect();
  s.subscribe(c, "x");
  s.subscribe(c, "y");
  Object.assign(s.stats, { inMsgs: 4, outMsgs: 5, inBytes: 40, outBytes: 50, slowConsumers: 1 });
  const v = roundTrip(varz(s));
  assert.deepEqual(
    [v.connections, v.total_connections, v.subscriptions, v.in_msgs, v.out_bytes],
    [1, 1, 2, 4, 50],
  );
  assert.equal(v.auth_required, true);
  assert.equal(v.max_subscriptions, 10);
  assert.deepEqual(v.tags, ["a"]);
  assert.equal(v.system_account, "SYS");
  assert.equal(
    Object.keys(v).indexOf("max_subscriptions"),
    Object.keys(v).indexOf("max_connections") + 1,
  );
});

Deno.test("configured link sections fill cluster, leaf, mqtt and websocket", () => {
  const s = new FakeServer({
    cluster: { name: "C1", listen: "127.0.0.1:6222", routes: ["nats://127.0.0.1:1"] },
    leafnodes: { listen: "127.0.0.1:7422", remotes: [{ url: "nats://127.0.0.1:3" }] },
    mqtt: { listen: "127.0.0.1:1883" },
    websocket: { listen: "127.0.0.1:8080", no_tls: true },
  });
  const v = roundTrip(varz(s));
  assert.deepEqual(v.cluster, {
    name: "C1",
    addr: "127.0.0.1",
    cluster_port: 6222,
    auth_timeout: 2,
    urls: ["127.0.0.1:1"],
    tls_timeout: 2,
  });
  assert.deepEqual(v.leaf, {
    host: "127.0.0.1",
    port: 7422,
    auth_timeout: 2,
    tls_timeout: 2,
    remotes: [{ urls: ["127.0.0.1:3"] }],
  });
  assert.deepEqual(v.mqtt, { host: "127.0.0.1", port: 1883, tls_timeout: 2 });
  assert.deepEqual(v.websocket, { host: "127.0.0.1", port: 8080, no_tls: true });
});

Deno.test("subsz sums stats and lists, filters and pages subscriptions", () => {
  const s = new FakeServer();
  const acc = s.addAccount("ACC");
  const a = s.connect();
  const b = s.connect({ account: acc });
  s.subscribe(a, "foo.*");
  s.subscribe(a, "foo.bar", "q").delivered = 3;
  s.subscribe(b, "baz");
  assert.deepEqual(Object.keys(subszBody(subsz(s))), [
    "num_subscriptions",
    "num_cache",
    "num_inserts",
    "num_removes",
    "num_matches",
    "cache_hit_rate",
    "max_fanout",
    "avg_fanout",
  ]);
  assert.equal(subsz(s).num_subscriptions, 3);
  assert.equal(subsz(s, { account: "ACC" }).num_subscriptions, 1);
  const all = roundTrip(subsz(s, { subscriptions: true }));
  assert.deepEqual(Object.keys(all).slice(0, 2), ["server_id", "now"]);
  const subjects = all.subscriptions_list.map((d: { subject: string }) => d.subject);
  assert.deepEqual(subjects.toSorted(), ["baz", "foo.*", "foo.bar"]);
  const tested = roundTrip(subsz(s, { subscriptions: true, test: "foo.bar" }));
  assert.equal(tested.total, 2);
  const detail = tested.subscriptions_list.find((d: { subject: string }) =>
    d.subject === "foo.bar"
  );
  assert.deepEqual(detail, {
    account: "$G",
    subject: "foo.bar",
    qgroup: "q",
    sid: "2",
    msgs: 3,
    cid: 1,
  });
  const page = subsz(s, { subscriptions: true, offset: 1, limit: 1 });
  assert.deepEqual([page.total, page.offset, page.limit], [1, 1, 1]);
  assert.equal(page.subscriptions_list![0].subject, subjects[1]);
  const none = subsz(s, { subscriptions: true, test: "nothing" });
  assert.equal("server_id" in subszBody(none), false);
});

Deno.test("accountz lists accounts or details one; accstatz counts per account", () => {
  const s = new FakeServer();
  const acc = s.addAccount("ACC");
  const a = s.connect({ inMsgs: 2, inBytes: 20, outMsgs: 1, outBytes: 10 });
  s.subscribe(a, "foo");
  const list = accountz(s);
  assert.deepEqual(list.accounts, ["$G", "ACC"]);
  assert.equal(list.system_account, undefined);
  const detail = roundTrip(accountz(s, { account: "$G" })).account_detail;
  assert.deepEqual(Object.keys(detail), [
    "account_name",
    "update_time",
    "expired",
    "complete",
    "jetstream_enabled",
    "leafnode_connections",
    "client_connections",
    "subscriptions",
    "sublist_stats",
  ]);
  assert.deepEqual([detail.client_connections, detail.subscriptions], [1, 1]);
  const closer = s.connect({ account: acc, inMsgs: 7, inBytes: 70 });
  s.close(closer, "Slow Consumer (Write Deadline)");
  const stat = accountStatz(s);
  assert.deepEqual(stat.account_statz, [{
    acc: "$G",
    conns: 1,
    leafnodes: 0,
    total_conns: 1,
    sent: { msgs: 1, bytes: 10 },
    received: { msgs: 2, bytes: 20 },
    slow_consumers: 0,
  }]);
  const unused = accountStatz(s, { includeUnused: true }).account_statz;
  assert.deepEqual(unused[1].received, { msgs: 7, bytes: 70 });
  assert.equal(unused[1].slow_consumers, 1);
});

Deno.test("routez, gatewayz and leafz are empty without links", () => {
  const s = new FakeServer();
  assert.deepEqual(Object.keys(roundTrip(routez(s))), ["server_id", "now", "num_routes", "routes"]);
  assert.deepEqual(roundTrip(gatewayz(s, { accounts: true })).outbound_gateways, {});
  assert.equal(leafz(s).leafs, null);
});
