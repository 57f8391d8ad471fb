/**
 * @module
 * `/jsz` (every 2.9.10 option), the `$SYS.REQ.SERVER.PING.JSZ` / `$SYS.REQ.SERVER.<id>.JSZ` /
 * `$SYS.REQ.ACCOUNT.<acc>.JSZ` requests and the JetStream `/healthz` variants side by side with
 * nats-server 2.9.10 (when installed): the same accounts, streams and consumers on both, and
 * every answer must be the same JSON (same keys in the same order, same values) once times,
 * ids, the store directory and the machine-sized limits are masked and the account and stream
 * lists (Go map order) sorted. Without nats-server the denats answers are checked alone.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn("tests/jetstream/jsz_compat_test.ts: nats-server not found; denats checked alone");
}

const CONF = (dir: string) =>
  `server_name: SRV
jetstream { store_dir: ${JSON.stringify(dir)}, max_mem: 1G, max_file: 10G }
accounts {
  A: { jetstream: { max_mem: 100000, max_file: 200000 }, users: [{user: a, password: a}] }
  B: { jetstream: enabled, users: [{user: b, password: b}] }
  C: { users: [{user: c, password: c}] }
  SYS: { users: [{user: sys, password: sys}] }
}
system_account: SYS
`;

const HTTP = [
  "/jsz",
  "/jsz?accounts=true",
  "/jsz?streams=true",
  "/jsz?consumers=true",
  "/jsz?consumers=true&config=true",
  "/jsz?acc=A",
  "/jsz?acc=B&consumers=true&config=true",
  "/jsz?acc=C&accounts=true",
  "/jsz?acc=Z",
  "/jsz?accounts=true&offset=1",
  "/jsz?accounts=true&offset=1&limit=1",
  "/jsz?accounts=true&offset=5",
  "/jsz?leader-only=true",
  "/healthz",
  "/healthz?js-enabled-only=true",
  "/healthz?js-server-only=true",
  "/varz",
  "/accountz?acc=A",
  "/accountz?acc=C",
  "/accountz?acc=SYS",
  "/accountz?acc=$G",
];

/** `/varz`: its jetstream section; `/accountz`: the JetStream flag and the sorted links. */
function section(path: string, json: Record<string, unknown>): unknown {
  if (path === "/varz") return json.jetstream;
  if (!path.startsWith("/accountz")) return json;
  const d = json.account_detail as Record<string, unknown>;
  const sorted = (v: unknown) => Array.isArray(v) ? v.map((x) => JSON.stringify(x)).sort() : v;
  return {
    name: d.account_name,
    jetstream_enabled: d.jetstream_enabled,
    exports: sorted(d.exports),
    imports: sorted(d.imports),
  };
}

/** subject (`<id>` = the server's id), body. */
const SYS: [string, string][] = [
  ["$SYS.REQ.SERVER.PING.JSZ", ""],
  ["$SYS.REQ.SERVER.PING.JSZ", '{"accounts":true,"streams":true}'],
  ["$SYS.REQ.SERVER.<id>.JSZ", '{"consumer":true,"config":true}'],
  ["$SYS.REQ.SERVER.<id>.JSZ", '{"account":"B","consumer":true}'],
  ["$SYS.REQ.ACCOUNT.A.JSZ", ""],
  ["$SYS.REQ.ACCOUNT.A.JSZ", '{"streams":true}'],
  ["$SYS.REQ.ACCOUNT.A.JSZ", '{"streams":true,"consumer":true,"config":true}'],
  ["$SYS.REQ.ACCOUNT.A.JSZ", '{"consumer":true}'],
  ["$SYS.REQ.ACCOUNT.C.JSZ", ""],
  ["$SYS.REQ.ACCOUNT.Z.JSZ", ""],
  ["$SYS.REQ.SERVER.PING.HEALTHZ", '{"js-enabled-only":true}'],
];

const TIMES = new Set(["now", "created", "first_ts", "last_ts", "last_active", "time", "start"]);
const MASKED = new Set([
  "server_id",
  "store_dir",
  "id",
  "host",
  "ver",
  "version",
  "seq",
  "jetstream",
]);

/** Masks run-specific values and sorts Go-map-ordered lists. */
function normalize(v: unknown, key = ""): unknown {
  if (Array.isArray(v)) {
    const items = v.map((x) => normalize(x));
    if (key === "account_details" || key === "stream_detail") {
      items.sort((a, b) =>
        String((a as { name: string }).name).localeCompare((b as { name: string }).name)
      );
    }
    return items;
  }
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (TIMES.has(k) && typeof x === "string") out[k] = "<time>";
      else if (MASKED.has(k) && (typeof x === "string" || typeof x === "boolean")) {
        out[k] = "<masked>";
      } else if (key === "config" && (k === "max_memory" || k === "max_storage")) out[k] = "<size>";
      else out[k] = normalize(x, k);
    }
    return out;
  }
  return v;
}

/** The answers of one binary, as normalized JSON text (big numbers kept as text). */
async function answers(binary: string): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "denats_jsz_" });
  await using server = await spawnFromConf(binary, CONF(dir), { monitor: true, timeoutMs: 10_000 });
  const enc = (s: string) => s;
  const a = await connect({ port: server.port, user: "a", pass: "a" });
  const b = await connect({ port: server.port, user: "b", pass: "b" });
  const sys = await connect({ port: server.port, user: "sys", pass: "sys" });
  const out: string[] = [];
  try {
    const req = async (nc: typeof a, subject: string, body: string) =>
      (await nc.request(subject, enc(body), { timeout: 5000 })).string();
    await req(a, "$JS.API.STREAM.CREATE.S", '{"name":"S","subjects":["s.>"]}');
    await req(
      a,
      "$JS.API.STREAM.CREATE.M",
      '{"name":"M","subjects":["m"],"storage":"memory","max_bytes":5000}',
    );
    await req(
      a,
      "$JS.API.CONSUMER.DURABLE.CREATE.S.D",
      '{"stream_name":"S","config":{"durable_name":"D","ack_policy":"explicit"}}',
    );
    await req(a, "$JS.API.STREAM.INFO.NOPE", "");
    await req(a, "s.x", "one");
    await req(a, "m", "two");
    await req(b, "$JS.API.STREAM.CREATE.Q", '{"name":"Q","subjects":["q"],"max_msgs":10}');
    await req(
      b,
      "$JS.API.CONSUMER.DURABLE.CREATE.Q.P",
      '{"stream_name":"Q","config":{"durable_name":"P","ack_policy":"none","deliver_subject":"dq"}}',
    );
    await req(b, "q", "three");
    const id = JSON.parse(await req(sys, "$SYS.REQ.SERVER.PING.VARZ", "")).server.id as string;
    for (const path of HTTP) {
      const res = await fetch(`${server.monitorUrl}${path}`);
      const text = await res.text();
      // Big numbers (uint64 of -1) survive as text: quote them before parsing.
      const json = JSON.parse(text.replace(/: (\d{16,})/g, ': "$1"'));
      out.push(`${path} ${res.status} ${JSON.stringify(normalize(section(path, json)))}`);
    }
    for (const [subject, body] of SYS) {
      const text = await req(sys, subject.replace("<id>", id), body);
      const json = JSON.parse(text.replace(/: ?(\d{16,})/g, ':"$1"')) as Record<string, unknown>;
      out.push(
        `${subject} ${body} ${JSON.stringify(normalize({ data: json.data, error: json.error }))}`,
      );
    }
  } finally {
    await a.close();
    await b.close();
    await sys.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return out;
}

Deno.test("jsz: every option, system JSZ requests and healthz as nats-server 2.9.10", async () => {
  const ours = await answers(DENATS);
  const find = (prefix: string) => ours.find((l) => l.startsWith(prefix))!;
  // Checks that hold without nats-server.
  assert.match(
    find("/jsz?consumers=true&config=true "),
    /"consumer_detail":\[\{"stream_name":"S","name":"D","created":"<time>","config":/,
  );
  assert.match(
    find("/jsz?acc=A "),
    /"account_details":\[\{"name":"A","id":"<masked>","memory":\d+,"storage":\d+,"reserved_memory":100000,"reserved_storage":200000/,
  );
  assert.match(find("/jsz?acc=B"), /"reserved_memory":"18446744073709551615"/);
  assert.doesNotMatch(find("/jsz?accounts=true "), /stream_detail/);
  assert.match(find("/varz"), /"store_dir":"<masked>","compress_ok":true\},"stats"/);
  assert.match(find("/accountz?acc=A"), /"jetstream_enabled":true/);
  assert.match(find("/accountz?acc=C"), /"jetstream_enabled":false.*\$JS\.API\.>/);
  assert.match(
    find("$SYS.REQ.ACCOUNT.C.JSZ"),
    /"error":\{"code":500,"description":"account \\"C\\" not jetstream enabled"\}/,
  );
  assert.match(find("$SYS.REQ.ACCOUNT.Z.JSZ"), /account \\"Z\\" not found/);
  if (!HAVE_NATS_SERVER) return;
  const theirs = await answers(natsServerBinary());
  assert.equal(ours.length, theirs.length);
  for (let i = 0; i < ours.length; i++) assert.equal(ours[i], theirs[i]);
});

/** A server without JetStream: `/jsz` and the JSZ requests. */
async function withoutJetStream(binary: string): Promise<string[]> {
  await using server = await spawnFromConf(
    binary,
    `accounts { A: { users: [{user: a, password: a}] }, SYS: { users: [{user: sys, password: sys}] } }
system_account: SYS`,
    { monitor: true, timeoutMs: 10_000 },
  );
  const sys = await connect({ port: server.port, user: "sys", pass: "sys" });
  const out: string[] = [];
  try {
    for (const path of ["/jsz", "/jsz?accounts=true", "/jsz?leader-only=true", "/healthz"]) {
      const res = await fetch(`${server.monitorUrl}${path}`);
      const text = await res.text();
      let body: unknown = text.trim();
      try {
        body = normalize(JSON.parse(text));
      } catch { /* plain text */ }
      out.push(`${path} ${res.status} ${JSON.stringify(body)}`);
    }
    const steps: [string, string][] = [
      ["$SYS.REQ.SERVER.PING.JSZ", ""],
      ["$SYS.REQ.SERVER.PING.JSZ", '{"leader_only":true}'],
      ["$SYS.REQ.ACCOUNT.A.JSZ", ""],
    ];
    for (const [subject, body] of steps) {
      try {
        const json = (await sys.request(subject, body, { timeout: 1000 })).json<
          Record<string, unknown>
        >();
        out.push(
          `${subject} ${body} ${JSON.stringify(normalize({ data: json.data, error: json.error }))}`,
        );
      } catch (err) {
        out.push(`${subject} ${body} no reply (${(err as Error).name})`);
      }
    }
  } finally {
    await sys.close();
  }
  return out;
}

Deno.test("jsz without JetStream: disabled, leader-only requests unanswered, as nats-server 2.9.10", async () => {
  const ours = await withoutJetStream(DENATS);
  assert.match(ours[0], /"disabled":true/);
  assert.match(ours.find((l) => l.includes('"leader_only"'))!, /no reply/);
  assert.match(ours.at(-1)!, /"description":"jetstream not enabled"/);
  if (!HAVE_NATS_SERVER) return;
  const theirs = await withoutJetStream(natsServerBinary());
  assert.equal(ours.length, theirs.length);
  for (let i = 0; i < ours.length; i++) assert.equal(ours[i], theirs[i]);
});
