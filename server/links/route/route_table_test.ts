/**
 * @module
 * The cluster logic without sockets: RouteTables of several servers joined by in-memory pipes
 * (a tiny stand-in for the cluster manager): gossip to a full mesh, both sides soliciting each
 * other (duplicate routes), dynamic cluster names converging, interest replay and updates, the
 * reconnect decisions after a close, and connect URLs ref-counted for client INFO.
 */
import assert from "node:assert/strict";
import { Account } from "../../accounts/account.ts";
import { ServerStats } from "../../client/context.ts";
import type { Flushable } from "../../client/context.ts";
import { silentLogger } from "../../log/logger.ts";
import { defaultOptions } from "../../options.ts";
import type { SublistEntry } from "../../client/subscription.ts";
import { parseClusterOptions, type RouteUrl } from "./cluster_options.ts";
import { type ClusterServer, RouteLink, type RouteType } from "./route_link.ts";
import { type ClusterEffects, RouteTable, type SolicitOptions } from "./route_table.ts";
import { FanOut } from "../../routing/fan_out.ts";

let nextId = 0;

/** One server: a table, its account, and the pipes it dials through the network. */
class Node implements ClusterServer, ClusterEffects {
  readonly id: string;
  readonly name: string;
  readonly options = defaultOptions();
  readonly logger = silentLogger();
  readonly stats = new ServerStats();
  readonly fanOut = new FanOut();
  /** Time stands still and no timer fires: these tests drive the protocol by hand. */
  readonly clock = { now: () => 0, after: () => ({ cancel() {} }) };
  readonly global = new Account("$G");
  readonly table: RouteTable;
  readonly solicited: { url: RouteUrl; type: RouteType; opts: SolicitOptions }[] = [];
  clientInfoChanges = 0;
  #cid = 0;

  constructor(readonly net: Network, readonly port: number, cluster: Record<string, unknown>) {
    this.id = `N${String(++nextId).padStart(55, "0")}`;
    this.name = `s${port}`;
    const config = parseClusterOptions({ listen: `127.0.0.1:${port}`, ...cluster }).config!;
    this.table = new RouteTable(this, config, this, () => 0.5, config.name || `dyn${port}`, {
      serverId: this.id,
      serverName: this.name,
      version: "2.9.10",
      goVersion: "go1.19.4",
      host: "127.0.0.1",
      port,
      headers: true,
      authRequired: false,
      maxPayload: 1 << 20,
      ip: "",
      cluster: config.name,
      dynamic: config.name === "",
      connectUrls: [`127.0.0.1:${port + 1000}`],
    });
  }

  account(name?: string): Account | null {
    return (name ?? "$G") === "$G" ? this.global : null;
  }

  markDirty(c: Flushable): void {
    queueMicrotask(() => c.flushOutbound());
  }

  nextCid(): number {
    return ++this.#cid;
  }

  solicit(url: RouteUrl, type: RouteType, opts: SolicitOptions): void {
    this.solicited.push({ url, type, opts });
    if (this.net.autoDial) this.net.dial(this, url, type);
  }

  clientInfoChanged(): void {
    this.clientInfoChanges++;
  }

  /** Starts soliciting the configured routes, as the manager does. */
  start(): void {
    for (const r of this.table.config.routes) {
      this.solicit(r, 1, { delayMs: 0, tryForEver: true, firstConnect: true });
    }
  }
}

/** Delivers bytes written on one side to the other side's link, asynchronously. */
class Pipe {
  peer: RouteLink | null = null;
  closed = false;
  onClose: () => void = () => {};
  write(p: Uint8Array): Promise<number> {
    const copy = p.slice();
    queueMicrotask(() => {
      if (!this.closed && this.peer && !this.peer.closed) this.peer.feed(copy, 0);
    });
    return Promise.resolve(p.length);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.onClose());
  }
}

class Network {
  readonly nodes = new Map<number, Node>();
  autoDial = true;

  add(port: number, cluster: Record<string, unknown>): Node {
    const n = new Node(this, port, { name: "c1", ...cluster });
    this.nodes.set(port, n);
    return n;
  }

  dial(from: Node, url: RouteUrl, type: RouteType): void {
    const to = this.nodes.get(url.port);
    if (!to) return;
    const a = new Pipe();
    const b = new Pipe();
    const out = new RouteLink(from.table, a, {
      cid: from.nextCid(),
      remoteHost: "127.0.0.1",
      remotePort: url.port,
      url,
      routeType: type,
      now: 0,
    });
    const inn = new RouteLink(to.table, b, {
      cid: to.nextCid(),
      remoteHost: "127.0.0.1",
      remotePort: 40000 + from.port,
      url: null,
      routeType: 0,
      now: 0,
    });
    a.peer = inn;
    b.peer = out;
    // A socket closed on one side is an EOF on the other.
    a.onClose = () => inn.close("Client Closed");
    b.onClose = () => out.close("Client Closed");
    from.table.links.add(out);
    to.table.links.add(inn);
    inn.start(null, to.table.routeInfoJson("n1"), 0);
    out.start(from.table.connectJson(url), from.table.routeInfoJson("n2"), 0);
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

function meshOf(nodes: Node[]): string[][] {
  return nodes.map((n) => [...n.table.remotes.keys()].sort());
}

function expectedMesh(nodes: Node[]): string[][] {
  return nodes.map((n) => nodes.filter((m) => m !== n).map((m) => m.id).sort());
}

Deno.test("a server seeded with one route learns the others by gossip: full mesh", async () => {
  const net = new Network();
  const a = net.add(7001, {});
  const b = net.add(7002, { routes: ["nats://127.0.0.1:7001"] });
  const c = net.add(7003, { routes: ["nats://127.0.0.1:7001"] });
  const d = net.add(7004, { routes: ["nats://127.0.0.1:7002"] });
  for (const n of [a, b, c, d]) n.start();
  await settle();
  assert.deepEqual(meshOf([a, b, c, d]), expectedMesh([a, b, c, d]));
  // Implicit routes are dialed once, without retrying forever.
  const implicit = [a, b, c, d].flatMap((n) => n.solicited.filter((s) => s.type === 0));
  assert.ok(implicit.length > 0);
  assert.ok(implicit.every((s) => !s.opts.tryForEver && s.opts.firstConnect));
  // Every server advertises the others' client URLs.
  assert.deepEqual(
    a.table.clientConnectUrls(["127.0.0.1:8001"]).sort(),
    ["127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003", "127.0.0.1:8004"],
  );
});

Deno.test("two servers soliciting each other keep one route; the duplicate is closed", async () => {
  const net = new Network();
  const a = net.add(7101, { routes: ["nats://127.0.0.1:7102"] });
  const b = net.add(7102, { routes: ["nats://127.0.0.1:7101"] });
  a.start();
  b.start();
  await settle();
  assert.deepEqual(meshOf([a, b]), expectedMesh([a, b]));
  assert.equal(a.table.links.size, 1, "the second connection was closed");
  assert.equal(b.table.links.size, 1);
  // route.go addRoute: the survivor takes the solicited role and retries if it breaks.
  for (const n of [a, b]) {
    const [r] = n.table.routes.values();
    assert.equal(r.didSolicit, true);
    assert.equal(r.retry, true);
  }
});

Deno.test("dynamic cluster names converge on the configured one", async () => {
  const net = new Network();
  const a = net.add(7201, { name: "" });
  const b = net.add(7202, { name: "fixed", routes: ["nats://127.0.0.1:7201"] });
  a.start();
  b.start();
  await settle();
  assert.equal(a.table.clusterName, "fixed");
  assert.equal(a.table.clusterDynamic, false);
  assert.deepEqual(meshOf([a, b]), expectedMesh([a, b]));
});

Deno.test("a configured name mismatch rejects the route", async () => {
  const net = new Network();
  net.autoDial = true;
  const a = net.add(7301, { name: "one" });
  const b = net.add(7302, { name: "two", routes: ["nats://127.0.0.1:7301"] });
  net.autoDial = false;
  b.start();
  net.dial(b, b.table.config.routes[0], 1);
  await settle();
  assert.equal(a.table.remotes.size, 0);
  assert.equal(b.table.remotes.size, 0);
});

Deno.test("interest is replayed to a new route and updated on every route after", async () => {
  const net = new Network();
  const a = net.add(7401, {});
  const b = net.add(7402, { routes: ["nats://127.0.0.1:7401"] });
  a.table.localInterestChanged("$G", "before", null, 1);
  a.table.localInterestChanged("$G", "q.sub", "workers", 1);
  a.table.localInterestChanged("$G", "q.sub", "workers", 1);
  a.start();
  b.start();
  await settle();
  const remote = () =>
    b.global.sublist.all().map((e: SublistEntry) => `${e.subject}|${e.queue}|${e.weight}`).sort();
  assert.deepEqual(remote(), ["before|null|1", "q.sub|workers|2"]);
  a.table.localInterestChanged("$G", "after", null, 1);
  a.table.localInterestChanged("$G", "after", null, 1);
  a.table.localInterestChanged("$G", "q.sub", "workers", -1);
  a.table.localInterestChanged("$G", "before", null, -1);
  await settle();
  assert.deepEqual(remote(), ["after|null|1", "q.sub|workers|1"]);
  a.table.localInterestChanged("$G", "q.sub", "workers", -1);
  await settle();
  assert.deepEqual(remote(), ["after|null|1"]);
});

Deno.test("a closed route drops its interest and connect URLs; an explicit one is redialed", async () => {
  const net = new Network();
  const a = net.add(7501, {});
  const b = net.add(7502, { routes: ["nats://127.0.0.1:7501"] });
  a.table.localInterestChanged("$G", "x", null, 1);
  a.start();
  b.start();
  await settle();
  assert.equal(b.global.sublist.count, 1);
  net.autoDial = false;
  const before = b.clientInfoChanges;
  [...a.table.routes.values()][0].close("Client Closed");
  await settle();
  assert.equal(b.global.sublist.count, 0);
  assert.ok(b.clientInfoChanges > before, "clients learn the URL is gone");
  assert.deepEqual(b.table.clientConnectUrls(["127.0.0.1:8502"]), ["127.0.0.1:8502"]);
  const redial = b.solicited.at(-1)!;
  assert.equal(redial.url.port, 7501);
  assert.equal(redial.opts.tryForEver, true);
  assert.equal(redial.opts.firstConnect, false);
  assert.ok(redial.opts.delayMs >= 1000 && redial.opts.delayMs < 1100);
  // a accepted the route: it does not redial.
  assert.equal(a.solicited.length, 0);
});

Deno.test("a route to ourselves is closed and never retried", async () => {
  const net = new Network();
  const a = net.add(7601, { routes: ["nats://127.0.0.1:7601"] });
  a.start();
  await settle();
  assert.equal(a.table.remotes.size, 0);
  assert.equal(a.solicited.length, 1);
});
