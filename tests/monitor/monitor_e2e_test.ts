/**
 * @module
 * Monitoring end to end on denats: a real server with `httpPort: -1`, raw-protocol and
 * `@nats-io/transport-node` clients, and `/varz`, `/connz`, `/subsz` and friends read over
 * HTTP. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import * as nats from "@nats-io/transport-node";
import { startServer } from "../../mod.ts";
import { Logger } from "../../server/log/logger.ts";
import { RawClient } from "../helpers/raw_client.ts";
import { waitFor } from "../helpers/poll.ts";
import { runScenario } from "./_scenario.ts";
import { denatsMonitor, fetchMonitor, monitorJson } from "./_targets.ts";

interface Conn {
  cid: number;
  name?: string;
  [key: string]: unknown;
}
interface Connz {
  num_connections: number;
  total: number;
  offset: number;
  limit: number;
  connections: Conn[];
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;
const GO_DURATION = /^(\d+(\.\d+)?(ns|µs|ms|s)|(\d+h)?(\d+m)?\d+(\.\d+)?s)$/;

Deno.test("startup logs the monitor listener before the client listener", async () => {
  const lines: string[] = [];
  const logger = new Logger((l) => lines.push(l), {
    pid: 1,
    debug: false,
    trace: false,
    logtime: false,
    logtimeUTC: false,
  });
  await using server = await startServer({ host: "127.0.0.1", port: -1, httpPort: -1, logger });
  const port = server.server.monitorPort;
  assert.ok(port > 0);
  assert.equal(server.monitorUrl, `http://127.0.0.1:${port}`);
  const monitor = lines.findIndex((l) => l.endsWith(`Starting http monitor on 127.0.0.1:${port}`));
  const client = lines.findIndex((l) => l.includes("Listening for client connections"));
  assert.ok(monitor >= 0 && monitor < client, lines.join("\n"));
});

Deno.test("no monitor listener without http_port, and it stops with the server", async () => {
  const plain = await startServer({ host: "127.0.0.1", port: -1, quiet: true });
  assert.equal(plain.monitorUrl, undefined);
  assert.equal(plain.server.monitorPort, 0);
  await plain.close();
  const t = await denatsMonitor();
  assert.equal((await fetchMonitor(t, "/healthz")).text, '{"status":"ok"}');
  await t.close();
  await assert.rejects(fetch(t.monitorUrl + "/healthz"));
});

Deno.test("/varz counts the scenario's traffic with live process values", async () => {
  await using t = await denatsMonitor({ serverName: "mon-e2e" });
  await using _clients = await runScenario(t);
  const v = await monitorJson(t, "/varz");
  assert.equal(v.server_name, "mon-e2e");
  assert.equal(v.port, t.port);
  assert.equal(v.http_port, -1);
  assert.deepEqual(
    [v.connections, v.total_connections, v.subscriptions, v.slow_consumers],
    [2, 3, 3, 0],
  );
  assert.deepEqual([v.in_msgs, v.out_msgs, v.in_bytes, v.out_bytes], [2, 2, 8, 8]);
  assert.ok((v.mem as number) > 1_000_000);
  assert.equal(typeof v.cpu, "number");
  assert.equal(v.cores, navigator.hardwareConcurrency);
  assert.match(v.uptime as string, /^\d+s$/);
  assert.match(v.start as string, ISO);
  assert.match(v.now as string, ISO);
  const stats = v.http_req_stats as Record<string, number>;
  assert.ok(stats["/connz"] >= 1 && stats["/varz"] === 1, JSON.stringify(stats));
});

Deno.test("/connz describes each connection like nats-server", async () => {
  await using t = await denatsMonitor();
  await using _clients = await runScenario(t);
  const z = await monitorJson<Connz>(t, "/connz?subs=1&auth=1");
  assert.deepEqual([z.num_connections, z.total, z.offset, z.limit], [2, 2, 0, 1024]);
  const [alpha, beta] = z.connections;
  assert.equal(alpha.name, "alpha");
  assert.deepEqual([alpha.kind, alpha.type, alpha.ip], ["Client", "nats", "127.0.0.1"]);
  assert.deepEqual([alpha.lang, alpha.version, alpha.authorized_user], ["deno", "1.0", "bob"]);
  assert.deepEqual(alpha.subscriptions_list, ["foo", "bar.*"]);
  assert.deepEqual([alpha.in_msgs, alpha.out_msgs, alpha.in_bytes, alpha.out_bytes], [0, 2, 0, 8]);
  assert.deepEqual([beta.in_msgs, beta.out_msgs, beta.in_bytes, beta.out_bytes], [2, 0, 8, 0]);
  assert.equal(beta.authorized_user, undefined);
  for (const c of z.connections) {
    assert.match(c.start as string, ISO);
    assert.match(c.last_activity as string, ISO);
    assert.match(c.rtt as string, GO_DURATION);
    assert.notEqual(c.rtt, "0s");
    assert.match(c.uptime as string, /^\d+s$/);
    assert.equal(typeof c.port, "number");
    assert.equal(c.pending_bytes, 0);
  }
  // The subscriber's last activity is its delivery, after it connected.
  assert.ok(Date.parse(alpha.last_activity as string) >= Date.parse(alpha.start as string));
});

Deno.test("/connz honours every query option over HTTP", async () => {
  await using t = await denatsMonitor();
  await using _clients = await runScenario(t);
  const names = async (q: string) =>
    (await monitorJson<Connz>(t, "/connz" + q)).connections.map((c) => c.name);
  assert.deepEqual(await names("?sort=msgs_from"), ["beta", "alpha"]);
  assert.deepEqual(await names("?sort=msgs_to"), ["alpha", "beta"]);
  assert.deepEqual(await names("?sort=bytes_from"), ["beta", "alpha"]);
  assert.deepEqual(await names("?sort=bytes_to"), ["alpha", "beta"]);
  assert.deepEqual(await names("?sort=subs"), ["alpha", "beta"]);
  for (const sort of ["cid", "start", "pending", "last", "idle", "uptime"]) {
    assert.equal((await names(`?sort=${sort}`)).length, 2, sort);
  }
  assert.deepEqual(await names("?limit=1"), ["alpha"]);
  assert.deepEqual(await names("?limit=1&offset=1"), ["beta"]);
  assert.deepEqual(await names("?offset=9"), []);
  assert.deepEqual(await names("?state=closed"), ["gamma"]);
  assert.deepEqual(await names("?state=all"), ["alpha", "beta", "gamma"]);
  assert.deepEqual(await names("?state=closed&sort=stop"), ["gamma"]);
  assert.deepEqual(await names("?state=closed&sort=reason"), ["gamma"]);
  assert.deepEqual(await names("?user=bob"), ["alpha"]);
  assert.deepEqual(await names("?acc=$G"), ["alpha", "beta"]);
  const closed = await monitorJson<Connz>(t, "/connz?state=closed&subs=detail");
  const gamma = closed.connections[0];
  assert.equal(gamma.reason, "Client Closed");
  assert.match(gamma.stop as string, ISO);
  assert.deepEqual(gamma.subscriptions_list_detail, [
    { account: "$G", subject: "zzz", sid: "1", msgs: 0, cid: gamma.cid },
  ]);
  const alpha = (await monitorJson<Connz>(t, "/connz?subs=detail")).connections[0];
  assert.deepEqual(alpha.subscriptions_list_detail, [
    { subject: "foo", sid: "1", msgs: 1, cid: alpha.cid },
    { subject: "bar.*", qgroup: "q1", sid: "2", msgs: 1, max: 5, cid: alpha.cid },
  ]);
  const one = await monitorJson<Connz>(t, `/connz?cid=${alpha.cid}`);
  assert.deepEqual([one.limit, one.num_connections, one.connections[0].name], [1, 1, "alpha"]);
  const missing = await monitorJson<Record<string, unknown>>(t, "/connz?acc=NOPE");
  assert.deepEqual([missing.server_id, missing.connections], ["", null]);
  const errors: [string, string][] = [
    ["?sort=nope", "invalid sorting option: nope"],
    ["?sort=stop", "sort by stop only valid on closed connections"],
    ["?state=maybe", "Error decoding state for maybe"],
    [
      "?auth=2",
      `Error decoding boolean for 'auth': strconv.ParseBool: parsing "2": invalid syntax`,
    ],
    ["?cid=x", `Error decoding uint64 for 'cid': strconv.ParseUint: parsing "x": invalid syntax`],
  ];
  for (const [q, text] of errors) {
    const res = await fetchMonitor(t, "/connz" + q);
    assert.deepEqual([res.status, res.type, res.text], [400, "text/plain; charset=utf-8", text]);
  }
});

Deno.test("/subsz, /accountz, /accstatz and the empty link endpoints over HTTP", async () => {
  await using t = await denatsMonitor();
  await using _clients = await runScenario(t);
  const stats = await monitorJson(t, "/subsz");
  assert.deepEqual([stats.num_subscriptions, stats.num_inserts, stats.num_removes], [3, 4, 1]);
  const foo = await monitorJson<{ total: number; subscriptions_list: { subject: string }[] }>(
    t,
    "/subsz?subs=1&test=foo",
  );
  assert.deepEqual([foo.total, foo.subscriptions_list[0].subject], [1, "foo"]);
  const page = await monitorJson(t, "/subsz?subs=1&limit=2&offset=1&acc=$G");
  assert.deepEqual([page.total, page.offset, page.limit], [2, 1, 2]);
  assert.deepEqual((await monitorJson(t, "/accountz")).accounts, ["$G"]);
  const detail = (await monitorJson(t, "/accountz?acc=$G")).account_detail as Record<
    string,
    unknown
  >;
  assert.deepEqual([detail.client_connections, detail.subscriptions], [2, 3]);
  const statz = await monitorJson<{ account_statz: Record<string, unknown>[] }>(t, "/accstatz");
  assert.deepEqual(statz.account_statz[0].sent, { msgs: 2, bytes: 8 });
  assert.deepEqual(statz.account_statz[0].received, { msgs: 2, bytes: 8 });
  assert.equal((await monitorJson(t, "/routez")).num_routes, 0);
  assert.equal((await monitorJson(t, "/leafz")).leafs, null);
  assert.deepEqual((await monitorJson(t, "/gatewayz")).outbound_gateways, {});
  assert.equal((await monitorJson(t, "/jsz")).disabled, true);
  assert.deepEqual(await monitorJson(t, "/healthz?js-enabled-only=true"), { status: "ok" });
});

Deno.test("a real client's name, lang and version show in /connz", async () => {
  await using t = await denatsMonitor();
  const nc = await nats.connect({ servers: `nats://127.0.0.1:${t.port}`, name: "real-client" });
  try {
    await nc.flush();
    const z = await monitorJson<Connz>(t, "/connz");
    const c = z.connections.find((x) => x.name === "real-client");
    assert.ok(c, JSON.stringify(z));
    assert.equal(c.lang, "nats.js");
    assert.equal(typeof c.version, "string");
  } finally {
    await nc.close();
  }
  await waitFor(async () => (await monitorJson<Connz>(t, "/connz?state=closed")).total === 1);
});

Deno.test("a slow consumer is counted and kept with its reason", async () => {
  await using t = await denatsMonitor({ maxPending: 64 * 1024 });
  await using sub = await RawClient.open(t);
  await sub.send("SUB big 1\r\n");
  await sub.flush();
  sub.pause();
  await using pub = await RawClient.open(t);
  const payload = "x".repeat(32 * 1024);
  await waitFor(
    async () => {
      await pub.send(`PUB big ${payload.length}\r\n${payload}\r\n`.repeat(64));
      return (await monitorJson(t, "/varz")).slow_consumers === 1;
    },
    10_000,
    "a slow consumer",
  );
  const closed = await monitorJson<Connz>(t, "/connz?state=closed");
  assert.equal(closed.connections[0].reason, "Slow Consumer (Pending Bytes)");
  const statz = await monitorJson<{ account_statz: { slow_consumers: number }[] }>(
    t,
    "/accstatz",
  );
  assert.equal(statz.account_statz[0].slow_consumers, 1);
});

Deno.test("https_port serves monitoring over TLS with the server certificate", async () => {
  const certs = new URL("../tls/certs/", import.meta.url).pathname;
  const lines: string[] = [];
  const logger = new Logger((l) => lines.push(l), {
    pid: 1,
    debug: false,
    trace: false,
    logtime: false,
    logtimeUTC: false,
  });
  await using server = await startServer({
    host: "127.0.0.1",
    port: -1,
    httpsPort: -1,
    tls: { cert_file: `${certs}server-cert.pem`, key_file: `${certs}server-key.pem` },
    logger,
  });
  assert.match(server.monitorUrl ?? "", /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(lines.some((l) => l.includes("Starting https monitor on 127.0.0.1:")));
  const client = Deno.createHttpClient({ caCerts: [Deno.readTextFileSync(`${certs}ca.pem`)] });
  try {
    const res = await fetch(`https://localhost:${server.server.monitorPort}/varz`, { client });
    const v = await res.json();
    assert.equal(v.https_port, -1);
    assert.equal(v.tls_required, true);
  } finally {
    client.close();
  }
});

Deno.test("http_base_path, HEAD and redirects work over real HTTP", async () => {
  await using t = await denatsMonitor({ httpBasePath: "/mon" });
  assert.equal((await fetchMonitor(t, "/varz")).status, 404);
  const index = await fetchMonitor(t, "/mon");
  assert.match(index.text, /<a href=\.\/mon\/connz>Connections<\/a>/);
  const head = await fetch(t.monitorUrl + "/mon/varz", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-type"), "application/json");
  assert.equal(await head.text(), "");
  const redirect = await fetchMonitor(t, "/mon//varz");
  assert.equal(redirect.status, 301);
  assert.equal((await monitorJson(t, "/mon/varz")).http_base_path, "/mon");
});

Deno.test("/varz carries denats' own version as its last key; version stays nats-server's", async () => {
  await using t = await denatsMonitor();
  const v = await monitorJson(t, "/varz");
  const pkg = JSON.parse(Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)));
  assert.equal(v.denats_version, pkg.version);
  assert.equal(Object.keys(v).at(-1), "denats_version");
  assert.equal(v.version, "2.9.10");
});
