/**
 * @module
 * The monitoring router without sockets: `(server, Request) -> Response` against a
 * {@link FakeServer}. Paths, base path, redirects, 404s, JSONP, content types, status codes,
 * `http_req_stats` counting and nats-server's 400 texts.
 */
import assert from "node:assert/strict";
import { FakeServer } from "./_fake.ts";
import { handleMonitorRequest } from "./router.ts";

function get(server: FakeServer, path: string, method = "GET"): Response {
  return handleMonitorRequest(server, new Request(`http://monitor.test${path}`, { method }));
}

async function json(server: FakeServer, path: string): Promise<Record<string, unknown>> {
  const res = get(server, path);
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  assert.equal(res.headers.get("content-type"), "application/json");
  return await res.json();
}

async function bad(server: FakeServer, path: string): Promise<string> {
  const res = get(server, path);
  assert.equal(res.status, 400, path);
  assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  return await res.text();
}

Deno.test("every nats-server endpoint answers JSON with its top-level keys", async () => {
  const s = new FakeServer();
  const expected: Record<string, string[]> = {
    "/connz": ["server_id", "now", "num_connections", "total", "offset", "limit", "connections"],
    "/routez": ["server_id", "now", "num_routes", "routes"],
    "/gatewayz": ["server_id", "now", "outbound_gateways", "inbound_gateways"],
    "/leafz": ["server_id", "now", "leafnodes", "leafs"],
    "/subsz": [
      "num_subscriptions",
      "num_cache",
      "num_inserts",
      "num_removes",
      "num_matches",
      "cache_hit_rate",
      "max_fanout",
      "avg_fanout",
    ],
    "/accountz": ["server_id", "now", "accounts"],
    "/accstatz": ["server_id", "now", "account_statz"],
    "/healthz": ["status"],
  };
  for (const [path, keys] of Object.entries(expected)) {
    assert.deepEqual(Object.keys(await json(s, path)), keys, path);
  }
  const jsz = await json(s, "/jsz");
  assert.equal(jsz.disabled, true);
  assert.deepEqual(jsz.config, { max_memory: 0, max_storage: 0 });
  assert.equal((await json(s, "/leafz")).leafs, null);
  assert.equal(await get(s, "/healthz").text(), '{"status":"ok"}');
});

Deno.test("/ serves the index of links and counts it; /dashboard is HTML", async () => {
  const s = new FakeServer();
  const res = get(s, "/");
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  const html = await res.text();
  for (const p of ["varz", "jsz", "connz", "accountz", "accstatz", "subsz", "routez", "leafz"]) {
    assert.match(html, new RegExp(`<a href=\\./${p}>`));
  }
  assert.match(html, /<a href=\.\/healthz class=last>Health Probe<\/a>/);
  assert.match(html, /href=\.\/dashboard/);
  const dash = get(s, "/dashboard");
  assert.equal(dash.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(await dash.text(), /<canvas id="chart-msgs">/);
  const varz = await json(s, "/varz");
  assert.deepEqual(varz.http_req_stats, { "/": 1, "/dashboard": 1, "/varz": 1 });
});

Deno.test("unknown paths get Go's 404 and unclean paths a 301", async () => {
  const s = new FakeServer();
  for (const p of ["/nope", "/varz/", "/varz/x", "/constructor", "/__proto__"]) {
    const res = get(s, p);
    assert.equal(res.status, 404, p);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(await res.text(), "404 page not found\n");
  }
  const res = get(s, "//varz?callback=x");
  assert.equal(res.status, 301);
  assert.equal(res.headers.get("location"), "/varz?callback=x");
  assert.equal(await res.text(), `<a href="/varz?callback=x">Moved Permanently</a>.\n\n`);
  assert.equal(await get(s, "//varz", "POST").text(), "");
});

Deno.test("http_base_path moves every endpoint under it", async () => {
  const s = new FakeServer({ httpBasePath: "mon/" });
  assert.equal(get(s, "/varz").status, 404);
  assert.equal(get(s, "/").status, 404);
  assert.equal(get(s, "/mon/").status, 404);
  const html = await get(s, "/mon").text();
  assert.match(html, /<a href=\.\/mon\/varz>General<\/a>/);
  const varz = await json(s, "/mon/varz");
  assert.equal(varz.http_base_path, "mon/");
  assert.equal((await json(s, "/mon/connz")).server_id, s.id);
});

Deno.test("JSONP wraps the body when callback is given", async () => {
  const s = new FakeServer();
  const res = get(s, "/healthz?callback=cb");
  assert.equal(res.headers.get("content-type"), "application/javascript");
  assert.equal(await res.text(), 'cb({"status":"ok"})');
  assert.equal(get(s, "/varz?callback=").headers.get("content-type"), "application/json");
});

Deno.test("query errors answer 400 with nats-server's texts", async () => {
  const s = new FakeServer();
  assert.equal(await bad(s, "/connz?sort=foo"), "invalid sorting option: foo");
  assert.equal(await bad(s, "/connz?sort=rtt"), "invalid sorting option: rtt");
  assert.equal(await bad(s, "/connz?sort=stop"), "sort by stop only valid on closed connections");
  assert.equal(
    await bad(s, "/connz?sort=reason&state=all"),
    "sort by reason only valid on closed connections",
  );
  assert.equal(await bad(s, "/connz?state=xx"), "Error decoding state for xx");
  assert.equal(
    await bad(s, "/connz?limit=abc"),
    `Error decoding int for 'limit': strconv.Atoi: parsing "abc": invalid syntax`,
  );
  assert.equal(
    await bad(s, "/subsz?test=foo.*"),
    "invalid test subject, must be valid publish subject: foo.*",
  );
  assert.equal(await bad(s, "/accountz?acc=nope"), "Account nope does not exist");
  assert.equal(await bad(s, "/jsz?leader-only=1"), "filtered response: not leader");
  assert.equal(
    await bad(s, "/healthz?js-server-only=x"),
    `Error decoding boolean for 'js-server-only': strconv.ParseBool: parsing "x": invalid syntax`,
  );
  // nats-server counts /connz only once its query decoded, /subsz always.
  await bad(s, "/subsz?subs=x");
  const stats = (await json(s, "/varz")).http_req_stats as Record<string, number>;
  assert.equal(stats["/connz"], 4);
  assert.equal(stats["/subsz"], 2);
});

Deno.test("healthz warns about the deprecated js-enabled flag", async () => {
  const s = new FakeServer();
  await json(s, "/healthz?js-enabled=true");
  assert.deepEqual(s.warnings, ["Healthcheck: js-enabled deprecated, use js-enabled-only instead"]);
});

Deno.test("/subscriptionsz is an alias of /subsz and /ipqueuesz answers {}", async () => {
  const s = new FakeServer();
  s.subscribe(s.connect(), "foo");
  assert.equal((await json(s, "/subscriptionsz")).num_subscriptions, 1);
  assert.equal(await get(s, "/ipqueuesz").text(), "{}");
  assert.match(await get(s, "/stacksz").text(), /isolate main/);
});
