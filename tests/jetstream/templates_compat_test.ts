/**
 * @module
 * Stream templates (`$JS.API.STREAM.TEMPLATE.*`) side by side with nats-server 2.9.10 (when
 * installed): create with every refusal (duplicate, name mismatch, named config, bad JSON, bad
 * stream config, max_streams out of range), info, names with offsets, delete with a payload, the
 * streams a template makes on the first message of each literal subject (with their PubAcks,
 * `template_owner` in their info, the update refusal, the max_streams limit even after a stream
 * was deleted), an API create naming a template, two templates on one subject, memory and file
 * templates across a restart (an account's templates are saved only when its first one is a file
 * one), and delete taking the template's streams with it. Every answer must be identical once
 * timestamps are masked; without nats-server, denats' answers are checked alone.
 */
import assert from "node:assert/strict";
import { natsServerAvailable, natsServerBinary } from "../helpers/spawn_server.ts";
import { RESTART, runSteps, type Step } from "./_compat_steps.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn(
    "tests/jetstream/templates_compat_test.ts: nats-server not found; denats checked alone",
  );
}

const tpl = (name: string, maxStreams: number, config: Record<string, unknown>) =>
  JSON.stringify({ name, max_streams: maxStreams, config });

const FILE_TEMPLATES: Step[] = [
  ["$JS.API.STREAM.TEMPLATE.NAMES", ""],
  [
    "$JS.API.STREAM.TEMPLATE.CREATE.T2",
    tpl("T2", 2, { subjects: ["t2.*"], storage: "file", max_msgs: 5 }),
  ],
  [
    "$JS.API.STREAM.TEMPLATE.CREATE.T2",
    tpl("T2", 2, { subjects: ["t2.*"], storage: "file", max_msgs: 5 }),
  ],
  ["$JS.API.STREAM.TEMPLATE.CREATE.X", tpl("Y", 2, { subjects: ["y.*"] })],
  ["$JS.API.STREAM.TEMPLATE.CREATE.N", tpl("N", 2, { name: "foo", subjects: ["n.*"] })],
  ["$JS.API.STREAM.TEMPLATE.CREATE.B", "{bad"],
  ["$JS.API.STREAM.TEMPLATE.CREATE.C", tpl("C", 2, { subjects: ["c.*"], retention: "bogus" })],
  ["$JS.API.STREAM.TEMPLATE.CREATE.Q", tpl("Q", 4294967296, { subjects: ["q.*"] })],
  ["$JS.API.STREAM.TEMPLATE.CREATE.D", tpl("D", 1, { subjects: ["d.*"], max_age: -1 })],
  [
    "$JS.API.STREAM.TEMPLATE.CREATE.S",
    tpl("S", 1, { subjects: ["s.*"], max_bytes: -5, num_replicas: 3 }),
  ],
  ["$JS.API.STREAM.TEMPLATE.INFO.NOPE", ""],
  ["$JS.API.STREAM.TEMPLATE.INFO.T2", "{}"],
  ["$JS.API.STREAM.TEMPLATE.INFO.T2", '{"x":1}'],
  ["$JS.API.STREAM.TEMPLATE.DELETE.NOPE", ""],
  ["$JS.API.STREAM.TEMPLATE.DELETE.T2", '{"x":1}'],
  ["t2.a", "one"],
  ["t2.a", "two"],
  ["t2.b.c", "x"],
  ["t2.b", "x"],
  ["t2.c", "over"],
  ["$JS.API.STREAM.TEMPLATE.INFO.T2", ""],
  ["$JS.API.STREAM.INFO.t2_a", ""],
  ["$JS.API.STREAM.UPDATE.t2_a", '{"name":"t2_a","subjects":["t2.a"],"storage":"file"}'],
  ["$JS.API.STREAM.CREATE.own", '{"name":"own","subjects":["own"],"template_owner":"T2"}'],
  ["$JS.API.STREAM.TEMPLATE.NAMES", '{"offset":0}'],
  ["$JS.API.STREAM.TEMPLATE.NAMES", '{"offset":5}'],
  ["$JS.API.STREAM.TEMPLATE.NAMES", "{bad"],
  ["$JS.API.STREAM.DELETE.t2_b", ""],
  ["$JS.API.STREAM.TEMPLATE.INFO.T2", ""],
  ["t2.d", "after"],
  RESTART,
  ["$JS.API.STREAM.TEMPLATE.NAMES", ""],
  ["$JS.API.STREAM.TEMPLATE.INFO.T2", ""],
  ["$JS.API.STREAM.INFO.t2_a", ""],
  ["t2.a", "three"],
  // T2 reaches its limit first: nats-server runs two templates' handlers on one subject in a
  // random order (its sublist keeps them in a map), so only O may create streams below.
  ["t2.g", "fills T2"],
  ["$JS.API.STREAM.TEMPLATE.CREATE.O", tpl("O", 3, { subjects: ["t2.*"], storage: "memory" })],
  ["t2.e", "both"],
  ["t2.f", "both"],
  ["$JS.API.STREAM.TEMPLATE.INFO.O", ""],
  ["$JS.API.STREAM.TEMPLATE.DELETE.T2", ""],
  ["$JS.API.STREAM.NAMES", ""],
  ["$JS.API.STREAM.TEMPLATE.NAMES", ""],
  ["$JS.API.STREAM.TEMPLATE.DELETE.O", ""],
  ["$JS.API.STREAM.NAMES", ""],
];

/** A memory template first: the account's later file templates are not saved either. */
const MEMORY_FIRST: Step[] = [
  ["$JS.API.STREAM.TEMPLATE.CREATE.M", tpl("M", 1, { subjects: ["m.*"], storage: "memory" })],
  ["$JS.API.STREAM.TEMPLATE.CREATE.F", tpl("F", 2, { subjects: ["f.*"], storage: "file" })],
  ["f.a", "1"],
  ["m.a", "1"],
  ["m.b", "over"],
  RESTART,
  ["$JS.API.STREAM.TEMPLATE.NAMES", ""],
  ["$JS.API.STREAM.NAMES", ""],
  ["$JS.API.STREAM.INFO.f_a", ""],
  ["f.a", "2"],
  ["f.b", "no template now"],
];

/** No answer expected: publishes nobody stores. */
const SILENT = new Set(["t2.b.c", "t2.c", "t2.d", "m.b", "f.b"]);

const SUITES: [string, Step[]][] = [["file templates", FILE_TEMPLATES], [
  "memory first",
  MEMORY_FIRST,
]];

function run(binary: string, steps: Step[]): Promise<string[]> {
  return runSteps(binary, steps, { silent: ([subject]) => SILENT.has(subject) });
}

/** What denats must answer even without nats-server to compare against. */
function checkAlone(lines: string[]): void {
  const answer = (prefix: string) => {
    const line = lines.find((l) => l.startsWith(prefix))!;
    return line.slice(line.indexOf("=> ") + 3);
  };
  const created = JSON.parse(answer("$JS.API.STREAM.TEMPLATE.CREATE.T2"));
  assert.deepEqual(Object.keys(created), ["type", "config", "streams"]);
  assert.deepEqual(Object.keys(created.config), ["name", "config", "max_streams"]);
  assert.equal(created.config.config.name, "_");
  assert.ok(lines.includes('t2.a one => {"stream":"t2_a", "seq":1}'));
  assert.ok(lines.includes('t2.b x => {"stream":"t2_b", "seq":1}'));
  assert.ok(lines.includes("t2.c over => TimeoutError") || lines.includes("t2.c over => Error"));
  const info = JSON.parse(answer("$JS.API.STREAM.INFO.t2_a"));
  assert.equal(info.config.template_owner, "T2");
  assert.equal(info.state.messages, 2);
}

for (const [name, steps] of SUITES) {
  Deno.test(`stream templates (${name}): denats answers as nats-server 2.9.10`, async () => {
    const ours = await run(DENATS, steps);
    assert.equal(ours.length, steps.filter((s) => s !== RESTART).length);
    if (name === "file templates") checkAlone(ours);
    if (!HAVE_NATS_SERVER) return;
    const theirs = await run(natsServerBinary(), steps);
    for (let i = 0; i < ours.length; i++) assert.equal(ours[i], theirs[i], `answer ${i}`);
  });
}
