/**
 * @module
 * The route port byte for byte: a fake route (raw socket) talks to denats and, when installed,
 * to the reference nats-server 2.9.10 with the same cases (a difference is a bug): the route
 * INFO, CONNECT checks and their -ERR texts (auth, auth timeout, cluster name, a client on the
 * route port), RS+/RS- for local interest with queue weights, RMSG/HMSG both ways with the
 * `+ reply` / `|` queue forms, and duplicate-route rejection.
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/raw_client.ts";
import {
  freePort,
  haveReference,
  InProcessNode,
  type NodeConfig,
  ProcessNode,
  TempDir,
} from "./_cluster.ts";

interface RouteTarget extends AsyncDisposable {
  kind: string;
  clientPort: number;
  clusterPort: number;
}

type Auth = { user: string; password: string; authTimeout?: number } | null;
/** More `cluster {}` fields; `name: null` leaves the name out (a dynamic name). */
type Extra = Record<string, unknown>;

async function denatsTarget(auth: Auth, extra: Extra = {}): Promise<RouteTarget> {
  const clusterPort = freePort();
  const authorization = auth
    ? { user: auth.user, password: auth.password, timeout: auth.authTimeout ?? 2 }
    : undefined;
  const { name = "c1", ...rest } = extra;
  const cluster: Record<string, unknown> = { listen: `127.0.0.1:${clusterPort}`, ...rest };
  if (name !== null) cluster.name = name;
  if (authorization) cluster.authorization = authorization;
  const node = await InProcessNode.start("wire", { cluster });
  return {
    kind: "denats",
    clientPort: node.clientPort,
    clusterPort: node.clusterPort,
    [Symbol.asyncDispose]: () => node.stop(),
  };
}

async function natsServerTarget(auth: Auth, extra: Extra = {}): Promise<RouteTarget> {
  const dir = await TempDir.create();
  const { name = "c1", ...rest } = extra;
  const c: NodeConfig = {
    name: "wire",
    port: freePort(),
    clusterPort: freePort(),
    clusterName: name === null ? undefined : String(name),
    clusterExtra: rest,
    user: auth?.user,
    password: auth?.password,
    authTimeout: auth?.authTimeout,
  };
  const node = await ProcessNode.start("nats-server", dir, c);
  return {
    kind: "nats-server",
    clientPort: node.clientPort,
    clusterPort: node.clusterPort,
    [Symbol.asyncDispose]: async () => {
      await node.stop();
      await dir[Symbol.asyncDispose]();
    },
  };
}

const TARGETS: [string, (auth: Auth, extra?: Extra) => Promise<RouteTarget>][] = [
  ["denats", denatsTarget],
];
if (haveReference()) TARGETS.push(["nats-server", natsServerTarget]);

const FAKE_ID = "NFAKEROUTE" + "A".repeat(46);

function fakeInfo(id = FAKE_ID, cluster = "c1"): string {
  return JSON.stringify({
    server_id: id,
    server_name: "fake",
    version: "2.9.10",
    proto: 2,
    go: "go1.19.4",
    host: "127.0.0.1",
    port: 1,
    headers: true,
    max_payload: 1048576,
    cluster,
    lnoc: true,
  });
}

function fakeConnect(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    echo: true,
    verbose: false,
    pedantic: false,
    tls_required: false,
    headers: true,
    name: FAKE_ID,
    cluster: "c1",
    lnoc: true,
    ...extra,
  });
}

/** A fake route that completed the handshake (CONNECT, INFO, then a PING round trip). */
async function fakeRoute(t: RouteTarget, id = FAKE_ID): Promise<RawClient> {
  const r = await RawClient.dial({ host: "127.0.0.1", port: t.clusterPort });
  await r.readInfo();
  await r.send(`CONNECT ${fakeConnect({ name: id })}\r\nINFO ${fakeInfo(id)}\r\nPING\r\n`);
  await r.expect(/PONG\r\n/);
  return r;
}

/** Everything before the PONG answering our PING (interest and messages sent until then). */
async function routeFlush(r: RawClient): Promise<string> {
  await r.send("PING\r\n");
  const m = await r.expect(/PONG\r\n/, 3000);
  return m.input.slice(0, m.index);
}

for (const [kind, start] of TARGETS) {
  Deno.test(`${kind}: the route INFO has nats-server's fields in nats-server's order`, async () => {
    await using t = await start(null);
    await using r = await RawClient.dial({ host: "127.0.0.1", port: t.clusterPort });
    const info = await r.readInfo();
    assert.deepEqual(Object.keys(info), [
      "server_id",
      "server_name",
      "version",
      "proto",
      "go",
      "host",
      "port",
      "headers",
      "max_payload",
      "nonce",
      "cluster",
      "connect_urls",
      "lnoc",
    ]);
    assert.equal(info.proto, 2);
    assert.equal(info.lnoc, true);
    assert.equal(info.cluster, "c1");
    assert.equal(info.host, "127.0.0.1");
    assert.equal(info.port, t.clusterPort);
    assert.deepEqual(info.connect_urls, [`127.0.0.1:${t.clientPort}`]);
  });

  Deno.test(`${kind}: advertise, no_advertise and a dynamic name shape the route INFO`, async () => {
    await using adv = await start(null, { cluster_advertise: "10.1.2.3:7777", no_advertise: true });
    await using r = await RawClient.dial({ host: "127.0.0.1", port: adv.clusterPort });
    const info = await r.readInfo();
    assert.deepEqual([info.host, info.port, info.ip], [
      "10.1.2.3",
      7777,
      "nats-route://10.1.2.3:7777/",
    ]);
    assert.equal("connect_urls" in info, false);
    await using dyn = await start(null, { name: null });
    await using r2 = await RawClient.dial({ host: "127.0.0.1", port: dyn.clusterPort });
    const info2 = await r2.readInfo();
    assert.deepEqual(Object.keys(info2).slice(9, 13), [
      "nonce",
      "cluster",
      "cluster_dynamic",
      "connect_urls",
    ]);
    assert.equal(info2.cluster_dynamic, true);
    assert.match(String(info2.cluster), /^[0-9A-Za-z]{22}$/);
  });

  Deno.test(`${kind}: a route must open with CONNECT only when the cluster has credentials`, async () => {
    await using open = await start(null);
    await using r = await RawClient.dial({ host: "127.0.0.1", port: open.clusterPort });
    await r.readInfo();
    await r.send("PING\r\n");
    await r.expect(/^PONG\r\n/);
    await using t = await start({ user: "ruser", password: "s3cret" });
    await using r2 = await RawClient.dial({ host: "127.0.0.1", port: t.clusterPort });
    await r2.readInfo();
    await r2.send("PING\r\n");
    assert.equal(await r2.expectClosed(), "-ERR 'Authorization Violation'\r\n");
  });

  Deno.test(`${kind}: route credentials are checked, and CONNECT must come in time`, async () => {
    await using t = await start({ user: "ruser", password: "s3cret", authTimeout: 1 });
    await using bad = await RawClient.dial({ host: "127.0.0.1", port: t.clusterPort });
    const info = await bad.readInfo();
    assert.equal(info.auth_required, true);
    await bad.send(`CONNECT ${fakeConnect({ user: "ruser", pass: "nope" })}\r\n`);
    assert.equal(await bad.expectClosed(), "-ERR 'Authorization Violation'\r\n");
    await using good = await RawClient.dial({ host: "127.0.0.1", port: t.clusterPort });
    await good.readInfo();
    await good.send(`CONNECT ${fakeConnect({ user: "ruser", pass: "s3cret" })}\r\nPING\r\n`);
    await good.expect(/PONG\r\n/);
    await using silent = await RawClient.dial({ host: "127.0.0.1", port: t.clusterPort });
    await silent.readInfo();
    assert.equal(await silent.expectClosed(4000), "-ERR 'Authentication Timeout'\r\n");
  });

  Deno.test(`${kind}: another cluster name and a client on the route port are rejected`, async () => {
    await using t = await start(null);
    await using other = await RawClient.dial({ host: "127.0.0.1", port: t.clusterPort });
    await other.readInfo();
    await other.send(`CONNECT ${fakeConnect({ cluster: "other" })}\r\n`);
    assert.equal(
      await other.expectClosed(),
      `-ERR 'Rejecting connection, cluster name "other" does not match "c1"'\r\n`,
    );
    await using cli = await RawClient.dial({ host: "127.0.0.1", port: t.clusterPort });
    await cli.readInfo();
    await cli.send(`CONNECT {"verbose":false,"pedantic":false,"lang":"go","version":"1.0"}\r\n`);
    assert.equal(await cli.expectClosed(), "-ERR 'attempted to connect to route port'\r\n");
  });

  Deno.test(`${kind}: local interest goes out as RS+/RS- with queue weights`, async () => {
    await using t = await start(null);
    await using r = await fakeRoute(t);
    await using c = await RawClient.open({ host: "127.0.0.1", port: t.clientPort });
    await c.send("SUB foo 1\r\nSUB bar q 2\r\nSUB bar q 3\r\nSUB foo 4\r\n");
    await c.flush();
    const subs = (await routeFlush(r)).split("\r\n").filter((l) => l.includes(" $G "));
    assert.deepEqual(subs, ["RS+ $G foo", "RS+ $G bar q 1", "RS+ $G bar q 2"]);
    await c.send("UNSUB 1\r\nUNSUB 4\r\n");
    await c.flush();
    const unsubs = (await routeFlush(r)).split("\r\n").filter((l) => l.includes(" $G "));
    assert.deepEqual(unsubs, ["RS- $G foo"]);
    await c.close();
    await r.expect(/RS- \$G bar q\r\n/, 3000);
  });

  Deno.test(`${kind}: messages cross the route once, with reply and queue forms`, async () => {
    await using t = await start(null);
    await using r = await fakeRoute(t);
    await using c = await RawClient.open({ host: "127.0.0.1", port: t.clientPort }, {
      headers: true,
    });
    // No remote interest: nothing crosses.
    await c.send("PUB baz 5\r\nhello\r\n");
    await c.flush();
    assert.doesNotMatch(await routeFlush(r), /RMSG/);
    await r.send("RS+ $G baz\r\nRS+ $G ba* \r\nRS+ $G qq workers 2\r\nPING\r\n");
    await r.expect(/PONG\r\n/);
    await c.send(
      "PUB baz 5\r\nhello\r\nPUB baz _R.1 2\r\nhi\r\nPUB qq 1\r\nx\r\nPUB qq _R.2 1\r\ny\r\n",
    );
    await c.send("HPUB baz 12 14\r\nNATS/1.0\r\n\r\nhi\r\n");
    await c.flush();
    const out = await routeFlush(r);
    assert.equal(
      out.replace(/(RS\+|RMSG) \$SYS[^\r]*\r\n(?:[^\r]*\r\n)?/g, ""),
      "RMSG $G baz 5\r\nhello\r\nRMSG $G baz _R.1 2\r\nhi\r\nRMSG $G qq | workers 1\r\nx\r\n" +
        "RMSG $G qq + _R.2 workers 1\r\ny\r\nHMSG $G baz 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
    );
    await r.send("RS- $G baz\r\nRS- $G ba*\r\nPING\r\n");
    await r.expect(/PONG\r\n/);
    await c.send("PUB baz 1\r\nz\r\n");
    await c.flush();
    assert.doesNotMatch(await routeFlush(r), /RMSG \$G baz/);
  });

  Deno.test(`${kind}: routed messages reach local subscribers, queue groups only when named`, async () => {
    await using t = await start(null);
    await using r = await fakeRoute(t);
    await using c = await RawClient.open({ host: "127.0.0.1", port: t.clientPort });
    await c.send("SUB foo 1\r\nSUB work q 2\r\n");
    await c.flush();
    await r.expect(/RS\+ \$G work q 1\r\n/);
    await r.send("RMSG $G foo 2\r\nhi\r\nRMSG $G foo _INBOX.x 02\r\nhi\r\n");
    assert.deepEqual(await c.expectMsg(), { op: "MSG", subject: "foo", sid: "1", payload: "hi" });
    assert.deepEqual(await c.expectMsg(), {
      op: "MSG",
      subject: "foo",
      sid: "1",
      reply: "_INBOX.x",
      payload: "hi",
    });
    await r.send(
      "RMSG $G work 1\r\na\r\nRMSG $G work | other 1\r\nb\r\nRMSG $G work | q 1\r\nc\r\n",
    );
    await r.send(
      "RMSG $G work + _R q 1\r\nd\r\nRMSG $G nobody 1\r\ne\r\nRMSG NOACC foo 1\r\nf\r\n",
    );
    assert.deepEqual(await c.expectMsg(), { op: "MSG", subject: "work", sid: "2", payload: "c" });
    const d = await c.expectMsg();
    assert.deepEqual([d.reply, d.payload], ["_R", "d"]);
    await c.expectNothing();
    // The route is still up after an unknown account.
    await routeFlush(r);
  });

  Deno.test(`${kind}: a second route from the same server is closed as a duplicate`, async () => {
    await using t = await start(null);
    await using first = await fakeRoute(t);
    await using second = await RawClient.dial({ host: "127.0.0.1", port: t.clusterPort });
    await second.readInfo();
    await second.send(`CONNECT ${fakeConnect()}\r\nINFO ${fakeInfo()}\r\n`);
    await second.expectClosed(3000);
    await routeFlush(first);
  });
}
