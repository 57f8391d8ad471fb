/**
 * @module
 * The stream API and publish path side by side with nats-server 2.9.10 (when installed): the
 * same raw requests and publishes (create, info with subjects_filter/deleted_details, names and
 * list with filters and offsets, update, seal, purge variants, message get/delete, direct get in
 * both forms, every expected-header check, dedupe, rollups, discard new per subject, max_msgs,
 * max_bytes, no_ack, interest retention, the clustered-only operations and account info) go to
 * both servers; every answer must be identical once timestamps are masked: same keys in the
 * same order, same values, same error codes and texts, same PubAck bytes, same direct-get
 * status headers. Without nats-server the denats answers are checked alone against the key
 * sets below.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";
import { runSteps, type Step } from "./_compat_steps.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn(
    "tests/jetstream/streams_compat_test.ts: nats-server not found; denats checked alone",
  );
}

const BASICS: Step[] = [
  [
    "$JS.API.STREAM.CREATE.S",
    '{"name":"S","subjects":["s.>"],"storage":"memory","allow_direct":true}',
  ],
  [
    "$JS.API.STREAM.CREATE.S",
    '{"name":"S","subjects":["s.>"],"storage":"memory","allow_direct":true}',
  ],
  ["s.a", "hello"],
  ["s.a", "hello", { "Nats-Msg-Id": "m1" }],
  ["s.a", "hello", { "Nats-Msg-Id": "m1" }],
  ["s.b", "x", { "Nats-Expected-Stream": "T" }],
  ["s.b", "x", { "Nats-Expected-Last-Sequence": "1" }],
  ["s.b", "x", { "Nats-Expected-Last-Subject-Sequence": "7" }],
  ["s.b", "x", { "Nats-Expected-Last-Msg-Id": "zz" }],
  ["s.b", "x", { "Nats-Rollup": "all" }],
  ["$JS.API.STREAM.INFO.S", ""],
  ["$JS.API.STREAM.INFO.S", '{"subjects_filter":">","deleted_details":true}'],
  ["$JS.API.STREAM.INFO.X", ""],
  ["$JS.API.STREAM.NAMES", ""],
  ["$JS.API.STREAM.LIST", ""],
  ["$JS.API.STREAM.MSG.GET.S", '{"seq":1}'],
  ["$JS.API.STREAM.MSG.GET.S", '{"seq":99}'],
  ["$JS.API.STREAM.MSG.GET.S", '{"last_by_subj":"s.a"}'],
  ["$JS.API.DIRECT.GET.S", '{"seq":1}'],
  ["$JS.API.DIRECT.GET.S", '{"seq":99}'],
  ["$JS.API.DIRECT.GET.S.s.a", ""],
  ["$JS.API.DIRECT.GET.S", '{"seq":'],
  ["$JS.API.DIRECT.GET.S", ""],
  ["$JS.API.STREAM.MSG.DELETE.S", '{"seq":1}'],
  ["$JS.API.STREAM.MSG.DELETE.S", '{"seq":1}'],
  ["$JS.API.STREAM.PURGE.S", '{"filter":"s.a"}'],
  ["$JS.API.STREAM.PURGE.S", ""],
  ["$JS.API.STREAM.LEADER.STEPDOWN.S", ""],
  ["$JS.API.STREAM.PEER.REMOVE.S", '{"peer":"x"}'],
  ["$JS.API.META.LEADER.STEPDOWN", ""],
  ["$JS.API.SERVER.REMOVE", '{"peer":"x"}'],
  ["$JS.API.INFO", ""],
  ["$JS.API.STREAM.DELETE.S", ""],
  ["$JS.API.STREAM.DELETE.S", ""],
  ["$JS.API.STREAM.NAMES", ""],
  ["$JS.API.STREAM.LIST", ""],
];

const LIMITS: Step[] = [
  [
    "$JS.API.STREAM.CREATE.F",
    '{"name":"F","subjects":["f.*"],"max_msgs_per_subject":2,"discard":"new","discard_new_per_subject":true,"allow_rollup_hdrs":true,"max_msg_size":100}',
  ],
  ["f.a", "1"],
  ["f.a", "2"],
  ["f.a", "3"],
  [
    "f.b",
    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789x",
  ],
  ["f.b", "r", { "Nats-Rollup": "sub" }],
  ["f.c", "r", { "Nats-Rollup": "bogus" }],
  ["f.c", "c"],
  ["f.c", "c2", { "Nats-Expected-Last-Subject-Sequence": "4" }],
  ["f.d", "d", { "Nats-Expected-Last-Subject-Sequence": "0" }],
  ["$JS.API.STREAM.INFO.F", '{"deleted_details":true}'],
  ["$JS.API.STREAM.MSG.DELETE.F", '{"seq":1,"no_erase":true}'],
  ["$JS.API.STREAM.MSG.DELETE.F", '{"seq":1}'],
  ["$JS.API.STREAM.MSG.DELETE.F", '{"seq":100}'],
  ["$JS.API.STREAM.MSG.DELETE.F", ""],
  ["$JS.API.STREAM.INFO.F", '{"deleted_details":true,"subjects_filter":"f.a"}'],
  ["f.x", "r", { "Nats-Rollup": "all" }],
  ["$JS.API.STREAM.INFO.F", ""],
  [
    "$JS.API.STREAM.UPDATE.F",
    '{"name":"F","subjects":["f.*","g"],"max_msgs_per_subject":2,"discard":"new","discard_new_per_subject":true,"allow_rollup_hdrs":true,"max_msg_size":100,"deny_delete":true}',
  ],
  ["g", "gg"],
  ["$JS.API.STREAM.MSG.DELETE.F", '{"seq":7}'],
  ["$JS.API.STREAM.PURGE.F", '{"seq":3,"keep":1}'],
  ["$JS.API.STREAM.PURGE.F", '{"keep":1}'],
  ["$JS.API.STREAM.PURGE.F", '{"seq":'],
  ["$JS.API.STREAM.PURGE.X", ""],
  [
    "$JS.API.STREAM.UPDATE.F",
    '{"name":"F","subjects":["f.*","g"],"max_msgs_per_subject":2,"discard":"new","discard_new_per_subject":true,"allow_rollup_hdrs":true,"max_msg_size":100,"deny_delete":true,"sealed":true}',
  ],
  ["f.a", "sealed"],
  ["$JS.API.STREAM.PURGE.F", ""],
  ["$JS.API.STREAM.MSG.DELETE.F", '{"seq":7}'],
  [
    "$JS.API.STREAM.CREATE.N",
    '{"name":"N","subjects":["n.>"],"max_msgs":2,"discard":"new","no_ack":true,"storage":"memory"}',
  ],
  ["n.1", "1"],
  [
    "$JS.API.STREAM.UPDATE.N",
    '{"name":"N","subjects":["n.>"],"max_msgs":2,"discard":"new","storage":"memory"}',
  ],
  ["n.2", "2"],
  ["n.3", "3"],
  ["$JS.API.STREAM.CREATE.B", '{"name":"B","subjects":["b"],"max_bytes":100,"discard":"new"}'],
  ["b", "0123456789012345678901234567890123456789012345678901234567890123456789"],
  ["b", "0123456789012345678901234567890123456789012345678901234567890123456789"],
  [
    "$JS.API.STREAM.CREATE.I",
    '{"name":"I","subjects":["i"],"retention":"interest","storage":"memory"}',
  ],
  ["i", "x", { "Nats-Msg-Id": "q" }],
  ["i", "x", { "Nats-Msg-Id": "q" }],
  ["$JS.API.STREAM.INFO.I", ""],
  [
    "$JS.API.STREAM.CREATE.R",
    '{"name":"R","subjects":["r.>"],"republish":{"src":"r.>","dest":"rp.>"},"storage":"memory"}',
  ],
  ["$JS.API.STREAM.NAMES", '{"subject":"f.a"}'],
  ["$JS.API.STREAM.NAMES", '{"offset":2}'],
  ["$JS.API.STREAM.NAMES", '{"offset":20}'],
  ["$JS.API.STREAM.LIST", '{"subject":"zz"}'],
  ["$JS.API.STREAM.NAMES", "[1]"],
  ["$JS.API.STREAM.DELETE.F", '{"x":1}'],
  ["$JS.API.STREAM.INFO.F", '{"offset":"x"}'],
  ["$JS.API.STREAM.MSG.GET.F", '{"seq":1,"last_by_subj":"f.a"}'],
  ["$JS.API.STREAM.MSG.GET.F", '{"next_by_subj":"f.*"}'],
  ["$JS.API.STREAM.MSG.GET.F", ""],
  ["$JS.API.DIRECT.GET.F", '{"seq":1}'],
  ["$JS.API.CONSUMER.LEADER.STEPDOWN.F.c", ""],
  ["$JS.API.INFO", ""],
];

const ACCOUNTS = `
accounts {
  A: { jetstream: { max_mem: 1000, max_file: 2000, max_streams: 2 }, users: [{user: a, password: a}] }
  C: { users: [{user: c, password: c}] }
}`;

const memory = (name: string, subject: string, maxBytes: number) =>
  JSON.stringify({ name, subjects: [subject], storage: "memory", max_bytes: maxBytes });

/** Account limits (user a) and an account without JetStream (user c). */
const ACCOUNT_LIMITS: Step[] = [
  ["$JS.API.STREAM.CREATE.M", memory("M", "m", 600)],
  ["$JS.API.STREAM.CREATE.M2", memory("M2", "m2", 600)],
  ["$JS.API.STREAM.CREATE.F", '{"name":"F","subjects":["f"]}'],
  ["$JS.API.STREAM.CREATE.G", '{"name":"G","subjects":["g"]}'],
  ["$JS.API.STREAM.CREATE.H", '{"name":"H","subjects":["h"],"max_bytes":5000}'],
  ["m", "12345"],
  ["f", "12345"],
  ["f", "x".repeat(3000)],
  ["m", "y".repeat(1000)],
  ["$JS.API.INFO", ""],
  ["$JS.API.STREAM.UPDATE.M", memory("M", "m", 2000)],
  ["$JS.API.STREAM.NAMES", ""],
];
const NO_JETSTREAM: Step[] = [
  ["$JS.API.STREAM.CREATE.X", '{"name":"X"}'],
  ["$JS.API.STREAM.INFO.X", ""],
  ["$JS.API.STREAM.NAMES", ""],
  ["$JS.API.STREAM.LIST", ""],
  ["$JS.API.STREAM.PURGE.X", ""],
  ["$JS.API.STREAM.MSG.GET.X", '{"seq":1}'],
  ["$JS.API.STREAM.DELETE.X", ""],
];

/** A JetStream domain: PubAcks, infos and direct gets under `$JS.hub.API`. */
const DOMAIN: Step[] = [
  ["$JS.hub.API.STREAM.CREATE.S", '{"name":"S","storage":"memory","allow_direct":true}'],
  ["S", "hello"],
  ["$JS.hub.API.STREAM.INFO.S", ""],
  ["$JS.API.STREAM.UPDATE.S", '{"name":"S","storage":"memory","allow_direct":true,"max_msgs":5}'],
  ["$JS.hub.API.DIRECT.GET.S", '{"seq":1}'],
  ["$JS.hub.API.DIRECT.GET.S.S", ""],
  ["$JS.hub.API.STREAM.LIST", ""],
  ["$JS.hub.API.INFO", ""],
];

/**
 * Purge variants (filter with seq or keep, seq past the end), message get/delete edge cases,
 * direct-get bad requests, limits enforced by an update. Account info is left out: nats-server
 * 2.9.10's file store does not report a filtered purge's bytes to the account (its usage leaks);
 * denats reports them.
 */
const VARIANTS: Step[] = [
  ["$JS.API.STREAM.CREATE.P", '{"name":"P","subjects":["p.>"],"allow_direct":true}'],
  ["p.a.1", "1"],
  ["p.a.2", "2"],
  ["p.b.1", "3"],
  ["p.a.1", "4"],
  ["p.b.2", "5"],
  ["p.a.2", "6"],
  ["$JS.API.STREAM.INFO.P", '{"subjects_filter":"p.a.*","offset":1}'],
  ["$JS.API.STREAM.INFO.P", '{"subjects_filter":"nomatch"}'],
  ["$JS.API.STREAM.MSG.GET.P", '{"seq":2,"next_by_subj":"p.b.*"}'],
  ["$JS.API.STREAM.MSG.GET.P", '{"last_by_subj":"p.a.*","next_by_subj":"p.b.*"}'],
  ["$JS.API.DIRECT.GET.P", '{"seq":4,"next_by_subj":"p.b.>"}'],
  ["$JS.API.DIRECT.GET.P", '{"seq":1,"last_by_subj":"p.b.>"}'],
  ["$JS.API.DIRECT.GET.P.p.a.1", "x"],
  ["$JS.API.DIRECT.GET.P.p.zz", ""],
  ["$JS.API.STREAM.MSG.DELETE.P", '{"seq":100}'],
  ["$JS.API.STREAM.MSG.DELETE.P", '{"seq":0}'],
  ["$JS.API.STREAM.MSG.DELETE.P", '{"seq":3}'],
  ["$JS.API.STREAM.MSG.DELETE.P", '{"seq":3}'],
  ["$JS.API.STREAM.MSG.DELETE.P", '{"seq":1,"no_erase":true}'],
  ["$JS.API.STREAM.MSG.DELETE.P", '{"seq":1,"no_erase":true}'],
  ["$JS.API.STREAM.INFO.P", '{"deleted_details":true}'],
  ["$JS.API.STREAM.PURGE.P", '{"filter":"p.a.*","seq":5}'],
  ["$JS.API.STREAM.PURGE.P", '{"filter":"p.>","keep":2}'],
  ["$JS.API.STREAM.PURGE.P", '{"seq":1}'],
  ["$JS.API.STREAM.INFO.P", '{"deleted_details":true,"subjects_filter":">"}'],
  ["$JS.API.STREAM.PURGE.P", '{"seq":100}'],
  ["$JS.API.STREAM.INFO.P", ""],
  ["p.c", "after"],
  ["$JS.API.STREAM.CREATE.Q", '{"name":"Q","subjects":["q"],"max_msgs":3}'],
  ["q", "1"],
  ["q", "2"],
  ["q", "3"],
  ["q", "4"],
  ["$JS.API.STREAM.INFO.Q", ""],
  ["$JS.API.STREAM.UPDATE.Q", '{"name":"Q","subjects":["q"],"max_msgs":1}'],
  ["$JS.API.STREAM.UPDATE.Q", '{"name":"Q","subjects":["q"],"max_msgs":1,"storage":"memory"}'],
  ["$JS.API.STREAM.UPDATE.Z", '{"name":"Z"}'],
  ["$JS.API.STREAM.UPDATE.Q", '{"name":"Q","subjects":["p.x"]}'],
  ["$JS.API.STREAM.CREATE.Q", '{"name":"Q","subjects":["q"],"max_msgs":2}'],
  ["$JS.API.STREAM.LIST", '{"offset":1}'],
  ["$JS.API.STREAM.DELETE.Q", ""],
];

/** Answers nobody sends (no_ack, an unknown rollup value, meta-only operations). */
const SILENT = new Set(["n.1", "f.c|r", "$JS.API.META.LEADER.STEPDOWN", "$JS.API.SERVER.REMOVE"]);

function silent([subject, body]: Step): boolean {
  return SILENT.has(subject) || SILENT.has(`${subject}|${body}`);
}

/** Runs `steps` against a fresh server; one line per answer. */
function run(binary: string, steps: Step[], user = "", jsExtra = ""): Promise<string[]> {
  return runSteps(binary, steps, { user, jsExtra, conf: user === "" ? "" : ACCOUNTS, silent });
}

/** The key sets denats must answer with even without nats-server to compare against. */
function checkAlone(lines: string[]): void {
  const keysOf = (prefix: string) => {
    const line = lines.find((l) => l.startsWith(prefix))!;
    return Object.keys(JSON.parse(line.slice(line.indexOf("=> ") + 3)));
  };
  assert.deepEqual(keysOf("$JS.API.STREAM.CREATE.S"), [
    "type",
    "config",
    "created",
    "state",
    "did_create",
  ]);
  assert.deepEqual(keysOf("$JS.API.STREAM.INFO.X"), ["type", "error", "total", "offset", "limit"]);
  assert.deepEqual(keysOf("$JS.API.STREAM.NAMES"), ["type", "total", "offset", "limit", "streams"]);
  assert.ok(lines.includes('s.a hello => {"stream":"S", "seq":1}'));
  assert.ok(lines.includes('s.a hello => {"stream":"S", "seq":2,"duplicate": true}'));
}

const SUITES: [string, Step[], string, string][] = [
  ["basics", BASICS, "", ""],
  ["limits and checks", LIMITS, "", ""],
  ["account limits", ACCOUNT_LIMITS, "a", ""],
  ["account without JetStream", NO_JETSTREAM, "c", ""],
  ["domain", DOMAIN, "", "domain: hub"],
  ["purge, get and delete variants", VARIANTS, "", ""],
];

for (const [name, steps, user, jsExtra] of SUITES) {
  Deno.test(`stream API compat (${name}): denats answers as nats-server 2.9.10`, async () => {
    const ours = await run(DENATS, steps, user, jsExtra);
    assert.equal(ours.length, steps.length);
    if (name === "basics") checkAlone(ours);
    if (!HAVE_NATS_SERVER) return;
    const theirs = await run(natsServerBinary(), steps, user, jsExtra);
    for (let i = 0; i < steps.length; i++) assert.equal(ours[i], theirs[i], `step ${i}`);
  });
}

/** The stream advisories a binary sends for a create, update and delete: subject and keys. */
async function advisories(binary: string): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "denats_jsa_" });
  await using server = await spawnFromConf(
    binary,
    `jetstream { store_dir: ${JSON.stringify(dir)}, domain: hub }`,
    { timeoutMs: 10_000 },
  );
  const nc = await connect({ port: server.port });
  try {
    const sub = nc.subscribe("$JS.EVENT.ADVISORY.STREAM.>", { max: 3 });
    await nc.flush();
    const cfg = '{"name":"S","storage":"memory"}';
    await nc.request("$JS.API.STREAM.CREATE.S", cfg);
    await nc.request("$JS.API.STREAM.UPDATE.S", '{"name":"S","storage":"memory","max_msgs":3}');
    await nc.request("$JS.API.STREAM.DELETE.S", "");
    const out: string[] = [];
    for await (const m of sub) {
      const body = m.json<Record<string, unknown>>();
      out.push(`${m.subject} ${Object.keys(body)} ${body.type} ${body.action} ${body.domain}`);
      assert.match(String(body.id), /^[0-9A-Za-z]{22}$/);
    }
    return out;
  } finally {
    await nc.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test("stream advisories (created, updated, deleted) as nats-server 2.9.10 sends them", async () => {
  const ours = await advisories(DENATS);
  assert.deepEqual(ours, [
    "$JS.EVENT.ADVISORY.STREAM.CREATED.S type,id,timestamp,stream,action,domain " +
    "io.nats.jetstream.advisory.v1.stream_action create hub",
    "$JS.EVENT.ADVISORY.STREAM.UPDATED.S type,id,timestamp,stream,action,domain " +
    "io.nats.jetstream.advisory.v1.stream_action modify hub",
    "$JS.EVENT.ADVISORY.STREAM.DELETED.S type,id,timestamp,stream,action,domain " +
    "io.nats.jetstream.advisory.v1.stream_action delete hub",
  ]);
  if (HAVE_NATS_SERVER) assert.deepEqual(await advisories(natsServerBinary()), ours);
});
