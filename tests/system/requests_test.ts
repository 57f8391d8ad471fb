/**
 * @module
 * System account requests end to end with real clients, on denats and (when installed) on
 * nats-server with the same config: `$SYS.REQ.SERVER.PING`, every `$SYS.REQ.SERVER.PING.<EP>`,
 * a server-addressed request, the account endpoints, bodies Go cannot decode, the server filter,
 * and the three requests a normal account reaches through nats-server's automatic imports.
 * Replies are compared by keys, JSON types and deterministic values. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import type { NatsConnection } from "@nats-io/transport-node";
import { SERVER_ENDPOINTS } from "../../server/system/endpoints.ts";
import {
  at,
  denatsSystem,
  login,
  natsServerSystem,
  pick,
  requestJson,
  shape,
  SYS_CONF,
  type SystemTarget,
  withNatsServer,
} from "./_system.ts";

const compare = withNatsServer();

/** Bodies nats-server cannot decode into `ConnzEventOptions`, sent to PING.CONNZ. */
const BAD_BODIES = [
  "{bad",
  " ",
  "[]",
  '"text"',
  '{"state":"closed"}',
  '{"limit":1.5}',
  '{"cid":-1}',
  '{"subscriptions":"yes"}',
  '{"tags":[1]}',
  '{"offset":1}x',
  '{"auth":tru}',
  '{"user":"\\q"}',
  '{"sort":"nope"}',
];

/** Account-scoped requests made by the system user. */
const ACCOUNT_REQUESTS: [string, unknown][] = [
  ["$SYS.REQ.ACCOUNT.A.SUBSZ", undefined],
  ["$SYS.REQ.ACCOUNT.A.CONNZ", { subscriptions: true }],
  ["$SYS.REQ.ACCOUNT.A.LEAFZ", undefined],
  ["$SYS.REQ.ACCOUNT.A.JSZ", undefined],
  ["$SYS.REQ.ACCOUNT.A.INFO", undefined],
  ["$SYS.REQ.ACCOUNT.SYS.INFO", undefined],
  ["$SYS.REQ.ACCOUNT.NOPE.INFO", undefined],
  ["$SYS.REQ.ACCOUNT.A.STATZ", undefined],
  ["$SYS.REQ.ACCOUNT.SYS.CONNS", undefined],
  ["$SYS.REQ.ACCOUNT.PING.STATZ", undefined],
];

/** What one run captured: replies (or error names) by a label. */
type Captured = Map<string, Record<string, unknown> | string>;

async function attempt(
  nc: NatsConnection,
  subject: string,
  body?: unknown,
): Promise<Record<string, unknown> | string> {
  try {
    return await requestJson(nc, subject, body);
  } catch (err) {
    const text = String((err as Error).message);
    if (/no responders/i.test(text)) return "no responders";
    if (/timeout/i.test(text)) return "timeout";
    throw err;
  }
}

async function scenario(target: SystemTarget): Promise<Captured> {
  await using t = target;
  await using sys = await login(t.url, "sys", "sysmon");
  await using a = await login(t.url, "a", "aclient");
  a.subscribe("orders.>");
  await a.flush();
  const out: Captured = new Map();
  out.set("PING", await attempt(sys, "$SYS.REQ.SERVER.PING"));
  for (const ep of SERVER_ENDPOINTS) {
    const body = ep === "CONNZ" ? { subscriptions: true } : undefined;
    out.set(`PING.${ep}`, await attempt(sys, `$SYS.REQ.SERVER.PING.${ep}`, body));
  }
  const id = at(out.get("PING"), "server.id");
  out.set("direct VARZ", await attempt(sys, `$SYS.REQ.SERVER.${id}.VARZ`));
  out.set("direct STATSZ", await attempt(sys, `$SYS.REQ.SERVER.${id}.STATSZ`));
  out.set("PING.IDZ", await attempt(sys, "$SYS.REQ.SERVER.PING.IDZ"));
  for (const [subject, body] of ACCOUNT_REQUESTS) {
    out.set(subject, await attempt(sys, subject, body));
  }
  for (const body of BAD_BODIES) {
    out.set(`bad ${body}`, await attempt(sys, "$SYS.REQ.SERVER.PING.CONNZ", body));
  }
  out.set("STATSZ bad", await attempt(sys, "$SYS.REQ.SERVER.PING", "{x"));
  out.set("filtered", await attempt(sys, "$SYS.REQ.SERVER.PING.VARZ", { server_name: "zzz" }));
  out.set("matched", await attempt(sys, "$SYS.REQ.SERVER.PING.HEALTHZ", { server_name: "sys" }));
  out.set("A PING.CONNZ", await attempt(a, "$SYS.REQ.SERVER.PING.CONNZ", { subscriptions: true }));
  out.set("A ACCOUNT.PING.CONNZ", await attempt(a, "$SYS.REQ.ACCOUNT.PING.CONNZ"));
  out.set("A ACCOUNT.PING.STATZ", await attempt(a, "$SYS.REQ.ACCOUNT.PING.STATZ"));
  out.set("A PING", await attempt(a, "$SYS.REQ.SERVER.PING"));
  out.set("A PING.VARZ", await attempt(a, "$SYS.REQ.SERVER.PING.VARZ"));
  return out;
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

type Json = Record<string, unknown>;

function get(c: Captured, label: string): Json {
  const v = c.get(label);
  if (typeof v !== "object") throw new Error(`${label}: ${v}`);
  return v;
}

Deno.test("PING answers with statsz, and every PING.<EP> with {server, data}", async () => {
  const c = await run("denats");
  const ping = get(c, "PING");
  assert.deepEqual(Object.keys(ping), ["server", "statsz"]);
  assert.equal(at(ping, "server.name"), "sysA");
  assert.equal(at(ping, "statsz.connections"), 2);
  assert.deepEqual(Object.keys(get(c, "PING.STATSZ")), ["server", "statsz"]);
  for (const ep of SERVER_ENDPOINTS.filter((e) => e !== "STATSZ")) {
    assert.deepEqual(Object.keys(get(c, `PING.${ep}`)), ["server", "data"], ep);
  }
  const id = at(ping, "server.id");
  assert.equal(at(c.get("PING.VARZ"), "data.server_id"), id);
  assert.equal(at(c.get("PING.VARZ"), "data.system_account"), "SYS");
  assert.equal(at(c.get("PING.HEALTHZ"), "data.status"), "ok");
  assert.equal(at(c.get("PING.JSZ"), "data.disabled"), true);
  const connz = get(c, "PING.CONNZ").data as { connections: Json[] };
  const names = connz.connections.map((x) => x.name).sort();
  assert.deepEqual(names, ["aclient", "sysmon"]);
  const aclient = connz.connections.find((x) => x.name === "aclient")!;
  assert.deepEqual(aclient.subscriptions_list, ["orders.>"]);
  assert.deepEqual((at(c.get("PING.ACCOUNTZ"), "data.accounts") as string[]).sort(), [
    "$G",
    "A",
    "SYS",
  ]);
  assert.equal(at(c.get("direct VARZ"), "data.server_id"), id);
  assert.equal(at(c.get("direct STATSZ"), "server.id"), id);
  assert.equal(c.get("PING.IDZ"), "no responders");
});

Deno.test("account endpoints answer for the account in the subject", async () => {
  const c = await run("denats");
  const subs = get(c, "$SYS.REQ.ACCOUNT.A.SUBSZ").data as { subscriptions_list: Json[] };
  const subjects = subs.subscriptions_list.map((s) => s.subject).sort();
  assert.deepEqual(subjects, [
    "$SYS.REQ.ACCOUNT.PING.CONNZ",
    "$SYS.REQ.ACCOUNT.PING.STATZ",
    "$SYS.REQ.SERVER.PING.CONNZ",
    "orders.>",
  ]);
  assert.equal(at(c.get("$SYS.REQ.ACCOUNT.A.CONNZ"), "data.num_connections"), 1);
  const info = get(c, "$SYS.REQ.ACCOUNT.A.INFO").data as Json;
  assert.equal((info.imports as Json[]).length, 3);
  const sysInfo = get(c, "$SYS.REQ.ACCOUNT.SYS.INFO").data as Json;
  assert.equal(sysInfo.is_system, true);
  assert.deepEqual(get(c, "$SYS.REQ.ACCOUNT.NOPE.INFO"), {
    server: get(c, "$SYS.REQ.ACCOUNT.NOPE.INFO").server,
    data: null,
    error: { code: 500, description: "Account NOPE does not exist" },
  });
  assert.deepEqual(at(c.get("$SYS.REQ.ACCOUNT.A.JSZ"), "error"), {
    code: 500,
    description: "jetstream not enabled",
  });
  assert.deepEqual(at(c.get("$SYS.REQ.ACCOUNT.A.STATZ"), "data.account_statz.0.acc"), "A");
  const conns = get(c, "$SYS.REQ.ACCOUNT.SYS.CONNS");
  assert.deepEqual([conns.type, conns.acc, conns.conns], [
    "io.nats.server.advisory.v1.account_connections",
    "SYS",
    1,
  ]);
});

Deno.test("bad request bodies answer 400 with Go's error text and no data", async () => {
  const c = await run("denats");
  const bad = get(c, "bad {bad");
  assert.deepEqual(Object.keys(bad), ["server", "error"]);
  assert.deepEqual(bad.error, {
    code: 400,
    description: "invalid character 'b' looking for beginning of object key string",
  });
  assert.deepEqual(
    at(c.get('bad {"state":"closed"}'), "error.description"),
    [
      "json: cannot unmarshal string into Go struct field",
      "ConnzEventOptions.state of type server.ConnState",
    ].join(" "),
  );
  assert.deepEqual(at(c.get('bad {"sort":"nope"}'), "error"), {
    code: 500,
    description: "invalid sorting option: nope",
  });
  assert.equal(c.get("filtered"), "timeout");
  assert.equal(at(c.get("matched"), "data.status"), "ok");
});

Deno.test("a normal account reaches only its own CONNZ and STATZ through the imports", async () => {
  const c = await run("denats");
  const connz = get(c, "A PING.CONNZ").data as { connections: Json[] };
  assert.deepEqual(connz.connections.map((x) => x.name), ["aclient"]);
  assert.equal(at(c.get("A ACCOUNT.PING.CONNZ"), "data.num_connections"), 1);
  const statz = at(c.get("A ACCOUNT.PING.STATZ"), "data.account_statz") as Json[];
  assert.deepEqual(statz.map((s) => s.acc), ["A"]);
  assert.equal(c.get("A PING"), "no responders");
  assert.equal(c.get("A PING.VARZ"), "no responders");
});

/** Values compared as they are on both servers, per label. */
const SAME_VALUES: Record<string, string[]> = {
  "PING": ["server.name", "server.host", "server.ver", "statsz.connections"],
  "PING.VARZ": ["data.system_account", "data.connections", "data.auth_required"],
  "PING.SUBSZ": ["data.num_subscriptions", "data.total", "data.limit"],
  "PING.CONNZ": ["data.num_connections", "data.total", "data.limit"],
  "PING.ROUTEZ": ["data.num_routes", "data.routes"],
  "PING.LEAFZ": ["data.leafnodes", "data.leafs"],
  "PING.GATEWAYZ": ["data.outbound_gateways", "data.inbound_gateways"],
  "PING.ACCOUNTZ": ["data.system_account"],
  "PING.HEALTHZ": ["data"],
  "$SYS.REQ.ACCOUNT.A.SUBSZ": ["data.num_subscriptions", "data.total"],
  "$SYS.REQ.ACCOUNT.A.CONNZ": ["data.num_connections"],
  "$SYS.REQ.ACCOUNT.A.JSZ": ["data", "error"],
  "$SYS.REQ.ACCOUNT.NOPE.INFO": ["data", "error"],
  "$SYS.REQ.ACCOUNT.A.INFO": ["data.subscriptions", "data.client_connections"],
  "$SYS.REQ.ACCOUNT.SYS.INFO": ["data.is_system", "data.subscriptions"],
  "$SYS.REQ.ACCOUNT.SYS.CONNS": ["acc", "conns", "total_conns"],
  "A PING.CONNZ": ["data.num_connections"],
  "A ACCOUNT.PING.STATZ": ["data.account_statz.0.acc", "data.account_statz.0.conns"],
};

/** Sorts a detail's exports/imports so map order does not matter. */
function sortLists(v: unknown): unknown {
  const info = at(v, "data") as Json | undefined;
  for (const key of ["exports", "imports"]) {
    const list = info?.[key] as Json[] | undefined;
    list?.sort((x, y) => String(x.subject).localeCompare(String(y.subject)));
  }
  return v;
}

Deno.test({
  name: "replies have nats-server's keys, JSON types, errors and deterministic values",
  ignore: !compare,
  fn: async () => {
    const [ours, ref] = await Promise.all([run("denats"), run("nats-server")]);
    assert.deepEqual([...ours.keys()], [...ref.keys()]);
    for (const [label, reply] of ref) {
      const mine = ours.get(label);
      if (typeof reply === "string") {
        assert.equal(mine, reply, label);
        continue;
      }
      assert.deepEqual(shape(mine), shape(reply), `shape of ${label}`);
      if (label.startsWith("bad ") || label === "STATSZ bad") {
        assert.deepEqual(at(mine, "error"), at(reply, "error"), label);
      }
      const paths = SAME_VALUES[label] ?? [];
      assert.deepEqual(pick(mine, paths), pick(reply, paths), `values of ${label}`);
    }
    for (const label of ["$SYS.REQ.ACCOUNT.A.INFO", "$SYS.REQ.ACCOUNT.SYS.INFO"]) {
      const fields = ["data.exports", "data.imports"];
      assert.deepEqual(
        pick(sortLists(ours.get(label)), fields),
        pick(sortLists(ref.get(label)), fields),
        label,
      );
    }
  },
});
