/**
 * @module
 * Monitoring compatibility: the same scenario and the same HTTP requests against denats and
 * the reference `nats-server` (v2.9.10), comparing status codes, content types, key sets and
 * JSON types per endpoint, and values where they are deterministic. Skipped, with a visible
 * warning, when `nats-server` cannot be run. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { natsServerAvailable, natsServerBinary } from "../helpers/nats_server_target.ts";
import { normalizeCids, runScenario, shapeOf, withoutKeys } from "./_scenario.ts";
import { denatsMonitor, fetchMonitor, type MonitorTarget, natsServerMonitor } from "./_targets.ts";

const available = natsServerAvailable();
if (!available) {
  console.warn(
    `monitor compat: '${natsServerBinary()}' not runnable; nats-server monitoring compat tests ` +
      "are skipped (install nats-server v2.9.10 or set NATS_SERVER_BIN)",
  );
}

/** Requests made, in this order, against both servers after the scenario. */
const JSON_PATHS = [
  "/varz",
  "/connz",
  "/connz?subs=1",
  "/connz?subs=detail",
  "/connz?auth=1&sort=msgs_from",
  "/connz?sort=bytes_to&limit=1&offset=1",
  "/connz?state=all&auth=true",
  "/connz?user=bob",
  "/connz?acc=$G&auth=1",
  "/connz?acc=NOPE",
  "/connz?state=closed&sort=reason",
  "/subsz",
  "/subsz?subs=1",
  "/subsz?subs=1&test=foo",
  "/subsz?subs=1&test=nothing",
  "/subsz?subs=1&limit=1&test=baz",
  "/subsz?subs=1&offset=1&test=baz",
  "/subscriptionsz?acc=$G",
  "/accountz",
  "/accountz?acc=$G",
  "/accstatz",
  "/accstatz?unused=1",
  "/routez",
  "/routez?subs=detail",
  "/gatewayz?accs=1",
  "/leafz?subs=1",
  "/jsz",
  "/jsz?accounts=true",
  "/healthz",
  "/healthz?js-enabled-only=1",
  "/varz?callback=cb",
  "/varz",
  // Last: nats-server 2.9.10 keeps the detail list on a closed connection once it was asked
  // for with subs=detail alone (it fills its stored record in place); denats does not.
  "/connz?state=closed&subs=detail",
];

/** Requests whose whole response (status, type, body) must be identical. */
const EXACT_PATHS = [
  "/connz?sort=foo",
  "/connz?sort=rtt",
  "/connz?sort=stop",
  "/connz?state=all&sort=reason",
  "/connz?state=xx",
  "/connz?subs=xx",
  "/connz?auth=yes",
  "/connz?limit=abc",
  "/connz?offset=1.5",
  "/connz?cid=-1",
  "/subsz?test=foo.*",
  "/subsz?subs=x",
  "/subsz?limit=1e3",
  "/accountz?acc=nope",
  "/accstatz?unused=maybe",
  "/jsz?leader-only=1",
  "/jsz?limit=x",
  "/healthz?js-server-only=x",
  "/healthz?callback=cb",
  "/leafz?subs=x",
  "/gatewayz?accs=x",
  "/routez?subs=x",
  "/nope",
  "/varz/",
  "/varz/extra",
];

/** Values that differ between any two servers or runs. */
const VOLATILE = [
  "server_id",
  "server_name",
  "now",
  "start",
  "stop",
  "last_activity",
  "uptime",
  "idle",
  "rtt",
  "port",
  "mem",
  "cpu",
  "go",
  "config_load_time",
  "update_time",
  "http_req_stats",
  // Bytes still queued when a connection closed depend on socket timing.
  "pending_bytes",
  // Match-cache statistics: denats patches its cache when a connection closes where
  // nats-server's RemoveBatch empties it, so cache sizes and fanouts legitimately differ.
  "num_cache",
  "cache_hit_rate",
  "max_fanout",
  "avg_fanout",
];

interface Captured {
  status: number;
  type: string;
  text: string;
}

async function capture(t: MonitorTarget): Promise<Map<string, Captured>> {
  const out = new Map<string, Captured>();
  await using _clients = await runScenario(t);
  for (const path of [...JSON_PATHS, ...EXACT_PATHS]) {
    out.set(path, await fetchMonitor(t, path));
  }
  return out;
}

function parseBody(c: Captured): unknown {
  const text = c.text.startsWith("cb(") ? c.text.slice(3, -1) : c.text;
  return withoutDenatsVersion(JSON.parse(text));
}

/**
 * Drops `denats_version`, the one key denats adds to /varz (checked on its own below), so the
 * rest compares with nats-server as it is.
 */
function withoutDenatsVersion(body: unknown): unknown {
  if (body === null || typeof body !== "object" || !("denats_version" in body)) return body;
  const { denats_version: _, ...rest } = body as Record<string, unknown>;
  return rest;
}

/** Sorts connection and subscription lists so unordered Go maps compare equal. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(canonical);
    return items.every((x) => typeof x === "string")
      ? items.toSorted()
      : items.toSorted((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
  }
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

let captured: Promise<[Map<string, Captured>, Map<string, Captured>]> | undefined;

/** Runs the scenario once on each server (no system account, so counts are comparable). */
function both(): Promise<[Map<string, Captured>, Map<string, Captured>]> {
  captured ??= (async () => {
    await using ours = await denatsMonitor();
    await using ref = await natsServerMonitor(["no_system_account: true"]);
    return [await capture(ours), await capture(ref)] as [
      Map<string, Captured>,
      Map<string, Captured>,
    ];
  })();
  return captured;
}

Deno.test({
  name: "monitoring endpoints have nats-server's status, content type, keys and JSON types",
  ignore: !available,
  fn: async () => {
    const [ours, ref] = await both();
    for (const path of JSON_PATHS) {
      const a = ours.get(path)!;
      const b = ref.get(path)!;
      assert.deepEqual([a.status, a.type], [b.status, b.type], path);
      assert.deepEqual(
        shapeOf(canonical(normalizeCids(parseBody(a)))),
        shapeOf(canonical(normalizeCids(parseBody(b)))),
        `shape of ${path}`,
      );
    }
  },
});

Deno.test({
  name: "monitoring values match nats-server where they are deterministic",
  ignore: !available,
  fn: async () => {
    const [ours, ref] = await both();
    for (const path of JSON_PATHS) {
      const clean = (c: Captured) => canonical(withoutKeys(normalizeCids(parseBody(c)), VOLATILE));
      assert.deepEqual(clean(ours.get(path)!), clean(ref.get(path)!), `values of ${path}`);
      // canonical() sorts lists, so check the connection order of /connz separately.
      const order = (c: Captured) => {
        const body = normalizeCids(parseBody(c)) as { connections?: unknown };
        const list = Array.isArray(body.connections) ? body.connections : [];
        return list.map((x: { cid: number }) => x.cid);
      };
      assert.deepEqual(order(ours.get(path)!), order(ref.get(path)!), `order of ${path}`);
    }
  },
});

Deno.test({
  name: "bad queries and unknown paths answer exactly as nats-server",
  ignore: !available,
  fn: async () => {
    const [ours, ref] = await both();
    for (const path of EXACT_PATHS) {
      assert.deepEqual(ours.get(path), ref.get(path), path);
    }
  },
});

Deno.test({
  name: "with nats-server's default command line the /varz and /connz key sets match",
  ignore: !available,
  fn: async () => {
    await using ours = await denatsMonitor();
    await using ref = await natsServerMonitor();
    const keys = async (t: MonitorTarget, path: string) => {
      const body = withoutDenatsVersion(JSON.parse((await fetchMonitor(t, path)).text));
      // nats-server runs a $SYS account by default; denats has no system account yet.
      return shapeOf(withoutKeys(body, ["system_account", "http_req_stats"]));
    };
    for (const path of ["/varz", "/connz", "/healthz", "/jsz", "/routez", "/leafz"]) {
      assert.deepEqual(await keys(ours, path), await keys(ref, path), path);
    }
  },
});

Deno.test({
  name: "the index page links the same endpoints in the same order",
  ignore: !available,
  fn: async () => {
    await using ours = await denatsMonitor();
    await using ref = await natsServerMonitor();
    const links = async (t: MonitorTarget) => {
      const res = await fetchMonitor(t, "/");
      assert.equal(res.type, "text/html; charset=utf-8");
      return [...res.text.matchAll(/<a href=(\.\/[a-z]+)[ >]/g)].map((m) => m[1]);
    };
    const theirs = await links(ref);
    assert.equal(theirs.length, 10);
    assert.deepEqual((await links(ours)).filter((l) => l !== "./dashboard"), theirs);
    const redirect = async (t: MonitorTarget) => {
      const r = await fetch(t.monitorUrl + "//connz?x=1", { redirect: "manual" });
      await r.body?.cancel();
      return [r.status, r.headers.get("location")];
    };
    assert.deepEqual(await redirect(ours), await redirect(ref));
  },
});
