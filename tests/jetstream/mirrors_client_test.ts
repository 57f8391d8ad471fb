/**
 * @module
 * Mirrors and sources on an in-process denats restarted on its file store, with the official
 * client: a mirror catches up in order with the origin's sequences across a restart, a mirror
 * created before its origin reports the create error and catches up, sources (filtered,
 * opt_start_seq) resume after a restart with one copy of each message and its
 * Nats-Stream-Source, and account B mirrors and sources account A's stream through `external`.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { eventually, JsTestDir } from "./_js_server.ts";
import { startServer } from "../../mod.ts";
import { spawnFromConf } from "../helpers/spawn_server.ts";
import {
  crossAccount,
  domainExternal,
  mirrorAcrossRestart,
  mirrorBeforeOrigin,
  mirrorDirectAndRefusals,
  originGoneAndBack,
  sourceIntoFullStream,
  sourcesAcrossRestart,
  sourceUpdates,
  type Starter,
  startTimes,
} from "./_mirror_scenarios.ts";

function inProcess(dir: JsTestDir): Starter {
  return async (extra = "") => await dir.start(extra);
}

const source = (m: { headers: [string, string][] }) =>
  m.headers.find(([k]) => k === "Nats-Stream-Source")?.[1];

Deno.test("a mirror keeps the origin's sequences and catches up in order after a restart", async () => {
  using dir = new JsTestDir();
  const r = await mirrorAcrossRestart(inProcess(dir));
  assert.deepEqual(r.beforeRestart.map((m) => m.seq), [1, 3, 4, 5]);
  assert.deepEqual(r.messages, r.origin);
  assert.deepEqual(r.messages.map((m) => m.seq), [1, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(r.messages[0].headers, [["Nats-Msg-Id", "id1"]]);
  assert.deepEqual(r.state, { messages: 9, first_seq: 1, last_seq: 10, num_deleted: 1 });
  assert.deepEqual(r.mirror, { name: "O", lag: 0, active: undefined });
  assert.ok(r.infoKeys.includes("mirror.active"));
});

Deno.test("a mirror created before its origin shows the create error, then catches up", async () => {
  using dir = new JsTestDir();
  const r = await mirrorBeforeOrigin(inProcess(dir));
  assert.deepEqual(r.error, { code: 404, err_code: 10059, description: "stream not found" });
  assert.deepEqual(r.messages.map((m) => [m.seq, m.data]), [[1, "l1"], [2, "l2"], [3, "l3"]]);
  assert.equal(r.errorAfter, null);
});

Deno.test("sources resume after a restart: filtered, from opt_start_seq, each message once", async () => {
  using dir = new JsTestDir();
  const r = await sourcesAcrossRestart(inProcess(dir));
  assert.deepEqual(r.messages.map((m) => [m.subject, m.data, source(m)]), [
    ["o1.a", "a1", "O1 1"],
    ["o1.a", "a2", "O1 3"],
    ["o1.a", "a3", "O1 4"],
    ["o2.x", "x1", "O2 1"],
    ["o2.y", "y1", "O2 2"],
    ["o3", "t2", "O3 2"],
    ["o3", "t3", "O3 3"],
    ["o3", "t4", "O3 4"],
  ]);
  assert.deepEqual(r.messages[3].headers, [["Nats-Msg-Id", "dup"], ["Nats-Stream-Source", "O2 1"]]);
  assert.deepEqual(r.state, { messages: 8, first_seq: 1, last_seq: 8, num_deleted: 0 });
  assert.deepEqual(r.sources.map((s) => [s.name, s.lag]), [["O1", 0], ["O2", 0], ["O3", 0]]);
});

Deno.test("account B mirrors and sources account A's stream through external prefixes", async () => {
  using dir = new JsTestDir();
  const r = await crossAccount(inProcess(dir));
  assert.deepEqual(
    r.mirrorMessages.map((m) => [m.seq, m.subject, m.data]),
    [[1, "o.1", "m1"], [2, "o.0", "m2"], [3, "o.1", "m3"], [4, "o.0", "m4"], [5, "o.1", "m5"]],
  );
  const iname = source(r.sourceMessages[0])!.split(" ")[0];
  assert.match(iname, /^O:[0-9A-Za-z]{8}$/);
  assert.deepEqual(
    r.sourceMessages.map((m) => [m.subject, m.data, source(m)]),
    [["o.1", "m1", `${iname} 1`], ["o.1", "m3", `${iname} 3`], ["o.1", "m5", `${iname} 5`]],
  );
  const external = { api: "JS.A.API", deliver: "dlv.B" };
  assert.deepEqual(r.mirror, { name: "O", external, lag: 0, active: undefined });
  assert.deepEqual(r.sources, [{ name: "O", external, lag: 0, active: undefined }]);
});

Deno.test("a mirror and a source of 4 MB catch up through flow control", async () => {
  using dir = new JsTestDir();
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "BIG", subjects: ["big"] });
    const js = jetstream(nc);
    const payload = new Uint8Array(4096).fill(7);
    const acks = [];
    for (let i = 0; i < 1000; i++) acks.push(js.publish("big", payload));
    await Promise.all(acks);
    await jsm.streams.add({ name: "BM", mirror: { name: "BIG" } });
    await jsm.streams.add({ name: "BS", sources: [{ name: "BIG" }] });
    await eventually(async () => (await jsm.streams.info("BM")).state.messages === 1000, 20_000);
    await eventually(async () => (await jsm.streams.info("BS")).state.messages === 1000, 20_000);
    const last = await jsm.streams.getMessage("BS", { seq: 1000 });
    assert.equal(last?.header.get("Nats-Stream-Source"), "BIG 1000");
    assert.equal((await jsm.streams.info("BIG")).state.consumer_count, 0);
  } finally {
    await nc.close();
  }
});

Deno.test("a mirror reaches its origin through a JetStream domain's API prefix", async () => {
  // nats-server 2.9.10 does not answer its own domain prefix for a mirror on the same server
  // (the mirror stays empty there); the hub-to-leaf case goes through a leaf connection.
  const dir = Deno.makeTempDirSync({ prefix: "denats_jsd_" });
  try {
    const conf = `${dir}/s.conf`;
    Deno.writeTextFileSync(conf, `jetstream { store_dir: ${JSON.stringify(dir)}, domain: hub }`);
    const r = await domainExternal(() => startServer({ config: conf, port: -1, quiet: true }));
    assert.deepEqual(r.messages.map((m) => [m.seq, m.subject, m.data]), [
      [1, "o.1", "h1"],
      [2, "o.2", "h2"],
      [3, "o.3", "h3"],
    ]);
    assert.deepEqual(r.mirror, {
      name: "O",
      external: { api: "$JS.hub.API", deliver: "" },
      lag: 0,
      active: undefined,
    });
    assert.equal(r.domain, "hub");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("mirror_direct: the caught-up mirror answers its origin's direct gets", async () => {
  using dir = new JsTestDir();
  const r = await mirrorDirectAndRefusals(inProcess(dir));
  assert.equal(r.mirrorDirect, true);
  assert.deepEqual(r.createKeys, ["config", "created", "did_create", "state", "type"]);
  assert.deepEqual(r.answers, [JSON.stringify(["d2", "M"])]);
  assert.equal(r.withSubjects, "stream mirrors can not contain subjects");
  assert.equal(r.updated, "stream mirrors can not contain subjects");
  assert.equal(r.changed, "stream mirror configuration can not be updated");
});

Deno.test("sources added and removed by stream updates", async () => {
  using dir = new JsTestDir();
  const r = await sourceUpdates(inProcess(dir));
  assert.deepEqual(r.messages, [["su", "e"], ["u1", "a"], ["u2", "b"], ["u2", "d"]]);
  assert.deepEqual(r.sources, ["U2"]);
});

Deno.test("a mirror whose origin is deleted reports it, then continues when it comes back", async () => {
  using dir = new JsTestDir();
  const r = await originGoneAndBack(inProcess(dir));
  assert.deepEqual(r.error, { code: 404, err_code: 10059, description: "stream not found" });
  assert.deepEqual(r.messages, [[1, "old1"], [2, "old2"], [3, "old3"], [4, "new4"], [5, "new5"]]);
  assert.equal(r.errorAfter, null);
});

Deno.test("a source into a full stream (discard new) takes the refused message once there is room", async () => {
  using dir = new JsTestDir();
  const r = await sourceIntoFullStream(inProcess(dir));
  assert.deepEqual(r.full, ["f1", "f2"]);
  assert.deepEqual(r.after, [[2, "f2"], [3, "f3"]]);
});

Deno.test("a mirror and a source with opt_start_time take only the later messages", async () => {
  using dir = new JsTestDir();
  const r = await startTimes(inProcess(dir));
  assert.deepEqual(r.mirror, [[4, "late1"], [5, "late2"]]);
  assert.deepEqual(r.mirrorState, { messages: 2, first_seq: 4, last_seq: 5, num_deleted: 0 });
  assert.deepEqual(r.source, [
    [1, "late1", [["Nats-Stream-Source", "O 4"]]],
    [2, "late2", [["Nats-Stream-Source", "O 5"]]],
  ]);
});

Deno.test("a killed denats process (SIGKILL) comes back with its mirror complete and in order", async () => {
  const store = await Deno.makeTempDir({ prefix: "denats_jsk_" });
  const binary = new URL("../../bin/denats", import.meta.url).pathname;
  try {
    const r = await mirrorAcrossRestart(async () => {
      const conf = `jetstream { store_dir: ${JSON.stringify(store)} }`;
      const s = await spawnFromConf(binary, conf, { timeoutMs: 15_000 });
      return { port: s.port, close: () => s.close("SIGKILL") };
    });
    assert.deepEqual(r.messages, r.origin);
    assert.deepEqual(r.messages.map((m) => m.seq), [1, 3, 4, 5, 6, 7, 8, 9, 10]);
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});
