/**
 * @module
 * Unit tests of the system service without sockets: a `Server` that is never started (or only
 * its system service is), requests published by an internal connection, events caught by an
 * internal connection's subscription, and client connections stood in for by plain objects.
 */
import assert from "node:assert/strict";
import { GLOBAL_ACCOUNT } from "../accounts/account.ts";
import { silentLogger } from "../log/logger.ts";
import { defaultOptions, type ServerOptions } from "../options.ts";
import { Server } from "../server.ts";
import { InternalConnection, type InternalMsg } from "../internal/internal_connection.ts";
import type { SystemClientView } from "./system_service.ts";

/** Polls `cond` (every few ms) until it holds; fails after `ms`. */
async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${ms}ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function server(opts: Partial<ServerOptions> = {}): Server {
  return new Server({ ...defaultOptions(), serverName: "unit", ...opts }, silentLogger());
}

/** An internal connection in `account` that records what its subscription gets. */
function listener(s: Server, account: string, subject: string): InternalMsg[] {
  const seen: InternalMsg[] = [];
  new InternalConnection(s, s.account(account)!).subscribe(subject, (m) => {
    seen.push(m);
  });
  return seen;
}

/** Publishes a request into `account` from a fresh internal connection. */
function request(s: Server, account: string, subject: string, reply: string, body = ""): void {
  new InternalConnection(s, s.account(account)!).publish(subject, body, { reply });
}

/** Resolves once messages delivered so far in `account` have been handled (a probe round). */
async function settled(s: Server, account: string): Promise<void> {
  const probe = listener(s, account, "_PROBE.settled");
  request(s, account, "_PROBE.settled", "");
  await waitFor(() => probe.length === 1, 1000, "probe");
}

function json(m: InternalMsg): Record<string, unknown> {
  return m.json();
}

function fakeClient(s: Server, cid: number, account: string): SystemClientView {
  const c = {
    cid,
    host: "127.0.0.1",
    remotePort: 5000 + cid,
    startedAt: Date.now(),
    lastActivity: Date.now(),
    inMsgs: 2,
    inBytes: 10,
    outMsgs: 1,
    outBytes: 3,
    rttMs: 0.5,
    out: { pending: 0 },
    opts: { name: "fake", lang: "deno", version: "1" },
    userName: "u",
    rawAuthUser: "u",
    account: s.bindAccount(account),
    subs: new Map(),
    closeReason: null,
    clientType: "nats",
  };
  return c;
}

Deno.test("the system account holds nats-server's 40 subscriptions, other accounts 3 imports", () => {
  const s = server();
  assert.equal(s.system?.account.name, "$SYS");
  assert.equal(s.account("$SYS")!.sublist.count, 40);
  assert.equal(s.account(GLOBAL_ACCOUNT)!.sublist.count, 3);
  s.bindAccount("LATER");
  assert.equal(s.account("LATER")!.sublist.count, 3);
  assert.equal(s.accountLinks("LATER").imports?.length, 3);
  assert.equal(s.accountLinks("$SYS").exports?.length, 3);
});

Deno.test("no system account with no_system_account, and none in a shard worker", () => {
  const off = server({ noSystemAccount: true });
  assert.equal(off.system, null);
  assert.equal(off.account("$SYS"), null);
  assert.equal(off.account(GLOBAL_ACCOUNT)!.sublist.count, 0);
  const shard = new Server(defaultOptions(), silentLogger(), {
    serverId: "NSHARD",
    startedAt: Date.now(),
    index: 0,
    count: 2,
  });
  assert.equal(shard.system, null);
  assert.equal(shard.account("$SYS"), null);
});

Deno.test("system_account names the account the service runs in", () => {
  const s = server({ systemAccount: "OPS" });
  assert.equal(s.system?.account.name, "OPS");
  assert.equal(s.account("OPS")!.sublist.count, 40);
});

Deno.test("a PING.HEALTHZ request is answered on its reply with {server, data}", async () => {
  const s = server();
  const replies = listener(s, "$SYS", "_INBOX.t");
  request(s, "$SYS", "$SYS.REQ.SERVER.PING.HEALTHZ", "_INBOX.t");
  await waitFor(() => replies.length === 1, 1000, "reply");
  const r = json(replies[0]);
  assert.deepEqual(Object.keys(r), ["server", "data"]);
  assert.deepEqual(r.data, { status: "ok" });
  const info = r.server as Record<string, unknown>;
  assert.deepEqual([info.name, info.id, info.ver, info.jetstream], ["unit", s.id, "2.9.10", false]);
});

Deno.test("a request without a reply is ignored, a filtered one too", async () => {
  const s = server();
  const replies = listener(s, "$SYS", "_INBOX.>");
  request(s, "$SYS", "$SYS.REQ.SERVER.PING.VARZ", "");
  request(s, "$SYS", "$SYS.REQ.SERVER.PING.VARZ", "_INBOX.f", '{"server_name":"other"}');
  request(s, "$SYS", "$SYS.REQ.SERVER.PING.VARZ", "_INBOX.m", '{"server_name":"un"}');
  await waitFor(() => replies.length === 1, 1000, "reply");
  assert.equal(replies[0].subject, "_INBOX.m");
});

Deno.test("an import in another account answers CONNZ for that account only", async () => {
  const s = server();
  s.clients.set(40, fakeClient(s, 40, "A") as never);
  s.clients.set(41, fakeClient(s, 41, "B") as never);
  const replies = listener(s, "A", "_INBOX.a");
  request(s, "A", "$SYS.REQ.SERVER.PING.CONNZ", "_INBOX.a");
  await waitFor(() => replies.length === 1, 1000, "reply");
  const data = json(replies[0]).data as { connections: { cid: number }[] };
  assert.deepEqual(data.connections.map((c) => c.cid), [40]);
});

Deno.test("connect, disconnect and account connection events for a non-global account", async () => {
  const s = server({ authorizationToken: "t" });
  const events = listener(s, "$SYS", "$SYS.ACCOUNT.>");
  const c = fakeClient(s, 7, "A");
  s.clients.set(7, c as never);
  s.system!.clientAuthorized(c);
  s.clients.delete(7);
  s.system!.clientRemoved(c, "Client Closed");
  await waitFor(() => events.length === 4, 1000, "events");
  assert.deepEqual(events.map((m) => m.subject), [
    "$SYS.ACCOUNT.A.SERVER.CONNS",
    "$SYS.ACCOUNT.A.CONNECT",
    "$SYS.ACCOUNT.A.SERVER.CONNS",
    "$SYS.ACCOUNT.A.DISCONNECT",
  ]);
  const connect = json(events[1]);
  assert.deepEqual(Object.keys(connect.client as object), [
    "start",
    "host",
    "id",
    "acc",
    "user",
    "name",
    "lang",
    "ver",
    "kind",
    "client_type",
  ]);
  const disconnect = json(events[3]);
  assert.deepEqual([disconnect.sent, disconnect.received, disconnect.reason], [
    { msgs: 2, bytes: 10 },
    { msgs: 1, bytes: 3 },
    "Client Closed",
  ]);
  assert.equal((disconnect.client as Record<string, unknown>).rtt, 500_000);
  assert.deepEqual([json(events[0]).conns, json(events[2]).conns], [1, 0]);
});

Deno.test("global account clients get no connect events", async () => {
  const s = server();
  const events = listener(s, "$SYS", "$SYS.ACCOUNT.*.CONNECT");
  const conns = listener(s, "$SYS", "$SYS.ACCOUNT.*.SERVER.CONNS");
  const c = fakeClient(s, 8, GLOBAL_ACCOUNT);
  s.clients.set(8, c as never);
  s.system!.clientAdded(c);
  s.system!.clientAuthorized(c);
  await waitFor(() => conns.length === 1, 1000, "conns event");
  assert.deepEqual(events, []);
});

Deno.test("statsz backs off from 250ms to the interval; shutdown sends SHUTDOWN and stops", async () => {
  const s = server({ statszIntervalMs: 600 });
  const stats = listener(s, "$SYS", "$SYS.SERVER.*.STATSZ");
  const down = listener(s, "$SYS", "$SYS.SERVER.*.SHUTDOWN");
  const sys = s.system!;
  sys.start();
  assert.equal(sys.statszPeriodMs, 250);
  await waitFor(() => stats.length >= 3, 3000, "three heartbeats");
  assert.equal(sys.statszPeriodMs, 600);
  const seqs = stats.map((m) => (json(m).server as { seq: number }).seq);
  assert.ok(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]), String(seqs));
  assert.equal(stats[0].subject, `$SYS.SERVER.${s.id}.STATSZ`);
  sys.shutdown();
  await settled(s, "$SYS");
  assert.equal(down.length, 1);
  assert.equal(json(down[0]).id, s.id);
  const before = stats.length;
  request(s, "$SYS", "$SYS.REQ.SERVER.PING", "_INBOX.late");
  await settled(s, "$SYS");
  assert.equal(stats.length, before);
});
