/**
 * @module
 * `/connz` semantics against a {@link FakeServer}: every sort order, paging, cid, state, auth,
 * subs, user and account filters, closed connections, and nats-server's quirks.
 */
import assert from "node:assert/strict";
import { FakeServer } from "./_fake.ts";
import { type Connz, connz, SORT_OPTIONS } from "./connz.ts";

/** Connz through a JSON round trip, as a client sees it. */
function z(server: FakeServer, opts: Parameters<typeof connz>[1] = {}): Connz {
  return JSON.parse(JSON.stringify(connz(server, opts)));
}

const cids = (r: Connz) => r.connections!.map((c) => c.cid);

function scenario(): FakeServer {
  const s = new FakeServer();
  const now = Date.now();
  const a = s.connect(
    { inMsgs: 5, outMsgs: 1, inBytes: 50, outBytes: 9, userName: "alice" },
    50_000,
  );
  const b = s.connect({ inMsgs: 1, outMsgs: 7, inBytes: 3, outBytes: 70, userName: "bob" }, 20_000);
  const c = s.connect({ inMsgs: 9, outMsgs: 3, inBytes: 9, outBytes: 1 }, 90_000);
  a.lastActivity = now - 10_000;
  b.lastActivity = now - 1_000;
  c.lastActivity = now - 80_000;
  b.out.pending = 500;
  s.subscribe(a, "foo");
  s.subscribe(b, "bar");
  s.subscribe(b, "baz.*", "workers");
  return s;
}

Deno.test("connz lists open connections by cid with nats-server's ConnInfo fields", () => {
  const s = scenario();
  const r = z(s);
  assert.equal(r.server_id, s.id);
  assert.deepEqual([r.num_connections, r.total, r.offset, r.limit], [3, 3, 0, 1024]);
  assert.deepEqual(cids(r), [1, 2, 3]);
  assert.deepEqual(Object.keys(r.connections![0]), [
    "cid",
    "kind",
    "type",
    "ip",
    "port",
    "start",
    "last_activity",
    "rtt",
    "uptime",
    "idle",
    "pending_bytes",
    "in_msgs",
    "out_msgs",
    "in_bytes",
    "out_bytes",
    "subscriptions",
    "name",
    "lang",
    "version",
  ]);
  const first = r.connections![0];
  assert.equal(first.kind, "Client");
  assert.equal(first.type, "nats");
  assert.equal(first.uptime, "50s");
  assert.equal(first.idle, "10s");
  assert.equal(first.rtt, "250µs");
});

Deno.test("every sort option orders like nats-server", () => {
  const s = scenario();
  const order: Record<string, number[]> = {
    cid: [1, 2, 3],
    start: [1, 2, 3],
    subs: [2, 1, 3],
    pending: [2, 1, 3],
    msgs_to: [2, 3, 1],
    msgs_from: [3, 1, 2],
    bytes_to: [2, 1, 3],
    bytes_from: [1, 3, 2],
    last: [2, 1, 3],
    idle: [1, 2, 3],
    uptime: [2, 1, 3],
  };
  for (const [sort, expected] of Object.entries(order)) {
    assert.deepEqual(cids(z(s, { sort })), expected, sort);
  }
  assert.deepEqual(
    Object.keys(order).concat("stop", "reason").sort(),
    [...SORT_OPTIONS].sort(),
  );
});

Deno.test("closed connections carry stop and reason and sort by them", () => {
  const s = scenario();
  const now = Date.now();
  s.close(s.clients.get(1)!, "Client Closed", now - 5_000);
  s.close(s.clients.get(3)!, "Authentication Timeout", now - 1_000);
  const r = z(s, { state: "closed" });
  assert.deepEqual([r.total, r.num_connections], [2, 2]);
  assert.deepEqual(cids(r), [1, 3]);
  assert.equal(r.connections![0].reason, "Client Closed");
  assert.ok(r.connections![0].stop);
  assert.equal(r.connections![0].uptime, "45s");
  assert.deepEqual(cids(z(s, { state: "closed", sort: "stop" })), [3, 1]);
  assert.deepEqual(cids(z(s, { state: "closed", sort: "reason" })), [3, 1]);
  const all = z(s, { state: "all" });
  assert.deepEqual([all.total, ...cids(all)], [3, 1, 2, 3]);
  assert.equal(z(s).total, 1);
});

Deno.test("offset and limit page through the sorted list", () => {
  const s = scenario();
  const r = z(s, { offset: 1, limit: 1 });
  assert.deepEqual([r.total, r.num_connections, r.offset, r.limit, ...cids(r)], [3, 1, 1, 1, 2]);
  assert.deepEqual(cids(z(s, { offset: 5 })), []);
  const neg = z(s, { offset: -3, limit: -5 });
  assert.deepEqual([neg.offset, neg.limit, neg.num_connections], [0, 1024, 3]);
});

Deno.test("cid selects one connection (closed only when state is all)", () => {
  const s = scenario();
  const one = z(s, { cid: 2 });
  assert.deepEqual([one.limit, one.total, one.num_connections, ...cids(one)], [1, 3, 1, 2]);
  assert.deepEqual(z(s, { cid: 99 }).connections, []);
  s.close(s.clients.get(2)!);
  assert.deepEqual(cids(z(s, { cid: 2, state: "all" })), [2]);
  assert.deepEqual(z(s, { cid: 1, state: "all" }).connections, []);
});

Deno.test("subs lists subjects, subs=detail lists SubDetail (with account once closed)", () => {
  const s = scenario();
  const subs = z(s, { subs: true });
  assert.deepEqual(subs.connections![1].subscriptions_list, ["bar", "baz.*"]);
  assert.equal(subs.connections![2].subscriptions_list, undefined);
  const detail = z(s, { subsDetail: true });
  assert.deepEqual(detail.connections![1].subscriptions_list_detail, [
    { subject: "bar", sid: "1", msgs: 0, cid: 2 },
    { subject: "baz.*", qgroup: "workers", sid: "2", msgs: 0, cid: 2 },
  ]);
  s.close(s.clients.get(1)!);
  const closed = z(s, { state: "closed", subsDetail: true });
  assert.deepEqual(closed.connections![0].subscriptions_list_detail, [
    { account: "$G", subject: "foo", sid: "1", msgs: 0, cid: 1 },
  ]);
  assert.deepEqual(z(s, { state: "closed", subs: true }).connections![0].subscriptions_list, [
    "foo",
  ]);
});

Deno.test("auth adds authorized_user and non-global account; user and acc filter", () => {
  const s = scenario();
  const other = s.addAccount("ACC");
  s.connect({ account: other, userName: "carol", rawAuthUser: "carol" });
  s.clients.get(1)!.rawAuthUser = "alice";
  const r = z(s, { auth: true });
  assert.equal(r.connections![0].authorized_user, "alice");
  assert.equal(r.connections![0].account, undefined);
  assert.equal(r.connections![3].account, "ACC");
  const byUser = z(s, { user: "bob" });
  assert.deepEqual([byUser.total, ...cids(byUser)], [4, 2]);
  const byAcc = z(s, { acc: "ACC", auth: true });
  assert.deepEqual([byAcc.total, ...cids(byAcc)], [1, 4]);
  const missing = z(s, { acc: "NOPE" });
  assert.deepEqual([missing.server_id, missing.connections], ["", null]);
  s.close(s.clients.get(4)!);
  s.close(s.clients.get(2)!);
  const closedAcc = z(s, { acc: "ACC", state: "closed", auth: true });
  assert.deepEqual(cids(closedAcc), [4]);
  assert.equal(closedAcc.connections![0].authorized_user, "carol");
  // nats-server keeps "" as the account of closed $G connections, so acc=$G finds none.
  assert.deepEqual(z(s, { acc: "$G", state: "closed" }).connections, []);
  assert.deepEqual(cids(z(s, { user: "bob", state: "closed" })), [2]);
});

Deno.test("an mqtt_client filter matches no NATS connection", () => {
  const s = scenario();
  assert.deepEqual(z(s, { mqttClient: "x" }).connections, []);
});
