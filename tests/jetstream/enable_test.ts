/**
 * @module
 * JetStream enabling, side by side with nats-server 2.9.10 when installed: INFO `jetstream`,
 * the account info response and its 10039 error for an account without JetStream, the
 * `/varz` jetstream section, and the startup failure for a store directory that is a file.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";
import { nodeId } from "../../server/raft/subjects.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn("tests/jetstream/enable_test.ts: nats-server not found; denats checked alone");
}
const BINARIES = HAVE_NATS_SERVER ? [DENATS, natsServerBinary()] : [DENATS];

const ACCOUNTS = `
accounts {
  A: { jetstream: enabled, users: [{user: a, password: a}] }
  B: { jetstream: { max_mem: 1M, max_streams: 7 }, users: [{user: b, password: b}] }
  C: { users: [{user: c, password: c}] }
}`;

/** What a server answers to `$JS.API.INFO` for each user. */
async function accountInfos(binary: string) {
  const dir = await Deno.makeTempDir({ prefix: "denats_js_" });
  await using server = await spawnFromConf(
    binary,
    `jetstream { store_dir: ${JSON.stringify(dir)} }\n${ACCOUNTS}`,
    { monitor: true },
  );
  const out: Record<string, unknown> = {};
  for (const user of ["a", "b", "c"]) {
    const nc = await connect({ port: server.port, user, pass: user });
    out[`${user}.info.jetstream`] = nc.info?.jetstream;
    out[user] = (await nc.request("$JS.API.INFO", "", { timeout: 2000 })).json();
    await nc.close();
  }
  const varz = await (await fetch(`${server.monitorUrl}/varz`)).json();
  out.varz = varz.jetstream;
  await Deno.remove(dir, { recursive: true });
  return { out, dir };
}

for (const binary of BINARIES) {
  const name = binary === DENATS ? "denats" : "nats-server";
  Deno.test(`jetstream enable (${name}): account info, 10039, /varz`, async () => {
    const { out, dir } = await accountInfos(binary);
    assert.equal(out["a.info.jetstream"], true);
    assert.equal(out["c.info.jetstream"], true);
    const a = out.a as Record<string, unknown>;
    assert.deepEqual(Object.keys(a), [
      "type",
      "memory",
      "storage",
      "streams",
      "consumers",
      "limits",
      "api",
    ]);
    assert.equal(a.type, "io.nats.jetstream.api.v1.account_info_response");
    assert.deepEqual(a.limits, {
      max_memory: -1,
      max_storage: -1,
      max_streams: -1,
      max_consumers: -1,
      max_ack_pending: -1,
      memory_max_stream_bytes: -1,
      storage_max_stream_bytes: -1,
      max_bytes_required: false,
    });
    const b = out.b as { limits: Record<string, unknown> };
    assert.equal(b.limits.max_memory, 1_000_000); // `1M` in a conf is 10^6
    assert.equal(b.limits.max_streams, 7);
    assert.equal(b.limits.max_storage, -1);
    assert.deepEqual(out.c, {
      type: "io.nats.jetstream.api.v1.account_info_response",
      error: { code: 503, err_code: 10039, description: "JetStream not enabled for account" },
    });
    const varz = out.varz as { config: Record<string, unknown>; stats: Record<string, unknown> };
    assert.equal(varz.config.store_dir, `${dir}/jetstream`);
    assert.deepEqual(Object.keys(varz.config), ["max_memory", "max_storage", "store_dir"]);
    assert.deepEqual(Object.keys(varz.stats), [
      "memory",
      "storage",
      "reserved_memory",
      "reserved_storage",
      "accounts",
      "ha_assets",
      "api",
    ]);
    assert.equal(varz.stats.accounts, 2);
  });

  Deno.test(`jetstream enable (${name}): node id at startup, shutdown lines after SIGTERM`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "denats_js_stop_" });
    try {
      const server = await spawnFromConf(
        binary,
        `server_name: node-check\njetstream { store_dir: ${JSON.stringify(dir)} }`,
      );
      await server.close("SIGTERM");
      const lines = server.logs().trimEnd().split("\n").map((l) => l.replace(/^.*\[INF\] /, ""));
      // raft.go getHash("node-check"), printed between the name and the id.
      const name = lines.indexOf("  Name:     node-check");
      assert.equal(lines[name + 1], `  Node:     ${nodeId("node-check")}`);
      assert.ok(lines[name + 2].startsWith("  ID:       N"), lines[name + 2]);
      assert.deepEqual(lines.slice(-4), [
        "Initiating Shutdown...",
        "Initiating JetStream Shutdown...",
        "JetStream Shutdown",
        "Server Exiting..",
      ]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`jetstream enable (${name}): a store directory that is a file is fatal`, async () => {
    const file = await Deno.makeTempFile({ prefix: "denats_js_file_" });
    try {
      const out = await new Deno.Command(binary, {
        args: ["-p", "-1", "-js", "-sd", file],
        stdout: "null",
        stderr: "piped",
      }).output();
      const log = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 1);
      // -sd <file>: stat(<file>/jetstream) fails with ENOTDIR.
      assert.match(log, /\[FTL\] Can't start JetStream: storage directory is not a directory\n/);
    } finally {
      await Deno.remove(file);
    }
  });
}

Deno.test("jetstream enable: a cluster needs server_name, cluster.name and routes, a gateway too", async () => {
  const dir = await Deno.makeTempDir({ prefix: "denats_js_cluster_" });
  try {
    const gw = `${dir}/gw.conf`;
    await Deno.writeTextFile(gw, 'server_name: A\ngateway { name: G, listen: "127.0.0.1:-1" }\n');
    const cases: [string[], RegExp][] = [
      // nats-server's option checks (validateJetStreamOptions), before anything starts.
      [["--cluster", "nats://127.0.0.1:-1"], /jetstream cluster requires `server_name` to be set/],
      [
        ["-n", "A", "--cluster", "nats://127.0.0.1:-1"],
        /jetstream cluster requires `cluster.name` to be set/,
      ],
      // enableJetStreamClustering: a cluster of one with no routes.
      [
        ["-n", "A", "--cluster", "nats://127.0.0.1:-1", "--cluster_name", "X"],
        /\[FTL\] Can't start JetStream: JetStream cluster requires configured routes or solicited leafnode for the system account/,
      ],
      // A gateway without routes (nats-server standAloneMode is false with a gateway port).
      [
        ["-c", gw],
        /\[FTL\] Can't start JetStream: JetStream cluster requires configured routes or solicited leafnode for the system account/,
      ],
    ];
    for (const [extra, expected] of cases) {
      const out = await new Deno.Command(DENATS, {
        args: ["-p", "-1", "-js", "-sd", dir, ...extra],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const log = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 1, log);
      assert.match(log, expected);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
