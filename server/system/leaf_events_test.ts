/**
 * @module
 * Unit tests of the leafnode connect event in the system service (nats-server 2.9.10 events.go
 * sendLeafNodeConnect, leafNodeConnected, remoteServerUpdate/ensureGWsInterestOnlyForLeafNodes)
 * without sockets: a never-started `Server` whose gateways and leafnodes are stood in for by
 * plain objects, events caught by an internal connection's subscription.
 */
import assert from "node:assert/strict";
import { silentLogger } from "../log/logger.ts";
import { defaultOptions } from "../options.ts";
import { Server } from "../server.ts";
import { InternalConnection, type InternalMsg } from "../internal/internal_connection.ts";

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${ms}ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Fixture {
  s: Server;
  events: InternalMsg[];
  switched: string[];
  publish(subject: string, body: string): void;
  settled(): Promise<void>;
}

/** A server with (or without) a stand-in gateway `G1` and leafs bound to `leafAccounts`. */
function fixture(gateway: boolean, leafAccounts: string[] = []): Fixture {
  const s = new Server({ ...defaultOptions(), serverName: "unit" }, silentLogger());
  for (const name of ["A", "B"]) s.bindAccount(name);
  const switched: string[] = [];
  if (gateway) {
    const table = { name: "G1", switchAccountToInterestMode: (a: string) => switched.push(a) };
    Object.defineProperty(s, "gateway", { value: { table } });
  }
  const links = leafAccounts.map((name) => ({ account: s.account(name) }));
  Object.defineProperty(s, "leafnodes", { value: { registered: () => links } });
  const sys = s.account("$SYS")!;
  const events: InternalMsg[] = [];
  new InternalConnection(s, sys).subscribe("$SYS.ACCOUNT.*.LEAFNODE.CONNECT", (m) => {
    events.push(m);
  });
  const probe: InternalMsg[] = [];
  new InternalConnection(s, sys).subscribe("_PROBE", (m) => void probe.push(m));
  return {
    s,
    events,
    switched,
    publish: (subject, body) => new InternalConnection(s, sys).publish(subject, body),
    async settled() {
      const n = probe.length;
      new InternalConnection(s, sys).publish("_PROBE", "");
      await waitFor(() => probe.length > n, 1000, "probe");
    },
  };
}

Deno.test("leaf connect event: none without gateways (events.go sendLeafNodeConnect)", async () => {
  const f = fixture(false);
  f.s.system!.leafNodeConnected("A");
  await f.settled();
  assert.deepEqual(f.events, []);
});

Deno.test("leaf connect event: {server, acc} with gateways, then interest-only", async () => {
  const f = fixture(true);
  f.s.system!.leafNodeConnected("A");
  await waitFor(() => f.events.length === 1, 1000, "event");
  const [m] = f.events;
  assert.equal(m.subject, "$SYS.ACCOUNT.A.LEAFNODE.CONNECT");
  const body = m.json<{ server: Record<string, unknown>; acc: string }>();
  assert.deepEqual(Object.keys(body), ["server", "acc"]);
  assert.equal(body.acc, "A");
  assert.equal(body.server.name, "unit");
  assert.equal(body.server.cluster, "G1", "the gateway name as cluster");
  assert.ok(f.switched.includes("A"));
});

Deno.test("leaf connect event from another server: known accounts go interest-only", async () => {
  const f = fixture(true);
  f.publish("$SYS.ACCOUNT.B.LEAFNODE.CONNECT", JSON.stringify({ server: { id: "X" }, acc: "B" }));
  f.publish("$SYS.ACCOUNT.C.LEAFNODE.CONNECT", JSON.stringify({ server: { id: "X" }, acc: "C" }));
  f.publish("$SYS.ACCOUNT.B.LEAFNODE.CONNECT", JSON.stringify({ server: { id: "X" }, acc: "" }));
  f.publish("$SYS.ACCOUNT.B.LEAFNODE.CONNECT", "not json");
  await f.settled();
  assert.deepEqual(f.switched, ["B"]);
});

Deno.test("a new server's first statsz re-announces each account with leafs, once", async () => {
  const f = fixture(true, ["A", "A", "B"]);
  const statsz = (id: string) => JSON.stringify({ server: { id }, statsz: {} });
  f.publish("$SYS.SERVER.OTHER.STATSZ", statsz("OTHER"));
  await waitFor(() => f.events.length === 2, 1000, "two events");
  assert.deepEqual(f.events.map((m) => m.subject), [
    "$SYS.ACCOUNT.A.LEAFNODE.CONNECT",
    "$SYS.ACCOUNT.B.LEAFNODE.CONNECT",
  ]);
  f.publish("$SYS.SERVER.OTHER.STATSZ", statsz("OTHER"));
  f.publish(`$SYS.SERVER.${f.s.id}.STATSZ`, statsz(f.s.id));
  await f.settled();
  assert.equal(f.events.length, 2, "a known server and ourselves announce nothing");
  // A server that shut down is new again when it comes back (remoteServerShutdown).
  f.publish("$SYS.SERVER.OTHER.SHUTDOWN", "{}");
  f.publish("$SYS.SERVER.OTHER.STATSZ", statsz("OTHER"));
  await waitFor(() => f.events.length === 4, 1000, "two more events");
});

Deno.test("no re-announce on a new server without gateways", async () => {
  const f = fixture(false, ["A"]);
  f.publish("$SYS.SERVER.OTHER.STATSZ", JSON.stringify({ server: { id: "OTHER" } }));
  await f.settled();
  assert.deepEqual(f.events, []);
});
